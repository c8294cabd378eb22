"""The HTTP feed source: ``GET {base}/feed?after={cursor}``.

Rules: each item is downloaded, its SHA-256 checked, and imported as if it came from a
folder. The cursor is saved only after every item before it is committed, so a dropped
connection or a corrupt download means the same page is fetched again next time (and
what was already committed is then simply ``unchanged``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from data.ingest.common import FileReport, RowError
from data.models import FeedCursor

if TYPE_CHECKING:
    from data.ingest.runner import Importer, RunReport

MAX_ITEM_BYTES = 512 * 1024 * 1024
MAX_PAGES = 100_000
_SHA_RE = re.compile(r"^[0-9a-fA-F]{64}$")
_NAME_RE = re.compile(r"^[^/\\:*?\"<>|\x00-\x1f]+$")


def is_feed(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


class FeedFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class FeedReader:
    def __init__(self, importer: Importer, base: str, *, timeout: float = 30.0) -> None:
        self.importer = importer
        self.base = base.rstrip("/")
        self.timeout = timeout

    def _load_cursor(self) -> str | None:
        with self.importer.db.read_session() as s:
            row = s.get(FeedCursor, self.base)
            return row.cursor if row else None

    def _save_cursor(self, cursor: str | None) -> None:
        with self.importer.db.write_session() as s:
            row = s.get(FeedCursor, self.base)
            now = dt.datetime.now(dt.UTC)
            if row is None:
                s.add(FeedCursor(base_url=self.base, cursor=cursor, updated_at=now))
            else:
                row.cursor, row.updated_at = cursor, now

    def run(self, report: RunReport) -> None:
        import httpx

        from data.ingest.runner import SourceItem

        assert report.run_id is not None
        run_id = report.run_id
        cursor = self._load_cursor()
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=True) as client:
                for _ in range(MAX_PAGES):
                    page = self._page(client, cursor)
                    items, nxt = page["items"], page["next"]
                    for i, item in enumerate(items):
                        name, kind = self._check_item(item, i)
                        data = self._download(client, item)
                        if hashlib.sha256(data).hexdigest() != item["sha256"].lower():
                            report.files.append(
                                FileReport(
                                    name,
                                    kind,
                                    "rejected",
                                    rejected=1,
                                    errors=[
                                        RowError(
                                            None,
                                            "sha256",
                                            "SHA256_MISMATCH",
                                            f"{name}: the download does not match the feed's SHA-256",
                                        )
                                    ],
                                )
                            )
                            return  # the cursor stays before this item
                        if item["kind"] == "signals" and kind != "signals":
                            kind = "signals"
                        report.files.append(
                            self.importer.guarded_import(SourceItem(name, kind, content=data), run_id)
                        )
                    if nxt is None or nxt == cursor:
                        return
                    self._save_cursor(nxt)
                    cursor = nxt
        except FeedFailed as exc:
            report.files.append(
                FileReport(
                    self.base, "unknown", "rejected", errors=[RowError(None, None, exc.code, str(exc))]
                )
            )
        except httpx.HTTPError as exc:
            report.files.append(
                FileReport(
                    self.base,
                    "unknown",
                    "rejected",
                    errors=[
                        RowError(None, None, "FEED_UNREACHABLE", f"{self.base}: {type(exc).__name__}: {exc}")
                    ],
                )
            )

    def _page(self, client: Any, cursor: str | None) -> dict[str, Any]:
        resp = client.get(f"{self.base}/feed", params={"after": cursor or ""})
        if resp.status_code != 200:
            raise FeedFailed("FEED_HTTP", f"{self.base}/feed answered HTTP {resp.status_code}")
        try:
            page = resp.json()
        except ValueError as exc:
            raise FeedFailed("FEED_BAD_JSON", f"{self.base}/feed did not answer JSON") from exc
        if not isinstance(page, dict) or not isinstance(page.get("items"), list) or "next" not in page:
            raise FeedFailed("FEED_BAD_JSON", f"{self.base}/feed: the answer lacks items or next")
        if page["next"] is not None and not isinstance(page["next"], str):
            raise FeedFailed("FEED_BAD_JSON", f"{self.base}/feed: next must be a string or null")
        return page

    def _check_item(self, item: Any, index: int) -> tuple[str, str]:
        from data.ingest.runner import kind_of

        if not isinstance(item, dict):
            raise FeedFailed("FEED_BAD_ITEM", f"feed item {index} is not an object")
        for key in ("kind", "name", "url", "sha256"):
            if not isinstance(item.get(key), str):
                raise FeedFailed("FEED_BAD_ITEM", f"feed item {index} lacks {key}")
        if item["kind"] not in ("master", "signals", "bundle"):
            raise FeedFailed("FEED_BAD_ITEM", f"feed item {index}: kind {item['kind']!r} is unknown")
        name = item["name"]
        if not _NAME_RE.match(name) or name in (".", ".."):
            raise FeedFailed("FEED_BAD_ITEM", f"feed item {index}: name {name!r} is not a plain file name")
        if not _SHA_RE.match(item["sha256"]):
            raise FeedFailed("FEED_BAD_ITEM", f"feed item {index}: sha256 is not 64 hex digits")
        kind = kind_of(name)
        expected = {
            "master": ("branches", "staff", "customers", "loans"),
            "signals": ("signals",),
            "bundle": ("bundle",),
        }[item["kind"]]
        if item["kind"] == "signals" and name.lower().endswith((".csv", ".jsonl")):
            return name, "signals"
        if kind not in expected:
            raise FeedFailed(
                "FEED_BAD_ITEM", f"feed item {index}: {name!r} is not a {item['kind']} file name"
            )
        return name, kind

    def _download(self, client: Any, item: dict[str, Any]) -> bytes:
        url = urljoin(self.base + "/", item["url"])
        chunks: list[bytes] = []
        size = 0
        with client.stream("GET", url) as resp:
            if resp.status_code != 200:
                raise FeedFailed("FEED_HTTP", f"{url} answered HTTP {resp.status_code}")
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > MAX_ITEM_BYTES:
                    raise FeedFailed("FEED_TOO_LARGE", f"{url} is larger than {MAX_ITEM_BYTES} bytes")
                chunks.append(chunk)
        return b"".join(chunks)
