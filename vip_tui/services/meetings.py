"""Meetings: the list with its counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa

from ..db import Database
from ..enums import ActionStatus, MeetingStatus, NotificationStatus, OPEN_NOTIFICATION_STATUSES


def _status(enum: type[Enum]) -> sa.Enum:
    # The enum type models.enum_column gives the column: PostgreSQL compares a
    # native enum only with its own type, not with VARCHAR.
    return sa.Enum(enum, name=enum.__name__.lower(), values_callable=lambda e: [m.value for m in e])


# Core stand-ins for the four tables, not the models: the meetings list is the
# first screen, and the ORM import would put about 150 ms in front of it (issue 7).
_meeting = sa.table(
    "meeting", sa.column("id"), sa.column("date", sa.Date), sa.column("number"), sa.column("title"),
    sa.column("status", _status(MeetingStatus)), sa.column("version"),
)
_agenda_item = sa.table("agenda_item", sa.column("meeting_id"))
_action_item = sa.table("action_item", sa.column("meeting_id"), sa.column("status", _status(ActionStatus)))
_notification = sa.table(
    "notification", sa.column("meeting_id"), sa.column("status", _status(NotificationStatus))
)


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
    version: int = 1  # what starting the meeting writes against

    @property
    def when(self) -> str:
        """``upcoming``, ``in progress`` or ``closed``: how the meetings list groups meetings."""
        return {MeetingStatus.draft: "upcoming", MeetingStatus.in_progress: "in progress"}.get(
            self.status, "closed"
        )


def list_meetings(db: Database) -> list[MeetingSummary]:
    """Every meeting, newest first, with its item count and the open decisions it produced (one query)."""
    items = (
        sa.select(_agenda_item.c.meeting_id, sa.func.count().label("n"))
        .group_by(_agenda_item.c.meeting_id)
        .subquery()
    )
    actions = (
        sa.select(_action_item.c.meeting_id, sa.func.count().label("n"))
        .where(_action_item.c.status == ActionStatus.open)
        .group_by(_action_item.c.meeting_id)
        .subquery()
    )
    notifications = (
        sa.select(_notification.c.meeting_id, sa.func.count().label("n"))
        .where(_notification.c.status.in_(sorted(OPEN_NOTIFICATION_STATUSES)))
        .group_by(_notification.c.meeting_id)
        .subquery()
    )
    m = _meeting.c
    stmt = (
        sa.select(
            m.id, m.date, m.number, m.title, m.status, m.version,
            sa.func.coalesce(items.c.n, 0),
            sa.func.coalesce(actions.c.n, 0),
            sa.func.coalesce(notifications.c.n, 0),
        )
        .select_from(_meeting)
        .outerjoin(items, items.c.meeting_id == m.id)
        .outerjoin(actions, actions.c.meeting_id == m.id)
        .outerjoin(notifications, notifications.c.meeting_id == m.id)
        .order_by(m.date.desc())
    )
    with db.engine.connect() as con:
        return [
            MeetingSummary(id_, date, number, title, status, n_items, n_actions, n_notes, version)
            for id_, date, number, title, status, version, n_items, n_actions, n_notes in con.execute(stmt)
        ]
