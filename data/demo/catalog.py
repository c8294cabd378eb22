"""Word lists the demo data is drawn from: names, firms, streets, loan products, signal
wording and the remarks client managers write.

Only data lives here; the rules for combining it are in the generator modules.
"""

from __future__ import annotations

from dataclasses import dataclass

# Surnames in rough order of frequency; the generator weights earlier ones more.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常"
    "武乔贺赖龚文"
)
MALE_GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳斌建国志文博振海峰亮东晨"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀玲燕红英梅琳颖婷雪慧莉倩晶璐佳欣悦蕾薇月丹萍洁琪"

# Trade names (字号) are two characters, one from each list.
TRADE_FIRST = "达泰盛恒华鑫宏德金荣瑞永嘉丰汇通利昌隆兴源茂博裕诚信安顺和天众凯佳伟新中广正冀燕"
TRADE_SECOND = "源宇茂博达泰盛恒华鑫宏德荣瑞丰通利昌隆兴汇诚信安顺和业成威远航康辉发祥润"

#: GB/T 4754 sections a small or medium borrower is found in, with weights and the
#: business words that make a company name in that section.
INDUSTRIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "C",
        34,
        (
            "服饰",
            "机械制造",
            "食品",
            "建材",
            "钢结构",
            "包装材料",
            "电子",
            "塑料制品",
            "五金制品",
            "汽车配件",
            "家具",
            "化工",
            "纺织",
            "医疗器械",
        ),
    ),
    ("F", 26, ("商贸", "贸易", "物资", "医药连锁", "农资", "建材销售", "电器销售", "粮油")),
    ("A", 8, ("农业科技", "种植", "养殖", "果蔬", "生态农业")),
    ("E", 7, ("建筑工程", "装饰工程", "市政工程", "水利工程")),
    ("G", 6, ("物流", "运输", "仓储", "货运代理")),
    ("H", 5, ("餐饮管理", "酒店管理", "食府")),
    ("I", 4, ("信息技术", "软件", "网络科技")),
    ("L", 4, ("商务服务", "企业管理咨询", "广告", "会展服务")),
    ("M", 3, ("检测技术", "环保科技", "工程设计")),
    ("K", 1, ("物业服务",)),
    ("R", 2, ("文化传媒", "体育用品")),
)

STREETS = (
    "建设大街",
    "中山路",
    "裕华路",
    "和平路",
    "胜利街",
    "友谊大街",
    "人民路",
    "解放路",
    "光明路",
    "新华路",
    "长江道",
    "黄河大道",
    "槐安路",
    "东风路",
    "育才街",
    "学府路",
    "朝阳路",
    "迎宾大道",
    "富强路",
    "振兴大街",
    "钢城路",
    "北环路",
    "南环路",
    "工业路",
    "滨河路",
)
PARKS = ("经济开发区", "高新技术产业开发区", "工业园区", "物流园区")
PARK_ROADS = ("纬一路", "纬二路", "纬三路", "经一路", "经二路", "创业路", "科技路", "发展大道")


@dataclass(frozen=True)
class Product:
    """A loan product: amounts in whole ten-thousands of yuan, terms in months."""

    name: str
    weight: int
    min_wan: int
    max_wan: int
    terms: tuple[int, ...]
    base_rate_bp: int  # annual rate in basis points (435 = 0.0435)
    guarantees: tuple[str, ...]
    purposes: tuple[str, ...]


PRODUCTS: tuple[Product, ...] = (
    Product(
        "经营快贷",
        30,
        10,
        100,
        (12,),
        435,
        ("CREDIT", "CREDIT", "GUARANTEE"),
        ("采购原材料", "支付货款", "补充流动资金"),
    ),
    Product(
        "流动资金贷款",
        30,
        30,
        500,
        (12, 12, 24),
        385,
        ("GUARANTEE", "MORTGAGE", "PLEDGE", "CREDIT"),
        ("采购原材料", "支付货款", "支付工资", "补充流动资金"),
    ),
    Product(
        "固定资产贷款",
        10,
        100,
        500,
        (36, 60),
        420,
        ("MORTGAGE", "MORTGAGE", "PLEDGE"),
        ("购置设备", "厂房建设", "技术改造"),
    ),
    Product("科技贷", 8, 50, 300, (12, 24), 395, ("PLEDGE", "CREDIT"), ("研发投入", "购置设备")),
    Product("税易贷", 12, 10, 200, (12,), 445, ("CREDIT",), ("补充流动资金", "采购原材料")),
    Product("惠农贷", 10, 10, 50, (12, 24), 410, ("GUARANTEE", "CREDIT"), ("农资采购", "购买种苗饲料")),
)

