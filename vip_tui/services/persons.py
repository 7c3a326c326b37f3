"""A person's profile: everything the program knows of one person, in a few queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import selectinload
from sqlmodel import select

from ..db import Database
from ..models import Meeting, Notification, Person, Referral
from .history import Associate, PastInvolvement, PersonHistory, associates, histories


@dataclass(frozen=True)
class NotificationEntry:
    id: int
    ref: str
    status: object
    due_date: dt.date | None
    reasons: str
    attempts: tuple


@dataclass(frozen=True)
class PersonProfile:
    history: PersonHistory  # identity, groups, open notifications and flags as of now
    involvements: tuple[PastInvolvement, ...]  # oldest first
    associates: list[Associate]
    notifications: list[NotificationEntry]
    referrals: list[Referral]


def person_profile(db: Database, person_id: int, *, as_of: dt.datetime) -> PersonProfile:
    """The profile of ``person_id`` (a merged record shows the record it was merged into)."""
    with db.session() as s:
        person = s.get(Person, person_id)
        while person is not None and person.merged_into_id is not None:
            person = s.get(Person, person.merged_into_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        pid = person.id
        # Flags are as of now; the involvements and associates are every one
        # on record, an incident dated after the clock included.
        history = histories(s, [pid], as_of=as_of)[pid]
        everything = histories(s, [pid], as_of=dt.datetime.max)[pid]
        found = associates(s, pid, as_of=dt.datetime.max)
        rows = s.exec(
            select(Notification, Meeting)
            .join(Meeting, Meeting.id == Notification.meeting_id)
            .where(Notification.person_id == pid)
            .options(selectinload(Notification.attempts))  # type: ignore[arg-type]
            .order_by(Meeting.date.desc(), Notification.number)
        ).all()
        notifications = [
            NotificationEntry(n.id, m.ref(n.number), n.status, n.due_date, n.reasons, tuple(n.attempts))
            for n, m in rows
        ]
        referrals = list(s.exec(select(Referral).where(Referral.person_id == pid).order_by(Referral.id)).all())
    return PersonProfile(history, tuple(reversed(everything.past)), found, notifications, referrals)
