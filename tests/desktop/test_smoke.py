"""``python main.py --smoke-test``: the whole workstation, start to finish, in a subprocess
(the frozen build runs the same test in CI, see .ci/run)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.smoke import prepare_environment

REPO = Path(__file__).resolve().parents[2]
SCREENS = ("dashboard", "approvals", "inspections", "customers", "maps", "reports", "audit", "imports")


@pytest.mark.slow
def test_the_smoke_test_opens_every_screen_makes_a_report_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "LOANSIGHT_DB": "sqlite:////nonexistent/not-this.db"}
    # the run must not depend on the caller's Qt settings: it picks offscreen itself
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--smoke-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("smoke-test: ")]
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    steps = {m.group(1): m.group(2) for line in lines if (m := re.match(r"smoke-test: (.+?): (\w+)", line))}
    for step in ("start", "database", "login", "main window", "report", "shutdown"):
        assert steps.get(step) == "ok", (step, lines)
    for key in SCREENS:
        assert steps.get(f"screen {key}") == "ok", (key, lines)
    assert "1 map page(s) ready" in next(line for line in lines if "screen maps" in line)
    assert "Qt platform offscreen" in lines[0]
    assert lines[-1].startswith("smoke-test: passed in ")
    # nothing left behind: the temporary data folder is removed after a pass
    folder = re.search(r"data in (\S+)\)", lines[0])
    assert folder is not None
    assert not Path(folder.group(1)).exists()


def test_prepare_environment_chooses_offscreen_only_when_nothing_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("QTWEBENGINE_DISABLE_SANDBOX", os.environ.get("QTWEBENGINE_DISABLE_SANDBOX", "1"))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    prepare_environment()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    prepare_environment()
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"


def test_a_failing_step_is_named_and_stops_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.smoke import SmokeFailure, _step

    failures: list[str] = []
    with pytest.raises(SmokeFailure), _step("screen maps", failures):
        raise SmokeFailure("timed out after 120 s waiting for the maps screen's map page (QtWebEngine)")
    assert failures == ["screen maps"]
    out = capsys.readouterr().out
    assert out.startswith("smoke-test: screen maps: FAILED after ")
    assert "map page (QtWebEngine)" in out
