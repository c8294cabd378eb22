"""Settings that belong to the database rather than to one desktop.

The photo store must be the same folder for every desktop that shares a database (on a
shared deployment, a network share), so its location lives in the database.
``LOANSIGHT_PHOTO_DIR`` overrides it for one process (tests, a one-off import).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from data.db import Database
from data.images import PhotoStore
from data.models import AppSetting

PHOTO_STORE_KEY = "photo_store"


def get_setting(db: Database, key: str) -> str | None:
    with db.read_session() as s:
        return s.execute(select(AppSetting.value).where(AppSetting.key == key)).scalar_one_or_none()


def set_setting(db: Database, key: str, value: str) -> None:
    with db.write_session() as s:
        row = s.get(AppSetting, key)
        if row is None:
            s.add(AppSetting(key=key, value=value))
        else:
            row.value = value


def photo_store_dir(db: Database) -> Path:
    env = os.environ.get("LOANSIGHT_PHOTO_DIR")
    if env:
        return Path(env)
    configured = get_setting(db, PHOTO_STORE_KEY)
    return Path(configured) if configured else db.data_dir / "photos"


def photo_store_for(db: Database) -> PhotoStore:
    root = photo_store_dir(db)
    return PhotoStore(root, thumbs=db.data_dir / "thumbs")
