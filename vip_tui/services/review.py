"""The meeting, live: attendance, old business, the incident review, decisions, pace, wrap-up.

Every function commits its change at once (SPEC §3: nothing typed is ever
lost) through ``Database.transaction()``, so the audit hook records it. A
closed meeting is read-only: changes to it are refused with
:class:`MeetingClosed` and go through :func:`.amendments.amend` with a reason instead.
Functions that the screens call on every key press (``agenda``,
``item_detail``) load what they show in a fixed, small number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from ..db import Database
from ..enums import (
    NoteVisibility,
    ActionStatus,
    Attendance,
    IncidentType,
    MeetingStatus,
    NOTIFICATION_TRANSITIONS,
    NotificationStatus,
    OPEN_NOTIFICATION_STATUSES,
    ReferralStatus,
    ReviewStatus,
    Role,
)
from ..models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendee,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    Person,
    Referral,
)
from ..names import name_key
from .frozen import freeze, recorded_incident


class ReviewError(Exception):
    """A change refused for a reason the user can act on; the message says which."""


class MeetingClosed(ReviewError):
    """The meeting is closed: corrections are amendments with a reason."""


class StaleEdit(ReviewError):
    """Another instance changed (or removed) the record since this one loaded it; nothing was written."""


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


def _meeting(s: Session, meeting_id: int) -> Meeting:
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise ReviewError(f"no meeting with id {meeting_id}")
    return meeting


def _writable(s: Session, meeting_id: int) -> Meeting:
    meeting = _meeting(s, meeting_id)
    if meeting.status == MeetingStatus.closed:
        raise MeetingClosed(
            f"the meeting of {meeting.date.isoformat()} is closed; record a correction as an amendment with a reason"
        )
    return meeting


def _item(s: Session, agenda_item_id: int) -> AgendaItem:
    item = s.get(AgendaItem, agenda_item_id)
    if item is None:
        raise ReviewError(f"no agenda item with id {agenda_item_id}")
    return item


def _next_number(s: Session, meeting: Meeting) -> int:
    """The next ``<meeting>-<n>`` number, taken under a row lock so two instances never share one."""
    locked = s.exec(select(Meeting).where(Meeting.id == meeting.id).with_for_update()).one()
    locked.last_item_number += 1
    return locked.last_item_number


def meeting_by_date(db: Database, date: dt.date) -> Meeting | None:
    with db.session() as s:
        return s.exec(select(Meeting).where(Meeting.date == date)).first()


def get_meeting(db: Database, meeting_id: int) -> Meeting:
    with db.session() as s:
        return _meeting(s, meeting_id)


# --------------------------------------------------------------------------- lifecycle


def start_meeting(db: Database, meeting_id: int, *, version: int | None) -> Meeting:
    """draft -> in_progress, noting when it started; a meeting already in progress is left as it is."""
    with writing(db, "the meeting") as s:
        check_version(s.get(Meeting, meeting_id), version, "the meeting")
        meeting = _writable(s, meeting_id)
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
    with writing(db, "the meeting") as s:
        meeting = _writable(s, meeting_id)
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
            _stop_timer(item, now)
            item.record = freeze(item.incident)  # type: ignore[arg-type]
        meeting.status = MeetingStatus.closed
        meeting.closed_at = now
        if meeting.started_at is None:
            meeting.started_at = now
        return meeting


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceRow:
    id: int
    name: str
    role: str | None
    agency: str
    agency_name: str | None
    status: Attendance
    walk_in: bool
    version: int = 1  # what a change of status writes against
    role_was: str | None = None  # add_walk_in: the stored role the walk-in's new role replaced


def attendance(db: Database, meeting_id: int) -> list[AttendanceRow]:
    """The meeting's invitees and walk-ins, by agency then name."""
    stmt = (
        select(MeetingAttendance, Attendee, Agency)
        .join(Attendee, Attendee.id == MeetingAttendance.attendee_id)
        .join(Agency, Agency.id == Attendee.agency_id, isouter=True)
        .where(MeetingAttendance.meeting_id == meeting_id)
    )
    with db.session() as s:
        rows = [
            AttendanceRow(
                a.id, p.name, p.role, ag.short_name if ag else "—", ag.name if ag else None, a.status, a.walk_in,
                a.version,
            )
            for a, p, ag in s.exec(stmt).all()
        ]
    return sorted(rows, key=lambda r: (r.agency.casefold(), r.name.casefold()))


