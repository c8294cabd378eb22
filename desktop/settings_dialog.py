"""The settings dialog: language, data sources, photo store, idle lock, map tiles."""

from __future__ import annotations

import sys
from pathlib import PureWindowsPath
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import (
    CUSTOM_TILE_CRS,
    CUSTOM_TILE_URL,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    LANGUAGES,
    MAP_PROVIDER,
    SOURCES,
    TIANDITU_KEY,
    Preferences,
)
from desktop.tasks import Changes, TaskRunner
from widgets.map_tiles import TILE_CRSES, check_custom_template


def native_folder(chosen: str, *, windows: bool = sys.platform == "win32") -> str:
    """A folder as the user's system writes it. Qt's file dialog answers with forward
    slashes on Windows too (``C:/贷后/照片``, ``//server/share/照片``); they are kept and shown
    as Windows writes them (``C:\\贷后\\照片``, ``\\\\server\\share\\照片``), which is also what an
    administrator compares against on another desktop. Nothing is resolved or made absolute,
    so a UNC path stays a UNC path."""
    return str(PureWindowsPath(chosen)) if windows and chosen else chosen


def _t(text: str) -> str:
    return QCoreApplication.translate("Settings", text)


class SettingsDialog(QDialog):
    def __init__(
        self, prefs: Preferences, runner: TaskRunner, user: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.runner = runner
        self.user = user
        self.setWindowTitle(_t("Settings"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.get(LANGUAGE))))
        form.addRow(_t("Language"), self.language)
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(_t(" min"))
        self.idle.setSpecialValueText(_t("never"))
        self.idle.setValue(prefs.get(IDLE_LOCK_MINUTES))
        form.addRow(_t("Lock after idle"), self.idle)
        self.photo_store = QLineEdit()
        self.photo_store.setPlaceholderText(_t("default: the photos folder in the data folder"))
        browse = QPushButton(_t("Browse…"))
        browse.clicked.connect(self._browse_store)
        row = QHBoxLayout()
        row.addWidget(self.photo_store, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow(_t("Photo store (shared by every desktop)"), holder)
        self.photo_store.setEnabled(user.role == "ADMIN")
        browse.setEnabled(user.role == "ADMIN")
        layout.addLayout(form)
        layout.addWidget(
            QLabel(_t("Data sources (folders, files, or feed URLs starting with http:// or https://)"))
        )
        self.sources = QListWidget()
        self.sources.addItems(prefs.get(SOURCES))
        layout.addWidget(self.sources)
        buttons_row = QHBoxLayout()
        add_folder = QPushButton(_t("Add folder…"))
        add_url = QPushButton(_t("Add feed URL…"))
        remove = QPushButton(_t("Remove"))
        for b in (add_folder, add_url, remove):
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)
        layout.addLayout(buttons_row)
        add_folder.clicked.connect(self._add_folder)
        add_url.clicked.connect(self._add_url)
        remove.clicked.connect(lambda: self.sources.takeItem(self.sources.currentRow()))
        layout.addWidget(self._map_group())
        thresholds = QPushButton(_t("Authenticity check thresholds…"))
        thresholds.clicked.connect(self.open_thresholds)
        health_model = QPushButton(_t("Risk model…"))
        health_model.clicked.connect(self.open_health_model)
        approval = QPushButton(_t("Approval workflow…"))
        approval.clicked.connect(self.open_approval_settings)
        database = QPushButton(_t("Database connection…"))
        database.clicked.connect(self.open_connection)
        row = QHBoxLayout()
        row.addWidget(thresholds)
        row.addWidget(health_model)
        row.addWidget(approval)
        row.addWidget(database)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load_store()

    def open_thresholds(self) -> Any:
        from desktop.thresholds_dialog import ThresholdsDialog

        dialog = ThresholdsDialog(self.runner, self.user, self)
        dialog.open()
        return dialog

    def open_health_model(self) -> Any:
        from desktop.health_model_dialog import HealthModelDialog

        dialog = HealthModelDialog(self.runner, self.user, self)
        dialog.open()
        return dialog

    def open_approval_settings(self) -> Any:
        from desktop.approval_settings_dialog import ApprovalSettingsDialog

        dialog = ApprovalSettingsDialog(self.runner, self.user, self)
        dialog.open()
        return dialog

    def open_connection(self) -> Any:
        """The database connection; a new choice takes effect when LoanSight next starts
        (the open screens keep the database they were opened on)."""
        from desktop.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.prefs, self.runner, self)
        dialog.accepted.connect(
            lambda: self.note.setText(
                _t("The new database connection is used the next time LoanSight starts.")
            )
        )
        dialog.open()
        return dialog

    def _map_group(self) -> QGroupBox:
        group = QGroupBox(_t("Map"))
        form = QFormLayout(group)
        self.map_provider = QComboBox()
        for code, name in (
            ("none", _t("None: offline grid (no internet needed)")),
            ("tianditu", _t("Tianditu (needs a key)")),
            ("autonavi", _t("AutoNavi (Gaode), GCJ-02")),
            ("osm", _t("OpenStreetMap")),
            ("custom", _t("Intranet tile server")),
        ):
            self.map_provider.addItem(name, code)
        self.map_provider.setCurrentIndex(max(0, self.map_provider.findData(self.prefs.get(MAP_PROVIDER))))
        form.addRow(_t("Tile provider"), self.map_provider)
        self.tianditu_key = QLineEdit(self.prefs.get(TIANDITU_KEY))
        self.tianditu_key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.tianditu_key.setPlaceholderText(_t("the key issued by Tianditu for this bank"))
        form.addRow(_t("Tianditu key"), self.tianditu_key)
        self.custom_tile_url = QLineEdit(self.prefs.get(CUSTOM_TILE_URL))
        self.custom_tile_url.setPlaceholderText("https://tiles.example.bank/{z}/{x}/{y}.png")
        form.addRow(_t("Intranet tile address"), self.custom_tile_url)
        self.custom_tile_crs = QComboBox()
        for crs in TILE_CRSES:
            self.custom_tile_crs.addItem(crs, crs)
        self.custom_tile_crs.setCurrentIndex(
            max(0, self.custom_tile_crs.findData(self.prefs.get(CUSTOM_TILE_CRS)))
        )
        form.addRow(_t("Intranet tiles' coordinate system"), self.custom_tile_crs)
        self.map_provider.currentIndexChanged.connect(self._on_map_provider_changed)
        self._on_map_provider_changed()
        return group

    def _on_map_provider_changed(self) -> None:
        kind = self.map_provider.currentData()
        self.tianditu_key.setEnabled(kind == "tianditu")
        self.custom_tile_url.setEnabled(kind == "custom")
        self.custom_tile_crs.setEnabled(kind == "custom")

    def _load_store(self) -> None:
        def load(session: Any) -> str:
            from data.models import AppSetting
            from data.settings import PHOTO_STORE_KEY

            row = session.get(AppSetting, PHOTO_STORE_KEY)
            return row.value if row else ""

        self.runner.read(load, self.photo_store.setText, label="photo store setting", owner=self)

    def _browse_store(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _t("Photo store"))
        if folder:
            self.photo_store.setText(native_folder(folder))

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _t("Add a source folder"))
        if folder:
            self.sources.addItem(native_folder(folder))

    def _add_url(self) -> None:
        url, ok = QInputDialog.getText(self, _t("Add feed URL"), _t("Feed base URL"))
        if ok and url.strip().lower().startswith(("http://", "https://")):
            self.sources.addItem(url.strip())

    def sources_list(self) -> list[str]:
        return [self.sources.item(i).text() for i in range(self.sources.count())]

    def _save(self) -> None:
        kind = self.map_provider.currentData()
        url = self.custom_tile_url.text().strip()
        if kind == "custom" and check_custom_template(url):
            self.note.setText(
                _t(
                    "The intranet tile address must be an http:// or https:// address with {z}, {x} and {y} in it."
                )
            )
            self.custom_tile_url.setFocus()
            return
        if kind == "tianditu" and not self.tianditu_key.text().strip():
            self.note.setText(_t("Tianditu needs a key."))
            self.tianditu_key.setFocus()
            return
        self.prefs.set(MAP_PROVIDER, kind)
        self.prefs.set(TIANDITU_KEY, self.tianditu_key.text().strip())
        self.prefs.set(CUSTOM_TILE_URL, url)
        self.prefs.set(CUSTOM_TILE_CRS, self.custom_tile_crs.currentData())
        self.prefs.set(LANGUAGE, self.language.currentData())
        self.prefs.set(IDLE_LOCK_MINUTES, self.idle.value())
        self.prefs.set(SOURCES, self.sources_list())
        store = self.photo_store.text().strip()
        if self.user.role == "ADMIN":
            actor = self.user.employee_no

            def save(session: Any) -> tuple[None, Changes]:
                from data import audit
                from data.models import AppSetting
                from data.settings import PHOTO_STORE_KEY

                row = session.get(AppSetting, PHOTO_STORE_KEY)
                old = row.value if row else ""
                if store != old:
                    if row is None:
                        session.add(AppSetting(key=PHOTO_STORE_KEY, value=store))
                    else:
                        row.value = store
                    audit.append(
                        session,
                        actor,
                        "SET_PHOTO_STORE",
                        "setting",
                        PHOTO_STORE_KEY,
                        {"old": old, "new": store},
                    )
                return None, Changes(frozenset({"app_settings"}))

            self.runner.write(save, label="save photo store", owner=self)
        self.accept()
