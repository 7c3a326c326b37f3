"""The review of one agenda item: the agenda, the item's detail, its notes, marks and timers, and the pace.

Functions that the screens call on every key press (``agenda``,
``item_detail``) load what they show in a fixed, small number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from ..db import Database
from ..enums import CaseStatus, IncidentType, MeetingStatus, NoteVisibility, RetaliationRisk, ReviewStatus, Role
from ..models import AgendaItem, Incident, Involvement, Meeting, Note
from .decisions import DecisionRow, meeting_decisions
from .frozen import recorded_incident
from .guard import ServiceError, check_version, load_item, load_meeting, writable_meeting, writing


@dataclass(frozen=True)
class AgendaRow:
    id: int
    position: int
    incident_id: int
    case_number: str
    type: str
    area_command: str | None
    occurred_at: dt.datetime
    location: str
    minutes: int | None
    review_status: ReviewStatus
    elapsed_seconds: int
    started_at: dt.datetime | None
    version: int = 1  # what a mark writes against

    def elapsed(self, now: dt.datetime) -> int:
        running = int((now - self.started_at).total_seconds()) if self.started_at else 0
        return self.elapsed_seconds + max(running, 0)


def agenda(db: Database, meeting_id: int) -> list[AgendaRow]:
    """The meeting's agenda in order, with progress marks and time spent (one query)."""
    with db.session() as s:
        return agenda_rows(s, meeting_id)


