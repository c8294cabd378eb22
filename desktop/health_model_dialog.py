"""The risk health check's model: versioned data every desktop shares, not code.

Everyone sees the active version and its numbers. A head-office risk manager edits them,
previews how many customers would move between tiers in each branch (a DRAFT version is
stored for the edits, or the draft already holding exactly these numbers is reused), and
applies the previewed draft: it becomes the active model, everyone is re-scored for the
date the preview compared against, and both steps are audited.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Changes, TaskRunner

EDITORS = ("HEAD_RISK",)
#: the tables applying a model rewrites (the health check's own), and the model versions
APPLY_CHANGES = frozenset({"health_scores", "post_loan_tasks", "customer_issues", "health_models"})
#: what the two numbers of each band are called in the parameter keys
_PAIR_NAMES = {"overdue_bands": ("days_over", "points"), "trend_bands": ("rise", "points")}
#: shown first: what a risk manager tunes most
_FIRST = ("tier_thresholds", "half_life_days")


def _t(text: str) -> str:
    return QCoreApplication.translate("HealthModel", text)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def flatten(params: Mapping[str, Any]) -> list[tuple[str, int | float]]:
    """Every numeric parameter of a model's dict as (dotted key, value): mappings by their
    keys, bands by their index and the name of each number; text values (the
    classification floors) are left out."""
    names = [n for n in _FIRST if n in params] + [n for n in params if n not in _FIRST]
    out: list[tuple[str, int | float]] = []
    for name in names:
        value = params[name]
        if _number(value):
            out.append((name, value))
        elif isinstance(value, Mapping):
            out.extend((f"{name}.{k}", v) for k, v in value.items() if _number(v))
        elif isinstance(value, (list, tuple)):
            labels = _PAIR_NAMES.get(name, ("0", "1"))
            for i, pair in enumerate(value):
                for j, v in enumerate(pair):
                    if _number(v):
                        out.append((f"{name}.{i}.{labels[j] if j < len(labels) else j}", v))
    return out


def unflatten(base: Mapping[str, Any], values: Mapping[str, int | float]) -> dict[str, Any]:
    """``base`` (a model's dict) with the dotted keys' values put in place."""
    out = copy.deepcopy(dict(base))
    for key, value in values.items():
        name, _, rest = key.partition(".")
        if not rest:
            out[name] = value
        elif isinstance(out[name], Mapping):
            out[name] = {**out[name], rest: value}
        else:
            index, _, label = rest.partition(".")
            labels = _PAIR_NAMES.get(name, ("0", "1"))
            j = labels.index(label) if label in labels else int(label)
            pairs = [list(p) for p in out[name]]
            pairs[int(index)][j] = value
            out[name] = pairs
    return out


@dataclass(frozen=True)
class ActiveModel:
    version: int | None  # None: the database has none yet (the defaults apply)
    params: dict[str, Any]
    note: str
    applied_at: dt.datetime | None
    applied_by: str | None


@dataclass(frozen=True)
class Preview:
    version: int
    params: dict[str, Any]
    as_of: dt.date
    scored: int  # customers with a stored score for as_of
    moves: dict[str, dict[str, dict[str, int]]]  # branch → from tier → to tier → count
    branches: dict[str, str]  # code → name

    @property
    def total(self) -> int:
        return sum(n for by_from in self.moves.values() for by_to in by_from.values() for n in by_to.values())

    @property
    def moved(self) -> int:
        return sum(
            n
            for by_from in self.moves.values()
            for frm, by_to in by_from.items()
            for to, n in by_to.items()
            if frm != to
        )


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def load_active(session: Any) -> ActiveModel:
    from sqlalchemy import select

    from data.models import HealthModelVersion
    from data.rules.health import HealthModel

    row = session.execute(
        select(HealthModelVersion).where(HealthModelVersion.status == "ACTIVE")
    ).scalar_one_or_none()
    if row is None:
        return ActiveModel(None, HealthModel().to_dict(), "", None, None)
    params = HealthModel.from_dict(row.params).to_dict()
    return ActiveModel(int(row.version), params, row.note or "", row.applied_at, row.applied_by)


def draft_for(session: Any, params: dict[str, Any], actor: str, note: str) -> tuple[int, bool]:
    """The DRAFT version holding exactly ``params`` (the newest such), or a new one;
    returns (version, created)."""
    from sqlalchemy import select

    from data.health import create_model_version
    from data.models import HealthModelVersion
    from data.rules.health import HealthModel

    model = HealthModel.from_dict(params)
    canonical = model.to_dict()
    drafts = session.execute(
        select(HealthModelVersion.version, HealthModelVersion.params)
        .where(HealthModelVersion.status == "DRAFT")
        .order_by(HealthModelVersion.version.desc())
    ).all()
    for version, stored in drafts:
        if _same(HealthModel.from_dict(stored).to_dict(), canonical):
            return int(version), False
    return create_model_version(session, model, actor, note), True


def preview_in(session: Any, version: int) -> Preview:
    from sqlalchemy import func, select

    from data.health import latest_as_of, model_version_in, preview_model, today_cst
    from data.models import Branch, HealthScore

    _status, model = model_version_in(session, version)
    as_of = latest_as_of(session) or today_cst()
    moves = preview_model(session, version, as_of)
    scored = session.execute(
        select(func.count()).select_from(HealthScore).where(HealthScore.as_of == as_of)
    ).scalar_one()
    branches = {str(code): str(name) for code, name in session.execute(select(Branch.code, Branch.name))}
    return Preview(version, model.to_dict(), as_of, int(scored), moves, branches)


class HealthModelDialog(QDialog):
    def __init__(self, runner: TaskRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.editable = user.role in EDITORS
        self.active: ActiveModel | None = None
        self.preview: Preview | None = None
        self.loaded = False
        self.busy = False
        self.setWindowTitle(_t("Risk model"))
        self.resize(760, 720)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _t(
                "The risk health check scores every customer with this model. Edit the numbers, "
                "preview who would move between tiers, then apply: applying re-scores everyone."
            )
            if self.editable
            else _t(
                "The risk health check scores every customer with this model; only head-office "
                "risk managers change it."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.version_label = QLabel(_t("Loading…"))
        self.version_label.setWordWrap(True)
        layout.addWidget(self.version_label)

        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_t("Parameter"), _t("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 3)
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}

        note_row = QHBoxLayout()
        note_row.addWidget(QLabel(_t("Note")))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_t("why this version (kept with it and in the audit trail)"))
        self.note_edit.setReadOnly(not self.editable)
        note_row.addWidget(self.note_edit, 1)
        layout.addLayout(note_row)

        actions = QHBoxLayout()
        self.preview_button = QPushButton(_t("Preview"))
        self.preview_button.clicked.connect(self.run_preview)
        self.apply_button = QPushButton(_t("Apply"))
        self.apply_button.clicked.connect(self.apply)
        self.busy_label = QLabel()
        for button in (self.preview_button, self.apply_button):
            button.setVisible(self.editable)
            button.setEnabled(False)
            actions.addWidget(button)
        actions.addWidget(self.busy_label, 1)
        layout.addLayout(actions)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.moves = QTableWidget(0, 4)
        self.moves.setHorizontalHeaderLabels([_t("Branch"), _t("From tier"), _t("To tier"), _t("Customers")])
        self.moves.verticalHeader().setVisible(False)
        self.moves.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.moves.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.moves.setVisible(self.editable)
        layout.addWidget(self.moves, 2)

        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._reload()

    # -- loading -------------------------------------------------------------------------

    def _reload(self) -> None:
        self.runner.read(load_active, self._show, label="health model", owner=self)

    def _show(self, active: ActiveModel) -> None:
        self.active = active
        if active.version is None:
            self.version_label.setText(_t("Active model: the defaults (no health check has run yet)"))
        else:
            text = _t("Active model: version %1").replace("%1", str(active.version))
            if active.applied_at is not None:
                from widgets.labels import local_time

                text += (
                    _t(", applied %1 by %2")
                    .replace("%1", local_time(active.applied_at))
                    .replace("%2", active.applied_by or "")
                )
            if active.note:
                text += _t(" (%1)").replace("%1", active.note)
            self.version_label.setText(text)
        rows = flatten(active.params)
        self.editors = {}
        self.table.setRowCount(len(rows))
        for r, (key, value) in enumerate(rows):
            item = QTableWidgetItem(key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, 0, item)
            box: QSpinBox | QDoubleSpinBox
            if isinstance(value, int):
                box = QSpinBox()
                box.setRange(0, 100_000)
                box.setValue(value)
            else:
                box = QDoubleSpinBox()
                box.setDecimals(2)
                box.setRange(0.0, 100_000.0)
                box.setValue(value)
            box.setEnabled(self.editable)
            box.valueChanged.connect(self._edited)
            self.editors[key] = box
            self.table.setCellWidget(r, 1, box)
        self.loaded = True
        self._update_buttons()

    # -- editing -------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        """The active model's dict with the edited numbers in place."""
        assert self.active is not None
        return unflatten(self.active.params, {key: box.value() for key, box in self.editors.items()})

    def _edited(self) -> None:
        self.message.clear()
        self._update_buttons()

    def previewed(self) -> bool:
        """Whether the preview shown is of the numbers now in the form."""
        return self.preview is not None and self.loaded and _same(self.preview.params, self._canonical())

    def _canonical(self) -> dict[str, Any] | None:
        from data.rules.health import HealthModel

        try:
            return HealthModel.from_dict(self.params()).to_dict()
        except ValueError:
            return None

    def _update_buttons(self) -> None:
        ready = self.editable and self.loaded and not self.busy
        self.preview_button.setEnabled(ready)
        self.apply_button.setEnabled(ready and self.previewed())

    def _set_busy(self, text: str) -> None:
        self.busy = bool(text)
        self.busy_label.setText(text)
        self._update_buttons()

    # -- preview -------------------------------------------------------------------------

    def run_preview(self) -> None:
        if not self.editable or not self.loaded or self.busy:
            return
        from data.rules.health import HealthModel

        try:
            params = HealthModel.from_dict(self.params()).to_dict()
        except ValueError as exc:
            self.message.setText(_t("These numbers cannot be a model: %1").replace("%1", str(exc)))
            return
        actor, note = self.user.employee_no, self.note_edit.text().strip()
        self.message.clear()
        self._set_busy(_t("Computing the preview… on a big bank this takes a while."))

        def store(session: Any) -> tuple[int, Changes]:
            version, created = draft_for(session, params, actor, note)
            return version, Changes(frozenset({"health_models"}) if created else frozenset())

        self.runner.write(store, self._compute, self._failed, label="health model draft", owner=self)

    def _compute(self, version: int) -> None:
        self.runner.read(
            lambda s: preview_in(s, version),
            self._show_preview,
            self._failed,
            label="health model preview",
            owner=self,
        )

    def _show_preview(self, preview: Preview) -> None:
        from widgets.labels import tier_name

        self.preview = preview
        self._set_busy("")
        rows: list[tuple[str, str, str, int]] = []
        for branch in sorted(preview.moves):
            for frm in sorted(preview.moves[branch], key=_tier_rank):
                for to in sorted(preview.moves[branch][frm], key=_tier_rank):
                    rows.append((branch, frm, to, preview.moves[branch][frm][to]))
        self.moves.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for r, (branch, frm, to, n) in enumerate(rows):
            name = preview.branches.get(branch)
            cells = [
                f"{name} ({branch})" if name else branch,
                _t("Not scored") if frm == "UNSCORED" else tier_name(frm),
                tier_name(to),
                str(n),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if frm != to:
                    item.setFont(bold)
                self.moves.setItem(r, c, item)
        self.summary.setText(
            _t("Draft version %1 against the scores of %2: %3 of %4 customers would change tier.")
            .replace("%1", str(preview.version))
            .replace("%2", preview.as_of.isoformat())
            .replace("%3", str(preview.moved))
            .replace("%4", str(preview.total))
        )
        self._update_buttons()

    # -- apply ---------------------------------------------------------------------------

    def apply(self) -> None:
        if not self.editable or self.busy or not self.previewed():
            return
        assert self.preview is not None
        version, as_of, actor = self.preview.version, self.preview.as_of, self.user.employee_no
        self._set_busy(_t("Applying the model and re-scoring every customer…"))

        def apply(session: Any) -> tuple[Any, Changes]:
            from data.health import apply_model

            return apply_model(session, version, actor, as_of), Changes(APPLY_CHANGES)

        self.runner.write(apply, self._applied, self._failed, label="apply health model", owner=self)

    def _applied(self, result: Any) -> None:
        self._set_busy("")
        self.preview = None
        self.moves.setRowCount(0)
        self.summary.clear()
        self.message.setText(
            _t("Version %1 is now the active model; %2 customers re-scored for %3.")
            .replace("%1", str(result.model_version))
            .replace("%2", str(result.customers))
            .replace("%3", result.as_of.isoformat())
        )
        self.loaded = False
        self._reload()

    def _failed(self, error: BaseException) -> None:
        self._set_busy("")
        from data.health import ModelNotDraft, UnknownModelVersion

        if isinstance(error, (ModelNotDraft, UnknownModelVersion, ValueError)):
            self.preview = None
            self.message.setText(
                _t("The model was not changed: %1. Preview again.").replace(
                    "%1", str(error) or type(error).__name__
                )
            )
            self._update_buttons()
            return
        self.runner.report_error(error, "health model")


def _tier_rank(tier: str) -> int:
    from data.rules.health import TIERS

    return TIERS.index(tier) if tier in TIERS else -1
