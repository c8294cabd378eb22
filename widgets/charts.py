"""Dashboard charts on pyqtgraph: stacked bars, lines, a matrix (heat map).

Plain values in (keys, labels, colours, numbers), a signal out naming what was clicked by
its keys, so the screen decides what the click opens. pyqtgraph is imported with this
module: the screens import it only when a chart is first shown, so start-up stays fast.

Every chart answers ``element_center(...)`` with the widget point where an element is
drawn (what a test, or a keyboard user's "open", needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QLabel, QToolTip, QVBoxLayout, QWidget

#: (key, label) of a category or point on the x axis
Category = tuple[str, str]
#: (key, label, colour) of a series
Series = tuple[str, str, str]

_TEXT = "#37474f"


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


class _Chart(QWidget):
    """A titled pyqtgraph plot with panning and zooming off (a dashboard chart is read,
    not explored) and an "empty" message when there is nothing to draw."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet(f"color: {_TEXT}; font-size: 11pt; font-weight: 600;")
        self.hint_label = QLabel("")
        self.hint_label.setStyleSheet("color: #78909c; font-size: 8pt;")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(170)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.view = self.plot.getViewBox()
        self.view.setMouseEnabled(x=False, y=False)
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen("#90a4ae"))
            axis.setTextPen(pg.mkPen(_TEXT))
        self._empty = pg.TextItem("", color="#90a4ae", anchor=(0.5, 0.5))
        self._empty.setFont(QFont(self.font().family(), 11))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.hint_label)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(palette)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_moved)
        self._legend: Any = None

    def sizeHint(self) -> QSize:
        return QSize(480, 280)  # the plot's own hint is tall: a dashboard fits a screen

    def set_title(self, title: str, hint: str = "") -> None:
        self.title_label.setText(title)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))

    def _clear(self) -> None:
        self.plot.clear()
        self.plot.showAxis("left")
        self.plot.showAxis("bottom")
        if self._legend is not None:
            self._legend.scene().removeItem(self._legend) if self._legend.scene() else None
            self._legend = None

    def _show_empty(self, message: str) -> None:
        self._clear()
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self._empty.setText(message)
        self.plot.addItem(self._empty)
        self.view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self._empty.setPos(0.5, 0.5)

    def _add_legend(self, series: Sequence[Series], items: Sequence[Any]) -> None:
        self._legend = pg.LegendItem(offset=(-4, 4), labelTextColor=_TEXT, colCount=min(len(series), 5))
        self._legend.setParentItem(self.view)
        for item, (_key, label, _colour) in zip(items, series, strict=True):
            self._legend.addItem(item, label)

    def _view_point(self, scene_pos: QPointF) -> QPointF | None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            return None
        return self.view.mapSceneToView(scene_pos)

    def _widget_point(self, x: float, y: float) -> QPoint:
        scene = self.view.mapViewToScene(QPointF(x, y))
        return self.plot.mapFromScene(scene)

    def _on_scene_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._view_point(event.scenePos())
        if point is not None:
            self._clicked_at(point, bool(event.double()))

    def _on_scene_moved(self, scene_pos: QPointF) -> None:
        point = self._view_point(scene_pos)
        text = self._tooltip_at(point) if point is not None else ""
        if text:
            QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos)), text, self.plot)
        else:
            QToolTip.hideText()

    def _clicked_at(self, point: QPointF, double: bool) -> None:
        """A click at ``point`` (view coordinates); each chart says what was hit."""

    def _tooltip_at(self, point: QPointF) -> str:
        return ""


