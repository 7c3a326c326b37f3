"""A person's profile: everything the program knows of one person, in a few queries.

Involvements are every one on record, an incident dated after the clock
included (a profile tells the whole story); the flags are as of now, with the
reason for each (services.history). Notifications come with their attempts,
services and outcome; referrals with where they came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from ..db import Database
from ..enums import IncidentType, Role
from ..models import Group, Incident, Involvement, Person
from .history import Associate, PersonHistory, associates, histories
from .notifications import NotificationFilter, NotificationRow, ReferralRow, load_notifications, load_referrals


@dataclass(frozen=True)
class InvolvementEntry:
    """One role of the person in one incident."""

    incident_id: int
    case_number: str
    occurred_at: dt.datetime
    type: IncidentType
    area_command: str | None
    location: str
    role: Role
    group: str | None  # the group the agenda named for them in this incident
    meeting_dates: tuple[dt.date, ...]  # the reviews that had the incident on their agenda


@dataclass(frozen=True)
class PersonProfile:
    history: PersonHistory  # identity, groups, open notifications and flags as of now
    involvements: tuple[InvolvementEntry, ...]  # oldest first
    associates: list[Associate]
    notifications: list[NotificationRow]  # newest first, each with its attempts
    referrals: list[ReferralRow]

    @property
    def person_id(self) -> int:
        return self.history.person_id


def person_profile(db: Database, person_id: int, *, as_of: dt.datetime) -> PersonProfile:
    """The profile of ``person_id`` (a merged record shows the record it was merged into)."""
    with db.session() as s:
        person = s.get(Person, person_id)
        while person is not None and person.merged_into_id is not None:
            person = s.get(Person, person.merged_into_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        pid = person.id
        assert pid is not None
        history = histories(s, [pid], as_of=as_of)[pid]
        everything = histories(s, [pid], as_of=dt.datetime.max, past_only=True)[pid]
        found = associates(s, pid, as_of=dt.datetime.max)
        extra = {
            (incident_id, role): (location, group)
            for incident_id, role, location, group in s.exec(
                select(Involvement.incident_id, Involvement.role, Incident.location, Group.name)
                .join(Incident, col(Incident.id) == col(Involvement.incident_id))
                .outerjoin(Group, col(Group.id) == col(Involvement.group_id))
                .where(Involvement.person_id == pid)
            ).all()
        }
    involvements = tuple(
        InvolvementEntry(
            p.incident_id, p.case_number, p.occurred_at, p.type, p.area_command,
            extra.get((p.incident_id, p.role), ("", None))[0], p.role,
            extra.get((p.incident_id, p.role), ("", None))[1], p.meeting_dates,
        )
        for p in reversed(everything.past)
    )
    notifications = sorted(
        load_notifications(db, today=as_of.date(), where=NotificationFilter(person_id=pid)),
        key=lambda n: (n.meeting_date, n.created_at, n.ref),
        reverse=True,
    )
    referrals = sorted(load_referrals(db, person_id=pid), key=lambda r: (r.offered_on or dt.date.min, r.id), reverse=True)
    return PersonProfile(history, involvements, found, notifications, referrals)
