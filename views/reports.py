"""The reports screen: make and issue a supervision report (a unit and a month or quarter,
as PDF or Excel) or an inspection report (one click from an inspection or the queue opens
``reports?inspection=ID``, which makes it at once); a preview of the first page; open it
or save a copy; and the history of issued reports, each downloadable again exactly as
issued (its hash checked, the download audited).

A report is made on a worker (reads and rendering, and the first page drawn to an image
there too), then issued on the writer thread: stored with its SHA-256 and audited.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from PySide6.QtCore import QByteArray, QCoreApplication, QLocale, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, TaskRunner
from widgets.labels import local_time

KINDS = ("SUPERVISION", "INSPECTION")
PREVIEW_WIDTH = 620
CST = dt.timezone(dt.timedelta(hours=8))


def _t(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


def kind_name(kind: str) -> str:
    return {"SUPERVISION": _t("Supervision report"), "INSPECTION": _t("Inspection report")}.get(kind, kind)


def periods(today: dt.date, months: int = 12, quarters: int = 4) -> list[str]:
    """The periods offered: this month and the months before it, then this quarter and the
    quarters before it."""
    out = []
    year, month = today.year, today.month
    for _ in range(months):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(quarters):
        out.append(f"{year:04d}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return out


def render_first_page(content: bytes, width: int = PREVIEW_WIDTH) -> QImage:
    """The first page of a PDF as an image (on a worker: pdfium renders without the GUI)."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(content))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.pageCount() < 1:
        return QImage()
    size = document.pagePointSize(0)
    height = int(width * size.height() / size.width()) if size.width() else int(width * 1.414)
    image = document.render(0, QSize(width, height))
    document.close()
    return image.copy()  # detached from the document


