"""The approval queue screen: what each role sees, deciding from the keyboard, the comment
and reason a return needs, batch approval of plain cases, the message when someone else
decided first, head-office review, read-only auditors and four-eyes rows.

The examples hold three inspections in 0311's sub-branches (ids 1 to 3, all submitted).
The fixture scores the customers and makes two of them plain cases: C0001001 NORMAL and
C0001002 BLUE without flags; C0001000 is RED and keeps its flags."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import delete, select, update

from data.models import AuditEvent, HealthScore, Inspection, InspectionDecision, InspectionFlag
from data.rules import approval as r

TIERS = {"C0001000": "RED", "C0001001": "NORMAL", "C0001002": "BLUE"}
PLAIN = ("C0001001", "C0001002")


@pytest.fixture
def queue_db(examples_db: Any) -> Any:
    from data.approvals import load_settings, save_settings
    from data.health import run_health_check

    run_health_check(examples_db)
    with examples_db.write_session() as s:
        for customer, tier in TIERS.items():
            s.execute(update(HealthScore).where(HealthScore.customer_no == customer).values(tier=tier))
        plain = select(Inspection.id).where(Inspection.customer_no.in_(PLAIN))
        s.execute(delete(InspectionFlag).where(InspectionFlag.inspection_id.in_(plain)))
        # no random sample: whether head office reviews an approval depends on tier and flags
        save_settings(s, dataclasses.replace(load_settings(s), sample_rate=0.0), "H0001")
    return examples_db


@pytest.fixture
def ids(queue_db: Any) -> dict[str, int]:
    """Customer number → its (current) inspection id."""
    with queue_db.read_session() as s:
        return {c: i for i, c in s.execute(select(Inspection.id, Inspection.customer_no)).all()}


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(
        lambda: view.runner.running() == 0 and not view.model.loading and not view._busy, timeout=20_000
    )


def _open(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.approvals import ApprovalsView

    view = ApprovalsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1500, 850)
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    _settle(qtbot, view)
    return view


def _ids(view: Any) -> list[int]:
    return [row.id for row in view.model.rows()]


def _select(qtbot: Any, view: Any, inspection_id: int) -> Any:
    view.select_row(_ids(view).index(inspection_id))
    _settle(qtbot, view)
    view.table.setFocus()
    row = view.selected_row()
    assert row.id == inspection_id
    return row


def _state(db: Any, inspection_id: int) -> tuple[str, int]:
    with db.read_session() as s:
        row = s.execute(
            select(Inspection.state, Inspection.state_version).where(Inspection.id == inspection_id)
        ).one()
    return row[0], row[1]


def _audited(db: Any, inspection_id: int, action: str) -> bool:
    with db.read_session() as s:
        return (
            s.execute(
                select(AuditEvent.id).where(
                    AuditEvent.entity_type == "inspection",
                    AuditEvent.entity_id == str(inspection_id),
                    AuditEvent.action == f"INSPECTION_{action}",
                )
            ).first()
            is not None
        )


def _decide_elsewhere(db: Any, user: Any, inspection_id: int, action: str, **kw: Any) -> None:
    """Another desktop decides: its own session, straight to the database."""
    from data.approvals import decide

    with db.write_session() as s:
        decide(s, user, inspection_id, action, **kw)


def test_a_branch_approver_sees_their_branch_waiting_rows_only(
    qtbot: Any, qtmodeltester: Any, runner: Any, user_for: Any, prefs: Any, ids: dict[str, int]
) -> None:
    view = _open(qtbot, runner, user_for("A0311"), prefs)
    assert sorted(_ids(view)) == sorted(ids.values())
    assert {row.state for row in view.model.rows()} == {r.SUBMITTED}
    assert {row.branch_code for row in view.model.rows()} <= set(user_for("A0311").scope)
    assert "stage" not in view.filter_bar.combos  # a branch approver has one stage
    assert view.count_label.text() == "3 waiting, 3 overdue"  # the examples were submitted weeks ago
    assert view.selected_row() is not None  # the first row is selected and previewed
    qtbot.waitUntil(lambda: view.preview.detail is not None, timeout=10_000)
    assert view.buttons[r.APPROVE].isEnabled()
    assert r.CONFIRM not in view.buttons
    due = next(i for i, c in enumerate(view.model.columns()) if c.key == "due")
    index = view.model.index(0, due)
    assert view.model.data(index, Qt.ItemDataRole.ToolTipRole).startswith("Overdue since")
    assert view.model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    qtmodeltester.check(view.model)

    other = _open(qtbot, runner, user_for("A0315"), prefs)  # 唐山: nothing of 0311's
    assert other.model.rowCount() == 0
    assert other.count_label.text() == "0 waiting, 0 overdue"


def test_alt_a_approves_the_selected_row_and_moves_to_the_next(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int]
) -> None:
    view = _open(qtbot, runner, user_for("A0311"), prefs)
    order = _ids(view)
    first = _select(qtbot, view, order[0])
    with qtbot.waitSignal(view.decided, timeout=10_000) as decided:
        qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert decided.args == [first.id, r.APPROVE]
    _settle(qtbot, view)
    assert _ids(view) == order[1:]  # no longer waiting for the branch: dropped
    assert view.selected_row().id == order[1]  # the next one is up
    assert view.count_label.text() == "2 waiting, 2 overdue"
    state, version = _state(queue_db, first.id)
    assert version == 1
    assert state in (r.APPROVED, r.CLOSED)
    assert _audited(queue_db, first.id, r.APPROVE)
    # J and K step through the rows
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    assert view.selected_row().id == order[1]
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.selected_row().id == order[2]


def test_return_needs_a_comment_and_a_reason_code(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int], monkeypatch: Any
) -> None:
    from views.approvals import DecisionDialog

    view = _open(qtbot, runner, user_for("A0311"), prefs)
    target = _select(qtbot, view, ids["C0001000"])
    seen: dict[str, Any] = {}

    def fill(dialog: DecisionDialog) -> int:
        seen["blank"] = dialog.ok_button.isEnabled()
        dialog.comment_edit.setPlainText("   ")
        seen["spaces"] = dialog.ok_button.isEnabled()
        dialog.comment_edit.setPlainText("门头照片看不清，请重拍")
        seen["no reason"] = dialog.ok_button.isEnabled()
        seen["reasons"] = [dialog.reason_combo.itemData(i) for i in range(dialog.reason_combo.count())]
        dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("PHOTOS"))
        seen["ready"] = dialog.ok_button.isEnabled()
        seen["label"] = dialog.reason_combo.currentText()
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(DecisionDialog, "exec", fill)
    with qtbot.waitSignal(view.decided, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, view)
    assert seen["blank"] is False
    assert seen["spaces"] is False
    assert seen["no reason"] is False
    assert seen["ready"] is True
    assert seen["reasons"] == [rc.code for rc in r.DEFAULT_REASON_CODES]
    assert seen["label"] == "照片缺失或不清晰"  # the UI language is Chinese by default
    assert _state(queue_db, target.id) == (r.RETURNED, 1)
    with queue_db.read_session() as s:
        decision = s.execute(
            select(InspectionDecision).where(InspectionDecision.inspection_id == target.id)
        ).scalar_one()
    assert (decision.action, decision.reason_code, decision.comment) == (
        r.RETURN,
        "PHOTOS",
        "门头照片看不清，请重拍",
    )
    assert _audited(queue_db, target.id, r.RETURN)
    assert target.id not in _ids(view)

    # cancelled: nothing is written
    monkeypatch.setattr(DecisionDialog, "exec", lambda dialog: int(QDialog.DialogCode.Rejected))
    other = view.selected_row()
    view.decide_selected(r.REJECT)
    _settle(qtbot, view)
    assert _state(queue_db, other.id) == (r.SUBMITTED, 0)


def test_batch_approval_lists_only_plain_cases_and_approves_them(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int], monkeypatch: Any
) -> None:
    from views.approvals import BatchDialog

    view = _open(qtbot, runner, user_for("A0311"), prefs)
    listed: list[list[str]] = []

    def confirm(dialog: BatchDialog) -> int:
        tree = dialog.list
        listed.extend(
            [tree.topLevelItem(i).text(c) for c in range(4)] for i in range(tree.topLevelItemCount())
        )
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(BatchDialog, "exec", confirm)
    view.batch_button.click()
    _settle(qtbot, view)
    qtbot.waitUntil(lambda: view.message != "", timeout=10_000)
    _settle(qtbot, view)
    plain = {ids[c] for c in PLAIN}
    assert sorted(row[0] for row in listed) == sorted(
        ["石家庄泰宇农业科技有限公司", "石家庄盛茂机械制造有限公司"]
    )
    assert sorted(row[1] for row in listed) == ["Blue", "Normal"]
    for inspection_id in plain:
        assert _state(queue_db, inspection_id) == (r.CLOSED, 1)  # plain: no head-office review
        assert _audited(queue_db, inspection_id, r.APPROVE)
    assert _state(queue_db, ids["C0001000"]) == (r.SUBMITTED, 0)
    assert view.message == "2 approved, none skipped."
    assert _ids(view) == [ids["C0001000"]]


def test_batch_approval_says_what_was_skipped(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int], monkeypatch: Any
) -> None:
    from views.approvals import BatchDialog

    view = _open(qtbot, runner, user_for("A0311"), prefs)
    # another desktop escalates one of the plain cases after this queue loaded
    _decide_elsewhere(queue_db, user_for("A0311"), ids["C0001001"], r.ESCALATE, expected_version=0)
    monkeypatch.setattr(BatchDialog, "exec", lambda dialog: int(QDialog.DialogCode.Accepted))
    view.batch_approve_plain()
    qtbot.waitUntil(lambda: view.message != "", timeout=10_000)
    _settle(qtbot, view)
    assert view.message == "1 approved, 1 skipped (decided by someone else meanwhile (1))."
    assert _state(queue_db, ids["C0001002"]) == (r.CLOSED, 1)


def test_someone_else_deciding_first_is_told_and_the_queue_refreshed(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int]
) -> None:
    approver = user_for("A0311")
    view = _open(qtbot, runner, approver, prefs)
    target = _select(qtbot, view, ids["C0001000"])
    _decide_elsewhere(queue_db, approver, target.id, r.ESCALATE, expected_version=0)
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.message != "", timeout=10_000)
    _settle(qtbot, view)
    assert view.message.startswith(f"{approver.name} already decided this (escalated to head office) at ")
    assert view.message.endswith("; the queue has been refreshed.")
    assert _state(queue_db, target.id) == (r.ESCALATED, 1)  # exactly one decision taken
    assert target.id not in _ids(view)
    assert sorted(_ids(view)) == sorted(ids[c] for c in PLAIN)


def test_head_office_reviews_escalated_and_approved_rows(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int], monkeypatch: Any
) -> None:
    from views.approvals import DecisionDialog

    approver = user_for("A0311")
    _decide_elsewhere(queue_db, approver, ids["C0001001"], r.ESCALATE)
    _decide_elsewhere(queue_db, approver, ids["C0001000"], r.APPROVE)  # RED: head office reviews
    assert _state(queue_db, ids["C0001000"]) == (r.APPROVED, 1)
    view = _open(qtbot, runner, user_for("H0001"), prefs)
    assert sorted(_ids(view)) == sorted([ids["C0001001"], ids["C0001000"]])
    assert view.query() == "approvals"  # head office's default: the head-office stage
    assert set(view.buttons) == {r.CONFIRM, r.SEND_BACK}
    assert not view.batch_button.isVisible()

    escalated = _select(qtbot, view, ids["C0001001"])
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1, timeout=10_000)
    assert view.history.topLevelItem(0).text(1) == approver.name
    assert view.buttons[r.CONFIRM].isEnabled()
    assert view.buttons[r.SEND_BACK].isEnabled()
    with qtbot.waitSignal(view.decided, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, view)
    assert _state(queue_db, escalated.id) == (r.CONFIRMED, 2)
    assert _audited(queue_db, escalated.id, r.CONFIRM)
    assert _ids(view) == [ids["C0001000"]]
    assert view.selected_row().id == ids["C0001000"]

    def comment(dialog: DecisionDialog) -> int:
        assert not dialog.ok_button.isEnabled()
        assert not dialog.reason_combo.isVisible()
        dialog.comment_edit.setPlainText("请核实经营地址")
        assert dialog.ok_button.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(DecisionDialog, "exec", comment)
    with qtbot.waitSignal(view.decided, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, view)
    assert _state(queue_db, ids["C0001000"]) == (r.REOPENED, 2)
    assert view.model.rowCount() == 0

    # the branch stage, read only for head office
    view.open_query("approvals?stage=BRANCH")
    _settle(qtbot, view)
    assert view.query() == "approvals?stage=BRANCH"
    assert ids["C0001000"] in _ids(view)
    _select(qtbot, view, ids["C0001000"])
    assert not any(b.isEnabled() for b in view.buttons.values())
    assert "read only" in view.decision_note.text()
    # head office can order the branch to act on what it sees
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    assert view.order_button is not None
    assert view.order_button.isEnabled()
    view.order_button.click()
    assert opened[-1] == f"orders?new=1&customer_no=C0001000&inspection_id={ids['C0001000']}"

    # and the branch approver finds it back in their queue, worded as head office's return
    branch = _open(qtbot, runner, approver, prefs)
    reopened = next(row for row in branch.model.rows() if row.id == ids["C0001000"])
    state = next(i for i, c in enumerate(branch.model.columns()) if c.key == "state")
    row = branch.model.rows().index(reopened)
    assert branch.model.data(branch.model.index(row, state)) == "Returned by head office"


def test_an_auditor_reads_every_pending_row_and_decides_nothing(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, ids: dict[str, int]
) -> None:
    view = _open(qtbot, runner, user_for("H0002"), prefs)
    assert sorted(_ids(view)) == sorted(ids.values())
    assert view.buttons == {}  # no decision buttons at all
    assert not view.batch_button.isVisible()
    assert view.decision_note.text() == "Read only: your role decides nothing."
    before = [row.state for row in view.model.rows()]
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, view)
    assert [row.state for row in view.model.rows()] == before


def test_a_four_eyes_row_cannot_be_approved_and_says_why(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int]
) -> None:
    own = ids["C0001002"]
    with queue_db.write_session() as s:  # the approver went along on this visit
        s.execute(update(Inspection).where(Inspection.id == own).values(companion_no="A0311"))
    view = _open(qtbot, runner, user_for("A0311"), prefs)
    row = _select(qtbot, view, own)
    assert row.own
    assert not view.buttons[r.APPROVE].isEnabled()
    assert "four-eyes" in view.decision_note.text()
    assert own not in [p.id for p in view.plain_rows()]  # not offered for batch approval either
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, view)
    assert _state(queue_db, own) == (r.SUBMITTED, 0)


def test_the_query_opens_the_queue_filtered(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, ids: dict[str, int]
) -> None:
    view = _open(qtbot, runner, user_for("H0001"), prefs)
    with qtbot.waitSignal(view.state_changed) as changed:
        view.open_query("approvals?stage=BRANCH&overdue=1&tier=RED")
    assert changed.args == ["approvals?stage=BRANCH&tier=RED&overdue=1"]
    _settle(qtbot, view)
    assert _ids(view) == [ids["C0001000"]]
    assert view.filter_bar.values()["tier"] == "RED"


def test_a_resubmission_shows_what_changed_since_the_returned_revision(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, queue_db: Any, ids: dict[str, int], tmp_path: Any
) -> None:
    from data.ingest.runner import Importer
    from tests.data._bundles import build_bundle

    approver = user_for("A0311")
    returned = ids["C0001001"]
    _decide_elsewhere(queue_db, approver, returned, r.RETURN, comment="门头照片不清", reason_code="PHOTOS")
    with queue_db.read_session() as s:
        bundle_id = s.execute(select(Inspection.bundle_id).where(Inspection.id == returned)).scalar_one()
    built = build_bundle(0, seed=500, bundle_id=bundle_id, revision=2, customer_no="C0001001")
    assert Importer(queue_db).run([str(built.write(tmp_path / "resubmit"))]).exit_code == 0
    with queue_db.read_session() as s:
        new_id = s.execute(
            select(Inspection.id).where(Inspection.bundle_id == bundle_id, Inspection.revision == 2)
        ).scalar_one()

    view = _open(qtbot, runner, approver, prefs)
    revision = next(i for i, c in enumerate(view.model.columns()) if c.key == "revision")
    row = _ids(view).index(new_id)
    assert view.model.data(view.model.index(row, revision)) == "Resubmission 2"
    _select(qtbot, view, new_id)
    qtbot.waitUntil(lambda: view.preview.banner.isVisibleTo(view), timeout=10_000)
    banner = view.preview.banner.text()
    assert "Resubmission 2: what changed since the returned revision 1" in banner
    assert "门头照片不清" in banner
    assert "照片缺失或不清晰" in banner  # the reason, worded in the UI language
    assert view.history.topLevelItemCount() == 1  # the return, on revision 1
    view.preview.banner.linkActivated.emit(f"compare:{returned}:{new_id}")
    assert view.preview.tabs.currentWidget() is view.preview.revisions_tab
    qtbot.waitUntil(lambda: "revision 2" in view.preview.changes.toPlainText(), timeout=10_000)
    assert view.preview.changes.toPlainText().startswith("Revision 1 → revision 2")