def set_attendance(db: Database, attendance_id: int, status: Attendance, *, version: int | None) -> int:
    """Mark an invitee present, remote or absent; returns the row's version after, for the next mark."""
    with writing(db, "the attendance") as s:
        row = check_version(s.get(MeetingAttendance, attendance_id), version, "the attendance")
        _writable(s, row.meeting_id)
        row.status = status
        s.flush()
        return row.version


def agency_short_names(db: Database) -> list[str]:
    with db.session() as s:
        return sorted(s.exec(select(Agency.short_name)).all(), key=str.casefold)


def _agency_by_short_name(s: Session, short_name: str, *, create: bool) -> Agency | None:
    short_name = short_name.strip()
    if not short_name:
        return None
    agency = s.exec(select(Agency).where(func.lower(Agency.short_name) == short_name.casefold())).first()
    if agency is None and create:
        agency = Agency(short_name=short_name)
        s.add(agency)
        s.flush()
    return agency


def add_walk_in(db: Database, meeting_id: int, name: str, agency: str, role: str | None = None) -> AttendanceRow:
    """Someone who came without an invitation: marked present at once. An unknown agency is added.

    A known attendee of that agency who gives another role gets it (the session
    hook audits the change) and the row's ``role_was`` holds the role replaced,
    so the screen can say so; no role given keeps the stored one.
    """
    name = " ".join(name.split())
    role = " ".join((role or "").split()) or None
    if not name:
        raise ReviewError("a walk-in needs a name")
    if not agency.strip():
        raise ReviewError("a walk-in needs an agency")
    with db.transaction() as s:
        _writable(s, meeting_id)
        ag = _agency_by_short_name(s, agency, create=True)
        assert ag is not None
        attendee = s.exec(select(Attendee).where(Attendee.name_key == name_key(name), Attendee.agency_id == ag.id)).first()
        role_was = None
        if attendee is None:
            attendee = Attendee(name=name, name_key=name_key(name), agency_id=ag.id, role=role)
            s.add(attendee)
            s.flush()
        elif role is not None and role != attendee.role:
            role_was, attendee.role = attendee.role or "no role", role
        row = s.exec(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.attendee_id == attendee.id
            )
        ).first()
        if row is None:
            row = MeetingAttendance(meeting_id=meeting_id, attendee_id=attendee.id, walk_in=True)
            s.add(row)
        row.status = Attendance.present
        s.flush()
        return AttendanceRow(
            row.id, attendee.name, attendee.role, ag.short_name, ag.name, row.status, row.walk_in, row.version,
            role_was=role_was,
        )


# --------------------------------------------------------------------------- old business


@dataclass(frozen=True)
class OldBusinessRow:
    kind: str  # "action" or "notification"
    id: int
    ref: str
    text: str
    owner: str
    due_date: dt.date | None
    days_overdue: int | None
    status: str
    outcome: str | None
    from_meeting: dt.date
    closed_here: bool
    person: str | None = None  # a notification's subject, for presentation mode
    person_id: int | None = None  # a notification's subject, to open their profile
    version: int = 1  # the action item's or notification's, for the change written against it


