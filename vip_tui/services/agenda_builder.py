"""The analyst's week: one meeting's agenda built by hand, one committed change at a time.

Every function commits its change at once through ``Database.transaction()``
(so the audit hook records it) and refuses bad input with a message a person
can act on:

* **Validation is the agenda files' own.** Values arrive as text, as a CSV
  cell would, and are validated by the models of :mod:`vip_tui.agenda.schema`
  with ``TEXT_CONTEXT``; mistakes are worded by the parser's
  :func:`~vip_tui.agenda.problems.problems_from_validation_error`. A bad date
  typed in the builder therefore reads exactly as the same bad date in an
  imported CSV, without the file name and line: ``occurred_at: "2026-13-01"
  is not a date-time (write 2026-11-27T22:15:00)``. :class:`Invalid` carries
  every problem of a form, not just the first.
* **Two people at once.** Each edit passes the ``version`` of every record it
  changes, as the screen loaded it. If another instance changed the record
  since, the write is refused with :class:`StaleEdit` ("… was changed by
  someone else since you opened it; reloaded") instead of overwriting it. The
  check is made in the writing transaction, and SQLAlchemy's
  ``version_id_col`` (models.py) closes the gap between that read and the
  UPDATE. :func:`agenda_stamp` is the cheap question screens ask every two
  seconds to notice another instance's changes.

The rules an import applies to agencies, invitees and groups are the
importer's (:func:`~vip_tui.agenda.importer.ensure_agency`, ``invite``,
``link_group``), so a typed agenda and an imported one come out alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..agenda.importer import ensure_agency, invite, link_group
from ..agenda.problems import Loc, problems_from_validation_error
from ..agenda.schema import LIMITS, MAX_ALIASES, TEXT_CONTEXT, AttendeeIn, IncidentIn, MeetingIn, PersonIn, split_list
from ..db import Database
from ..enums import CaseStatus, IncidentType, MeetingStatus, RetaliationRisk, Role
from ..models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendee,
    Group,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    Person,
    PersonGroup,
    PersonMerge,
    Referral,
)
from ..names import name_key
from ..sanitize import clean
from .guard import GONE, Invalid, MeetingClosed, ServiceError, StaleEdit, check_version, touch, writing
from .items import AgendaRow, ItemDetail, agenda_rows, load_item_detail
from .meetings import MeetingInfo, meeting_info, next_meeting_number, take_write_lock

__all__ = [
    "AgendaDraft",
    "add_incident",
    "add_invitee",
    "add_person",
    "agenda_stamp",
    "create_meeting",
    "load_agenda",
    "move_item",
    "relink_involvement",
    "remove_involvement",
    "remove_invitee",
    "remove_item",
    "set_budget",
    "set_ready",
    "update_incident",
    "update_invitee",
    "update_involvement",
    "update_meeting",
]


# --------------------------------------------------------------------------- validation


class _FormLocator:
    """Where a problem is in a form: no line, the field as the agenda files name it."""

    def line(self, loc: Loc) -> int | None:
        return None

    def field(self, loc: Loc) -> str | None:
        out = ""
        for part in loc:
            out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or None


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    # An empty form field is an empty CSV cell: not given. A required one then
    # reads "missing (required)", as in an import.
    return {k: v for k, v in values.items() if v is not None and not (isinstance(v, str) and not v.strip())}


def validate(model: type[BaseModel], values: Mapping[str, Any]) -> Any:
    """``values`` (text, as typed) checked by an agenda model; raises :class:`Invalid` with every problem."""
    try:
        return model.model_validate(_clean_values(values), context=TEXT_CONTEXT)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, path=Path("form"), locator=_FormLocator())
        raise Invalid([(p.field, p.message) for p in problems]) from None


def _incident_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if isinstance(out.get("nibin_leads"), str):
        out["nibin_leads"] = split_list(out["nibin_leads"])
    return out


# --------------------------------------------------------------------------- writing


# One translation of a lost race for every service (guard.writing, guard.check_version).
_writing = writing
_check = check_version


def _writable(s: Session, meeting_id: int, version: int | None = None) -> Meeting:
    meeting = _check(s.get(Meeting, meeting_id), version, "the meeting")
    if meeting.status == MeetingStatus.closed:
        raise MeetingClosed(
            f"the meeting of {meeting.date.isoformat()} is closed; its agenda can no longer change"
        )
    return meeting


# --------------------------------------------------------------------------- what the builder shows


@dataclass(frozen=True)
class PersonLine:
    """One person's involvement in an incident of the agenda, with the person record it is linked to."""

    involvement_id: int
    version: int
    person_id: int
    person_version: int
    name: str
    role: Role
    dob: dt.date | None
    record_id: str | None
    group: str | None
    notes: str | None
    elsewhere: tuple[str, ...] = ()  # the person's other incidents: "2026-11-17 26-0091044 associate"
    merges: int = 0  # records merged into this one (undo with unmerge)
    aliases: tuple[str, ...] = ()  # other names the person is known by: full view only

    def form_values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "aliases": ", ".join(self.aliases),
            "role": self.role.value,
            "dob": self.dob.isoformat() if self.dob else "",
            "record_id": self.record_id or "",
            "group": self.group or "",
            "notes": self.notes or "",
        }


