"""Translations: every user-visible string has a Chinese translation in the shipped file,
the window comes up in Chinese with it, and switching the language rebuilds the window in
the new language where the user was."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from desktop import i18n
from desktop.app import install_translators
from desktop.mainwindow import MainWindow
from tests.conftest import REPO
from tests.desktop.conftest import log_in

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def language(qapp: Any) -> Iterator[Any]:
    """Install a language for one test; afterwards no translator is left installed and the
    default locale is what it was, so other tests see the source (English) strings."""
    saved = QLocale()

    def install(code: str) -> list[Any]:
        return install_translators(qapp, code)

    yield install
    install_translators(qapp, "en")
    QLocale.setDefault(saved)
    assert getattr(qapp, "_loansight_translators", []) == []
    assert QCoreApplication.translate("MainWindow", "Inspections") == "Inspections"


def _window(qtbot: Any, runner: Any, user: Any, prefs: Any) -> MainWindow:
    window = MainWindow(runner, user, prefs)
    qtbot.addWidget(window)
    return window


def _menus(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


EN_NAV = [
    "Dashboard",
    "Approvals",
    "Inspections",
    "Customers",
    "Signals",
    "Tasks",
    "Orders",
    "Reports",
    "Map",
    "Audit trail",
    "Imports",
]
ZH_NAV = [
    "驾驶舱",
    "审批",
    "贷后检查",
    "客户",
    "风险信号",
    "任务",
    "督导",
    "报告",
    "地图",
    "审计日志",
    "数据导入",
]


def _nav(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_every_user_visible_string_has_a_translation() -> None:
    assert i18n.missing() == []
    done = subprocess.run(
        [sys.executable, "-m", "desktop.i18n", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_shipped_qm_carries_every_translation_of_the_ts(language: Any) -> None:
    """The .qm the application loads is built from the current .ts: every string the code
    shows comes out translated exactly as the .ts says."""
    assert i18n.QM_FILE.is_file()
    assert language("zh_CN"), "the zh_CN translation did not load"
    translations = i18n.read_ts()
    wrong = [
        (context, source)
        for context, sources in i18n.extract().items()
        for source in sources
        if QCoreApplication.translate(context, source) != translations[(context, source)]
    ]
    assert wrong == []


def test_main_window_in_chinese_then_english(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, language: Any
) -> None:
    user = user_for("H0001")
    language("zh_CN")
    chinese = _window(qtbot, runner, user, prefs)
    assert _nav(chinese) == ZH_NAV
    menus = _menus(chinese)
    assert menus[:2] == ["文件(&F)", "视图(&V)"]
    assert all(CJK.search(m) for m in menus)
    assert CJK.search(chinese.scope_label.text())
    assert "Scope" not in chinese.scope_label.text()
    inspections = chinese.screens["inspections"]
    headers = [inspections.model.headerData(j, _horizontal()) for j in range(inspections.model.columnCount())]
    assert all(CJK.search(h) for h in headers)
    assert QLocale().name() == "zh_CN"

    language("en")
    english = _window(qtbot, runner, user, prefs)
    assert _nav(english) == EN_NAV
    assert _menus(english)[:3] == ["&File", "&View", "&Help"]
    assert english.scope_label.text() == "Scope: whole bank"


def _horizontal() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_switching_language_rebuilds_the_window_where_the_user_was(
    qtbot: Any, workstation: Any, language: Any
) -> None:
    ws = workstation
    log_in(qtbot, ws, "H0001")
    ws.window.show_screen("imports")
    first = ws.window
    # switching deletes the old window: let its loads finish first (switching in the middle
    # of them is the race of test_shell.py::test_logging_out_while_a_screen_is_loading_...)
    settle = lambda: qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)  # noqa: E731
    settle()

    ws.switch_language("zh_CN")
    chinese = ws.window
    assert chinese is not first
    assert not first.isVisible()
    assert chinese.isVisible()
    assert chinese.current_screen() == "imports"
    assert _nav(chinese) == ZH_NAV
    assert _menus(chinese)[0] == "文件(&F)"
    assert chinese.screens["imports"].pull_button.text() != "Pull now"
    settle()

    ws.switch_language("en")
    english = ws.window
    assert english.current_screen() == "imports"
    assert _nav(english) == EN_NAV
    assert english.screens["imports"].pull_button.text() == "Pull now"
    qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)
