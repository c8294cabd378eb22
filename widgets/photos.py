"""Photo gallery (thumbnails) and photo viewer (zoom, pan, fit, rotate, full screen).

Both take plain values: a list of ``PhotoItem`` (a caption, a side-panel text and how to
get the image file). The gallery asks its owner for each thumbnail (``thumbnail_wanted``)
so thumbnails are made off the GUI thread; the viewer loads one full image at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QImageReader, QKeySequence, QPainter, QPixmap, QTransform
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("Photos", text)


@dataclass(frozen=True)
class PhotoItem:
    key: str  # stable id (e.g. the photo row id)
    caption: str
    details: str  # the side panel's text (category, times, places, EXIF, SHA-256)
    image_path: Callable[[], Path]  # where the original is


class PhotoGallery(QListWidget):
    """A strip or grid of thumbnails; double-click (or Enter) opens the viewer."""

    thumbnail_wanted = Signal(str)  # key
    photo_activated = Signal(int)  # index into the items

    def __init__(self, parent: QWidget | None = None, *, icon_size: int = 160) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(icon_size, icon_size))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setSpacing(6)
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self._items: list[PhotoItem] = []
        self._blank = QPixmap(icon_size, icon_size)
        self._blank.fill(Qt.GlobalColor.lightGray)
        self.itemActivated.connect(lambda item: self.photo_activated.emit(self.row(item)))

    def set_photos(self, items: Sequence[PhotoItem]) -> None:
        self.clear()
        self._items = list(items)
        for photo in self._items:
            item = QListWidgetItem(QIcon(self._blank), photo.caption)
            item.setData(Qt.ItemDataRole.UserRole, photo.key)
            item.setToolTip(photo.details)
            self.addItem(item)
            self.thumbnail_wanted.emit(photo.key)

    def photos(self) -> list[PhotoItem]:
        return list(self._items)

    def set_thumbnail(self, key: str, path: Path | None) -> None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                if path is None:
                    item.setText(item.text() + "\n" + _t("(image unavailable)"))
                else:
                    item.setIcon(QIcon(QPixmap(str(path))))
                return


class _ImageView(QGraphicsView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)  # pan by dragging
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.rotation = 0
        self.fit_mode = True

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self.item.setPixmap(pixmap)
        self.rotation = 0
        self.item.setTransformOriginPoint(self.item.boundingRect().center())
        self.item.setRotation(0)
        self.fit()

    def fit(self) -> None:
        self.fit_mode = True
        rect = self.item.sceneBoundingRect()
        if not rect.isEmpty():
            self.setSceneRect(rect)
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom(self, factor: float) -> None:
        self.fit_mode = False
        self.scale(factor, factor)

    def actual_size(self) -> None:
        self.fit_mode = False
        self.setTransform(QTransform())

    def rotate_by(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        self.item.setRotation(self.rotation)
        self.fit()

    def wheelEvent(self, event: Any) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.fit_mode:
            self.fit()

    def current_scale(self) -> float:
        return float(self.transform().m11())

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()


class PhotoViewer(QDialog):
    """One photo at a time with zoom, pan, fit, rotate, next/previous and full screen."""

    def __init__(self, items: Sequence[PhotoItem], index: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Photo viewer"))
        self.resize(1200, 800)
        self.items = list(items)
        self.index = index
        layout = QVBoxLayout(self)
        self.toolbar = QToolBar()
        layout.addWidget(self.toolbar)
        splitter = QSplitter()
        self.view = _ImageView()
        self.side = QLabel()
        self.side.setWordWrap(True)
        self.side.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.side.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.side.setMinimumWidth(280)
        side_box = QWidget()
        side_layout = QHBoxLayout(side_box)
        side_layout.addWidget(self.side)
        splitter.addWidget(self.view)
        splitter.addWidget(side_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.position = QLabel()
        layout.addWidget(self.position)
        self._action(_t("Previous"), QKeySequence(Qt.Key.Key_Left), self.previous)
        self._action(_t("Next"), QKeySequence(Qt.Key.Key_Right), self.next)
        self.toolbar.addSeparator()
        self._action(_t("Zoom in"), QKeySequence.StandardKey.ZoomIn, lambda: self.view.zoom(1.25))
        self._action(_t("Zoom out"), QKeySequence.StandardKey.ZoomOut, lambda: self.view.zoom(0.8))
        self._action(_t("Fit"), QKeySequence(Qt.Key.Key_F), self.view.fit)
        self._action(_t("Actual size"), QKeySequence(Qt.Key.Key_1), self.view.actual_size)
        self._action(_t("Rotate left"), QKeySequence(Qt.Key.Key_L), lambda: self.view.rotate_by(-90))
        self._action(_t("Rotate right"), QKeySequence(Qt.Key.Key_R), lambda: self.view.rotate_by(90))
        self.toolbar.addSeparator()
        self._action(_t("Full screen"), QKeySequence(Qt.Key.Key_F11), self.toggle_full_screen)
        self.show_current()

    def _action(
        self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def show_current(self) -> None:
        if not self.items:
            return
        item = self.items[self.index]
        reader = QImageReader(str(item.image_path()))
        reader.setAutoTransform(True)
        image = reader.read()
        if image.isNull():
            self.view.set_pixmap(QPixmap())
            self.side.setText(
                item.details
                + "\n\n"
                + _t("The image cannot be shown: {error}").format(error=reader.errorString())
            )
        else:
            self.view.set_pixmap(QPixmap.fromImage(image))
            self.side.setText(item.details)
        self.position.setText(
            _t("Photo {n} of {total}: {caption}").format(
                n=self.index + 1, total=len(self.items), caption=item.caption
            )
        )

    def next(self) -> None:
        if self.items:
            self.index = (self.index + 1) % len(self.items)
            self.show_current()

    def previous(self) -> None:
        if self.items:
            self.index = (self.index - 1) % len(self.items)
            self.show_current()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