class StackedBarChart(_Chart):
    """Bars of categories (units), each stacked by series (tiers, sources…).

    ``bar_clicked(category, series)`` on a click on a segment; with
    ``double_click=True`` a single click waits out the double-click interval so that
    ``bar_double_clicked`` can mean something else (drill down vs. open the list)."""

    bar_clicked = Signal(str, str)
    bar_double_clicked = Signal(str, str)
    WIDTH = 0.62

    def __init__(self, title: str = "", *, double_click: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._categories: list[Category] = []
        self._series: list[Series] = []
        self._values: list[list[float]] = []
        self._double_click = double_click
        self._pending: tuple[str, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._emit_single)

    def set_data(
        self,
        categories: Sequence[Category],
        series: Sequence[Series],
        values: Sequence[Sequence[float]],
        empty_message: str = "",
    ) -> None:
        """``values[s][c]``: the size of series ``s`` in category ``c``."""
        self._categories = list(categories)
        self._series = list(series)
        self._values = [list(v) for v in values]
        if not categories or not any(any(v) for v in self._values):
            self._show_empty(empty_message)
            return
        self._clear()
        n = len(categories)
        bottom = [0.0] * n
        items = []
        for (_key, _label, colour), heights in zip(self._series, self._values, strict=True):
            item = pg.BarGraphItem(
                x=list(range(n)),
                height=heights,
                y0=list(bottom),
                width=self.WIDTH,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen("w", width=0.5),
            )
            self.plot.addItem(item)
            items.append(item)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        limit = 10 if n <= 6 else 6
        self.plot.getAxis("bottom").setTicks(
            [[(i, _short(label, limit)) for i, (_k, label) in enumerate(categories)]]
        )
        self.plot.getAxis("left").setTicks(None)
        top = max(bottom) or 1.0
        self.view.setRange(xRange=(-0.6, n - 0.4), yRange=(0, top * 1.22), padding=0)
        self._add_legend(self._series, items)

    def element_at(self, x: float, y: float) -> tuple[str, str] | None:
        index = round(x)
        if not 0 <= index < len(self._categories) or abs(x - index) > self.WIDTH / 2 or y < 0:
            return None
        level = 0.0
        for (key, _label, _colour), heights in zip(self._series, self._values, strict=True):
            if heights[index] and level <= y < level + heights[index]:
                return self._categories[index][0], key
            level += heights[index]
        return None

    def element_center(self, category: str, series: str) -> QPoint:
        index = next(i for i, (k, _l) in enumerate(self._categories) if k == category)
        level = 0.0
        for (key, _label, _colour), heights in zip(self._series, self._values, strict=True):
            if key == series:
                return self._widget_point(index, level + heights[index] / 2)
            level += heights[index]
        raise KeyError(series)

    def _clicked_at(self, point: QPointF, double: bool) -> None:
        hit = self.element_at(point.x(), point.y())
        if hit is None:
            return
        if not self._double_click:
            self.bar_clicked.emit(*hit)
        elif double:
            self._timer.stop()
            self._pending = None
            self.bar_double_clicked.emit(*hit)
        else:
            self._pending = hit
            self._timer.start(QApplication.doubleClickInterval())

    def _emit_single(self) -> None:
        if self._pending is not None:
            hit, self._pending = self._pending, None
            self.bar_clicked.emit(*hit)

    def _tooltip_at(self, point: QPointF) -> str:
        hit = self.element_at(point.x(), point.y())
        if hit is None:
            return ""
        c = next(i for i, (k, _l) in enumerate(self._categories) if k == hit[0])
        s = next(i for i, (k, _l, _c) in enumerate(self._series) if k == hit[1])
        value = self._values[s][c]
        return f"{self._categories[c][1]} · {self._series[s][1]}: {value:,.0f}"


class LineChart(_Chart):
    """Lines over labelled x positions (months, weeks); ``point_clicked(x, series)``."""

    point_clicked = Signal(str, str)
    HIT_PX = 14

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._xs: list[Category] = []
        self._series: list[Series] = []
        self._values: list[list[float]] = []

    def set_data(
        self,
        xs: Sequence[Category],
        series: Sequence[Series],
        values: Sequence[Sequence[float]],
        empty_message: str = "",
    ) -> None:
        self._xs = list(xs)
        self._series = list(series)
        self._values = [list(v) for v in values]
        if not xs or not any(any(v) for v in self._values):
            self._show_empty(empty_message)
            return
        self._clear()
        n = len(xs)
        items = []
        for (_key, _label, colour), ys in zip(self._series, self._values, strict=True):
            item = pg.PlotDataItem(
                list(range(n)),
                ys,
                pen=pg.mkPen(colour, width=2.5),
                symbol="o",
                symbolSize=8,
                symbolBrush=pg.mkBrush(colour),
                symbolPen=pg.mkPen("w"),
            )
            self.plot.addItem(item)
            items.append(item)
        step = max(1, n // 12)
        self.plot.getAxis("bottom").setTicks(
            [[(i, label) for i, (_k, label) in enumerate(xs) if i % step == 0]]
        )
        self.plot.getAxis("left").setTicks(None)
        top = max(max(v) for v in self._values) or 1.0
        self.view.setRange(xRange=(-0.5, n - 0.5), yRange=(0, top * 1.22), padding=0)
        self._add_legend(self._series, items)

    def element_center(self, x: str, series: str) -> QPoint:
        i = next(n for n, (k, _l) in enumerate(self._xs) if k == x)
        s = next(n for n, (k, _l, _c) in enumerate(self._series) if k == series)
        return self._widget_point(i, self._values[s][i])

    def _nearest(self, point: QPointF) -> tuple[int, int] | None:
        scene = self.view.mapViewToScene(point)
        best: tuple[float, int, int] | None = None
        for s, ys in enumerate(self._values):
            for i, y in enumerate(ys):
                at = self.view.mapViewToScene(QPointF(i, y))
                d = (at.x() - scene.x()) ** 2 + (at.y() - scene.y()) ** 2
                if best is None or d < best[0]:
                    best = (d, i, s)
        if best is None or best[0] > self.HIT_PX**2:
            return None
        return best[1], best[2]

    def _clicked_at(self, point: QPointF, double: bool) -> None:
        hit = self._nearest(point)
        if hit is not None:
            self.point_clicked.emit(self._xs[hit[0]][0], self._series[hit[1]][0])

    def _tooltip_at(self, point: QPointF) -> str:
        hit = self._nearest(point)
        if hit is None:
            return ""
        i, s = hit
        return f"{self._xs[i][1]} · {self._series[s][1]}: {self._values[s][i]:,.0f}"


class MatrixChart(_Chart):
    """A matrix of counts (e.g. tier last month → tier now), each cell tinted with its
    column's colour by its share of the largest cell; ``cell_clicked(row, column)``."""

    cell_clicked = Signal(str, str)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.plot.showGrid(x=False, y=False)
        self.view.invertY(True)
        self._rows: list[Category] = []
        self._cols: list[Series] = []
        self._values: list[list[int]] = []

    def set_data(
        self,
        rows: Sequence[Category],
        columns: Sequence[Series],
        values: Sequence[Sequence[int]],
        row_title: str = "",
        column_title: str = "",
        empty_message: str = "",
    ) -> None:
        """``values[r][c]``; a column's colour tints its cells."""
        self._rows = list(rows)
        self._cols = list(columns)
        self._values = [list(v) for v in values]
        if not rows or not any(any(v) for v in self._values):
            self._show_empty(empty_message)
            return
        self._clear()
        top = max(max(v) for v in self._values) or 1
        for r, row in enumerate(self._values):
            for c, value in enumerate(row):
                colour = QColor(self._cols[c][2])
                colour.setAlphaF(0.08 + 0.85 * (value / top) ** 0.5 if value else 0.03)
                rect = QGraphicsRectItem(QRectF(c - 0.5, r - 0.5, 1, 1))
                rect.setBrush(QBrush(colour))
                rect.setPen(QPen(QColor("white"), 0))
                self.plot.addItem(rect)
                text = pg.TextItem(
                    f"{value:,}", color="#102027" if value / top < 0.6 else "w", anchor=(0.5, 0.5)
                )
                if r == c:
                    text.setFont(QFont(self.font().family(), 9, QFont.Weight.Bold))
                text.setPos(c, r)
                self.plot.addItem(text)
        self.plot.getAxis("bottom").setTicks([[(c, label) for c, (_k, label, _col) in enumerate(self._cols)]])
        self.plot.getAxis("left").setTicks([[(r, label) for r, (_k, label) in enumerate(self._rows)]])
        self.plot.setLabel("left", row_title, color=_TEXT)
        self.plot.setLabel("bottom", column_title, color=_TEXT)
        self.plot.showAxis("left")
        self.plot.showAxis("bottom")
        self.view.setRange(
            xRange=(-0.5, len(self._cols) - 0.5), yRange=(-0.5, len(self._rows) - 0.5), padding=0
        )

    def element_at(self, x: float, y: float) -> tuple[str, str] | None:
        c, r = round(x), round(y)
        if 0 <= r < len(self._rows) and 0 <= c < len(self._cols):
            return self._rows[r][0], self._cols[c][0]
        return None

    def element_center(self, row: str, column: str) -> QPoint:
        r = next(i for i, (k, _l) in enumerate(self._rows) if k == row)
        c = next(i for i, (k, _l, _col) in enumerate(self._cols) if k == column)
        return self._widget_point(c, r)

    def _clicked_at(self, point: QPointF, double: bool) -> None:
        hit = self.element_at(point.x(), point.y())
        if hit is not None:
            self.cell_clicked.emit(*hit)

    def _tooltip_at(self, point: QPointF) -> str:
        hit = self.element_at(point.x(), point.y())
        if hit is None:
            return ""
        r = next(i for i, (k, _l) in enumerate(self._rows) if k == hit[0])
        c = next(i for i, (k, _l, _col) in enumerate(self._cols) if k == hit[1])
        return f"{self._rows[r][1]} → {self._cols[c][1]}: {self._values[r][c]:,}"