#: The product only farms borrow, and which a farm's first loan always is.
AGRI_PRODUCT = "惠农贷"

CLASSIFICATIONS = ("NORMAL", "SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")


@dataclass(frozen=True)
class SignalType:
    """One signal type of a source: its usual severity, a title, and a detail template.

    The template may use ``{amount}`` (yuan in 万元), ``{n}`` (a small count) and
    ``{pct}`` (a percentage); ``has_amount`` says whether the row carries ``amount``.
    """

    code: str
    severity: int
    title: str
    detail: str
    has_amount: bool


SIGNAL_SOURCES: tuple[tuple[str, str, int, bool, tuple[SignalType, ...]], ...] = (
    # (source, id prefix, weight, external (knows the USCC rather than our customer no), types)
    (
        "CREDIT_BUREAU",
        "CRB",
        16,
        False,
        (
            SignalType("OVERDUE_ELSEWHERE", 3, "他行贷款逾期", "征信显示他行贷款逾期{n}期", True),
            SignalType("NEW_LENDERS", 2, "新增多头借贷", "近三个月新增{n}家授信机构", True),
            SignalType(
                "GUARANTEE_LIABILITY_UP",
                2,
                "对外担保余额上升",
                "对外担保余额较上月上升{pct}%",
                True,
            ),
            SignalType("INQUIRY_SPIKE", 1, "征信查询激增", "近一个月贷款审批查询{n}次", False),
        ),
    ),
    (
        "BUSINESS_REGISTRY",
        "BIZ",
        12,
        True,
        (
            SignalType("LEGAL_REP_CHANGE", 2, "法定代表人变更", "法定代表人发生变更", False),
            SignalType("SHAREHOLDER_CHANGE", 1, "股东变更", "股东及出资比例发生变更", False),
            SignalType("EQUITY_PLEDGE", 2, "股权出质", "股东出质股权约{amount}万元", True),
            SignalType("EQUITY_FREEZE", 3, "股权冻结", "股东股权被法院冻结", True),
            SignalType(
                "ABNORMAL_OPERATION_LIST",
                3,
                "列入经营异常名录",
                "因未按时公示年报被列入经营异常名录",
                False,
            ),
            SignalType("ADDRESS_CHANGE", 1, "注册地址变更", "注册地址迁出原址", False),
            SignalType("DEREGISTRATION", 4, "注销或吊销", "企业登记状态变为吊销", False),
        ),
    ),
    (
        "JUDICIAL",
        "JUD",
        10,
        True,
        (
            SignalType("LAWSUIT_DEFENDANT", 2, "新增被诉案件", "买卖合同纠纷,标的约{amount}万元", True),
            SignalType("ENFORCEMENT", 3, "被执行人", "被列为被执行人,执行标的约{amount}万元", True),
            SignalType("DISHONEST_DEBTOR", 4, "失信被执行人", "被列入失信被执行人名单", False),
            SignalType("CONSUMPTION_RESTRICTION", 4, "限制高消费", "法定代表人被限制高消费", False),
            SignalType("ACCOUNT_FROZEN", 4, "账户被冻结", "基本户被法院冻结约{amount}万元", True),
        ),
    ),
    (
        "TAX",
        "TAX",
        10,
        True,
        (
            SignalType("TAX_ARREARS", 2, "欠缴税款", "欠缴增值税约{amount}万元", True),
            SignalType("CREDIT_GRADE_DOWN", 2, "纳税信用降级", "纳税信用等级下调为C级", False),
            SignalType("INVOICE_DROP", 2, "开票金额下降", "近三月开票金额同比下降{pct}%", True),
            SignalType("ABNORMAL_TAXPAYER", 3, "非正常户", "被主管税务机关认定为非正常户", False),
        ),
    ),
    (
        "ACCOUNT_FLOW",
        "ACF",
        18,
        False,
        (
            SignalType("INFLOW_DROP", 2, "账户流入下降", "近一个月结算流入同比下降{pct}%", True),
            SignalType("RELATED_PARTY_OUTFLOW", 2, "资金流向关联方", "大额资金转入关联企业账户", True),
            SignalType("FUNDS_DIVERSION", 3, "贷款资金疑似挪用", "贷款资金转入个人账户", True),
            SignalType("LARGE_CASH", 1, "大额取现", "单日取现约{amount}万元", True),
        ),
    ),
    (
        "UTILITIES",
        "UTL",
        10,
        False,
        (
            SignalType("ELECTRICITY_DROP", 2, "用电量下降", "月用电量环比下降{pct}%", False),
            SignalType("WATER_DROP", 1, "用水量下降", "月用水量环比下降{pct}%", False),
            SignalType("UTILITY_ARREARS", 2, "水电气欠费", "欠缴电费约{amount}万元", True),
        ),
    ),
    (
        "PUBLIC_OPINION",
        "PUB",
        8,
        True,
        (
            SignalType("NEGATIVE_NEWS", 1, "负面舆情", "网络媒体报道企业拖欠货款", False),
            SignalType("PRODUCTION_HALT", 3, "停产传闻", "有报道称企业已停产{n}周", False),
            SignalType("EXECUTIVE_MISSING", 4, "实际控制人失联", "员工反映实际控制人失联", False),
        ),
    ),
    (
        "ADMIN_PENALTY",
        "ADM",
        6,
        True,
        (
            SignalType("ENVIRONMENTAL", 2, "环保处罚", "超标排放被处罚款{amount}万元", True),
            SignalType("SAFETY", 2, "安全生产处罚", "安全生产违规被处罚款{amount}万元", True),
            SignalType("MARKET_REGULATION", 1, "市场监管处罚", "产品抽检不合格被处罚", True),
        ),
    ),
    (
        "COLLATERAL",
        "COL",
        10,
        False,
        (
            SignalType("VALUATION_DROP", 2, "押品估值下降", "押品重估价值下降{pct}%", True),
            SignalType("COLLATERAL_SEIZED", 4, "押品被查封", "抵押房产被其他债权人申请查封", False),
            SignalType("INSURANCE_LAPSE", 1, "押品保险到期", "押品财产保险到期未续保", False),
        ),
    ),
)

