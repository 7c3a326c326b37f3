"""The meeting's stages around the review: attendance, old business, wrap-up."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select
from textual.binding import Binding
from textual.widgets import DataTable, Input, Select

from tests.conftest import AGENDAS
from tests.tui_helpers import tables_drawn
from vip_tui.agenda.importer import import_files
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.enums import ActionStatus, Attendance, MeetingStatus, NotificationStatus, ReviewStatus
from vip_tui.models import ActionItem, Agency, Notification
from vip_tui.services import attendance
from vip_tui.services import decisions as decisions_svc
from vip_tui.services import guard, items, meetings, old_business
from vip_tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (120, 36)


def _meeting_id(database, day: int) -> int:  # noqa: ANN001
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, day))
    assert meeting is not None
    return meeting.id


@pytest.fixture
def meeting_db(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas, with decisions taken at the first meeting that are still open on 2026-11-24."""
    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    import_files(database, sorted(AGENDAS.glob("week*")))
    first = _meeting_id(database, 10)
    item = items.agenda(database, first)[0]
    # The second person: the first is the homicide victim, whom no notification can reach (issue 13 item 7).
    person = items.item_detail(database, item.id, with_history=False).persons[1]
    ids = SimpleNamespace(first=first, third=_meeting_id(database, 24), person=person.name)
    ids.overdue_action = decisions_svc.add_action_item(
        database, first, "Pull the ShotSpotter audio for the block", incident_id=item.incident_id,
        owner_agency="RMPD", owner_name="Det. R. Quintana", due_date=dt.date(2026, 11, 12),
    ).id
    ids.later_action = decisions_svc.add_action_item(
        database, first, "Check the NIBIN lead with the lab", owner_agency="ATF", due_date=dt.date(2026, 12, 1),
    ).id
    ids.notification = decisions_svc.propose_notification(
        database, first, person.person_id, incident_id=item.incident_id, reasons="victim twice this year",
        team_officer="Ofc. M. Duran", team_community_voice="Pastor E. Ruiz", due_date=dt.date(2026, 11, 17),
    ).id
    return SimpleNamespace(db=database, **vars(ids))


async def _open(app, pilot, meeting_id: int, stage: str) -> None:  # noqa: ANN001
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.open_stage(meeting_id, stage)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _settle(app, pilot) -> None:  # noqa: ANN001
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _statuses(database, meeting_id: int) -> dict[str, Attendance]:  # noqa: ANN001
    return {row.name: row.status for row in attendance.attendance(database, meeting_id)}


# --------------------------------------------------------------------------- attendance


