"""Each person's story from earlier reviews: past involvements, open notifications, flags, associates.

The incident-review screen shows this for every person of the incident on
screen, the person profile for one person. Everything is computed from the
data at the moment it is asked for (nothing is cached or stored), in a fixed
number of statements whatever the number of persons or the length of their
history (issue 7): see :func:`histories`.

Definitions (the words of issue 3, made exact):

``as_of``
    The reference moment. For the review screen it is the current incident's
    ``occurred_at``; for a profile, "now". Only incidents with
    ``occurred_at < as_of`` are *past*: the review of a shooting never sees
    what happened after it, and another incident at the very same minute is
    not "before" it.

past involvements
    A person's involvements in past incidents, the current incident excluded
    (even when ``as_of`` is later than it), newest first. A person with two
    roles in one incident has two entries. ``meeting_dates`` are the dates of
    the meetings that had the incident on their agenda, up to and including
    ``as_of``'s day, oldest first.

open notifications
    Notifications whose status is open *now* (``proposed``, ``approved``,
    ``assigned``), whenever they were made: they are the work the meeting has
    to follow, not history. Newest meeting first.

groups
    The person's groups (``PersonGroup``) as recorded now, by name; the data
    holds no start date for a membership, so ``as_of`` does not filter them.

the 90-day window
    Counted in calendar days, so that a flag and its reason ("90 days
    before") always agree: an incident is within the 90 days before ``as_of``
    when its date is no more than 90 days before ``as_of``'s date (and it
    occurred before ``as_of``).

Flags, in this order:

``recent_victim``
    A past involvement as victim within the 90-day window; the reason cites
    the most recent one.
``victim_now_suspect``
    A suspect in the current incident who was a victim in any past incident;
    the reason cites the most recent such victimisation.
``associate_of_recent_victim``
    Shared a *past* incident or a group with another person who was a victim
    within the 90-day window *or is a victim in the current incident*: the
    review is there for the associates of this week's victims. The link
    always comes from another incident than the one under review (issue 13):
    sharing the current incident with its victim is not a flag (the suspect
    against his own victim, the mother who called 911 are in the incident,
    not flagged by it). Never the person themself, never a merged (absorbed)
    person record. The reason names the associate with the most recent
    victimisation and where they were a victim, citing the most recent
    incident the two shared with the person's role in it (a shared incident
    is preferred over a shared group).
``repeat``
    Involved in 3 or more distinct incidents, past ones plus the current one.

Roles in the current incident come from the database (the involvements of
``current_incident_id``); ``current_roles`` overrides them for the persons it
names (e.g. a role being edited on screen). Who *else* is in the current
incident is always read from the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ..enums import OPEN_NOTIFICATION_STATUSES, IncidentType, NotificationStatus, Role
from ..models import AgendaItem, Group, Incident, Involvement, Meeting, Notification, Person, PersonGroup

RECENT_DAYS = 90
REPEAT_THRESHOLD = 3
# Statements one call of histories() runs in the usual case (tests and the benchmark assert it).
HISTORY_STATEMENTS = 6

RECENT_VICTIM = "recent_victim"
VICTIM_NOW_SUSPECT = "victim_now_suspect"
ASSOCIATE_OF_RECENT_VICTIM = "associate_of_recent_victim"
REPEAT = "repeat"

FLAG_LABELS: dict[str, str] = {
    RECENT_VICTIM: f"victim in the last {RECENT_DAYS} days",
    VICTIM_NOW_SUSPECT: "earlier victim, now a suspect",
    ASSOCIATE_OF_RECENT_VICTIM: "associate of a recent victim",
    REPEAT: f"involved in {REPEAT_THRESHOLD}+ incidents",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PastInvolvement:
    """A person's role in an incident before ``as_of``."""

    incident_id: int
    case_number: str
    occurred_at: dt.datetime
    type: IncidentType
    area_command: str | None
    role: Role
    meeting_dates: tuple[dt.date, ...]  # reviews that had the incident on their agenda, oldest first