OTHER_BANKS = ("工商银行", "农业银行", "建设银行", "中国银行", "邮储银行", "农商银行", "民生银行")


@dataclass(frozen=True)
class ItemText:
    """What a client manager writes for one checklist item: healthy, abnormal and
    not-applicable remarks (the last only for items that can be not applicable)."""

    healthy: tuple[str, ...]
    abnormal: tuple[str, ...]
    not_applicable: tuple[str, ...] = ()


GENERIC_HEALTHY = ("经现场核实无异常", "与上期一致", "已查看相关凭证", "正常")

ITEM_TEXTS: dict[str, ItemText] = {
    "OPS-01": ItemText(
        (
            "正常生产,两条产线运转",
            "车间开工正常,工人在岗",
            "门店正常营业,客流稳定",
            "生产经营正常,订单排产至下月",
        ),
        ("现场停工,仅留少量看守人员", "生产线半数停机,称订单不足", "门店白天未营业,卷帘门关闭"),
    ),
    "OPS-02": ItemText(
        ("经营地址与营业执照登记地址一致", "门头招牌与企业名称一致", "厂区位于登记地址,门牌清晰"),
        ("实际经营地已搬迁,登记地址为空置厂房", "现场门头为其他企业名称"),
    ),
    "OPS-03": ItemText(
        ("主营业务未发生变化", "产品结构稳定,主要客户未变", "订单情况与上期基本持平"),
        ("主要客户流失,订单较上期减少约四成", "转型开展新业务,尚处投入期"),
    ),
    "OPS-04": ItemText(
        ("按库存台账估算", "原材料及产成品合计", "现场清点主要品类后估算"),
        ("库存较上期明显减少", "库存积压严重,部分产品滞销"),
    ),
    "OPS-05": ItemText(
        ("主要设备运转正常", "设备维护记录完整"),
        ("部分设备停机待修", "主要设备已拆除,称转让给第三方"),
    ),
    "OPS-06": ItemText(
        ("电费单显示用电量与上期持平", "用水用电正常"),
        ("近两月用电量下降约五成", "已欠缴电费两个月"),
    ),
    "FIN-01": ItemText(
        ("近期销售收入稳定", "销售收入较去年同期略有增长", "对账单显示回款稳定"),
        ("近三月销售收入下降明显", "主要销售回款延迟"),
    ),
    "FIN-02": ItemText(
        ("应收账款周转正常", "应收账款余额与上期持平"),
        ("应收账款较上期增加约六成,账龄拉长", "对大客户应收款逾期未收回"),
    ),
    "FIN-03": ItemText(
        ("近三月销售回款", "根据银行流水统计", "与上期一致"),
        ("回款较上期明显下降", "回款集中于个人账户,对公流水减少"),
    ),
    "FIN-04": ItemText(
        ("纳税申报正常,无欠税", "已查看近三月纳税申报表"),
        ("近两月未按期申报", "存在欠缴税款"),
    ),
    "USE-01": ItemText(
        ("已查看采购合同及发票,用途与合同一致", "资金用于采购原材料,凭证齐全"),
        ("部分资金用途无法提供凭证", "资金转入关联企业账户"),
    ),
    "USE-02": ItemText(
        ("未发现资金回流或挪用", "流水未见流入证券、房地产账户"),
        ("发现部分资金回流至借款人个人账户", "资金流入房地产开发企业账户"),
    ),
    "USE-03": ItemText(
        ("受托支付对手与购销合同一致",),
        ("受托支付对手为关联企业,与合同不符",),
        ("自主支付,不适用",),
    ),
    "COL-01": ItemText(
        ("抵押房产现场核实,状态良好", "质押物存放于监管仓库,数量一致"),
        ("抵押厂房部分出租未告知", "质押物数量与台账不符"),
        ("信用贷款,无抵质押物",),
    ),
    "COL-02": ItemText(
        ("周边同类物业价格稳定", "押品价值未见明显变化"),
        ("周边厂房成交价下跌约两成", "押品设备老化,价值明显下降"),
        ("无抵质押物",),
    ),
    "COL-03": ItemText(
        ("保证人经营正常,代偿能力充足", "保证人资信良好"),
        ("保证人涉诉,代偿能力下降", "保证人经营困难"),
        ("无保证人",),
    ),
    "REL-01": ItemText(
        ("未新增对外担保", "未发现新增关联交易"),
        ("新增为关联企业担保约300万元", "与关联方资金往来频繁"),
    ),
    "REL-02": ItemText(
        ("股东及实际控制人未发生变化", "与上期一致"),
        ("实际控制人已变更", "主要股东转让股权"),
    ),
    "CRD-01": ItemText(
        ("征信无新增逾期", "已查询征信,正常"),
        ("征信显示他行贷款逾期", "实际控制人信用卡逾期"),
    ),
    "CRD-02": ItemText(
        ("未发现新增诉讼及被执行记录", "已查询裁判文书网,无新增"),
        ("新增买卖合同纠纷诉讼一起", "被列为被执行人"),
    ),
    "MGT-01": ItemText(
        ("与实际控制人面谈,经营思路清晰", "实际控制人在岗,沟通顺畅", "与财务负责人面谈"),
        ("实际控制人近期联系不上", "实际控制人长期在外,由亲属代管"),
    ),
    "MGT-02": ItemText(
        ("员工在岗情况正常", "与社保缴纳人数一致"),
        ("员工人数较上期明显减少",),
    ),
}