def old_business(db: Database, meeting_id: int) -> list[OldBusinessRow]:
    """Everything still open from earlier meetings, plus what was closed at this one (so it shows its outcome)."""
    with db.session() as s:
        meeting = _meeting(s, meeting_id)
        earlier = select(Meeting.id).where(Meeting.date < meeting.date)
        actions = s.exec(
            select(ActionItem, Meeting, Agency)
            .join(Meeting, Meeting.id == ActionItem.meeting_id)
            .join(Agency, Agency.id == ActionItem.owner_agency_id, isouter=True)
            .where(ActionItem.meeting_id.in_(earlier))
            .where(or_(ActionItem.status == ActionStatus.open, ActionItem.closed_in_meeting_id == meeting_id))
        ).all()
        notifications = s.exec(
            select(Notification, Meeting, Person)
            .join(Meeting, Meeting.id == Notification.meeting_id)
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.meeting_id.in_(earlier))
            .where(
                or_(
                    Notification.status.in_(list(OPEN_NOTIFICATION_STATUSES)),
                    Notification.closed_in_meeting_id == meeting_id,
                )
            )
        ).all()
    rows: list[OldBusinessRow] = []

    def overdue(due: dt.date | None, open_: bool) -> int | None:
        if due is None or not open_:
            return None
        days = (meeting.date - due).days
        return days if days > 0 else None

    for a, m, ag in actions:
        owner = " / ".join(x for x in (ag.short_name if ag else None, a.owner_name) if x)
        rows.append(
            OldBusinessRow(
                "action", a.id, m.ref(a.number), a.description, owner or "unassigned", a.due_date,
                overdue(a.due_date, a.status == ActionStatus.open), a.status.value, a.outcome, m.date,
                a.closed_in_meeting_id == meeting_id, version=a.version,
            )
        )
    for n, m, p in notifications:
        team = ", ".join(x for x in (n.team_officer, n.team_community_voice, n.team_outreach) if x)
        rows.append(
            OldBusinessRow(
                "notification", n.id, m.ref(n.number), f"Custom notification: {p.name}", team or "no team",
                n.due_date, overdue(n.due_date, n.status in OPEN_NOTIFICATION_STATUSES), n.status.value,
                n.outcome, m.date, n.closed_in_meeting_id == meeting_id, person=p.name, person_id=p.id,
                version=n.version,
            )
        )
    return sorted(rows, key=lambda r: (r.from_meeting, r.ref))


def set_action_status(
    db: Database, action_id: int, status: ActionStatus, outcome: str | None = None, *,
    in_meeting_id: int | None = None, version: int | None,
) -> ActionItem:
    """Change an action item's status (and outcome); closing it notes the meeting where that happened."""
    with writing(db, "the action item") as s:
        action = check_version(s.get(ActionItem, action_id), version, "the action item")
        if in_meeting_id is not None:
            _writable(s, in_meeting_id)
        else:
            _writable(s, action.meeting_id)
        action.status = status
        if outcome is not None:
            action.outcome = outcome.strip() or None
        if status == ActionStatus.open:
            action.closed_at = None
            action.closed_in_meeting_id = None
        elif action.closed_at is None:
            action.closed_at = db.now()
            action.closed_in_meeting_id = in_meeting_id
        return action


def set_notification_status(
    db: Database,
    notification_id: int,
    status: NotificationStatus,
    outcome: str | None = None,
    *,
    in_meeting_id: int | None = None,
    version: int | None,
) -> Notification:
    """Move a notification along its lifecycle; a transition SPEC §2 does not allow is refused."""
    with writing(db, "the notification") as s:
        n = check_version(s.get(Notification, notification_id), version, "the notification")
        _writable(s, in_meeting_id if in_meeting_id is not None else n.meeting_id)
        if status != n.status:
            allowed = NOTIFICATION_TRANSITIONS[n.status]
            if status not in allowed:
                options = ", ".join(sorted(a.label for a in allowed)) or "none: it is final"
                raise ReviewError(f"a {n.status.label} notification cannot become {status.label} (allowed: {options})")
            n.status = status
        if outcome is not None:
            n.outcome = outcome.strip() or None
        if status in OPEN_NOTIFICATION_STATUSES:
            n.closed_at = None
            n.closed_in_meeting_id = None
        elif n.closed_at is None:
            n.closed_at = db.now()
            n.closed_in_meeting_id = in_meeting_id
        return n


