"""Every path vip uses, through platformdirs."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "vip-tui"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The embedded default database: one SQLite file in the user's data directory."""
    return data_dir() / "vip.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"
