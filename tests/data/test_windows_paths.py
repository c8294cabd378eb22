"""Paths with Chinese folder names and UNC shares reach the file system as given: the
photo store setting, the sources, and a real import from a folder with a Chinese name."""

from __future__ import annotations

import shutil
from pathlib import Path, PureWindowsPath

from data.ingest.feed import is_feed
from data.ingest.runner import Importer
from data.queries import counts
from data.settings import PHOTO_STORE_KEY, photo_store_dir, set_setting

UNC_STORE = r"\\fileserver\贷后\照片"


def test_a_share_as_photo_store_is_kept_exactly(db) -> None:
    set_setting(db, PHOTO_STORE_KEY, UNC_STORE)
    store = photo_store_dir(db)
    # what Path() on Windows will open: the same share, the same folders
    assert str(store) == UNC_STORE
    windows = PureWindowsPath(str(store))
    assert windows.drive == r"\\fileserver\贷后"
    assert windows.parts[-1] == "照片"
    assert str(windows / "ab" / "cd" / "x.jpg") == r"\\fileserver\贷后\照片\ab\cd\x.jpg"


def test_shares_and_drive_paths_are_folders_not_feeds() -> None:
    assert not is_feed(r"\\server\share\贷后资料")
    assert not is_feed(r"D:\贷后\导入")
    assert is_feed("https://feed.bank.example/loansight")


def test_import_from_a_folder_with_a_chinese_name_into_a_chinese_photo_store(
    db, examples_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "贷后资料 2026" / "石家庄分行（三月）"
    source.parent.mkdir()
    shutil.copytree(examples_dir, source)
    store = tmp_path / "共享盘" / "贷后照片"
    set_setting(db, PHOTO_STORE_KEY, str(store))

    report = Importer(db).run([str(source)])

    assert report.exit_code == 0, [f.as_dict() for f in report.files]
    assert {f.status for f in report.files} == {"imported"}
    with db.read_session() as s:
        numbers = counts(s)
    assert numbers["inspections"] == 3
    assert numbers["photos"] == 9
    assert len(list(store.rglob("*.jpg"))) == 9
    # and again: unchanged, found by the same paths
    again = Importer(db).run([str(source)])
    assert {f.status for f in again.files} == {"unchanged"}