# --------------------------------------------------------------------------- the agenda and one item


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
class DecisionRow:
    kind: str  # action | notification | referral
    id: int
    ref: str
    text: str
    owner: str
    due_date: dt.date | None
    status: str
    person: str | None = None  # a notification's or referral's subject, for presentation mode
    version: int = 1  # what an edit or a delete writes against (services/decisions.py)
    person_id: int | None = None  # a notification's or referral's subject


@dataclass
class ItemDetail:
    item: AgendaRow
    incident: Incident
    persons: list[PersonRow]
    notes: list[NoteRow]
    decisions: list[DecisionRow]
    histories: dict[int, Any] = field(default_factory=dict)  # person_id -> services.history.PersonHistory

    def shows_the_same_as(self, other: ItemDetail) -> bool:
        """Whether ``other`` draws the same item (its running clock aside: the pace bar keeps that)."""
        return (
            (_clockless(self.item), self.persons, self.notes, self.decisions, self.histories)
            == (_clockless(other.item), other.persons, other.notes, other.decisions, other.histories)
            and self.incident.model_dump() == other.incident.model_dump()
        )


def _clockless(row: AgendaRow) -> AgendaRow:
    return replace(row, elapsed_seconds=0, started_at=None)


def item_detail(db: Database, agenda_item_id: int, *, with_history: bool = True) -> ItemDetail:
    """Everything the review screen shows for one agenda item, in a fixed number of queries."""
    with db.session() as s:
        return load_item_detail(s, agenda_item_id, with_history=with_history)


def load_item_detail(s: Session, agenda_item_id: int, *, with_history: bool = True) -> ItemDetail:
    """Everything the review screen shows for one agenda item, read through ``s``."""
    item = _item(s, agenda_item_id)
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
    decisions = _decisions(s, meeting, incident_id=incident.id)
    histories: dict[int, Any] = {}
    if with_history and persons:
        from .history import histories as load_histories

        histories = load_histories(
            s,
            [p.person_id for p in persons],
            as_of=incident.occurred_at,
            current_incident_id=incident.id,
            current_roles={p.person_id: p.role for p in persons},
        )
    row = AgendaRow(
        item.id, item.position, incident.id, incident.case_number, incident.type.value, incident.area_command,
        incident.occurred_at, incident.location, item.minutes, item.review_status, item.elapsed_seconds,
        item.started_at, item.version,
    )
    return ItemDetail(row, incident, persons, notes, decisions, histories)


def _decisions(s: Session, meeting: Meeting, *, incident_id: int | None = None) -> list[DecisionRow]:
    """Action items, notifications and referrals taken at ``meeting`` (on one incident, if given)."""
    actions = select(ActionItem, Agency).join(Agency, Agency.id == ActionItem.owner_agency_id, isouter=True).where(
        ActionItem.meeting_id == meeting.id
    )
    notifications = select(Notification, Person).join(Person, Person.id == Notification.person_id).where(
        Notification.meeting_id == meeting.id
    )
    referrals = select(Referral, Person).join(Person, Person.id == Referral.person_id).where(
        Referral.meeting_id == meeting.id
    )
    if incident_id is not None:
        actions = actions.where(ActionItem.incident_id == incident_id)
        notifications = notifications.where(Notification.incident_id == incident_id)
        referrals = referrals.where(Referral.incident_id == incident_id)
    rows: list[DecisionRow] = []
    for a, ag in s.exec(actions.order_by(ActionItem.number)).all():
        rows.append(action_row(meeting, a, ag))
    for n, p in s.exec(notifications.order_by(Notification.number)).all():
        rows.append(notification_row(meeting, n, p))
    for r, p in s.exec(referrals.order_by(Referral.id)).all():
        rows.append(referral_row(r, p))
    return rows


def action_row(meeting: Meeting, a: ActionItem, agency: Agency | None) -> DecisionRow:
    owner = " / ".join(x for x in (agency.short_name if agency else None, a.owner_name) if x)
    return DecisionRow("action", a.id, meeting.ref(a.number), a.description, owner, a.due_date,  # type: ignore[arg-type]
                       a.status.value, version=a.version)


