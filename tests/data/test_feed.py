"""The HTTP feed source (INTERCHANGE.md): ``GET {base}/feed?after=CURSOR`` pages of items,
each downloaded, checked against its SHA-256 and imported as if from a folder; the cursor
is saved only once the items before it are committed.

The feed is a real ``ThreadingHTTPServer`` on 127.0.0.1 serving the spec's examples.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from data.audit import verify
from data.db import Database
from data.ingest.runner import Importer, RunReport
from data.models import FeedCursor, Inspection
from data.queries import counts
from tests.data._bundles import EXAMPLE_BUNDLES, read_bundle

MASTER = ("branches.csv", "staff.csv", "customers.csv", "loans.csv")
SIGNALS = "signals-20261101.csv"


@dataclass
class FeedServer:
    """A feed: ``pages`` maps a cursor ("" for none) to (item names, next cursor)."""

    files: dict[str, bytes] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    pages: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)
    wrong_sha: set[str] = field(default_factory=set)  # announce a SHA-256 that does not match
    truncate: set[str] = field(default_factory=set)  # drop the connection half-way through
    requests: list[str] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def page(self, cursor: str) -> dict[str, Any] | None:
        if cursor not in self.pages:
            return None
        names, nxt = self.pages[cursor]
        items = []
        for name in names:
            sha = hashlib.sha256(self.files[name]).hexdigest()
            if name in self.wrong_sha:
                sha = hashlib.sha256(b"not the bytes served" + self.files[name]).hexdigest()
            items.append({"kind": self.kinds[name], "name": name, "url": f"files/{name}", "sha256": sha})
        return {"items": items, "next": nxt}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                feed.requests.append(self.path)
                if url.path == "/feed":
                    cursor = parse_qs(url.query, keep_blank_values=True).get("after", [""])[0]
                    page = feed.page(cursor)
                    if page is None:
                        self._send(400, b'{"error": "unknown cursor"}', "application/json")
                    else:
                        self._send(200, json.dumps(page).encode(), "application/json")
                    return
                name = url.path.removeprefix("/files/")
                body = feed.files.get(name)
                if body is None:
                    self._send(404, b"not found", "text/plain")
                elif name in feed.truncate:
                    # promise the whole body, send half of it, hang up
                    self._send(200, body[: len(body) // 2], "application/octet-stream", length=len(body))
                    self.wfile.flush()
                    self.close_connection = True
                else:
                    self._send(200, body, "application/octet-stream")

        return Handler


@pytest.fixture
def feed(examples_dir: Path) -> Iterator[FeedServer]:
    """The examples as a two-page feed: master data, then signals and the bundles."""
    server = FeedServer()
    for name in MASTER:
        server.files[name] = (examples_dir / "master" / name).read_bytes()
        server.kinds[name] = "master"
    server.files[SIGNALS] = (examples_dir / "signals" / SIGNALS).read_bytes()
    server.kinds[SIGNALS] = "signals"
    for path in EXAMPLE_BUNDLES:
        server.files[path.name] = path.read_bytes()
        server.kinds[path.name] = "bundle"
    bundles = [p.name for p in EXAMPLE_BUNDLES]
    server.pages = {"": (list(MASTER), "p1"), "p1": ([SIGNALS, *bundles], "p2"), "p2": ([], None)}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), server.handler())
    httpd.daemon_threads = True
    server.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def cursor_of(db: Database, base: str) -> str | None:
    with db.read_session() as s:
        row = s.get(FeedCursor, base)
        return None if row is None else row.cursor


def statuses(report: RunReport) -> dict[str, str]:
    return {f.path: f.status for f in report.files}


def bundle_ids(db: Database) -> set[str]:
    with db.read_session() as s:
        return set(s.execute(select(Inspection.bundle_id)).scalars())


def example_bundle_id(index: int) -> str:
    return str(read_bundle(EXAMPLE_BUNDLES[index])[0]["bundle_id"])


def assert_everything_imported(db: Database) -> None:
    with db.read_session() as s:
        c = counts(s)
        assert verify(s).ok
    assert (c["branches"], c["staff"], c["customers"], c["loans"]) == (6, 10, 6, 6)
    assert (c["signals"], c["inspections"], c["photos"], c["quarantined"]) == (3, 3, 9, 0)


def test_two_page_feed_imports_everything_and_saves_the_cursor(db, feed):
    report = Importer(db).run([feed.base])
    assert report.exit_code == 0, report.as_dict()
    assert statuses(report) == {name: "imported" for name in feed.files}
    assert [f.kind for f in report.files[:5]] == ["branches", "staff", "customers", "loans", "signals"]
    assert_everything_imported(db)
    assert cursor_of(db, feed.base) == "p2"
    assert feed.requests[0] == "/feed?after="
    assert [r for r in feed.requests if r.startswith("/feed")] == [
        "/feed?after=",
        "/feed?after=p1",
        "/feed?after=p2",
    ]

    feed.requests.clear()
    again = Importer(db).run([feed.base + "/"])  # the same feed, however it is written
    assert again.exit_code == 0
    assert again.files == []
    assert feed.requests == ["/feed?after=p2"]
    assert cursor_of(db, feed.base) == "p2"
    assert_everything_imported(db)


@pytest.mark.parametrize("bad", ["bundle", "customers.csv"])
def test_item_with_wrong_sha256_is_rejected_and_the_cursor_stays(db, feed, bad):
    bad_name = EXAMPLE_BUNDLES[1].name if bad == "bundle" else bad
    feed.wrong_sha.add(bad_name)
    report = Importer(db).run([feed.base])
    assert report.exit_code != 0
    bad_report = next(f for f in report.files if f.path == bad_name)
    assert bad_report.status == "rejected"
    assert [e.code for e in bad_report.errors] == ["SHA256_MISMATCH"]
    with db.read_session() as s:
        c = counts(s)
    if bad == "bundle":
        # page 1 committed; on page 2 the signals before the bad item are in, nothing after it
        assert cursor_of(db, feed.base) == "p1"
        assert example_bundle_id(1) not in bundle_ids(db)
        assert bundle_ids(db) <= {example_bundle_id(0)}
        assert c["customers"] == 6
        assert c["rejected_bundles"] == 0
    else:
        assert cursor_of(db, feed.base) is None
        assert c["customers"] == 0
        assert c["loans"] == 0
    assert not any(f.path == EXAMPLE_BUNDLES[2].name for f in report.files)

    feed.wrong_sha.clear()
    feed.requests.clear()
    fixed = Importer(db).run([feed.base])
    assert fixed.exit_code == 0, fixed.as_dict()
    assert statuses(fixed)[bad_name] == "imported"
    assert cursor_of(db, feed.base) == "p2"
    assert_everything_imported(db)
    expected_first = "/feed?after=p1" if bad == "bundle" else "/feed?after="
    assert feed.requests[0] == expected_first


def test_dropped_connection_fails_clearly_and_a_later_run_completes(db, feed):
    a, b, c = (p.name for p in EXAMPLE_BUNDLES)
    feed.truncate.add(b)
    report = Importer(db).run([feed.base])
    assert report.exit_code != 0
    failure = report.files[-1]
    assert failure.status == "rejected"
    assert [e.code for e in failure.errors] == ["FEED_UNREACHABLE"]
    assert feed.base in failure.errors[0].message
    assert statuses(report)[a] == "imported"
    assert b not in statuses(report)
    assert c not in statuses(report)
    assert cursor_of(db, feed.base) == "p1"  # page 1 committed, page 2 not
    assert bundle_ids(db) == {example_bundle_id(0)}
    with db.read_session() as s:
        assert verify(s).ok

    feed.truncate.clear()
    later = Importer(db).run([feed.base])
    assert later.exit_code == 0, later.as_dict()
    assert statuses(later) == {SIGNALS: "unchanged", a: "unchanged", b: "imported", c: "imported"}
    assert cursor_of(db, feed.base) == "p2"
    assert_everything_imported(db)


def test_unreachable_feed_is_reported_and_saves_no_cursor(db):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    report = Importer(db).run([base])
    assert report.exit_code != 0
    (only,) = report.files
    assert (only.path, only.status) == (base, "rejected")
    assert [e.code for e in only.errors] == ["FEED_UNREACHABLE"]
    assert cursor_of(db, base) is None