@dataclass(frozen=True)
class OpenNotification:
    """A notification for the person that is still open (proposed, approved or assigned)."""

    id: int
    ref: str  # "<meeting number>-<number>", e.g. "47-3"
    status: NotificationStatus
    due_date: dt.date | None
    meeting_date: dt.date


@dataclass(frozen=True)
class Flag:
    """A risk marker computed from the data, with the reason in words."""

    code: str
    label: str
    reason: str


@dataclass(frozen=True)
class PersonHistory:
    """What the review and the profile show of one person's story."""

    person_id: int
    name: str
    record_id: str | None
    dob: dt.date | None
    groups: tuple[str, ...]
    past: tuple[PastInvolvement, ...]  # newest first, the current incident excluded
    open_notifications: tuple[OpenNotification, ...]
    flags: tuple[Flag, ...]

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.flags)


@dataclass(frozen=True)
class Associate:
    """Someone who shared incidents or groups with a person."""

    person_id: int
    name: str
    shared_incidents: int
    shared_groups: tuple[str, ...]
    last_shared: dt.date | None  # date of the most recent shared incident; None when only groups are shared


# --------------------------------------------------------------------------- helpers


def window_start(as_of: dt.datetime) -> dt.datetime:
    """The first moment of the 90-day window before ``as_of`` (calendar days, see the module docstring)."""
    return dt.datetime.combine(as_of.date() - dt.timedelta(days=RECENT_DAYS), dt.time.min)


def _days_before(as_of: dt.datetime, when: dt.datetime) -> str:
    days = (as_of.date() - when.date()).days
    if days == 0:
        return "same day"
    return f"{days} day{'s' if days != 1 else ''} before"


def _flag(code: str, reason: str) -> Flag:
    return Flag(code, FLAG_LABELS[code], reason)


# The statements are built once, with bound parameters, and reused: building
# them (aliases, subqueries) costs more than running them on an indexed
# database. Parameters: ids (expanding), as_of, since (the window's start),
# as_of_date, current (the current incident's id, or NULL), person (one id).
_IDS = sa.bindparam("ids", expanding=True)
_CURRENT = sa.bindparam("current", type_=sa.Integer)


def _before(incident: Any) -> sa.ColumnElement[bool]:
    """Incidents that count as before ``as_of``: those that occurred before it, and the current one."""
    return sa.or_(incident.occurred_at < sa.bindparam("as_of"), incident.id == _CURRENT)


def _past(incident: Any) -> sa.ColumnElement[bool]:
    """Incidents that occurred before ``as_of``, never the current one (whenever it occurred)."""
    return sa.and_(
        incident.occurred_at < sa.bindparam("as_of"),
        sa.func.coalesce(incident.id != _CURRENT, sa.true()),  # no current incident: every one is another
    )


@dataclass(frozen=True)
class _Statements:
    persons: Any
    involvements: Any
    reviews: Any
    notifications: Any
    current_at: Any
    links_by_incident: Any
    links_by_group: Any
    associates_by_incident: Any
    associates_by_group: Any


