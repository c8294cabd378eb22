"""A table model that pages its rows in as the user scrolls.

The model holds only the pages fetched so far. When the view nears the end it calls
``fetchMore``; the model emits ``page_wanted(after)`` with the keyset of its last row, and
whoever owns the model (a view, through the task runner) answers with ``append_page``.
Sorting asks the owner for a fresh first page (``sort_requested``): sorting and filtering
happen in SQL, never in Python over every row.

The model knows nothing of the database: rows are plain objects; columns say how to show
them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
_ALIGN_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_NUMBER_INT = int(_ALIGN_NUMBER)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)


@dataclass(frozen=True)
class Column:
    """How one column shows a row: its title, text, and (optionally) sort key and style."""

    key: str
    title: Callable[[], str]
    text: Callable[[Any], str]
    sort_key: str | None = None  # None: not sortable
    numeric: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    foreground: Callable[[Any], QColor | None] | None = None
    width: int = 120
    extra: dict[str, Any] = field(default_factory=dict)


class KeysetTableModel(QAbstractTableModel):
    #: the owner should fetch the page after this keyset (None: the first page)
    page_wanted = Signal(object)
    #: the user asked to sort by this key; the owner reloads from the first page
    sort_requested = Signal(str, bool)

    def __init__(
        self,
        columns: Sequence[Column],
        keyset: Callable[[Any, str], tuple[Any, Any]],
        *,
        page_size: int = 200,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._keyset = keyset
        self._rows: list[Any] = []
        self._texts: dict[tuple[int, int], str] = {}
        self._page_size = page_size
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self.sort_key = next((c.sort_key for c in self._columns if c.sort_key), "")
        self.descending = True

    # -- loading ---------------------------------------------------------------------------

    def reset_rows(self) -> int:
        """Forget every row and ask for the first page; returns the new generation."""
        self.beginResetModel()
        self._rows = []
        self._texts = {}
        self._exhausted = False
        self._loading = True
        self._generation += 1
        self.endResetModel()
        self.page_wanted.emit(None)
        return self._generation

    @property
    def generation(self) -> int:
        return self._generation

    def append_page(self, rows: Sequence[Any], generation: int | None = None) -> None:
        """Add a fetched page. A page for an older generation (before a re-sort or a new
        filter) is dropped."""
        if generation is not None and generation != self._generation:
            return
        if len(rows) < self._page_size:
            self._exhausted = True
        if rows:
            first = len(self._rows)
            # still "loading" while the rows go in: a view that asks for more from its
            # rowsAboutToBeInserted handler must not fetch this same page again
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._loading = False

    def load_failed(self) -> None:
        self._loading = False

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading and bool(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading = True
        self.page_wanted.emit(self._keyset(self._rows[-1], self.sort_key))

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def exhausted(self) -> bool:
        """Every row of the current query is loaded."""
        return self._exhausted

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def columns(self) -> list[Column]:
        return list(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # painting calls this for every role of every visible cell, so it is kept lean:
        # plain int roles, one row/column lookup, each cell worded once
        r = index.row()
        if not (0 <= r < len(self._rows)):
            return None
        c = index.column()
        if role == _DISPLAY:
            key = (r, c)
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = self._columns[c].text(self._rows[r])
            return text
        column = self._columns[c]
        if role == _ALIGNMENT:
            return _ALIGN_NUMBER_INT if column.numeric else None
        if role == _FOREGROUND:
            if column.foreground is None:
                return None
            colour = column.foreground(self._rows[r])
            return QBrush(colour) if colour is not None else None
        if role == _TOOLTIP and column.tooltip is not None:
            return column.tooltip(self._rows[r])
        if role == _USER:
            return self._rows[r]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._columns)):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title()
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(_ALIGN_NUMBER)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self._columns)):
            return
        key = self._columns[column].sort_key
        if not key:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.sort_requested.emit(key, self.descending)

    def retranslate(self) -> None:
        self._texts = {}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self._columns) - 1))


def list_table(model: KeysetTableModel) -> QTableView:
    """The table every list screen shows its model in: whole rows selected one at a time,
    sorting by header click (the model sorts in SQL), movable columns at their set widths,
    fixed 24-pixel rows without numbers, one line a row, elided (wrapping text costs a
    layout per cell on every paint)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setStretchLastSection(True)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setDefaultSectionSize(24)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.setWordWrap(False)
    for i, column in enumerate(model.columns()):
        table.setColumnWidth(i, column.width)
    return table