SUMMARY_OPENINGS = {
    "NORMAL": ("企业经营正常", "生产线运转正常,订单饱满", "门店经营稳定", "企业生产经营平稳"),
    "ATTENTION": ("企业经营出现波动", "企业经营基本正常但存在异常事项", "销售有所下滑"),
    "RISK": ("企业经营困难", "企业经营明显恶化", "现场发现重大风险事项"),
}
SUMMARY_CLOSINGS = {
    "NORMAL": ("未发现重大风险事项。", "资金用途与合同约定一致。", "建议维持正常分类。"),
    "ATTENTION": ("建议列入关注名单,加强跟踪。", "需持续关注经营变化。"),
    "RISK": ("建议下调风险分类并压降授信。", "建议启动风险预警处置。"),
}
FOLLOW_UPS = {
    "NORMAL": ("下季度例行检查", "按期例行检查"),
    "ATTENTION": ("一个月内跟踪回访", "下月重点检查"),
    "RISK": ("两周内复查并上报分行", "立即上报风险预警,制定处置方案"),
}
VOICE_NOTES = (
    "仓库库存约三百吨,与台账基本一致",
    "老板说下个月有一笔大订单回款",
    "车间东侧两台设备停机检修",
    "财务说应收账款主要是两家大客户",
    "门口停放货车三辆,正在装货",
    "厂区新建一处仓库,尚未投入使用",
    "员工反映工资按时发放",
    "实际控制人在外地出差,与其电话沟通",
)
REVISION_NOTES = (
    "(补充:已调阅近三月银行流水核实)",
    "(补充:已补充查验购销合同原件)",
    "(补充:已与实际控制人电话复核)",
)
REVISION_SUMMARY = "经退回补充,已补充核实相关凭证。"

DEVICE_MODELS = (
    ("HUAWEI", "Mate 60"),
    ("HUAWEI", "nova 12"),
    ("Xiaomi", "Redmi K70"),
    ("Xiaomi", "14"),
    ("OPPO", "Reno11"),
    ("vivo", "X100"),
    ("HONOR", "Magic6"),
    ("Apple", "iPhone 14"),
)
