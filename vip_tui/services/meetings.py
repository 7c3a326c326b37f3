"""Meetings: the write lock that numbers them (the list with its counts: services/meeting_list.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from ..db import DatabaseBusy
from .meeting_list import MeetingSummary, list_meetings  # noqa: F401  (their home before issue 14)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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
