"""Correcting and removing decisions from the keyboard (issue 13 items 1 and 7), the database read back each time.

The sample agendas: item 1 of the 2026-11-24 meeting is the homicide 26-0091044 (its first person the
victim, killed); item 2, 26-0091097, has a victim who survived. All names are fictional.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import OptionList

from tests.tui_helpers import meeting_id, sample_database, settle, tables_drawn, type_text
from vip_tui.app import make_app
from vip_tui.models import ActionItem, AuditLog, Notification, Referral
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.review import ReviewScreen
from vip_tui.screens.wrap_up import WrapUpScreen
from vip_tui.services import decisions as decisions_svc
from vip_tui.services import guard, items, meetings
from vip_tui.widgets.decisions import DecisionList
from vip_tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (120, 36)


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    meetings.start_meeting(db, meeting_id(db), version=None)
    yield db
    db.dispose()


def _first_item(database):  # noqa: ANN001, ANN202
    item = items.agenda(database, meeting_id(database))[0]
    return item, items.item_detail(database, item.id, with_history=False)


def _audit(database, table: str, row_id: int) -> list[str]:  # noqa: ANN001
    with database.session() as s:
        return [a.action.value for a in s.exec(
            select(AuditLog).where(AuditLog.entity == table, AuditLog.entity_id == str(row_id)).order_by(AuditLog.id)
        ).all()]


async def _review(app, pilot) -> ReviewScreen:  # noqa: ANN001
    app.open_stage(meeting_id(app.db), "review")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def _notes(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


async def test_from_the_review_a_due_date_is_corrected_and_a_referral_removed(database) -> None:  # noqa: ANN001
    mid = meeting_id(database)
    item, detail = _first_item(database)
    action = decisions_svc.add_action_item(database, mid, "Pull doorbell video", incident_id=item.incident_id, owner_agency="RMPD")
    referral = decisions_svc.add_referral(database, detail.persons[4].person_id, "housing", meeting_id=mid,
                                incident_id=item.incident_id)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot)
        decisions = screen.query_one("#decisions", DecisionList)
        decisions.focus()  # (reaching it by tab is the review layout's part of issue 13)
        await pilot.press("enter")  # the highlighted decision: the action item
        assert isinstance(app.screen, FormDialog) and "Edit action item 3-1" in app.screen.form_title
        await pilot.press("enter", "enter", "enter")  # description, agency, owner kept
        await type_text(pilot, "2026-12-04")
        await pilot.press("enter")  # the last field saves
        await settle(pilot)
        assert "3-1 Pull doorbell video  (RMPD · due 2026-12-04 · open)" in str(decisions.render())
        await pilot.press("down", "x")
        assert isinstance(app.screen, ConfirmDialog) and "the referral of" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert "Refer " not in str(decisions.render())
    with database.session() as s:
        stored = s.get(ActionItem, action.id)
        assert (stored.description, stored.owner_agency_id is not None, stored.due_date) == (
            "Pull doorbell video", True, dt.date(2026, 12, 4),
        )
        assert s.exec(select(Referral)).all() == []
    assert _audit(database, "action_item", action.id) == ["create", "update"]
    assert _audit(database, "referral", referral.id) == ["create", "delete"]


async def test_a_decision_with_a_history_is_not_removed_and_the_review_says_why(database) -> None:  # noqa: ANN001
    from vip_tui.enums import AttemptResult
    from vip_tui.services import notifications

    mid = meeting_id(database)
    item, detail = _first_item(database)
    n = decisions_svc.propose_notification(database, mid, detail.persons[1].person_id, incident_id=item.incident_id)
    notifications.record_attempt(database, n.id, result=AttemptResult.not_home,
                                 attempted_at=dt.datetime(2026, 11, 24, 8))
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot)
        screen.query_one("#decisions", DecisionList).focus()
        await pilot.press("x", "y")
        await settle(pilot)
        assert any("Not removed" in m and "a team has tried to deliver it" in m for m in _notes(app))
    with database.session() as s:
        assert s.get(Notification, n.id) is not None


async def test_from_the_wrap_up_enter_on_has_no_team_fixes_it(database) -> None:  # noqa: ANN001
    mid = meeting_id(database)
    item, detail = _first_item(database)
    n = decisions_svc.propose_notification(database, mid, detail.persons[1].person_id, incident_id=item.incident_id,
                                 due_date=dt.date(2026, 11, 27))
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_stage(mid, "wrap_up")
        await settle(pilot)
        assert isinstance(app.screen, WrapUpScreen)
        warnings = app.screen.query_one("#wrap-warnings", OptionList)
        lines = str(warnings.render()).splitlines()
        assert "• notification 3-1 has no team" in lines
        warnings.focus()
        await pilot.press(*["down"] * lines.index("• notification 3-1 has no team"), "enter")
        assert isinstance(app.screen, FormDialog) and "Edit custom notification 3-1" in app.screen.form_title
        await pilot.press("enter")  # the reasons kept; the person was chosen already
        await type_text(pilot, "Sgt. L. F")
        await pilot.press("right")  # an attendee of this meeting, suggested
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WrapUpScreen)
        assert "has no team" not in str(warnings.render())
    with database.session() as s:
        stored = s.get(Notification, n.id)
        assert (stored.team_officer, stored.due_date) == ("Sgt. L. Ferreira", dt.date(2026, 11, 27))
    assert _audit(database, "notification", n.id) == ["create", "update"]


async def test_from_the_wrap_up_a_pending_case_warning_opens_its_review(database) -> None:  # noqa: ANN001
    mid = meeting_id(database)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_stage(mid, "wrap_up")
        await settle(pilot)
        app.screen.query_one("#wrap-warnings", OptionList).focus()
        await pilot.press("enter")  # the only warning: six cases pending, the first of them
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.detail.incident.case_number == "26-0091044"


async def test_from_the_board_a_notification_is_corrected(database) -> None:  # noqa: ANN001
    mid = meeting_id(database)
    item, detail = _first_item(database)
    n = decisions_svc.propose_notification(database, mid, detail.persons[1].person_id, incident_id=item.incident_id,
                                 reasons="retaliation")
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotificationsScreen())
        await settle(pilot)
        await tables_drawn(pilot)
        app.screen.query_one("#nb-table").focus()
        await pilot.press("E")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # reasons kept
        await type_text(pilot, "Sgt. L. Ferreira")
        await pilot.press("enter", "enter", "enter")  # no voice, no outreach
        await type_text(pilot, "fri")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
    with database.session() as s:
        stored = s.get(Notification, n.id)
        assert (stored.reasons, stored.team_officer, stored.due_date) == (
            "retaliation", "Sgt. L. Ferreira", dt.date(2026, 11, 27),
        )


async def test_c_on_a_homicide_victim_is_refused_and_says_why(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _review(app, pilot)  # item 1, the homicide; the victim highlighted
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, (FormDialog, ConfirmDialog))
        assert any("is the homicide victim of 26-0091044" in m for m in _notes(app))
    with database.session() as s:
        assert s.exec(select(Notification)).all() == []


async def test_c_on_a_victim_asks_first_and_the_form_says_for_whom(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot)
        await pilot.press("n")  # item 2: its victim survived
        await settle(pilot)
        victim = screen.detail.persons[0]
        assert victim.role.value == "victim"
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmDialog)
        assert f"{victim.name} is the victim in this incident. Propose a notification for them?" == app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c", "y")
        assert isinstance(app.screen, FormDialog)
        assert f"Custom notification for {victim.name}" in app.screen.form_title
        await pilot.press("ctrl+s")
        await settle(pilot)
    with database.session() as s:
        [n] = s.exec(select(Notification)).all()
        assert n.person_id == victim.person_id


async def test_creating_still_takes_no_more_keys_than_before(database) -> None:  # noqa: ANN001
    """Issue 13: keys beyond typed text for an action item (6) and a notification (6-7) must not grow."""
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _review(app, pilot)
        action_keys = ["a", "enter", "right", "enter", "enter", "enter"]
        await pilot.press(action_keys[0])
        await type_text(pilot, "Pull video")
        await pilot.press(action_keys[1])
        await type_text(pilot, "RM")
        await pilot.press(*action_keys[2:4])
        await type_text(pilot, "Det. R. Q")
        await pilot.press(action_keys[4])
        await type_text(pilot, "+7")
        await pilot.press(action_keys[5])
        await settle(pilot)
        await pilot.press("tab", "down")  # onto the persons, the suspect (not a key of the notification)
        notification_keys = ["c", "enter", "enter", "enter", "enter", "enter"]
        await pilot.press(*notification_keys[:2])
        await type_text(pilot, "Sgt. L. Ferreira")
        await pilot.press(*notification_keys[2:5])
        await type_text(pilot, "fri")
        await pilot.press(notification_keys[5])
        await settle(pilot)
    assert len(action_keys) == 6 and len(notification_keys) == 6
    with database.session() as s:
        [action] = s.exec(select(ActionItem)).all()
        [n] = s.exec(select(Notification)).all()
    assert (action.owner_name, action.due_date) == ("Det. R. Q", dt.date(2026, 12, 1))
    assert (n.team_officer, n.due_date) == ("Sgt. L. Ferreira", dt.date(2026, 11, 27))


async def test_a_closed_meeting_says_why_its_decisions_are_not_edited(database) -> None:  # noqa: ANN001
    mid = meeting_id(database)
    item, _detail = _first_item(database)
    action = decisions_svc.add_action_item(database, mid, "Pull doorbell video", incident_id=item.incident_id)
    meetings.close_meeting(database, mid, version=None)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_stage(mid, "wrap_up")
        await settle(pilot)
        app.screen.query_one("#decisions").focus()
        await pilot.press("E")
        await pilot.press("x")
        assert isinstance(app.screen, WrapUpScreen)
        assert sum("corrected as amendments" in m for m in _notes(app)) == 2
        await pilot.press("3")
        await settle(pilot)
        app.screen.query_one("#decisions", DecisionList).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert sum("corrected as amendments" in m for m in _notes(app)) == 3
    with database.session() as s:
        assert s.get(ActionItem, action.id).description == "Pull doorbell video"


async def test_the_board_says_a_closed_meetings_notification_is_amended_not_edited(database) -> None:  # noqa: ANN001
    earlier = meeting_id(database, dt.date(2026, 11, 17))
    item = items.agenda(database, earlier)[0]
    person = next(p for p in items.item_detail(database, item.id, with_history=False).persons if p.role.value != "victim")
    decisions_svc.propose_notification(database, earlier, person.person_id, incident_id=item.incident_id, reasons="retaliation")
    meetings.close_meeting(database, earlier, version=None)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotificationsScreen())
        await settle(pilot)
        await tables_drawn(pilot)
        app.screen.query_one("#nb-table").focus()
        await pilot.press("E")
        assert isinstance(app.screen, NotificationsScreen)  # no form to fill in vain
        assert any("meeting of 2026-11-17, which is closed" in m and "amendment" in m for m in _notes(app))


async def test_a_refused_correction_opens_the_form_again_with_what_was_typed(database, monkeypatch) -> None:  # noqa: ANN001
    from vip_tui.services import decisions as dsvc

    mid = meeting_id(database)
    item, _detail = _first_item(database)
    action = decisions_svc.add_action_item(database, mid, "Pull doorbell video", incident_id=item.incident_id)
    real = dsvc.edit_decision
    refusals = iter([guard.ReviewError("refused for a reason the test gives")])

    def refuse_once(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        for exc in refusals:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(dsvc, "edit_decision", refuse_once)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot)
        screen.query_one("#decisions", DecisionList).focus()
        await pilot.press("E", "enter", "enter", "enter")
        await type_text(pilot, "2026-12-04")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # asked again, with what was typed
        assert app.screen.query_one("#f-due").value == "2026-12-04"
        assert any("Not saved: refused for a reason the test gives" in m for m in _notes(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    with database.session() as s:
        assert s.get(ActionItem, action.id).due_date == dt.date(2026, 12, 4)