@dataclass(frozen=True)
class ItemLine:
    """An agenda item and its incident, every SPEC §4 field."""

    id: int
    version: int
    position: int
    minutes: int | None
    incident_id: int
    incident_version: int
    case_number: str
    occurred_at: dt.datetime
    type: IncidentType
    location: str
    area_command: str | None
    summary: str | None
    motive: str | None
    case_status: CaseStatus | None
    retaliation_risk: RetaliationRisk | None
    nibin_leads: tuple[str, ...]
    persons: tuple[PersonLine, ...]
    discussed: bool  # notes or decisions were taken on it: it stays on the agenda
    partner_summary: str | None = None  # the summary written for partners (goes through the release review)

    def form_values(self) -> dict[str, str]:
        return {
            "case_number": self.case_number,
            "occurred_at": self.occurred_at.isoformat(timespec="minutes" if not self.occurred_at.second else "seconds"),
            "type": self.type.value,
            "location": self.location,
            "area_command": self.area_command or "",
            "summary": self.summary or "",
            "partner_summary": self.partner_summary or "",
            "minutes": str(self.minutes or ""),
            "nibin_leads": "; ".join(self.nibin_leads),
            "motive": self.motive or "",
            "case_status": self.case_status.value if self.case_status else "",
            "retaliation_risk": self.retaliation_risk.value if self.retaliation_risk else "",
        }


@dataclass(frozen=True)
class InviteeLine:
    attendance_id: int
    attendee_id: int
    name: str
    agency: str
    role: str | None
    status: str
    walk_in: bool
    version: int = 1  # the attendance row's, for a correction or removal to write against

    def form_values(self) -> dict[str, str]:
        return {"name": self.name, "agency": self.agency, "role": self.role or ""}


@dataclass
class AgendaDraft:
    """A meeting's agenda as the builder shows it."""

    meeting: MeetingInfo
    items: list[ItemLine]
    invitees: list[InviteeLine]
    stamp: tuple[Any, ...] = field(default=())

    @property
    def planned_minutes(self) -> int:
        return sum(item.minutes or 0 for item in self.items)

    @property
    def unbudgeted(self) -> int:
        return sum(1 for item in self.items if not item.minutes)

    def budget_words(self) -> tuple[str, str]:
        """``(text, state)``: the budgets' total against the meeting's length; state ok | over | unknown."""
        total = self.planned_minutes
        missing = f" · {self.unbudgeted} without a budget" if self.unbudgeted else ""
        length = self.meeting.minutes
        if not length:
            return f"Budgets: {total} min planned · meeting length not set (t to set it){missing}", "unknown"
        spare = length - total
        if spare >= 0:
            return f"Budgets: {total} of {length} min · {spare} min to spare{missing}", "ok"
        return f"Budgets: {total} of {length} min · {-spare} min over the meeting's length{missing}", "over"


