"""The child process of the fault tests (tests/data/test_faults.py): run as a script.

    python tests/data/_fault_child.py import URL DATA_DIR SOURCE...
    python tests/data/_fault_child.py decide URL DATA_DIR PLAN.json
    python tests/data/_fault_child.py fsize LIMIT_BYTES URL DATA_DIR SOURCE...
    python tests/data/_fault_child.py lock SQLITE_PATH

Deterministic kill points: ``LOANSIGHT_FAULT_KILL=point:N`` makes the process SIGKILL
itself at the Nth time it passes ``point`` (counted from 1, across threads):

* ``photo_tmp``    a photo's bytes are written and synced to a temporary file in the store,
                   just before the rename that makes it an original
* ``photo_stored`` a photo is in the store under its hash (after the rename)
* ``insert``       an INSERT has run in the open transaction (a bundle's inspection, its
                   photos, its track; an import-file row; a decision): not committed
* ``audit``        a transaction's audit events are appended, not committed
* ``commit``       just before the database COMMIT
* ``committed``    just after the COMMIT returned

``LOANSIGHT_FAULT_COUNTS=FILE`` writes how often each point was passed (JSON) at exit:
an uninterrupted run tells the test which kill points exist.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

POINTS = ("photo_tmp", "photo_stored", "insert", "audit", "commit", "committed")

_counts = dict.fromkeys(POINTS, 0)
_lock = threading.Lock()
_kill_point, _, _kill_n = (os.environ.get("LOANSIGHT_FAULT_KILL") or ":0").partition(":")


def passing(point: str) -> None:
    with _lock:
        _counts[point] += 1
        n = _counts[point]
    if point == _kill_point and n == int(_kill_n):
        os.kill(os.getpid(), signal.SIGKILL)


def install_kill_points() -> None:
    from sqlalchemy import Engine, event
    from sqlalchemy.orm import Session

    from data import audit
    from data.images import PhotoStore

    real_replace = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(src).name.startswith(".incoming-"):
            passing("photo_tmp")
        real_replace(src, dst, *args, **kwargs)

    os.replace = replace  # the store calls os.replace through the os module

    real_put = PhotoStore.put

    def put(self: PhotoStore, *args: Any, **kwargs: Any) -> Path:
        path = real_put(self, *args, **kwargs)
        passing("photo_stored")
        return path

    PhotoStore.put = put  # type: ignore[method-assign]

    real_append_many = audit.append_many

    def append_many(*args: Any, **kwargs: Any) -> str:
        last = real_append_many(*args, **kwargs)
        passing("audit")
        return last

    audit.append_many = append_many  # callers use audit.append_many / audit.append

    def after_execute(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            passing("insert")

    event.listen(Engine, "after_cursor_execute", after_execute)
    event.listen(Engine, "commit", lambda *_a: passing("commit"))
    event.listen(Session, "after_commit", lambda *_a: passing("committed"))

    counts_file = os.environ.get("LOANSIGHT_FAULT_COUNTS")
    if counts_file:
        atexit.register(lambda: Path(counts_file).write_text(json.dumps(_counts)))


def run_import(url: str, data_dir: str, sources: list[str]) -> int:
    from data.db import open_database
    from data.ingest.runner import Importer

    db = open_database(url, data_dir=Path(data_dir))
    try:
        report = Importer(db).run(sources)
    finally:
        db.dispose()
    print(json.dumps(report.as_dict(), ensure_ascii=False))
    return report.exit_code


def run_decisions(url: str, data_dir: str, plan_file: str) -> int:
    """Take the plan's decisions in order, each in its own transaction. A step whose
    inspection already moved past the version it expects was taken by an earlier (killed)
    run and is skipped: running the plan again completes it."""
    from sqlalchemy import select

    from data.approvals import decide
    from data.auth import user_session
    from data.db import open_database
    from data.models import Inspection, Staff

    plan = json.loads(Path(plan_file).read_text("utf-8"))
    db = open_database(url, data_dir=Path(data_dir))
    try:
        taken = 0
        for step in plan:
            with db.read_session() as s:
                user = user_session(s, s.get(Staff, step["actor"]))
            with db.write_session() as s:
                version = s.execute(
                    select(Inspection.state_version).where(Inspection.id == step["inspection_id"])
                ).scalar_one()
                if version > step["version"]:
                    continue
                decide(
                    s,
                    user,
                    step["inspection_id"],
                    step["action"],
                    expected_version=step["version"],
                    comment=step.get("comment", ""),
                    reason_code=step.get("reason_code", ""),
                )
                taken += 1
    finally:
        db.dispose()
    print(json.dumps({"taken": taken}))
    return 0


def run_with_file_size_limit(limit: int, url: str, data_dir: str, sources: list[str]) -> int:
    """An import whose writes past ``limit`` bytes of any file fail for real (EFBIG), as on
    a full disk: the kernel refuses them. SIGXFSZ would kill the process; ignored, the
    write returns the error instead."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return run_import(url, data_dir, sources)


def hold_write_lock(path: str) -> int:
    """Take SQLite's write lock (BEGIN IMMEDIATE), say so, hold it until stdin closes or a
    line arrives, then roll back."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    conn.close()
    print("released", flush=True)
    return 0


def main(argv: list[str]) -> int:
    command, args = argv[0], argv[1:]
    if command == "lock":
        return hold_write_lock(args[0])
    install_kill_points()
    if command == "import":
        return run_import(args[0], args[1], args[2:])
    if command == "decide":
        return run_decisions(args[0], args[1], args[2])
    if command == "fsize":
        return run_with_file_size_limit(int(args[0]), args[1], args[2], args[3:])
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
