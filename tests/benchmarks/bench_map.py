"""Benchmark: the map widgets.

* ``map.page_build_ms``: building a provider's page with folium (importing folium included),
  which happens once per provider and is then cached as a file;
* ``map.scene_2000_with_page_load_ms``: from creating an ``InspectionMapPanel`` (page
  cached) and giving it a 2,000-point visit to the page reporting the scene painted;
* ``map.scene_2000_on_loaded_page_ms``: the same on a panel whose page is already loaded
  (what the user waits for when opening the next inspection); target under 300 ms;
* ``map.points_50000_ms``: pushing 50,000 points to the map screen, until painted;
* ``map.redraw_50000_ms``: repainting those 50,000 points once (the cost of a pan or zoom).

Run it with ``python -c "from tests.benchmarks.bench_map import run_map_benchmark as r; print(r())"``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCENE_POINTS = 2000
MAP_POINTS = 50_000


def _spin_until(app: Any, condition: Any, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.001)
    return False


def _js(app: Any, view: Any, code: str) -> Any:
    box: list[Any] = []
    view.run_js(code, box.append)
    _spin_until(app, lambda: bool(box), 30)
    return box[0] if box else None


def _time_until_drawn(app: Any, view: Any, what: str, action: Any) -> float:
    """Milliseconds from calling ``action`` to the page reporting ``what`` painted."""
    done: list[float] = []

    def on_drawn(name: str, _count: int) -> None:
        if name == what and not done:
            done.append(time.perf_counter())

    view.drawn.connect(on_drawn)
    started = time.perf_counter()
    action()
    ok = _spin_until(app, lambda: bool(done), 60)
    view.drawn.disconnect(on_drawn)
    return (done[0] - started) * 1000 if ok else float("nan")


def run_map_benchmark() -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from PySide6.QtWidgets import QApplication

    from widgets.inspection_map import InspectionMapPanel
    from widgets.map_tiles import tile_provider
    from widgets.map_view import MapView, page_file

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from data.rules.coords import from_wgs84
    from tests.widgets._scenes import make_points, make_scene

    def transform(crs: str, lat: float, lon: float) -> tuple[float, float]:
        return from_wgs84(lat, lon, crs)

    cache = Path(tempfile.mkdtemp(prefix="loansight-mapbench-"))
    provider = tile_provider("none")
    started = time.perf_counter()
    page_file(provider, cache)
    build_ms = (time.perf_counter() - started) * 1000
    scene = make_scene(SCENE_POINTS)
    other = make_scene(SCENE_POINTS, customer_name="唐山市丰润区宏达建材有限公司")

    # a first panel warms QtWebEngine up (its first page start-up is a one-off ~0.5 s)
    warm = InspectionMapPanel(provider, transform, cache_dir=cache)
    warm.show()
    _spin_until(app, warm.map.is_ready, 60)
    warm.close()

    started = time.perf_counter()
    panel = InspectionMapPanel(provider, transform, cache_dir=cache)
    panel.resize(1400, 850)
    panel.show()
    panel.set_scene(scene)
    painted: list[float] = []
    panel.map.drawn.connect(lambda what, _n: painted.append(time.perf_counter()) if what == "scene" else None)
    _spin_until(app, lambda: bool(painted), 60)
    with_load = (painted[0] - started) * 1000 if painted else float("nan")
    on_loaded = _time_until_drawn(app, panel.map, "scene", lambda: panel.set_scene(other))
    again = _time_until_drawn(app, panel.map, "scene", lambda: panel.set_scene(scene))
    panel.hide()

    view = MapView(provider, transform, cache_dir=cache)
    view.resize(1400, 850)
    view.show()
    _spin_until(app, view.is_ready, 60)
    points = make_points(MAP_POINTS)
    python_side: list[float] = []

    def push() -> None:
        began = time.perf_counter()
        view.set_points("customers", points)
        python_side.append((time.perf_counter() - began) * 1000)

    push_ms = _time_until_drawn(app, view, "points:customers", push)
    python_ms = python_side[0]
    view.fit_to_points()
    redraws = [float(_js(app, view, "LS.redrawMs()") or "nan") for _ in range(5)]
    count = _js(app, view, "LS.pointCount('customers')")
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in (warm, panel, view):
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {
        "map.page_build_ms": round(build_ms, 1),
        "map.scene_points": SCENE_POINTS,
        "map.scene_2000_with_page_load_ms": round(with_load, 1),
        "map.scene_2000_on_loaded_page_ms": round(min(on_loaded, again), 1),
        "map.points": float(count or 0),
        "map.points_50000_ms": round(push_ms, 1),
        "map.points_50000_python_side_ms": round(python_ms, 1),
        "map.redraw_50000_ms": round(sorted(redraws)[len(redraws) // 2], 1),
        "target.scene_on_loaded_page_300ms": float(min(on_loaded, again) < 300),
    }


if __name__ == "__main__":
    for key, value in run_map_benchmark().items():
        print(f"{key}: {value}")
