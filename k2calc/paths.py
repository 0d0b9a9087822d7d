"""Where k2calc keeps its files. Nothing here creates a directory: only writers do."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "K2CALC_HOME"
LOG_FILE_NAME = "log.sqlite3"


def data_dir() -> Path:
    """``$K2CALC_HOME`` if set, else the platform's user data directory for k2calc."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home)
    import platformdirs

    return platformdirs.user_data_path("k2calc", appauthor=False)


def default_log_path() -> Path:
    """The meal log used when neither ``--db`` nor ``K2CALC_DB`` is given."""
    return data_dir() / LOG_FILE_NAME