def load_agenda(db: Database, meeting_id: int) -> AgendaDraft:
    """The meeting, its items with their incidents and persons, and its invitees (a fixed handful of queries)."""
    with db.session() as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            raise ServiceError(f"no meeting with id {meeting_id}")
        stamp = _stamp(s, meeting_id)
        info = meeting_info(meeting)
        pairs = s.exec(
            select(AgendaItem, Incident)
            .join(Incident, Incident.id == AgendaItem.incident_id)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        incident_ids = [inc.id for _, inc in pairs]
        item_ids = [item.id for item, _ in pairs]
        rows = s.exec(
            select(Involvement, Person, Group)
            .join(Person, Person.id == Involvement.person_id)
            .join(Group, Group.id == Involvement.group_id, isouter=True)
            .where(col(Involvement.incident_id).in_(incident_ids))
        ).all() if incident_ids else []
        person_ids = sorted({p.id for _, p, _ in rows})
        elsewhere: dict[int, list[tuple[dt.datetime, int, str]]] = defaultdict(list)
        merges: dict[int, int] = {}
        if person_ids:
            for pid, incident_id, occurred, case, role in s.exec(
                select(Involvement.person_id, Incident.id, Incident.occurred_at, Incident.case_number, Involvement.role)
                .join(Incident, Incident.id == Involvement.incident_id)
                .where(col(Involvement.person_id).in_(person_ids))
            ).all():
                elsewhere[pid].append((occurred, incident_id, f"{occurred:%Y-%m-%d} {case} {Role(role).label}"))
            merges = dict(
                s.exec(
                    select(PersonMerge.survivor_id, func.count())
                    .where(col(PersonMerge.survivor_id).in_(person_ids), col(PersonMerge.undone_at).is_(None))
                    .group_by(PersonMerge.survivor_id)
                ).all()
            )
        discussed = set()
        if item_ids:
            discussed |= set(s.exec(select(Note.agenda_item_id).where(col(Note.agenda_item_id).in_(item_ids))).all())
            decided = set(
                s.exec(
                    select(ActionItem.incident_id).where(
                        ActionItem.meeting_id == meeting_id, col(ActionItem.incident_id).in_(incident_ids)
                    )
                ).all()
            ) | set(
                s.exec(
                    select(Notification.incident_id).where(
                        Notification.meeting_id == meeting_id, col(Notification.incident_id).in_(incident_ids)
                    )
                ).all()
            )
            discussed |= {item.id for item, _ in pairs if item.incident_id in decided}
        role_order = {r: n for n, r in enumerate(Role)}
        by_incident: dict[int, list[PersonLine]] = defaultdict(list)
        for inv, person, group in sorted(rows, key=lambda r: (role_order[r[0].role], r[0].id)):
            others = [text for _, incident_id, text in sorted(elsewhere[person.id], reverse=True)
                      if incident_id != inv.incident_id]
            by_incident[inv.incident_id].append(
                PersonLine(
                    inv.id, inv.version, person.id, person.version, person.name, inv.role, person.dob,  # type: ignore[arg-type]
                    person.record_id, group.name if group else None, inv.notes, tuple(others), merges.get(person.id, 0),
                    tuple(person.aliases or ()),
                )
            )
        items = [
            ItemLine(
                item.id, item.version, n, item.minutes, inc.id, inc.version, inc.case_number, inc.occurred_at,  # type: ignore[arg-type]
                inc.type, inc.location, inc.area_command, inc.summary, inc.motive, inc.case_status,
                inc.retaliation_risk, tuple(inc.nibin_leads or ()), tuple(by_incident[inc.id]), item.id in discussed,  # type: ignore[index]
                inc.partner_summary,
            )
            for n, (item, inc) in enumerate(pairs, start=1)
        ]
        invitees = [
            InviteeLine(a.id, p.id, p.name, ag.short_name if ag else "—", p.role, a.status.value, a.walk_in,  # type: ignore[arg-type]
                        a.version)
            for a, p, ag in s.exec(
                select(MeetingAttendance, Attendee, Agency)
                .join(Attendee, Attendee.id == MeetingAttendance.attendee_id)
                .join(Agency, Agency.id == Attendee.agency_id, isouter=True)
                .where(MeetingAttendance.meeting_id == meeting_id)
            ).all()
        ]
    invitees.sort(key=lambda r: (r.agency.casefold(), r.name.casefold()))
    return AgendaDraft(info, items, invitees, stamp)


# --------------------------------------------------------------------------- noticing other instances


def _stamp(s: Session, meeting_id: int) -> tuple[Any, ...]:
    items = select(AgendaItem.incident_id).where(AgendaItem.meeting_id == meeting_id)
    involved = select(Involvement.person_id).where(col(Involvement.incident_id).in_(items))
    of_items = col(AgendaItem.meeting_id) == meeting_id
    of_involvements = col(Involvement.incident_id).in_(items)
    of_attendance = col(MeetingAttendance.meeting_id) == meeting_id
    values = (
        select(Meeting.version).where(Meeting.id == meeting_id),
        select(func.count()).select_from(AgendaItem).where(of_items),
        select(func.sum(AgendaItem.version)).where(of_items),
        select(func.sum(AgendaItem.id)).where(of_items),
        select(func.sum(Incident.version)).where(col(Incident.id).in_(items)),
        select(func.count()).select_from(Involvement).where(of_involvements),
        select(func.sum(Involvement.version)).where(of_involvements),
        select(func.sum(Involvement.id)).where(of_involvements),
        select(func.sum(Person.version)).where(col(Person.id).in_(involved)),
        select(func.count()).select_from(MeetingAttendance).where(of_attendance),
        select(func.sum(MeetingAttendance.id)).where(of_attendance),
        select(func.sum(MeetingAttendance.attendee_id)).where(of_attendance),
    )
    # One statement of scalar subqueries: one round trip to a server instead of six.
    return tuple(s.connection().execute(sa.select(*(v.scalar_subquery() for v in values))).one())


def agenda_stamp(db: Database, meeting_id: int) -> tuple[Any, ...]:
    """A fingerprint of the meeting's agenda: it changes whenever anyone changes what the agenda shows.

    The meeting row, its agenda items, their incidents, involvements and
    persons, and its invitees: every one of those writes bumps a version or
    an id sum. Notes are left out on purpose, so the facilitator's own typing
    never makes the review reload. One statement of index lookups: cheap enough to ask
    every two seconds. (``max(audit_log.id)`` would be cheaper still but, on
    PostgreSQL, ids are handed out before commit, so a slow transaction could
    commit under an id already seen and never be noticed.)
    """
    with db.session() as s:
        return _stamp(s, meeting_id)


@dataclass(frozen=True)
class ItemView:
    """One agenda item as the review shows it, the agenda around it, and the stamp they were read under."""

    stamp: tuple[Any, ...]
    detail: ItemDetail
    rows: list[AgendaRow]


def item_view(db: Database, meeting_id: int, agenda_item_id: int) -> ItemView:
    """The review's load on every move, in one session (one connection, one checkout).

    The stamp is read first: a change committed while the rest loads makes the
    next poll reload once more, never go unnoticed.
    """
    with db.session() as s:
        stamp = _stamp(s, meeting_id)
        return ItemView(stamp, load_item_detail(s, agenda_item_id), agenda_rows(s, meeting_id))


# --------------------------------------------------------------------------- the meeting


def _meeting_values(m: MeetingIn) -> dict[str, Any]:
    return dict(title=m.title, location=m.location, facilitator=m.facilitator, start_time=m.start_time, minutes=m.minutes)


def _free_date(s: Session, date: dt.date, meeting_id: int | None = None) -> None:
    other = s.exec(select(Meeting).where(Meeting.date == date)).first()
    if other is not None and other.id != meeting_id:
        raise Invalid([("date", f"{date.isoformat()} already has a meeting (meeting {other.number}); open that one")])


def create_meeting(db: Database, values: Mapping[str, Any]) -> int:
    """A new draft meeting for a date (``date`` required; title, location, facilitator, start_time, minutes)."""
    m: MeetingIn = validate(MeetingIn, values)
    with _writing(db, "the meeting") as s:
        take_write_lock(s)  # numbered one after the other, as imports number theirs
        _free_date(s, m.date)
        number = next_meeting_number(s)
        meeting = Meeting(date=m.date, number=number, **_meeting_values(m))
        s.add(meeting)
        s.flush()
        return meeting.id  # type: ignore[return-value]


def update_meeting(db: Database, meeting_id: int, version: int, values: Mapping[str, Any]) -> None:
    """Change the meeting's date, title, location, facilitator, start time or length."""
    m: MeetingIn = validate(MeetingIn, values)
    with _writing(db, "the meeting") as s:
        meeting = _writable(s, meeting_id, version)
        if m.date != meeting.date:
            if meeting.status != MeetingStatus.draft:
                raise Invalid([("date", "the meeting has started; its date can no longer change")])
            _free_date(s, m.date, meeting_id)
            meeting.date = m.date
        for key, value in _meeting_values(m).items():
            if getattr(meeting, key) != value:
                setattr(meeting, key, value)


def set_ready(db: Database, meeting_id: int, version: int, ready: bool) -> None:
    """Mark the agenda ready (or not yet): the analyst's word that the pre-read can go out."""
    with _writing(db, "the meeting") as s:
        meeting = _writable(s, meeting_id, version)
        if ready and s.exec(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)).first() is None:
            raise ServiceError("an agenda with no incidents cannot be ready: add one with a")
        meeting.agenda_ready = ready


