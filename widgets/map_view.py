"""The map: a folium-built Leaflet page in a locked-down QWebEngineView, fed JSON from Python.

**Page.** folium builds a base page once per tile provider (map, tile layers, scale bar,
canvas rendering) and it is cached as a file; importing folium (about a second) only
happens when that file must be built. Leaflet (from the ``django-js-lib-leaflet`` package),
Qt's ``qwebchannel.js`` and our ``resources/map/loansight-map.js`` are inlined into it, so
the page is one self-contained file with no sub-resources at all: it works with no
network, and nothing else needs to be readable from it. folium's CDN assets (jQuery,
Bootstrap, Font Awesome, awesome-markers) are dropped: nothing here uses them. The file is
``load()``-ed, never ``setHtml()``-ed (which silently fails past 2 MB). Data is pushed in
afterwards with ``runJavaScript`` as JSON (points are drawn as canvas circle markers: 50,000
of them stay smooth), and clicks come back through a QWebChannel as typed signals.

**Hardening.** Each map has its own off-the-record ``QWebEngineProfile`` (no disk cache,
no cookies) whose request interceptor lets through exactly two things: the page file itself
and image requests to the configured tile server's origins; everything else (other files,
other hosts, ``qrc:``, websockets…) is blocked. The page's Content-Security-Policy repeats
that (``default-src 'none'``, scripts only by the SHA-256 of the page's own inline scripts,
images only from the tile origins), so even a text that slipped through as HTML could not
run a script. Local content may not read file URLs or remote URLs
(``LocalContentCanAccessFileUrls``/``…RemoteUrls`` off), may not open windows
(``JavascriptCanOpenWindows`` off and ``createWindow`` refused), may not navigate anywhere
but its own file, and gets no permissions, downloads, clipboard or context menu. Every text
from the caller reaches the page as JSON and is shown as a DOM text node (``textContent``).
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import logging
import os
import re
import sys
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject, QStandardPaths, Qt, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from widgets.map_scene import (
    InspectionScene,
    LegendEntry,
    MapPoint,
    PreparedPoints,
    Transform,
    points_payload,
    scene_payload,
)
from widgets.map_tiles import BAD_CUSTOM_URL, NO_TIANDITU_KEY, TileProvider

log = logging.getLogger(__name__)

#: every map alive: QtWebEngine must see each page deleted before its profile, and both
#: before the application object, or the process crashes on the way out
_LIVE: weakref.WeakSet[MapView] = weakref.WeakSet()


def release_all_maps() -> None:
    """Delete every map's page, then its profile (at quit and at interpreter exit)."""
    for view in list(_LIVE):
        view.release()


atexit.register(release_all_maps)  # registered after PySide's own clean-up, so it runs first

#: where the page starts before any data arrives (Hebei)
HOME = (38.04, 114.51)
HOME_ZOOM = 7
_PAGE_VERSION = "1"  # bump when the page's structure changes (old cached pages are ignored)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

__all__ = ["InspectionScene", "LegendEntry", "MapPoint", "MapView", "Transform", "build_page", "page_file"]


def _t(text: str) -> str:
    return QCoreApplication.translate("Map", text)


# -- the page -------------------------------------------------------------------------------


def _app_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def _leaflet_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Leaflet is missing: install django-js-lib-leaflet")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


def _qrc_text(path: str) -> str:
    file = QFile(path)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"{path} is missing from Qt's resources")
    try:
        return bytes(file.readAll().data()).decode("utf-8")
    finally:
        file.close()


def _assets() -> dict[str, str]:
    leaflet = _leaflet_dir()
    css = (leaflet / "leaflet.css").read_text("utf-8")
    # the layer-switcher and default-marker images are never used; keep the page self-contained
    css = re.sub(r"url\(images/[^)]*\)", "none", css)
    return {
        "leaflet.js": (leaflet / "leaflet.js").read_text("utf-8"),
        "leaflet.css": css,
        "qwebchannel.js": _qrc_text(":/qtwebchannel/qwebchannel.js"),
        "loansight-map.js": (_app_root() / "resources" / "map" / "loansight-map.js").read_text("utf-8"),
    }


_STYLE = """
.leaflet-container { background: #f3f1ec; font: 12px/1.4 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; }
.ls-text { white-space: pre; }
.ls-label { background: rgba(255, 255, 255, 0.88); border: 1px solid #b9bec7; border-radius: 3px;
  box-shadow: none; padding: 1px 5px; font-weight: 600; color: #2b2f36; }
.ls-label::before { display: none; }
.ls-legend { background: rgba(255, 255, 255, 0.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); line-height: 1.6; }
.ls-legend-title { font-weight: 600; margin-bottom: 2px; }
.ls-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  border: 1px solid #30343b; margin-right: 6px; vertical-align: -1px; }
"""


