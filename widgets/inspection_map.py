"""An inspection on the map: the visit's scene, a time slider that replays it, its flags.

``InspectionMapPanel`` puts a ``MapView`` (track coloured from the first point to the last,
check-in and check-out with their accuracy circles, the registered location with its
geofence, photos at the app's place joined to their EXIF place) above a replay bar (play,
pause, a slider over the track's duration) and beside the list of authenticity flags.
Selecting a flag marks on the map what it is about and shows its evidence.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from widgets.map_scene import InspectionScene, SceneFlag, Transform
from widgets.map_tiles import TileProvider
from widgets.map_view import MapView

#: slider steps over the track's duration
REPLAY_STEPS = 1000
#: a full replay lasts about this long
REPLAY_MS = 12_000
_TICK_MS = 40
_SEVERITY_COLOURS = {"high": "#d7191c", "medium": "#f28e00", "low": "#2c7bb6"}


def _t(text: str) -> str:
    return QCoreApplication.translate("InspectionMap", text)


def _dot(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("#30343b"))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class InspectionMapPanel(QWidget):
    """The map of one inspection with its replay bar and flags list."""

    photo_clicked = Signal(int)  # a photo's id
    element_clicked = Signal(str)  # check_in, check_out or customer
    flag_selected = Signal(int)  # index into the scene's flags (-1: none)

    def __init__(
        self,
        provider: TileProvider,
        transform: Transform | None = None,
        *,
        cache_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._scene: InspectionScene | None = None
        self.map = MapView(provider, transform, cache_dir=cache_dir)
        self.map.photo_clicked.connect(self.photo_clicked)
        self.map.element_clicked.connect(self.element_clicked)

        self.play_button = QToolButton()
        self.play_button.setAutoRaise(True)
        self.play_button.setIconSize(QSize(20, 20))
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, REPLAY_STEPS)
        self.slider.setValue(REPLAY_STEPS)
        self.slider.setPageStep(REPLAY_STEPS // 20)
        self.slider.setToolTip(_t("Drag to replay the visit; at the right end the whole track is drawn"))
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.time_label = QLabel()
        self.time_label.setMinimumWidth(190)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._on_tick)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.play_button)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.time_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.map, 1)
        left_layout.addLayout(bar)

        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.flags.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.flags.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.flags.setIconSize(QSize(12, 12))
        self.flags.currentRowChanged.connect(self._on_flag_row)
        self.evidence = QLabel()
        self.evidence.setWordWrap(True)
        self.evidence.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.evidence.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence.setMinimumHeight(90)
        self.flags_title = QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 6, 6, 6)
        right_layout.addWidget(self.flags_title)
        right_layout.addWidget(self.flags, 1)
        right_layout.addWidget(self.evidence)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 280])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_play_state()
        self.set_scene(None)

    # -- public API ---------------------------------------------------------------------

    def scene(self) -> InspectionScene | None:
        return self._scene

    def set_provider(self, provider: TileProvider) -> None:
        self.map.set_provider(provider)

    def set_scene(self, scene: InspectionScene | None) -> None:
        self.pause()
        self._scene = scene
        self.slider.blockSignals(True)
        self.slider.setValue(REPLAY_STEPS)
        self.slider.blockSignals(False)
        can_replay = scene is not None and scene.track_seconds > 0
        self.slider.setEnabled(can_replay)
        self.play_button.setEnabled(can_replay)
        self.map.set_scene(scene)
        self.flags.blockSignals(True)
        self.flags.clear()
        for flag in scene.flags if scene else ():
            item = QListWidgetItem(_dot(_SEVERITY_COLOURS.get(flag.severity, "#8a8f99")), flag.label)
            item.setToolTip(flag.evidence)
            item.setData(Qt.ItemDataRole.UserRole, flag.code)
            self.flags.addItem(item)
        self.flags.setCurrentRow(-1)
        self.flags.blockSignals(False)
        count = len(scene.flags) if scene else 0
        self.flags_title.setText(
            _t("Flags ({count})").format(count=count) if count else _t("No authenticity flags")
        )
        self.evidence.clear()
        self._show_time()

    def selected_flag(self) -> SceneFlag | None:
        row = self.flags.currentRow()
        if self._scene is None or not 0 <= row < len(self._scene.flags):
            return None
        return self._scene.flags[row]

    def select_flag(self, index: int) -> None:
        self.flags.setCurrentRow(index)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if not self.slider.isEnabled():
            return
        if self.slider.value() >= REPLAY_STEPS:
            self.slider.setValue(0)
        self._timer.start()
        self._show_play_state()

    def pause(self) -> None:
        self._timer.stop()
        self._show_play_state()

    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def replay_seconds(self) -> float | None:
        """Where the replay is, in seconds after the first track point (None: the whole track)."""
        if self._scene is None or self.slider.value() >= REPLAY_STEPS:
            return None
        return self._scene.track_seconds * self.slider.value() / REPLAY_STEPS

    # -- events -------------------------------------------------------------------------

    def _on_tick(self) -> None:
        step = max(1, round(REPLAY_STEPS * _TICK_MS / REPLAY_MS))
        value = min(REPLAY_STEPS, self.slider.value() + step)
        self.slider.setValue(value)
        if value >= REPLAY_STEPS:
            self.pause()

    def _on_slider_moved(self, _value: int) -> None:
        self.map.replay_to(self.replay_seconds())
        self._show_time()

    def _on_flag_row(self, row: int) -> None:
        flag = self.selected_flag()
        self.evidence.setText(flag.evidence if flag else "")
        self.map.highlight(list(flag.related) if flag else [])
        self.flag_selected.emit(row if flag else -1)

    def _show_play_state(self) -> None:
        playing = self.is_playing()
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip(_t("Pause the replay") if playing else _t("Replay the visit"))

    def _show_time(self) -> None:
        scene = self._scene
        if scene is None or not scene.track:
            self.time_label.setText(_t("No track"))
            return
        seconds = self.replay_seconds()
        if seconds is None:
            self.time_label.setText(
                _t("Whole track, {duration}").format(duration=_duration(scene.track_seconds))
            )
            return
        clock = (scene.track[0].time + timedelta(seconds=seconds)).strftime("%H:%M:%S")
        self.time_label.setText(
            _t("{clock} ({elapsed} of {duration})").format(
                clock=clock, elapsed=_duration(seconds), duration=_duration(scene.track_seconds)
            )
        )