@cache
def _statements() -> _Statements:
    mine, other = aliased(Involvement), aliased(Involvement)
    shared = aliased(Incident)
    other_person = aliased(Person)
    pg_mine, pg_other = aliased(PersonGroup), aliased(PersonGroup)

    # Each victimisation in the 90-day window before as_of, or in the current incident.
    victim, victimised = aliased(Involvement), aliased(Incident)
    recent_victims = (
        sa.select(
            victim.person_id.label("victim_id"),
            victimised.occurred_at.label("victim_at"),
            victimised.case_number.label("victim_case"),
            victimised.id.label("victim_incident"),
        )
        .join(victimised, victimised.id == victim.incident_id)
        .where(
            victim.role == Role.victim,
            sa.or_(
                sa.and_(
                    victimised.occurred_at >= sa.bindparam("since"),
                    victimised.occurred_at < sa.bindparam("as_of"),
                ),
                victimised.id == _CURRENT,
            ),
        )
        .subquery("recent_victim")
    )
    # merged_into_id is read, not filtered on: a condition on it lets SQLite's
    # planner start from its index and walk every person (measured: 40 ms).
    return _Statements(
        persons=sa.select(Person.id, Person.name, Person.record_id, Person.dob, Group.name)
        .outerjoin(PersonGroup, col(PersonGroup.person_id) == col(Person.id))
        .outerjoin(Group, col(Group.id) == col(PersonGroup.group_id))
        .where(col(Person.id).in_(_IDS)),
        involvements=sa.select(
            Involvement.person_id,
            Involvement.role,
            Incident.id,
            Incident.case_number,
            Incident.occurred_at,
            Incident.type,
            Incident.area_command,
        )
        .join(Incident, col(Incident.id) == col(Involvement.incident_id))
        .where(col(Involvement.person_id).in_(_IDS), _before(Incident)),
        reviews=sa.select(AgendaItem.incident_id, Meeting.date)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(col(AgendaItem.incident_id).in_(_IDS), col(Meeting.date) <= sa.bindparam("as_of_date")),
        notifications=sa.select(
            Notification.id,
            Notification.person_id,
            Notification.number,
            Notification.status,
            Notification.due_date,
            Meeting.number,
            Meeting.date,
        )
        .join(Meeting, col(Meeting.id) == col(Notification.meeting_id))
        .where(
            col(Notification.person_id).in_(_IDS),
            col(Notification.status).in_(sorted(OPEN_NOTIFICATION_STATUSES)),
        ),
        current_at=sa.select(Incident.occurred_at).where(col(Incident.id) == _CURRENT),
        # One row per (person, associate, shared incident, victimisation of the associate).
        # Only past incidents link (never the current one, issue 13); the victimisation may be in the current one.
        links_by_incident=sa.select(
            mine.person_id,
            mine.role,
            other.person_id,
            other_person.name,
            other_person.merged_into_id,
            shared.case_number,
            shared.occurred_at,
            recent_victims.c.victim_at,
            recent_victims.c.victim_case,
            recent_victims.c.victim_incident,
        )
        .select_from(mine)
        .join(shared, shared.id == mine.incident_id)
        .join(other, sa.and_(other.incident_id == shared.id, other.person_id != mine.person_id))
        .join(other_person, other_person.id == other.person_id)
        .join(recent_victims, recent_victims.c.victim_id == other.person_id)
        .where(mine.person_id.in_(_IDS), _past(shared)),
        links_by_group=sa.select(
            pg_mine.person_id,
            other_person.id,
            other_person.name,
            other_person.merged_into_id,
            Group.name,
            recent_victims.c.victim_at,
            recent_victims.c.victim_case,
            recent_victims.c.victim_incident,
        )
        .select_from(pg_mine)
        .join(pg_other, sa.and_(pg_other.group_id == pg_mine.group_id, pg_other.person_id != pg_mine.person_id))
        .join(Group, col(Group.id) == pg_mine.group_id)
        .join(other_person, other_person.id == pg_other.person_id)
        .join(recent_victims, recent_victims.c.victim_id == pg_other.person_id)
        .where(pg_mine.person_id.in_(_IDS)),
        associates_by_incident=sa.select(
            other_person.id,
            other_person.name,
            other_person.merged_into_id,
            sa.func.count(sa.distinct(shared.id)),
            sa.func.max(shared.occurred_at),
        )
        .select_from(mine)
        .join(shared, shared.id == mine.incident_id)
        .join(other, sa.and_(other.incident_id == shared.id, other.person_id != mine.person_id))
        .join(other_person, other_person.id == other.person_id)
        .where(mine.person_id == sa.bindparam("person"), shared.occurred_at < sa.bindparam("as_of"))
        .group_by(other_person.id, other_person.name, other_person.merged_into_id),
        associates_by_group=sa.select(other_person.id, other_person.name, other_person.merged_into_id, Group.name)
        .select_from(pg_mine)
        .join(pg_other, sa.and_(pg_other.group_id == pg_mine.group_id, pg_other.person_id != pg_mine.person_id))
        .join(Group, col(Group.id) == pg_mine.group_id)
        .join(other_person, other_person.id == pg_other.person_id)
        .where(pg_mine.person_id == sa.bindparam("person")),
    )


