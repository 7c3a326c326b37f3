"""Undo (issue 13 item 5): the last change a screen made is reverted from the audit log's before-images.

On both backends: an update is set back, a created row deleted, a deleted row
inserted again, each in one audited transaction; a row someone changed since
is refused and nothing is written. All names and case numbers are fictional.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlmodel import select

from tests.conftest import FIXED_NOW
from vip_tui.db import Database
from vip_tui.enums import ActionStatus, AttemptResult, IncidentType, MeetingStatus, NotificationStatus
from vip_tui.models import ActionItem, AuditLog, Incident, Meeting, Notification, NotificationAttempt, Person
from vip_tui.names import name_key
from vip_tui.services import notifications
from vip_tui.services.guard import STALE, ReviewError, StaleEdit
from vip_tui.services.old_business import set_action_status
from vip_tui.services.undo import recording, undo


def _world(db: Database) -> SimpleNamespace:
    """A closed meeting that left an action item and a notification open, and today's meeting."""
    with db.transaction() as s:
        closed = Meeting(date=dt.date(2026, 11, 17), number=1, status=MeetingStatus.closed,
                         started_at=dt.datetime(2026, 11, 17, 9), closed_at=dt.datetime(2026, 11, 17, 10))
        today = Meeting(date=dt.date(2026, 11, 24), number=2, status=MeetingStatus.in_progress,
                        started_at=FIXED_NOW)
        ada = Person(name="Ada Quenneville", name_key=name_key("Ada Quenneville"))
        s.add_all([closed, today, ada])
        s.flush()
        incident = Incident(case_number="26-0100101", occurred_at=dt.datetime(2026, 11, 5, 22),
                            type=IncidentType.non_fatal, location="100 block Elm St")
        s.add(incident)
        s.flush()
        action = ActionItem(meeting_id=closed.id, number=1, description="Canvass the block",
                            due_date=dt.date(2026, 11, 21), created_at=FIXED_NOW)
        notification = Notification(meeting_id=closed.id, number=2, person_id=ada.id, incident_id=incident.id,
                                    reasons="retaliation risk", status=NotificationStatus.assigned,
                                    created_at=FIXED_NOW)
        s.add_all([action, notification])
        s.flush()
        return SimpleNamespace(today=today.id, action=action.id, notification=notification.id)


def _action(db: Database, action_id: int) -> ActionItem | None:
    with db.session() as s:
        return s.get(ActionItem, action_id)


def _audit(db: Database, entity: str) -> list[AuditLog]:
    with db.session() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id)))


def test_undo_sets_an_update_back_and_the_audit_log_shows_it(database: Database) -> None:
    w = _world(database)
    before = _action(database, w.action)
    assert before is not None and before.status == ActionStatus.open
    with recording("1-1 done") as change:
        set_action_status(database, w.action, ActionStatus.done, "Block canvassed", in_meeting_id=w.today,
                          version=before.version)
    done = _action(database, w.action)
    assert done is not None and done.status == ActionStatus.done and done.closed_in_meeting_id == w.today

    undo(database, change)

    back = _action(database, w.action)
    assert back is not None
    assert (back.status, back.outcome, back.closed_at, back.closed_in_meeting_id) == (
        ActionStatus.open, None, None, None)
    assert back.due_date == dt.date(2026, 11, 21)  # untouched columns stay as they were
    last = _audit(database, "action_item")[-1]
    assert last.action == "update" and last.changes["status"] == ["done", "open"]
    assert last.changes["outcome"] == ["Block canvassed", None]


def test_undo_deletes_a_created_row(database: Database) -> None:
    w = _world(database)
    with recording("attempt") as change:
        attempt = notifications.record_attempt(database, w.notification, result=AttemptResult.not_home)
    undo(database, change)
    with database.session() as s:
        assert s.get(NotificationAttempt, attempt.id) is None
    assert [a.action for a in _audit(database, "notification_attempt")] == ["create", "delete"]


def test_undo_inserts_a_deleted_row_again_as_it_was(database: Database) -> None:
    w = _world(database)
    with recording("removed") as change, database.transaction() as s:
        s.delete(s.get(ActionItem, w.action))
    assert _action(database, w.action) is None

    undo(database, change)

    back = _action(database, w.action)
    assert back is not None
    assert (back.description, back.due_date, back.status, back.created_at) == (
        "Canvass the block", dt.date(2026, 11, 21), ActionStatus.open, FIXED_NOW)
    assert _audit(database, "action_item")[-1].action == "create"


def test_undo_of_a_row_changed_since_is_refused_and_writes_nothing(database: Database) -> None:
    w = _world(database)
    with database.session() as s:
        n = s.get(Notification, w.notification)
        assert n is not None
        version = n.version
    with recording("2-2 cancelled") as change:
        notifications.change_status(database, w.notification, NotificationStatus.cancelled, version=version)
    # Someone else writes the outcome afterwards.
    with database.transaction() as s:
        n = s.get(Notification, w.notification)
        assert n is not None
        n.outcome = "Cancelled: moved out of state"
    audit_rows = len(_audit(database, "notification"))

    with pytest.raises(StaleEdit, match=STALE):
        undo(database, change)

    with database.session() as s:
        n = s.get(Notification, w.notification)
        assert n is not None
        assert (n.status, n.outcome) == (NotificationStatus.cancelled, "Cancelled: moved out of state")
    assert len(_audit(database, "notification")) == audit_rows


def test_a_refused_write_records_nothing_to_undo(database: Database) -> None:
    w = _world(database)
    with recording("1-1 done") as change, pytest.raises(ReviewError):
        set_action_status(database, w.action, ActionStatus.done, in_meeting_id=w.today, version=99)
    assert change.steps == []
    with pytest.raises(ReviewError, match="nothing to undo"):
        undo(database, change)


def test_undo_twice_is_refused(database: Database) -> None:
    w = _world(database)
    with recording("attempt") as change:
        notifications.record_attempt(database, w.notification, result=AttemptResult.not_home)
    undo(database, change)
    with pytest.raises(StaleEdit):
        undo(database, change)


def test_a_row_written_twice_in_one_change_is_set_back_to_before_both(database: Database) -> None:
    w = _world(database)
    with recording("two steps") as change, database.transaction() as s:
        action = s.get(ActionItem, w.action)
        assert action is not None
        action.outcome = "first try"
        s.flush()
        action.outcome = "second try"
        action.status = ActionStatus.dropped
    assert len(change.steps) == 2

    undo(database, change)

    back = _action(database, w.action)
    assert back is not None and (back.status, back.outcome) == (ActionStatus.open, None)
