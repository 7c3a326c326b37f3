"""Shared fixtures: a fixed clock and user, a private data folder, databases on both backends."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PgServer, find_pg_bin

REPO = Path(__file__).resolve().parent.parent
AGENDAS = REPO / "agendas"
FIXED_NOW = dt.datetime(2026, 11, 24, 9, 30, 0)


class FixedClock:
    """A clock the tests move by hand."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture(autouse=True)
def _still_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cursor blink and no animation: a snapshot shows the same frame however busy the machine is.

    A blinking cursor is drawn or not depending on when the frame is taken
    (issue 13: the incident form's snapshot failed on a loaded machine).
    """
    from textual import constants
    from textual.widgets import Input, TextArea

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")  # for vip run in a subprocess
    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")  # read once, when Textual is imported
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's real data folder, environment database or name."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("VIP_DB", raising=False)
    monkeypatch.delenv("VIP_AGENDAS", raising=False)
    monkeypatch.setenv("VIP_DOCUMENTS_DIR", str(home / "Documents" / "vip"))  # exports without a path go here
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # vip_tui.config: never the real config.toml
    monkeypatch.delenv("VIP_CONFIG", raising=False)
    from vip_tui import locations

    monkeypatch.setattr(locations, "configured_documents_dir", None)  # set by a test's `vip` run: not the next's
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "vip.db")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) not found: PostgreSQL tests skipped"
        if os.environ.get("VIP_REQUIRE_POSTGRES"):
            pytest.fail(message + ", but VIP_REQUIRE_POSTGRES is set")
        pytest.skip(message)
    server = PgServer.start(bin_dir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "vip.db")
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database()


@pytest.fixture
def database(db_url: str, clock: FixedClock):  # noqa: ANN201
    from vip_tui.db import open_database

    db = open_database(db_url, user="tester", clock=clock)
    yield db
    db.dispose()
