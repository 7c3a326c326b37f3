"""Busy is not a crash, TUI side (issue 12 item 7): a real lock held by another connection, on both backends.

While another connection holds the lock a write needs (SQLite: the write
lock, ``BEGIN IMMEDIATE``; PostgreSQL: the rows, ``SELECT … FOR UPDATE``),
the key pressed in the TUI waits with "database busy — retrying" on screen,
keeps what was typed, and goes through once the lock is released: the
database is read back. Data from the fictional sample agendas.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select
from textual.pilot import Pilot

from tests.conftest import AGENDAS, FixedClock
from tests.tui_helpers import meeting_id, settle, type_text, until
from vip_tui.agenda.importer import import_files
from vip_tui.app import BUSY, make_app
from vip_tui.db import Database, DatabaseBusy, open_database
from vip_tui.enums import MeetingStatus, ReviewStatus
from vip_tui.models import AgendaItem, Meeting, Note
from vip_tui.services import meetings


@pytest.fixture
def sample(db_url: str, clock: FixedClock) -> Iterator[Database]:
    database = open_database(db_url, user="tester", clock=clock)
    import_files(database, sorted(AGENDAS.glob("week*")))
    yield database
    database.dispose()


class Lock:
    """Another process's hold on what the next write needs, taken and released by the test."""

    def __init__(self, database: Database, meeting: int) -> None:
        self.database, self.meeting = database, meeting
        self.con: object | None = None

    def take(self, meeting: int | None = None) -> None:
        """Hold the lock; on PostgreSQL, the rows of ``meeting`` (default: the one under review) and its items."""
        meeting = meeting or self.meeting
        url = make_url(self.database.url)
        if self.database.is_sqlite:
            con = sqlite3.connect(url.database, isolation_level=None)
            con.execute("BEGIN IMMEDIATE")  # the write lock: no other connection may write
        else:
            import psycopg

            con = psycopg.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=False
            )
            con.execute("SELECT 1 FROM meeting WHERE id = %s FOR UPDATE", (meeting,))
            con.execute("SELECT 1 FROM agenda_item WHERE meeting_id = %s FOR UPDATE", (meeting,))
        self.con = con

    def release(self) -> None:
        assert self.con is not None
        self.con.rollback()  # type: ignore[attr-defined]
        self.con.close()  # type: ignore[attr-defined]
        self.con = None


@pytest.fixture
def lock(sample: Database) -> Iterator[Lock]:
    held = Lock(sample, meeting_id(sample))
    yield held
    if held.con is not None:
        held.release()


def messages(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def _status(database: Database, mid: int) -> MeetingStatus:
    with database.session() as s:
        return s.get(Meeting, mid).status  # type: ignore[union-attr]


async def test_s_on_a_locked_database_waits_with_a_message_then_starts_the_meeting(
    sample: Database, lock: Lock
) -> None:
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        mid = app.screen._selected().id  # the meeting s starts
        lock.take(mid)
        await pilot.press("s")
        await until(pilot, lambda: BUSY in messages(app), "the busy message")
        assert type(app.screen).__name__ == "MeetingsScreen"  # still here, not crashed, not moved on
        assert _status(sample, mid) == MeetingStatus.draft
        lock.release()
        await until(pilot, lambda: type(app.screen).__name__ == "AttendanceScreen", "the meeting to start")
        await settle(pilot)
        assert _status(sample, mid) == MeetingStatus.in_progress
        assert app.return_code is None


async def _review(app: object, pilot: Pilot, mid: int) -> None:
    await settle(pilot)
    app.open_stage(mid, "review")  # type: ignore[attr-defined]
    await settle(pilot)
    assert type(app.screen).__name__ == "ReviewScreen"  # type: ignore[attr-defined]


async def test_a_note_typed_while_the_database_is_locked_is_kept_and_saved_once_it_is_free(
    sample: Database, lock: Lock
) -> None:
    mid = meeting_id(sample)
    meetings.start_meeting(sample, mid, version=None)
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await _review(app, pilot, mid)
        item = app.screen.rows[app.screen.current].id
        lock.take()
        await pilot.press("e")
        await type_text(pilot, "Canvass Friday")
        await until(pilot, lambda: BUSY in messages(app), "the busy message")
        assert app.screen.editor.text == "Canvass Friday"  # what was typed is kept
        await type_text(pilot, " noon")  # and typing goes on while it waits
        lock.release()
        with sample.session() as s:
            def saved() -> bool:
                s.expire_all()
                return [n.text for n in s.exec(select(Note).where(Note.agenda_item_id == item))] == [
                    "Canvass Friday noon"
                ]

            await until(pilot, saved, "the note to be saved")
        await settle(pilot)
        assert app.screen.editor.text == "Canvass Friday noon"
        assert app.return_code is None


async def test_a_mark_on_a_locked_database_is_made_once_the_lock_is_released(sample: Database, lock: Lock) -> None:
    mid = meeting_id(sample)
    meetings.start_meeting(sample, mid, version=None)
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await _review(app, pilot, mid)
        item = app.screen.rows[app.screen.current].id
        lock.take()
        await pilot.press("d")
        await until(pilot, lambda: BUSY in messages(app), "the busy message")
        lock.release()

        def marked() -> bool:
            with sample.session() as s:
                return s.get(AgendaItem, item).review_status == ReviewStatus.discussed  # type: ignore[union-attr]

        await until(pilot, marked, "the mark to be written")
        await until(pilot, lambda: "Database free again; saved" in messages(app), "the all-clear")
        await settle(pilot)
        assert app.return_code is None


def test_a_busy_write_is_a_database_busy_error_and_changes_nothing(sample: Database, lock: Lock) -> None:
    mid = meeting_id(sample)
    sample.limit_lock_wait(100)
    version = meetings.get_meeting(sample, mid).version
    lock.take()
    with pytest.raises(DatabaseBusy, match="database is busy"):
        meetings.start_meeting(sample, mid, version=version)
    lock.release()
    assert _status(sample, mid) == MeetingStatus.draft
    meetings.start_meeting(sample, mid, version=version)  # the same write, tried again
    assert _status(sample, mid) == MeetingStatus.in_progress