# --------------------------------------------------------------------------- incidents


INCIDENT_FIELDS = (
    "case_number", "occurred_at", "type", "location", "area_command", "summary", "motive", "case_status",
    "retaliation_risk", "nibin_leads",
)


def _incident_columns(inc: IncidentIn) -> dict[str, Any]:
    return {name: (list(inc.nibin_leads) if name == "nibin_leads" else getattr(inc, name)) for name in INCIDENT_FIELDS}


@dataclass(frozen=True)
class Added:
    agenda_item_id: int
    known_before: bool  # the case number was already in the database: that incident was put on the agenda


def add_incident(db: Database, meeting_id: int, values: Mapping[str, Any]) -> Added:
    """Put an incident on the agenda, last, with its time budget (``minutes``).

    A case number already known (reviewed at an earlier meeting) puts that
    incident on this agenda; the fields typed here update it, empty ones keep
    what was known.
    """
    inc: IncidentIn = validate(IncidentIn, _incident_values(values))
    with _writing(db, f"case {inc.case_number}") as s:
        _writable(s, meeting_id)
        incident = s.exec(select(Incident).where(Incident.case_number == inc.case_number)).first()
        known = incident is not None
        if incident is None:
            incident = Incident(**_incident_columns(inc))
            s.add(incident)
            s.flush()
        else:
            on_agenda = s.exec(
                select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.incident_id == incident.id)
            ).first()
            if on_agenda is not None:
                raise Invalid([("case_number", f'"{inc.case_number}" is already on this agenda')])
            given = _clean_values(_incident_values(values))
            for key, value in _incident_columns(inc).items():
                if key in given and getattr(incident, key) != value:
                    setattr(incident, key, value)
        last = s.exec(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)).one() or 0
        item = AgendaItem(meeting_id=meeting_id, incident_id=incident.id, position=last + 1, minutes=inc.minutes)
        s.add(item)
        s.flush()
        return Added(item.id, known)  # type: ignore[arg-type]