def notification_row(meeting: Meeting, n: Notification, p: Person) -> DecisionRow:
    team = ", ".join(x for x in (n.team_officer, n.team_community_voice, n.team_outreach) if x)
    return DecisionRow("notification", n.id, meeting.ref(n.number), f"Notify {p.name}: {n.reasons}".rstrip(": "),  # type: ignore[arg-type]
                       team, n.due_date, n.status.value, person=p.name, version=n.version, person_id=p.id)


def referral_row(r: Referral, p: Person) -> DecisionRow:
    return DecisionRow("referral", r.id, "", f"Refer {p.name} to {r.service}", r.provider or "", None,  # type: ignore[arg-type]
                       r.status.value, person=p.name, version=r.version, person_id=p.id)


# --------------------------------------------------------------------------- notes and marks


def save_note(
    db: Database, agenda_item_id: int, text: str, *, note_id: int | None = None, version: int | None,
    visibility: NoteVisibility | str | None = None,
) -> int:
    """Create or update a note on an agenda item; returns its id. Called as the facilitator types.

    ``visibility`` (law enforcement only / members / partners) is kept as it
    is when None; a new note is for the members unless told otherwise.
    ``version``: the note's as its editor loaded it (refused if changed since).
    """
    visibility = NoteVisibility(visibility) if visibility is not None else None
    with writing(db, "this note") as s:
        item = _item(s, agenda_item_id)
        _writable(s, item.meeting_id)
        now = db.now()
        note = s.get(Note, note_id) if note_id is not None else None
        if note is None:
            note = Note(
                meeting_id=item.meeting_id, agenda_item_id=item.id, text=text, visibility=visibility or NoteVisibility.members,
                author=db.user, created_at=now, updated_at=now,
            )
            s.add(note)
        else:
            check_version(note, version, "this note")
            if note.agenda_item_id != item.id:
                raise ReviewError("that note belongs to another agenda item")
            if note.text != text:
                note.text = text
                note.updated_at = now
            if visibility is not None and note.visibility != visibility:
                note.visibility = visibility
                note.updated_at = now
        s.flush()
        return note.id  # type: ignore[return-value]


def delete_note(db: Database, note_id: int, *, version: int | None) -> None:
    with writing(db, "this note") as s:
        note = s.get(Note, note_id)
        if note is not None:
            check_version(note, version, "this note")
            _writable(s, note.meeting_id)
            s.delete(note)


def mark_item(db: Database, agenda_item_id: int, status: ReviewStatus, *, version: int | None) -> None:
    with writing(db, "the agenda item") as s:
        item = check_version(s.get(AgendaItem, agenda_item_id), version, "the agenda item")
        _writable(s, item.meeting_id)
        item.review_status = status


def _stop_timer(item: AgendaItem, now: dt.datetime) -> None:
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
        item = _item(s, agenda_item_id)
        meeting = _meeting(s, item.meeting_id)
        if meeting.status != MeetingStatus.in_progress:
            return None
        now = db.now()
        for other in s.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id, AgendaItem.started_at.is_not(None))
        ).all():
            if other.id != item.id:
                _stop_timer(other, now)
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
            _stop_timer(item, now)


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


# --------------------------------------------------------------------------- decisions


def _parse_owner(s: Session, owner_agency: str | None) -> Agency | None:
    if not owner_agency or not owner_agency.strip():
        return None
    agency = _agency_by_short_name(s, owner_agency, create=False)
    if agency is None:
        known = ", ".join(sorted(s.exec(select(Agency.short_name)).all())[:12])
        raise ReviewError(f"unknown agency {owner_agency.strip()!r}; known: {known}")
    return agency


