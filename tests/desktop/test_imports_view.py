"""The imports screen: pulling (buttons, status), the history of runs with each run's files,
a second pull of the same files, a broken bundle in the quarantine, and who may pull."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidget

from data.db import Database
from views.imports import ImportsView
from widgets.labels import file_kind_name

RUN_COLUMNS = ["Started", "Finished", "By", "Status", "Files", "Rows imported", "Rejected", "Sources"]
FILE_COLUMNS = ["File", "Kind", "Status", "Imported", "Unchanged", "Rejected", "First errors"]


@pytest.fixture
def fresh_db(db: Database) -> Database:
    """A brand-new, empty database (schema only)."""
    return db


@pytest.fixture
def fresh_runner(make_runner: Any, fresh_db: Database) -> Any:
    return make_runner(fresh_db)


def _view(qtbot: Any, runner: Any, user: Any, prefs: Any) -> ImportsView:
    view = ImportsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=10_000)
    return view


def _column(table: QTableWidget, name: str) -> list[str]:
    headers = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    j = headers.index(name)
    return [table.item(i, j).text() for i in range(table.rowCount())]


def _pull(qtbot: Any, view: ImportsView, sources: list[str]) -> Any:
    with qtbot.waitSignal(view.pull_finished, timeout=60_000) as finished:
        view.start_import(sources)
        # while it runs: no second pull, but a way to cancel
        assert not view.pull_button.isEnabled()
        assert not view.folder_button.isEnabled()
        assert view.cancel_button.isEnabled()
    report = finished.args[0]
    assert view.pull_button.isEnabled()
    assert not view.cancel_button.isEnabled()
    return report


def _files_shown(qtbot: Any, view: ImportsView, report: Any) -> None:
    """Wait until the files table lists that run's files."""
    expected = sorted(f.path for f in report.files)
    qtbot.waitUntil(lambda: sorted(_column(view.files, "File")) == expected, timeout=10_000)
    qtbot.waitUntil(lambda: view.runner.running() == 0, timeout=10_000)


def test_a_pull_into_a_new_database_lists_the_run_and_its_files(
    qtbot: Any, fresh_runner: Any, user_for: Any, prefs: Any, examples_dir: Path
) -> None:
    view = _view(qtbot, fresh_runner, user_for("H0001"), prefs)
    assert view.runs.rowCount() == 0
    assert [view.runs.horizontalHeaderItem(j).text() for j in range(view.runs.columnCount())] == RUN_COLUMNS
    assert [
        view.files.horizontalHeaderItem(j).text() for j in range(view.files.columnCount())
    ] == FILE_COLUMNS

    report = _pull(qtbot, view, [str(examples_dir)])
    assert report.exit_code == 0
    summary = report.summary()
    assert summary["files"] == len(report.files) == 8  # 4 master files, 1 signals file, 3 bundles
    assert view.status.text() == (
        f"Finished: {summary['files']} files, {summary['imported']} imported, "
        f"{summary['unchanged']} unchanged, {summary['rejected']} rejected, "
        f"{summary['quarantined']} quarantined."
    )

    qtbot.waitUntil(lambda: view.runs.rowCount() == 1, timeout=10_000)
    assert _column(view.runs, "By") == ["H0001"]
    assert _column(view.runs, "Status") == ["done"]
    assert _column(view.runs, "Files") == ["8"]
    assert _column(view.runs, "Rejected") == ["0"]
    assert str(examples_dir) in _column(view.runs, "Sources")[0]
    assert _column(view.runs, "Finished")[0].startswith("20")

    _files_shown(qtbot, view, report)
    assert set(_column(view.files, "Status")) == {"imported"}
    kinds = dict(zip(_column(view.files, "File"), _column(view.files, "Kind"), strict=True))
    assert {kinds[f.path] for f in report.files if f.path.startswith("bundles/")} == {
        file_kind_name("bundle")
    }
    assert kinds["master/customers.csv"] == file_kind_name("customers") != "customers"
    imported = dict(zip(_column(view.files, "File"), _column(view.files, "Imported"), strict=True))
    assert imported["master/customers.csv"] == "6"
    assert set(_column(view.files, "First errors")) == {""}
    assert view.quarantine.rowCount() == 0