def _item_and_incident(s: Session, agenda_item_id: int, version: int | None, what: str = "the agenda item") -> tuple[AgendaItem, Incident]:
    item = _check(s.get(AgendaItem, agenda_item_id), version, what)
    _writable(s, item.meeting_id)
    incident = s.get(Incident, item.incident_id)
    assert incident is not None
    return item, incident


def update_incident(
    db: Database, agenda_item_id: int, item_version: int, incident_version: int, values: Mapping[str, Any]
) -> None:
    """Change any SPEC §4 field of an incident on the agenda (``minutes`` is the item's budget)."""
    inc: IncidentIn = validate(IncidentIn, _incident_values(values))
    with _writing(db, f"case {inc.case_number}") as s:
        item, incident = _item_and_incident(s, agenda_item_id, item_version, f"case {values.get('case_number')}")
        _check(incident, incident_version, f"case {incident.case_number}")
        if inc.case_number != incident.case_number:
            other = s.exec(select(Incident).where(Incident.case_number == inc.case_number)).first()
            if other is not None:
                raise Invalid([("case_number", f'"{inc.case_number}" is the case number of another incident')])
        for key, value in _incident_columns(inc).items():
            if getattr(incident, key) != value:
                setattr(incident, key, value)
        if item.minutes != inc.minutes:
            item.minutes = inc.minutes


def set_budget(db: Database, agenda_item_id: int, version: int, minutes: str | int | None) -> None:
    """An item's time budget in minutes (empty: none), checked as an agenda file's ``minutes``."""
    with _writing(db, "the agenda item") as s:
        item, incident = _item_and_incident(s, agenda_item_id, version, "the agenda item")
        current = {k: v for k, v in _incident_columns_for_validation(incident).items()}
        inc: IncidentIn = validate(IncidentIn, {**current, "minutes": minutes})
        item.minutes = inc.minutes


def _incident_columns_for_validation(incident: Incident) -> dict[str, Any]:
    return {
        "case_number": incident.case_number,
        "occurred_at": incident.occurred_at.isoformat(),
        "type": incident.type.value,
        "location": incident.location,
    }


def remove_item(db: Database, agenda_item_id: int, version: int) -> str:
    """Take an incident off the agenda; returns what happened, in words.

    An item with notes or decisions stays (they belong to it). An incident on
    no other agenda and without decisions anywhere is deleted with its
    involvements (it was added by mistake); otherwise it stays known.
    """
    with _writing(db, "the agenda item") as s:
        item, incident = _item_and_incident(s, agenda_item_id, version)
        case = incident.case_number
        if s.exec(select(Note.id).where(Note.agenda_item_id == item.id)).first() is not None:
            raise ServiceError(f"case {case} has notes from the meeting; it stays on the agenda")
        decided = any(
            s.exec(select(model.id).where(model.meeting_id == item.meeting_id, model.incident_id == incident.id)).first()
            is not None
            for model in (ActionItem, Notification)
        )
        if decided:
            raise ServiceError(f"case {case} has decisions from the meeting; it stays on the agenda")
        meeting_id = item.meeting_id
        s.delete(item)
        s.flush()
        _renumber(s, meeting_id)
        elsewhere = s.exec(select(AgendaItem.id).where(AgendaItem.incident_id == incident.id)).first()
        referenced = any(
            s.exec(select(model.id).where(model.incident_id == incident.id)).first() is not None
            for model in (ActionItem, Notification, Referral)
        )
        if elsewhere is None and not referenced:
            persons = [inv.person_id for inv in s.exec(select(Involvement).where(Involvement.incident_id == incident.id))]
            for inv in s.exec(select(Involvement).where(Involvement.incident_id == incident.id)).all():
                s.delete(inv)
            s.delete(incident)
            s.flush()
            for pid in persons:
                _drop_if_orphan(s, pid)
            return f"case {case} taken off the agenda and deleted (it was on no other agenda)"
        return f"case {case} taken off the agenda (it stays known: it is on another agenda or has decisions)"


