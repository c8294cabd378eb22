"""The detail of one inspection: a summary with its authenticity findings, the checklist,
the photos (thumbnails, the viewer), the map of the visit and the revisions (with what
changed between two of them).

Shared by the inspections browser and the approval queue's preview; not a screen itself.
Every read goes through the task runner; answers to superseded requests (the user has
since picked another row) are dropped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import LANGUAGE, Preferences
from desktop.tasks import Latest, TaskRunner
from widgets.flag_words import SEVERITY_COLOURS, evidence, flag_name, severity_name
from widgets.labels import (
    answer_name,
    category_name,
    classification_name,
    kind_name,
    local_time,
    money,
    number,
    opinion_name,
)
from widgets.photos import PhotoGallery, PhotoItem, PhotoViewer

_ABNORMAL = QColor("#fde2e1")
#: findings worded in the summary; the rest are listed beside the map (most severe first)
_FLAGS_SHOWN = 12


def _t(text: str) -> str:
    # the strings are the inspections screen's, where they were first worded
    return QCoreApplication.translate("Inspections", text)


def answer_text(a: Any) -> str:
    """An answer as a person reads it: the number with separators, the text, or Yes/No."""
    if a.answer == "NUMBER" and a.value:
        try:
            return number(a.value)
        except ValueError:
            return str(a.value)
    if a.answer == "TEXT" and a.value:
        return str(a.value)
    return answer_name(a.answer)


def _path_of(store: Any, sha: str) -> Callable[[], Any]:
    """Where the photo's file is, asked only when the viewer opens it."""
    return lambda: store.path_for(sha)


