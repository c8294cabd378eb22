"""The imports screen: pull now (with progress and cancel), the history of runs with
per-file results, and the quarantine with each entry's reasons, retry and "show file"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDir, QLocale, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import SOURCES, Preferences
from desktop.tasks import Changes, TaskRunner
from widgets.labels import file_kind_name, local_time


def _t(text: str) -> str:
    return QCoreApplication.translate("Imports", text)


def file_status_name(status: str) -> str:
    return {
        "imported": _t("imported"),
        "unchanged": _t("unchanged"),
        "partial": _t("partial"),
        "rejected": _t("rejected"),
        "quarantined": _t("quarantined"),
    }.get(status, status)


def run_status_name(status: str) -> str:
    return {
        "DONE": _t("done"),
        "RUNNING": _t("running or interrupted"),
        "FAILED": _t("failed"),
        "CANCELLED": _t("cancelled"),
    }.get(status, status)


class _Relay(QObject):
    """Carries progress from the import thread to the GUI thread (queued signal)."""

    progressed = Signal(int, int, str)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


def _cell(text: str, numeric: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if numeric:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ImportsView(QWidget):
    pull_finished = Signal(object)  # the RunReport

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._importer: Any = None
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.pull_button = QPushButton(_t("Pull now"))
        self.pull_button.setToolTip(_t("Import from the sources configured in Settings"))
        self.folder_button = QPushButton(_t("Import a folder or file…"))
        self.cancel_button = QPushButton(_t("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.status = QLabel()
        for w in (self.pull_button, self.folder_button, self.cancel_button):
            bar.addWidget(w)
        bar.addWidget(self.progress, 1)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        self.sources_label = QLabel()
        self.sources_label.setWordWrap(True)
        layout.addWidget(self.sources_label)
        tabs = QTabWidget()
        history = QSplitter(Qt.Orientation.Vertical)
        self.runs = _table(
            [
                _t("Started"),
                _t("Finished"),
                _t("By"),
                _t("Status"),
                _t("Files"),
                _t("Rows imported"),
                _t("Rejected"),
                _t("Sources"),
            ]
        )
        self.runs.currentCellChanged.connect(lambda row, *_: self._load_files(row))
        self.files = _table(
            [
                _t("File"),
                _t("Kind"),
                _t("Status"),
                _t("Imported"),
                _t("Unchanged"),
                _t("Rejected"),
                _t("First errors"),
            ]
        )
        history.addWidget(self.runs)
        history.addWidget(self.files)
        tabs.addTab(history, _t("History"))
        quarantine = QWidget()
        ql = QVBoxLayout(quarantine)
        self.quarantine = _table(
            [
                _t("State"),
                _t("Bundle"),
                _t("Revision"),
                _t("File"),
                _t("Attempts"),
                _t("Last tried"),
                _t("Reasons"),
            ]
        )
        row = QHBoxLayout()
        self.retry_button = QPushButton(_t("Retry waiting bundles"))
        self.show_file_button = QPushButton(_t("Show file"))
        row.addWidget(self.retry_button)
        row.addWidget(self.show_file_button)
        row.addStretch(1)
        ql.addWidget(self.quarantine, 1)
        ql.addLayout(row)
        tabs.addTab(quarantine, _t("Quarantine"))
        self.tabs = tabs
        layout.addWidget(tabs, 1)
        self.pull_button.clicked.connect(self.pull_now)
        self.folder_button.clicked.connect(self._choose)
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button.clicked.connect(self.retry_quarantine)
        self.show_file_button.clicked.connect(self._show_file)
        may_pull = self.user.role in ("ADMIN", "HEAD_RISK")
        for button in (self.pull_button, self.folder_button, self.retry_button):
            button.setEnabled(may_pull)
        self._run_rows: list[Any] = []
        self._quarantine_rows: list[Any] = []
        self.runner.changed.connect(self._on_changed)
        self._show_sources()
        self.refresh()

    def _show_sources(self) -> None:
        sources = self.prefs.get(SOURCES)
        self.sources_label.setText(
            _t("Sources: {list}").format(list="; ".join(sources))
            if sources
            else _t("No sources configured yet: add folders or feed URLs in Settings, or import a folder.")
        )

    # -- pulling -----------------------------------------------------------------------------

    def pull_now(self) -> None:
        sources = self.prefs.get(SOURCES)
        if not sources:
            self.status.setText(_t("No sources configured: add them in Settings."))
            return
        self.start_import(sources)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _t("Import a folder"))
        if folder:
            # as the system writes it: C:\贷后\照片, \\server\share\照片 (Qt answers with /)
            self.start_import([QDir.toNativeSeparators(folder)])

    def start_import(self, sources: list[str]) -> None:
        from data.ingest.runner import Importer

        db = self.runner.db
        relay = self._relay
        self._importer = Importer(
            db, actor=self.user.employee_no, progress=lambda d, t, label: relay.progressed.emit(d, t, label)
        )
        importer = self._importer
        self.pull_button.setEnabled(False)
        self.folder_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status.setText(_t("Importing…"))

        def job() -> Any:
            return importer.run(sources)

        def done(report: Any) -> None:
            self._finished()
            s = report.summary()
            self.status.setText(
                _t(
                    "Finished: {files} files, {imported} imported, {unchanged} unchanged, {rejected} rejected, "
                    "{quarantined} quarantined."
                ).format(**s)
                if not report.failed
                else _t("The import stopped: {why}").format(why=report.failed)
            )
            self.runner.changed.emit(
                Changes(
                    frozenset(
                        {
                            "inspections",
                            "customers",
                            "branches",
                            "staff",
                            "loans",
                            "risk_signals",
                            "import_runs",
                            "quarantine",
                        }
                    )
                )
            )
            self.pull_finished.emit(report)

        def failed(error: BaseException) -> None:
            self._finished()
            self.runner.report_error(error)

        self.runner.run(job, done, failed, label="import", owner=self, exclusive=True)

    def cancel(self) -> None:
        if self._importer is not None:
            self._importer.cancel_requested.set()
            self.status.setText(_t("Cancelling after the current file…"))

    def _finished(self) -> None:
        self._importer = None
        may_pull = self.user.role in ("ADMIN", "HEAD_RISK")
        self.pull_button.setEnabled(may_pull)
        self.folder_button.setEnabled(may_pull)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("")

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total} {label}")

    # -- history and quarantine -------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {"import_runs", "quarantine"}:
            self.refresh()

    def refresh(self) -> None:
        def load(session: Any) -> Any:
            from data.queries import import_runs, quarantine_entries

            return import_runs(session), quarantine_entries(session)

        self.runner.read(load, self._show, label="import history", owner=self)

    def _show(self, result: Any) -> None:
        runs, quarantine = result
        self._run_rows = runs
        loc = QLocale()
        self.runs.setRowCount(len(runs))
        for i, r in enumerate(runs):
            s = r.summary
            values = [
                (local_time(r.started_at), False),
                (local_time(r.finished_at), False),
                (r.actor, False),
                (run_status_name(r.status), False),
                (loc.toString(s.get("files", 0)), True),
                (loc.toString(s.get("rows_imported", 0)), True),
                (loc.toString(s.get("rejected", 0)), True),
                ("; ".join(r.sources), False),
            ]
            for j, (text, numeric) in enumerate(values):
                self.runs.setItem(i, j, _cell(text, numeric))
        self.runs.resizeColumnsToContents()
        self._quarantine_rows = quarantine
        self.quarantine.setRowCount(len(quarantine))
        for i, q in enumerate(quarantine):
            reasons = "; ".join(str(x.get("message", x.get("code"))) for x in q.reasons)
            state = _t("waiting for master data") if q.state == "WAITING" else _t("rejected")
            values = [
                (state, False),
                (q.bundle_id or "", False),
                (str(q.revision or ""), True),
                (q.source_path, False),
                (str(q.attempts), True),
                (local_time(q.last_tried_at), False),
                (reasons, False),
            ]
            for j, (text, numeric) in enumerate(values):
                item = _cell(text, numeric)
                item.setToolTip(reasons)
                self.quarantine.setItem(i, j, item)
        self.quarantine.resizeColumnsToContents()
        if runs and self.runs.currentRow() < 0:
            self.runs.selectRow(0)
        elif runs:  # the current row did not change, but what it shows may have
            self._load_files(self.runs.currentRow())

    def _load_files(self, row: int) -> None:
        if not (0 <= row < len(self._run_rows)):
            return
        run_id = self._run_rows[row].id

        def load(session: Any) -> Any:
            from data.queries import import_files

            return import_files(session, run_id)

        self.runner.read(load, self._show_files, label="import files", owner=self)

    def _show_files(self, files: Any) -> None:
        loc = QLocale()
        self.files.setRowCount(len(files))
        for i, f in enumerate(files):
            errors = "; ".join(
                (f"{_t('line')} {e['line']} " if e.get("line") else "")
                + (f"{e['field']}: " if e.get("field") else "")
                + str(e.get("message", ""))
                for e in f.errors[:3]
            )
            values = [
                (f.path, False),
                (file_kind_name(f.kind), False),
                (file_status_name(f.status), False),
                (loc.toString(f.imported), True),
                (loc.toString(f.unchanged), True),
                (loc.toString(f.rejected), True),
                (errors, False),
            ]
            for j, (text, numeric) in enumerate(values):
                item = _cell(text, numeric)
                if j == 6:
                    item.setToolTip("\n".join(str(e.get("message", "")) for e in f.errors[:50]))
                self.files.setItem(i, j, item)
        self.files.resizeColumnsToContents()

    def retry_quarantine(self) -> None:
        from data.ingest.runner import Importer

        db, actor = self.runner.db, self.user.employee_no

        def job() -> Any:
            return Importer(db, actor=actor).run([])

        def done(report: Any) -> None:
            self.status.setText(
                _t("{n} bundles released from quarantine; {w} still waiting.").format(
                    n=report.quarantine_released, w=report.quarantine_waiting
                )
            )
            self.runner.changed.emit(Changes(frozenset({"inspections", "import_runs", "quarantine"})))

        self.runner.run(job, done, label="retry quarantine", owner=self, exclusive=True)

    def _show_file(self) -> None:
        row = self.quarantine.currentRow()
        if 0 <= row < len(self._quarantine_rows):
            path = Path(self._quarantine_rows[row].stored_copy)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
