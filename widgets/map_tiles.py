"""Map tile providers: which tile servers a map page may draw from, and in which datum.

A ``TileProvider`` is a plain description (URL templates, subdomains, coordinate system,
attribution, and the only origins the page may reach). ``tile_provider`` builds one from
the values the user chose in the settings; it reads no settings itself, so the caller
passes them. A provider that cannot work as configured (Tianditu without a key, a custom
template that is not an http(s) XYZ template) comes back as the offline grid with a
``problem`` code that the map words for the user.

Coordinate systems: Tianditu draws CGCS2000, which differs from WGS-84 by centimetres and
is treated as WGS-84; AutoNavi draws GCJ-02 (every licensed Chinese map's offset datum);
OpenStreetMap draws WGS-84; an intranet server draws whatever the administrator says.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

#: the provider kinds, in the order the settings offer them
PROVIDER_KINDS = ("none", "tianditu", "autonavi", "osm", "custom")
#: the coordinate systems an intranet tile server may draw in
TILE_CRSES = ("WGS84", "GCJ02", "BD09")

NO_TIANDITU_KEY = "NO_TIANDITU_KEY"
BAD_CUSTOM_URL = "BAD_CUSTOM_URL"

_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_AUTONAVI = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class TileLayerSpec:
    """One XYZ tile layer (a provider may stack several, e.g. Tianditu's roads and labels)."""

    url: str  # Leaflet template: {s} {z} {x} {y}
    subdomains: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class TileProvider:
    kind: str  # one of PROVIDER_KINDS
    layers: tuple[TileLayerSpec, ...]
    crs: str  # the datum the tiles are drawn in: WGS84, GCJ02 or BD09
    attribution: str = ""
    #: the only origins ("https://host" or "http://host:port") the map page may request
    allowed_origins: frozenset[str] = frozenset()
    #: why the configured provider was replaced by the offline grid ("" when it was not)
    problem: str = ""
    #: the provider that was asked for (differs from ``kind`` when there is a problem)
    requested: str = ""

    @property
    def offline(self) -> bool:
        return not self.layers

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset(urlsplit(origin).hostname or "" for origin in self.allowed_origins)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port if parts.port is not None else default
    return f"{parts.scheme}://{host}" if port == default else f"{parts.scheme}://{host}:{port}"


def _origins(layers: tuple[TileLayerSpec, ...]) -> frozenset[str]:
    found: set[str] = set()
    for layer in layers:
        for sub in layer.subdomains or "-":
            url = layer.url.replace("{s}", sub)
            for key in ("{z}", "{x}", "{y}", "{r}"):
                url = url.replace(key, "0")
            found.add(_origin(url))
    return frozenset(found)


def check_custom_template(url: str) -> str:
    """``""`` when ``url`` is an http(s) XYZ template Leaflet can draw, else a problem code."""
    url = url.strip()
    try:
        parts = urlsplit(url.replace("{s}", "a"))
        _ = parts.port  # raises on a bad port
    except ValueError:
        return BAD_CUSTOM_URL
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return BAD_CUSTOM_URL
    if not all(key in url for key in ("{z}", "{x}", "{y}")) or any(c in url for c in " \"'<>\\`"):
        return BAD_CUSTOM_URL
    return ""


def offline_provider(*, problem: str = "", requested: str = "none") -> TileProvider:
    """No tiles at all: the page draws a latitude/longitude grid under the points."""
    return TileProvider("none", (), "WGS84", problem=problem, requested=requested)


def tile_provider(
    kind: str, *, tianditu_key: str = "", custom_url: str = "", custom_crs: str = "WGS84"
) -> TileProvider:
    """The provider the user chose, from the values of the map settings."""
    if kind == "tianditu":
        key = tianditu_key.strip()
        if not key or not key.isalnum():
            return offline_provider(problem=NO_TIANDITU_KEY, requested=kind)
        layers = tuple(
            TileLayerSpec(_TIANDITU.format(layer=layer, key=key), "01234567") for layer in ("vec", "cva")
        )
        return TileProvider(
            kind, layers, "WGS84", "天地图 © 国家地理信息公共服务平台", _origins(layers), requested=kind
        )
    if kind == "autonavi":
        layers = (TileLayerSpec(_AUTONAVI, "1234"),)
        return TileProvider(kind, layers, "GCJ02", "© 高德地图 AutoNavi", _origins(layers), requested=kind)
    if kind == "osm":
        layers = (TileLayerSpec(_OSM, "", 19),)
        return TileProvider(
            kind, layers, "WGS84", "© OpenStreetMap contributors", _origins(layers), requested=kind
        )
    if kind == "custom":
        url = custom_url.strip()
        if check_custom_template(url):
            return offline_provider(problem=BAD_CUSTOM_URL, requested=kind)
        crs = custom_crs if custom_crs in TILE_CRSES else "WGS84"
        layers = (TileLayerSpec(url, "abc" if "{s}" in url else ""),)
        return TileProvider(kind, layers, crs, "", _origins(layers), requested=kind)
    return offline_provider()