class InspectionDetailPanel(QWidget):
    """Tabs showing one inspection, loaded by id through the task runner.

    ``detail_shown(detail)``: an inspection's detail arrived and is on screen;
    ``open_requested(query)``: the user asked to open another screen (e.g. a revision in
    the inspections browser)."""

    detail_shown = Signal(object)
    open_requested = Signal(str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._detail_latest = Latest()
        self._flags: tuple[Any, ...] = ()
        self._store: Any = None
        self.detail: Any = None
        self._photo_sha: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setContentsMargins(8, 6, 8, 6)
        self.banner.setStyleSheet("background: #fff8e1; border-bottom: 1px solid #ffe082;")
        self.banner.linkActivated.connect(self._on_banner_link)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        layout.addWidget(self._build_tabs(), 1)

    def _build_tabs(self) -> QWidget:
        tabs = QTabWidget()
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        tabs.addTab(self.summary, _t("Summary"))
        self.checklist = QTreeWidget()
        self.checklist.setColumnCount(4)
        self.checklist.setHeaderLabels([_t("Item"), _t("Answer"), _t("Remark"), _t("Photos")])
        self.checklist.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.checklist.setColumnWidth(0, 300)
        self.checklist.setColumnWidth(1, 90)
        self.checklist.setColumnWidth(2, 220)
        self.checklist.setUniformRowHeights(True)
        tabs.addTab(self.checklist, _t("Checklist"))
        self.gallery = PhotoGallery()
        self.gallery.thumbnail_wanted.connect(self._fetch_thumbnail)
        self.gallery.photo_activated.connect(self.open_viewer)
        tabs.addTab(self.gallery, _t("Photos"))
        # the map (QtWebEngine, folium) is built the first time its tab is opened
        self.map_tab = QWidget()
        self._map_layout = QVBoxLayout(self.map_tab)
        self._map_layout.setContentsMargins(0, 0, 0, 0)
        self.map_panel: Any = None
        self._scene_for: int | None = None
        self._scene_latest = Latest()
        tabs.addTab(self.map_tab, _t("Map and checks"))
        tabs.currentChanged.connect(self._on_tab)
        revisions = QWidget()
        rl = QVBoxLayout(revisions)
        self.revisions = QListWidget()
        self.compare_button = QPushButton(_t("Compare with the next revision"))
        self.compare_button.clicked.connect(self._compare)
        self.open_revision_button = QPushButton(_t("Open this revision"))
        self.open_revision_button.clicked.connect(self._open_revision)
        self.changes = QTextBrowser()
        rl.addWidget(self.revisions)
        rl.addWidget(self.open_revision_button)
        rl.addWidget(self.compare_button)
        rl.addWidget(self.changes, 1)
        tabs.addTab(revisions, _t("Revisions"))
        self.revisions_tab = revisions
        self.report_button = QPushButton(_t("Inspection report"))
        self.report_button.setToolTip(_t("Make this inspection's PDF report in one click"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self._report)
        if self.user.role in ("HEAD_RISK", "BRANCH_APPROVER"):  # auditors issue no reports
            tabs.setCornerWidget(self.report_button, Qt.Corner.TopRightCorner)
        self.tabs = tabs
        self.clear()
        return tabs

    def _report(self) -> None:
        if self.detail is not None:
            self.open_requested.emit(f"reports?inspection={self.detail.id}")

    # -- loading ----------------------------------------------------------------------------

    def show_inspection(self, inspection_id: int) -> None:
        token = self._detail_latest.next()
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.queries import inspection_detail
            from data.settings import photo_store_for

            store = self._store
            if store is None:
                from data.db import Database

                assert isinstance(self.runner.db, Database)
                store = photo_store_for(self.runner.db)
            from data.authenticity import flags_for

            detail = inspection_detail(session, inspection_id, scope)
            return detail, store, flags_for(session, [inspection_id])[inspection_id]

        def done(result: Any) -> None:
            if self._detail_latest.is_current(token):
                detail, self._store, self._flags = result
                self._show_detail(detail)
                if self.tabs.currentWidget() is self.map_tab:
                    self._load_scene()
                self.detail_shown.emit(detail)

        self.runner.read(load, done, label="inspection detail", owner=self)

    # -- the map of the visit ---------------------------------------------------------------

    def _on_tab(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.map_tab:
            self._load_scene()

    def _ensure_map(self) -> Any:
        if self.map_panel is None:
            from desktop.settings import map_tile_provider
            from views._scenes import wgs84_to
            from widgets.inspection_map import InspectionMapPanel

            self.map_panel = InspectionMapPanel(map_tile_provider(self.prefs), wgs84_to)
            self.map_panel.photo_clicked.connect(self._open_photo_by_id)
            self._map_layout.addWidget(self.map_panel)
        return self.map_panel

    def refresh_map_provider(self) -> None:
        """The map settings changed: redraw with the new tile provider."""
        if self.map_panel is not None:
            from desktop.settings import map_tile_provider

            self.map_panel.set_provider(map_tile_provider(self.prefs))

    def _load_scene(self) -> None:
        d = self.detail
        panel = self._ensure_map()
        if d is None:
            panel.set_scene(None)
            return
        if self._scene_for == d.id:
            return
        token = self._scene_latest.next()
        scope, inspection_id, flags = self.user.scope, d.id, self._flags

        def load(session: Any) -> Any:
            from data.authenticity import load_thresholds_in
            from data.mapdata import inspection_map_data

            return inspection_map_data(session, inspection_id, scope), load_thresholds_in(session)

        def done(result: Any) -> None:
            if not self._scene_latest.is_current(token):
                return
            from views._scenes import build_scene

            data, thresholds = result
            panel.set_scene(build_scene(data, flags, thresholds.checkin_min_m))
            self._scene_for = inspection_id

        self.runner.read(load, done, label="inspection map", owner=self)

    def _open_photo_by_id(self, photo_id: int) -> None:
        keys = [item.key for item in self.gallery.photos()]
        if str(photo_id) in keys:
            self.open_viewer(keys.index(str(photo_id)))

    def clear(self) -> None:
        """Show no inspection (nothing selected); answers still on their way are dropped."""
        self._detail_latest.next()
        self.detail = None
        self.report_button.setEnabled(False)
        self._flags = ()
        self._scene_for = None
        self.set_banner(None)
        self.summary.setHtml(
            f"<p style='color:#666'>{html.escape(_t('Select an inspection to see it here.'))}</p>"
        )
        self.checklist.clear()
        self.gallery.set_photos([])
        self.revisions.clear()
        self.changes.clear()
        self.compare_button.setEnabled(False)
        self.open_revision_button.setEnabled(False)
        if self.map_panel is not None:
            self.map_panel.set_scene(None)

    def forget_scene(self) -> None:
        """The data behind the map may have changed: draw it again when next shown."""
        self._scene_for = None

    def set_banner(self, text: str | None) -> None:
        """Rich text shown above the tabs (None: no banner); its links are handled by
        ``_on_banner_link`` (``compare:BEFORE:AFTER`` opens that comparison)."""
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def _on_banner_link(self, link: str) -> None:
        kind, _, rest = link.partition(":")
        if kind == "compare":
            before, _, after = rest.partition(":")
            if before.isdigit() and after.isdigit():
                self.compare(int(before), int(after))
        else:
            self.open_requested.emit(link)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """A tab of the owner's (e.g. the decision history in the approval queue)."""
        return self.tabs.addTab(widget, title)

    def _english(self) -> bool:
        return self.prefs.get(LANGUAGE) == "en"

    def _show_detail(self, d: Any) -> None:
        self.detail = d
        self.report_button.setEnabled(True)
        e = html.escape
        on_site = _t("{m:.0f} min").format(m=d.minutes_on_site)
        rows = [
            (_t("Customer"), f"{d.customer_name} ({d.customer_no})"),
            (_t("USCC"), d.uscc),
            (_t("Legal representative"), f"{d.legal_rep} {d.legal_rep_id_masked}"),
            (_t("Phone"), d.phone_masked),
            (_t("Address"), d.address),
            (_t("Branch"), d.branch_name),
            (_t("Client manager"), d.manager_name),
            (_t("Inspector"), f"{d.inspector_name} ({d.inspector_no})"),
            (_t("Companion"), f"{d.companion_name} ({d.companion_no})" if d.companion_no else "—"),
            (_t("Device"), d.device_id or "—"),
            (_t("Kind"), kind_name(d.kind)),
            (_t("Task"), d.task_no or _t("Unplanned") if d.unplanned else d.task_no or ""),
            (_t("Started"), local_time(d.started_at)),
            (_t("Finished"), local_time(d.finished_at)),
            (_t("Time on site"), on_site),
            (_t("Submitted"), local_time(d.submitted_at)),
            (_t("Revision"), str(d.revision) + ("" if d.is_current else " · " + _t("superseded"))),
            (_t("Track points"), str(d.track_points)),
        ]
        parts = [f"<h3>{e(d.customer_name)}</h3><table cellspacing='2' cellpadding='2'>"]
        parts += [f"<tr><td style='color:#555'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows]
        parts.append("</table>")
        parts.append(f"<h4>{e(_t('Authenticity checks'))}</h4>")
        if self._flags:
            captions = {p.photo_key: f"{category_name(p.category)} #{i + 1}" for i, p in enumerate(d.photos)}
            parts.append("<ul>")
            shown = self._flags[:_FLAGS_SHOWN]
            for f in shown:
                colour = SEVERITY_COLOURS.get(f.severity, "#333")
                text = evidence(f.code, f.detail, lambda key: captions.get(key, str(key)))
                parts.append(
                    f"<li><b style='color:{colour}'>{e(severity_name(f.severity))} · {e(flag_name(f.code))}</b>"
                    f"<br>{e(text)}</li>"
                )
            if len(self._flags) > len(shown):
                more = _t("…and {n} more findings (all of them in the Map and checks tab).")
                parts.append(f"<li>{e(more.format(n=len(self._flags) - len(shown)))}</li>")
            parts.append("</ul>")
        else:
            parts.append(
                f"<p style='color:#2e7d32'>{e(_t('No findings: nothing suggests the visit was not as reported.'))}</p>"
            )
        if d.loans:
            parts.append(f"<h4>{e(_t('Loans'))}</h4><table cellspacing='0' cellpadding='3' border='0'>")
            parts.append(
                "<tr>"
                + "".join(
                    f"<th align='{a}'>{e(h)}</th>"
                    for h, a in (
                        (_t("Loan"), "left"),
                        (_t("Product"), "left"),
                        (_t("Amount"), "right"),
                        (_t("Balance"), "right"),
                        (_t("Classification"), "left"),
                        (_t("Overdue days"), "right"),
                        (_t("Matures"), "left"),
                    )
                )
                + "</tr>"
            )
            for ln in d.loans:
                parts.append(
                    f"<tr><td>{e(ln.loan_no)}</td><td>{e(ln.product)}</td><td align='right'>{e(money(ln.amount))}</td>"
                    f"<td align='right'>{e(money(ln.balance))}</td><td>{e(classification_name(ln.classification))}</td>"
                    f"<td align='right'>{ln.overdue_days}</td><td>{e(QLocale().toString(ln.maturity_on, 'yyyy-MM-dd'))}</td></tr>"
                )
            parts.append("</table>")
        parts.append(f"<h4>{e(_t('Conclusion'))}</h4>")
        parts.append(
            f"<p><b>{e(opinion_name(d.opinion))}</b>"
            + (
                f" · {e(_t('suggested classification'))}: {e(classification_name(d.suggested_classification))}"
                if d.suggested_classification
                else ""
            )
            + "</p>"
        )
        parts.append(f"<p>{e(d.summary)}</p>")
        if d.follow_up:
            parts.append(f"<p><span style='color:#555'>{e(_t('Follow-up'))}:</span> {e(d.follow_up)}</p>")
        if d.voice_notes:
            parts.append(f"<h4>{e(_t('Voice notes'))}</h4><ul>")
            parts += [f"<li>{e(local_time(at))} {e(text)}</li>" for at, text in d.voice_notes]
            parts.append("</ul>")
        self.summary.setHtml("".join(parts))
        self._show_checklist(d)
        self._show_photos(d)
        self._show_revisions(d)

    def _show_checklist(self, d: Any) -> None:
        from data.checklist import checklist_text

        texts = checklist_text()
        english = self._english()
        self.checklist.clear()
        sections: dict[str, QTreeWidgetItem] = {}
        for code in texts.section_order:
            if any(a.section == code for a in d.answers):
                title = texts.sections[code][1 if english else 0]
                sections[code] = QTreeWidgetItem(self.checklist, [title])
                sections[code].setExpanded(True)
        for a in d.answers:
            question = texts.questions.get(a.code, ("", ""))[1 if english else 0]
            answer = answer_text(a)
            parent = sections.get(a.section) or QTreeWidgetItem(self.checklist, [a.section])
            item = QTreeWidgetItem(
                parent, [f"{a.code} {question}", answer, a.remark, ", ".join(a.photo_keys)]
            )
            item.setToolTip(0, question)
            item.setToolTip(2, a.remark)
            if a.abnormal or a.deviates:
                for col in range(4):
                    item.setBackground(col, QBrush(_ABNORMAL))
                item.setToolTip(1, _t("Abnormal answer"))

    def _show_photos(self, d: Any) -> None:
        store = self._store
        items = []
        for p in d.photos:
            details = [
                f"{_t('Category')}: {category_name(p.category)}",
                f"{_t('App time')}: {local_time(p.taken_at)}",
                f"{_t('App place')}: {p.lat:.6f}, {p.lon:.6f} (WGS-84)"
                if p.lat is not None
                else f"{_t('App place')}: —",
                f"{_t('EXIF camera')}: {p.camera or '—'}",
                f"{_t('EXIF time')}: {local_time(p.exif_taken_at) or '—'}",
                f"{_t('EXIF GPS')}: {p.exif_lat:.6f}, {p.exif_lon:.6f}"
                if p.exif_lat is not None
                else f"{_t('EXIF GPS')}: —",
                f"{_t('Size')}: {p.width}×{p.height}, {QLocale().formattedDataSize(p.size_bytes)}",
                f"{_t('Watermark')}: {p.watermark}",
                f"SHA-256: {p.sha256}",
            ]
            items.append(
                PhotoItem(str(p.id), category_name(p.category), "\n".join(details), _path_of(store, p.sha256))
            )
        self._photo_sha = {str(p.id): p.sha256 for p in d.photos}
        self.gallery.set_photos(items)

    def _fetch_thumbnail(self, key: str) -> None:
        store, sha = self._store, getattr(self, "_photo_sha", {}).get(key)
        if store is None or sha is None:
            return

        def make() -> Any:
            try:
                return store.thumbnail(sha, 160)
            except OSError:
                return None

        self.runner.run(
            make, lambda path: self.gallery.set_thumbnail(key, path), label="thumbnail", owner=self
        )

    def open_viewer(self, index: int) -> PhotoViewer:
        viewer = PhotoViewer(self.gallery.photos(), index, self)
        viewer.show()
        return viewer

    def _show_revisions(self, d: Any) -> None:
        self.revisions.clear()
        for r in d.revisions:
            text = _t("Revision {n} · submitted {time}").format(n=r.revision, time=local_time(r.submitted_at))
            if r.is_current:
                text += " · " + _t("current")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.revisions.addItem(item)
            if r.id == d.id:
                self.revisions.setCurrentItem(item)
        several = len(d.revisions) > 1
        self.compare_button.setEnabled(several)
        self.open_revision_button.setEnabled(several)
        self.changes.setHtml("" if several else html.escape(_t("This inspection has one revision.")))

    def _selected_revision(self) -> int | None:
        item = self.revisions.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _open_revision(self) -> None:
        rid = self._selected_revision()
        if rid is not None:
            self.show_inspection(rid)

    def _compare(self) -> None:
        d = self.detail
        rid = self._selected_revision()
        if d is None or rid is None:
            return
        ids = [r.id for r in d.revisions]
        if rid not in ids or ids.index(rid) == len(ids) - 1:
            self.changes.setHtml(html.escape(_t("Pick a revision that has a later one.")))
            return
        self.compare(rid, ids[ids.index(rid) + 1])

    def compare(self, before_id: int, after_id: int) -> None:
        """Show what changed from one revision to another in the Revisions tab."""
        self.tabs.setCurrentWidget(self.revisions_tab)
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.queries import compare_revisions, inspection_detail

            before = inspection_detail(session, before_id, scope)
            after = inspection_detail(session, after_id, scope)
            return before, after, compare_revisions(before, after)

        self.runner.read(load, self._show_changes, label="compare revisions", owner=self)

    def _show_changes(self, result: Any) -> None:
        before, after, changes = result
        e = html.escape
        parts = [
            f"<h4>{e(_t('Revision {a} → revision {b}').format(a=before.revision, b=after.revision))}</h4>"
        ]
        if not (changes.answers or changes.conclusion or changes.photos_added or changes.photos_removed):
            parts.append(f"<p>{e(_t('Nothing changed.'))}</p>")
        for code, old, new in changes.answers:
            o = f"{answer_text(old)} · {old.remark}" if old else "—"
            n = f"{answer_text(new)} · {new.remark}" if new else "—"
            parts.append(f"<p><b>{e(code)}</b>: <s>{e(o)}</s> → {e(n)}</p>")
        field_names = {
            "opinion": _t("Opinion"),
            "suggested_classification": _t("Suggested classification"),
            "summary": _t("Summary"),
            "follow_up": _t("Follow-up"),
        }
        for name, old_text, new_text in changes.conclusion:
            if name == "opinion":
                old_text, new_text = opinion_name(old_text), opinion_name(new_text)
            elif name == "suggested_classification":
                old_text, new_text = classification_name(old_text), classification_name(new_text)
            label = field_names.get(name, name)
            parts.append(f"<p><b>{e(label)}</b>: <s>{e(old_text)}</s> → {e(new_text)}</p>")
        if changes.photos_added:
            parts.append(f"<p>{e(_t('Photos added'))}: {len(changes.photos_added)}</p>")
        if changes.photos_removed:
            parts.append(f"<p>{e(_t('Photos removed'))}: {len(changes.photos_removed)}</p>")
        self.changes.setHtml("".join(parts))

    def retranslate(self) -> None:
        """The language changed: word the shown inspection again."""
        if self.detail is not None:
            self._show_detail(self.detail)