async def test_attendance_lists_invitees_by_agency(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        table = app.screen.query_one(DataTable)
        rows = attendance.attendance(meeting_db.db, meeting_db.third)
        assert table.row_count == len(rows) == 14
        shown = [table.get_row_at(i) for i in range(table.row_count)]
        # The agency shows on the first row of its group only.
        assert [str(r[0]) for r in shown if str(r[0])] == list(dict.fromkeys(r.agency for r in rows))
        assert [str(r[1]) for r in shown] == [r.name for r in rows]
        assert {str(r[2]) for r in shown} == {"—"}
        summary = str(app.screen.query_one("#attendance-summary").render())
        assert summary == "0 present · 0 remote · 0 absent · 14 not marked"


async def test_marking_attendance_moves_down_and_is_saved(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        table = app.screen.query_one(DataTable)
        await pilot.press("p", "p", "r", "a")
        assert table.cursor_row == 4
        await pilot.press("k", "p")  # back up and correct: the absent one is here after all
        assert table.cursor_row == 4
        summary = str(app.screen.query_one("#attendance-summary").render())
        assert summary == "3 present · 1 remote · 0 absent · 10 not marked"
        assert str(table.get_row_at(2)[2]) == "remote"
        # The column widens to the word marked: "present" is never cut to "presen" on screen.
        assert table.columns["status"].get_render_width(table) >= len("present") + 2 * table.cell_padding
    rows = attendance.attendance(meeting_db.db, meeting_db.third)
    assert [r.status for r in rows[:5]] == [
        Attendance.present, Attendance.present, Attendance.remote, Attendance.present, Attendance.invited,
    ]


async def test_a_walk_in_is_added_with_keystrokes_only(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        await pilot.press("w")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"Ofc. T. Walker", "enter")
        await pilot.press("R", "M", "right")  # accept the suggested agency
        agency = app.screen.query_one("#f-agency", Input)
        assert agency.value == "RMPD"
        await pilot.press("enter", "enter")  # no role
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 15
        row = table.get_row_at(table.cursor_row)
        assert str(row[1]).startswith("Ofc. T. Walker") and "walk-in" in str(row[1])
        assert str(row[2]) == "present"
    walk_in = next(r for r in attendance.attendance(meeting_db.db, meeting_db.third) if r.name == "Ofc. T. Walker")
    assert (walk_in.agency, walk_in.status, walk_in.walk_in, walk_in.role) == ("RMPD", Attendance.present, True, None)


async def test_a_closed_meetings_attendance_keys_say_why_they_do_nothing(meeting_db) -> None:  # noqa: ANN001
    from vip_tui.screens.base import CLOSED_MEETING

    db = meeting_db.db
    meetings.close_meeting(db, meeting_db.third, version=None)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        for key in ("p", "r", "a", "w"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert [n.message for n in app._notifications] == [CLOSED_MEETING], key  # noqa: SLF001
        assert not isinstance(app.screen, FormDialog)
    assert set(_statuses(db, meeting_db.third).values()) == {Attendance.invited}


async def test_a_closed_meetings_old_business_keys_say_why_they_do_nothing(meeting_db) -> None:  # noqa: ANN001
    from vip_tui.screens.base import CLOSED_MEETING

    db = meeting_db.db
    meetings.close_meeting(db, meeting_db.third, version=None)
    before = [(r.kind, r.id, r.status, r.outcome) for r in old_business.old_business(db, meeting_db.third)]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        for key in ("d", "x", "s", "o"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert [n.message for n in app._notifications] == [CLOSED_MEETING], key  # noqa: SLF001
            assert not isinstance(app.screen, (FormDialog, ConfirmDialog)), key
    assert [(r.kind, r.id, r.status, r.outcome) for r in old_business.old_business(db, meeting_db.third)] == before


async def test_a_walk_in_from_an_unknown_agency_adds_the_agency(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        await pilot.press("w", *"M. Ortiz", "enter", *"HUD", "enter", *"Housing liaison", "enter")
        await _settle(app, pilot)
    assert "HUD" in attendance.agency_short_names(meeting_db.db)
    walk_in = next(r for r in attendance.attendance(meeting_db.db, meeting_db.third) if r.name == "M. Ortiz")
    assert (walk_in.agency, walk_in.role) == ("HUD", "Housing liaison")


async def test_a_known_attendee_walking_in_with_another_role_gets_it_and_is_told(meeting_db) -> None:  # noqa: ANN001
    """Issue 13: the stored role is not kept silently; the change is audited and the screen says so."""
    from vip_tui.models import Attendee, AuditLog

    # Known from the first meeting, where he walked in as a patrol officer.
    attendance.add_walk_in(meeting_db.db, meeting_db.first, "Ofc. T. Walker", "RMPD", "Patrol, Southeast")
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        await pilot.press("w", *"ofc. t.  walker", "enter", *"rmpd", "enter", *"Sergeant, Gun Violence Unit", "enter")
        await _settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("role updated from Patrol, Southeast to Sergeant, Gun Violence Unit" in m for m in messages), messages
    walk_in = next(r for r in attendance.attendance(meeting_db.db, meeting_db.third) if r.name == "Ofc. T. Walker")
    assert (walk_in.role, walk_in.status, walk_in.walk_in) == ("Sergeant, Gun Violence Unit", Attendance.present, True)
    with meeting_db.db.session() as s:
        attendee = s.exec(select(Attendee).where(Attendee.name == "Ofc. T. Walker")).one()  # one person, not two
        audit = s.exec(
            select(AuditLog).where(AuditLog.entity == "attendee", AuditLog.entity_id == str(attendee.id))
        ).all()
    assert [a.action.value for a in audit] == ["create", "update"]
    assert "Sergeant, Gun Violence Unit" in str(audit[-1].changes)
    # A walk-in who gives no role keeps the stored one, and nothing is said about it.
    row = attendance.add_walk_in(meeting_db.db, meeting_db.third, "Ofc. T. Walker", "RMPD", "  ")
    assert (row.role, row.role_was) == ("Sergeant, Gun Violence Unit", None)


async def test_a_walk_in_needs_a_name_and_an_agency(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        await pilot.press("w", "ctrl+s")
        assert isinstance(app.screen, FormDialog)
        error = str(app.screen.query_one("#form-error").render())
        assert "Name: required" in error and "Agency: required" in error
        await pilot.press("escape")
        await _settle(app, pilot)
        assert app.screen.query_one(DataTable).row_count == 14


# --------------------------------------------------------------------------- old business


async def test_old_business_shows_what_is_open_with_days_overdue(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(3)}
        kind, what, owner, due, overdue, status, outcome = rows["1-1"][1:]
        assert (kind, due, overdue, status, outcome) == ("action item", "2026-11-12", "12 d", "open", "")
        assert what.startswith("Pull the ShotSpotter audio") and owner.startswith("RMPD / Det.")
        assert rows["1-2"][5] == ""  # due next week: not overdue
        assert rows["1-3"][1:3] == ["notification", meeting_db.person]
        assert rows["1-3"][5] == "7 d"
        summary = str(app.screen.query_one("#old-summary").render())
        assert summary == "3 open from earlier meetings · 2 overdue · 0 closed here"


async def test_done_closes_an_action_item_in_this_meeting(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("d")
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3  # still shown, marked
        assert str(table.get_row_at(0)[6]) == "done"
        assert str(table.get_row_at(0)[5]) == "closed here"  # instead of "12 d"
        summary = str(app.screen.query_one("#old-summary").render())
        assert summary == "2 open from earlier meetings · 1 overdue · 1 closed here"
    with meeting_db.db.session() as s:
        action = s.get(ActionItem, meeting_db.overdue_action)
        assert action.status == ActionStatus.done
        assert action.closed_in_meeting_id == meeting_db.third


async def test_done_is_refused_for_a_notification(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("j", "j", "d")
        await _settle(app, pilot)
        assert any("press s" in str(n.message) for n in app._notifications)
    with meeting_db.db.session() as s:
        assert s.get(Notification, meeting_db.notification).status == NotificationStatus.proposed


async def test_set_status_offers_only_allowed_notification_steps(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("j", "j", "s")
        assert isinstance(app.screen, FormDialog)
        select = app.screen.query_one("#f-status", Select)
        offered = [value for _label, value in select._options if value is not Select.NULL]
        assert offered == ["approved", "cancelled"]  # not "delivered": a proposed one must be approved first
        # Open the list, choose "approved" (the first offer): the outcome is next; write it, save.
        await pilot.press("enter", "down", "enter")
        assert select.value == "approved"
        await pilot.pause()
        assert app.focused is app.screen.query_one("#f-outcome", Input)
        await pilot.press(*"approved by the lieutenant", "enter")
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(2)[6]) == "approved"
        assert str(table.get_row_at(2)[7]).startswith("approved by the")
    with meeting_db.db.session() as s:
        n = s.get(Notification, meeting_db.notification)
        assert (n.status, n.outcome, n.closed_in_meeting_id) == (
            NotificationStatus.approved, "approved by the lieutenant", None,
        )


def test_the_service_refuses_a_notification_step_that_is_not_allowed(meeting_db) -> None:  # noqa: ANN001
    with pytest.raises(guard.ServiceError, match="cannot become delivered"):
        old_business.set_notification_status(
            meeting_db.db, meeting_db.notification, NotificationStatus.delivered, in_meeting_id=meeting_db.third, version=None
        )
    with meeting_db.db.session() as s:
        assert s.get(Notification, meeting_db.notification).status == NotificationStatus.proposed


async def test_outcome_is_saved_without_changing_the_status(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("j", "o", *"lab backlog, two more weeks", "enter")
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 1
        assert str(table.get_row_at(1)[7]).startswith("lab backlog")
        assert "Outcome: lab backlog, two more weeks" in str(app.screen.query_one("#old-detail").render())
    with meeting_db.db.session() as s:
        action = s.get(ActionItem, meeting_db.later_action)
        assert (action.status, action.outcome, action.closed_in_meeting_id) == (
            ActionStatus.open, "lab backlog, two more weeks", None,
        )


async def test_drop_cancels_a_notification_at_once_and_u_brings_it_back(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("j", "j", "x")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)  # no question: u is the way back
        with meeting_db.db.session() as s:
            n = s.get(Notification, meeting_db.notification)
            assert (n.status, n.closed_in_meeting_id) == (NotificationStatus.cancelled, meeting_db.third)
        await pilot.press("u")
        await _settle(app, pilot)
        assert any(str(n.message) == "Undone: 1-3 cancelled" for n in app._notifications)
        assert str(app.screen.query_one(DataTable).get_row_at(2)[6]) == "proposed"
    with meeting_db.db.session() as s:
        n = s.get(Notification, meeting_db.notification)
        assert (n.status, n.closed_at, n.closed_in_meeting_id) == (NotificationStatus.proposed, None, None)


async def test_old_business_masks_names_while_presenting(meeting_db) -> None:  # noqa: ANN001
    from vip_tui.names import initials

    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "old_business")
        await pilot.press("f2")
        await pilot.press("j", "j")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(2)[2]) == initials(meeting_db.person)
        detail = str(app.screen.query_one("#old-detail").render())
        assert meeting_db.person not in detail and initials(meeting_db.person) in detail


async def test_nothing_carried_over_says_so(meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.first, "old_business")
        empty = app.screen.query_one("#old-empty")
        assert empty.display
        assert "Nothing carried over from earlier meetings." in str(empty.render())


# --------------------------------------------------------------------------- wrap-up and closing


async def test_wrap_up_warns_and_closing_makes_the_meeting_read_only(meeting_db) -> None:  # noqa: ANN001
    db = meeting_db.db
    decisions_svc.add_action_item(db, meeting_db.third, "Canvass the block for video")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "wrap_up")
        warnings = str(app.screen.query_one("#wrap-warnings").render())
        assert "action item 3-1 has no owner" in warnings
        assert "action item 3-1 has no due date" in warnings
        assert "6 cases were not discussed (still pending): 26-" in warnings
        assert app.screen.query_one("#wrap-warnings").border_title == "Warnings (8)"  # 2 + 6 cases pending
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmDialog)
        assert "8 warnings" in app.screen.question
        await pilot.press("y")
        await _settle(app, pilot)
        assert "Closed at 09:30 — read-only" in str(app.screen.query_one("#wrap-state").render())
        assert app.screen.check_action("close", ()) is None  # greyed
        before = _statuses(db, meeting_db.third)
        await pilot.press("1")
        await _settle(app, pilot)
        assert app.screen.STAGE == "attendance"
        assert app.screen.check_action("mark", ("present",))  # shown, and says why it does nothing (issue 13)
        await pilot.press("p", "w")
        await _settle(app, pilot)
        assert not isinstance(app.screen, FormDialog)
        assert "read-only" in str(app.screen.query_one("#attendance-state").render())
    assert meetings.get_meeting(db, meeting_db.third).status == MeetingStatus.closed
    assert _statuses(db, meeting_db.third) == before
    first = attendance.attendance(db, meeting_db.third)[0]
    with pytest.raises(guard.MeetingClosed):
        attendance.set_attendance(db, first.id, Attendance.present, version=None)


async def test_a_change_refused_by_the_service_is_shown(meeting_db) -> None:  # noqa: ANN001
    """Another instance closed the meeting while this screen still showed it open."""
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "attendance")
        meetings.close_meeting(meeting_db.db, meeting_db.third, version=None)
        await pilot.press("p")
        await pilot.pause()
        assert any(n.severity == "error" and "is closed" in n.message for n in app._notifications)
        assert app.screen.query_one(DataTable).cursor_row == 0
    assert set(_statuses(meeting_db.db, meeting_db.third).values()) == {Attendance.invited}


async def test_wrap_up_without_loose_ends_says_no_warnings(meeting_db) -> None:  # noqa: ANN001
    db = meeting_db.db
    for row in items.agenda(db, meeting_db.third):
        items.mark_item(db, row.id, ReviewStatus.discussed, version=None)
    decisions_svc.add_action_item(db, meeting_db.third, "Share the flyer", owner_agency="CVI", due_date=dt.date(2026, 11, 27))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "wrap_up")
        assert str(app.screen.query_one("#wrap-warnings").render()) == "No warnings"
        await pilot.press("c")
        assert "Nothing is unassigned or undated" in app.screen.question
        await pilot.press("n")
        await _settle(app, pilot)
    assert meetings.get_meeting(db, meeting_db.third).status != MeetingStatus.closed


async def test_wrap_up_masks_names_while_presenting(meeting_db) -> None:  # noqa: ANN001
    from vip_tui.names import initials

    db = meeting_db.db
    item = items.agenda(db, meeting_db.third)[0]
    person = items.item_detail(db, item.id, with_history=False).persons[1]  # [0]: the homicide victim
    decisions_svc.propose_notification(db, meeting_db.third, person.person_id, reasons="shot at twice", team_officer="Ofc. M. Duran")
    decisions_svc.add_referral(db, person.person_id, "Peer support", meeting_id=meeting_db.third)
    old_business.set_notification_status(db, meeting_db.notification, NotificationStatus.cancelled, "moved away",
                                   in_meeting_id=meeting_db.third, version=None)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "wrap_up")
        decisions = app.screen.query_one("#decisions", DataTable)
        assert str(decisions.get_row_at(0)[2]) == f"Notify {person.name}: shot at twice"
        await pilot.press("f2")
        await pilot.pause()
        shown = [str(decisions.get_row_at(i)[2]) for i in range(decisions.row_count)]
        assert shown == [f"Notify {initials(person.name)}: shot at twice", f"Refer {initials(person.name)} to Peer support"]
        closed = app.screen.query_one("#closed-old", DataTable)
        assert str(closed.get_row_at(0)[2]) == f"Custom notification: {initials(meeting_db.person)}"


def _resolve_release_review(meeting_db) -> None:  # noqa: ANN001
    """What the release review would do (tests/test_tui_release.py drives it): release the clean, withhold the rest."""
    from vip_tui.services import release

    release.release_all_clean(meeting_db.db, meeting_db.third)
    for p in release.unresolved(meeting_db.db, meeting_db.third):
        release.withhold(meeting_db.db, meeting_db.third, p.key, version=p.version)


async def test_export_writes_both_minutes(meeting_db, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from tests.export_helpers import release_for_partners
    from vip_tui.models import Dissemination

    release_for_partners(meeting_db.db, dt.date(2026, 11, 24))  # the release review done (issue 11)
    out = tmp_path / "Documents" / "vip"  # the documents folder, not there yet: the dialog makes it
    monkeypatch.setenv("VIP_DOCUMENTS_DIR", str(out))
    monkeypatch.chdir(tmp_path)
    _resolve_release_review(meeting_db)
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "wrap_up")
        await pilot.press("e")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"US", "right", "enter")  # USAO, accepted from the suggestion
        await pilot.press(*"CV", "right", "enter")  # the community partner gets the redacted version
        folder = app.screen.query_one("#f-folder", Input)
        assert folder.value == str(out)  # by default the documents folder, never the current one (issue 13)
        await pilot.press("enter")
        await _settle(app, pilot)
        messages = [n.message for n in app._notifications]
        written = next(m for m in messages if m.startswith("Minutes written"))
        assert f"full: {out / 'minutes-2026-11-24-full.docx'}" in written  # the full path, to find the file
    assert not list(tmp_path.glob("*.docx"))
    files = sorted(p.name for p in out.glob("*.docx"))
    assert files == ["minutes-2026-11-24-full.docx", "minutes-2026-11-24-partner.docx"]
    with meeting_db.db.session() as s:
        sent = {d.audience.value: d.receiving_agency_id for d in s.exec(select(Dissemination)).all()}
        agencies = {a.id: a.short_name for a in s.exec(select(Agency)).all()}
    assert {audience: agencies[i] for audience, i in sent.items()} == {"full": "USAO", "partner": "CVI"}


# --------------------------------------------------------------------------- keys and help


@pytest.mark.parametrize("stage", ["attendance", "old_business", "wrap_up"])
async def test_every_key_is_in_help(meeting_db, stage: str) -> None:  # noqa: ANN001
    from vip_tui.screens.help import screen_keys

    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, stage)
        screen = app.screen
        listed = {description for _keys, description in screen_keys(screen)}
        for _key, bindings in screen._bindings.key_to_bindings.items():
            for b in bindings:
                if b.description:
                    assert b.description in listed, b
        assert {"Help", "Back", "Attendance", "Wrap-up"} <= listed
        own = [b for b in type(screen).BINDINGS if isinstance(b, Binding)]
        assert own and all(b.id and b.description for b in own)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