def _inline_script(code: str) -> str:
    if "</script" in code.lower():
        raise ValueError("an inlined script may not contain </script")
    return f"<script>{code}</script>"


def build_page(provider: TileProvider) -> str:
    """The base page for ``provider``: folium's map with our scripts, no external asset."""
    import folium  # a second to import: only when a page must be built

    fmap = folium.Map(
        location=list(HOME),
        zoom_start=HOME_ZOOM,
        tiles=None,
        prefer_canvas=True,
        max_zoom=20,
    )
    # folium's defaults come from CDNs; Leaflet is inlined below and nothing uses the rest
    fmap.default_js = []
    fmap.default_css = []
    for layer in provider.layers:
        folium.TileLayer(
            tiles=layer.url,
            attr=provider.attribution or " ",
            subdomains=layer.subdomains or "abc",
            max_zoom=20,
            max_native_zoom=layer.max_zoom,
            name=provider.kind,
        ).add_to(fmap)
    html = fmap.get_root().render()
    assets = _assets()
    head = (
        f"<style>{assets['leaflet.css']}</style><style>{_STYLE}</style>"
        + _inline_script(assets["leaflet.js"])
        + _inline_script(assets["qwebchannel.js"])
        + _inline_script(assets["loansight-map.js"])
    )
    html = html.replace("<head>", "<head>" + head, 1)
    html = html.replace("</html>", _inline_script(f"LS.start({fmap.get_name()});") + "</html>")
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"
        for code in _SCRIPT.findall(html)
    )
    images = " ".join(sorted(provider.allowed_origins))
    policy = (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: {images}; "
        "connect-src 'none'; font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
        "worker-src 'none'; base-uri 'none'; form-action 'none'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>" + meta, 1)


def default_cache_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)) / "map-pages"


def page_file(provider: TileProvider, cache_dir: Path | None = None) -> Path:
    """The page for ``provider``, built and written only if no cached one fits."""
    folder = cache_dir or default_cache_dir()
    identity = json.dumps(
        [
            _PAGE_VERSION,
            provider.kind,
            provider.crs,
            provider.attribution,
            [(layer.url, layer.subdomains, layer.max_zoom) for layer in provider.layers],
            sorted(provider.allowed_origins),
            _asset_stamp(),
        ]
    )
    path = folder / f"map-{hashlib.sha256(identity.encode()).hexdigest()[:20]}.html"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(build_page(provider), encoding="utf-8")
        if provider.kind == "tianditu":
            partial.chmod(0o600)  # the Tianditu key is in the tile URLs
        partial.replace(path)
    return path


def _asset_stamp() -> list[Any]:
    """What identifies the inlined assets' versions (cheap: sizes and modification times)."""
    stamp: list[Any] = []
    for path in (
        _leaflet_dir() / "leaflet.js",
        _app_root() / "resources" / "map" / "loansight-map.js",
    ):
        info = path.stat()
        stamp.append([path.name, info.st_size, info.st_mtime_ns])
    stamp.append(QCoreApplication.applicationVersion())
    return stamp


# -- the hardened browser -------------------------------------------------------------------


def _same_file(url: QUrl, page: QUrl) -> bool:
    """``url`` is the page's own file (a fragment aside)."""
    return (
        url.isLocalFile()
        and page.isLocalFile()
        and not url.hasQuery()
        and url.host() == ""
        and url.toLocalFile() == page.toLocalFile()
    )


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Lets the page load its own file and the tile server's images, and nothing else."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page_url = QUrl()
        self.origins: frozenset[str] = frozenset()
        self.blocked: list[str] = []  # the last few blocked URLs, for the log and the tests

    def allows(self, url: QUrl, resource_type: QWebEngineUrlRequestInfo.ResourceType) -> bool:
        scheme = url.scheme()
        if scheme == "file":
            return _same_file(url, self.page_url)
        if scheme in ("http", "https"):
            default = 443 if scheme == "https" else 80
            port = url.port(default)
            host = url.host().lower()
            origin = f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"
            return (
                origin in self.origins
                and resource_type == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeImage
            )
        return scheme == "data"

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if not self.allows(url, info.resourceType()):
            info.block(True)
            text = url.toString()[:200]
            log.info("map page: blocked %s", text)
            self.blocked = [*self.blocked[-49:], text]