@dataclass(frozen=True)
class _Link:
    """An associate who was a recent victim, and how the person is linked to them."""

    victim_at: dt.datetime
    via_incident: bool
    via_at: dt.datetime | None
    via_label: str
    other_name: str
    other_id: int
    victim_case: str = ""
    victim_now: bool = False  # the victimisation is the incident under review
    roles: tuple[Role, ...] = ()  # the person's roles in the shared incident

    def sort_key(self) -> tuple[Any, ...]:
        # Most recent victimisation first; then a shared incident over a shared
        # group; then the most recent shared incident; then by name for a stable pick.
        return (
            dt.datetime.max - self.victim_at,
            not self.via_incident,
            dt.datetime.max - (self.via_at or dt.datetime.min),
            self.other_name,
            self.via_label,
            self.other_id,
        )

    def reason(self) -> str:
        if self.victim_now:
            victim = f"{self.other_name} is a victim in this incident"
        else:
            victim = f"{self.other_name} victim in {self.victim_case} on {self.victim_at.date().isoformat()}"
        if self.via_incident and self.via_at is not None:
            roles = " and ".join(r.label for r in self.roles)
            where = f"{self.via_label} on {self.via_at.date().isoformat()}"
            if self.victim_case == self.via_label:
                return f"{roles} in {where}, where {self.other_name} was the victim"
            return f"{roles} with {self.other_name} in {where}; {victim}"
        return f"same group {self.via_label} as {self.other_name}; {victim}"


# --------------------------------------------------------------------------- histories


