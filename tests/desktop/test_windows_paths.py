"""Windows paths from the desktop's side: folders chosen in dialogs (Chinese names, UNC
shares) are kept as Windows writes them, preferences keep them exactly, and the application
is set up for high-DPI screens and the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from desktop.settings import SOURCES, Preferences
from desktop.settings_dialog import native_folder

REPO = Path(__file__).resolve().parents[2]
UNC = r"\\server\share\贷后照片"


@pytest.mark.parametrize(
    ("chosen", "kept"),
    [
        # what Qt's file dialog answers on Windows: forward slashes, even for a share
        ("//server/share/贷后照片", UNC),
        ("C:/Users/张三/贷后 资料", r"C:\Users\张三\贷后 资料"),
        ("D:/", "D:\\"),
        # typed or pasted the Windows way: unchanged
        (UNC, UNC),
        (r"C:\Users\张三\贷后 资料", r"C:\Users\张三\贷后 资料"),
    ],
)
def test_a_chosen_folder_is_kept_as_windows_writes_it(chosen: str, kept: str) -> None:
    assert native_folder(chosen, windows=True) == kept


def test_a_chosen_share_stays_a_share() -> None:
    path = PureWindowsPath(native_folder("//server/share/贷后照片/2026", windows=True))
    assert path.drive == r"\\server\share"
    assert path.parts[1:] == ("贷后照片", "2026")
    assert path.is_absolute()


def test_elsewhere_a_chosen_folder_is_untouched() -> None:
    assert native_folder("/home/张三/贷后 资料", windows=False) == "/home/张三/贷后 资料"
    assert native_folder("", windows=True) == ""


def test_sources_with_shares_and_chinese_names_survive_the_preferences(tmp_path: Path) -> None:
    sources = [UNC, r"D:\贷后\导入 2026", "/mnt/共享/贷后", "https://feed.bank.example/loansight"]
    Preferences.in_file(tmp_path / "settings.ini").set(SOURCES, sources)
    assert Preferences.in_file(tmp_path / "settings.ini").get(SOURCES) == sources


def test_the_application_scales_by_the_true_screen_factor_and_names_its_settings() -> None:
    """Set before the QApplication exists, so it is checked in a fresh process."""
    code = (
        "from desktop.app import create_application\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = create_application(['x'])\n"
        "print(QGuiApplication.highDpiScaleFactorRoundingPolicy().name)\n"
        "print(app.organizationName(), app.applicationName(), not app.windowIcon().isNull())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["PassThrough", "LoanSight LoanSight True"]
