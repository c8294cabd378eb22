"""Photos: validation, EXIF, perceptual hashes, and the content-addressed store.

Rules:
* a photo must be a JPEG that decodes completely — ``Image.verify()`` does not notice a
  truncated JPEG, so we ``load()`` every pixel, and never set ``LOAD_TRUNCATED_IMAGES``;
* at most 50 megapixels, checked from the header before decoding (a decompression bomb
  never gets its pixels allocated);
* EXIF is evidence, not input: whatever is missing or malformed (0/0 rationals, text in
  number fields) is simply absent;
* originals are stored once, under their SHA-256, written atomically (temporary file,
  fsync, rename) and never modified; thumbnails are a cache kept apart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.errors import PhotoStoreError

MAX_PIXELS = 50_000_000
BEIJING = dt.timezone(dt.timedelta(hours=8))

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 36867
_OFFSET_TIME_ORIGINAL = 36881


class BadImage(Exception):
    """The bytes are not an acceptable photo; ``code`` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class JpegInfo:
    width: int
    height: int
    exif_taken_at: dt.datetime | None
    exif_lat: float | None
    exif_lon: float | None
    phash: str
    exif_camera: str | None = None


def inspect_jpeg(data: bytes) -> JpegInfo:
    """Validate a JPEG fully and read what we keep about it. Raises ``BadImage``."""
    from PIL import Image, UnidentifiedImageError

    if not data.startswith(b"\xff\xd8"):
        raise BadImage("NOT_JPEG", "the file does not start with a JPEG marker")
    try:
        with warnings.catch_warnings():
            # we apply our own, lower limit below; Pillow's bomb warning is not an error here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Pillow warns of a corrupt EXIF block (and then reads none): absent evidence
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise BadImage("TOO_MANY_PIXELS", str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadImage("NOT_JPEG", str(exc)) from exc
    with img:
        if img.format != "JPEG":
            raise BadImage("NOT_JPEG", f"the file is {img.format}")
        width, height = img.size
        if width * height > MAX_PIXELS:
            raise BadImage("TOO_MANY_PIXELS", f"{width}×{height} is over 50 megapixels")
        taken_at, lat, lon = _read_exif(img)
        camera = _camera(img)
        try:
            img.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise BadImage("UNDECODABLE", str(exc)) from exc
        return JpegInfo(width, height, taken_at, lat, lon, perceptual_hash(img), camera)


def perceptual_hash(img: Any) -> str:
    """64-bit DCT perceptual hash (ImageHash's phash) as 16 hex digits."""
    import imagehash

    # phash resizes to 32×32 anyway: shrinking a large photo by an integer factor first
    # (a cheap box filter) saves most of the Lanczos resize, for a hash within a bit or
    # two of the full-size one
    grey = img.convert("L")
    factor = min(grey.size) // 128
    if factor > 1:
        grey = grey.reduce(factor)
    return str(imagehash.phash(grey))


def fine_hash(data: bytes) -> int:
    """A 256-bit DCT perceptual hash (16 × 16) of a JPEG, as an int.

    The 64-bit hash finds candidates fast but, at a million photos, unrelated pictures
    fall within its radius by chance; this finer hash of the same two photos tells a copy
    (resized, re-compressed: 6 bits or fewer; cropped 3 %: 66 or fewer) from a chance
    match (90 and more on the demo's). Decoded in JPEG draft mode, so it costs a few ms."""
    import imagehash
    from PIL import Image

    with _quiet_exif(), Image.open(io.BytesIO(data)) as img:
        img.draft("L", (256, 256))
        grey = img.convert("L")
    return int(str(imagehash.phash(grey, hash_size=16)), 16)


@contextlib.contextmanager
def _quiet_exif() -> Any:
    """Pillow warns of a corrupt EXIF block (and then reads none of it): absent evidence,
    not a problem to report."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def _rational(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _dms(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_rational(v) for v in values)
    except (TypeError, ValueError):
        return None
    if d is None or m is None or s is None:
        return None
    deg = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        deg = -deg
    return deg


def _read_exif(img: Any) -> tuple[dt.datetime | None, float | None, float | None]:
    try:
        exif = img.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # malformed EXIF of any kind is simply absent evidence
        return None, None, None
    # only DateTimeOriginal says when the photo was taken: IFD0's DateTime is when the
    # file was last changed (an editor re-saving it moves it), so it is no evidence
    taken = _exif_time(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_TIME_ORIGINAL))
    lat = _dms(gps.get(2), gps.get(1)) if gps.get(2) is not None else None
    lon = _dms(gps.get(4), gps.get(3)) if gps.get(4) is not None else None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        lat = lon = None
    return taken, lat, lon


def _camera(img: Any) -> str | None:
    """EXIF Make and Model, as one short text."""
    try:
        exif = img.getexif()
        parts = [str(exif.get(tag) or "").strip("\x00 ").strip() for tag in (271, 272)]
    except Exception:
        return None
    text = " ".join(p for p in parts if p)
    return text[:100] or None


def _exif_time(value: Any, offset: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        text = value.decode("ascii") if isinstance(value, bytes) else str(value)
        naive = dt.datetime.strptime(text.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except (ValueError, UnicodeDecodeError):
        return None
    tz = BEIJING  # camera clocks without an offset are taken as Beijing time
    if offset:
        try:
            parsed = dt.datetime.strptime(str(offset).strip("\x00 "), "%z")
            tz = parsed.tzinfo or BEIJING  # type: ignore[assignment]
        except ValueError:
            pass
    try:
        taken = naive.replace(tzinfo=tz).astimezone(dt.UTC)
    except OverflowError:  # "0001:01:01 00:00:00" east of UTC
        return None
    # a camera clock never set ("1900:01:00…") or absurd is no evidence, and the rules add
    # margins of days to this time: keep it far from datetime's ends
    return taken if 1900 <= taken.year <= 2199 else None


class PhotoStore:
    """Originals under ``root/ab/cd/<sha256>.<ext>``; thumbnails under ``thumbs``."""

    def __init__(self, root: Path, thumbs: Path | None = None) -> None:
        self.root = Path(root)
        self.thumbs = Path(thumbs) if thumbs else self.root.parent / "thumbs"
        self._pool: Any = None

    def path_for(self, sha256: str, ext: str = ".jpg") -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}{ext}"

    def has(self, sha256: str, ext: str = ".jpg") -> bool:
        return self.path_for(sha256, ext).is_file()

    def put(
        self, sha256: str, data: bytes, ext: str = ".jpg", *, sync_dir: bool = True, durable: bool = True
    ) -> Path:
        """Store ``data`` under its hash, atomically; an existing original is left alone.

        ``sync_dir=False`` leaves the directory entry's fsync to the caller (``put_many``
        syncs each directory once for many files)."""
        target = self.path_for(sha256, ext)
        if target.is_file() and target.stat().st_size == len(data):
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    if durable:
                        os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            if sync_dir and durable:
                _fsync_dir(target.parent)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                reason = "disk full"
            elif exc.errno == errno.EFBIG:  # past the file system's or the process's size limit
                reason = "file too large for the disk"
            else:
                reason = str(exc)
            raise PhotoStoreError(path=str(self.root), reason=reason) from exc
        return target

    def put_many(self, items: list[tuple[str, bytes, str]]) -> None:
        """Store several originals durably. The writes and their fsyncs run side by side
        (the file system then commits them together), then each directory is synced once;
        only after this returns may rows naming these files be committed."""
        todo = [(sha, data, ext) for sha, data, ext in items if not self.has(sha, ext)]
        if not todo:
            return
        if len(todo) == 1:
            self.put(*todo[0])
            return
        pool = self._writers()
        targets = list(pool.map(lambda t: self.put(t[0], t[1], t[2], sync_dir=False), todo))
        try:
            list(pool.map(_fsync_dir, {t.parent for t in targets}))
        except OSError as exc:
            raise PhotoStoreError(path=str(self.root), reason=str(exc)) from exc

    def put_bulk(self, items: list[tuple[str, bytes, str]]) -> None:
        """Store many originals for a bulk load, then make them all durable at once: one
        system-wide sync instead of an fsync per file and directory (Windows has no such
        call and falls back to ``put_many``)."""
        if not hasattr(os, "sync"):
            self.put_many(items)
            return
        for sha, data, ext in items:
            self.put(sha, data, ext, durable=False)  # skips what is already stored
        os.sync()

    def _writers(self) -> Any:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="photo-store")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def sweep_incoming(self, older_than_s: float = 3600) -> int:
        """Remove temporary files a killed import left behind (never an original)."""
        import time

        removed = 0
        cutoff = time.time() - older_than_s
        if not self.root.is_dir():
            return 0
        for tmp in self.root.glob("*/*/.incoming-*"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
        return removed

    def read(self, sha256: str, ext: str = ".jpg") -> bytes:
        return self.path_for(sha256, ext).read_bytes()

    def thumbnail(self, sha256: str, size: int = 256) -> Path:
        """A cached JPEG thumbnail of a stored original (made on first use)."""
        from PIL import Image, ImageOps

        out = self.thumbs / str(size) / sha256[:2] / f"{sha256}.jpg"
        if out.is_file():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        with _quiet_exif(), Image.open(self.path_for(sha256)) as img:
            img.draft("RGB", (size, size))
            thumb = ImageOps.exif_transpose(img).convert("RGB")
            thumb.thumbnail((size, size))
            fd, tmp = tempfile.mkstemp(prefix=".thumb-", dir=out.parent)
            with os.fdopen(fd, "wb") as fh:
                thumb.save(fh, "JPEG", quality=85)
            os.replace(tmp, out)
        return out


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory for fsync; NTFS journals it
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
