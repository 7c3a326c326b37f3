"""Everything a meeting's documents show, loaded in a fixed handful of queries.

The number of statements does not grow with the number of incidents, persons
or decisions (eager ``selectinload``), so a 60-incident meeting exports as
fast as a 6-incident one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased, selectinload
from sqlmodel import Session, col, select

from ..enums import OPEN_NOTIFICATION_STATUSES, ActionStatus
from ..models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    Referral,
)
from ..services.frozen import show_frozen
from .errors import MeetingNotFound

NEARBY = 5


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as other meetings' items refer to it."""

    id: int
    number: int
    date: dt.date


@dataclass
class MeetingData:
    """One meeting and everything its minutes or agenda show."""

    meeting: Meeting
    items: list[AgendaItem]
    notes: dict[int | None, list[Note]]  # by agenda item id; None: the meeting as a whole
    attendance: list[MeetingAttendance]
    actions: list[ActionItem]  # created at this meeting
    notifications: list[Notification]  # created at this meeting
    referrals: list[Referral]  # made at this meeting
    carried_actions: list[ActionItem]  # from earlier meetings, open when this one was held
    carried_notifications: list[Notification]
    meetings: dict[int, MeetingRef]
    incident_ids: set[int] = field(default_factory=set)
    version: int = 1  # of the minutes: 1 + the amendments made so far (services/amendments.py)

    def __post_init__(self) -> None:
        self.incident_ids = {item.incident_id for item in self.items if item.incident_id is not None}

    @property
    def date(self) -> dt.date:
        return self.meeting.date

    def ref(self, decision: ActionItem | Notification) -> str:
        """``47-3``: the number of the meeting that created it, then its own."""
        assert decision.meeting_id is not None
        return f"{self.meetings[decision.meeting_id].number}-{decision.number}"

    def closing_meeting(self, decision: ActionItem | Notification) -> MeetingRef | None:
        if decision.closed_in_meeting_id is None:
            return None
        return self.meetings.get(decision.closed_in_meeting_id)

    def le_notes(self) -> list[Note]:
        return [n for notes in self.notes.values() for n in notes if n.le_only]

    @cached_property  # the passages and the composer both place the decisions of one export
    def placed(self) -> Placed:
        """This meeting's decisions under the incident they were taken on; None: the meeting as a whole."""
        on_agenda = self.incident_ids

        def key(incident_id: int | None) -> int | None:
            return incident_id if incident_id in on_agenda else None

        placed = Placed(defaultdict(list), defaultdict(list), defaultdict(list))
        for a in self.actions:
            placed.actions[key(a.incident_id)].append(a)
        for n in self.notifications:
            placed.notifications[key(n.incident_id)].append(n)
        incident_of = {n.id: n.incident_id for n in self.notifications + self.carried_notifications}
        for r in self.referrals:
            incident_id = r.incident_id if r.incident_id is not None else incident_of.get(r.notification_id)
            placed.referrals[key(incident_id)].append(r)
        return placed


@dataclass
class Placed:
    """Decisions by the incident they are written under (None: general business)."""

    actions: defaultdict[int | None, list[ActionItem]]
    notifications: defaultdict[int | None, list[Notification]]
    referrals: defaultdict[int | None, list[Referral]]

    def any(self, key: int | None) -> bool:
        return bool(self.actions[key] or self.notifications[key] or self.referrals[key])