def agenda_rows(s: Session, meeting_id: int) -> list[AgendaRow]:
    stmt = (
        select(AgendaItem, Incident, Meeting)
        .join(Incident, Incident.id == AgendaItem.incident_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    # A closed meeting lists its incidents as it recorded them.
    rows = [(i, recorded_incident(meeting, i, inc)) for i, inc, meeting in s.exec(stmt).all()]
    return [
        AgendaRow(
            i.id, i.position, inc.id, inc.case_number, inc.type.value, inc.area_command, inc.occurred_at,
            inc.location, i.minutes, i.review_status, i.elapsed_seconds, i.started_at, i.version,
        )
        for i, inc in rows
    ]


@dataclass(frozen=True)
class PersonRow:
    involvement_id: int
    person_id: int
    name: str
    role: Role
    dob: dt.date | None
    record_id: str | None
    group: str | None
    notes: str | None


@dataclass(frozen=True)
class NoteRow:
    id: int
    text: str
    visibility: NoteVisibility
    author: str | None
    updated_at: dt.datetime
    version: int  # what the editor writes against (a note changed elsewhere since is not overwritten)

    @property
    def le_only(self) -> bool:
        return self.visibility == NoteVisibility.le_only


@dataclass(frozen=True)
class IncidentFacts:
    """An incident's facts as the review shows them (the columns of models.Incident, not the ORM row)."""

    id: int
    case_number: str
    occurred_at: dt.datetime
    type: IncidentType
    location: str
    area_command: str | None
    summary: str | None
    partner_summary: str | None
    motive: str | None
    case_status: CaseStatus | None
    retaliation_risk: RetaliationRisk | None
    nibin_leads: tuple[str, ...]
    version: int


def incident_facts(inc: Incident) -> IncidentFacts:
    return IncidentFacts(
        inc.id, inc.case_number, inc.occurred_at, inc.type, inc.location, inc.area_command, inc.summary,  # type: ignore[arg-type]
        inc.partner_summary, inc.motive, inc.case_status, inc.retaliation_risk, tuple(inc.nibin_leads or ()),
        inc.version,
    )


@dataclass(frozen=True)
class ItemDetail:
    item: AgendaRow
    incident: IncidentFacts
    persons: list[PersonRow]
    notes: list[NoteRow]
    decisions: list[DecisionRow]
    histories: dict[int, Any] = field(default_factory=dict)  # person_id -> services.history.PersonHistory
    # person_id -> the date their open VIP All In episode began (with the histories): nothing else of VIP All In
    enrolled: dict[int, dt.date] = field(default_factory=dict)

    def shows_the_same_as(self, other: ItemDetail) -> bool:
        """Whether ``other`` draws the same item (its running clock aside: the pace bar keeps that).

        The version is no part of the drawing: starting the item's clock bumps
        it, and the reload that follows every move would otherwise be drawn in
        full each time (issue 14, bench: review n/p against its floor).
        """
        return (
            (_clockless(self.item), self.incident, self.persons, self.notes, self.decisions, self.histories,
             self.enrolled)
            == (_clockless(other.item), other.incident, other.persons, other.notes, other.decisions, other.histories,
                other.enrolled)
        )


def _clockless(row: AgendaRow) -> AgendaRow:
    return replace(row, elapsed_seconds=0, started_at=None, version=0)


def item_detail(db: Database, agenda_item_id: int, *, with_history: bool = True) -> ItemDetail:
    """Everything the review screen shows for one agenda item, in a fixed number of queries."""
    with db.session() as s:
        return load_item_detail(s, agenda_item_id, with_history=with_history)


def load_item_detail(s: Session, agenda_item_id: int, *, with_history: bool = True) -> ItemDetail:
    """Everything the review screen shows for one agenda item, read through ``s``."""
    item = load_item(s, agenda_item_id)
    meeting = s.get(Meeting, item.meeting_id)
    assert meeting is not None
    incident = s.exec(
        select(Incident)
        .where(Incident.id == item.incident_id)
        # The persons and groups joined to the involvements: two statements, not four.
        .options(
            selectinload(Incident.involvements).options(  # type: ignore[arg-type]
                joinedload(Involvement.person), joinedload(Involvement.group)  # type: ignore[arg-type]
            )
        )
    ).one()
    incident = recorded_incident(meeting, item, incident)  # a closed meeting's own record
    role_order = {r: n for n, r in enumerate(Role)}
    persons = [
        PersonRow(
            inv.id, inv.person_id, inv.person.name, inv.role, inv.person.dob, inv.person.record_id,  # type: ignore[union-attr,arg-type]
            inv.group.name if inv.group else None, inv.notes,
        )
        for inv in sorted(incident.involvements, key=lambda i: (role_order[i.role], i.id))
    ]
    notes = [
        NoteRow(n.id, n.text, NoteVisibility(n.visibility), n.author, n.updated_at, n.version)  # type: ignore[arg-type]
        for n in s.exec(select(Note).where(Note.agenda_item_id == item.id).order_by(Note.id)).all()
    ]
    decisions = meeting_decisions(s, meeting, incident_id=incident.id)
    histories: dict[int, Any] = {}
    enrolled: dict[int, dt.date] = {}
    if with_history and persons:
        from .all_in import enrolled_since
        from .history import histories as load_histories

        histories = load_histories(
            s,
            [p.person_id for p in persons],
            as_of=incident.occurred_at,
            current_incident_id=incident.id,
            current_roles={p.person_id: p.role for p in persons},
        )
        enrolled = enrolled_since(s, [p.person_id for p in persons])
    row = AgendaRow(
        item.id, item.position, incident.id, incident.case_number, incident.type.value, incident.area_command,
        incident.occurred_at, incident.location, item.minutes, item.review_status, item.elapsed_seconds,
        item.started_at, item.version,
    )
    return ItemDetail(row, incident_facts(incident), persons, notes, decisions, histories, enrolled)




# --------------------------------------------------------------------------- notes and marks


def save_note(
    db: Database, agenda_item_id: int, text: str, *, note_id: int | None = None, version: int | None,
    visibility: NoteVisibility | str | None = None,
) -> tuple[int, int]:
    """Create or update a note on an agenda item; returns ``(its id, its version now)``. Called as the facilitator types.

    ``visibility`` (law enforcement only / members / partners) is kept as it
    is when None; a new note is for the members unless told otherwise.
    ``version``: the note's as its editor loaded it. A note changed by another
    instance since raises :class:`StaleEdit` and nothing is written (the
    screen keeps the typed text as a new note and reloads); a note deleted
    meanwhile is written again as a new note, so no word is lost.
    """
    visibility = NoteVisibility(visibility) if visibility is not None else None
    with writing(db, "this note") as s:
        note = s.get(Note, note_id) if note_id is not None else None
        if note is not None:
            check_version(note, version, "this note")
            if note.agenda_item_id != agenda_item_id:
                raise ServiceError("that note belongs to another agenda item")
        item = load_item(s, agenda_item_id)
        writable_meeting(s, item.meeting_id)
        now = db.now()
        if note is None:
            note = Note(
                meeting_id=item.meeting_id, agenda_item_id=item.id, text=text, visibility=visibility or NoteVisibility.members,
                author=db.user, created_at=now, updated_at=now,
            )
            s.add(note)
        else:
            if note.text != text:
                note.text = text
                note.updated_at = now
            if visibility is not None and note.visibility != visibility:
                note.visibility = visibility
                note.updated_at = now
        s.flush()
        return note.id, note.version  # type: ignore[return-value]


def delete_note(db: Database, note_id: int, *, version: int | None) -> None:
    with writing(db, "this note") as s:
        note = s.get(Note, note_id)
        if note is not None:
            check_version(note, version, "this note")
            writable_meeting(s, note.meeting_id)
            s.delete(note)


def mark_item(db: Database, agenda_item_id: int, status: ReviewStatus, *, version: int | None) -> None:
    with writing(db, "the agenda item") as s:
        item = check_version(s.get(AgendaItem, agenda_item_id), version, "the agenda item")
        writable_meeting(s, item.meeting_id)
        item.review_status = status


def stop_timer(item: AgendaItem, now: dt.datetime) -> None:
    if item.started_at is not None:
        item.elapsed_seconds += max(int((now - item.started_at).total_seconds()), 0)
        item.started_at = None


def enter_item(db: Database, agenda_item_id: int) -> int | None:
    """The facilitator moved to this item: its clock runs, every other item's stops (meeting in progress only).

    Returns the item's version after (None when nothing ran), for the mark
    that follows to write against. The meeting clock takes no version: it
    writes only the timer columns, which nobody edits, and the unit of work
    writes only the columns it changed, so it cannot overwrite anyone's edit.
    """
    with writing(db, "the agenda item") as s:
        item = load_item(s, agenda_item_id)
        meeting = load_meeting(s, item.meeting_id)
        if meeting.status != MeetingStatus.in_progress:
            return None
        now = db.now()
        for other in s.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id, AgendaItem.started_at.is_not(None))
        ).all():
            if other.id != item.id:
                stop_timer(other, now)
        if item.started_at is None:
            item.started_at = now
        s.flush()
        return item.version