class ReportsView(QWidget):
    """Make, preview, issue, open and save reports; the history of issued ones."""

    state_changed = Signal(str)
    open_requested = Signal(str)
    #: a report was made and issued (report number)
    issued = Signal(str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self.current: tuple[str, str, bytes] | None = None  # report number, format, bytes
        self.inspection_id: int | None = None
        self.history_rows: list[Any] = []
        self.busy = False
        #: auditors read the issued reports; they issue none (they are read-only)
        self.may_issue = user.role in ("HEAD_RISK", "BRANCH_APPROVER")
        self._build()
        self.runner.changed.connect(self._on_changed)
        self._load_units()
        self.load_history()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form_box = QGroupBox(_t("Make a report"))
        form = QFormLayout(form_box)
        self.kind_box = QComboBox()
        for kind in KINDS:
            self.kind_box.addItem(kind_name(kind), kind)
        self.kind_box.currentIndexChanged.connect(lambda _i: self._update_form())
        form.addRow(_t("Report"), self.kind_box)
        self.unit_box = QComboBox()
        self.unit_box.setMinimumContentsLength(16)
        form.addRow(_t("Unit"), self.unit_box)
        self.period_box = QComboBox()
        for period in periods(dt.datetime.now(CST).date()):
            self.period_box.addItem(period, period)
        form.addRow(_t("Period"), self.period_box)
        self.inspection_label = QLabel(_t("Open an inspection and choose “Inspection report”."))
        self.inspection_label.setWordWrap(True)
        form.addRow(_t("Inspection"), self.inspection_label)
        self.format_box = QComboBox()
        self.format_box.addItem("PDF", "pdf")
        self.format_box.addItem(_t("Excel workbook"), "xlsx")
        form.addRow(_t("Format"), self.format_box)
        self.lang_box = QComboBox()
        self.lang_box.addItem("中文", "zh")
        self.lang_box.addItem("English", "en")
        form.addRow(_t("Language"), self.lang_box)
        row = QHBoxLayout()
        self.make_button = QPushButton(_t("Make and issue"))
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        row.addWidget(self.make_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        form.addRow(row)
        if not self.may_issue:
            self.status.setText(_t("Read only: your role reads the issued reports and issues none."))

        preview_box = QGroupBox(_t("Preview of the first page"))
        pv = QVBoxLayout(preview_box)
        self.preview = QLabel(_t("No report made yet."))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(PREVIEW_WIDTH // 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        pv.addWidget(scroll, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton(_t("Open"))
        self.open_button.clicked.connect(self.open_current)
        self.save_button = QPushButton(_t("Save as…"))
        self.save_button.clicked.connect(self.save_current)
        actions.addWidget(self.open_button)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        pv.addLayout(actions)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(form_box)
        ll.addWidget(preview_box, 1)

        history_box = QGroupBox(_t("Issued reports"))
        hl = QVBoxLayout(history_box)
        self.history = QTableWidget(0, 7)
        self.history.setHorizontalHeaderLabels(
            [
                _t("Issued"),
                _t("Number"),
                _t("Report"),
                _t("Period or subject"),
                _t("Format"),
                _t("Pages"),
                _t("By"),
            ]
        )
        self.history.verticalHeader().setVisible(False)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((115, 160, 95, 120, 45, 40)):
            self.history.setColumnWidth(column, width)
        self.history.itemSelectionChanged.connect(self._update_buttons)
        self.history.doubleClicked.connect(lambda _i: self.download_selected())
        hl.addWidget(self.history, 1)
        hrow = QHBoxLayout()
        self.download_button = QPushButton(_t("Save a copy…"))
        self.download_button.setToolTip(_t("Save the report exactly as issued (its hash is checked)"))
        self.download_button.clicked.connect(self.download_selected)
        hrow.addWidget(self.download_button)
        hrow.addStretch(1)
        hl.addLayout(hrow)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([PREVIEW_WIDTH + 80, 700])
        layout.addWidget(splitter, 1)
        self._update_form()
        self._update_buttons()

    def _update_form(self) -> None:
        supervision = self.kind_box.currentData() == "SUPERVISION"
        for widget in (self.unit_box, self.period_box):
            widget.setEnabled(supervision)
        self.format_box.setEnabled(supervision)
        if not supervision:
            self.format_box.setCurrentIndex(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        supervision = self.kind_box.currentData() == "SUPERVISION"
        ready = (supervision and self.unit_box.count() > 0) or (
            not supervision and self.inspection_id is not None
        )
        self.make_button.setEnabled(ready and not self.busy and self.may_issue)
        self.open_button.setEnabled(self.current is not None)
        self.save_button.setEnabled(self.current is not None)
        self.download_button.setEnabled(bool(self.history.selectedItems()))

    # -- units and history --------------------------------------------------------------

    def _load_units(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.queries import filter_choices

            return filter_choices(session, scope)[0]

        self.runner.read(load, self._show_units, label="report units", owner=self)

    def _show_units(self, branches: Any) -> None:
        self.unit_box.clear()
        for choice in branches:
            self.unit_box.addItem(f"{choice.label} {choice.value}", choice.value)
        self._update_buttons()

    def load_history(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.reports.store import issued_reports

            return issued_reports(session, scope)

        self.runner.read(load, self._show_history, label="issued reports", owner=self)

    def _show_history(self, rows: Any) -> None:
        self.history_rows = list(rows)
        self.history.setRowCount(len(self.history_rows))
        for n, r in enumerate(self.history_rows):
            cells = (
                local_time(r.issued_at),
                r.report_no,
                kind_name(r.kind),
                r.period or r.subject,
                r.file_format.upper(),
                str(r.pages),
                r.issued_by_name,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setToolTip(f"SHA-256 {r.sha256}\n{r.title}")
                self.history.setItem(n, column, item)
        self._update_buttons()

    def _on_changed(self, changes: Changes) -> None:
        if "issued_reports" in changes.tables:
            self.load_history()

    # -- making a report ----------------------------------------------------------------

    def query(self) -> str:
        return f"reports?inspection={self.inspection_id}" if self.inspection_id else "reports"

    def open_query(self, query: str) -> None:
        """``reports?inspection=ID`` makes that inspection's report at once (one click
        from the inspection or the queue); ``reports?unit=0311&period=2026-11`` fills the
        supervision form."""
        values = dict(parse_qsl(query.partition("?")[2]))
        if values.get("inspection", "").isdigit():
            self.inspection_id = int(values["inspection"])
            self.inspection_label.setText(_t("Inspection #{id}").format(id=self.inspection_id))
            self.kind_box.setCurrentIndex(KINDS.index("INSPECTION"))
            self.state_changed.emit(self.query())
            self.make()
            return
        if values.get("unit"):
            self.kind_box.setCurrentIndex(KINDS.index("SUPERVISION"))
            index = self.unit_box.findData(values["unit"])
            if index >= 0:
                self.unit_box.setCurrentIndex(index)
        if values.get("period"):
            index = self.period_box.findData(values["period"])
            if index >= 0:
                self.period_box.setCurrentIndex(index)
        self.state_changed.emit(self.query())

    def make(self) -> None:
        """Make the chosen report on a worker, then issue it on the writer thread."""
        if self.busy or not self.may_issue:
            return
        kind = self.kind_box.currentData()
        lang = self.lang_box.currentData()
        fmt = self.format_box.currentData() if kind == "SUPERVISION" else "pdf"
        unit, period = self.unit_box.currentData(), self.period_box.currentData()
        inspection_id = self.inspection_id
        if (kind == "SUPERVISION" and not unit) or (kind == "INSPECTION" and inspection_id is None):
            return
        db, user = self.runner.db, self.user
        self.busy = True
        self.status.setText(_t("Making the report…"))
        self._update_buttons()

        def build() -> Any:
            if kind == "INSPECTION":
                from data.reports.inspection import make_inspection_report

                number, content, pages = make_inspection_report(
                    db, inspection_id, user, lang=lang, issue=False
                )
                params: dict[str, Any] = {"inspection_id": inspection_id, "lang": lang}
            else:
                from data.reports.supervision import make_supervision_report

                number, content, pages = make_supervision_report(
                    db, user, unit, period, fmt, lang=lang, issue=False
                )
                params = {"unit": unit, "period": period, "lang": lang}
            image = render_first_page(content) if fmt == "pdf" else QImage()
            return number, content, pages, params, image

        self.runner.run(
            build, lambda made: self._issue(kind, fmt, made), self._failed, label="make report", owner=self
        )

    def _issue(self, kind: str, fmt: str, made: Any) -> None:
        number, content, pages, params, image = made
        actor = self.user.employee_no

        def write(session: Any) -> Any:
            from data.reports.store import issue

            branch, title, subject, period = self._describe(session, kind, params)
            issue(
                session,
                actor,
                report_no=number,
                kind=kind,
                file_format=fmt,
                title=title,
                branch_code=branch,
                content=content,
                period=period,
                subject=subject,
                pages=pages,
                params=params,
            )
            return number, Changes(frozenset({"issued_reports"}))

        def done(_number: str) -> None:
            self.busy = False
            self.current = (number, fmt, content)
            self._show_preview(image, fmt, pages)
            size = QLocale().toString(len(content))
            what = _t("{pages} pages") if fmt == "pdf" else _t("{pages} sheets")
            self.status.setText(
                _t("Issued {number}: {what}, {size} bytes.").format(
                    number=number, what=what.format(pages=pages), size=size
                )
            )
            self._update_buttons()
            self.issued.emit(number)

        self.runner.write(write, done, self._failed, label="issue report", owner=self)

    @staticmethod
    def _describe(session: Any, kind: str, params: dict[str, Any]) -> tuple[str, str, str, str]:
        """(branch code, title, subject, period) of a report, for its history row."""
        from data.reports.store import describe

        return describe(session, kind, params)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.status.setText(_t("The report could not be made: {error}").format(error=error))
        self._update_buttons()
        from data.errors import LoanSightError

        if not isinstance(error, LoanSightError | LookupError | ValueError | PermissionError):
            self.runner.report_error(error)

    def _show_preview(self, image: QImage, fmt: str, pages: int) -> None:
        if fmt == "pdf" and not image.isNull():
            self.preview.setPixmap(QPixmap.fromImage(image))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_t("Excel workbook with {n} sheets: open it to read.").format(n=pages))

    # -- open, save, download --------------------------------------------------------------

    def _suggested_name(self, number: str, fmt: str) -> str:
        return f"{number}.{fmt}"

    def open_current(self) -> None:
        if self.current is None:
            return
        number, fmt, content = self.current
        folder = Path(tempfile.mkdtemp(prefix="loansight-report-"))
        path = folder / self._suggested_name(number, fmt)
        path.write_bytes(content)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save_current(self, path: str | None = None) -> Path | None:
        if self.current is None:
            return None
        number, fmt, content = self.current
        return self._save(content, self._suggested_name(number, fmt), path)

    def _save(self, content: bytes, name: str, path: str | None) -> Path | None:
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, _t("Save the report"), name)
            if not path:
                return None
        target = Path(path)
        part = target.with_name(target.name + ".part")
        part.write_bytes(content)
        part.replace(target)
        self.status.setText(_t("Saved {path}").format(path=str(target)))
        return target

    def download_selected(self, path: str | None = None) -> None:
        rows = self.history.selectionModel().selectedRows()
        if not rows:
            return
        row = self.history_rows[rows[0].row()]
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self, _t("Save the report"), self._suggested_name(row.report_no, row.file_format)
            )
            if not path:
                return
        scope, actor, report_id = self.user.scope, self.user.employee_no, row.id

        def write(session: Any) -> Any:
            from data.reports.store import download

            _row, content = download(session, scope, report_id, actor)
            return content, Changes(frozenset({"audit_events"}))

        def save(content: bytes) -> None:
            self._save(content, self._suggested_name(row.report_no, row.file_format), path)

        self.runner.write(
            write,
            save,
            self._failed,
            label="download report",
            owner=self,
        )

    def retranslate(self) -> None:
        for i, kind in enumerate(KINDS):
            self.kind_box.setItemText(i, kind_name(kind))
        self._show_history(self.history_rows)