def _renumber(s: Session, meeting_id: int) -> None:
    items = s.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    for n, item in enumerate(items, start=1):
        if item.position != n:
            item.position = n


def move_item(db: Database, agenda_item_id: int, version: int, delta: int) -> int:
    """Move an item ``delta`` places (-1 up, +1 down); returns its new position (1-based)."""
    with _writing(db, "the agenda item") as s:
        item, _ = _item_and_incident(s, agenda_item_id, version)
        items = list(
            s.exec(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == item.meeting_id)
                .order_by(AgendaItem.position, AgendaItem.id)
            ).all()
        )
        index = items.index(item)
        target = max(0, min(len(items) - 1, index + delta))
        items.insert(target, items.pop(index))
        for n, it in enumerate(items, start=1):
            if it.position != n:
                it.position = n
        return target + 1


# --------------------------------------------------------------------------- persons


def _person_in(values: Mapping[str, Any]) -> PersonIn:
    return validate(PersonIn, values)


def _group_for(s: Session, name: str | None, person: Person, seen: dt.date) -> int | None:
    if not name:
        return None
    return link_group(s, name, person, seen).id


def _record_id_owner(s: Session, record_id: str | None, person_id: int | None) -> None:
    if not record_id:
        return
    owner = s.exec(select(Person).where(Person.record_id == record_id)).first()
    if owner is not None and owner.id != person_id:
        raise Invalid(
            [("record_id", f'"{record_id}" is the records id of {owner.name}; pick that person from the suggestions')]
        )


def add_person(
    db: Database, agenda_item_id: int, values: Mapping[str, Any], person_id: int | None = None,
    person_version: int | None = None,
) -> int:
    """A person's involvement in the item's incident; returns the involvement id.

    ``person_id`` links a person already known (chosen from
    :func:`suggest_persons`): what was typed fills in their missing date of
    birth or records id, never overwrites it. Without it a new person record
    is made.
    """
    p = _person_in(values)
    with _writing(db, "the person") as s:
        item, incident = _item_and_incident(s, agenda_item_id, None, "the agenda item")
        meeting = s.get(Meeting, item.meeting_id)
        assert meeting is not None
        if person_id is not None:
            person = _check(s.get(Person, person_id), person_version, "that person's record")
            person = _survivor(s, person)
            if p.record_id and person.record_id and p.record_id != person.record_id:
                raise Invalid([("record_id", f'"{p.record_id}" differs from {person.name}\'s records id "{person.record_id}"')])
            if p.record_id and not person.record_id:
                _record_id_owner(s, p.record_id, person.id)
                person.record_id = p.record_id
            if p.dob and not person.dob:
                person.dob = p.dob
        else:
            _record_id_owner(s, p.record_id, None)
            person = Person(name=p.name, name_key=name_key(p.name), dob=p.dob, record_id=p.record_id)
            s.add(person)
            s.flush()
        duplicate = s.exec(
            select(Involvement).where(
                Involvement.incident_id == incident.id, Involvement.person_id == person.id, Involvement.role == p.role
            )
        ).first()
        if duplicate is not None:
            raise Invalid([("role", f"{person.name} is already a {p.role.label} in case {incident.case_number}")])
        involvement = Involvement(
            incident_id=incident.id, person_id=person.id, role=p.role,
            group_id=_group_for(s, p.group, person, meeting.date), notes=p.notes,
        )
        s.add(involvement)
        s.flush()
        return involvement.id  # type: ignore[return-value]


def _survivor(s: Session, person: Person) -> Person:
    seen: set[int] = set()
    while person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)  # type: ignore[arg-type]
        nxt = s.get(Person, person.merged_into_id)
        if nxt is None:
            break
        person = nxt
    return person


def _involvement(s: Session, involvement_id: int, version: int | None) -> tuple[Involvement, Incident, Meeting | None]:
    inv = _check(s.get(Involvement, involvement_id), version, "the person's involvement")
    incident = s.get(Incident, inv.incident_id)
    assert incident is not None
    open_item = s.exec(
        select(Meeting)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.incident_id == incident.id)
        .order_by(Meeting.date.desc())  # type: ignore[attr-defined]
    ).first()
    if open_item is not None and open_item.status == MeetingStatus.closed:
        raise MeetingClosed(
            f"case {incident.case_number} was reviewed at the closed meeting of {open_item.date.isoformat()}; "
            "its persons can no longer change here"
        )
    return inv, incident, open_item


