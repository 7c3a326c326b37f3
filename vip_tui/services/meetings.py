"""Meetings: the list with its counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from ..db import Database
from ..enums import ActionStatus, MeetingStatus, OPEN_NOTIFICATION_STATUSES
from ..models import ActionItem, AgendaItem, Meeting, Notification


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    date: dt.date
    number: int
    title: str | None
    status: MeetingStatus
    items: int
    open_actions: int
    open_notifications: int

    @property
    def when(self) -> str:
        """``upcoming``, ``in progress`` or ``closed``: how the meetings list groups meetings."""
        return {MeetingStatus.draft: "upcoming", MeetingStatus.in_progress: "in progress"}.get(
            self.status, "closed"
        )


def list_meetings(db: Database) -> list[MeetingSummary]:
    """Every meeting, newest first, with its item count and the open decisions it produced (one query)."""
    items = (
        select(AgendaItem.meeting_id, func.count().label("n")).group_by(AgendaItem.meeting_id).subquery()
    )
    actions = (
        select(ActionItem.meeting_id, func.count().label("n"))
        .where(ActionItem.status == ActionStatus.open)
        .group_by(ActionItem.meeting_id)
        .subquery()
    )
    notifications = (
        select(Notification.meeting_id, func.count().label("n"))
        .where(Notification.status.in_(list(OPEN_NOTIFICATION_STATUSES)))
        .group_by(Notification.meeting_id)
        .subquery()
    )
    stmt = (
        select(
            Meeting,
            func.coalesce(items.c.n, 0),
            func.coalesce(actions.c.n, 0),
            func.coalesce(notifications.c.n, 0),
        )
        .outerjoin(items, items.c.meeting_id == Meeting.id)
        .outerjoin(actions, actions.c.meeting_id == Meeting.id)
        .outerjoin(notifications, notifications.c.meeting_id == Meeting.id)
        .order_by(Meeting.date.desc())
    )
    with db.session() as s:
        return [
            MeetingSummary(m.id, m.date, m.number, m.title, m.status, n_items, n_actions, n_notes)
            for m, n_items, n_actions, n_notes in s.exec(stmt).all()
        ]
