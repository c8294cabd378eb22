"""Build valid inspection bundles for tests, starting from the spec's examples.

Each example bundle is a template: ``build_bundle`` copies its manifest, gives it a new
``bundle_id`` / ``revision`` / customer / staff as asked, replaces its photos with fresh
JPEGs (unique bytes, EXIF time and GPS matching the manifest) unless told to keep them,
recomputes every ``sha256`` and zips the result. ``edit`` gets the manifest to change
anything else before the hashes are written.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import random
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.rules.coords import to_wgs84

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
EXAMPLE_BUNDLES = sorted((EXAMPLES / "bundles").glob("*.zip"))
BEIJING = dt.timezone(dt.timedelta(hours=8))

#: customer -> (inspector) of the example master data, so generated bundles are coherent
EXAMPLE_CUSTOMERS = {
    "C0001000": "E00101",
    "C0001001": "E00102",
    "C0001002": "E00103",
    "C0001003": "E00104",
    "C0001004": "E00105",
    "C0001005": "E00106",
}

_KEEP = object()


def read_bundle(source: Path | bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every file of a zipped bundle."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
    return json.loads(files["manifest.json"].decode("utf-8")), files


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return float(d), float(m), s


def make_jpeg(
    seed: int,
    *,
    size: tuple[int, int] = (320, 240),
    taken_at: dt.datetime | None = None,
    lat: float | None = None,
    lon: float | None = None,
    exif: Any = None,
) -> bytes:
    """A JPEG whose bytes depend on ``seed``; EXIF time/GPS (WGS-84) when given.

    Pass a ready ``PIL.Image.Exif`` as ``exif`` to write exactly that EXIF instead.
    """
    from PIL import Image

    rng = random.Random(seed)
    w, h = size
    base = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    noise = Image.frombytes("RGB", (w // 8, h // 8), rng.randbytes((w // 8) * (h // 8) * 3))
    img = Image.blend(base, noise.resize(size), 0.5)
    if exif is None:
        exif = Image.Exif()
        exif[271] = "Xiaomi"
        exif[272] = "Redmi Note 12"
        if taken_at is not None:
            exif.get_ifd(0x8769)[36867] = taken_at.astimezone(BEIJING).strftime("%Y:%m:%d %H:%M:%S")
        if lat is not None and lon is not None:
            exif.get_ifd(0x8825).update(
                {1: "N" if lat >= 0 else "S", 2: _dms(lat), 3: "E" if lon >= 0 else "W", 4: _dms(lon)}
            )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80, exif=exif)
    return buf.getvalue()


@dataclass
class BuiltBundle:
    """A bundle ready to import: its zip bytes and what went into it."""

    data: bytes
    manifest: dict[str, Any]
    files: dict[str, bytes] = field(repr=False)

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def revision(self) -> int:
        return int(self.manifest["revision"])

    @property
    def photo_shas(self) -> list[str]:
        return [p["sha256"] for p in self.manifest.get("photos", [])]

    def write(self, folder: Path, name: str | None = None) -> Path:
        """Write the zip into ``folder`` (created) and return its path."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (name or f"{self.bundle_id}-r{self.revision}.zip")
        target.write_bytes(self.data)
        return target


def zip_bundle(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip a bundle's files, manifest first, with fixed timestamps (same files, same bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files, key=lambda n: (n != "manifest.json", n)):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 12, 0, 0))
            info.compress_type = compression
            zf.writestr(info, files[name])
    return buf.getvalue()


def build_bundle(
    template: int | Path = 0,
    *,
    seed: int = 0,
    bundle_id: str | None = None,
    revision: int = 1,
    customer_no: str | None = None,
    inspector: str | None = None,
    companion: Any = _KEEP,
    fresh_photos: bool = True,
    photo_size: tuple[int, int] = (320, 240),
    edit: Callable[[dict[str, Any]], None] | None = None,
    photo_bytes: dict[str, bytes] | None = None,
) -> BuiltBundle:
    """A valid bundle made from an example.

    ``template`` is an index into the examples (or a zip path). ``bundle_id`` defaults to
    a UUID drawn from ``seed``; ``customer_no`` defaults to the template's, and
    ``inspector`` to that customer's manager in the example master data. ``companion``
    None removes it. ``photo_bytes`` maps a photo file name to exact bytes to use.
    """
    path = EXAMPLE_BUNDLES[template] if isinstance(template, int) else Path(template)
    manifest, files = read_bundle(path)
    manifest = copy.deepcopy(manifest)
    rng = random.Random(seed)
    manifest["bundle_id"] = bundle_id or str(uuid.UUID(int=rng.getrandbits(128), version=4))
    manifest["revision"] = revision
    if customer_no is not None:
        manifest["customer_no"] = customer_no
        manifest["inspector"] = inspector or EXAMPLE_CUSTOMERS.get(customer_no, manifest["inspector"])
    elif inspector is not None:
        manifest["inspector"] = inspector
    if companion is None:
        manifest.pop("companion", None)
    elif companion is not _KEEP:
        manifest["companion"] = companion
    if edit is not None:
        edit(manifest)
    files = {n: b for n, b in files.items() if n != "manifest.json"}
    for i, photo in enumerate(manifest.get("photos", [])):
        name = photo["file"]
        if photo_bytes and name in photo_bytes:
            files[name] = photo_bytes[name]
        elif fresh_photos:
            taken = dt.datetime.fromisoformat(photo["taken_at"]) if photo.get("taken_at") else None
            lat = lon = None
            if photo.get("lat") is not None:
                lat, lon = to_wgs84(photo["lat"], photo["lon"], photo.get("crs") or "WGS84")
            files[name] = make_jpeg(
                rng.getrandbits(64) + i, size=photo_size, taken_at=taken, lat=lat, lon=lon
            )
        photo["sha256"] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    return BuiltBundle(zip_bundle(files), manifest, files)
