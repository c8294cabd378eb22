"""The spec's example files import completely, and a second import changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from data.audit import verify
from data.ingest.runner import Importer
from data.queries import counts

REPO = Path(__file__).resolve().parents[2]


def test_examples_import_then_unchanged(db, examples_dir):
    first = Importer(db).run([str(examples_dir)])
    assert first.exit_code == 0
    assert {f.kind for f in first.files} == {"branches", "staff", "customers", "loans", "signals", "bundle"}
    assert all(f.status == "imported" for f in first.files), [f.as_dict() for f in first.files]
    with db.read_session() as s:
        after_first = counts(s)
    assert after_first["customers"] == 6
    assert after_first["inspections"] == 3
    assert after_first["photos"] == 9
    assert after_first["signals"] == 3

    second = Importer(db).run([str(examples_dir)])
    assert second.exit_code == 0
    assert [f.status for f in second.files] == ["unchanged"] * len(first.files)
    with db.read_session() as s:
        assert counts(s) == after_first
        assert verify(s).ok


def test_same_content_in_new_bytes_is_unchanged(db, examples_dir, tmp_path):
    """Idempotence does not rest on the file hash alone: re-encoded content is unchanged too."""
    Importer(db).run([str(examples_dir)])
    src = examples_dir / "master" / "customers.csv"
    copy = tmp_path / "again" / "customers.csv"
    copy.parent.mkdir()
    copy.write_bytes(src.read_text("utf-8").replace("\n", "\r\n").encode("gb18030"))
    report = Importer(db).run([str(copy)])
    (only,) = report.files
    assert only.status == "unchanged"
    assert only.unchanged == 6


def test_cli_json_shape_and_exit_codes(db_url, tmp_path, examples_dir):
    url = db_url
    cmd = [sys.executable, str(REPO / "main.py"), "import", str(examples_dir), "--db", url, "--json"]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    paths = {f["path"] for f in out["files"]}
    assert "master/customers.csv" in paths
    for f in out["files"]:
        assert set(f) >= {"path", "kind", "status", "rows", "errors"}
        assert set(f["rows"]) == {"imported", "unchanged", "rejected"}
    run2 = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    assert run2.returncode == 0
    assert {f["status"] for f in json.loads(run2.stdout)["files"]} == {"unchanged"}

    stats = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "stats", "--db", url, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    numbers = json.loads(stats.stdout)
    for key in (
        "branches",
        "staff",
        "customers",
        "loans",
        "signals",
        "signals_unmatched",
        "inspections",
        "inspection_revisions",
        "photos",
        "track_points",
        "quarantined",
    ):
        assert isinstance(numbers[key], int)
    assert numbers["inspections"] == 3

    single = examples_dir / "master" / "branches.csv"
    run3 = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "import", str(single), "--db", url, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert json.loads(run3.stdout)["files"][0]["path"] == str(single)

    bad = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "stats", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 2
    assert "cannot open the database" in bad.stderr