def histories(
    session: Session,
    person_ids: Sequence[int],
    *,
    as_of: dt.datetime,
    current_incident_id: int | None = None,
    current_roles: Mapping[int, Role] | None = None,
) -> dict[int, PersonHistory]:
    """The history of each of ``person_ids`` as of ``as_of``, keyed by person id.

    ``as_of`` is the reference moment (the current incident's ``occurred_at``
    on the review screen, now on a profile); only incidents that occurred
    before it are past. ``current_incident_id`` is the incident under review:
    it is never part of ``past`` but counts for the flags (a suspect in it, a
    victim in it, one more incident). ``current_roles`` overrides the
    database's roles in the current incident for the persons it names. See the
    module docstring for the exact rules of each flag.

    Ids that name no person are left out of the result; repeated ids count
    once. Runs ``HISTORY_STATEMENTS`` (six) statements whatever the number of
    persons and the length of their histories: the persons with their
    groups, their involvements, the agenda dates of those incidents, their
    open notifications, and the associates who were recent victims, by
    shared incident and by shared group. One fewer when none of them has a
    past incident; one more (the current incident's time) only when
    ``current_roles`` places a person in the current incident that the
    database does not. Nothing is cached between calls.
    """
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}

    # 1. persons and their groups
    persons: dict[int, tuple[str, str | None, dt.date | None]] = {}
    groups: dict[int, list[str]] = defaultdict(list)
    q = _statements()
    params: dict[str, Any] = {
        "ids": ids,
        "as_of": as_of,
        "since": window_start(as_of),
        "current": current_incident_id,
    }
    rows = session.exec(q.persons, params={"ids": ids}).all()
    for pid, name, record_id, dob, group_name in rows:
        persons[pid] = (name, record_id, dob)
        if group_name is not None:
            groups[pid].append(group_name)
    ids = [pid for pid in ids if pid in persons]
    if not ids:
        return {}
    params["ids"] = ids

    # 2. their involvements in past incidents and in the current one
    involvements: dict[int, list[PastInvolvement]] = defaultdict(list)  # their reviews added in 3
    db_current_roles: dict[int, set[Role]] = defaultdict(set)
    current_at: dt.datetime | None = None
    rows = session.exec(q.involvements, params=params).all()
    for pid, role, incident_id, case_number, occurred_at, type_, area_command in rows:
        if incident_id == current_incident_id:
            db_current_roles[pid].add(role)
            current_at = occurred_at
        else:
            involvements[pid].append(
                PastInvolvement(incident_id, case_number, occurred_at, type_, area_command, role, ())
            )

    roles_now: dict[int, set[Role]] = {pid: set(r) for pid, r in db_current_roles.items()}
    if current_incident_id is not None and current_roles:
        for pid, role in current_roles.items():
            roles_now[pid] = {role}

    # 3. the reviews of those incidents, up to as_of's day
    past_incident_ids = {r.incident_id for rs in involvements.values() for r in rs}
    reviewed: dict[int, list[dt.date]] = defaultdict(list)
    if past_incident_ids:
        rows = session.exec(q.reviews, params={"ids": sorted(past_incident_ids), "as_of_date": as_of.date()}).all()
        for incident_id, meeting_date in rows:
            reviewed[incident_id].append(meeting_date)

    # 4. open notifications (as they stand now)
    notifications: dict[int, list[tuple[tuple[Any, ...], OpenNotification]]] = defaultdict(list)
    rows = session.exec(q.notifications, params={"ids": ids}).all()
    for nid, pid, number, status, due_date, meeting_number, meeting_date in rows:
        notifications[pid].append(
            (
                (meeting_date, number, nid),
                OpenNotification(nid, f"{meeting_number}-{number}", status, due_date, meeting_date),
            )
        )

    # 5-6. associates who were recent victims (or are victims in the current incident)
    links = _recent_victim_links(session, params)

    # 7. only when current_roles puts someone in the current incident the database does not
    if current_incident_id is not None and current_at is None and any(pid in roles_now for pid in ids):
        current_at = session.exec(q.current_at, params={"current": current_incident_id}).scalar_one_or_none()

    result: dict[int, PersonHistory] = {}
    for pid in ids:
        name, record_id, dob = persons[pid]
        rows_ = sorted(
            involvements.get(pid, []),
            key=lambda r: (r.occurred_at, r.incident_id, -list(Role).index(r.role)),
            reverse=True,
        )
        past = tuple(replace(r, meeting_dates=tuple(sorted(set(reviewed.get(r.incident_id, ()))))) for r in rows_)
        flags = _flags(
            past,
            as_of=as_of,
            roles_now=roles_now.get(pid, set()),
            current_at=current_at if pid in roles_now else None,
            links=links.get(pid, ()),
        )
        result[pid] = PersonHistory(
            person_id=pid,
            name=name,
            record_id=record_id,
            dob=dob,
            groups=tuple(sorted(set(groups.get(pid, ())), key=str.casefold)),
            past=past,
            open_notifications=tuple(
                n for _, n in sorted(notifications.get(pid, []), key=lambda kv: kv[0], reverse=True)
            ),
            flags=flags,
        )
    return result


