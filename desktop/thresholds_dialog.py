"""Where the authenticity checks draw their lines: one set for every desktop on the database.

Head-office risk managers and administrators change them; everyone else reads them. Saving
is audited with the old and new values and recomputes every inspection's flags in the
background (the status bar shows the work; the screens refresh when it is done).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Changes, TaskRunner

EDITORS = ("HEAD_RISK", "ADMIN")


def _t(text: str) -> str:
    return QCoreApplication.translate("Thresholds", text)


def _fields() -> list[tuple[str, str, str, float, float]]:
    """(field, label, suffix, minimum, maximum) in the order the rules are listed."""
    metres, minutes, kmh = _t(" m"), _t(" min"), _t(" km/h")
    return [
        ("checkin_min_m", _t("Check-in: farthest from the customer"), metres, 10, 5000),
        ("checkin_accuracy_factor", _t("Check-in: or this many times its accuracy"), "×", 0, 10),
        ("photo_min_m", _t("Photo: farthest from the check-in"), metres, 10, 5000),
        ("photo_accuracy_factor", _t("Photo: or this many times the check-in accuracy"), "×", 0, 10),
        ("photo_time_margin_min", _t("Photo time: margin around the visit"), minutes, 0, 720),
        ("duplicate_max_distance", _t("Near-duplicate photo, same category (pHash bits)"), "", 0, 24),
        ("duplicate_cross_category_max_distance", _t("Near-duplicate photo, other category (pHash bits)"), "", 0, 24),
        ("short_visit_min", _t("Shortest visit"), minutes, 0, 240),
        ("max_travel_kmh", _t("Fastest travel between visits"), kmh, 10, 1000),
        ("spoof_identical_points", _t("Mock location: identical fixes in a row"), "", 2, 100),
        ("spoof_max_kmh", _t("Mock location: fastest jump inside a track"), kmh, 50, 5000),
        ("shared_device_days", _t("Shared device: within"), _t(" days"), 1, 365),
        ("copy_similarity", _t("Copied report: similarity at least"), "", 0.5, 1.0),
        ("copy_min_chars", _t("Copied report: shortest conclusion compared"), _t(" characters"), 0, 500),
    ]


class ThresholdsDialog(QDialog):
    def __init__(self, runner: TaskRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.editable = user.role in EDITORS
        self.setWindowTitle(_t("Authenticity check thresholds"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _t("These limits apply to every desktop on this database. Saving recomputes every inspection's flags.")
            if self.editable
            else _t("These limits apply to every desktop on this database; only head-office risk managers and administrators change them.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self._types: dict[str, type] = {}
        from data.rules.authenticity import Thresholds

        for f in dataclasses.fields(Thresholds):
            self._types[f.name] = int if f.type in ("int", int) else float
        for name, label, suffix, low, high in _fields():
            box: QSpinBox | QDoubleSpinBox
            if self._types[name] is int:
                box = QSpinBox()
                box.setRange(int(low), int(high))
            else:
                box = QDoubleSpinBox()
                box.setDecimals(2 if high <= 10 else 0)
                box.setSingleStep(0.01 if high <= 1 else 0.5 if high <= 10 else 10)
                box.setRange(low, high)
            box.setSuffix(suffix)
            box.setEnabled(self.editable)
            self.editors[name] = box
            form.addRow(label, box)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            if self.editable
            else QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.loaded = False

        def load(session: Any) -> Any:
            from data.authenticity import load_thresholds_in

            return load_thresholds_in(session)

        self.runner.read(load, self._show, label="authenticity thresholds", owner=self)

    def _show(self, thresholds: Any) -> None:
        for name, box in self.editors.items():
            box.setValue(getattr(thresholds, name))
        self.loaded = True

    def values(self) -> Any:
        from data.rules.authenticity import Thresholds

        return Thresholds(**{name: self._types[name](box.value()) for name, box in self.editors.items()})

    def _save(self) -> None:
        if not self.editable or not self.loaded:
            self.reject()
            return
        thresholds, actor, runner = self.values(), self.user.employee_no, self.runner

        def save(session: Any) -> tuple[bool, Changes]:
            from data.authenticity import save_thresholds_in

            return save_thresholds_in(session, thresholds, actor), Changes(frozenset({"app_settings"}))

        def saved(changed: bool) -> None:
            if not changed:
                return

            def recompute() -> int:
                from data.authenticity import recompute_all

                return recompute_all(runner.db)

            runner.run(
                recompute,
                lambda _n: runner.changed.emit(Changes(frozenset({"inspection_flags"}))),
                label="recompute authenticity flags",
                exclusive=True,
            )

        runner.write(save, saved, label="save authenticity thresholds")
        self.accept()
