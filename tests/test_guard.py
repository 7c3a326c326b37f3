"""The services' one gate (issue 14 item 3): their errors and what they hand out.

SQLAlchemy's lost-race errors are translated in services/guard.py and
nowhere else, so a screen or a command only ever catches a service error;
and what a service returns is a frozen dataclass, never an ORM row that
would reach back into a closed session. All data is fictional.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel

from tests.tui_helpers import REVIEW_DATE, sample_database
from vip_tui.enums import ActionStatus, NotificationStatus
from vip_tui.services import (
    amendments, decisions, guard, items, meeting_list, meetings, notifications, old_business, wrap_up,
)

PACKAGE = Path(__file__).resolve().parent.parent / "vip_tui"
# The agenda importer reports a lost race in its own import report (agenda/ is split under item 5).
OWN_TRANSLATION = {"services/guard.py", "agenda/importer.py"}
RACE_ERRORS = {"StaleDataError", "IntegrityError"}


def _names_race_errors(source: str) -> bool:
    """Whether the code (not its comments) imports, catches or raises StaleDataError or IntegrityError."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and {a.name for a in node.names} & RACE_ERRORS:
            return True
        if (isinstance(node, ast.Name) and node.id in RACE_ERRORS) or (
            isinstance(node, ast.Attribute) and node.attr in RACE_ERRORS
        ):
            return True
    return False


def test_only_the_guard_names_sqlalchemys_race_errors() -> None:
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and _names_race_errors(path.read_text())
    )
    assert set(found) <= OWN_TRANSLATION, f"translate these in services/guard.writing instead: {found}"


def _orm_rows(value: Any, path: str = "result") -> list[str]:
    """Where in ``value`` an ORM row hides (dataclass fields, lists, tuples, dict values)."""
    if isinstance(value, SQLModel):
        return [f"{path}: {type(value).__name__}"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [hit for f in dataclasses.fields(value) for hit in _orm_rows(getattr(value, f.name), f"{path}.{f.name}")]
    if isinstance(value, (list, tuple)):
        return [hit for n, v in enumerate(value) for hit in _orm_rows(v, f"{path}[{n}]")]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in _orm_rows(v, f"{path}[{k!r}]")]
    return []


def test_the_meeting_services_hand_out_frozen_dataclasses_not_orm_rows(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, REVIEW_DATE)
    assert meeting is not None
    row = items.agenda(database, meeting.id)[0]
    decisions.add_action_item(database, meeting.id, "Canvass the block for doorbell video",
                              incident_id=row.incident_id, due_date=dt.date(2026, 12, 1))
    now = meetings.get_meeting(database, meeting.id)  # the action item took a number: a new version
    handed_out = {
        "meeting_by_date": meeting,
        "get_meeting": now,
        "start_meeting": meetings.start_meeting(database, meeting.id, version=now.version),
        "item_detail": items.item_detail(database, row.id),
        "wrap_up": wrap_up.wrap_up(database, meeting.id),
    }
    earlier = min(m.id for m in meeting_list.list_meetings(database) if m.date < REVIEW_DATE)
    carried = decisions.add_action_item(database, earlier, "Ask the school for the camera footage")
    handed_out["set_action_status"] = old_business.set_action_status(
        database, carried.id, ActionStatus.done, "Footage handed over", in_meeting_id=meeting.id,
        version=carried.version)
    subject = next(p for p in handed_out["item_detail"].persons if p.role.value != "victim")
    proposed = decisions.propose_notification(database, meeting.id, subject.person_id, incident_id=row.incident_id)
    handed_out["change_status"] = notifications.change_status(
        database, proposed.id, NotificationStatus.approved, version=proposed.version)
    handed_out["close_meeting"] = meetings.close_meeting(
        database, meeting.id, version=wrap_up.wrap_up(database, meeting.id).meeting_version)
    record = amendments.find_record(database, meeting.id, f"notification {proposed.ref}")
    handed_out["amend"] = amendments.amend(database, meeting.id, record.entity, record.id,
                                           {"reasons": "Named by a caller"}, "The caller was heard after the meeting",
                                           version=record.version)
    assert [hit for name, value in handed_out.items() for hit in _orm_rows(value, name)] == []
    assert handed_out["wrap_up"].decisions and handed_out["item_detail"].incident.case_number == row.case_number
    for name, attribute in (("get_meeting", "status"), ("item_detail", "notes"), ("set_action_status", "version")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(handed_out[name], attribute, None)
    # What a closed meeting hands out still reads after every session is gone.
    closed = handed_out["close_meeting"]
    assert closed.status.value == "closed" and closed.ref(1) == f"{closed.number}-1"


def test_a_refusal_is_a_service_error_a_screen_can_catch(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, REVIEW_DATE)
    assert meeting is not None
    stale = meeting.version + 1
    with pytest.raises(guard.StaleEdit, match="the meeting was changed by someone else since you opened it; reloaded"):
        meetings.start_meeting(database, meeting.id, version=stale)
    assert meetings.get_meeting(database, meeting.id).status == meeting.status  # nothing written
    action = decisions.add_action_item(database, meeting.id, "Pull the doorbell video")
    done = old_business.set_action_status(database, action.id, ActionStatus.done, "Pulled", version=action.version)
    with pytest.raises(guard.NotAllowed, match="is done: its outcome is a record"):
        decisions.delete_action_item(database, action.id, version=done.version)
    assert all(issubclass(e, guard.ServiceError) for e in (guard.StaleEdit, guard.MeetingClosed, guard.NotAllowed,
                                                             guard.Invalid))
