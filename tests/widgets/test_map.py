"""The map widgets: offline pages, the request guard, escaping, clicks, datums, replay, flags."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineUrlRequestInfo

from data.rules.coords import haversine_m, wgs84_to_gcj02
from tests.conftest import REPO
from tests.widgets._scenes import HOME, HOSTILE, make_points, make_scene
from widgets.map_scene import CHECK_IN, CUSTOMER, LegendEntry, MapPoint, format_distance
from widgets.map_tiles import (
    BAD_CUSTOM_URL,
    NO_TIANDITU_KEY,
    check_custom_template,
    tile_provider,
)

OFFLINE = tile_provider("none")
Image = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeImage
Xhr = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeXhr


def _drawn(view: Any, qtbot: Any, what: str) -> None:
    """Wait until the page reports ``what`` painted."""
    with qtbot.waitSignal(view.drawn, timeout=20_000, check_params_cb=lambda w, _n: w == what):
        pass


# -- providers (pure) --------------------------------------------------------------------


def test_providers_from_settings_values() -> None:
    assert tile_provider("none").offline
    tianditu = tile_provider("tianditu", tianditu_key="abc123")
    assert [layer.url.split("/")[3].split("?")[0] for layer in tianditu.layers] == ["vec_w", "cva_w"]
    assert "tk=abc123" in tianditu.layers[0].url
    assert tianditu.crs == "WGS84"
    assert tianditu.allowed_hosts == {f"t{i}.tianditu.gov.cn" for i in range(8)}
    assert tile_provider("autonavi").crs == "GCJ02"
    assert tile_provider("osm").allowed_origins == {"https://tile.openstreetmap.org"}
    custom = tile_provider("custom", custom_url="http://10.2.3.4:8080/t/{z}/{x}/{y}.png", custom_crs="GCJ02")
    assert custom.crs == "GCJ02"
    assert custom.allowed_origins == {"http://10.2.3.4:8080"}
    no_key = tile_provider("tianditu", tianditu_key=" ")
    assert no_key.offline
    assert no_key.problem == NO_TIANDITU_KEY
    assert no_key.requested == "tianditu"
    for bad in (
        "file:///tiles/{z}/{x}/{y}.png",
        "http://x/{z}/{x}.png",
        "javascript:alert(1)//{z}{x}{y}",
        'http://x/{z}/{x}/{y}.png"onload="',
    ):
        assert check_custom_template(bad) == BAD_CUSTOM_URL
        assert tile_provider("custom", custom_url=bad).problem == BAD_CUSTOM_URL
    assert tile_provider("nonsense").offline


def test_distances_are_worded() -> None:
    assert format_distance(61.4) == "61 m"
    assert format_distance(2343) == "2.3 km"


def test_folium_and_web_engine_are_not_imported_until_needed() -> None:
    code = (
        "import sys; import widgets.map_tiles, widgets.map_scene; "
        "assert 'PySide6.QtWebEngineCore' not in sys.modules; "
        "import widgets.inspection_map; assert 'folium' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# -- the page ------------------------------------------------------------------------------


def test_page_renders_with_no_network(make_map: Any, qtbot: Any, js: Any, map_cache: Path) -> None:
    view = make_map(OFFLINE)
    view.set_points("customers", make_points(25))
    view.set_legend([LegendEntry("高风险", "#d7191c"), LegendEntry("低风险", "#1a9641")], "风险等级")
    view.fit_to_points()
    _drawn(view, qtbot, "points:customers")
    assert js(view, "[typeof L, L.version]") == ["object", "1.9.4"]
    assert js(view, "LS.pointCount('customers')") == 25
    assert js(view, "document.querySelectorAll('.ls-legend-row').length") == 2
    # the page fetched nothing at all: every script and style is inside its one file
    assert js(view, "performance.getEntriesByType('resource').length") == 0
    page = Path(view.page.url().toLocalFile())
    assert page.parent == map_cache
    html = page.read_text("utf-8")
    assert "<script src" not in html
    assert "<link" not in html
    assert "cdn.jsdelivr" not in html
    assert "code.jquery" not in html
    assert "bootstrap" not in html
    assert "Content-Security-Policy" in html
    assert view.guard.blocked == []


def test_a_cached_page_is_not_rebuilt(make_map: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    make_map(OFFLINE)

    def no_build(_provider: Any) -> str:
        raise AssertionError("the cached page should have been used")

    monkeypatch.setattr("widgets.map_view.build_page", no_build)
    make_map(OFFLINE)


def test_the_guard_lets_through_only_the_page_and_the_tile_server(
    make_map: Any, qtbot: Any, tile_server: Any, other_server: Any
) -> None:
    provider = tile_provider("custom", custom_url=tile_server.origin + "/{z}/{x}/{y}.png")
    view = make_map(provider)
    qtbot.waitUntil(lambda: any(path.count("/") == 3 for path in tile_server.requests), timeout=20_000)
    assert not view.tiles_failing()
    assert not view.banner.isVisible()

    guard = view.guard
    assert guard.allows(QUrl(tile_server.origin + "/7/100/50.png"), Image)
    assert not guard.allows(QUrl(tile_server.origin + "/data.json"), Xhr)
    assert not guard.allows(QUrl(other_server.origin + "/7/100/50.png"), Image)
    assert not guard.allows(QUrl("https://evil.example.com/x.png"), Image)
    assert not guard.allows(QUrl.fromLocalFile("/etc/passwd"), Image)
    assert not guard.allows(QUrl("qrc:///qtwebchannel/qwebchannel.js"), Image)
    assert guard.allows(view.page.url(), QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame)

    # the interceptor on its own (no page CSP in the way): a bare page on the map's profile
    bare = QWebEnginePage(view.profile)
    try:
        bare.setHtml(
            f'<img src="{other_server.origin}/leak.png"><img src="{tile_server.origin}/1/2/3.png">',
            QUrl("about:blank"),
        )
        qtbot.waitUntil(lambda: "/1/2/3.png" in tile_server.requests, timeout=20_000)
        qtbot.waitUntil(lambda: any("/leak.png" in url for url in guard.blocked), timeout=20_000)
    finally:
        with qtbot.waitSignal(bare.destroyed, timeout=5_000):
            bare.deleteLater()
    assert other_server.requests == []


def test_hostile_texts_are_shown_as_text(make_panel: Any, qtbot: Any, js: Any) -> None:
    panel = make_panel(OFFLINE)
    view = panel.map
    view.set_points("customers", [MapPoint("C1", *HOME, "#d7191c", HOSTILE)])
    view.set_legend([LegendEntry(HOSTILE, "#d7191c")], HOSTILE)
    panel.set_scene(make_scene(50, customer_name=HOSTILE))
    _drawn(view, qtbot, "scene")
    assert js(view, "LS.hoverPoint('customers', 'C1')")
    assert js(view, "document.querySelector('.ls-tip').textContent") == HOSTILE
    assert js(view, "LS.clickElement('photo:103', 'mouseover')")
    assert HOSTILE in js(view, "document.querySelector('.ls-tip').textContent")
    assert js(view, "LS.clickElement('customer', 'mouseover')")
    assert HOSTILE in js(view, "document.querySelector('.ls-tip').textContent")
    assert HOSTILE in js(view, "document.querySelector('.ls-legend').textContent")
    assert (
        js(view, "document.querySelectorAll('.leaflet-container img, .leaflet-container script').length") == 0
    )
    assert js(view, "typeof window.__pwned") == "undefined"
    assert panel.flags.item(3).text().endswith(HOSTILE)
    panel.select_flag(3)
    assert panel.evidence.text() == HOSTILE


def test_clicks_come_back_as_typed_signals(make_panel: Any, qtbot: Any, js: Any) -> None:
    panel = make_panel(OFFLINE)
    view = panel.map
    view.set_points("customers", make_points(3))
    view.set_points("inspections", make_points(3, kind="inspection"))
    panel.set_scene(make_scene(50))
    _drawn(view, qtbot, "scene")
    with qtbot.waitSignal(view.customer_clicked, timeout=10_000) as customer:
        view.run_js("LS.clickPoint('customers', 'C0000002')")
    assert customer.args == ["C0000002"]
    with qtbot.waitSignal(view.inspection_clicked, timeout=10_000) as inspection:
        view.run_js("LS.clickPoint('inspections', 3)")
    assert inspection.args == [3]
    assert isinstance(inspection.args[0], int)
    with qtbot.waitSignal(panel.photo_clicked, timeout=10_000) as photo:
        view.run_js("LS.clickElement('exif:103')")
    assert photo.args == [103]
    with qtbot.waitSignal(panel.element_clicked, timeout=10_000) as element:
        view.run_js("LS.clickElement('check_in')")
    assert element.args == [CHECK_IN]


def test_the_page_opens_no_window_and_goes_nowhere(make_map: Any, qtbot: Any, js: Any) -> None:
    view = make_map(OFFLINE)
    home = view.page.url()
    assert js(view, "window.open('about:blank') === null")
    assert view.page.createWindow(QWebEnginePage.WebWindowType.WebBrowserWindow) is None
    view.run_js("location.href = 'http://127.0.0.1:9/'")
    qtbot.waitUntil(lambda: view.page.navigations_refused >= 1, timeout=10_000)
    assert view.page.url() == home
    assert js(view, "typeof LS") == "object"


def test_a_gcj02_provider_draws_wgs84_points_where_its_tiles_have_them(
    make_map: Any, qtbot: Any, js: Any
) -> None:
    view = make_map(tile_provider("autonavi"))
    view.set_points("customers", [MapPoint("C1", *HOME, "#d7191c", "客户")])
    _drawn(view, qtbot, "points:customers")
    lat, lon = js(view, "LS.pointLatLng('customers', 'C1')")
    expected = wgs84_to_gcj02(*HOME)
    assert math.isclose(lat, expected[0], abs_tol=1e-6)
    assert math.isclose(lon, expected[1], abs_tol=1e-6)
    assert 300 < haversine_m(lat, lon, *HOME) < 800  # GCJ-02 is ~500 m off in Hebei
    # the same data on a WGS-84 provider is drawn as stored
    view.set_provider(OFFLINE)
    qtbot.waitUntil(view.is_ready, timeout=20_000)
    _drawn(view, qtbot, "points:customers")
    lat, lon = js(view, "LS.pointLatLng('customers', 'C1')")
    assert math.isclose(lat, HOME[0], abs_tol=1e-6)
    assert math.isclose(lon, HOME[1], abs_tol=1e-6)


def test_failing_tiles_show_a_banner_and_the_map_keeps_working(make_map: Any, qtbot: Any, js: Any) -> None:
    provider = tile_provider("custom", custom_url="http://127.0.0.1:9/{z}/{x}/{y}.png")  # nothing listens
    view = make_map(provider, wait=False)
    with qtbot.waitSignal(view.tiles_failing_changed, timeout=20_000) as failing:
        pass
    assert failing.args == [True]
    assert view.banner.isVisible()
    assert "cannot be loaded" in view.banner.text()
    view.set_points("customers", make_points(5))
    _drawn(view, qtbot, "points:customers")
    assert js(view, "LS.pointCount('customers')") == 5


def test_a_provider_that_cannot_work_says_why(make_map: Any, js: Any) -> None:
    view = make_map(tile_provider("tianditu", tianditu_key=""))
    assert view.banner.isVisible()
    assert "key" in view.banner.text()
    assert js(view, "typeof L") == "object"


def test_the_slider_replays_the_visit(make_panel: Any, qtbot: Any, js: Any) -> None:
    panel = make_panel(OFFLINE)
    scene = make_scene(200)
    panel.set_scene(scene)
    _drawn(panel.map, qtbot, "scene")
    assert js(panel.map, "LS.replayState()") == {"drawnTo": None, "points": 200, "cursor": None}
    panel.slider.setValue(500)  # half-way through the time: the track's 100th point
    qtbot.waitUntil(lambda: (js(panel.map, "LS.replayState()") or {}).get("drawnTo") == 99, timeout=10_000)
    assert js(panel.map, "LS.replayState().cursor") is not None
    assert "00:22:30" in panel.time_label.text()
    panel.slider.setValue(panel.slider.maximum())
    qtbot.waitUntil(lambda: js(panel.map, "LS.replayState().drawnTo") is None, timeout=10_000)

    panel.play_button.click()  # from the start
    assert panel.is_playing()
    qtbot.waitUntil(lambda: 50 < panel.slider.value() < panel.slider.maximum(), timeout=10_000)
    panel.play_button.click()
    assert not panel.is_playing()
    stopped = panel.slider.value()
    qtbot.waitUntil(
        lambda: (js(panel.map, "LS.replayState()") or {}).get("cursor") is not None, timeout=10_000
    )
    assert panel.slider.value() == stopped


def test_selecting_a_flag_highlights_what_it_is_about(make_panel: Any, qtbot: Any, js: Any) -> None:
    panel = make_panel(OFFLINE)
    scene = make_scene(200)
    panel.set_scene(scene)
    _drawn(panel.map, qtbot, "scene")
    assert panel.flags.count() == len(scene.flags)
    with qtbot.waitSignal(panel.flag_selected, timeout=5_000) as selected:
        panel.select_flag(0)
    assert selected.args == [0]
    assert panel.evidence.text() == scene.flags[0].evidence
    qtbot.waitUntil(lambda: js(panel.map, "LS.highlightedRefs()") == [CHECK_IN, CUSTOMER], timeout=10_000)
    panel.select_flag(2)
    qtbot.waitUntil(lambda: js(panel.map, "LS.highlightedRefs()") == ["track:80-90"], timeout=10_000)
    panel.set_scene(None)
    assert panel.flags.count() == 0
    qtbot.waitUntil(lambda: js(panel.map, "LS.highlightedRefs()") == [], timeout=10_000)


def test_map_settings_are_typed_and_edited_in_the_dialog(qtbot: Any, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from desktop.settings import (
        CUSTOM_TILE_CRS,
        CUSTOM_TILE_URL,
        MAP_PROVIDER,
        Preferences,
        map_tile_provider,
    )
    from desktop.settings_dialog import SettingsDialog

    prefs = Preferences.in_file(tmp_path / "prefs.ini")
    assert prefs.get(MAP_PROVIDER) == "none"
    assert prefs.get(CUSTOM_TILE_CRS) == "WGS84"
    assert map_tile_provider(prefs).offline
    runner = SimpleNamespace(read=lambda *_a, **_k: None, write=lambda *_a, **_k: None)
    dialog = SettingsDialog(prefs, runner, SimpleNamespace(role="HEAD_RISK", employee_no="H0001"))  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.map_provider.setCurrentIndex(dialog.map_provider.findData("custom"))
    assert dialog.custom_tile_url.isEnabled()
    assert not dialog.tianditu_key.isEnabled()
    dialog.custom_tile_url.setText("ftp://tiles/{z}/{x}/{y}.png")
    dialog._save()
    assert dialog.note.text()
    assert prefs.get(MAP_PROVIDER) == "none"
    dialog.custom_tile_url.setText("http://10.9.8.7/tiles/{z}/{x}/{y}.png")
    dialog.custom_tile_crs.setCurrentIndex(dialog.custom_tile_crs.findData("GCJ02"))
    dialog._save()
    assert prefs.get(MAP_PROVIDER) == "custom"
    assert prefs.get(CUSTOM_TILE_URL) == "http://10.9.8.7/tiles/{z}/{x}/{y}.png"
    provider = map_tile_provider(prefs)
    assert provider.crs == "GCJ02"
    assert provider.allowed_origins == {"http://10.9.8.7"}