def parse_date(value: dt.date | str, meetings: list[MeetingRef]) -> dt.date:
    """``value`` as a date; a string that is not ISO is refused with the recent meeting dates."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        recent = sorted((m.date for m in meetings), reverse=True)[:NEARBY]
        raise MeetingNotFound(f'"{value}" is not a date: write it as YYYY-MM-DD{_listing("recent", recent)}') from None


def _listing(what: str, dates: list[dt.date]) -> str:
    if not dates:
        return "; there are no meetings yet (import an agenda with `vip agenda import FILE`)"
    return f"; {what} meetings: " + ", ".join(d.isoformat() for d in dates)


def all_meetings(session: Session) -> list[MeetingRef]:
    rows = session.exec(select(col(Meeting.id), col(Meeting.number), col(Meeting.date))).all()
    return [MeetingRef(i, n, d) for i, n, d in rows if i is not None]


def find_meeting(session: Session, value: dt.date | str, meetings: list[MeetingRef] | None = None) -> MeetingRef:
    """The meeting held on ``value`` (a date or an ISO string); refused with the nearest dates."""
    meetings = all_meetings(session) if meetings is None else meetings
    date = parse_date(value, meetings)
    for m in meetings:
        if m.date == date:
            return m
    nearest = sorted(meetings, key=lambda m: (abs((m.date - date).days), m.date))[:NEARBY]
    raise MeetingNotFound(f"no meeting on {date.isoformat()}{_listing('nearest', sorted(m.date for m in nearest))}")


def _open_at(
    model: type[ActionItem] | type[Notification], meeting: MeetingRef, closed_on: Mapped[dt.date]
) -> sa.ColumnElement[bool]:
    """Created at an earlier meeting and not yet closed when ``meeting`` began.

    ``closed_on`` is the date of the meeting that closed it (outer-joined).
    """
    Created = aliased(Meeting)
    if model is ActionItem:
        still_open = col(ActionItem.status) == ActionStatus.open
    else:
        still_open = col(Notification.status).in_(list(OPEN_NOTIFICATION_STATUSES))
    earlier = select(col(Created.id)).where(col(Created.date) < meeting.date)
    start = dt.datetime.combine(meeting.date, dt.time())
    return sa.and_(
        col(model.meeting_id).in_(earlier),
        sa.or_(
            still_open,
            # Closed at this meeting or a later one.
            closed_on >= meeting.date,
            # Closed between meetings, after this one.
            sa.and_(col(model.closed_in_meeting_id).is_(None), col(model.closed_at) >= start),
        ),
    )


def load_meeting(session: Session, value: dt.date | str) -> MeetingData:
    """Load the meeting held on ``value`` with everything its documents show (about ten statements)."""
    known = all_meetings(session)
    ref = find_meeting(session, value, known)
    meetings = {m.id: m for m in known}
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.id == ref.id)
        .options(
            selectinload(Meeting.agenda_items)  # type: ignore[arg-type]
            .selectinload(AgendaItem.incident)  # type: ignore[arg-type]
            .selectinload(Incident.involvements)  # type: ignore[arg-type]
            .options(selectinload(Involvement.person), selectinload(Involvement.group)),  # type: ignore[arg-type]
            selectinload(Meeting.attendance)  # type: ignore[arg-type]
            .selectinload(MeetingAttendance.attendee)  # type: ignore[arg-type]
            .selectinload(Attendee.agency),  # type: ignore[arg-type]
        )
    ).one()
    show_frozen(meeting, meeting.agenda_items)  # a closed meeting's minutes say what they said

    notes: dict[int | None, list[Note]] = defaultdict(list)
    for note in session.exec(
        select(Note).where(Note.meeting_id == ref.id).order_by(col(Note.created_at), col(Note.id))
    ):
        notes[note.agenda_item_id].append(note)

    Closed = aliased(Meeting)
    actions = session.exec(
        select(ActionItem)
        .outerjoin(Closed, col(ActionItem.closed_in_meeting_id) == Closed.id)
        .where(sa.or_(col(ActionItem.meeting_id) == ref.id, _open_at(ActionItem, ref, col(Closed.date))))
        .options(selectinload(ActionItem.owner_agency))  # type: ignore[arg-type]
    ).all()
    notifications = session.exec(
        select(Notification)
        .outerjoin(Closed, col(Notification.closed_in_meeting_id) == Closed.id)
        .where(sa.or_(col(Notification.meeting_id) == ref.id, _open_at(Notification, ref, col(Closed.date))))
        .options(selectinload(Notification.person), selectinload(Notification.attempts))  # type: ignore[arg-type]
    ).all()
    referrals = session.exec(
        select(Referral)
        .where(Referral.meeting_id == ref.id)
        .options(selectinload(Referral.person))  # type: ignore[arg-type]
        .order_by(col(Referral.id))
    ).all()

    def by_ref(decision: ActionItem | Notification) -> tuple[dt.date, int]:
        return (meetings[decision.meeting_id].date, decision.number)  # type: ignore[index]

    return MeetingData(
        meeting=meeting,
        items=list(meeting.agenda_items),
        notes=dict(notes),
        attendance=list(meeting.attendance),
        actions=sorted((a for a in actions if a.meeting_id == ref.id), key=by_ref),
        notifications=sorted((n for n in notifications if n.meeting_id == ref.id), key=by_ref),
        referrals=list(referrals),
        carried_actions=sorted((a for a in actions if a.meeting_id != ref.id), key=by_ref),
        carried_notifications=sorted((n for n in notifications if n.meeting_id != ref.id), key=by_ref),
        meetings=meetings,
    )