class _MapPage(QWebEnginePage):
    """A page that opens no windows, goes nowhere but its own file and logs its console."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.home = QUrl()
        self.windows_refused = 0
        self.navigations_refused = 0
        self.permissionRequested.connect(lambda permission: permission.deny())
        self.fileSystemAccessRequested.connect(lambda request: request.reject())

    def createWindow(  # type: ignore[override]  # Qt takes a null page as "no window"
        self, _type: QWebEnginePage.WebWindowType
    ) -> QWebEnginePage | None:
        self.windows_refused += 1
        return None

    def acceptNavigationRequest(
        self, url: QUrl | str, _type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        allowed = is_main_frame and _same_file(QUrl(url), self.home)
        if not allowed:
            self.navigations_refused += 1
        return allowed

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        # Qt's default prints page errors as Qt warnings; they belong in our log
        log.info("map page console (%s) %s:%s %s", level.name, source[-60:], line, message)


def _harden(settings: QWebEngineSettings) -> None:
    attr = QWebEngineSettings.WebAttribute
    for attribute, on in (
        (attr.JavascriptEnabled, True),
        (attr.JavascriptCanOpenWindows, False),
        (attr.JavascriptCanAccessClipboard, False),
        (attr.JavascriptCanPaste, False),
        (attr.LocalContentCanAccessFileUrls, False),
        (attr.LocalContentCanAccessRemoteUrls, False),
        (attr.LocalStorageEnabled, False),
        (attr.PluginsEnabled, False),
        (attr.PdfViewerEnabled, False),
        (attr.AllowRunningInsecureContent, False),
        (attr.AllowGeolocationOnInsecureOrigins, False),
        (attr.AllowWindowActivationFromJavaScript, False),
        (attr.NavigateOnDropEnabled, False),
        (attr.XSSAuditingEnabled, True),
        (attr.ScreenCaptureEnabled, False),
        (attr.WebRTCPublicInterfacesOnly, True),
        (attr.DnsPrefetchEnabled, False),
        (attr.FocusOnNavigationEnabled, False),
        (attr.ErrorPageEnabled, False),
    ):
        settings.setAttribute(attribute, on)
    settings.setUnknownUrlSchemePolicy(QWebEngineSettings.UnknownUrlSchemePolicy.DisallowUnknownUrlSchemes)


class _Bridge(QObject):
    """The object the page calls (QWebChannel); it turns calls into Qt signals."""

    page_ready = Signal()
    point_clicked = Signal(str, str)  # kind, id
    layer_drawn = Signal(str, int)
    tiles_changed = Signal(bool)

    @Slot()
    def pageReady(self) -> None:
        self.page_ready.emit()

    @Slot(str, str)
    def pointClicked(self, kind: str, ident: str) -> None:
        self.point_clicked.emit(str(kind)[:40], str(ident)[:200])

    @Slot(str, int)
    def layerDrawn(self, what: str, count: int) -> None:
        self.layer_drawn.emit(str(what)[:200], int(count))

    @Slot(bool)
    def tilesChanged(self, good: bool) -> None:
        self.tiles_changed.emit(bool(good))


# -- the widget -----------------------------------------------------------------------------


class MapView(QWidget):
    """A map: points, a legend, an inspection's scene; clicks come back as signals.

    State is kept here and pushed to the page when it is ready (and again after the page is
    reloaded for another provider), so callers may set data at any time.
    """

    ready = Signal()  # the page is loaded and listening
    customer_clicked = Signal(str)  # customer number
    inspection_clicked = Signal(int)
    photo_clicked = Signal(int)
    element_clicked = Signal(str)  # a scene element's ref: check_in, check_out, customer
    point_clicked = Signal(str, str)  # kind, id (every click, whatever its kind)
    drawn = Signal(str, int)  # "scene" or "points:<layer>", count: painted on the page
    tiles_failing_changed = Signal(bool)

    def __init__(
        self,
        provider: TileProvider,
        transform: Transform | None = None,
        *,
        cache_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._transform = transform
        self._cache_dir = cache_dir
        self._provider = provider
        self._ready = False
        self._points: dict[str, list[MapPoint]] = {}
        self._prepared: dict[str, PreparedPoints | None] = {}
        self._legend: tuple[str, list[LegendEntry]] = ("", [])
        self._scene: InspectionScene | None = None
        self._highlight: list[str] = []
        self._replay: float | None = None
        self._fit = False
        self._tiles_failing = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("mapBanner")
        self.banner.setStyleSheet(
            "#mapBanner { background: #fff4ce; color: #5c4400; border-bottom: 1px solid #e0c872; padding: 5px 8px; }"
        )
        self.banner.hide()
        layout.addWidget(self.banner)
        self.web = QWebEngineView(self)
        self.web.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.web.setAcceptDrops(False)
        layout.addWidget(self.web, 1)
        # no storage name: off the record. A profile must outlive its pages: it is this
        # widget's child created after the view, so the view (and the page, its child) are
        # deleted first
        self.profile = QWebEngineProfile(self)
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self.profile.setSpellCheckEnabled(False)
        self.profile.downloadRequested.connect(lambda download: download.cancel())
        self.guard = RequestGuard(self.profile)
        self.profile.setUrlRequestInterceptor(self.guard)
        self.page = _MapPage(self.profile, self.web)
        _harden(self.page.settings())
        self.web.setPage(self.page)
        self.bridge = _Bridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.page_ready.connect(self._on_page_ready)
        self.bridge.point_clicked.connect(self._on_point_clicked)
        self.bridge.layer_drawn.connect(self.drawn)
        self.bridge.tiles_changed.connect(self._on_tiles_changed)
        _LIVE.add(self)
        app = QCoreApplication.instance()
        if app is not None and not getattr(app, "_loansight_maps_released_on_quit", False):
            app.aboutToQuit.connect(release_all_maps)
            app._loansight_maps_released_on_quit = True  # type: ignore[attr-defined]
        self._released = False
        self._load()

    def release(self) -> None:
        """Delete the page and then the profile now. The widget shows nothing afterwards;
        for the end of its life (the application quitting, the interpreter exiting)."""
        if self._released:
            return
        self._released = True
        _LIVE.discard(self)
        import shiboken6

        for obj in (self.page, self.profile):
            if shiboken6.isValid(obj):
                shiboken6.delete(obj)

    # -- public API ---------------------------------------------------------------------

    @property
    def provider(self) -> TileProvider:
        return self._provider

    def is_ready(self) -> bool:
        return self._ready

    def tiles_failing(self) -> bool:
        return self._tiles_failing

    def set_provider(self, provider: TileProvider) -> None:
        """Switch tile provider: the page is reloaded and everything redrawn."""
        if provider != self._provider:
            self._provider = provider
            self._load()

    def set_points(
        self, layer: str, points: Sequence[MapPoint], prepared: PreparedPoints | None = None
    ) -> None:
        """Draw ``points`` as the layer ``layer`` (replacing what it had).

        Points are painted in colour groups, in the order each colour first appears, so put
        the points that must stay visible where they crowd (the highest risk) last.
        ``prepared`` is the page's form of the same points made off the GUI thread
        (:func:`prepare_points`); tens of thousands of points cost a few hundred
        milliseconds to convert and serialise. It is used while the provider's datum is the
        one it was made for."""
        self._points[layer] = list(points)
        self._prepared[layer] = prepared
        if self._ready:
            self._push_points(layer)

    def clear_points(self, layer: str | None = None) -> None:
        for name in [layer] if layer is not None else list(self._points):
            self.set_points(name, [])
            del self._points[name]
            self._prepared.pop(name, None)

    def fit_to_points(self) -> None:
        """Zoom to show every point and the scene."""
        self._fit = True
        if self._ready:
            self._js("LS.fit()")

    def set_legend(self, entries: Sequence[LegendEntry], title: str = "") -> None:
        """Show a legend (an empty list hides it)."""
        self._legend = (title, list(entries))
        if self._ready:
            self._push_legend()

    def set_scene(self, scene: InspectionScene | None) -> None:
        """Draw an inspection's scene (track, check-in/out, registered place, photos)."""
        self._scene = scene
        self._highlight = []
        self._replay = None
        if self._ready:
            self._push_scene()

    def highlight(self, refs: Sequence[str]) -> None:
        """Mark scene elements (see ``widgets.map_scene`` for the refs) and zoom to them."""
        self._highlight = list(refs)
        if self._ready:
            self._js(f"LS.highlight({json.dumps(self._highlight)})")

    def replay_to(self, seconds: float | None) -> None:
        """Draw the scene's track up to ``seconds`` after its first point (None: all of it)."""
        self._replay = seconds
        if self._ready:
            self._js(f"LS.replay({json.dumps(seconds)})")

    def run_js(self, code: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run JavaScript in the page (tests, benchmarks)."""
        if callback is None:
            self.page.runJavaScript(code, 0)
        else:
            self.page.runJavaScript(code, 0, callback)

    # -- page life ----------------------------------------------------------------------

    def _project(self, lat: float, lon: float) -> tuple[float, float]:
        crs = self._provider.crs
        if crs == "WGS84" or self._transform is None:
            return lat, lon
        return self._transform(crs, lat, lon)

    def _load(self) -> None:
        if self._provider.crs != "WGS84" and self._transform is None:
            raise ValueError(f"a {self._provider.crs} map needs a transform from WGS-84")
        self._ready = False
        self._set_tiles_failing(False)
        path = page_file(self._provider, self._cache_dir)
        url = QUrl.fromLocalFile(str(path))
        self.guard.page_url = url
        self.guard.origins = self._provider.allowed_origins
        self.page.home = url
        # QtWebEngine refuses a file:// page every remote sub-resource, even a tile <img>,
        # unless this is on; the request guard (image requests to the tile origins only)
        # and the page's CSP (img-src those origins, connect-src 'none') keep the limit.
        self.page.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, not self._provider.offline
        )
        self._update_banner()
        self.page.load(url)

    def _on_page_ready(self) -> None:
        self._ready = True
        _title, entries = self._legend
        if entries:
            self._push_legend()
        for layer in self._points:
            self._push_points(layer)
        if self._scene is not None:
            self._push_scene()
        if self._fit:
            self._js("LS.fit()")
        self.ready.emit()

    def _push_points(self, layer: str) -> None:
        prepared = self._prepared.get(layer)
        if prepared is not None and prepared.crs == self._provider.crs:
            body = prepared.json
        else:
            body = json.dumps(points_payload(self._points[layer], self._project), ensure_ascii=False)
        self._js(f"LS.setPoints({json.dumps(layer)},{body})")

    def _push_legend(self) -> None:
        title, entries = self._legend
        rows = [[entry.label, entry.colour] for entry in entries]
        self._js(f"LS.setLegend({json.dumps(title)},{json.dumps(rows, ensure_ascii=False)})")

    def _push_scene(self) -> None:
        if self._scene is None:
            self._js("LS.clearScene()")
            return
        payload = scene_payload(self._scene, self._project)
        self._js(f"LS.setScene({json.dumps(payload, ensure_ascii=False)})")
        if self._replay is not None:
            self._js(f"LS.replay({json.dumps(self._replay)})")
        if self._highlight:
            self._js(f"LS.highlight({json.dumps(self._highlight)})")

    def _js(self, code: str) -> None:
        self.page.runJavaScript(code, 0)

    # -- events from the page -----------------------------------------------------------

    def _on_point_clicked(self, kind: str, ident: str) -> None:
        self.point_clicked.emit(kind, ident)
        if kind == "customer":
            self.customer_clicked.emit(ident)
        elif kind == "inspection" and ident.lstrip("-").isdigit():
            self.inspection_clicked.emit(int(ident))
        elif kind == "photo" and ident.lstrip("-").isdigit():
            self.photo_clicked.emit(int(ident))
        elif kind == "element":
            self.element_clicked.emit(ident)

    def _on_tiles_changed(self, good: bool) -> None:
        self._set_tiles_failing(not good)
        self._update_banner()

    def _set_tiles_failing(self, failing: bool) -> None:
        if failing != self._tiles_failing:
            self._tiles_failing = failing
            self.tiles_failing_changed.emit(failing)

    def _provider_name(self, kind: str) -> str:
        names = {
            "tianditu": _t("Tianditu"),
            "autonavi": _t("AutoNavi"),
            "osm": _t("OpenStreetMap"),
            "custom": _t("the intranet tile server"),
        }
        return names.get(kind, kind)

    def _update_banner(self) -> None:
        problem = self._provider.problem
        if problem == NO_TIANDITU_KEY:
            text = _t(
                "Tianditu needs a key (Settings → Map). The map shows an offline grid under the points."
            )
        elif problem == BAD_CUSTOM_URL:
            text = _t(
                "The intranet tile address is not an http(s) address with {z}, {x} and {y} in it (Settings → Map). The map shows an offline grid under the points."
            )
        elif self._tiles_failing:
            text = _t(
                "Map tiles cannot be loaded from {provider}. The map shows an offline grid under the points and keeps working."
            ).format(provider=self._provider_name(self._provider.kind))
        else:
            text = ""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
