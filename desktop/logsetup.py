"""Logging: a rotating log file in the data folder, plus stderr when there is one."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_NAME = "loansight.log"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOG_NAME
    root = logging.getLogger()
    if any(getattr(h, "_loansight", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    handler._loansight = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if sys.stderr is not None and getattr(sys, "frozen", False) is False:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console._loansight = True  # type: ignore[attr-defined]
        root.addHandler(console)
    root.setLevel(level)
    return path
