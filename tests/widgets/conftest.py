"""Fixtures for the map widgets: no network at all, a shared page cache, local tile servers.

Chromium's host resolver is told that no name exists, so no test can reach the internet
even if the page's own guards failed; tile servers are local HTTP servers on 127.0.0.1
(an address needs no name resolution).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

_NO_DNS = '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
if _NO_DNS not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""):
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
        os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " " + _NO_DNS
    ).strip()

# a 1×1 PNG tile
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e2271f4e0000000049454e44ae426082"
)


class TileServer:
    """A local HTTP server that answers every GET with a PNG and records the paths."""

    def __init__(self) -> None:
        requests: list[str] = []
        self.requests = requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def other_server() -> Iterator[TileServer]:
    """Another host (origin) the page must never reach."""
    server = TileServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def map_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page cache for the session: each provider's page is built once."""
    return tmp_path_factory.mktemp("map-pages")


def wgs84_to(crs: str, lat: float, lon: float) -> tuple[float, float]:
    from data.rules.coords import from_wgs84

    return from_wgs84(lat, lon, crs)


@pytest.fixture
def make_map(qtbot: Any, map_cache: Path) -> Callable[..., Any]:
    """``make_map(provider)`` → a shown MapView whose page is loaded and listening."""
    from widgets.map_view import MapView

    def make(provider: Any, *, wait: bool = True) -> Any:
        view = MapView(provider, wgs84_to, cache_dir=map_cache)
        qtbot.addWidget(view)
        view.resize(900, 650)
        view.show()
        if wait:
            qtbot.waitUntil(view.is_ready, timeout=20_000)
        return view

    return make


@pytest.fixture
def make_panel(qtbot: Any, map_cache: Path) -> Callable[..., Any]:
    from widgets.inspection_map import InspectionMapPanel

    def make(provider: Any) -> Any:
        panel = InspectionMapPanel(provider, wgs84_to, cache_dir=map_cache)
        qtbot.addWidget(panel)
        panel.resize(1200, 750)
        panel.show()
        qtbot.waitUntil(panel.map.is_ready, timeout=20_000)
        return panel

    return make


@pytest.fixture
def js(qtbot: Any) -> Callable[[Any, str], Any]:
    """``js(view, expression)`` → the expression's value (through JSON), waiting for it."""

    def run(view: Any, expression: str) -> Any:
        box: list[Any] = []
        view.run_js(f"JSON.stringify({expression})", box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        return None if box[0] in (None, "") else json.loads(box[0])

    return run
