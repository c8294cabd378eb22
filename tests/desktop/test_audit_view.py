"""The audit trail screen: the paged model, filters (and the URL-like state), the chain's
status (verified, then broken when an event is altered), the details pane, links to the
entity's screen, and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from data import audit
from data.models import AuditEvent


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _audit(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.audit import AuditView

    view = AuditView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.chain_status is not None, timeout=20_000)
    _settle(qtbot, view)
    return view


def _events(db: Any, **where: Any) -> list[int]:
    with db.read_session() as s:
        stmt = select(AuditEvent.id).order_by(AuditEvent.id.desc())
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(s.execute(stmt).scalars())


def test_model_passes_the_model_tester_and_shows_the_trail_newest_first(
    qtbot: Any, qtmodeltester: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    qtmodeltester.check(view.model)
    _settle(qtbot, view)
    assert [r.id for r in view.model.rows()] == _events(examples_db)
    assert view.count_label.text() == f"{len(_events(examples_db))} events"


def test_filter_by_action_shows_only_those_events(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    combo = view.filter_bar.combos["action"]
    index = combo.findData("SET_PASSWORD")
    assert index > 0, [combo.itemData(i) for i in range(combo.count())]
    assert combo.itemText(index) == "Password set"
    with qtbot.waitSignal(view.state_changed) as state:
        combo.setCurrentIndex(index)
    assert state.args == ["audit?action=SET_PASSWORD"]
    _settle(qtbot, view)
    expected = _events(examples_db, action="SET_PASSWORD")
    assert len(expected) == 4
    assert [r.id for r in view.model.rows()] == expected
    assert {r.action for r in view.model.rows()} == {"SET_PASSWORD"}


def test_open_query_and_dates(qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    view = _audit(qtbot, runner, user_for("H0001"), prefs)
    view.open_query("audit?actor=ADMIN&entity_id=A0311&time_from=2000-01-01")
    _settle(qtbot, view)
    assert view.query() == "audit?actor=ADMIN&entity_id=A0311&time_from=2000-01-01"
    assert view.filter_bar.combos["actor"].currentData() == "ADMIN"
    assert view.date_from.value() == dt.date(2000, 1, 1)
    assert view.filter_bar.pinned.isVisibleTo(view)
    assert [r.entity_id for r in view.model.rows()] == ["A0311"]
    # a day with nothing in it
    view.date_to.set_value(dt.date(2000, 1, 2))
    view.date_to.changed.emit()
    _settle(qtbot, view)
    assert view.model.rowCount() == 0
    assert "time_to=2000-01-02" in view.query()
    view.filter_bar.clear_button.click()
    _settle(qtbot, view)
    assert view.query() == "audit"
    assert view.model.rowCount() == len(_events(examples_db))


def test_chain_status_verified_then_broken(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    total = len(_events(examples_db))
    assert view.chain_status.ok
    assert view.chain_label.text().startswith(f"Chain verified: {total} events intact")
    assert "#1b5e20" in view.chain_label.styleSheet()

    # what an attacker with database rights would do: drop the guard, alter an event
    with examples_db.write_session() as s:
        on = " ON audit_events" if examples_db.dialect == "postgresql" else ""
        s.execute(text(f"DROP TRIGGER audit_events_no_update{on}"))
        s.execute(text('UPDATE audit_events SET details = \'{"why":"nothing"}\' WHERE id = 3'))
    with qtbot.waitSignal(view.verified, timeout=20_000) as verified:
        view.verify_button.click()
        assert view.chain_label.text() == "Verifying the hash chain…"
        assert not view.verify_button.isEnabled()
    status = verified.args[0]
    assert (status.ok, status.first_bad_id, status.problem, status.intact) == (False, 3, "hash", 2)
    assert view.chain_label.text().startswith("Chain broken at event #3: the event was changed")
    assert "#b71c1c" in view.chain_label.styleSheet()
    assert view.verify_button.isEnabled()


def test_details_pane_shows_the_event_escaped(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    with examples_db.write_session() as s:
        audit.append(s, "H0002", "TEST", "customer", "C0001000", {"note": "<b>粗体</b> & 客户"})
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    row = view.model.row_at(0)
    assert row.action == "TEST"
    view.table.selectRow(0)
    page = view.details.toPlainText()
    flat = page.replace("\n", "")
    assert "<b>粗体</b> & 客户" in page  # shown as text, not as markup
    assert row.hash in flat
    assert row.prev_hash in flat
    assert "TEST" in page


def test_double_click_opens_only_what_a_screen_understands(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from views.audit import opened_query

    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    imported = next(r for r in view.model.rows() if r.action == "IMPORT_BUNDLE")
    assert opened_query(imported) == f"inspections?inspection={imported.entity_id}"
    login = next(r for r in view.model.rows() if r.entity_type == "staff")
    assert opened_query(login) is None
    row = next(i for i, r in enumerate(view.model.rows()) if r.id == imported.id)
    with qtbot.waitSignal(view.open_requested) as opened:
        view._on_double_clicked(view.model.index(row, 2))
    assert opened.args == [f"inspections?inspection={imported.entity_id}"]


def test_export_writes_every_matching_event(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    target = tmp_path / "审计"
    monkeypatch.setattr(view, "_ask_export_path", lambda: str(target))
    with qtbot.waitSignal(view.exported, timeout=20_000) as exported:
        view.export_button.click()
    path, n = exported.args
    assert path == str(target) + ".csv"
    with examples_db.read_session() as s:
        # every event but the export's own, written in the export's transaction
        assert n == s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() - 1
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert (last.action, last.actor) == ("EXPORT", "H0002")
    assert view.status_label.text().startswith(f"Exported {n} events to ")
    assert view.export_button.isEnabled()
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Event"
    assert rows[0][-1] == "Exported by"  # the viewer's watermark, on every row
    assert all(r[-1].startswith("H0002 ") for r in rows[1:])
    assert len(rows) == n + 1
    assert [int(r[0]) for r in rows[1:]] == _events(examples_db)[1:]


def test_a_failed_export_says_so(
    qtbot: Any, make_runner: Any, examples_db: Any, user_for: Any, prefs: Any, tmp_path: Path
) -> None:
    runner = make_runner(examples_db)
    view = _audit(qtbot, runner, user_for("H0002"), prefs)
    with qtbot.waitSignal(runner.known_error, timeout=20_000):
        view.export_to(str(tmp_path / "no such folder" / "a.csv"))
    _settle(qtbot, view)
    assert view.status_label.text() == "The export failed; no file was written."
    assert view.export_button.isEnabled()
    assert not (tmp_path / "no such folder").exists()
    make_runner.errors_of(runner).clear()  # expected: reported to the shell as a known error


@pytest.mark.parametrize("employee", ["H0002", "H0001"])
def test_whole_bank_roles_see_every_actor(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any, employee: str
) -> None:
    view = _audit(qtbot, runner, user_for(employee), prefs)
    combo = view.filter_bar.combos["actor"]
    actors = {combo.itemData(i) for i in range(1, combo.count())}
    with examples_db.read_session() as s:
        assert actors == set(s.execute(select(AuditEvent.actor).distinct()).scalars())