# --------------------------------------------------------------------------- looks


def _snap(app, meeting_id: int, stage: str, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open(app, pilot, meeting_id, stage)
        if keys:
            await pilot.press(*keys)
            await _settle(app, pilot)
        # The footer recomposes after the bindings settle (focus, read-only state).
        await pilot.pause()
        await pilot.pause()
        await tables_drawn(pilot)

    return run_before


def test_attendance_looks_right(snap_compare, meeting_db) -> None:  # noqa: ANN001
    db = meeting_db.db
    rows = attendance.attendance(db, meeting_db.third)
    marks = [Attendance.present] * 9 + [Attendance.remote] * 2 + [Attendance.absent]
    for row, mark in zip(rows, marks):
        attendance.set_attendance(db, row.id, mark, version=None)
    attendance.add_walk_in(db, meeting_db.third, "Ofc. T. Walker", "RMPD", "Patrol, Southeast")
    app = make_app(db)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, meeting_db.third, "attendance"))


def test_attendance_looks_right_at_80x24(snap_compare, meeting_db) -> None:  # noqa: ANN001
    """The status stays on screen at 80 columns, however long a role is (the role is cut instead)."""
    db = meeting_db.db
    attendance.add_walk_in(db, meeting_db.third, "Ofc. T. Walker", "RMPD",
                       "Patrol, Southeast Area Command, covering the violent crimes section this week")
    rows = attendance.attendance(db, meeting_db.third)
    for row, mark in zip(rows, [Attendance.present, Attendance.remote, Attendance.absent]):
        attendance.set_attendance(db, row.id, mark, version=None)
    app = make_app(db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, meeting_db.third, "attendance"))