def update_involvement(
    db: Database, involvement_id: int, version: int, person_version: int, values: Mapping[str, Any]
) -> None:
    """Change a person's role, group or notes in the incident, and the person record's name, birth date or records id.

    Name, birth date and records id belong to the person, so they change in
    every incident the person is in (the form says so).
    """
    p = _person_in(values)
    with _writing(db, "the person") as s:
        inv, incident, meeting = _involvement(s, involvement_id, version)
        person = _check(s.get(Person, inv.person_id), person_version, "the person's record")
        if p.record_id != person.record_id:
            _record_id_owner(s, p.record_id, person.id)
        if p.role != inv.role:
            clash = s.exec(
                select(Involvement.id).where(
                    Involvement.incident_id == incident.id, Involvement.person_id == person.id, Involvement.role == p.role
                )
            ).first()
            if clash is not None:
                raise Invalid([("role", f"{person.name} is already a {p.role.label} in case {incident.case_number}")])
        for key, value in dict(name=p.name, name_key=name_key(p.name), dob=p.dob, record_id=p.record_id).items():
            if getattr(person, key) != value:
                setattr(person, key, value)
        seen = meeting.date if meeting is not None else incident.occurred_at.date()
        for key, value in dict(role=p.role, group_id=_group_for(s, p.group, person, seen), notes=p.notes).items():
            if getattr(inv, key) != value:
                setattr(inv, key, value)


def relink_involvement(
    db: Database, involvement_id: int, version: int, person_id: int | None, values: Mapping[str, Any] | None = None
) -> int:
    """Link an involvement to another person record: a known one (``person_id``) or a new one made from ``values``.

    The fix for a wrong link (an import that matched the wrong person, or
    none): the person the involvement leaves keeps everything else, and is
    deleted only if nothing at all refers to it any more. Returns the person id.
    """
    with _writing(db, "the person's involvement") as s:
        inv, incident, _ = _involvement(s, involvement_id, version)
        old_id = inv.person_id
        if person_id is None:
            p = _person_in({**(values or {}), "role": inv.role.value})
            _record_id_owner(s, p.record_id, None)
            person = Person(name=p.name, name_key=name_key(p.name), dob=p.dob, record_id=p.record_id)
            s.add(person)
            s.flush()
        else:
            person = s.get(Person, person_id)
            if person is None:
                raise StaleEdit(f"that person's record {GONE}")
            person = _survivor(s, person)
        if person.id == old_id:
            return person.id  # type: ignore[return-value]
        clash = s.exec(
            select(Involvement.id).where(
                Involvement.incident_id == incident.id, Involvement.person_id == person.id, Involvement.role == inv.role
            )
        ).first()
        if clash is not None:
            raise ServiceError(f"{person.name} is already a {inv.role.label} in case {incident.case_number}")
        inv.person_id = person.id
        s.flush()
        _drop_if_orphan(s, old_id)  # type: ignore[arg-type]
        return person.id  # type: ignore[return-value]


def remove_involvement(db: Database, involvement_id: int, version: int) -> None:
    """Take a person off an incident (a person record nothing else refers to goes too)."""
    with _writing(db, "the person's involvement") as s:
        inv, _, _ = _involvement(s, involvement_id, version)
        person_id = inv.person_id
        s.delete(inv)
        s.flush()
        _drop_if_orphan(s, person_id)  # type: ignore[arg-type]


def _drop_if_orphan(s: Session, person_id: int) -> None:
    """Delete a person record that nothing refers to (made by mistake a moment ago)."""
    for model, column in (
        (Involvement, Involvement.person_id), (Notification, Notification.person_id), (Referral, Referral.person_id),
        (PersonMerge, PersonMerge.survivor_id), (PersonMerge, PersonMerge.absorbed_id), (Person, Person.merged_into_id),
    ):
        if s.exec(select(model).where(column == person_id).limit(1)).first() is not None:
            return
    person = s.get(Person, person_id)
    if person is None:
        return
    for link in s.exec(select(PersonGroup).where(PersonGroup.person_id == person_id)).all():
        s.delete(link)
    # Links first: the unit of work does not know they hang on the person.
    s.flush()
    s.delete(person)


# --------------------------------------------------------------------------- invitees


