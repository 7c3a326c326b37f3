"""The service errors and the guarded write every service goes through.

A service refuses a change with one of the errors here, worded for the
person who asked (the screens show the message, the CLI prints it and exits
1). Every write runs in :func:`writing`: SQLAlchemy's ``StaleDataError`` (a
lost race with another instance) and ``IntegrityError`` (the same change made
twice at once) are translated into these errors here and nowhere else.
``db.DatabaseBusy`` is not one of them: the app retries it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from ..db import Database
from ..enums import MeetingStatus
from ..models import AgendaItem, Meeting


class ReviewError(Exception):
    """A change refused for a reason the user can act on; the message says which."""


class MeetingClosed(ReviewError):
    """The meeting is closed: corrections are amendments with a reason."""


class StaleEdit(ReviewError):
    """Another instance changed (or removed) the record since this one loaded it; nothing was written."""


class Invalid(ReviewError):
    """Values refused by the agenda models: every ``(field, message)``, worded as an import words them."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"{name}: {message}" if name else message for name, message in self.problems))


# The README's words for a refused write (SPEC §6, two instances).
STALE = "was changed by someone else since you opened it; reloaded"
GONE = "was removed by someone else since you opened it; reloaded"


@contextmanager
def writing(db: Database, what: str) -> Iterator[Session]:
    """The transaction of every write: a lost race with another instance reads as :class:`StaleEdit`.

    This is the one place SQLAlchemy's ``StaleDataError`` (``version_id_col``
    found the row changed between this transaction's read and its UPDATE) is
    turned into the message a person reads.
    """
    try:
        with db.transaction() as s:
            yield s
    except StaleDataError:
        raise StaleEdit(f"{what} {STALE}") from None
    except IntegrityError as exc:
        raise ReviewError(f"refused by the database (another user may have just made the same change): {exc.orig}") from None


def check_version(obj: Any, version: int | None, what: str) -> Any:
    """``obj`` as loaded in this transaction, refused if gone or changed since the screen loaded ``version``.

    Every function that changes a row takes the ``version`` its caller saw;
    ``None`` is for a caller that reads and writes in one step (the demo data,
    a script), never for a screen.
    """
    if obj is None:
        raise StaleEdit(f"{what} {GONE}")
    if version is not None and obj.version != version:
        raise StaleEdit(f"{what} {STALE}")
    return obj


def touch(obj: Any, attr: str) -> None:
    """Mark ``obj`` changed (through ``attr``) so its version moves on: a change made through a row it owns."""
    flag_modified(obj, attr)


def load_meeting(s: Session, meeting_id: int) -> Meeting:
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise ReviewError(f"no meeting with id {meeting_id}")
    return meeting


def writable_meeting(s: Session, meeting_id: int) -> Meeting:
    meeting = load_meeting(s, meeting_id)
    if meeting.status == MeetingStatus.closed:
        raise MeetingClosed(
            f"the meeting of {meeting.date.isoformat()} is closed; record a correction as an amendment with a reason"
        )
    return meeting


def load_item(s: Session, agenda_item_id: int) -> AgendaItem:
    item = s.get(AgendaItem, agenda_item_id)
    if item is None:
        raise ReviewError(f"no agenda item with id {agenda_item_id}")
    return item
