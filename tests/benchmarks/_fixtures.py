"""Synthetic inspection bundles for the benchmarks.

Each bundle is valid per INTERCHANGE.md: the manifest is one of the spec's example
manifests with a fresh ``bundle_id`` and its own photos, so the customer and inspector
exist in the examples' master data. Like a real customer's history, the visits fall on
different days (one a day, going back from the example's) and each report is written
anew, so the authenticity checks see a plausible history rather than hundreds of
identical visits at one moment (which would make every bundle evidence about all others). Photos are distinct 640×480 JPEGs (a random
low-frequency picture plus a little grain, about the size of a phone photo at that
resolution) with real EXIF: camera, time taken and GPS, like the app's photos.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
PHOTO_SIZE = (640, 480)
PHOTOS_PER_BUNDLE = 4
CATEGORIES = ("STOREFRONT", "PREMISES", "INVENTORY", "MEETING")

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825


def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        raise FileNotFoundError(f"the spec's examples are not at {EXAMPLES}")
    return EXAMPLES


def template_manifest() -> dict[str, Any]:
    """The manifest of the first example bundle (sorted by name)."""
    first = sorted((examples_dir() / "bundles").glob("*.zip"))[0]
    with zipfile.ZipFile(first) as zf:
        manifest: dict[str, Any] = json.loads(zf.read("manifest.json").decode("utf-8"))
    return manifest


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return float(degrees), float(minutes), seconds


class PhotoMaker:
    """Distinct JPEGs, reproducibly from a seed. Grain is precomputed and shared, the
    picture underneath is new each time, so every photo (and its phash) differs."""

    def __init__(self, seed: int) -> None:
        import numpy as np

        self._np = np
        self._rng = np.random.default_rng(seed)
        w, h = PHOTO_SIZE
        self._grain = [self._rng.integers(-6, 7, (h, w, 3), dtype=np.int16) for _ in range(4)]

    def make(self, taken_at: dt.datetime, lat: float, lon: float, n: int) -> bytes:
        from PIL import Image

        np = self._np
        small = self._rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        base = np.asarray(Image.fromarray(small).resize(PHOTO_SIZE, Image.Resampling.BICUBIC), np.int16)
        pixels = np.clip(base + self._grain[n % len(self._grain)], 0, 255).astype(np.uint8)
        exif = Image.Exif()
        exif[271] = "Xiaomi"
        exif[272] = "Redmi Note 12"
        sub = exif.get_ifd(_EXIF_IFD)
        local = taken_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        sub[36867] = local.strftime("%Y:%m:%d %H:%M:%S")
        sub[36881] = "+08:00"
        gps = exif.get_ifd(_GPS_IFD)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, "JPEG", quality=85, exif=exif)
        return buf.getvalue()


_TIME_KEYS = ("t", "taken_at", "started_at", "finished_at", "submitted_at", "at")
_REPORT_PARTS = (
    ("生产线运转正常", "门店客流平稳", "仓库备货充足", "设备开工率约{n}成", "经营场所正常营业"),
    ("订单饱满", "新签合同{n}份", "应收账款回笼正常", "主要客户未变化", "员工约{n}0人在岗"),
    ("近三月回款约{m}万元", "月均销售额约{m}万元", "银行流水与经营规模相符", "纳税申报正常"),
    ("建议维持正常分类", "建议下季度继续关注库存", "资金用途与合同约定一致", "未发现挪用迹象"),
)


def _shift_days(node: Any, days: int) -> None:
    """Move every time in a manifest by whole days (the visit keeps its clock times)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TIME_KEYS and isinstance(value, str):
                node[key] = (dt.datetime.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
            else:
                _shift_days(value, days)
    elif isinstance(node, list):
        for item in node:
            _shift_days(item, days)


def _report(rnd: random.Random) -> str:
    parts = [
        rnd.choice(options).format(n=rnd.randint(3, 9), m=rnd.randint(80, 900)) for options in _REPORT_PARTS
    ]
    return "，".join(parts) + f"。本次抽查凭证{rnd.randint(5, 40)}份，核对无误。"


@dataclass(frozen=True)
class GeneratedBundles:
    folder: Path
    paths: list[Path]
    photos: int
    total_bytes: int


def write_bundles(folder: Path, count: int, seed: int = 20261102) -> GeneratedBundles:
    """Write ``count`` valid bundle zips into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    template = template_manifest()
    rnd = random.Random(seed)
    maker = PhotoMaker(seed)
    template_photo = template["photos"][0]
    base_time = dt.datetime.fromisoformat(template_photo["taken_at"])
    paths: list[Path] = []
    total = 0
    for i in range(count):
        manifest = copy.deepcopy(template)
        bundle_id = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        manifest["bundle_id"] = bundle_id
        _shift_days(manifest, -i)
        manifest["conclusion"]["summary"] = _report(rnd)
        photos: list[dict[str, Any]] = []
        files: dict[str, bytes] = {}
        for k in range(PHOTOS_PER_BUNDLE):
            taken = base_time + dt.timedelta(days=-i, minutes=5 * k)
            lat = round(template_photo["lat"] + rnd.uniform(-2e-4, 2e-4), 6)
            lon = round(template_photo["lon"] + rnd.uniform(-2e-4, 2e-4), 6)
            data = maker.make(taken, lat, lon, i * PHOTOS_PER_BUNDLE + k)
            name = f"photos/p{k + 1}.jpg"
            files[name] = data
            photos.append(
                {
                    "id": f"p{k + 1}",
                    "file": name,
                    "category": CATEGORIES[k % len(CATEGORIES)],
                    "taken_at": taken.isoformat(),
                    "lat": lat,
                    "lon": lon,
                    "crs": "WGS84",
                    "watermark": template_photo.get("watermark", ""),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        manifest["photos"] = photos
        path = folder / f"{bundle_id}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            for name, data in files.items():
                zf.writestr(name, data)
        total += path.stat().st_size
        paths.append(path)
    return GeneratedBundles(folder, paths, count * PHOTOS_PER_BUNDLE, total)