def add_invitee(db: Database, meeting_id: int, values: Mapping[str, Any]) -> None:
    """Invite someone (name, agency short name, role), as an agenda's ``[[attendees]]`` does; a new agency is added."""
    a: AttendeeIn = validate(AttendeeIn, values)
    with _writing(db, "the invitees") as s:
        meeting = _writable(s, meeting_id)
        agency = ensure_agency(s, a.agency)
        attendee = s.exec(
            select(Attendee).where(Attendee.name_key == name_key(a.name), Attendee.agency_id == agency.id)
        ).first()
        if attendee is not None and s.exec(
            select(MeetingAttendance.id).where(
                MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.attendee_id == attendee.id
            )
        ).first() is not None:
            raise Invalid([("name", f"{attendee.name} ({agency.short_name}) is already invited")])
        invite(s, meeting, a.name, a.role, agency)


def update_invitee(db: Database, attendance_id: int, values: Mapping[str, Any], *, version: int | None) -> None:
    """Correct an invitee: a new role is kept on the attendee; another name or agency is another invitee."""
    a: AttendeeIn = validate(AttendeeIn, values)
    with _writing(db, "the invitee") as s:
        row = _check(s.get(MeetingAttendance, attendance_id), version, "the invitee")
        meeting = _writable(s, row.meeting_id)
        attendee = s.get(Attendee, row.attendee_id)
        agency = ensure_agency(s, a.agency)
        assert attendee is not None
        if attendee.name_key == name_key(a.name) and attendee.agency_id == agency.id:
            if attendee.name != a.name:
                attendee.name = a.name
            if attendee.role != a.role:
                attendee.role = a.role
            if attendee in s.dirty:
                touch(row, "status")  # the invitee as the screen showed it has changed
            return
        s.delete(row)
        s.flush()
        invite(s, meeting, a.name, a.role, agency)


def remove_invitee(db: Database, attendance_id: int, *, version: int | None) -> None:
    with _writing(db, "the invitee") as s:
        row = _check(s.get(MeetingAttendance, attendance_id), version, "the invitee")
        _writable(s, row.meeting_id)
        s.delete(row)


# --------------------------------------------------------------------------- partner summary and aliases

# The limits of agenda files: the builder refuses what an import would.
PARTNER_SUMMARY_MAX = LIMITS["partner_summary"]
ALIAS_MAX = LIMITS["alias"]
ALIASES_MAX = MAX_ALIASES


def set_partner_summary(db: Database, agenda_item_id: int, text: str | None, *, version: int | None) -> None:
    """The incident's summary written for partners (empty: none); ``version`` is the incident's, when known.

    It goes into the partner minutes through the release review, like any
    text: a protected token in it still stops the partner edition.
    """
    value = check_partner_summary(text)
    with _writing(db, "the partner summary") as s:
        _, incident = _item_and_incident(s, agenda_item_id, None, "the agenda item")
        _check(incident, version, f"case {incident.case_number}")
        if incident.partner_summary != value:
            incident.partner_summary = value


def check_partner_summary(text: str | None) -> str | None:
    """The partner summary as it is stored (None when empty); refused when too long."""
    value = clean(text).strip() or None
    if value is not None and len(value) > PARTNER_SUMMARY_MAX:
        raise Invalid([("partner_summary", f"{len(value)} characters; at most {PARTNER_SUMMARY_MAX}")])
    return value


def parse_aliases(text: str | None) -> list[str]:
    """``"Slim, J-Money; Tiny"`` as a list: comma- or semicolon-separated, blanks and repeats dropped."""
    out: list[str] = []
    for part in clean(text).replace(";", ",").split(","):
        alias = " ".join(part.split())
        if alias and alias.casefold() not in {a.casefold() for a in out}:
            out.append(alias)
    return out


def check_aliases(text: str | None) -> list[str]:
    aliases = parse_aliases(text)
    long = [a for a in aliases if len(a) > ALIAS_MAX]
    if long:
        raise Invalid([("aliases", f'"{long[0][:40]}…" is {len(long[0])} characters; at most {ALIAS_MAX} each')])
    if len(aliases) > ALIASES_MAX:
        raise Invalid([("aliases", f"{len(aliases)} aliases; at most {ALIASES_MAX}")])
    return aliases


def set_aliases(db: Database, involvement_id: int, text: str | None, *, person_version: int | None) -> list[str]:
    """The other names of the person in an involvement (street names, nicknames): protected like the name."""
    aliases = check_aliases(text)
    with _writing(db, "the person's aliases") as s:
        inv, _incident, _meeting = _involvement(s, involvement_id, None)
        person = _check(s.get(Person, inv.person_id), person_version, "the person's record")
        if list(person.aliases or []) != aliases:
            person.aliases = aliases
    return aliases