def stop_timers(db: Database, meeting_id: int) -> None:
    with writing(db, "the agenda") as s:
        now = db.now()
        for item in s.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.started_at.is_not(None))
        ).all():
            stop_timer(item, now)


# --------------------------------------------------------------------------- pace


@dataclass(frozen=True)
class Pace:
    done: int
    total: int
    current_elapsed: int  # seconds on the current item
    current_budget: int | None  # seconds
    behind_seconds: int  # > 0 behind, < 0 ahead
    projected_end: dt.datetime | None
    planned_end: dt.datetime | None

    @property
    def state(self) -> str:
        if abs(self.behind_seconds) < 60:
            return "on time"
        minutes = round(abs(self.behind_seconds) / 60)
        return f"{minutes} min {'behind' if self.behind_seconds > 0 else 'ahead'}"


def pace(meeting: Meeting, rows: Sequence[AgendaRow], current_id: int | None, now: dt.datetime) -> Pace:
    """How far through the agenda the meeting is and whether it runs ahead of or behind its budget.

    Behind = time spent over budget on finished items, plus any overrun of the
    current one; time under budget on finished items counts as ahead. The
    projected end adds the remaining budgets to now.
    """
    done = sum(1 for r in rows if r.review_status != ReviewStatus.pending)
    behind = 0
    remaining = 0
    current_elapsed = 0
    current_budget = None
    for r in rows:
        budget = (r.minutes or 0) * 60
        spent = r.elapsed(now)
        if r.id == current_id:
            current_elapsed, current_budget = spent, budget or None
            if r.review_status == ReviewStatus.pending:
                behind += max(spent - budget, 0)
                remaining += max(budget - spent, 0)
            else:
                behind += spent - budget
        elif r.review_status != ReviewStatus.pending:
            behind += spent - budget if spent else 0
        else:
            remaining += budget
    planned_end = None
    if meeting.minutes:
        start = meeting.started_at or (dt.datetime.combine(meeting.date, meeting.start_time) if meeting.start_time else None)
        if start is not None:
            planned_end = start + dt.timedelta(minutes=meeting.minutes)
    projected = now + dt.timedelta(seconds=remaining) if meeting.status == MeetingStatus.in_progress else None
    return Pace(done, len(rows), current_elapsed, current_budget, behind, projected, planned_end)