def add_action_item(
    db: Database,
    meeting_id: int,
    description: str,
    *,
    incident_id: int | None = None,
    owner_agency: str | None = None,
    owner_name: str | None = None,
    due_date: dt.date | None = None,
) -> DecisionRow:
    """A new action item, numbered ``<meeting>-<n>``."""
    description = checked_description(description)
    with db.transaction() as s:
        meeting = _writable(s, meeting_id)
        agency = _parse_owner(s, owner_agency)
        number = _next_number(s, meeting)
        action = ActionItem(
            meeting_id=meeting_id, number=number, incident_id=incident_id, description=description,
            owner_agency_id=agency.id if agency else None, owner_name=_clean(owner_name),
            due_date=due_date, created_at=db.now(),
        )
        s.add(action)
        s.flush()
        return action_row(meeting, action, agency)


def checked_description(description: str) -> str:
    """An action item's words, refused when empty (creating and editing alike)."""
    description = (description or "").strip()
    if not description:
        raise ReviewError("an action item needs a description")
    return description


def checked_service(service: str) -> str:
    """A referral's service, refused when empty (creating and editing alike)."""
    service = (service or "").strip()
    if not service:
        raise ReviewError("a referral needs a service")
    return service


def homicide_case(s: Session, person_id: int, meeting: Meeting) -> str | None:
    """The case number of a homicide in which ``person_id`` is the victim, known by ``meeting``'s day, if any.

    A homicide after the meeting does not count: the person was alive when
    the meeting proposed their notification (the demo history has one such).
    """
    by = dt.datetime.combine(meeting.date + dt.timedelta(days=1), dt.time())
    return s.exec(
        select(Incident.case_number)
        .join(Involvement, Involvement.incident_id == Incident.id)
        .where(Involvement.person_id == person_id, Involvement.role == Role.victim,
               Incident.type == IncidentType.homicide, Incident.occurred_at < by)
        .limit(1)
    ).first()


def notification_subject(s: Session, person_id: int, meeting: Meeting) -> Person:
    """The person a notification of ``meeting`` is for, refused when unknown or killed (issue 13 item 7).

    The message names the case, not the person: it may be read on a shared screen.
    """
    person = s.get(Person, person_id)
    if person is None:
        raise ReviewError(f"no person {person_id}")
    case = homicide_case(s, person_id, meeting)
    if case is not None:
        raise ReviewError(
            f"this person is the victim of the homicide {case}: a custom notification cannot be delivered to them; "
            "propose it for a relative or an associate instead"
        )
    return person


def propose_notification(
    db: Database,
    meeting_id: int,
    person_id: int,
    *,
    incident_id: int | None = None,
    reasons: str = "",
    team_officer: str | None = None,
    team_community_voice: str | None = None,
    team_outreach: str | None = None,
    due_date: dt.date | None = None,
) -> DecisionRow:
    """A custom notification proposed for a person, numbered like action items.

    Refused for the victim of a homicide (:func:`notification_subject`).
    """
    with db.transaction() as s:
        meeting = _writable(s, meeting_id)
        person = notification_subject(s, person_id, meeting)
        number = _next_number(s, meeting)
        n = Notification(
            meeting_id=meeting_id, number=number, person_id=person_id, incident_id=incident_id,
            reasons=reasons.strip(), team_officer=_clean(team_officer), team_community_voice=_clean(team_community_voice),
            team_outreach=_clean(team_outreach), due_date=due_date, created_at=db.now(),
        )
        s.add(n)
        s.flush()
        return notification_row(meeting, n, person)


def add_referral(
    db: Database,
    person_id: int,
    service: str,
    *,
    provider: str | None = None,
    meeting_id: int | None = None,
    incident_id: int | None = None,
    notification_id: int | None = None,
    note: str | None = None,
) -> DecisionRow:
    """A service referral for a person (status offered)."""
    service = checked_service(service)
    with db.transaction() as s:
        if meeting_id is not None:
            _writable(s, meeting_id)
        person = s.get(Person, person_id)
        if person is None:
            raise ReviewError(f"no person {person_id}")
        r = Referral(
            person_id=person_id, service=service, provider=_clean(provider), meeting_id=meeting_id,
            incident_id=incident_id, notification_id=notification_id, status=ReferralStatus.offered,
            offered_on=db.now().date(), status_on=db.now().date(), note=_clean(note),
        )
        s.add(r)
        s.flush()
        return referral_row(r, person)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


