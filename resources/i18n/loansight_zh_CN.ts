<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>App</name>
    <message>
      <source>Opening the database…</source>
      <translation>正在打开数据库…</translation>
    </message>
    <message>
      <source>Generating demo files</source>
      <translation>正在生成演示数据文件</translation>
    </message>
    <message>
      <source>Database…</source>
      <translation>数据库…</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
    <message>
      <source>First start: building the demo database (about two minutes)…</source>
      <translation>首次启动：正在构建演示数据库（约两分钟）…</translation>
    </message>
    <message>
      <source>Importing {file}</source>
      <translation>正在导入 {file}</translation>
    </message>
    <message>
      <source>First start: building the demo database…</source>
      <translation>首次启动：正在构建演示数据库…</translation>
    </message>
  </context>
  <context>
    <name>ApprovalSettings</name>
    <message>
      <source>Approval workflow settings</source>
      <translation>审批流程设置</translation>
    </message>
    <message>
      <source> working days</source>
      <translation> 个工作日</translation>
    </message>
    <message>
      <source>Anyone with the seed can recompute which inspections were sampled</source>
      <translation>持有该种子即可复算哪些检查被抽中</translation>
    </message>
    <message>
      <source>Branch decision within</source>
      <translation>分行审批时限</translation>
    </message>
    <message>
      <source>Head-office review within</source>
      <translation>总行复核时限</translation>
    </message>
    <message>
      <source>Random sample for head-office review, per branch and month</source>
      <translation>总行随机抽检比例（按分行、按月）</translation>
    </message>
    <message>
      <source>Sample seed</source>
      <translation>抽样种子</translation>
    </message>
    <message>
      <source>Public holidays on weekdays</source>
      <translation>工作日中的法定节假日</translation>
    </message>
    <message>
      <source>Working weekend days</source>
      <translation>调休上班的周末</translation>
    </message>
    <message>
      <source>Add reason</source>
      <translation>添加原因</translation>
    </message>
    <message>
      <source>Remove reason</source>
      <translation>删除原因</translation>
    </message>
    <message>
      <source>These settings apply to every desktop on this database.</source>
      <translation>这些设置适用于连接本数据库的所有工作站。</translation>
    </message>
    <message>
      <source>These settings apply to every desktop on this database; only head-office risk managers and administrators change them.</source>
      <translation>这些设置适用于连接本数据库的所有工作站；仅总行风险经理和系统管理员可以修改。</translation>
    </message>
    <message>
      <source>Reasons for a return for rework</source>
      <translation>退回补充的原因</translation>
    </message>
    <message>
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <source>Chinese</source>
      <translation>中文</translation>
    </message>
    <message>
      <source>English</source>
      <translation>英文</translation>
    </message>
    <message>
      <source>At least one reason for a return is required</source>
      <translation>至少需要一个退回原因</translation>
    </message>
    <message>
      <source>Each reason code must be different</source>
      <translation>原因代码不能重复</translation>
    </message>
    <message>
      <source>Sample seed: required</source>
      <translation>抽样种子：必填</translation>
    </message>
    <message>
      <source>Public holidays: not a date (YYYY-MM-DD): {words}</source>
      <translation>法定节假日：不是日期（YYYY-MM-DD）：{words}</translation>
    </message>
    <message>
      <source>Working weekend days: not a date (YYYY-MM-DD): {words}</source>
      <translation>调休上班日：不是日期（YYYY-MM-DD）：{words}</translation>
    </message>
    <message>
      <source>Reason on row {row}: code, Chinese and English are all required</source>
      <translation>第 {row} 行原因：代码、中文和英文均为必填</translation>
    </message>
  </context>
  <context>
    <name>Approvals</name>
    <message>
      <source>You took part in this inspection: another approver decides it (four-eyes).</source>
      <translation>您参与了这次检查，须由其他审批人决定（四眼原则）。</translation>
    </message>
    <message>
      <source>You manage this customer: another approver decides it (four-eyes).</source>
      <translation>您是该客户的客户经理，须由其他审批人决定（四眼原则）。</translation>
    </message>
    <message>
      <source>This customer is outside your branch.</source>
      <translation>该客户不在您的分行范围内。</translation>
    </message>
    <message>
      <source>Not in a state this decision applies to.</source>
      <translation>当前状态不适用此审批操作。</translation>
    </message>
    <message>
      <source>A comment is required.</source>
      <translation>必须填写意见。</translation>
    </message>
    <message>
      <source>A reason code is required.</source>
      <translation>必须选择原因。</translation>
    </message>
    <message>
      <source>That reason code is not in the settings any more.</source>
      <translation>该原因代码已不在设置中。</translation>
    </message>
    <message>
      <source>no longer a plain case</source>
      <translation>已不属于无异常案件</translation>
    </message>
    <message>
      <source>decided by someone else meanwhile</source>
      <translation>期间已被他人处理</translation>
    </message>
    <message>
      <source>replaced by a newer revision</source>
      <translation>已被新版本替代</translation>
    </message>
    <message>
      <source>no longer exists</source>
      <translation>已不存在</translation>
    </message>
    <message>
      <source>Read only: your role decides nothing.</source>
      <translation>只读：您的角色不参与审批。</translation>
    </message>
    <message>
      <source>Waiting for head office: read only for you.</source>
      <translation>等待总行复核：您只能查看。</translation>
    </message>
    <message>
      <source>Waiting for the branch approver: read only for head office.</source>
      <translation>等待分行审批：总行只能查看。</translation>
    </message>
    <message>
      <source>Choose a reason…</source>
      <translation>请选择原因…</translation>
    </message>
    <message>
      <source>Comment (required):</source>
      <translation>意见（必填）：</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Press Ctrl+Enter to confirm.</source>
      <translation>按 Ctrl+Enter 确认。</translation>
    </message>
    <message>
      <source>Approve plain cases</source>
      <translation>批量通过无异常案件</translation>
    </message>
    <message>
      <source>Decisions</source>
      <translation>审批记录</translation>
    </message>
    <message>
      <source>Approve plain cases…</source>
      <translation>批量通过无异常案件…</translation>
    </message>
    <message>
      <source>Approve, after a confirmation listing them, the loaded inspections with no flag and tier NORMAL or BLUE</source>
      <translation>确认清单后，批量通过已加载的、无任何真实性标记且客户分层为正常或蓝色的检查</translation>
    </message>
    <message>
      <source>Approve</source>
      <translation>通过</translation>
    </message>
    <message>
      <source>Return…</source>
      <translation>退回补充…</translation>
    </message>
    <message>
      <source>Reject…</source>
      <translation>拒绝…</translation>
    </message>
    <message>
      <source>Escalate</source>
      <translation>上报总行</translation>
    </message>
    <message>
      <source>Confirm</source>
      <translation>总行复核确认</translation>
    </message>
    <message>
      <source>Send back…</source>
      <translation>退回分行…</translation>
    </message>
    <message>
      <source>Approve the inspection; head office reviews it if its tier, flags or the sample say so</source>
      <translation>通过该检查；如客户分层、真实性标记或随机抽样需要，将由总行复核</translation>
    </message>
    <message>
      <source>Return it to the client manager for rework (a reason and a comment are required)</source>
      <translation>退回客户经理补充（须选择原因并填写意见）</translation>
    </message>
    <message>
      <source>Not a valid inspection: its task stays open (a comment is required)</source>
      <translation>不是有效的检查：对应任务保持未完成（须填写意见）</translation>
    </message>
    <message>
      <source>Hand the decision to head office</source>
      <translation>提交总行决定</translation>
    </message>
    <message>
      <source>Confirm the branch's decision</source>
      <translation>确认分行的审批结论</translation>
    </message>
    <message>
      <source>Send it back to the branch approver to decide again (a comment is required)</source>
      <translation>退回分行审批人重新审批（须填写意见）</translation>
    </message>
    <message>
      <source>Open in Inspections</source>
      <translation>在检查记录中打开</translation>
    </message>
    <message>
      <source>Show this inspection in the inspections list</source>
      <translation>在检查记录列表中显示此检查</translation>
    </message>
    <message>
      <source>No tier yet</source>
      <translation>尚未分层</translation>
    </message>
    <message>
      <source>nothing changed</source>
      <translation>无变化</translation>
    </message>
    <message>
      <source>Waiting for the branch</source>
      <translation>待分行审批</translation>
    </message>
    <message>
      <source>Returned by head office</source>
      <translation>总行退回分行</translation>
    </message>
    <message>
      <source>Approved, head-office review due</source>
      <translation>已通过，待总行复核</translation>
    </message>
    <message>
      <source>Escalated to head office</source>
      <translation>已上报总行</translation>
    </message>
    <message>
      <source>Returned for rework</source>
      <translation>已退回补充</translation>
    </message>
    <message>
      <source>Rejected</source>
      <translation>已拒绝</translation>
    </message>
    <message>
      <source>Confirmed by head office</source>
      <translation>总行已确认</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>已办结</translation>
    </message>
    <message>
      <source>Return for rework</source>
      <translation>退回补充</translation>
    </message>
    <message>
      <source>Reject</source>
      <translation>拒绝</translation>
    </message>
    <message>
      <source>Escalate to head office</source>
      <translation>上报总行</translation>
    </message>
    <message>
      <source>Send back to the branch</source>
      <translation>退回分行</translation>
    </message>
    <message>
      <source>approved</source>
      <translation>通过</translation>
    </message>
    <message>
      <source>returned for rework</source>
      <translation>退回补充</translation>
    </message>
    <message>
      <source>rejected</source>
      <translation>拒绝</translation>
    </message>
    <message>
      <source>escalated to head office</source>
      <translation>上报总行</translation>
    </message>
    <message>
      <source>confirmed</source>
      <translation>总行复核确认</translation>
    </message>
    <message>
      <source>sent back to the branch</source>
      <translation>退回分行</translation>
    </message>
    <message>
      <source>tier orange or red</source>
      <translation>客户分层为橙色或红色</translation>
    </message>
    <message>
      <source>a high-severity flag</source>
      <translation>存在高风险真实性标记</translation>
    </message>
    <message>
      <source>random sample</source>
      <translation>随机抽样</translation>
    </message>
    <message>
      <source>{n} ({high} high)</source>
      <translation>{n}（高 {high}）</translation>
    </message>
    <message>
      <source>Overdue since {time}</source>
      <translation>{time} 起已超时</translation>
    </message>
    <message>
      <source>Due {time}</source>
      <translation>时限 {time}</translation>
    </message>
    <message>
      <source>Resubmission {n}</source>
      <translation>第 {n} 次提交</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>分层</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Submitted</source>
      <translation>提交时间</translation>
    </message>
    <message>
      <source>Customer name or number, bundle</source>
      <translation>客户名称或编号、数据包</translation>
    </message>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>处理人</translation>
    </message>
    <message>
      <source>Decision</source>
      <translation>审批结论</translation>
    </message>
    <message>
      <source>Revision</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>原因</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>意见</translation>
    </message>
    <message>
      <source>Supervision order…</source>
      <translation>下发督导单…</translation>
    </message>
    <message>
      <source>Order the branch to act on this inspection: re-inspect, rectify or explain</source>
      <translation>督导分行就此次检查采取行动：重新检查、整改或说明情况</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>{n} waiting, {m} overdue</source>
      <translation>待审批 {n} 笔，已超时 {m} 笔</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
    <message>
      <source>Someone else changed this inspection meanwhile; the queue has been refreshed.</source>
      <translation>期间他人已处理了这次检查；审批队列已刷新。</translation>
    </message>
    <message>
      <source>Already decided</source>
      <translation>已被处理</translation>
    </message>
    <message>
      <source>None of the loaded inspections is a plain case (no flag, tier NORMAL or BLUE).</source>
      <translation>已加载的检查中没有无异常案件（无标记、分层为正常或蓝色）。</translation>
    </message>
    <message>
      <source>{n} approved, {m} skipped ({why}).</source>
      <translation>通过 {n} 笔，跳过 {m} 笔（{why}）。</translation>
    </message>
    <message>
      <source>{action}: {customer}, {kind}, submitted {time}</source>
      <translation>{action}：{customer}，{kind}，提交于 {time}</translation>
    </message>
    <message>
      <source>Reason (required):</source>
      <translation>原因（必选）：</translation>
    </message>
    <message>
      <source>What should the client manager redo? (required)</source>
      <translation>客户经理需要补充或重做什么？（必填）</translation>
    </message>
    <message>
      <source>Why is this not a valid inspection? (required)</source>
      <translation>为什么这不是有效的检查？（必填）</translation>
    </message>
    <message>
      <source>What should the branch approver look at again? (required)</source>
      <translation>分行审批人需要重新关注什么？（必填）</translation>
    </message>
    <message>
      <source>These {n} inspections have no authenticity flag and a NORMAL or BLUE customer. Approve them all?</source>
      <translation>以下 {n} 笔检查无任何真实性标记，且客户分层为正常或蓝色。全部通过吗？</translation>
    </message>
    <message>
      <source>Approve {n}</source>
      <translation>通过 {n} 笔</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>All tiers</source>
      <translation>全部分层</translation>
    </message>
    <message>
      <source>Deadline</source>
      <translation>时限</translation>
    </message>
    <message>
      <source>Any deadline</source>
      <translation>不限时限</translation>
    </message>
    <message>
      <source>Flags</source>
      <translation>标记</translation>
    </message>
    <message>
      <source>Any flags</source>
      <translation>不限标记</translation>
    </message>
    <message>
      <source>Overdue only</source>
      <translation>仅已超时</translation>
    </message>
    <message>
      <source>Any flag</source>
      <translation>有标记</translation>
    </message>
    <message>
      <source>A high-severity flag</source>
      <translation>有高风险标记</translation>
    </message>
    <message>
      <source>No flag</source>
      <translation>无标记</translation>
    </message>
    <message>
      <source>Waiting since</source>
      <translation>等待起始</translation>
    </message>
    <message>
      <source>Inspector</source>
      <translation>检查人</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Not decided</source>
      <translation>未处理</translation>
    </message>
    <message>
      <source>This revision was replaced by a newer one; the queue has been refreshed.</source>
      <translation>此版本已被新版本替代；审批队列已刷新。</translation>
    </message>
    <message>
      <source>{n} approved, none skipped.</source>
      <translation>通过 {n} 笔，无跳过。</translation>
    </message>
    <message>
      <source>Stage</source>
      <translation>环节</translation>
    </message>
    <message>
      <source>All stages</source>
      <translation>全部环节</translation>
    </message>
    <message>
      <source>Branch decision</source>
      <translation>分行审批</translation>
    </message>
    <message>
      <source>Head-office review</source>
      <translation>总行复核</translation>
    </message>
    <message>
      <source>Decisions ({n})</source>
      <translation>审批记录（{n}）</translation>
    </message>
    <message>
      <source>{n} checklist answers</source>
      <translation>检查项 {n} 项</translation>
    </message>
    <message>
      <source>{n} conclusion fields</source>
      <translation>结论 {n} 处</translation>
    </message>
    <message>
      <source>{n} photos added</source>
      <translation>新增照片 {n} 张</translation>
    </message>
    <message>
      <source>{n} photos removed</source>
      <translation>删除照片 {n} 张</translation>
    </message>
    <message>
      <source>Changed</source>
      <translation>变化</translation>
    </message>
    <message>
      <source>Show the changes</source>
      <translation>查看变化</translation>
    </message>
    <message>
      <source>{name} already decided this ({action}) at {time}; the queue has been refreshed.</source>
      <translation>{name} 已于 {time} 处理了这笔检查（{action}）；审批队列已刷新。</translation>
    </message>
    <message>
      <source>Not yours to decide: you took part in it or manage the customer (four-eyes)</source>
      <translation>不由您审批：您参与了检查或管理该客户（四眼原则）</translation>
    </message>
    <message>
      <source>Nothing is waiting here: the queue is clear.</source>
      <translation>此处没有待办：队列已清空。</translation>
    </message>
    <message>
      <source>Returned {time} by {name}: {reason} — {comment}</source>
      <translation>{name} 于 {time} 退回：{reason} — {comment}</translation>
    </message>
    <message>
      <source>Submitted {time}</source>
      <translation>提交于 {time}</translation>
    </message>
    <message>
      <source>Resubmission {n}: what changed since the returned revision {m}</source>
      <translation>第 {n} 次提交：与被退回的第 {m} 版相比的变化</translation>
    </message>
    <message>
      <source>{n} authenticity flags, {high} of high severity</source>
      <translation>真实性标记 {n} 个，其中高风险 {high} 个</translation>
    </message>
  </context>
  <context>
    <name>Audit</name>
    <message>
      <source>Event</source>
      <translation>事件</translation>
    </message>
    <message>
      <source>Time (Beijing)</source>
      <translation>时间（北京时间）</translation>
    </message>
    <message>
      <source>Time (UTC, as hashed)</source>
      <translation>时间（UTC，参与哈希）</translation>
    </message>
    <message>
      <source>Actor</source>
      <translation>操作人</translation>
    </message>
    <message>
      <source>Actor name</source>
      <translation>操作人姓名</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>操作</translation>
    </message>
    <message>
      <source>Entity type</source>
      <translation>对象类型</translation>
    </message>
    <message>
      <source>Entity ID</source>
      <translation>对象编号</translation>
    </message>
    <message>
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <source>Previous hash</source>
      <translation>前一哈希</translation>
    </message>
    <message>
      <source>Hash</source>
      <translation>哈希</translation>
    </message>
    <message>
      <source>Exported by</source>
      <translation>导出人</translation>
    </message>
    <message>
      <source>Chain broken at event #{id}: {reason}. {n} events before it are intact (checked {time})</source>
      <translation>哈希链在事件 #{id} 处断裂：{reason}。此前 {n} 条事件完好（校验于 {time}）</translation>
    </message>
    <message>
      <source>From</source>
      <translation>从</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>Verify again</source>
      <translation>重新校验</translation>
    </message>
    <message>
      <source>Walk the whole hash chain again</source>
      <translation>重新逐条校验整条哈希链</translation>
    </message>
    <message>
      <source>Export CSV…</source>
      <translation>导出 CSV…</translation>
    </message>
    <message>
      <source>Export every event the filters select, not only those loaded</source>
      <translation>导出筛选条件选中的全部事件，而不只是已加载的</translation>
    </message>
    <message>
      <source>(Beijing days, inclusive)</source>
      <translation>（按北京时间日期，含首尾两天）</translation>
    </message>
    <message>
      <source>Select an event to see its details and hashes.</source>
      <translation>选择一条事件，查看其详情与哈希。</translation>
    </message>
    <message>
      <source>Export the audit trail</source>
      <translation>导出审计日志</translation>
    </message>
    <message>
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <source>Exporting…</source>
      <translation>正在导出…</translation>
    </message>
    <message>
      <source>Logged in</source>
      <translation>登录</translation>
    </message>
    <message>
      <source>Login failed</source>
      <translation>登录失败</translation>
    </message>
    <message>
      <source>Account locked</source>
      <translation>账户锁定</translation>
    </message>
    <message>
      <source>Password set</source>
      <translation>设置密码</translation>
    </message>
    <message>
      <source>Demo passwords set</source>
      <translation>设置演示密码</translation>
    </message>
    <message>
      <source>Signal reviewed</source>
      <translation>复核风险信号</translation>
    </message>
    <message>
      <source>Authenticity thresholds set</source>
      <translation>设置真实性阈值</translation>
    </message>
    <message>
      <source>Task schedule set</source>
      <translation>设置任务计划</translation>
    </message>
    <message>
      <source>File imported</source>
      <translation>导入文件</translation>
    </message>
    <message>
      <source>Inspection imported</source>
      <translation>导入贷后检查</translation>
    </message>
    <message>
      <source>Bundle quarantined</source>
      <translation>检查包隔离</translation>
    </message>
    <message>
      <source>Bundle rejected</source>
      <translation>检查包拒收</translation>
    </message>
    <message>
      <source>Released from quarantine</source>
      <translation>解除隔离</translation>
    </message>
    <message>
      <source>Signal for an unknown customer</source>
      <translation>未知客户的风险信号</translation>
    </message>
    <message>
      <source>Health model created</source>
      <translation>创建健康度模型</translation>
    </message>
    <message>
      <source>Health model applied</source>
      <translation>启用健康度模型</translation>
    </message>
    <message>
      <source>Health check run</source>
      <translation>执行健康检查</translation>
    </message>
    <message>
      <source>Task closed</source>
      <translation>关闭任务</translation>
    </message>
    <message>
      <source>Demo tasks created</source>
      <translation>创建演示任务</translation>
    </message>
    <message>
      <source>Task reopened</source>
      <translation>任务重新打开</translation>
    </message>
    <message>
      <source>Inspection approved</source>
      <translation>检查审批通过</translation>
    </message>
    <message>
      <source>Inspection returned for rework</source>
      <translation>检查退回补充</translation>
    </message>
    <message>
      <source>Inspection rejected</source>
      <translation>检查被拒绝</translation>
    </message>
    <message>
      <source>Inspection escalated to head office</source>
      <translation>检查上报总行</translation>
    </message>
    <message>
      <source>Inspection confirmed by head office</source>
      <translation>总行复核确认</translation>
    </message>
    <message>
      <source>Inspection sent back to the branch</source>
      <translation>总行退回分行</translation>
    </message>
    <message>
      <source>Approval settings set</source>
      <translation>审批设置已修改</translation>
    </message>
    <message>
      <source>Supervision order issued</source>
      <translation>下发督导单</translation>
    </message>
    <message>
      <source>Supervision order answered</source>
      <translation>督导单已回复</translation>
    </message>
    <message>
      <source>Supervision order closed</source>
      <translation>督导单已办结</translation>
    </message>
    <message>
      <source>Supervision order sent back</source>
      <translation>督导单退回重办</translation>
    </message>
    <message>
      <source>Report issued</source>
      <translation>出具报告</translation>
    </message>
    <message>
      <source>Report downloaded</source>
      <translation>下载报告</translation>
    </message>
    <message>
      <source>Authenticity checks failed</source>
      <translation>真实性核查失败</translation>
    </message>
    <message>
      <source>Staff member</source>
      <translation>员工</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Inspection</source>
      <translation>贷后检查</translation>
    </message>
    <message>
      <source>Risk signal</source>
      <translation>风险信号</translation>
    </message>
    <message>
      <source>Quarantine</source>
      <translation>隔离区</translation>
    </message>
    <message>
      <source>Imported file</source>
      <translation>导入文件</translation>
    </message>
    <message>
      <source>Setting</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>Health model</source>
      <translation>健康度模型</translation>
    </message>
    <message>
      <source>Health check</source>
      <translation>健康检查</translation>
    </message>
    <message>
      <source>Post-loan task</source>
      <translation>贷后任务</translation>
    </message>
    <message>
      <source>Supervision order</source>
      <translation>督导单</translation>
    </message>
    <message>
      <source>Issued report</source>
      <translation>已出具报告</translation>
    </message>
    <message>
      <source>Only: entity {id}</source>
      <translation>仅：对象 {id}</translation>
    </message>
    <message>
      <source>Chain verified: {n} events intact (checked {time})</source>
      <translation>哈希链校验通过：{n} 条事件完好（校验于 {time}）</translation>
    </message>
    <message>
      <source>the event was changed after it was written</source>
      <translation>该事件写入后被修改</translation>
    </message>
    <message>
      <source>an event before it is missing, or one was inserted</source>
      <translation>其前有事件缺失或被插入</translation>
    </message>
    <message>
      <source>Details or entity ID</source>
      <translation>详情或对象编号</translation>
    </message>
    <message>
      <source>Double-click to open it</source>
      <translation>双击打开</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在计数…</translation>
    </message>
    <message>
      <source>Verifying the hash chain…</source>
      <translation>正在校验哈希链…</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Entity</source>
      <translation>对象</translation>
    </message>
    <message>
      <source>The export failed; no file was written.</source>
      <translation>导出失败，未写入任何文件。</translation>
    </message>
    <message>
      <source>#</source>
      <translation>序号</translation>
    </message>
    <message>
      <source>The chain could not be verified.</source>
      <translation>无法校验哈希链。</translation>
    </message>
    <message>
      <source>All actors</source>
      <translation>全部操作人</translation>
    </message>
    <message>
      <source>All actions</source>
      <translation>全部操作</translation>
    </message>
    <message>
      <source>All entities</source>
      <translation>全部对象</translation>
    </message>
    <message>
      <source>{n} events</source>
      <translation>{n} 条事件</translation>
    </message>
    <message>
      <source>Hash chain</source>
      <translation>哈希链</translation>
    </message>
    <message>
      <source>Exported {n} events to {path}</source>
      <translation>已导出 {n} 条事件至 {path}</translation>
    </message>
  </context>
  <context>
    <name>ChoiceBar</name>
    <message>
      <source>Clear</source>
      <translation>清除</translation>
    </message>
    <message>
      <source>Clear all filters</source>
      <translation>清除全部筛选</translation>
    </message>
    <message>
      <source>Show all</source>
      <translation>显示全部</translation>
    </message>
    <message>
      <source>Drop this narrowing</source>
      <translation>取消此限定</translation>
    </message>
  </context>
  <context>
    <name>Connection</name>
    <message>
      <source>Off (disable)</source>
      <translation>不加密(disable)</translation>
    </message>
    <message>
      <source>If the server offers it (prefer)</source>
      <translation>服务器支持时加密(prefer)</translation>
    </message>
    <message>
      <source>Required (require)</source>
      <translation>必须加密(require)</translation>
    </message>
    <message>
      <source>Required, certificate and name checked (verify-full)</source>
      <translation>必须加密,并校验证书和主机名(verify-full)</translation>
    </message>
    <message>
      <source>Database connection</source>
      <translation>数据库连接</translation>
    </message>
    <message>
      <source>This computer only (SQLite)</source>
      <translation>仅本机使用(SQLite)</translation>
    </message>
    <message>
      <source>The bank's database server (PostgreSQL), shared by every desktop</source>
      <translation>行内数据库服务器(PostgreSQL),各工作站共用</translation>
    </message>
    <message>
      <source>Server</source>
      <translation>服务器</translation>
    </message>
    <message>
      <source>e.g. db.bank.internal or 10.1.2.3</source>
      <translation>例如 db.bank.internal 或 10.1.2.3</translation>
    </message>
    <message>
      <source>Port</source>
      <translation>端口</translation>
    </message>
    <message>
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <source>User</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Encryption (TLS)</source>
      <translation>加密(TLS)</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>The password is kept in this computer's credential store, never in a file. Leave it empty to keep the stored one.</source>
      <translation>密码保存在本机操作系统的凭据库中,绝不写入文件。留空则沿用已保存的密码。</translation>
    </message>
    <message>
      <source>Test connection</source>
      <translation>测试连接</translation>
    </message>
    <message>
      <source>Enter the server's name or address.</source>
      <translation>请输入服务器名称或地址。</translation>
    </message>
    <message>
      <source>Enter the database's name.</source>
      <translation>请输入数据库名称。</translation>
    </message>
    <message>
      <source>Enter the user name.</source>
      <translation>请输入用户名。</translation>
    </message>
    <message>
      <source>Connected to {host}:{port} (PostgreSQL {version}).</source>
      <translation>已连接到 {host}:{port}(PostgreSQL {version})。</translation>
    </message>
    <message>
      <source>Connecting to {host}:{port}…</source>
      <translation>正在连接 {host}:{port}…</translation>
    </message>
    <message>
      <source>The database is empty: LoanSight will create its tables when it opens it.</source>
      <translation>该数据库为空:LoanSight 打开时将自动建表。</translation>
    </message>
    <message>
      <source>Cannot connect to {host}:{port}: {reason}</source>
      <translation>无法连接到 {host}:{port}:{reason}</translation>
    </message>
    <message>
      <source>The database was upgraded by a newer LoanSight (schema {revision}); this desktop has schema {current}. Please install the newer version of LoanSight.</source>
      <translation>该数据库已由更新版本的 LoanSight 升级(结构版本 {revision});本工作站的结构版本为 {current}。请安装新版 LoanSight。</translation>
    </message>
    <message>
      <source>The password could not be kept in this computer's credential store ({reason}). It is used until LoanSight closes and asked for again next time.</source>
      <translation>无法将密码保存到本机凭据库({reason})。本次运行期间仍可使用,下次启动时需重新输入。</translation>
    </message>
    <message>
      <source>Its schema ({revision}) will be upgraded to this desktop's ({current}) when it opens.</source>
      <translation>打开时将把其结构版本({revision})升级到本工作站的版本({current})。</translation>
    </message>
    <message>
      <source>The schema is current ({revision}).</source>
      <translation>数据库结构为最新({revision})。</translation>
    </message>
  </context>
  <context>
    <name>Customers</name>
    <message>
      <source>Summary</source>
      <translation>概要</translation>
    </message>
    <message>
      <source>Loans</source>
      <translation>贷款</translation>
    </message>
    <message>
      <source>Score trend</source>
      <translation>评分趋势</translation>
    </message>
    <message>
      <source>Confirm</source>
      <translation>确认</translation>
    </message>
    <message>
      <source>The signal is real: it counts fully at the next health check</source>
      <translation>信号属实：下次健康检查时全额计分</translation>
    </message>
    <message>
      <source>Dismiss…</source>
      <translation>排除…</translation>
    </message>
    <message>
      <source>The signal does not apply: it stops counting (a reason is required)</source>
      <translation>信号不适用：不再计分（须填写理由）</translation>
    </message>
    <message>
      <source>Signals</source>
      <translation>风险信号</translation>
    </message>
    <message>
      <source>Inspections</source>
      <translation>贷后检查</translation>
    </message>
    <message>
      <source>Open tasks</source>
      <translation>未完成任务</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>位置</translation>
    </message>
    <message>
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <source>ID number</source>
      <translation>身份证号</translation>
    </message>
    <message>
      <source>phone number</source>
      <translation>电话号码</translation>
    </message>
    <message>
      <source>Show personal data</source>
      <translation>显示个人信息</translation>
    </message>
    <message>
      <source>Only: {what}</source>
      <translation>仅显示：{what}</translation>
    </message>
    <message>
      <source>Customer name or number</source>
      <translation>客户名称或编号</translation>
    </message>
    <message>
      <source>Loan / as of</source>
      <translation>贷款 / 数据日期</translation>
    </message>
    <message>
      <source>Classification</source>
      <translation>五级分类</translation>
    </message>
    <message>
      <source>Days past due</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <source>Matures</source>
      <translation>到期日</translation>
    </message>
    <message>
      <source>Detected</source>
      <translation>发现时间</translation>
    </message>
    <message>
      <source>Signal</source>
      <translation>信号</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>等级</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>核实</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Read only: your role does not review signals.</source>
      <translation>只读：您的角色不核实风险信号。</translation>
    </message>
    <message>
      <source>Submitted</source>
      <translation>提交时间</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Inspector</source>
      <translation>检查人</translation>
    </message>
    <message>
      <source>Opinion</source>
      <translation>结论</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>到期日</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>风险分层</translation>
    </message>
    <message>
      <source>Assignee</source>
      <translation>执行人</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>原因</translation>
    </message>
    <message>
      <source>Supervision order…</source>
      <translation>下发督导单…</translation>
    </message>
    <message>
      <source>Order the branch to act on this customer</source>
      <translation>督导分行就该客户采取行动</translation>
    </message>
    <message>
      <source>Pick a customer in the list.</source>
      <translation>请在列表中选择客户。</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>Outstanding</source>
      <translation>贷款余额</translation>
    </message>
    <message>
      <source>USCC</source>
      <translation>统一社会信用代码</translation>
    </message>
    <message>
      <source>Legal representative</source>
      <translation>法定代表人</translation>
    </message>
    <message>
      <source>Legal representative ID</source>
      <translation>法定代表人身份证号</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>Open this inspection</source>
      <translation>打开此次检查</translation>
    </message>
    <message>
      <source>Score</source>
      <translation>评分</translation>
    </message>
    <message>
      <source>The registered place has no coordinates.</source>
      <translation>注册地址没有坐标。</translation>
    </message>
    <message>
      <source>Tiers and scores of the health check on {date}</source>
      <translation>{date} 健康检查的分层与得分</translation>
    </message>
    <message>
      <source>customer {number}</source>
      <translation>客户 {number}</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>客户编号</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Last inspection</source>
      <translation>最近检查</translation>
    </message>
    <message>
      <source>Next task due</source>
      <translation>下次任务到期</translation>
    </message>
    <message>
      <source>Show…</source>
      <translation>显示…</translation>
    </message>
    <message>
      <source>Not scored by a health check yet</source>
      <translation>尚未经健康检查评分</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <source>One health check so far: the trend shows from the second.</source>
      <translation>目前仅有一次健康检查，第二次后显示趋势。</translation>
    </message>
    <message>
      <source>{n} check-ins of recent inspections: click one to open the inspection.</source>
      <translation>近期检查的签到点 {n} 个：点击签到点可打开该次检查。</translation>
    </message>
    <message>
      <source>Check-in of an inspection</source>
      <translation>检查签到点</translation>
    </message>
    <message>
      <source>Why do you need the full {what}? (required; recorded in the audit trail)</source>
      <translation>为何需要查看完整的{what}？（必填，将记入审计日志）</translation>
    </message>
    <message>
      <source>tier {tier} on {date}</source>
      <translation>{date} 时为{tier}</translation>
    </message>
    <message>
      <source>tier {tier} at the check before</source>
      <translation>上次检查时为{tier}</translation>
    </message>
    <message>
      <source>All tiers</source>
      <translation>全部分层</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>All managers</source>
      <translation>全部客户经理</translation>
    </message>
    <message>
      <source>{n} customers</source>
      <translation>共 {n} 户客户</translation>
    </message>
    <message>
      <source>Amount {amount}, disbursed {date}, rate {rate}</source>
      <translation>金额 {amount}，发放日 {date}，利率 {rate}</translation>
    </message>
    <message>
      <source>Click to open this inspection</source>
      <translation>点击打开该次检查</translation>
    </message>
    <message>
      <source>{name} has no coordinates: neither the registered place nor any recent check-in has a location.</source>
      <translation>{name} 没有坐标：注册地址和近期检查的签到都没有位置信息。</translation>
    </message>
    <message>
      <source>Registered place: {lat:.6f}, {lon:.6f} (WGS-84).</source>
      <translation>注册地址：{lat:.6f}, {lon:.6f}（WGS-84）。</translation>
    </message>
    <message>
      <source>Score {score} on {date} (model v{version})</source>
      <translation>{date} 评分 {score}（模型 v{version}）</translation>
    </message>
    <message>
      <source>Why</source>
      <translation>原因</translation>
    </message>
    <message>
      <source>Open issues</source>
      <translation>未解决问题</translation>
    </message>
    <message>
      <source>{status} by {who} at {when}</source>
      <translation>{who} 于 {when} {status}</translation>
    </message>
    <message>
      <source>Risk tier</source>
      <translation>风险分层</translation>
    </message>
    <message>
      <source>Registered place, tier {tier}</source>
      <translation>注册地址（{tier}）</translation>
    </message>
    <message>
      <source>{n} signals count, {new} of them not reviewed</source>
      <translation>{n} 条信号计分，其中 {new} 条未核实</translation>
    </message>
    <message>
      <source>Customer {no} was not found.</source>
      <translation>未找到客户 {no}。</translation>
    </message>
    <message>
      <source>Reason: {reason}</source>
      <translation>理由：{reason}</translation>
    </message>
    <message>
      <source>since {date}</source>
      <translation>自 {date} 起</translation>
    </message>
  </context>
  <context>
    <name>Dashboard</name>
    <message>
      <source>{amount} ten thousand yuan</source>
      <translation>{amount} 万元</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Up</source>
      <translation>上一级</translation>
    </message>
    <message>
      <source>Show the unit above</source>
      <translation>显示上级机构</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>New signals this week</source>
      <translation>本周新增风险信号</translation>
    </message>
    <message>
      <source>Tasks due in the period</source>
      <translation>本期到期任务</translation>
    </message>
    <message>
      <source>Overdue tasks</source>
      <translation>逾期任务</translation>
    </message>
    <message>
      <source>Inspections with flags</source>
      <translation>有疑点的检查</translation>
    </message>
    <message>
      <source>Awaiting approval</source>
      <translation>待审批检查</translation>
    </message>
    <message>
      <source>Supervision orders open</source>
      <translation>未办结督导单</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <source>Open these signals</source>
      <translation>打开这些信号</translation>
    </message>
    <message>
      <source>Open the open tasks due in the period</source>
      <translation>打开本期到期的未完成任务</translation>
    </message>
    <message>
      <source>open and past their due date</source>
      <translation>未完成且已过期限</translation>
    </message>
    <message>
      <source>Open the overdue tasks</source>
      <translation>打开逾期任务</translation>
    </message>
    <message>
      <source>Open the inspections of the period with a high-severity flag</source>
      <translation>打开本期有高风险疑点的检查</translation>
    </message>
    <message>
      <source>Open the approval queue of this unit</source>
      <translation>打开本机构的审批队列</translation>
    </message>
    <message>
      <source>Open this unit's supervision orders still to be answered</source>
      <translation>打开本机构待回复的督导单</translation>
    </message>
    <message>
      <source>No tiered customers in this unit</source>
      <translation>本机构无已分级客户</translation>
    </message>
    <message>
      <source>No health check has been run yet</source>
      <translation>尚未运行健康检查</translation>
    </message>
    <message>
      <source>Last month</source>
      <translation>上月</translation>
    </message>
    <message>
      <source>Now</source>
      <translation>现在</translation>
    </message>
    <message>
      <source>Needs health checks in two months</source>
      <translation>需要至少两个月的健康检查结果</translation>
    </message>
    <message>
      <source>No signals in the period</source>
      <translation>本期无风险信号</translation>
    </message>
    <message>
      <source>No tasks due in the period</source>
      <translation>本期无到期任务</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>Open, not yet due</source>
      <translation>未完成（未逾期）</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>逾期</translation>
    </message>
    <message>
      <source>Bank</source>
      <translation>全行</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>分行</translation>
    </message>
    <message>
      <source>Sub-branch</source>
      <translation>支行</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>CNY {amount} thousand</source>
      <translation>{amount} 千元</translation>
    </message>
    <message>
      <source>{amount} hundred million yuan</source>
      <translation>{amount} 亿元</translation>
    </message>
    <message>
      <source>Tiers per unit</source>
      <translation>各机构风险等级分布</translation>
    </message>
    <message>
      <source>Click a bar to drill down; double-click to open its customers</source>
      <translation>单击柱形下钻；双击打开其客户</translation>
    </message>
    <message>
      <source>Tier trend, last 12 months</source>
      <translation>风险等级趋势（近12个月）</translation>
    </message>
    <message>
      <source>Click a point to open that tier's customers</source>
      <translation>单击数据点打开该等级客户</translation>
    </message>
    <message>
      <source>Tier migration: last month → now</source>
      <translation>风险等级迁移：上月 → 现在</translation>
    </message>
    <message>
      <source>Click a cell to open those customers</source>
      <translation>单击单元格打开相应客户</translation>
    </message>
    <message>
      <source>Risk signals by source, per week</source>
      <translation>各来源风险信号（按周）</translation>
    </message>
    <message>
      <source>Click a bar to open those signals</source>
      <translation>单击柱形打开相应信号</translation>
    </message>
    <message>
      <source>Tasks due in the period, per unit</source>
      <translation>各机构本期到期任务完成情况</translation>
    </message>
    <message>
      <source>Click a bar to open those tasks</source>
      <translation>单击柱形打开相应任务</translation>
    </message>
    <message>
      <source>CNY {amount} million</source>
      <translation>{amount} 百万元</translation>
    </message>
    <message>
      <source>detected {start} to {end}</source>
      <translation>{start} 至 {end} 发现</translation>
    </message>
    <message>
      <source>{done} done · {open} open · {overdue} late</source>
      <translation>已完成 {done} · 未完成 {open} · 逾期 {overdue}</translation>
    </message>
    <message>
      <source>{high} with a high-severity flag · of {submitted} submitted</source>
      <translation>高风险疑点 {high} · 共提交 {submitted}</translation>
    </message>
    <message>
      <source>{overdue} past the deadline</source>
      <translation>其中 {overdue} 件已超时</translation>
    </message>
    <message>
      <source>{overdue} overdue · {answered} answered, to close</source>
      <translation>{overdue} 件逾期 · {answered} 件已回复待办结</translation>
    </message>
    <message>
      <source>Tier {tier}</source>
      <translation>{tier}等级</translation>
    </message>
    <message>
      <source>Tiers as scored on {date}</source>
      <translation>风险等级评定日期：{date}</translation>
    </message>
    <message>
      <source>{share} of customers · {balance}</source>
      <translation>占客户 {share} · 贷款余额 {balance}</translation>
    </message>
    <message>
      <source>Open the customers of tier {tier}</source>
      <translation>打开{tier}等级客户</translation>
    </message>
  </context>
  <context>
    <name>Errors</name>
    <message>
      <source>This record no longer exists or is outside your scope.</source>
      <translation>该记录已不存在或不在您的权限范围内。</translation>
    </message>
    <message>
      <source>Unexpected error</source>
      <translation>意外错误</translation>
    </message>
    <message>
      <source>Something went wrong inside LoanSight. Your data is safe: the action was not completed. Please send the details below to the support desk.</source>
      <translation>LoanSight 内部出现错误。您的数据是安全的：该操作未完成。请将以下详细信息发送给技术支持。</translation>
    </message>
    <message>
      <source>Copy details</source>
      <translation>复制详细信息</translation>
    </message>
    <message>
      <source>LoanSight</source>
      <translation>LoanSight</translation>
    </message>
    <message>
      <source>The database did not answer. Check the network or the server, then try again.
{detail}</source>
      <translation>数据库没有响应。请检查网络或服务器后重试。
{detail}</translation>
    </message>
    <message>
      <source>A file could not be read or written: {path}
{reason}</source>
      <translation>文件无法读取或写入：{path}
{reason}</translation>
    </message>
    <message>
      <source>The database is busy: another program has held it for more than {timeout_s} s. Nothing was saved; try again in a moment.</source>
      <translation>数据库正忙：另一个程序占用已超过 {timeout_s} 秒。本次未保存任何内容，请稍后重试。</translation>
    </message>
    <message>
      <source>The database cannot be reached: {url}
{reason}</source>
      <translation>无法连接数据库：{url}
{reason}</translation>
    </message>
    <message>
      <source>The database was upgraded by a newer LoanSight (schema {revision}); this desktop has schema {current}. Please install the newer version of LoanSight.</source>
      <translation>该数据库已由更新版本的 LoanSight 升级(结构版本 {revision});本工作站的结构版本为 {current}。请安装新版 LoanSight。</translation>
    </message>
    <message>
      <source>The connection to the database was lost while saving ({label}). LoanSight cannot tell whether the change was saved: look at the record again before repeating it.</source>
      <translation>保存时与数据库的连接中断({label})。无法确定此次修改是否已保存:请先重新查看该记录,再决定是否重做。</translation>
    </message>
    <message>
      <source>The photo store cannot be written: {path}
{reason}</source>
      <translation>照片库无法写入：{path}
{reason}</translation>
    </message>
    <message>
      <source>The feed {url} failed: {reason}</source>
      <translation>数据推送源 {url} 失败：{reason}</translation>
    </message>
    <message>
      <source>The disk is full: {path}</source>
      <translation>磁盘已满：{path}</translation>
    </message>
  </context>
  <context>
    <name>FilterBar</name>
    <message>
      <source>From</source>
      <translation>从</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>Customer name or number</source>
      <translation>客户名称或编号</translation>
    </message>
    <message>
      <source>Clear</source>
      <translation>清除</translation>
    </message>
    <message>
      <source>Clear all filters</source>
      <translation>清除全部筛选条件</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>All inspectors</source>
      <translation>全部检查人</translation>
    </message>
    <message>
      <source>All kinds</source>
      <translation>全部类型</translation>
    </message>
    <message>
      <source>Current</source>
      <translation>当前版本</translation>
    </message>
    <message>
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Inspector</source>
      <translation>检查人</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>检查类型</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Flag</source>
      <translation>疑点</translation>
    </message>
  </context>
  <context>
    <name>Flags</name>
    <message>
      <source>Check-in away from the customer</source>
      <translation>签到偏离客户地址</translation>
    </message>
    <message>
      <source>Photo taken elsewhere</source>
      <translation>照片拍摄地点不符</translation>
    </message>
    <message>
      <source>Photo time outside the visit</source>
      <translation>照片时间不在检查时段内</translation>
    </message>
    <message>
      <source>Photo reused from another inspection</source>
      <translation>照片与其他检查重复</translation>
    </message>
    <message>
      <source>Visit too short</source>
      <translation>现场停留过短</translation>
    </message>
    <message>
      <source>Impossible travel</source>
      <translation>行程速度不可能</translation>
    </message>
    <message>
      <source>Signs of a mock location</source>
      <translation>疑似虚拟定位</translation>
    </message>
    <message>
      <source>Device shared with another inspector</source>
      <translation>设备与他人共用</translation>
    </message>
    <message>
      <source>Report copied from an earlier one</source>
      <translation>检查报告疑似复制</translation>
    </message>
    <message>
      <source>Required photo missing</source>
      <translation>缺少必需照片</translation>
    </message>
    <message>
      <source>Unplanned</source>
      <translation>计划外</translation>
    </message>
    <message>
      <source>EXIF</source>
      <translation>EXIF</translation>
    </message>
    <message>
      <source>app</source>
      <translation>App</translation>
    </message>
    <message>
      <source>{m:.0f} m</source>
      <translation>{m:.0f} 米</translation>
    </message>
    <message>
      <source>The bundle answers no post-loan task.</source>
      <translation>本次检查未对应任何贷后任务。</translation>
    </message>
    <message>
      <source>High</source>
      <translation>高</translation>
    </message>
    <message>
      <source>Medium</source>
      <translation>中</translation>
    </message>
    <message>
      <source>Low</source>
      <translation>低</translation>
    </message>
    <message>
      <source>{km:.1f} km</source>
      <translation>{km:.1f} 公里</translation>
    </message>
    <message>
      <source>The check-in is {distance} from the customer's registered place (limit {limit}).</source>
      <translation>签到位置距客户登记地址 {distance}（上限 {limit}）。</translation>
    </message>
    <message>
      <source>{photo}: {places} (limit {limit}).</source>
      <translation>{photo}：{places}（上限 {limit}）。</translation>
    </message>
    <message>
      <source>{photo}: {times} (visit {start} to {end}).</source>
      <translation>{photo}：{times}（检查时段 {start} 至 {end}）。</translation>
    </message>
    <message>
      <source>{n} photo(s) match photos of the inspection of {other} ({identical} identical, the rest near-duplicates).</source>
      <translation>{n} 张照片与 {other} 的检查照片相同或相近（其中 {identical} 张完全相同，其余为近似重复）。</translation>
    </message>
    <message>
      <source>Check-in to check-out took {minutes:.0f} min (minimum {limit:.0f} min).</source>
      <translation>签到至签退仅 {minutes:.0f} 分钟（最少 {limit:.0f} 分钟）。</translation>
    </message>
    <message>
      <source>{distance} from the previous visit's end ({at}) in {minutes:.0f} min: {speed} (limit {limit:.0f} km/h).</source>
      <translation>距上一次检查结束地点（{at}）{distance}，用时 {minutes:.0f} 分钟：{speed}（上限 {limit:.0f} 公里/小时）。</translation>
    </message>
    <message>
      <source>Device {device} was also used by {inspectors} within {days:.0f} days.</source>
      <translation>设备 {device} 在 {days:.0f} 天内也被 {inspectors} 使用。</translation>
    </message>
    <message>
      <source>The conclusion is {pct:.0f}% alike that of the inspection of {other}.</source>
      <translation>检查结论与 {other} 的检查相似度达 {pct:.0f}%。</translation>
    </message>
    <message>
      <source>Item {item} asks for a {category} photo; there is none.</source>
      <translation>检查项 {item} 要求提供“{category}”照片，但未提供。</translation>
    </message>
    <message>
      <source>no time at all</source>
      <translation>用时为零</translation>
    </message>
    <message>
      <source>The bundle names task {task}, which was never issued.</source>
      <translation>本次检查所填任务 {task} 并未下发。</translation>
    </message>
    <message>
      <source>{source} place {distance} from the check-in</source>
      <translation>{source}位置距签到点 {distance}</translation>
    </message>
    <message>
      <source>{source} time {at}, {minutes:.0f} min outside</source>
      <translation>{source}时间 {at}，超出 {minutes:.0f} 分钟</translation>
    </message>
    <message>
      <source>{v:.0f} km/h</source>
      <translation>{v:.0f} 公里/小时</translation>
    </message>
    <message>
      <source>{n} point(s) report an accuracy of exactly 0</source>
      <translation>{n} 个定位点精度恰为 0</translation>
    </message>
    <message>
      <source>{n} consecutive points at the identical position</source>
      <translation>连续 {n} 个定位点坐标完全相同</translation>
    </message>
    <message>
      <source>a jump of {distance} at {speed}</source>
      <translation>跳变 {distance}，速度 {speed}</translation>
    </message>
  </context>
  <context>
    <name>HealthModel</name>
    <message>
      <source>Risk model</source>
      <translation>风险模型</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <source>why this version (kept with it and in the audit trail)</source>
      <translation>本版本的调整原因（随版本保存并记入审计日志）</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>Apply</source>
      <translation>应用</translation>
    </message>
    <message>
      <source>Computing the preview… on a big bank this takes a while.</source>
      <translation>正在计算预览… 客户较多时需要一些时间。</translation>
    </message>
    <message>
      <source>Applying the model and re-scoring every customer…</source>
      <translation>正在应用模型并重新评分全部客户…</translation>
    </message>
    <message>
      <source>The risk health check scores every customer with this model. Edit the numbers, preview who would move between tiers, then apply: applying re-scores everyone.</source>
      <translation>风险体检按此模型为每位客户评分。修改参数后先预览各层级客户的变动，再应用：应用后将为全部客户重新评分。</translation>
    </message>
    <message>
      <source>The risk health check scores every customer with this model; only head-office risk managers change it.</source>
      <translation>风险体检按此模型为每位客户评分；仅总行风险管理人员可以修改。</translation>
    </message>
    <message>
      <source>Parameter</source>
      <translation>参数</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>取值</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>From tier</source>
      <translation>原层级</translation>
    </message>
    <message>
      <source>To tier</source>
      <translation>新层级</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>客户数</translation>
    </message>
    <message>
      <source>Active model: the defaults (no health check has run yet)</source>
      <translation>当前模型：默认参数（尚未运行风险体检）</translation>
    </message>
    <message>
      <source>Active model: version %1</source>
      <translation>当前模型：第 %1 版</translation>
    </message>
    <message>
      <source>Not scored</source>
      <translation>未评分</translation>
    </message>
    <message>
      <source> (%1)</source>
      <translation>（%1）</translation>
    </message>
    <message>
      <source>The model was not changed: %1. Preview again.</source>
      <translation>模型未变更：%1。请重新预览。</translation>
    </message>
    <message>
      <source>These numbers cannot be a model: %1</source>
      <translation>这些参数无法构成有效模型：%1</translation>
    </message>
    <message>
      <source>, applied %1 by %2</source>
      <translation>，由 %2 于 %1 应用</translation>
    </message>
    <message>
      <source>Version %1 is now the active model; %2 customers re-scored for %3.</source>
      <translation>第 %1 版已成为当前模型；已按 %3 重新评分 %2 位客户。</translation>
    </message>
    <message>
      <source>Draft version %1 against the scores of %2: %3 of %4 customers would change tier.</source>
      <translation>草稿第 %1 版（对比 %2 的评分）：%4 位客户中有 %3 位层级将发生变化。</translation>
    </message>
  </context>
  <context>
    <name>Imports</name>
    <message>
      <source>Pull now</source>
      <translation>立即拉取</translation>
    </message>
    <message>
      <source>Import from the sources configured in Settings</source>
      <translation>从设置中配置的数据源导入</translation>
    </message>
    <message>
      <source>Import a folder or file…</source>
      <translation>导入文件夹或文件…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>History</source>
      <translation>导入历史</translation>
    </message>
    <message>
      <source>Retry waiting bundles</source>
      <translation>重试等待中的检查包</translation>
    </message>
    <message>
      <source>Show file</source>
      <translation>显示文件</translation>
    </message>
    <message>
      <source>Quarantine</source>
      <translation>隔离区</translation>
    </message>
    <message>
      <source>Import a folder</source>
      <translation>导入文件夹</translation>
    </message>
    <message>
      <source>Importing…</source>
      <translation>正在导入…</translation>
    </message>
    <message>
      <source>imported</source>
      <translation>已导入</translation>
    </message>
    <message>
      <source>unchanged</source>
      <translation>无变化</translation>
    </message>
    <message>
      <source>partial</source>
      <translation>部分导入</translation>
    </message>
    <message>
      <source>rejected</source>
      <translation>已拒绝</translation>
    </message>
    <message>
      <source>quarantined</source>
      <translation>已隔离</translation>
    </message>
    <message>
      <source>done</source>
      <translation>完成</translation>
    </message>
    <message>
      <source>running or interrupted</source>
      <translation>进行中或已中断</translation>
    </message>
    <message>
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Started</source>
      <translation>开始时间</translation>
    </message>
    <message>
      <source>Finished</source>
      <translation>结束时间</translation>
    </message>
    <message>
      <source>By</source>
      <translation>操作人</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>文件数</translation>
    </message>
    <message>
      <source>Rows imported</source>
      <translation>导入行数</translation>
    </message>
    <message>
      <source>Rejected</source>
      <translation>拒绝</translation>
    </message>
    <message>
      <source>Sources</source>
      <translation>数据源</translation>
    </message>
    <message>
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>文件类型</translation>
    </message>
    <message>
      <source>Imported</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>Unchanged</source>
      <translation>无变化</translation>
    </message>
    <message>
      <source>First errors</source>
      <translation>主要错误</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Bundle</source>
      <translation>检查包</translation>
    </message>
    <message>
      <source>Revision</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Attempts</source>
      <translation>尝试次数</translation>
    </message>
    <message>
      <source>Last tried</source>
      <translation>最近尝试</translation>
    </message>
    <message>
      <source>Reasons</source>
      <translation>原因</translation>
    </message>
    <message>
      <source>No sources configured yet: add folders or feed URLs in Settings, or import a folder.</source>
      <translation>尚未配置数据源：请在设置中添加文件夹或推送地址，或直接导入文件夹。</translation>
    </message>
    <message>
      <source>No sources configured: add them in Settings.</source>
      <translation>未配置数据源：请在设置中添加。</translation>
    </message>
    <message>
      <source>Cancelling after the current file…</source>
      <translation>当前文件完成后取消…</translation>
    </message>
    <message>
      <source>waiting for master data</source>
      <translation>等待主数据</translation>
    </message>
    <message>
      <source>Sources: {list}</source>
      <translation>数据源：{list}</translation>
    </message>
    <message>
      <source>{n} bundles released from quarantine; {w} still waiting.</source>
      <translation>已从隔离区释放 {n} 个检查包；仍有 {w} 个等待中。</translation>
    </message>
    <message>
      <source>Finished: {files} files, {imported} imported, {unchanged} unchanged, {rejected} rejected, {quarantined} quarantined.</source>
      <translation>完成：共 {files} 个文件，{imported} 个已导入，{unchanged} 个无变化，{rejected} 个被拒绝，{quarantined} 个已隔离。</translation>
    </message>
    <message>
      <source>The import stopped: {why}</source>
      <translation>导入已停止：{why}</translation>
    </message>
    <message>
      <source>line</source>
      <translation>行</translation>
    </message>
  </context>
  <context>
    <name>InspectionMap</name>
    <message>
      <source>Drag to replay the visit; at the right end the whole track is drawn</source>
      <translation>拖动以回放本次走访；拖到最右端显示完整轨迹</translation>
    </message>
    <message>
      <source>No authenticity flags</source>
      <translation>无真实性疑点</translation>
    </message>
    <message>
      <source>Pause the replay</source>
      <translation>暂停回放</translation>
    </message>
    <message>
      <source>Replay the visit</source>
      <translation>回放走访过程</translation>
    </message>
    <message>
      <source>No track</source>
      <translation>无轨迹</translation>
    </message>
    <message>
      <source>{clock} ({elapsed} of {duration})</source>
      <translation>{clock}（{elapsed} / {duration}）</translation>
    </message>
    <message>
      <source>Flags ({count})</source>
      <translation>疑点（{count}）</translation>
    </message>
    <message>
      <source>Whole track, {duration}</source>
      <translation>完整轨迹，历时 {duration}</translation>
    </message>
  </context>
  <context>
    <name>Inspections</name>
    <message>
      <source>Summary</source>
      <translation>概要</translation>
    </message>
    <message>
      <source>Checklist</source>
      <translation>检查清单</translation>
    </message>
    <message>
      <source>Photos</source>
      <translation>照片</translation>
    </message>
    <message>
      <source>Map and checks</source>
      <translation>地图与核查</translation>
    </message>
    <message>
      <source>Compare with the next revision</source>
      <translation>与下一版本比较</translation>
    </message>
    <message>
      <source>Open this revision</source>
      <translation>打开此版本</translation>
    </message>
    <message>
      <source>Revisions</source>
      <translation>版本历史</translation>
    </message>
    <message>
      <source>Inspection report</source>
      <translation>检查报告</translation>
    </message>
    <message>
      <source>Make this inspection's PDF report in one click</source>
      <translation>一键生成本次检查的 PDF 报告</translation>
    </message>
    <message>
      <source>Opinion</source>
      <translation>检查意见</translation>
    </message>
    <message>
      <source>Suggested classification</source>
      <translation>建议分类</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>后续措施</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>检查项</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>回答</translation>
    </message>
    <message>
      <source>Remark</source>
      <translation>备注</translation>
    </message>
    <message>
      <source>{m:.0f} min</source>
      <translation>{m:.0f} 分钟</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>USCC</source>
      <translation>统一社会信用代码</translation>
    </message>
    <message>
      <source>Legal representative</source>
      <translation>法定代表人</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>Inspector</source>
      <translation>检查人</translation>
    </message>
    <message>
      <source>Companion</source>
      <translation>陪同人</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>设备</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>检查类型</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Started</source>
      <translation>开始时间</translation>
    </message>
    <message>
      <source>Finished</source>
      <translation>结束时间</translation>
    </message>
    <message>
      <source>Time on site</source>
      <translation>现场时长</translation>
    </message>
    <message>
      <source>Submitted</source>
      <translation>提交时间</translation>
    </message>
    <message>
      <source>Revision</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Track points</source>
      <translation>轨迹点数</translation>
    </message>
    <message>
      <source>…and {n} more findings (all of them in the Map and checks tab).</source>
      <translation>……另有 {n} 个疑点（全部列于“地图与核查”页）。</translation>
    </message>
    <message>
      <source>Abnormal answer</source>
      <translation>异常回答</translation>
    </message>
    <message>
      <source>Revision {n} · submitted {time}</source>
      <translation>第 {n} 版 · 提交于 {time}</translation>
    </message>
    <message>
      <source>current</source>
      <translation>当前版本</translation>
    </message>
    <message>
      <source>This inspection has one revision.</source>
      <translation>该检查只有一个版本。</translation>
    </message>
    <message>
      <source>Pick a revision that has a later one.</source>
      <translation>请选择一个有后续版本的版本。</translation>
    </message>
    <message>
      <source>Select an inspection to see it here.</source>
      <translation>选择一条检查记录以在此查看。</translation>
    </message>
    <message>
      <source>Unplanned</source>
      <translation>计划外</translation>
    </message>
    <message>
      <source>Authenticity checks</source>
      <translation>真实性核查</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>检查结论</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>App time</source>
      <translation>应用记录时间</translation>
    </message>
    <message>
      <source>EXIF camera</source>
      <translation>EXIF 相机</translation>
    </message>
    <message>
      <source>EXIF time</source>
      <translation>EXIF 时间</translation>
    </message>
    <message>
      <source>Size</source>
      <translation>尺寸</translation>
    </message>
    <message>
      <source>Watermark</source>
      <translation>水印</translation>
    </message>
    <message>
      <source>superseded</source>
      <translation>已被替代</translation>
    </message>
    <message>
      <source>No findings: nothing suggests the visit was not as reported.</source>
      <translation>未发现疑点：没有迹象表明本次检查与所报不符。</translation>
    </message>
    <message>
      <source>Loans</source>
      <translation>贷款</translation>
    </message>
    <message>
      <source>Voice notes</source>
      <translation>语音备注</translation>
    </message>
    <message>
      <source>App place</source>
      <translation>应用记录位置</translation>
    </message>
    <message>
      <source>EXIF GPS</source>
      <translation>EXIF 定位</translation>
    </message>
    <message>
      <source>Nothing changed.</source>
      <translation>没有变化。</translation>
    </message>
    <message>
      <source>Photos added</source>
      <translation>新增照片</translation>
    </message>
    <message>
      <source>Photos removed</source>
      <translation>删除照片</translation>
    </message>
    <message>
      <source>Revision {a} → revision {b}</source>
      <translation>第 {a} 版 → 第 {b} 版</translation>
    </message>
    <message>
      <source>suggested classification</source>
      <translation>建议分类</translation>
    </message>
    <message>
      <source>Loan</source>
      <translation>借据号</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <source>Classification</source>
      <translation>五级分类</translation>
    </message>
    <message>
      <source>Overdue days</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <source>Matures</source>
      <translation>到期日</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>风险分层</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Flags</source>
      <translation>疑点</translation>
    </message>
    <message>
      <source>Any high-severity flag</source>
      <translation>有高风险疑点</translation>
    </message>
    <message>
      <source>Any medium-severity flag</source>
      <translation>有中风险疑点</translation>
    </message>
    <message>
      <source>Any low-severity flag</source>
      <translation>有低风险疑点</translation>
    </message>
    <message>
      <source>{n} inspections</source>
      <translation>共 {n} 条检查记录</translation>
    </message>
    <message>
      <source>rev.</source>
      <translation>版</translation>
    </message>
  </context>
  <context>
    <name>Labels</name>
    <message>
      <source>Normal</source>
      <translation>正常</translation>
    </message>
    <message>
      <source>Blue</source>
      <translation>蓝</translation>
    </message>
    <message>
      <source>Yellow</source>
      <translation>黄</translation>
    </message>
    <message>
      <source>Orange</source>
      <translation>橙</translation>
    </message>
    <message>
      <source>Red</source>
      <translation>红</translation>
    </message>
    <message>
      <source>Not tiered</source>
      <translation>未分层</translation>
    </message>
    <message>
      <source>First check</source>
      <translation>首次检查</translation>
    </message>
    <message>
      <source>Routine</source>
      <translation>例行检查</translation>
    </message>
    <message>
      <source>Focused</source>
      <translation>重点检查</translation>
    </message>
    <message>
      <source>Special</source>
      <translation>专项检查</translation>
    </message>
    <message>
      <source>Needs attention</source>
      <translation>关注</translation>
    </message>
    <message>
      <source>Risk</source>
      <translation>风险</translation>
    </message>
    <message>
      <source>Special mention</source>
      <translation>关注</translation>
    </message>
    <message>
      <source>Substandard</source>
      <translation>次级</translation>
    </message>
    <message>
      <source>Doubtful</source>
      <translation>可疑</translation>
    </message>
    <message>
      <source>Loss</source>
      <translation>损失</translation>
    </message>
    <message>
      <source>Storefront</source>
      <translation>门头</translation>
    </message>
    <message>
      <source>Premises</source>
      <translation>经营场所</translation>
    </message>
    <message>
      <source>Inventory</source>
      <translation>库存</translation>
    </message>
    <message>
      <source>Equipment</source>
      <translation>设备</translation>
    </message>
    <message>
      <source>Collateral</source>
      <translation>押品</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>单据</translation>
    </message>
    <message>
      <source>Meeting</source>
      <translation>面谈</translation>
    </message>
    <message>
      <source>Other</source>
      <translation>其他</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>No</source>
      <translation>否</translation>
    </message>
    <message>
      <source>N/A</source>
      <translation>不适用</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>文字</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>数值</translation>
    </message>
    <message>
      <source>Current</source>
      <translation>当前版本</translation>
    </message>
    <message>
      <source>Superseded</source>
      <translation>已被替代</translation>
    </message>
    <message>
      <source>Branches</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Staff</source>
      <translation>员工</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Loans</source>
      <translation>贷款</translation>
    </message>
    <message>
      <source>Risk signals</source>
      <translation>风险信号</translation>
    </message>
    <message>
      <source>Inspection bundle</source>
      <translation>检查包</translation>
    </message>
    <message>
      <source>Unknown</source>
      <translation>未知</translation>
    </message>
  </context>
  <context>
    <name>Login</name>
    <message>
      <source>Wrong employee number or password. After 5 failed attempts the account is locked for 15 minutes.</source>
      <translation>工号或密码错误。连续失败 5 次账户将被锁定 15 分钟。</translation>
    </message>
    <message>
      <source>LoanSight — log in</source>
      <translation>LoanSight — 登录</translation>
    </message>
    <message>
      <source>LoanSight post-loan supervision workstation</source>
      <translation>LoanSight 智能贷后督导工作台</translation>
    </message>
    <message>
      <source>e.g. H0001</source>
      <translation>例如 H0001</translation>
    </message>
    <message>
      <source>Employee number</source>
      <translation>工号</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>Log in</source>
      <translation>登录</translation>
    </message>
    <message>
      <source>Database…</source>
      <translation>数据库…</translation>
    </message>
    <message>
      <source>This computer only, or the bank's database server</source>
      <translation>仅本机,或行内数据库服务器</translation>
    </message>
    <message>
      <source>Checking…</source>
      <translation>正在验证…</translation>
    </message>
    <message>
      <source>LoanSight is locked</source>
      <translation>LoanSight 已锁定</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>解锁</translation>
    </message>
    <message>
      <source>Log out</source>
      <translation>退出登录</translation>
    </message>
    <message>
      <source>Head-office risk manager</source>
      <translation>总行风险经理</translation>
    </message>
    <message>
      <source>Branch approver</source>
      <translation>分行审批人</translation>
    </message>
    <message>
      <source>Auditor</source>
      <translation>审计人员</translation>
    </message>
    <message>
      <source>Administrator</source>
      <translation>系统管理员</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>Too many failed attempts: the account is locked until {time}.</source>
      <translation>失败次数过多：账户已锁定至 {time}。</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <source>Enter your employee number and password.</source>
      <translation>请输入工号和密码。</translation>
    </message>
    <message>
      <source>The workstation was locked after a period without use.</source>
      <translation>工作台因长时间未操作已锁定。</translation>
    </message>
    <message>
      <source>Demo database. Every demo user's password is {password}; double-click a user.</source>
      <translation>演示数据库。所有演示用户的密码均为 {password}；双击用户即可登录。</translation>
    </message>
    <message>
      <source>Database: {where}</source>
      <translation>数据库:{where}</translation>
    </message>
    <message>
      <source>{name} ({no}), enter your password to continue.</source>
      <translation>{name}（{no}），请输入密码继续。</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>LoanSight post-loan supervision workstation</source>
      <translation>LoanSight 智能贷后督导工作台</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;Settings…</source>
      <translation>设置(&amp;S)…</translation>
    </message>
    <message>
      <source>&amp;Lock</source>
      <translation>锁定(&amp;L)</translation>
    </message>
    <message>
      <source>Log &amp;out</source>
      <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
      <source>E&amp;xit</source>
      <translation>退出(&amp;X)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Refresh</source>
      <translation>刷新(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>Open the log folder</source>
      <translation>打开日志文件夹</translation>
    </message>
    <message>
      <source>&amp;About LoanSight</source>
      <translation>关于 LoanSight(&amp;A)</translation>
    </message>
    <message>
      <source>About LoanSight</source>
      <translation>关于 LoanSight</translation>
    </message>
    <message>
      <source>whole bank</source>
      <translation>全行</translation>
    </message>
    <message>
      <source>&amp;Pull now</source>
      <translation>立即拉取(&amp;P)</translation>
    </message>
    <message>
      <source>Dashboard</source>
      <translation>驾驶舱</translation>
    </message>
    <message>
      <source>Approvals</source>
      <translation>审批</translation>
    </message>
    <message>
      <source>Inspections</source>
      <translation>贷后检查</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Signals</source>
      <translation>风险信号</translation>
    </message>
    <message>
      <source>Tasks</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Orders</source>
      <translation>督导</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>报告</translation>
    </message>
    <message>
      <source>Map</source>
      <translation>地图</translation>
    </message>
    <message>
      <source>Audit trail</source>
      <translation>审计日志</translation>
    </message>
    <message>
      <source>Imports</source>
      <translation>数据导入</translation>
    </message>
    <message>
      <source>LoanSight post-loan supervision workstation
Database: {db}</source>
      <translation>LoanSight 智能贷后督导工作台
数据库：{db}</translation>
    </message>
    <message>
      <source>Scope: {scope}</source>
      <translation>范围：{scope}</translation>
    </message>
    <message>
      <source>Database: {db}</source>
      <translation>数据库：{db}</translation>
    </message>
    <message>
      <source>Last pull: {time}</source>
      <translation>最近拉取：{time}</translation>
    </message>
    <message>
      <source>never</source>
      <translation>从未</translation>
    </message>
  </context>
  <context>
    <name>Map</name>
    <message>
      <source>{value} km</source>
      <translation>{value} 公里</translation>
    </message>
    <message>
      <source>Check-in</source>
      <translation>签到</translation>
    </message>
    <message>
      <source>Check-out</source>
      <translation>签退</translation>
    </message>
    <message>
      <source>{value} m</source>
      <translation>{value} 米</translation>
    </message>
    <message>
      <source>Accuracy ±{distance}</source>
      <translation>定位精度 ±{distance}</translation>
    </message>
    <message>
      <source>{distance} from the registered location</source>
      <translation>距登记地址 {distance}</translation>
    </message>
    <message>
      <source>Registered location</source>
      <translation>登记地址</translation>
    </message>
    <message>
      <source>Place recorded by the app</source>
      <translation>App 记录的拍摄位置</translation>
    </message>
    <message>
      <source>Geofence {distance}</source>
      <translation>地理围栏半径 {distance}</translation>
    </message>
    <message>
      <source>Place in the photo's EXIF</source>
      <translation>照片 EXIF 中的位置</translation>
    </message>
    <message>
      <source>EXIF {distance}</source>
      <translation>EXIF 相距 {distance}</translation>
    </message>
    <message>
      <source>{distance} from the place recorded by the app</source>
      <translation>距 App 记录位置 {distance}</translation>
    </message>
    <message>
      <source>Tianditu</source>
      <translation>天地图</translation>
    </message>
    <message>
      <source>AutoNavi</source>
      <translation>高德地图</translation>
    </message>
    <message>
      <source>OpenStreetMap</source>
      <translation>OpenStreetMap</translation>
    </message>
    <message>
      <source>the intranet tile server</source>
      <translation>内网瓦片服务器</translation>
    </message>
    <message>
      <source>Tianditu needs a key (Settings → Map). The map shows an offline grid under the points.</source>
      <translation>天地图需要密钥（设置 → 地图）。地图暂以离线经纬网格显示各点位。</translation>
    </message>
    <message>
      <source>The intranet tile address is not an http(s) address with {z}, {x} and {y} in it (Settings → Map). The map shows an offline grid under the points.</source>
      <translation>内网瓦片地址不是包含 {z}、{x}、{y} 的 http(s) 地址（设置 → 地图）。地图暂以离线经纬网格显示各点位。</translation>
    </message>
    <message>
      <source>Map tiles cannot be loaded from {provider}. The map shows an offline grid under the points and keeps working.</source>
      <translation>无法从{provider}加载地图瓦片。地图以离线经纬网格显示各点位，其余功能照常可用。</translation>
    </message>
  </context>
  <context>
    <name>Maps</name>
    <message>
      <source>no findings</source>
      <translation>无疑点</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Check-ins</source>
      <translation>签到</translation>
    </message>
    <message>
      <source>Flagged check-ins only</source>
      <translation>仅显示有疑点的签到</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Check-ins from</source>
      <translation>签到日期</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <source>All branches in scope</source>
      <translation>权限内全部机构</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <source>Customer (not yet tiered)</source>
      <translation>客户（尚未分层）</translation>
    </message>
    <message>
      <source>Check-in, no findings</source>
      <translation>签到，无疑点</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>Risk tier</source>
      <translation>风险分层</translation>
    </message>
    <message>
      <source>Checks</source>
      <translation>核查</translation>
    </message>
    <message>
      <source>{customers} customers, {checkins} check-ins</source>
      <translation>客户 {customers} 户，签到 {checkins} 次</translation>
    </message>
    <message>
      <source>Customer, tier {tier}</source>
      <translation>客户（{tier}）</translation>
    </message>
    <message>
      <source>Check-in, {severity} severity</source>
      <translation>签到，{severity}风险疑点</translation>
    </message>
  </context>
  <context>
    <name>Orders</name>
    <message>
      <source>New supervision order</source>
      <translation>新建督导单</translation>
    </message>
    <message>
      <source>Customer number, e.g. C0001000</source>
      <translation>客户编号，如 C0001000</translation>
    </message>
    <message>
      <source>Check</source>
      <translation>查询</translation>
    </message>
    <message>
      <source>Look the customer up</source>
      <translation>查询该客户</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>督导事项</translation>
    </message>
    <message>
      <source>What the branch must do, and what to report</source>
      <translation>分行须办理的事项及须报告的内容</translation>
    </message>
    <message>
      <source>Instruction</source>
      <translation>督导要求</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>办理期限</translation>
    </message>
    <message>
      <source>Answered by</source>
      <translation>承办人</translation>
    </message>
    <message>
      <source>Issue the order</source>
      <translation>下发</translation>
    </message>
    <message>
      <source>New order…</source>
      <translation>新建督导单…</translation>
    </message>
    <message>
      <source>Order a branch to re-inspect, rectify or explain</source>
      <translation>督导分行重新检查、整改或说明情况</translation>
    </message>
    <message>
      <source>Answer…</source>
      <translation>回复…</translation>
    </message>
    <message>
      <source>Answer the selected order for your branch</source>
      <translation>代表本行回复所选督导单</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>办结</translation>
    </message>
    <message>
      <source>Accept the branch's answer and close the order</source>
      <translation>认可分行的回复并办结督导单</translation>
    </message>
    <message>
      <source>Send back…</source>
      <translation>退回重办…</translation>
    </message>
    <message>
      <source>Do not accept the answer: the branch must answer again</source>
      <translation>不认可回复：分行须重新办理并回复</translation>
    </message>
    <message>
      <source>Read only: your role does not act on supervision orders.</source>
      <translation>只读：您的角色不办理督导单。</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Ordered by</source>
      <translation>下发人</translation>
    </message>
    <message>
      <source>What the branch did, or why:</source>
      <translation>分行的办理情况或说明：</translation>
    </message>
    <message>
      <source>Why the answer is not accepted (the branch sees this):</source>
      <translation>不认可回复的理由（分行可见）：</translation>
    </message>
    <message>
      <source>Answer sent.</source>
      <translation>回复已提交。</translation>
    </message>
    <message>
      <source>Sent back to the branch.</source>
      <translation>已退回分行重办。</translation>
    </message>
    <message>
      <source>Order closed.</source>
      <translation>督导单已办结。</translation>
    </message>
    <message>
      <source>Re-inspect</source>
      <translation>重新检查</translation>
    </message>
    <message>
      <source>Rectify</source>
      <translation>整改</translation>
    </message>
    <message>
      <source>Explain</source>
      <translation>说明情况</translation>
    </message>
    <message>
      <source>Awaiting answer</source>
      <translation>待回复</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>已回复</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>已办结</translation>
    </message>
    <message>
      <source>Ordered</source>
      <translation>下发</translation>
    </message>
    <message>
      <source>Sent back</source>
      <translation>退回重办</translation>
    </message>
    <message>
      <source>Only head-office risk managers make supervision orders.</source>
      <translation>只有总行风险经理可以下发督导单。</translation>
    </message>
    <message>
      <source>Unknown order action.</source>
      <translation>未知的督导事项。</translation>
    </message>
    <message>
      <source>Write what the branch must do.</source>
      <translation>请填写督导要求。</translation>
    </message>
    <message>
      <source>The due date {due_on} is in the past.</source>
      <translation>办理期限 {due_on} 已过。</translation>
    </message>
    <message>
      <source>No customer {customer_no} in your scope.</source>
      <translation>您的权限范围内没有客户 {customer_no}。</translation>
    </message>
    <message>
      <source>Inspection {inspection_id} is not of this customer.</source>
      <translation>检查 {inspection_id} 不属于该客户。</translation>
    </message>
    <message>
      <source>{assignee_no} does not work for the customer's branch.</source>
      <translation>{assignee_no} 不属于该客户的经办机构。</translation>
    </message>
    <message>
      <source>Only a branch approver of the order's branch answers it.</source>
      <translation>只有督导单所属分行的审批人可以回复。</translation>
    </message>
    <message>
      <source>Write the branch's answer.</source>
      <translation>请填写回复内容。</translation>
    </message>
    <message>
      <source>Only head-office risk managers close or send back orders.</source>
      <translation>只有总行风险经理可以办结或退回督导单。</translation>
    </message>
    <message>
      <source>Say why the answer is sent back.</source>
      <translation>请填写退回理由。</translation>
    </message>
    <message>
      <source>There is no order {order_no}.</source>
      <translation>督导单 {order_no} 不存在。</translation>
    </message>
    <message>
      <source>The order was refused ({code}).</source>
      <translation>操作被拒绝（{code}）。</translation>
    </message>
    <message>
      <source>Only: {what}</source>
      <translation>仅限：{what}</translation>
    </message>
    <message>
      <source>Inspection</source>
      <translation>检查</translation>
    </message>
    <message>
      <source>Looking up…</source>
      <translation>正在查询…</translation>
    </message>
    <message>
      <source>Order number, customer name or number</source>
      <translation>督导单号、客户名称或编号</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>回复</translation>
    </message>
    <message>
      <source>Head office's remark</source>
      <translation>总行意见</translation>
    </message>
    <message>
      <source>client manager {number}</source>
      <translation>客户经理 {number}</translation>
    </message>
    <message>
      <source>customer {number}</source>
      <translation>客户 {number}</translation>
    </message>
    <message>
      <source>inspection {number}</source>
      <translation>检查 {number}</translation>
    </message>
    <message>
      <source>No such customer in your scope.</source>
      <translation>您的权限范围内没有该客户。</translation>
    </message>
    <message>
      <source>Check the customer number.</source>
      <translation>请输入客户编号并查询。</translation>
    </message>
    <message>
      <source>Order no.</source>
      <translation>督导单号</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Ordered at</source>
      <translation>下发时间</translation>
    </message>
    <message>
      <source>{n} orders, {m} overdue</source>
      <translation>共 {n} 张督导单，{m} 张已逾期</translation>
    </message>
    <message>
      <source>Pick an order in the list.</source>
      <translation>请在列表中选择督导单。</translation>
    </message>
    <message>
      <source>The branch</source>
      <translation>分行</translation>
    </message>
    <message>
      <source>Answer order {number}</source>
      <translation>回复督导单 {number}</translation>
    </message>
    <message>
      <source>Send back order {number}</source>
      <translation>退回督导单 {number}</translation>
    </message>
    <message>
      <source>{name}, {branch}</source>
      <translation>{name}，{branch}</translation>
    </message>
    <message>
      <source>The branch ({branch})</source>
      <translation>分行（{branch}）</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>All actions</source>
      <translation>全部事项</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>Timeline</source>
      <translation>办理经过</translation>
    </message>
    <message>
      <source>Order {number} made.</source>
      <translation>督导单 {number} 已下发。</translation>
    </message>
    <message>
      <source>Someone else changed this order first (now {status}); the list has been refreshed.</source>
      <translation>他人已先行处理该督导单（现为{status}），列表已刷新。</translation>
    </message>
    <message>
      <source>Client manager {name} ({number})</source>
      <translation>客户经理 {name}（{number}）</translation>
    </message>
    <message>
      <source>{no} {name}: double-click to open the customer</source>
      <translation>{no} {name}：双击打开客户</translation>
    </message>
  </context>
  <context>
    <name>Photos</name>
    <message>
      <source>Photo viewer</source>
      <translation>照片查看器</translation>
    </message>
    <message>
      <source>Previous</source>
      <translation>上一张</translation>
    </message>
    <message>
      <source>Next</source>
      <translation>下一张</translation>
    </message>
    <message>
      <source>Zoom in</source>
      <translation>放大</translation>
    </message>
    <message>
      <source>Zoom out</source>
      <translation>缩小</translation>
    </message>
    <message>
      <source>Fit</source>
      <translation>适合窗口</translation>
    </message>
    <message>
      <source>Actual size</source>
      <translation>实际大小</translation>
    </message>
    <message>
      <source>Rotate left</source>
      <translation>向左旋转</translation>
    </message>
    <message>
      <source>Rotate right</source>
      <translation>向右旋转</translation>
    </message>
    <message>
      <source>Full screen</source>
      <translation>全屏</translation>
    </message>
    <message>
      <source>Photo {n} of {total}: {caption}</source>
      <translation>第 {n} / {total} 张：{caption}</translation>
    </message>
    <message>
      <source>(image unavailable)</source>
      <translation>（图片不可用）</translation>
    </message>
    <message>
      <source>The image cannot be shown: {error}</source>
      <translation>无法显示图片：{error}</translation>
    </message>
  </context>
  <context>
    <name>Reports</name>
    <message>
      <source>Make a report</source>
      <translation>生成报告</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <source>Open an inspection and choose “Inspection report”.</source>
      <translation>在检查记录中点击“检查报告”即可生成。</translation>
    </message>
    <message>
      <source>Inspection</source>
      <translation>检查</translation>
    </message>
    <message>
      <source>Excel workbook</source>
      <translation>Excel 工作簿</translation>
    </message>
    <message>
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>Make and issue</source>
      <translation>生成并出具</translation>
    </message>
    <message>
      <source>Preview of the first page</source>
      <translation>首页预览</translation>
    </message>
    <message>
      <source>No report made yet.</source>
      <translation>尚未生成报告。</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Save as…</source>
      <translation>另存为…</translation>
    </message>
    <message>
      <source>Issued reports</source>
      <translation>已出具报告</translation>
    </message>
    <message>
      <source>Save a copy…</source>
      <translation>下载副本…</translation>
    </message>
    <message>
      <source>Save the report exactly as issued (its hash is checked)</source>
      <translation>按出具时的原样保存报告（校验哈希）</translation>
    </message>
    <message>
      <source>Making the report…</source>
      <translation>正在生成报告…</translation>
    </message>
    <message>
      <source>Supervision report</source>
      <translation>督导报告</translation>
    </message>
    <message>
      <source>Inspection report</source>
      <translation>贷后检查报告</translation>
    </message>
    <message>
      <source>Read only: your role reads the issued reports and issues none.</source>
      <translation>只读：您的角色可查阅已出具的报告，不能出具报告。</translation>
    </message>
    <message>
      <source>Issued</source>
      <translation>出具时间</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>编号</translation>
    </message>
    <message>
      <source>Period or subject</source>
      <translation>期间或对象</translation>
    </message>
    <message>
      <source>Pages</source>
      <translation>页数</translation>
    </message>
    <message>
      <source>By</source>
      <translation>出具人</translation>
    </message>
    <message>
      <source>{pages} pages</source>
      <translation>{pages} 页</translation>
    </message>
    <message>
      <source>{pages} sheets</source>
      <translation>{pages} 个工作表</translation>
    </message>
    <message>
      <source>Save the report</source>
      <translation>保存报告</translation>
    </message>
    <message>
      <source>The report could not be made: {error}</source>
      <translation>报告生成失败：{error}</translation>
    </message>
    <message>
      <source>Saved {path}</source>
      <translation>已保存 {path}</translation>
    </message>
    <message>
      <source>Inspection #{id}</source>
      <translation>检查 #{id}</translation>
    </message>
    <message>
      <source>Issued {number}: {what}, {size} bytes.</source>
      <translation>已出具 {number}：{what}，{size} 字节。</translation>
    </message>
    <message>
      <source>Excel workbook with {n} sheets: open it to read.</source>
      <translation>Excel 工作簿，共 {n} 个工作表：请打开查看。</translation>
    </message>
  </context>
  <context>
    <name>RiskWords</name>
    <message>
      <source>Risk signals: none that count</source>
      <translation>风险信号：无计分信号</translation>
    </message>
    <message>
      <source>Loans: no points</source>
      <translation>贷款：不计分</translation>
    </message>
    <message>
      <source>Inspections: no points</source>
      <translation>检查：不计分</translation>
    </message>
    <message>
      <source>Credit bureau</source>
      <translation>征信</translation>
    </message>
    <message>
      <source>Business registry</source>
      <translation>工商</translation>
    </message>
    <message>
      <source>Courts</source>
      <translation>司法</translation>
    </message>
    <message>
      <source>Tax</source>
      <translation>税务</translation>
    </message>
    <message>
      <source>Account flows</source>
      <translation>账户流水</translation>
    </message>
    <message>
      <source>Utilities</source>
      <translation>水电</translation>
    </message>
    <message>
      <source>Public opinion</source>
      <translation>舆情</translation>
    </message>
    <message>
      <source>Administrative penalties</source>
      <translation>行政处罚</translation>
    </message>
    <message>
      <source>Collateral</source>
      <translation>押品</translation>
    </message>
    <message>
      <source>Overdue at another lender</source>
      <translation>他行逾期</translation>
    </message>
    <message>
      <source>New lenders</source>
      <translation>新增授信机构</translation>
    </message>
    <message>
      <source>Many credit inquiries</source>
      <translation>征信查询激增</translation>
    </message>
    <message>
      <source>Guarantee in default</source>
      <translation>对外担保违约</translation>
    </message>
    <message>
      <source>Guarantee liabilities up</source>
      <translation>对外担保增加</translation>
    </message>
    <message>
      <source>Equity pledged</source>
      <translation>股权出质</translation>
    </message>
    <message>
      <source>Shareholder change</source>
      <translation>股东变更</translation>
    </message>
    <message>
      <source>Legal representative change</source>
      <translation>法定代表人变更</translation>
    </message>
    <message>
      <source>Equity frozen</source>
      <translation>股权冻结</translation>
    </message>
    <message>
      <source>Listed for abnormal operation</source>
      <translation>列入经营异常名录</translation>
    </message>
    <message>
      <source>Address change</source>
      <translation>地址变更</translation>
    </message>
    <message>
      <source>Deregistration</source>
      <translation>注销</translation>
    </message>
    <message>
      <source>Sued as defendant</source>
      <translation>被诉</translation>
    </message>
    <message>
      <source>Enforcement</source>
      <translation>被执行</translation>
    </message>
    <message>
      <source>Dishonest debtor</source>
      <translation>失信被执行人</translation>
    </message>
    <message>
      <source>Consumption restriction</source>
      <translation>限制高消费</translation>
    </message>
    <message>
      <source>Account frozen</source>
      <translation>账户冻结</translation>
    </message>
    <message>
      <source>Tax arrears</source>
      <translation>欠税</translation>
    </message>
    <message>
      <source>Tax credit grade down</source>
      <translation>纳税信用等级下调</translation>
    </message>
    <message>
      <source>Invoices dropped</source>
      <translation>开票量下降</translation>
    </message>
    <message>
      <source>Abnormal taxpayer</source>
      <translation>非正常户</translation>
    </message>
    <message>
      <source>Inflows dropped</source>
      <translation>资金流入下降</translation>
    </message>
    <message>
      <source>Outflows to related parties</source>
      <translation>资金流向关联方</translation>
    </message>
    <message>
      <source>Funds diverted</source>
      <translation>挪用贷款资金</translation>
    </message>
    <message>
      <source>Large cash withdrawals</source>
      <translation>大额取现</translation>
    </message>
    <message>
      <source>Electricity use dropped</source>
      <translation>用电量下降</translation>
    </message>
    <message>
      <source>Water use dropped</source>
      <translation>用水量下降</translation>
    </message>
    <message>
      <source>Utility arrears</source>
      <translation>欠缴水电费</translation>
    </message>
    <message>
      <source>Negative news</source>
      <translation>负面新闻</translation>
    </message>
    <message>
      <source>Production halted</source>
      <translation>停产</translation>
    </message>
    <message>
      <source>Executive missing</source>
      <translation>实际控制人失联</translation>
    </message>
    <message>
      <source>Environmental penalty</source>
      <translation>环保处罚</translation>
    </message>
    <message>
      <source>Safety penalty</source>
      <translation>安全生产处罚</translation>
    </message>
    <message>
      <source>Market regulation penalty</source>
      <translation>市场监管处罚</translation>
    </message>
    <message>
      <source>Collateral value dropped</source>
      <translation>押品价值下降</translation>
    </message>
    <message>
      <source>Collateral seized</source>
      <translation>押品被查封</translation>
    </message>
    <message>
      <source>Insurance lapsed</source>
      <translation>保险失效</translation>
    </message>
    <message>
      <source>Not reviewed</source>
      <translation>未核实</translation>
    </message>
    <message>
      <source>Confirmed</source>
      <translation>已确认</translation>
    </message>
    <message>
      <source>Dismissed</source>
      <translation>已排除</translation>
    </message>
    <message>
      <source>Past due but still classified normal</source>
      <translation>已逾期仍为正常类</translation>
    </message>
    <message>
      <source>More than 90 days past due, not yet substandard</source>
      <translation>逾期超过 90 天未下调至次级</translation>
    </message>
    <message>
      <source>More than 270 days past due, not yet doubtful</source>
      <translation>逾期超过 270 天未下调至可疑</translation>
    </message>
    <message>
      <source>More than 360 days past due, not yet loss</source>
      <translation>逾期超过 360 天未下调至损失</translation>
    </message>
    <message>
      <source>{tier}, score {score}</source>
      <translation>{tier}，评分 {score}</translation>
    </message>
    <message>
      <source>{source}: {type}, severity {severity} +{points}</source>
      <translation>{source}：{type}，{severity} 级 +{points}</translation>
    </message>
    <message>
      <source>loan {loan} {days} days past due</source>
      <translation>贷款 {loan} 逾期 {days} 天</translation>
    </message>
    <message>
      <source>loan {loan} classified {classification}</source>
      <translation>贷款 {loan} 为{classification}类</translation>
    </message>
    <message>
      <source>loan {loan} matures in {days} days</source>
      <translation>贷款 {loan} {days} 天后到期</translation>
    </message>
    <message>
      <source>inspection {id}: {opinion}, {abnormal} abnormal answers, {flags} flags</source>
      <translation>检查 {id}：结论{opinion}，{abnormal} 项异常，{flags} 个真实性疑点</translation>
    </message>
    <message>
      <source>score rose {change} in a month</source>
      <translation>评分一个月内上升 {change}</translation>
    </message>
    <message>
      <source>at least {tier}: loan {loan} classified {classification}</source>
      <translation>不低于{tier}：贷款 {loan} 为{classification}类</translation>
    </message>
    <message>
      <source>Risk signals: {points} points from {n} signals</source>
      <translation>风险信号：{n} 条信号计 {points} 分</translation>
    </message>
    <message>
      <source>Worst loan {loan}: {points} points ({parts})</source>
      <translation>最差贷款 {loan}：{points} 分（{parts}）</translation>
    </message>
    <message>
      <source>Latest inspection on {date}: {points} points (opinion {opinion} +{op}; {n} abnormal answers +{ap}; authenticity flags +{fp})</source>
      <translation>最近一次检查（{date}）：{points} 分（结论{opinion} +{op}；{n} 项异常 +{ap}；真实性疑点 +{fp}）</translation>
    </message>
    <message>
      <source>Trend: the base score rose {change} in a month +{points}</source>
      <translation>趋势：基础分一个月内上升 {change}，+{points}</translation>
    </message>
    <message>
      <source>Tier at least {tier}: loan {loan} is classified {classification}</source>
      <translation>分层不低于{tier}：贷款 {loan} 为{classification}类</translation>
    </message>
    <message>
      <source>{days} days past due +{points}</source>
      <translation>逾期 {days} 天 +{points}</translation>
    </message>
    <message>
      <source>classified {classification} +{points}</source>
      <translation>{classification}类 +{points}</translation>
    </message>
    <message>
      <source>matures in {days} days +{points}</source>
      <translation>{days} 天后到期 +{points}</translation>
    </message>
    <message>
      <source>{source}: {type}, severity {severity}, {age} days old, {status}: +{points}</source>
      <translation>{source}：{type}，{severity} 级，{age} 天前，{status}：+{points}</translation>
    </message>
  </context>
  <context>
    <name>Settings</name>
    <message>
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <source>never</source>
      <translation>从不</translation>
    </message>
    <message>
      <source>Lock after idle</source>
      <translation>空闲后锁定</translation>
    </message>
    <message>
      <source>default: the photos folder in the data folder</source>
      <translation>默认：数据文件夹中的 photos 文件夹</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <source>Photo store (shared by every desktop)</source>
      <translation>照片库（所有终端共用）</translation>
    </message>
    <message>
      <source>Add folder…</source>
      <translation>添加文件夹…</translation>
    </message>
    <message>
      <source>Add feed URL…</source>
      <translation>添加推送地址…</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <source>Authenticity check thresholds…</source>
      <translation>真实性核查阈值…</translation>
    </message>
    <message>
      <source>Risk model…</source>
      <translation>风险模型…</translation>
    </message>
    <message>
      <source>Approval workflow…</source>
      <translation>审批流程…</translation>
    </message>
    <message>
      <source>Database connection…</source>
      <translation>数据库连接…</translation>
    </message>
    <message>
      <source>Map</source>
      <translation>地图</translation>
    </message>
    <message>
      <source>Tile provider</source>
      <translation>底图来源</translation>
    </message>
    <message>
      <source>the key issued by Tianditu for this bank</source>
      <translation>天地图为本行签发的密钥</translation>
    </message>
    <message>
      <source>Tianditu key</source>
      <translation>天地图密钥</translation>
    </message>
    <message>
      <source>Intranet tile address</source>
      <translation>内网瓦片地址</translation>
    </message>
    <message>
      <source>Intranet tiles' coordinate system</source>
      <translation>内网瓦片坐标系</translation>
    </message>
    <message>
      <source>Photo store</source>
      <translation>照片库</translation>
    </message>
    <message>
      <source>Add a source folder</source>
      <translation>添加数据源文件夹</translation>
    </message>
    <message>
      <source>Add feed URL</source>
      <translation>添加推送地址</translation>
    </message>
    <message>
      <source>Feed base URL</source>
      <translation>推送源基础地址</translation>
    </message>
    <message>
      <source>Data sources (folders, files, or feed URLs starting with http:// or https://)</source>
      <translation>数据源（文件夹、文件，或以 http:// 或 https:// 开头的推送地址）</translation>
    </message>
    <message>
      <source>None: offline grid (no internet needed)</source>
      <translation>无：离线经纬网格（无需联网）</translation>
    </message>
    <message>
      <source>Tianditu (needs a key)</source>
      <translation>天地图（需要密钥）</translation>
    </message>
    <message>
      <source>AutoNavi (Gaode), GCJ-02</source>
      <translation>高德地图（GCJ-02）</translation>
    </message>
    <message>
      <source>OpenStreetMap</source>
      <translation>OpenStreetMap</translation>
    </message>
    <message>
      <source>Intranet tile server</source>
      <translation>内网瓦片服务器</translation>
    </message>
    <message>
      <source>The intranet tile address must be an http:// or https:// address with {z}, {x} and {y} in it.</source>
      <translation>内网瓦片地址须为包含 {z}、{x}、{y} 的 http:// 或 https:// 地址。</translation>
    </message>
    <message>
      <source>Tianditu needs a key.</source>
      <translation>使用天地图需要填写密钥。</translation>
    </message>
    <message>
      <source>The new database connection is used the next time LoanSight starts.</source>
      <translation>新的数据库连接将在 LoanSight 下次启动时生效。</translation>
    </message>
  </context>
  <context>
    <name>SignalReview</name>
    <message>
      <source>Dismiss the signal</source>
      <translation>排除风险信号</translation>
    </message>
    <message>
      <source>Confirm the signal</source>
      <translation>确认风险信号</translation>
    </message>
    <message>
      <source>Why does this signal not apply? (required)</source>
      <translation>该信号为何不适用？（必填）</translation>
    </message>
    <message>
      <source>Reason (optional):</source>
      <translation>理由（选填）：</translation>
    </message>
    <message>
      <source>Saved: the score changes at the next health check.</source>
      <translation>已保存：评分将在下次健康检查时更新。</translation>
    </message>
  </context>
  <context>
    <name>Signals</name>
    <message>
      <source>Clear dates</source>
      <translation>清除日期</translation>
    </message>
    <message>
      <source>Show signals detected on any date</source>
      <translation>显示所有日期发现的风险信号</translation>
    </message>
    <message>
      <source>Confirm</source>
      <translation>确认</translation>
    </message>
    <message>
      <source>The signal is real: it counts fully at the next health check</source>
      <translation>信号属实：下次健康检查时全额计分</translation>
    </message>
    <message>
      <source>Dismiss…</source>
      <translation>排除…</translation>
    </message>
    <message>
      <source>The signal does not apply: it stops counting (a reason is required)</source>
      <translation>信号不适用：不再计分（须填写理由）</translation>
    </message>
    <message>
      <source>Red (4)</source>
      <translation>红色（4）</translation>
    </message>
    <message>
      <source>Orange (3)</source>
      <translation>橙色（3）</translation>
    </message>
    <message>
      <source>Yellow (2)</source>
      <translation>黄色（2）</translation>
    </message>
    <message>
      <source>Blue (1)</source>
      <translation>蓝色（1）</translation>
    </message>
    <message>
      <source>Customer name or number</source>
      <translation>客户名称或编号</translation>
    </message>
    <message>
      <source>Read only: your role does not review signals.</source>
      <translation>只读：您的角色不核实风险信号。</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>严重程度</translation>
    </message>
    <message>
      <source>All severities</source>
      <translation>全部严重程度</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>核实状态</translation>
    </message>
    <message>
      <source>All reviews</source>
      <translation>全部核实状态</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>All managers</source>
      <translation>全部客户经理</translation>
    </message>
    <message>
      <source>{no} {name}: open the customer</source>
      <translation>{no} {name}：打开客户</translation>
    </message>
    <message>
      <source>Detected</source>
      <translation>发现时间</translation>
    </message>
    <message>
      <source>Signal</source>
      <translation>信号类型</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Reviewed by</source>
      <translation>核实人</translation>
    </message>
    <message>
      <source>Detected {start} – {end}</source>
      <translation>发现日期 {start} 至 {end}</translation>
    </message>
    <message>
      <source>Matched</source>
      <translation>已匹配</translation>
    </message>
    <message>
      <source>Not matched</source>
      <translation>未匹配</translation>
    </message>
    <message>
      <source>Not matched ({sent})</source>
      <translation>未匹配（{sent}）</translation>
    </message>
    <message>
      <source>Not matched to any customer: the source sent {no} {uscc}</source>
      <translation>未匹配任何客户：来源提供的是 {no} {uscc}</translation>
    </message>
    <message>
      <source>Reason: {reason}</source>
      <translation>理由：{reason}</translation>
    </message>
    <message>
      <source>Detected on or after {start}</source>
      <translation>发现日期 {start} 及以后</translation>
    </message>
    <message>
      <source>{n} signals</source>
      <translation>{n} 条风险信号</translation>
    </message>
    <message>
      <source>Detected on or before {end}</source>
      <translation>发现日期 {end} 及以前</translation>
    </message>
  </context>
  <context>
    <name>Tasks</name>
    <message>
      <source>Open</source>
      <translation>未完成</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>Replaced</source>
      <translation>已替代</translation>
    </message>
    <message>
      <source>Only: {what}</source>
      <translation>仅显示：{what}</translation>
    </message>
    <message>
      <source>Customer name or number</source>
      <translation>客户名称或编号</translation>
    </message>
    <message>
      <source>Counting…</source>
      <translation>正在统计…</translation>
    </message>
    <message>
      <source>due {first} – {last}</source>
      <translation>到期日 {first} 至 {last}</translation>
    </message>
    <message>
      <source>customer {number}</source>
      <translation>客户 {number}</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>到期日</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>风险分层</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Branch</source>
      <translation>机构</translation>
    </message>
    <message>
      <source>Client manager</source>
      <translation>客户经理</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>完成时间</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务编号</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>原因</translation>
    </message>
    <message>
      <source>due from {first}</source>
      <translation>到期日不早于 {first}</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>All tiers</source>
      <translation>全部分层</translation>
    </message>
    <message>
      <source>All branches</source>
      <translation>全部机构</translation>
    </message>
    <message>
      <source>All managers</source>
      <translation>全部客户经理</translation>
    </message>
    <message>
      <source>All kinds</source>
      <translation>全部类型</translation>
    </message>
    <message>
      <source>{n} tasks</source>
      <translation>共 {n} 项任务</translation>
    </message>
    <message>
      <source>due by {last}</source>
      <translation>到期日不晚于 {last}</translation>
    </message>
    <message>
      <source>{no} {name}: open the customer</source>
      <translation>{no} {name}：打开客户</translation>
    </message>
  </context>
  <context>
    <name>Thresholds</name>
    <message>
      <source> m</source>
      <translation> 米</translation>
    </message>
    <message>
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <source> km/h</source>
      <translation> 公里/小时</translation>
    </message>
    <message>
      <source>Check-in: farthest from the customer</source>
      <translation>签到：距客户地址最远</translation>
    </message>
    <message>
      <source>Check-in: or this many times its accuracy</source>
      <translation>签到：或其定位精度的倍数</translation>
    </message>
    <message>
      <source>Photo: farthest from the check-in</source>
      <translation>照片：距签到点最远</translation>
    </message>
    <message>
      <source>Photo: or this many times the check-in accuracy</source>
      <translation>照片：或签到定位精度的倍数</translation>
    </message>
    <message>
      <source>Photo time: margin around the visit</source>
      <translation>照片时间：检查时段前后允许</translation>
    </message>
    <message>
      <source>Near-duplicate photo, same category (pHash bits)</source>
      <translation>近似重复照片，同类别（pHash 位数）</translation>
    </message>
    <message>
      <source>Near-duplicate photo, other category (pHash bits)</source>
      <translation>近似重复照片，不同类别（pHash 位数）</translation>
    </message>
    <message>
      <source>Shortest visit</source>
      <translation>最短现场停留</translation>
    </message>
    <message>
      <source>Fastest travel between visits</source>
      <translation>两次检查间最快行程速度</translation>
    </message>
    <message>
      <source>Mock location: identical fixes in a row</source>
      <translation>虚拟定位：连续相同定位点数</translation>
    </message>
    <message>
      <source>Mock location: fastest jump inside a track</source>
      <translation>虚拟定位：轨迹内最快跳变速度</translation>
    </message>
    <message>
      <source>Shared device: within</source>
      <translation>共用设备：时间范围</translation>
    </message>
    <message>
      <source> days</source>
      <translation> 天</translation>
    </message>
    <message>
      <source>Copied report: similarity at least</source>
      <translation>报告复制：相似度不低于</translation>
    </message>
    <message>
      <source>Copied report: shortest conclusion compared</source>
      <translation>报告复制：参与比较的最短结论</translation>
    </message>
    <message>
      <source> characters</source>
      <translation> 字</translation>
    </message>
    <message>
      <source>Authenticity check thresholds</source>
      <translation>真实性核查阈值</translation>
    </message>
    <message>
      <source>These limits apply to every desktop on this database. Saving recomputes every inspection's flags.</source>
      <translation>这些阈值适用于连接本数据库的所有工作站。保存后将重新计算全部检查记录的疑点。</translation>
    </message>
    <message>
      <source>These limits apply to every desktop on this database; only head-office risk managers and administrators change them.</source>
      <translation>这些阈值适用于连接本数据库的所有工作站，仅总行风险经理和系统管理员可以修改。</translation>
    </message>
  </context>
</TS>
