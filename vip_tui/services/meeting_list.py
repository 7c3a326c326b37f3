"""The meetings list, the TUI's first screen and ``vip meetings``: every meeting with its counts.

Read without SQLAlchemy from an SQLite file: this module and
:mod:`vip_tui.db` import neither it nor the ORM, so ``vip`` draws its first
screen before either is loaded (issue 14: the ORM is then warmed in the
background, see ``VipApp.warm_up``). The same SQL runs through the engine on
PostgreSQL, whose engine is built at open anyway.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..enums import DEFAULT_MEETING_TITLE, OPEN_NOTIFICATION_STATUSES, ActionStatus, MeetingStatus

if TYPE_CHECKING:
    from ..db import Database


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
        """``draft``, ``in progress`` or ``closed``: the status's one label, in the TUI's list and ``vip meetings``."""
        return self.status.label

    @property
    def shown_title(self) -> str:
        """The title, or the default one when the agenda gave none (the same in the TUI and the CLI)."""
        return self.title or DEFAULT_MEETING_TITLE


def _literal(status: ActionStatus | str) -> str:
    value = getattr(status, "value", status)
    assert value.isidentifier(), value  # an enum's own word, never input: safe to write into the statement
    return f"'{value}'"


# One statement on both backends. Statuses are compared as text literals:
# PostgreSQL casts an untyped literal to the column's native enum type.
MEETINGS_SQL = f"""
SELECT m.id, m.date, m.number, m.title, m.status, m.version,
       coalesce(items.n, 0), coalesce(actions.n, 0), coalesce(notifications.n, 0)
FROM meeting AS m
LEFT OUTER JOIN (SELECT meeting_id, count(*) AS n FROM agenda_item GROUP BY meeting_id) AS items
  ON items.meeting_id = m.id
LEFT OUTER JOIN (SELECT meeting_id, count(*) AS n FROM action_item
                 WHERE status = {_literal(ActionStatus.open)} GROUP BY meeting_id) AS actions
  ON actions.meeting_id = m.id
LEFT OUTER JOIN (SELECT meeting_id, count(*) AS n FROM notification
                 WHERE status IN ({", ".join(_literal(s) for s in sorted(OPEN_NOTIFICATION_STATUSES))})
                 GROUP BY meeting_id) AS notifications
  ON notifications.meeting_id = m.id
ORDER BY m.date DESC
"""


def list_meetings(db: Database) -> list[MeetingSummary]:
    """Every meeting, newest first, with its item count and the open decisions it produced (one query)."""
    path = db.sqlite_path
    if path is not None:
        # Read-only and brief: WAL readers take no lock, the timeout covers a checkpoint.
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=db.lock_wait_ms / 1000)) as con:
            rows = con.execute(MEETINGS_SQL).fetchall()
    else:
        import sqlalchemy as sa

        with db.engine.connect() as con:
            rows = con.execute(sa.text(MEETINGS_SQL)).all()
    return [
        MeetingSummary(
            id_, date if isinstance(date, dt.date) else dt.date.fromisoformat(date), number, title,
            MeetingStatus(status), n_items, n_actions, n_notes, version,
        )
        for id_, date, number, title, status, version, n_items, n_actions, n_notes in rows
    ]
