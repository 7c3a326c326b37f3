"""A person's profile: everything the program knows of one person, in a few queries.

Involvements are every one on record, an incident dated after the clock
included (a profile tells the whole story); the flags are as of now, with the
reason for each (services.history). Notifications come with their attempts,
services and outcome; referrals with where they came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..db import Database
from ..enums import IncidentType, Role
from ..models import AgendaItem, Group, Incident, Involvement, Meeting, Person
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
    aliases: tuple[str, ...] = ()  # of the record asked for; shown in the full view only
    enrolled_since: dt.date | None = None  # the open VIP All In episode's start (every audience reads it)

    @property
    def person_id(self) -> int:
        return self.history.person_id


def person_profile(db: Database, person_id: int, *, as_of: dt.datetime) -> PersonProfile:
    """The profile of ``person_id`` (a merged record shows the record it was merged into).

    Fourteen statements, whatever the length of the story: the person (one
    more per merge followed), their history as of now (six), every
    involvement with its place, group and reviews (one), the associates
    (two), the notifications (two), the referrals (one) and whether they are
    enrolled in VIP All In, since when (one; nothing else of it). The aliases are
    those of ``person_id``'s own record, read with it (they were a second
    worker's statement, started while the screen drew: issue 14).
    """
    with db.session() as s:
        person = s.get(Person, person_id)
        aliases = tuple(person.aliases or []) if person is not None else ()
        while person is not None and person.merged_into_id is not None:
            person = s.get(Person, person.merged_into_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        pid = person.id
        assert pid is not None
        history = histories(s, [pid], as_of=as_of)[pid]
        involvements = _involvements(s, pid)
        found = associates(s, pid, as_of=dt.datetime.max)
        from .all_in import enrolled_since

        since = enrolled_since(s, [pid]).get(pid)
    notifications = sorted(
        load_notifications(db, today=as_of.date(), where=NotificationFilter(person_id=pid)),
        key=lambda n: (n.meeting_date, n.created_at, n.ref),
        reverse=True,
    )
    referrals = sorted(load_referrals(db, person_id=pid), key=lambda r: (r.offered_on or dt.date.min, r.id), reverse=True)
    return PersonProfile(history, involvements, found, notifications, referrals, aliases, since)


def _involvements(s: Session, pid: int) -> tuple[InvolvementEntry, ...]:
    """Every involvement of ``pid``, an incident after the clock included, oldest first: one statement.

    One row per (involvement, review of its incident); an incident never
    reviewed has one row with no meeting date. The order is services.history's
    (time, incident, then roles in the order of Role) reversed.
    """
    rows = s.exec(
        select(
            Involvement.incident_id, Involvement.role, Incident.case_number, Incident.occurred_at, Incident.type,
            Incident.area_command, Incident.location, Group.name, Meeting.date,
        )
        .join(Incident, col(Incident.id) == col(Involvement.incident_id))
        .outerjoin(Group, col(Group.id) == col(Involvement.group_id))
        .outerjoin(AgendaItem, col(AgendaItem.incident_id) == col(Involvement.incident_id))
        .outerjoin(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(Involvement.person_id == pid)
    ).all()
    found: dict[tuple[int, Role], tuple[tuple, set[dt.date]]] = {}
    for incident_id, role, case_number, occurred_at, type_, area, location, group, meeting_date in rows:
        key = (incident_id, Role(role))
        entry = found.setdefault(key, ((case_number, occurred_at, IncidentType(type_), area, location, group), set()))
        if meeting_date is not None:
            entry[1].add(meeting_date)
    order = list(Role)
    return tuple(
        InvolvementEntry(incident_id, case_number, occurred_at, type_, area, location or "", role, group,
                         tuple(sorted(dates)))
        for (incident_id, role), ((case_number, occurred_at, type_, area, location, group), dates) in sorted(
            found.items(), key=lambda kv: (kv[1][0][1], kv[0][0], -order.index(kv[0][1]))
        )
    )
