"""The approval queue: the inspections waiting for the user's decision, oldest first, with
their SLA deadlines (overdue in red), tier and flags, a preview of the selected inspection
beside the list and a decision bar under it.

Who sees what:

* a branch approver: their branch's revisions waiting for a branch decision (submitted, or
  sent back by head office), and decides them: approve, return for rework (a reason code
  and a comment), reject (a comment), escalate to head office;
* a head-office risk manager: the revisions waiting for head-office review (approved with
  a review due, or escalated), and confirms them or sends them back to the branch (a
  comment); the branch stage can be shown too, read only;
* an auditor (and an administrator): every pending revision, read only.

Four-eyes rows (the user took part in the inspection or manages the customer) are shown
with the decision buttons disabled and the reason said. A day of approvals is done from
the keyboard: J/K (or Down/Up) move between rows, Alt+A approves and moves on, Alt+R/Alt+J
open the return/reject dialog, Alt+E escalates; head office Alt+C confirms, Alt+B sends
back. Plain cases (no flag, tier NORMAL or BLUE) can be approved in one batch after a
confirmation that lists them.

Decisions are writes through the task runner; the decided row is refreshed from the same
transaction (or dropped when it no longer waits for this user) and the selection moves to
the next row. Someone else deciding first is told (who, what, when) and the queue reloads.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.rules import approval as rules
from desktop.settings import LANGUAGE, Preferences
from desktop.tasks import Changes, Latest, TaskRunner
from views._inspection_detail import InspectionDetailPanel
from views._links import link_values, list_link
from widgets.choice_bar import ChoiceFilterBar
from widgets.labels import TIER_COLOURS, TIERS, kind_name, local_time, tier_name
from widgets.lazy_table import Column, KeysetTableModel, list_table

FILTER_KEYS = ("stage", "branch_code", "tier", "overdue", "flagged", "text")
#: the stage value in a query that means both stages (no stage: the role's default)
ALL_STAGES = "ALL"
#: what a decision changes, for the other screens
DECISION_TABLES = frozenset({"inspections", "inspection_decisions", "post_loan_tasks", "audit_events"})
#: shortcut of each action (shown on its button)
SHORTCUTS = {
    rules.APPROVE: "Alt+A",
    rules.RETURN: "Alt+R",
    rules.REJECT: "Alt+J",
    rules.ESCALATE: "Alt+E",
    rules.CONFIRM: "Alt+C",
    rules.SEND_BACK: "Alt+B",
}
_OVERDUE = QColor("#c62828")
_HIGH = QColor("#c62828")
_MUTED = QColor("#757575")
_TIER_QCOLOURS = {k: QColor(v) for k, v in TIER_COLOURS.items()}


def _t(text: str) -> str:
    return QCoreApplication.translate("Approvals", text)


def state_name(state: str) -> str:
    return {
        rules.SUBMITTED: _t("Waiting for the branch"),
        rules.REOPENED: _t("Returned by head office"),
        rules.APPROVED: _t("Approved, head-office review due"),
        rules.ESCALATED: _t("Escalated to head office"),
        rules.RETURNED: _t("Returned for rework"),
        rules.REJECTED: _t("Rejected"),
        rules.CONFIRMED: _t("Confirmed by head office"),
        rules.CLOSED: _t("Closed"),
    }.get(state, state)


def action_name(action: str) -> str:
    return {
        rules.APPROVE: _t("Approve"),
        rules.RETURN: _t("Return for rework"),
        rules.REJECT: _t("Reject"),
        rules.ESCALATE: _t("Escalate to head office"),
        rules.CONFIRM: _t("Confirm"),
        rules.SEND_BACK: _t("Send back to the branch"),
    }.get(action, action)


def decided_name(action: str) -> str:
    """An action as something done: "approved", "returned for rework"."""
    return {
        rules.APPROVE: _t("approved"),
        rules.RETURN: _t("returned for rework"),
        rules.REJECT: _t("rejected"),
        rules.ESCALATE: _t("escalated to head office"),
        rules.CONFIRM: _t("confirmed"),
        rules.SEND_BACK: _t("sent back to the branch"),
    }.get(action, action)


def review_reason_name(reason: str) -> str:
    return {
        rules.REVIEW_TIER: _t("tier orange or red"),
        rules.REVIEW_FLAG: _t("a high-severity flag"),
        rules.REVIEW_SAMPLE: _t("random sample"),
    }.get(reason, reason)


def refusal_text(code: str, params: dict[str, Any] | None = None) -> str:
    """Why a decision is not the user's to take, in words."""
    params = params or {}
    texts = {
        "FOUR_EYES_INSPECTOR": _t(
            "You took part in this inspection: another approver decides it (four-eyes)."
        ),
        "FOUR_EYES_MANAGER": _t("You manage this customer: another approver decides it (four-eyes)."),
        "OUT_OF_SCOPE": _t("This customer is outside your branch."),
        "BAD_TRANSITION": _t("Not in a state this decision applies to."),
        "COMMENT_REQUIRED": _t("A comment is required."),
        "REASON_REQUIRED": _t("A reason code is required."),
        "UNKNOWN_REASON_CODE": _t("That reason code is not in the settings any more."),
        "NOT_BATCH_APPROVABLE": _t("no longer a plain case"),
        "DECISION_CONFLICT": _t("decided by someone else meanwhile"),
        "NOT_CURRENT_REVISION": _t("replaced by a newer revision"),
        "UNKNOWN_INSPECTION": _t("no longer exists"),
    }
    if code == "ROLE_MAY_NOT_DECIDE":
        if params.get("level") == rules.HEAD:
            return _t("Waiting for head office: read only for you.")
        if params.get("role") == "HEAD_RISK":
            return _t("Waiting for the branch approver: read only for head office.")
        return _t("Read only: your role decides nothing.")
    return texts.get(code, code)


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the queue: ``approvals?stage=BRANCH&overdue=1&tier=RED``."""
    return list_link("approvals", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    def one_of(*allowed: str) -> Any:
        return lambda v: v if v in allowed else None

    return link_values(
        query,
        FILTER_KEYS,
        {
            "stage": one_of(rules.BRANCH, rules.HEAD, ALL_STAGES),
            "overdue": lambda v: "1" if v in ("1", "true", "yes") else None,
            "flagged": one_of("ANY", "HIGH", "NONE"),
            "tier": one_of(*TIERS, "NONE"),
        },
    )


def _flags_text(row: Any) -> str:
    if not row.flags:
        return ""
    if row.high_flags:
        return _t("{n} ({high} high)").format(n=row.flags, high=row.high_flags)
    return str(row.flags)


def _due_tip(row: Any) -> str:
    when = local_time(row.due_at)
    return _t("Overdue since {time}").format(time=when) if row.overdue else _t("Due {time}").format(time=when)


def _due_day(row: Any) -> str:
    """The last day to decide on: a deadline is the end of a working day (midnight after it,
    which reads as the next day), so the column shows the day it ends."""
    return local_time(row.due_at - dt.timedelta(seconds=1))[:10]


def _revision_text(row: Any) -> str:
    return _t("Resubmission {n}").format(n=row.revision) if row.revision > 1 else ""


class QueueTableModel(KeysetTableModel):
    """The keyset model, plus redrawing or dropping one row after a decision without
    reloading the pages."""

    def replace_row(self, row: int, value: Any) -> None:
        if not (0 <= row < len(self._rows)):
            return
        self._rows[row] = value
        self._texts = {key: text for key, text in self._texts.items() if key[0] != row}
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def remove_row(self, row: int) -> None:
        if not (0 <= row < len(self._rows)):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        # the cached texts are keyed by row number: the rows after it moved up
        self._texts = {}
        self.endRemoveRows()

    def index_of(self, inspection_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == inspection_id), None)


class DecisionDialog(QDialog):
    """A comment (required) and, to return for rework, a reason code."""

    def __init__(
        self,
        action: str,
        row: Any,
        reasons: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(action_name(action))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = QLabel(
            _t("{action}: {customer}, {kind}, submitted {time}").format(
                action=action_name(action),
                customer=row.customer_name,
                kind=kind_name(row.kind),
                time=local_time(row.submitted_at),
            )
        )
        what.setWordWrap(True)
        layout.addWidget(what)
        self.reason_combo = QComboBox()
        self.reason_combo.setPlaceholderText(_t("Choose a reason…"))
        for code, label in reasons:
            self.reason_combo.addItem(label, code)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.currentIndexChanged.connect(self._update)
        if reasons:
            layout.addWidget(QLabel(_t("Reason (required):")))
            layout.addWidget(self.reason_combo)
        else:
            self.reason_combo.setVisible(False)
        hint = {
            rules.RETURN: _t("What should the client manager redo? (required)"),
            rules.REJECT: _t("Why is this not a valid inspection? (required)"),
            rules.SEND_BACK: _t("What should the branch approver look at again? (required)"),
        }.get(action, _t("Comment (required):"))
        layout.addWidget(QLabel(hint))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.textChanged.connect(self._update)
        layout.addWidget(self.comment_edit, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(action_name(action))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # from the comment box (where Enter is a new line) the keyboard still confirms
        confirm = QShortcut(QKeySequence("Ctrl+Return"), self)
        confirm.activated.connect(self.accept)
        self.ok_button.setToolTip(_t("Press Ctrl+Enter to confirm."))
        self._needs_reason = bool(reasons)
        self._update()
        (self.reason_combo if reasons else self.comment_edit).setFocus()

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def reason_code(self) -> str:
        data = self.reason_combo.currentData()
        return str(data) if data else ""

    def _update(self) -> None:
        ok = bool(self.comment()) and (not self._needs_reason or bool(self.reason_code()))
        self.ok_button.setEnabled(ok)

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()


class BatchDialog(QDialog):
    """Lists the plain cases about to be approved together, for the user to confirm."""

    def __init__(self, rows: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = list(rows)
        self.setWindowTitle(_t("Approve plain cases"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _t(
                "These {n} inspections have no authenticity flag and a NORMAL or BLUE customer. "
                "Approve them all?"
            ).format(n=len(self.rows))
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels([_t("Customer"), _t("Tier"), _t("Kind"), _t("Submitted")])
        self.list.setColumnWidth(0, 260)
        self.list.setColumnWidth(1, 70)
        self.list.setColumnWidth(2, 90)
        for r in self.rows:
            item = QTreeWidgetItem(
                [r.customer_name, tier_name(r.tier), kind_name(r.kind), local_time(r.submitted_at)]
            )
            colour = _TIER_QCOLOURS.get(r.tier or "")
            if colour is not None:
                item.setForeground(1, colour)
            self.list.addTopLevelItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_t("Approve {n}").format(n=len(self.rows)))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ApprovalsView(QWidget):
    """The user's approval queue within their scope, with a preview and a decision bar."""

    state_changed = Signal(str)
    open_requested = Signal(str)
    #: a decision was written (inspection id, action)
    decided = Signal(int, str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._filters: dict[str, Any] = self._defaults()
        self._settings: rules.ApprovalSettings = rules.ApprovalSettings()
        self._extras_latest = Latest()
        self._overdue_latest = Latest()
        self._own_changes: list[Changes] = []
        self._keep_id: int | None = None
        self._busy = False
        self._waiting: int | None = None
        self._overdue: int | None = None
        #: the last message told to the user (conflicts, refusals, batch outcomes)
        self.message = ""
        self._box: QMessageBox | None = None
        self._build()
        self.filter_bar.set_values(self._bar_values())
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()

    # -- who the user is -------------------------------------------------------------------

    @property
    def level(self) -> str | None:
        """The level the user decides at (None: they decide nothing)."""
        return {"BRANCH_APPROVER": rules.BRANCH, "HEAD_RISK": rules.HEAD}.get(self.user.role)

    @property
    def can_decide(self) -> bool:
        return self.level is not None

    def _defaults(self) -> dict[str, Any]:
        return {"stage": rules.HEAD} if self.user.role == "HEAD_RISK" else {}

    def _decider(self) -> rules.Decider:
        return rules.Decider(self.user.employee_no, self.user.role, self.user.scope)

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        combos = []
        if self.user.role != "BRANCH_APPROVER":
            combos.append(("stage", lambda: _t("Stage"), lambda: _t("All stages")))
        combos += [
            ("branch_code", lambda: _t("Branch"), lambda: _t("All branches")),
            ("tier", lambda: _t("Tier"), lambda: _t("All tiers")),
            ("overdue", lambda: _t("Deadline"), lambda: _t("Any deadline")),
            ("flagged", lambda: _t("Flags"), lambda: _t("Any flags")),
        ]
        self.filter_bar = ChoiceFilterBar(combos, search_hint=_t("Customer name or number, bundle"))
        if "stage" in self.filter_bar.combos:
            self.filter_bar.set_choices(
                "stage", [(rules.BRANCH, _t("Branch decision")), (rules.HEAD, _t("Head-office review"))]
            )
        self.filter_bar.set_choices(
            "tier", [*((t, tier_name(t)) for t in TIERS), ("NONE", _t("No tier yet"))]
        )
        self.filter_bar.set_choices("overdue", [("1", _t("Overdue only"))])
        self.filter_bar.set_choices(
            "flagged",
            [("ANY", _t("Any flag")), ("HIGH", _t("A high-severity flag")), ("NONE", _t("No flag"))],
        )
        self.filter_bar.filters_changed.connect(self._on_filters)
        layout.addWidget(self.filter_bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        from data.approvals import queue_sort_value

        self.model = QueueTableModel(
            self._columns(), keyset=lambda row, key: (queue_sort_value(row, key), row.id)
        )
        from views._paging import PagedList

        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            self._read_page,
            self._read_count,
            name="approval queue",
            counted=self._on_counted,
            first_page=self._on_first_page,
        )
        self.table = list_table(self.model)
        # oldest waiting first: the first due is on top
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        state = self.prefs.window_state("approvals/header")
        if state is not None:
            header.restoreState(state)
        header.sectionResized.connect(self._save_header)
        header.sectionMoved.connect(self._save_header)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.model.modelReset.connect(self._on_row_gone)
        splitter.addWidget(self.table)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(2)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setContentsMargins(6, 4, 6, 2)
        self.heading.setWordWrap(True)
        rl.addWidget(self.heading)
        self.preview = InspectionDetailPanel(self.runner, self.user, self.prefs)
        self.preview.open_requested.connect(self.open_requested)
        self.history = QTreeWidget()
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels(
            [_t("When"), _t("Who"), _t("Decision"), _t("Revision"), _t("Reason"), _t("Comment")]
        )
        for i, width in enumerate((130, 90, 150, 60, 150)):
            self.history.setColumnWidth(i, width)
        self.history_tab = self.preview.add_tab(self.history, _t("Decisions"))
        rl.addWidget(self.preview, 1)
        rl.addWidget(self._build_decision_bar())
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([1000, 600])
        self.splitter = splitter
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 2, 6, 4)
        self.count_label = QLabel()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        self.batch_button = QPushButton(_t("Approve plain cases…"))
        self.batch_button.setToolTip(
            _t(
                "Approve, after a confirmation listing them, the loaded inspections with no flag and tier NORMAL or BLUE"
            )
        )
        self.batch_button.clicked.connect(self.batch_approve_plain)
        self.batch_button.setVisible(self.level == rules.BRANCH)
        bottom.addWidget(self.batch_button)
        layout.addLayout(bottom)
        self._build_shortcuts()
        self._update_decision_bar()

    def _build_decision_bar(self) -> QWidget:
        bar = QWidget()
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(6, 2, 6, 4)
        outer.setSpacing(2)
        self.decision_note = QLabel()
        self.decision_note.setWordWrap(True)
        self.decision_note.setStyleSheet("color: #555;")
        outer.addWidget(self.decision_note)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        labels = {
            rules.APPROVE: _t("Approve"),
            rules.RETURN: _t("Return…"),
            rules.REJECT: _t("Reject…"),
            rules.ESCALATE: _t("Escalate"),
            rules.CONFIRM: _t("Confirm"),
            rules.SEND_BACK: _t("Send back…"),
        }
        tips = {
            rules.APPROVE: _t(
                "Approve the inspection; head office reviews it if its tier, flags or the sample say so"
            ),
            rules.RETURN: _t(
                "Return it to the client manager for rework (a reason and a comment are required)"
            ),
            rules.REJECT: _t("Not a valid inspection: its task stays open (a comment is required)"),
            rules.ESCALATE: _t("Hand the decision to head office"),
            rules.CONFIRM: _t("Confirm the branch's decision"),
            rules.SEND_BACK: _t(
                "Send it back to the branch approver to decide again (a comment is required)"
            ),
        }
        # read-only roles get no decision buttons at all, only the note saying so
        actions = {rules.BRANCH: rules.BRANCH_ACTIONS, rules.HEAD: rules.HEAD_ACTIONS}.get(
            self.level or "", ()
        )
        for action in actions:
            key = QKeySequence(SHORTCUTS[action]).toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(f"{labels[action]}  {key}")
            button.setToolTip(f"{tips[action]} ({key})")
            button.clicked.connect(lambda _c=False, a=action: self.decide_selected(a))
            row.addWidget(button)
            self.buttons[action] = button
        row.addStretch(1)
        self.order_button: QPushButton | None = None
        if self.user.role == "HEAD_RISK":
            self.order_button = QPushButton(_t("Supervision order…"))
            self.order_button.setToolTip(
                _t("Order the branch to act on this inspection: re-inspect, rectify or explain")
            )
            self.order_button.clicked.connect(self._order_selected)
            row.addWidget(self.order_button)
        self.open_button = QPushButton(_t("Open in Inspections"))
        self.open_button.setToolTip(_t("Show this inspection in the inspections list"))
        self.open_button.clicked.connect(self._open_in_inspections)
        row.addWidget(self.open_button)
        outer.addLayout(row)
        return bar

    def _build_shortcuts(self) -> None:
        self.shortcuts: dict[str, QShortcut] = {}
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        if self.can_decide:
            for action in self.buttons:
                shortcut = QShortcut(QKeySequence(SHORTCUTS[action]), self)
                shortcut.setContext(context)
                shortcut.activated.connect(lambda a=action: self.decide_selected(a))
                self.shortcuts[action] = shortcut
            if self.level == rules.BRANCH:
                enter = QShortcut(QKeySequence("Ctrl+Return"), self)
                enter.setContext(context)
                enter.activated.connect(lambda: self.decide_selected(rules.APPROVE))
                self.shortcuts["APPROVE_ENTER"] = enter
        for keys, step in (("J", 1), ("K", -1)):
            move = QShortcut(QKeySequence(keys), self)
            move.setContext(context)
            move.activated.connect(lambda s=step: self.move_selection(s))
            self.shortcuts[keys] = move

    def _save_header(self, *_args: Any) -> None:
        self.prefs.set_window_state("approvals/header", self.table.horizontalHeader().saveState())

    def _columns(self) -> list[Column]:
        return [
            Column(
                "due",
                lambda: _t("Deadline"),
                _due_day,
                "waiting_since",
                width=90,
                tooltip=_due_tip,
                foreground=lambda r: _OVERDUE if r.overdue else None,
            ),
            Column(
                "waiting",
                lambda: _t("Waiting since"),
                lambda r: local_time(r.waiting_since),
                "submitted_at",
                width=120,
                tooltip=lambda r: _t("Submitted {time}").format(time=local_time(r.submitted_at)),
            ),
            Column(
                "customer",
                lambda: _t("Customer"),
                lambda r: r.customer_name,
                "customer_name",
                width=200,
                tooltip=lambda r: f"{r.customer_no} {r.customer_name}",
            ),
            Column(
                "tier",
                lambda: _t("Tier"),
                lambda r: tier_name(r.tier) if r.tier else "",
                "tier_rank",
                width=60,
                foreground=lambda r: _TIER_QCOLOURS.get(r.tier or ""),
            ),
            Column("kind", lambda: _t("Kind"), lambda r: kind_name(r.kind), width=70),
            Column("inspector", lambda: _t("Inspector"), lambda r: r.inspector_name, width=75),
            Column(
                "flags",
                lambda: _t("Flags"),
                _flags_text,
                width=75,
                tooltip=lambda r: (
                    _t("{n} authenticity flags, {high} of high severity").format(n=r.flags, high=r.high_flags)
                    if r.flags
                    else None
                ),
                foreground=lambda r: _HIGH if r.high_flags else None,
            ),
            Column(
                "state",
                lambda: _t("State"),
                lambda r: state_name(r.state),
                width=160,
                tooltip=lambda r: (
                    _t("Not yours to decide: you took part in it or manage the customer (four-eyes)")
                    if r.own
                    else None
                ),
                foreground=lambda r: _MUTED if r.own else None,
            ),
            Column("revision", lambda: _t("Revision"), _revision_text, width=105),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=90),
        ]

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.approvals import load_settings
            from data.queries import filter_choices

            return filter_choices(session, scope)[0], load_settings(session)

        self.runner.read(load, self._show_choices, label="approval queue choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        branches, self._settings = choices
        self.filter_bar.set_choices("branch_code", [(c.value, c.label) for c in branches])
        self.filter_bar.set_values(self._bar_values())

    def _bar_values(self) -> dict[str, Any]:
        values = dict(self._filters)
        if values.get("stage") == ALL_STAGES:
            values["stage"] = None
        return values

    def _on_filters(self, values: dict[str, Any]) -> None:
        self._filters = {k: v for k, v in values.items() if v}
        if "stage" in self.filter_bar.combos and not self._filters.get("stage"):
            self._filters["stage"] = ALL_STAGES
        self.state_changed.emit(self.query())
        self.reload()

    def query(self) -> str:
        values = dict(self._filters)
        if values.get("stage") == self._defaults().get("stage", ALL_STAGES):
            values.pop("stage")
        return filters_to_query(values)

    def open_query(self, query: str) -> None:
        """Open the queue already filtered: ``approvals?stage=BRANCH&overdue=1&tier=RED``;
        ``inspection=ID`` also selects that inspection when it is in the queue."""
        self._filters = {**self._defaults(), **filters_from_query(query)}
        if self.user.role == "BRANCH_APPROVER":
            self._filters.pop("stage", None)
        self.filter_bar.set_values(self._bar_values())
        wanted = dict(parse_qsl(query.partition("?")[2])).get("inspection", "")
        self._keep_id = int(wanted) if wanted.isdigit() else None
        self.state_changed.emit(self.query())
        self.reload()

    def _filter(self) -> Any:
        from data.approvals import QueueFilter

        f = self._filters
        stage = f.get("stage")
        if self.user.role == "BRANCH_APPROVER":
            stage = rules.BRANCH
        elif stage == ALL_STAGES:
            stage = None
        return QueueFilter(
            stage=stage,
            branch_code=f.get("branch_code"),
            tier=f.get("tier"),
            overdue=bool(f.get("overdue")),
            flagged=f.get("flagged"),
            text=f.get("text"),
        )

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _read_page(self, session: Any, scope: Any, flt: Any, **kwargs: Any) -> Any:
        from data.approvals import queue_page

        return queue_page(session, scope, flt, viewer=self.user.employee_no, **kwargs)

    @staticmethod
    def _read_count(session: Any, scope: Any, flt: Any) -> int:
        from data.approvals import queue_count

        return queue_count(session, scope, flt)

    def reload(self) -> None:
        row = self.selected_row()
        if row is not None and self._keep_id is None:
            self._keep_id = row.id
        self.pages.reload()

    def _on_counted(self, n: int | None) -> None:
        self._waiting = n
        if n is None:
            self._overdue = None
            token = self._overdue_latest.next()
            scope = self.user.scope
            flt = self._filter()

            def load(session: Any) -> int:
                from dataclasses import replace

                from data.approvals import queue_count

                return queue_count(session, scope, replace(flt, overdue=True))

            def done(m: int) -> None:
                if self._overdue_latest.is_current(token):
                    self._overdue = m
                    self._show_count()

            self.runner.read(load, done, label="overdue approvals", owner=self)
        self._show_count()

    def _show_count(self) -> None:
        n, m = self._waiting, self._overdue
        if n is None or m is None:
            self.count_label.setText(_t("Counting…"))
            return
        loc = QLocale()
        text = _t("{n} waiting, {m} overdue").format(n=loc.toString(n), m=loc.toString(m))
        self.count_label.setText(text)
        self.count_label.setStyleSheet("color: #c62828;" if m else "")

    def _on_first_page(self, rows: Any) -> None:
        keep, self._keep_id = self._keep_id, None
        if not rows:
            self.preview.summary.setHtml(
                "<p style='color:#2e7d32; font-size:11pt'>"
                + html.escape(_t("Nothing is waiting here: the queue is clear."))
                + "</p>"
            )
            return
        index = self.model.index_of(keep) if keep is not None else None
        self.select_row(index or 0)

    def _on_changed(self, changes: Changes) -> None:
        mine = next((i for i, c in enumerate(self._own_changes) if c is changes), None)
        if mine is not None:
            del self._own_changes[mine]  # this screen already shows its own decision
            return
        if changes.tables & {
            "inspections",
            "inspection_decisions",
            "inspection_flags",
            "customers",
            "health_scores",
            "branches",
            "staff",
        }:
            self.preview.forget_scene()
            self.reload()

    # -- selection and preview ----------------------------------------------------------------

    def selected_row(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or not (0 <= index.row() < self.model.rowCount()):
            return None
        return self.model.row_at(index.row())

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def move_selection(self, step: int) -> None:
        """J/K: the next or previous row (more is fetched at the end of the loaded rows)."""
        current = self.table.currentIndex().row()
        target = 0 if current < 0 else current + step
        if target >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        self.select_row(max(0, min(target, self.model.rowCount() - 1)))

    def _on_row(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            self._on_row_gone()
            return
        row = self.model.row_at(current.row())
        self._update_decision_bar()
        self._show_heading(row)
        self.preview.show_inspection(row.id)
        self._load_extras(row)

    def _on_row_gone(self) -> None:
        if self.selected_row() is None:
            self.preview.clear()
            self.history.clear()
            self.heading.setText("")
            self._update_decision_bar()

    def _show_heading(self, row: Any) -> None:
        e = html.escape
        due = _due_tip(row)
        colour = "#c62828" if row.overdue else "#555"
        tier = tier_name(row.tier) if row.tier else _t("No tier yet")
        tier_colour = TIER_COLOURS.get(row.tier or "", "#555")
        parts = [
            f"<b>{e(row.customer_name)}</b> ({e(row.customer_no)})",
            f"<span style='color:{tier_colour}'>{e(tier)}</span>",
            e(state_name(row.state)),
            f"<span style='color:{colour}'>{e(due)}</span>",
        ]
        if row.revision > 1:
            parts.append(e(_revision_text(row)))
        self.heading.setText(" · ".join(parts))

    def _load_extras(self, row: Any) -> None:
        """The decision history of the bundle and, for a resubmission of a returned
        revision, what changed since."""
        token = self._extras_latest.next()
        scope, inspection_id, bundle_id = self.user.scope, row.id, row.bundle_id
        self.history.clear()
        self.preview.set_banner(None)

        def load(session: Any) -> Any:
            from data.approvals import decision_history, returned_revision

            history = decision_history(session, bundle_id)
            before_id = returned_revision(session, inspection_id)
            changes = None
            if before_id is not None:
                from data.queries import compare_revisions, inspection_detail

                before = inspection_detail(session, before_id, scope)
                after = inspection_detail(session, inspection_id, scope)
                changes = (before, after, compare_revisions(before, after))
            return history, before_id, changes

        def done(result: Any) -> None:
            if self._extras_latest.is_current(token):
                self._show_extras(inspection_id, *result)

        self.runner.read(load, done, label="approval history", owner=self)

    def _reason_label(self, code: str | None) -> str:
        if not code:
            return ""
        reason = self._settings.reason(code)
        if reason is None:
            return code
        return reason.en if self.prefs.get(LANGUAGE) == "en" else reason.zh

    def _show_extras(self, inspection_id: int, history: Any, before_id: int | None, changes: Any) -> None:
        self.history.clear()
        for d in reversed(history):
            decision = decided_name(d.action)
            if d.review_reasons:
                decision += " (" + ", ".join(review_reason_name(r) for r in d.review_reasons) + ")"
            item = QTreeWidgetItem(
                [
                    local_time(d.at),
                    d.actor_name,
                    decision,
                    str(d.revision),
                    self._reason_label(d.reason_code),
                    d.comment,
                ]
            )
            item.setToolTip(1, d.actor)
            item.setToolTip(5, d.comment)
            self.history.addTopLevelItem(item)
        self.preview.tabs.setTabText(
            self.history_tab, _t("Decisions ({n})").format(n=len(history)) if history else _t("Decisions")
        )
        if before_id is None or changes is None:
            return
        before, after, diff = changes
        e = html.escape
        returned = next(
            (d for d in reversed(history) if d.inspection_id == before_id and d.action == rules.RETURN), None
        )
        lines = [
            "<b>"
            + e(
                _t("Resubmission {n}: what changed since the returned revision {m}").format(
                    n=after.revision, m=before.revision
                )
            )
            + "</b>"
        ]
        if returned is not None:
            why = self._reason_label(returned.reason_code)
            lines.append(
                e(
                    _t("Returned {time} by {name}: {reason} — {comment}").format(
                        time=local_time(returned.at),
                        name=returned.actor_name,
                        reason=why,
                        comment=returned.comment,
                    )
                )
            )
        counts = []
        if diff.answers:
            counts.append(_t("{n} checklist answers").format(n=len(diff.answers)))
        if diff.conclusion:
            counts.append(_t("{n} conclusion fields").format(n=len(diff.conclusion)))
        if diff.photos_added:
            counts.append(_t("{n} photos added").format(n=len(diff.photos_added)))
        if diff.photos_removed:
            counts.append(_t("{n} photos removed").format(n=len(diff.photos_removed)))
        changed = ", ".join(counts) if counts else _t("nothing changed")
        link = f"compare:{before_id}:{inspection_id}"
        lines.append(f"{e(_t('Changed'))}: {e(changed)} · <a href='{link}'>{e(_t('Show the changes'))}</a>")
        self.preview.set_banner("<br>".join(lines))

    def _order_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_requested.emit(
                "orders?" + urlencode({"new": 1, "customer_no": row.customer_no, "inspection_id": row.id})
            )

    def _open_in_inspections(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_requested.emit(
                "inspections?" + urlencode({"customer_no": row.customer_no, "inspection": row.id})
            )

    # -- deciding ---------------------------------------------------------------------------

    def allowed(self, row: Any) -> tuple[str, ...]:
        """What the user may do with the row now (the rules' answer, comments aside)."""
        if row is None or not self.can_decide:
            return ()
        case = rules.Case(row.state, row.branch_code, row.inspector_no, row.companion_no, row.manager_no)
        return rules.allowed_actions(self._decider(), case)

    def _why_not(self, row: Any) -> str:
        """Why no decision button is enabled on the row, in words."""
        if not self.can_decide:
            return _t("Read only: your role decides nothing.")
        action = rules.APPROVE if row.state in rules.BRANCH_PENDING else rules.CONFIRM
        case = rules.Case(row.state, row.branch_code, row.inspector_no, row.companion_no, row.manager_no)
        try:
            rules.check_decision(self._decider(), case, action, comment="-", reason_code="-")
        except rules.DecisionRefused as refused:
            return refusal_text(refused.code, dict(refused.params))
        return ""

    def _update_decision_bar(self) -> None:
        row = self.selected_row()
        allowed = () if self._busy else self.allowed(row)
        for action, button in self.buttons.items():
            button.setVisible(self.can_decide)
            button.setEnabled(action in allowed)
        self.open_button.setEnabled(row is not None)
        if self.order_button is not None:
            self.order_button.setEnabled(row is not None)
        if row is None:
            note = "" if self.can_decide else _t("Read only: your role decides nothing.")
        elif self._busy:
            note = _t("Saving…")
        elif not allowed:
            note = self._why_not(row)
        else:
            note = ""
        self.decision_note.setText(note)
        self.decision_note.setVisible(bool(note))

    def _reason_choices(self) -> list[tuple[str, str]]:
        english = self.prefs.get(LANGUAGE) == "en"
        return [(r.code, r.en if english else r.zh) for r in self._settings.reason_codes]

    def ask_decision(self, action: str, row: Any) -> tuple[str, str] | None:
        """The comment and reason code for a decision that needs them (None: cancelled)."""
        reasons = self._reason_choices() if action in rules.REASON_REQUIRED else []
        dialog = DecisionDialog(action, row, reasons, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.comment(), dialog.reason_code()
        finally:
            dialog.deleteLater()

    def decide_selected(self, action: str) -> None:
        row = self.selected_row()
        if row is None or self._busy or action not in self.allowed(row):
            return
        comment, reason = "", ""
        if action in rules.COMMENT_REQUIRED:
            answer = self.ask_decision(action, row)
            if answer is None:
                return
            comment, reason = answer
        self.decide(row, action, comment=comment, reason_code=reason)

    def decide(self, row: Any, action: str, *, comment: str = "", reason_code: str = "") -> None:
        """Write one decision on the row as the user saw it (its state version); then show
        the row as it is now, or drop it when it no longer waits here, and select the next."""
        user, scope = self.user, self.user.scope
        changes = Changes(DECISION_TABLES, (row.id,), f"approval {action}")
        self._own_changes.append(changes)
        self._busy = True
        self._update_decision_bar()

        def write(session: Any) -> Any:
            from data.approvals import decide, queue_row

            result = decide(
                session,
                user,
                row.id,
                action,
                expected_version=row.version,
                comment=comment,
                reason_code=reason_code,
            )
            return (result, queue_row(session, scope, row.id, viewer=user.employee_no)), changes

        def done(result: Any) -> None:
            self._busy = False
            _decision, fresh = result
            self._after_decision(row.id, fresh)
            self.decided.emit(row.id, action)

        def failed(error: BaseException) -> None:
            self._busy = False
            self._own_changes = [c for c in self._own_changes if c is not changes]
            self._decision_failed(error)

        self.runner.write(write, done, failed, label="approval decision", owner=self)

    def _still_waiting_here(self, row: Any) -> bool:
        """Whether the queue as filtered still holds the row (its stage did not change)."""
        stage = self._filter().stage
        states = {rules.BRANCH: rules.BRANCH_PENDING, rules.HEAD: rules.HEAD_PENDING}.get(
            stage, rules.PENDING
        )
        return row is not None and row.state in states

    def _after_decision(self, inspection_id: int, fresh: Any) -> None:
        index = self.model.index_of(inspection_id)
        if index is None:
            self._update_decision_bar()
            return
        if self._still_waiting_here(fresh):
            self.model.replace_row(index, fresh)
            self.select_row(min(index + 1, self.model.rowCount() - 1))
        else:
            was_overdue = self.model.row_at(index).overdue
            self.model.remove_row(index)
            if self._waiting:
                self._waiting -= 1
            if self._overdue and was_overdue:
                self._overdue -= 1
            if self.model.rowCount() == 0 and not self.model.exhausted:
                self.reload()  # every loaded row decided: the next page is the queue now
            self.select_row(min(index, self.model.rowCount() - 1))
            self._show_count()
        self._update_decision_bar()

    def _decision_failed(self, error: BaseException) -> None:
        from data.approvals import DecisionConflict, NotCurrent, UnknownInspection

        if isinstance(error, DecisionConflict):
            if error.actor:
                text = _t(
                    "{name} already decided this ({action}) at {time}; the queue has been refreshed."
                ).format(
                    name=error.actor_name or error.actor,
                    action=decided_name(error.action),
                    time=local_time(error.at),
                )
            else:
                text = _t("Someone else changed this inspection meanwhile; the queue has been refreshed.")
            self.tell(_t("Already decided"), text)
            self.reload()
        elif isinstance(error, NotCurrent | UnknownInspection):
            self.tell(
                _t("Not decided"),
                _t("This revision was replaced by a newer one; the queue has been refreshed."),
            )
            self.reload()
        elif isinstance(error, rules.DecisionRefused):
            self.tell(_t("Not decided"), refusal_text(error.code, dict(error.params)))
            self._update_decision_bar()
        else:
            self._update_decision_bar()
            self.runner.report_error(error, "approval decision")

    def tell(self, title: str, text: str) -> None:
        """Tell the user something (a conflict, a batch outcome) without blocking the queue."""
        self.message = text
        if self._box is not None:
            self._box.close()
            self._box.deleteLater()
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        box.finished.connect(lambda _r: self.table.setFocus())
        self._box = box
        box.open()

    # -- batch approval -------------------------------------------------------------------------

    def plain_rows(self) -> list[Any]:
        """The loaded rows that qualify for batch approval and are the user's to approve."""
        return [
            r
            for r in self.model.rows()
            if r.batch_approvable and not r.own and rules.APPROVE in self.allowed(r)
        ]

    def confirm_batch(self, rows: Sequence[Any]) -> bool:
        dialog = BatchDialog(rows, self)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def batch_approve_plain(self) -> None:
        if self.level != rules.BRANCH or self._busy:
            return
        rows = self.plain_rows()
        if not rows:
            self.tell(
                _t("Approve plain cases"),
                _t("None of the loaded inspections is a plain case (no flag, tier NORMAL or BLUE)."),
            )
            return
        if not self.confirm_batch(rows):
            return
        user = self.user
        items = [(r.id, r.version) for r in rows]
        changes = Changes(DECISION_TABLES, tuple(i for i, _v in items), "batch approval")
        self._own_changes.append(changes)  # reloaded below, once
        self._busy = True
        self._update_decision_bar()

        def write(session: Any) -> Any:
            from data.approvals import batch_approve

            outcome = batch_approve(session, user, items)
            return outcome, changes

        def done(outcome: Any) -> None:
            self._busy = False
            self._own_changes = [c for c in self._own_changes if c is not changes]
            self.tell(_t("Approve plain cases"), self.batch_text(outcome))
            self.reload()

        def failed(error: BaseException) -> None:
            self._busy = False
            self._own_changes = [c for c in self._own_changes if c is not changes]
            self._update_decision_bar()
            self.runner.report_error(error, "batch approval")

        self.runner.write(write, done, failed, label="batch approval", owner=self)

    @staticmethod
    def batch_text(outcome: Any) -> str:
        """ "N approved, M skipped (why)"."""
        n, m = len(outcome.approved), len(outcome.skipped)
        if not m:
            return _t("{n} approved, none skipped.").format(n=n)
        why: dict[str, int] = {}
        for _id, code, _exc in outcome.skipped:
            text = refusal_text(code)
            why[text] = why.get(text, 0) + 1
        reasons = "; ".join(f"{text} ({count})" for text, count in why.items())
        return _t("{n} approved, {m} skipped ({why}).").format(n=n, m=m, why=reasons)

    # -- shell hooks -------------------------------------------------------------------------

    def refresh_map_provider(self) -> None:
        self.preview.refresh_map_provider()

    def retranslate(self) -> None:
        self.model.retranslate()
        self.preview.retranslate()
        row = self.selected_row()
        if row is not None:
            self._show_heading(row)
        self._update_decision_bar()
        self._show_count()
