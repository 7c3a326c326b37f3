"""Old business: what earlier meetings left open, and its status and outcome changed at this one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import select

from ..db import Database
from ..enums import ActionStatus, NotificationStatus, OPEN_NOTIFICATION_STATUSES
from ..models import ActionItem, Agency, Meeting, Notification, Person
from .guard import Saved, check_version, load_meeting, writable_meeting, writing
from .notifications import check_transition, set_outcome


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
        meeting = load_meeting(s, meeting_id)
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
) -> Saved:
    """Change an action item's status (and outcome); closing it notes the meeting where that happened."""
    with writing(db, "the action item") as s:
        action = check_version(s.get(ActionItem, action_id), version, "the action item")
        if in_meeting_id is not None:
            writable_meeting(s, in_meeting_id)
        else:
            writable_meeting(s, action.meeting_id)
        action.status = status
        set_outcome(action, outcome, still_open=status == ActionStatus.open, now=db.now(), in_meeting_id=in_meeting_id)
        s.flush()
        return Saved(action.id, action.version)  # type: ignore[arg-type]


def set_notification_status(
    db: Database,
    notification_id: int,
    status: NotificationStatus,
    outcome: str | None = None,
    *,
    in_meeting_id: int | None = None,
    version: int | None,
) -> Saved:
    """Move a notification along its lifecycle; a transition SPEC §2 does not allow is refused."""
    with writing(db, "the notification") as s:
        n = check_version(s.get(Notification, notification_id), version, "the notification")
        writable_meeting(s, in_meeting_id if in_meeting_id is not None else n.meeting_id)
        if status != n.status:
            check_transition(n.status, status)
            n.status = status
        set_outcome(n, outcome, still_open=status in OPEN_NOTIFICATION_STATUSES, now=db.now(),
                    in_meeting_id=in_meeting_id)
        s.flush()
        return Saved(n.id, n.version)  # type: ignore[arg-type]