# --------------------------------------------------------------------------- wrap-up


@dataclass(frozen=True)
class Loose:
    """One loose end of the wrap-up, with where it is fixed: a decision's form or an agenda item's review."""

    text: str
    kind: str  # action | notification | case
    id: int  # the decision's id, or the agenda item's for a case


@dataclass
class WrapUp:
    decisions: list[DecisionRow]
    closed_old_business: list[OldBusinessRow]
    pending_items: list[AgendaRow]
    warnings: list[str]
    meeting_version: int = 1  # what closing writes against: close what you have seen
    loose: list[Loose] = field(default_factory=list)  # the warnings, each with the record that fixes it


def wrap_up(db: Database, meeting_id: int) -> WrapUp:
    """Everything decided in this meeting and what is still unassigned, undated or undiscussed."""
    with db.session() as s:
        meeting = _meeting(s, meeting_id)
        meeting_version = meeting.version
        decisions = _decisions(s, meeting)
        action_owners = {
            a.id: (a.owner_agency_id, a.owner_name)
            for a in s.exec(select(ActionItem).where(ActionItem.meeting_id == meeting_id)).all()
        }
    rows = agenda(db, meeting_id)
    loose: list[Loose] = []
    for d in decisions:
        if d.kind == "action" and action_owners.get(d.id) == (None, None):
            loose.append(Loose(f"action item {d.ref} has no owner", d.kind, d.id))
        if d.kind in ("action", "notification") and d.due_date is None:
            loose.append(Loose(f"{'action item' if d.kind == 'action' else 'notification'} {d.ref} has no due date",
                               d.kind, d.id))
        if d.kind == "notification" and not d.owner:
            loose.append(Loose(f"notification {d.ref} has no team", d.kind, d.id))
    pending = [r for r in rows if r.review_status == ReviewStatus.pending]
    for r in pending:
        loose.append(Loose(f"case {r.case_number} was not discussed (still pending)", "case", r.id))
    closed_here = [r for r in old_business(db, meeting_id) if r.closed_here]
    return WrapUp(decisions, closed_here, pending, [x.text for x in loose], meeting_version, loose)


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class PersonHit:
    id: int
    name: str
    record_id: str | None
    dob: dt.date | None


def search_persons(db: Database, text: str, limit: int = 20) -> list[PersonHit]:
    """Persons whose name contains ``text`` (normalised) or whose records id starts with it."""
    key = name_key(text)
    if not key:
        return []
    stmt = (
        select(Person.id, Person.name, Person.record_id, Person.dob)
        .where(Person.merged_into_id.is_(None))
        .where(or_(Person.name_key.contains(key, autoescape=True), Person.record_id.istartswith(text.strip(), autoescape=True)))
        .order_by(Person.name_key)
        .limit(limit)
    )
    with db.session() as s:
        return [PersonHit(*row) for row in s.exec(stmt).all()]


def search_cases(db: Database, text: str, limit: int = 20) -> list[tuple[int, str, dt.datetime]]:
    """Incidents whose case number contains ``text``: (incident id, case number, occurred at)."""
    text = text.strip()
    if not text:
        return []
    stmt = (
        select(Incident.id, Incident.case_number, Incident.occurred_at)
        .where(Incident.case_number.contains(text, autoescape=True))
        .order_by(Incident.occurred_at.desc())
        .limit(limit)
    )
    with db.session() as s:
        return [tuple(r) for r in s.exec(stmt).all()]  # type: ignore[misc]


def latest_review_of(db: Database, incident_id: int) -> tuple[int, int] | None:
    """(meeting id, agenda item id) of the latest meeting that has this incident on its agenda."""
    stmt = (
        select(AgendaItem.meeting_id, AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.incident_id == incident_id)
        .order_by(Meeting.date.desc())
        .limit(1)
    )
    with db.session() as s:
        row = s.exec(stmt).first()
    return (row[0], row[1]) if row else None
