"""Meetings: the write lock that numbers them, and their lifecycle (start, close); the list with its counts is services/meeting_list.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from ..db import Database, DatabaseBusy
from ..enums import MeetingStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import Meeting

# pg_advisory_xact_lock key of every transaction that matches or creates
# persons and meetings ("vip" and 1): they queue, each sees the one before.
WRITE_LOCK_KEY = 0x76697001
WRITE_LOCK_WAIT_SECONDS = 120.0


# One busy error for every writer: the CLI exits 1 with its message, the TUI retries (db.DatabaseBusy).


def take_write_lock(
    session: Session, *, wait_seconds: float | None = None, on_wait: Callable[[], None] | None = None
) -> None:
    """Make the session's transaction the only one matching and creating persons and meetings.

    Call it first in the transaction, before the reads that decide what to
    create: two imports reading "no such person" side by side would each
    create one. SQLite: ``BEGIN IMMEDIATE`` (the database's write lock, waited
    for up to ``wait_seconds``, calling ``on_wait`` while waiting); PostgreSQL:
    a transaction-level advisory lock, released by commit or rollback.
    """
    wait_seconds = WRITE_LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        key = {"key": WRITE_LOCK_KEY}
        if connection.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), key).scalar():
            return
        if on_wait is not None:
            on_wait()
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'")
        try:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), key)
        except OperationalError as exc:
            if "lock timeout" not in str(exc.orig):
                raise
            raise _busy(wait_seconds) from None
        return
    if connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        raise RuntimeError("take_write_lock must be the first statement of the transaction")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
                raise
            # Told before the deadline is checked: one attempt may itself wait
            # out SQLite's busy timeout, and the wait is then over before it is said.
            if on_wait is not None:
                on_wait()
            if time.monotonic() >= deadline:
                raise _busy(wait_seconds) from None


def _busy(wait_seconds: float) -> DatabaseBusy:
    from ..db import BUSY_MESSAGE

    return DatabaseBusy(f"{BUSY_MESSAGE} (Waited {wait_seconds:g} s for another import or edit to finish.)")


def next_meeting_number(session: Session) -> int:
    """The number of a new meeting: one more than the highest (under :func:`take_write_lock`)."""
    highest = session.execute(sa.select(sa.func.max(_meeting.c.number))).scalar()
    return (highest or 0) + 1


# A Core stand-in for the table, not the model: numbering a meeting needs no ORM.
_meeting = sa.table("meeting", sa.column("number"))


# --------------------------------------------------------------------------- lifecycle
# The ORM and the guarded write are imported inside these functions: the
# meetings list above is the first screen, and the ORM import would put about
# 150 ms in front of it (issue 7); a lifecycle change comes after it is drawn.


def meeting_by_date(db: Database, date: dt.date) -> Meeting | None:
    from sqlmodel import select

    from ..models import Meeting

    with db.session() as s:
        return s.exec(select(Meeting).where(Meeting.date == date)).first()


def get_meeting(db: Database, meeting_id: int) -> Meeting:
    from .guard import load_meeting

    with db.session() as s:
        return load_meeting(s, meeting_id)


def start_meeting(db: Database, meeting_id: int, *, version: int | None) -> Meeting:
    """draft -> in_progress, noting when it started; a meeting already in progress is left as it is."""
    from ..models import Meeting
    from .guard import check_version, writable_meeting, writing

    with writing(db, "the meeting") as s:
        check_version(s.get(Meeting, meeting_id), version, "the meeting")
        meeting = writable_meeting(s, meeting_id)
        if meeting.status == MeetingStatus.draft:
            meeting.status = MeetingStatus.in_progress
            meeting.started_at = db.now()
        return meeting


def close_meeting(db: Database, meeting_id: int, *, version: int | None) -> Meeting:
    """Close the meeting: its running timer stops and from now on it is read-only.

    Each item keeps the record of its incident as it stands now (facts,
    involvements, persons, groups): later imports may change the incident,
    never what this meeting recorded (services/frozen.py). ``version`` is the
    meeting's as the wrap-up showed it: a decision added meanwhile by another
    instance refuses the close, so nobody closes a meeting they have not seen.
    """
    from sqlalchemy.orm import selectinload
    from sqlmodel import select

    from ..models import AgendaItem, Incident, Involvement
    from .frozen import freeze
    from .guard import check_version, writable_meeting, writing
    from .items import stop_timer

    with writing(db, "the meeting") as s:
        meeting = writable_meeting(s, meeting_id)
        check_version(meeting, version, f"the meeting of {meeting.date.isoformat()}")
        now = db.now()
        items = s.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .options(
                selectinload(AgendaItem.incident)  # type: ignore[arg-type]
                .selectinload(Incident.involvements)  # type: ignore[arg-type]
                .options(selectinload(Involvement.person), selectinload(Involvement.group))  # type: ignore[arg-type]
            )
        ).all()
        for item in items:
            stop_timer(item, now)
            item.record = freeze(item.incident)  # type: ignore[arg-type]
        meeting.status = MeetingStatus.closed
        meeting.closed_at = now
        if meeting.started_at is None:
            meeting.started_at = now
        return meeting