def _flags(
    past: tuple[PastInvolvement, ...],
    *,
    as_of: dt.datetime,
    roles_now: set[Role],
    current_at: dt.datetime | None,
    links: Iterable[_Link],
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    victimised = [p for p in past if p.role is Role.victim]  # newest first, as past is

    start = window_start(as_of)
    recent = [p for p in victimised if p.occurred_at >= start]
    if recent:
        last = recent[0]
        flags.append(
            _flag(
                RECENT_VICTIM,
                f"victim in {last.case_number} on {last.occurred_at.date().isoformat()} "
                f"({_days_before(as_of, last.occurred_at)})",
            )
        )

    if Role.suspect in roles_now and victimised:
        last = victimised[0]
        flags.append(
            _flag(
                VICTIM_NOW_SUSPECT,
                f"victim in {last.case_number} on {last.occurred_at.date().isoformat()}; suspect in this incident",
            )
        )

    best = min(links, key=_Link.sort_key, default=None)
    if best is not None:
        flags.append(_flag(ASSOCIATE_OF_RECENT_VICTIM, best.reason()))

    dates = {p.incident_id: p.occurred_at for p in past}
    count = len(dates) + (1 if roles_now else 0)
    if count >= REPEAT_THRESHOLD:
        first = min([*dates.values(), *([current_at] if roles_now and current_at else [])])
        flags.append(_flag(REPEAT, f"{count} incidents since {first.date().isoformat()}"))

    return tuple(flags)


def _recent_victim_links(session: Session, params: Mapping[str, Any]) -> dict[int, list[_Link]]:
    """For each of ``params["ids"]``, the recent victims they share an incident or a group with (two statements)."""
    q = _statements()
    links: dict[int, list[_Link]] = defaultdict(list)

    rows = session.exec(q.links_by_incident, params=dict(params)).all()
    current = params.get("current")
    # Per (person, associate): the associate's latest victimisation, and the latest
    # incident the two shared (case number breaks a tie in time) with the person's roles in it.
    victim_of: dict[tuple[int, int], tuple[dt.datetime, str, bool]] = {}
    shared_of: dict[tuple[int, int], tuple[dt.datetime, str]] = {}
    roles_in: dict[tuple[int, int, str], set[Role]] = defaultdict(set)
    names: dict[int, str] = {}
    for pid, role, oid, name, merged_into_id, case_number, shared_at, victim_at, victim_case, victim_incident in rows:
        if merged_into_id is not None:
            continue
        key = (pid, oid)
        names[oid] = name
        victim = (victim_at, victim_case, victim_incident == current)
        victim_of[key] = max(victim, victim_of.get(key, victim))
        shared_of[key] = max((shared_at, case_number), shared_of.get(key, (shared_at, case_number)))
        roles_in[(pid, oid, case_number)].add(Role(role))
    for (pid, oid), (victim_at, victim_case, now) in victim_of.items():
        shared_at, case_number = shared_of[(pid, oid)]
        roles = tuple(r for r in Role if r in roles_in[(pid, oid, case_number)])
        links[pid].append(
            _Link(victim_at, True, shared_at, case_number, names[oid], oid, victim_case, now, roles)
        )

    rows = session.exec(
        q.links_by_group, params={k: params[k] for k in ("ids", "as_of", "since", "current")}
    ).all()
    best: dict[tuple[int, int, str], _Link] = {}
    for pid, oid, name, merged_into_id, group_name, victim_at, victim_case, victim_incident in rows:
        if merged_into_id is not None:
            continue
        link = _Link(victim_at, False, None, group_name, name, oid, victim_case, victim_incident == current)
        key = (pid, oid, group_name)
        if key not in best or (link.victim_at, link.victim_case) > (best[key].victim_at, best[key].victim_case):
            best[key] = link
    for (pid, _oid, _group), link in best.items():
        links[pid].append(link)
    return links


# --------------------------------------------------------------------------- associates


def associates(session: Session, person_id: int, *, as_of: dt.datetime) -> list[Associate]:
    """The people who shared an incident (before ``as_of``) or a group with ``person_id``.

    Sorted by the most recent shared incident (group-only associates last),
    then by how many incidents were shared, then by name. Never the person
    themself, never a merged (absorbed) person record. Two statements.
    """
    q = _statements()
    found: dict[int, dict[str, Any]] = {}
    rows = session.exec(q.associates_by_incident, params={"person": person_id, "as_of": as_of}).all()
    for oid, name, merged_into_id, count, last in rows:
        if merged_into_id is not None:
            continue
        found[oid] = {"name": name, "count": count, "last": last.date(), "groups": []}

    rows = session.exec(q.associates_by_group, params={"person": person_id}).all()
    for oid, name, merged_into_id, group_name in rows:
        if merged_into_id is not None:
            continue
        entry = found.setdefault(oid, {"name": name, "count": 0, "last": None, "groups": []})
        entry["groups"].append(group_name)

    result = [
        Associate(
            person_id=oid,
            name=e["name"],
            shared_incidents=e["count"],
            shared_groups=tuple(sorted(set(e["groups"]), key=str.casefold)),
            last_shared=e["last"],
        )
        for oid, e in found.items()
    ]
    result.sort(
        key=lambda a: (
            a.last_shared is None,
            -(a.last_shared.toordinal() if a.last_shared else 0),
            -a.shared_incidents,
            a.name.casefold(),
            a.person_id,
        )
    )
    return result