def test_walk_in_dialog_looks_right(snap_compare, meeting_db) -> None:  # noqa: ANN001
    app = make_app(meeting_db.db)
    assert snap_compare(
        app, terminal_size=SIZE,
        run_before=_snap(app, meeting_db.third, "attendance", "w", *"Ofc. T. Walker", "enter", "R", "M"),
    )


def test_old_business_looks_right(snap_compare, meeting_db) -> None:  # noqa: ANN001
    old_business.set_action_status(
        meeting_db.db, meeting_db.later_action, ActionStatus.done, "lab confirmed the match",
        in_meeting_id=meeting_db.third, version=None,
    )
    app = make_app(meeting_db.db)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, meeting_db.third, "old_business"))


def test_wrap_up_looks_right(snap_compare, meeting_db) -> None:  # noqa: ANN001
    db = meeting_db.db
    for row in items.agenda(db, meeting_db.third):
        items.mark_item(db, row.id, ReviewStatus.discussed, version=None)
    item = items.agenda(db, meeting_db.third)[0]
    person = items.item_detail(db, item.id, with_history=False).persons[1]  # [0]: the homicide victim
    decisions_svc.add_action_item(db, meeting_db.third, "Canvass the block for doorbell video", incident_id=item.incident_id,
                           owner_agency="RMPD", owner_name="Det. R. Quintana", due_date=dt.date(2026, 11, 27))
    decisions_svc.propose_notification(db, meeting_db.third, person.person_id, incident_id=item.incident_id,
                                reasons="shot at twice in a month", team_officer="Ofc. M. Duran",
                                team_outreach="J. Lucero (Puente)", due_date=dt.date(2026, 11, 26))
    decisions_svc.add_referral(db, person.person_id, "Peer support", provider="Puente Peacekeepers",
                        meeting_id=meeting_db.third, incident_id=item.incident_id)
    old_business.set_action_status(db, meeting_db.overdue_action, ActionStatus.done, "audio sent to the detective",
                             in_meeting_id=meeting_db.third, version=None)
    app = make_app(db)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, meeting_db.third, "wrap_up"))