def test_pulling_the_same_files_again_shows_them_unchanged(
    qtbot: Any, fresh_runner: Any, user_for: Any, prefs: Any, examples_dir: Path
) -> None:
    view = _view(qtbot, fresh_runner, user_for("H0001"), prefs)
    first = _pull(qtbot, view, [str(examples_dir)])
    _files_shown(qtbot, view, first)
    assert set(_column(view.files, "Status")) == {"imported"}

    second = _pull(qtbot, view, [str(examples_dir)])
    assert second.exit_code == 0
    assert {f.status for f in second.files} == {"unchanged"}
    assert "0 imported, 8 unchanged" in view.status.text()
    qtbot.waitUntil(lambda: view.runs.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: view.runner.running() == 0, timeout=10_000)
    # newest run first, and it is the one selected
    assert view.runs.currentRow() == 0
    assert _column(view.runs, "Rows imported") == ["0", "34"]
    assert _column(view.runs, "Files") == ["8", "8"]
    # the files shown belong to the selected (second) run: none of them was imported by it.
    # (The importer records no per-file row for an unchanged file, so the list may be empty.)
    assert "imported" not in _column(view.files, "Status")
    assert set(_column(view.files, "Status")) <= {"unchanged"}


def test_a_truncated_bundle_is_rejected_into_the_quarantine(
    qtbot: Any, fresh_runner: Any, user_for: Any, prefs: Any, examples_dir: Path, tmp_path: Path
) -> None:
    view = _view(qtbot, fresh_runner, user_for("H0001"), prefs)
    good = sorted((examples_dir / "bundles").glob("*.zip"))[0]
    bad_folder = tmp_path / "bad"
    bad_folder.mkdir()
    data = good.read_bytes()
    (bad_folder / "truncated.zip").write_bytes(data[: len(data) // 2])

    report = _pull(qtbot, view, [str(bad_folder)])
    assert report.exit_code == 1
    assert [(f.path, f.status) for f in report.files] == [("truncated.zip", "rejected")]
    codes = {e.code for f in report.files for e in f.errors}
    assert "BAD_ZIP" in codes

    qtbot.waitUntil(lambda: view.quarantine.rowCount() == 1, timeout=10_000)
    assert _column(view.quarantine, "State") == ["rejected"]
    assert "truncated.zip" in _column(view.quarantine, "File")[0]
    assert _column(view.quarantine, "Reasons")[0] != ""
    _files_shown(qtbot, view, report)
    assert _column(view.files, "Status") == ["rejected"]
    assert _column(view.files, "First errors")[0] != ""
    assert "1 rejected" in view.status.text()


def test_pull_now_uses_the_configured_sources(
    qtbot: Any, fresh_runner: Any, user_for: Any, prefs: Any, examples_dir: Path
) -> None:
    from desktop.settings import SOURCES

    view = _view(qtbot, fresh_runner, user_for("H0001"), prefs)
    with qtbot.assertNotEmitted(view.pull_finished, wait=0):
        view.pull_button.click()
    assert "No sources configured" in view.status.text()

    master = examples_dir.parent / "master-only"
    shutil.copytree(examples_dir / "master", master)
    prefs.set(SOURCES, [str(master)])
    with qtbot.waitSignal(view.pull_finished, timeout=60_000) as finished:
        view.pull_button.click()
    assert sorted(f.path for f in finished.args[0].files) == [
        "branches.csv",
        "customers.csv",
        "loans.csv",
        "staff.csv",
    ]
    qtbot.waitUntil(lambda: view.runs.rowCount() == 1, timeout=10_000)
    assert str(master) in _column(view.runs, "Sources")[0]


@pytest.mark.parametrize(("employee", "may_pull"), [("H0001", True), ("H0002", False)])
def test_only_those_who_may_import_get_the_pull_buttons(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, employee: str, may_pull: bool
) -> None:
    view = _view(qtbot, runner, user_for(employee), prefs)
    assert view.pull_button.isEnabled() is may_pull
    assert view.folder_button.isEnabled() is may_pull
    assert view.retry_button.isEnabled() is may_pull
    # the history is there for everyone who has the screen (auditors read it)
    assert view.runs.rowCount() == 1