def test_wrap_up_with_warnings_looks_right(snap_compare, meeting_db) -> None:  # noqa: ANN001
    db = meeting_db.db
    rows = items.agenda(db, meeting_db.third)
    for row in rows[:4]:
        items.mark_item(db, row.id, ReviewStatus.discussed, version=None)
    decisions_svc.add_action_item(db, meeting_db.third, "Canvass the block for doorbell video")
    decisions_svc.add_action_item(db, meeting_db.third, "Ask probation about the curfew check", owner_agency="PPD")
    app = make_app(db)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, meeting_db.third, "wrap_up"))


async def test_an_export_refusal_is_shown_and_nothing_is_written(meeting_db, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from vip_tui.export import minutes
    from vip_tui.export.errors import Leak, LeakError

    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise LeakError("partner minutes", [Leak("a person's name", "section 2")])

    monkeypatch.setattr(minutes, "export_minutes", refuse)
    _resolve_release_review(meeting_db)
    app = make_app(meeting_db.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, meeting_db.third, "wrap_up")
        await pilot.press("e")
        app.screen.query_one("#f-folder", Input).value = str(tmp_path)
        await pilot.press(*"NOPE", "enter", "enter", "enter")  # an agency nobody knows: refused in the form
        assert isinstance(app.screen, FormDialog)
        assert "unknown agency" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#f-to_full", Input).value = ""
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("refused to write the partner minutes" in m for m in errors), errors
    assert not list(tmp_path.glob("*.docx"))


def test_old_business_looks_right_at_80x24(snap_compare, meeting_db) -> None:  # noqa: ANN001
    """A narrow terminal: Kind and Outcome move to the detail lines, What keeps its room."""
    old_business.set_action_status(
        meeting_db.db, meeting_db.later_action, ActionStatus.done, "lab confirmed the match",
        in_meeting_id=meeting_db.third, version=None,
    )
    app = make_app(meeting_db.db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, meeting_db.third, "old_business"))
