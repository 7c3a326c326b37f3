"""Every form keeps what is typed (issue 13 item 4).

Each form is filled field by field the two ways people move through a form:
with ``tab`` in one run and ``enter`` in the other. A choice in a list moves on
by itself; in the tab run a tab follows it anyway (what a tab user does) and
must not skip the next field. Pre-filled values are added to, not replaced.
The tab run checks that tab from the last field wraps to the first (never
"nowhere"), then saves with ctrl+s; the enter run saves with enter on the last
field. Then the database is read back (or the values the form handed over).

All names, case numbers and places are fictional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input

from tests.conftest import FIXED_NOW
from tests.tui_helpers import meeting_id, press_at_once, sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import ActionStatus, AttemptResult, NotificationStatus, ReferralStatus
from vip_tui.models import ActionItem, Meeting, Notification, Referral
from vip_tui.screens.meetings import MeetingsScreen
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.old_business import OldBusinessScreen
from vip_tui.screens.referrals import ReferralsScreen
from vip_tui.services import attendance as attendance_svc
from vip_tui.services import meetings as meetings_svc
from vip_tui.services import notifications as follow
from vip_tui.services import old_business
from vip_tui.widgets.dialogs import DISCARD_QUESTION, ConfirmDialog, Form, FormDialog

SIZE = (120, 36)
TODAY = FIXED_NOW.date()
WAYS = ["tab", "enter"]


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas with weeks 1 and 2 held (old business, boards) and week 3 under way."""
    db = sample_database(tmp_path, clock)
    seed_history(db)
    meetings_svc.start_meeting(db, meeting_id(db), version=None)
    yield db
    db.dispose()


@dataclass
class Step:
    """What is typed into one field: keys, or (choice) keys that open a list and choose in it."""

    keys: Sequence[str] = ()
    text: str = ""
    choice: bool = False


def typed(text: str, clear: bool = False) -> Step:
    return Step(("ctrl+u",) if clear else (), text)


def choose(*keys: str) -> Step:
    return Step(("enter", *keys, "enter"), choice=True)


async def fill(pilot, steps: Sequence[Step], way: str) -> None:  # noqa: ANN001
    """Fill the form on top field by field, moving on with ``way``, and save it."""
    app = pilot.app
    form = app.screen
    assert isinstance(form, Form)
    fields = form.field_widgets()
    start = fields.index(app.focused)  # a pre-chosen list (the highlighted person) is skipped
    assert len(fields) == start + len(steps), "a step for every field"
    for index, step in enumerate(steps, start):
        last = index == len(fields) - 1
        await pilot.press(*step.keys)
        if step.text:
            await type_text(pilot, step.text)
        await pilot.pause()
        if step.choice:
            if last:
                return  # a choice in the last field saves the form
            await pilot.pause()
            if way == "tab":
                await pilot.press("tab")  # the choice moved on already: this tab stays
            assert app.focused is fields[index + 1], (index, app.focused)
            continue
        if last and way == "tab":
            await pilot.press("tab")
            assert app.focused is fields[0]  # tab from the last field wraps, never lands nowhere
            await pilot.press("ctrl+s")
        else:
            await pilot.press(way)
            if not last:
                assert app.focused is fields[index + 1], (index, app.focused)


Opener = Callable[[Any, Any], Awaitable[None]]


async def on_board(app, pilot, screen=None, ref: str | None = None) -> None:  # noqa: ANN001
    await settle(pilot)
    app.push_screen(screen or NotificationsScreen())
    await settle(pilot)
    if ref is not None:
        table = app.screen.query_one("DataTable")
        refs = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        await pilot.press(*["j"] * refs.index(ref))
        await settle(pilot)


async def at_stage(app, pilot, stage: str) -> None:  # noqa: ANN001
    await settle(pilot)
    app.open_stage(meeting_id(app.db), stage)
    await settle(pilot)


def _notification(database, ref: str) -> follow.NotificationRow:  # noqa: ANN001
    return next(r for r in follow.load_notifications(database, today=TODAY) if r.ref == ref)


async def run_form(database, way: str, open_form: Opener, key: str, steps: Sequence[Step]) -> Any:  # noqa: ANN001
    """Open a form with ``key`` where ``open_form`` leaves the app, fill it, and return what it handed over."""
    app = make_app(database)
    handed: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await pilot.press(key)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, Form), form
        form._result_callbacks[-1]  # noqa: B018 - the form was pushed with a callback
        original = form.dismiss

        def dismiss(result: Any = None) -> Any:
            handed.append(result)
            return original(result)

        form.dismiss = dismiss  # type: ignore[method-assign]
        await fill(pilot, steps, way)
        await settle(pilot)
        assert not isinstance(app.screen, Form), str(app.screen.query_one("#form-error").render())
    assert handed and handed[-1] is not None
    return handed[-1]


# --------------------------------------------------------------------------- the review's decisions


async def _review(app, pilot) -> None:  # noqa: ANN001
    await at_stage(app, pilot, "review")


async def _review_at_a_non_victim(app, pilot) -> None:  # noqa: ANN001
    """The review with a person highlighted who may be notified (item 1's victim was killed: refused)."""
    await _review(app, pilot)
    persons = app.screen.detail.persons
    app.screen.query_one("#persons").highlighted = next(i for i, p in enumerate(persons) if p.role.value != "victim")
    await settle(pilot)


@pytest.mark.parametrize("way", WAYS)
async def test_action_item_form(database, way: str) -> None:  # noqa: ANN001
    await run_form(database, way, _review, "a", [
        typed("Canvass the 1400 block"), typed("RMPD"), typed("Det. Z. Example"), typed("2026-12-04"),
    ])
    with database.session() as s:
        action = s.exec(select(ActionItem).where(ActionItem.description == "Canvass the 1400 block")).one()
        assert (action.owner_agency.short_name, action.owner_name, action.due_date) == (
            "RMPD", "Det. Z. Example", dt.date(2026, 12, 4))


@pytest.mark.parametrize("way", WAYS)
async def test_notification_form(database, way: str) -> None:  # noqa: ANN001
    # The person is pre-chosen (the highlighted one): the form starts at the reasons, pre-filled.
    await run_form(database, way, _review_at_a_non_victim, "c", [
        typed("; named by a witness"), typed("Ofc. Q. Example"), typed("Rev. Q. Example"), typed("P. Example"),
        typed("fri"),
    ])
    with database.session() as s:
        n = s.exec(select(Notification).where(Notification.team_officer == "Ofc. Q. Example")).one()
        assert n.reasons.endswith("; named by a witness") and len(n.reasons) > len("; named by a witness")
        assert (n.team_community_voice, n.team_outreach, n.due_date) == (
            "Rev. Q. Example", "P. Example", dt.date(2026, 11, 27))


@pytest.mark.parametrize("way", WAYS)
async def test_review_referral_form(database, way: str) -> None:  # noqa: ANN001
    await run_form(database, way, _review, "r", [typed("job training"), typed("Example Works")])
    with database.session() as s:
        r = s.exec(select(Referral).where(Referral.provider == "Example Works")).one()
        assert (r.service, r.status) == ("job training", ReferralStatus.offered)


@pytest.mark.parametrize("way", WAYS)
async def test_jump_form(database, way: str) -> None:  # noqa: ANN001
    values = await run_form(database, way, _review, "g", [typed("3")])
    assert values == {"target": "3"}


# --------------------------------------------------------------------------- attendance and old business


@pytest.mark.parametrize("way", WAYS)
async def test_walk_in_form(database, way: str) -> None:  # noqa: ANN001
    async def attendance(app, pilot) -> None:  # noqa: ANN001
        await at_stage(app, pilot, "attendance")

    await run_form(database, way, attendance, "w", [typed("Q. Walker"), typed("RMPD"), typed("Crime analyst")])
    row = next(r for r in attendance_svc.attendance(database, meeting_id(database)) if r.name == "Q. Walker")
    assert (row.agency, row.role, row.walk_in) == ("RMPD", "Crime analyst", True)


async def _old_business(app, pilot) -> None:  # noqa: ANN001
    await at_stage(app, pilot, "old_business")
    assert isinstance(app.screen, OldBusinessScreen)


def _first_open_action(database) -> old_business.OldBusinessRow:  # noqa: ANN001
    return next(r for r in old_business.old_business(database, meeting_id(database)) if r.kind == "action")


@pytest.mark.parametrize("way", WAYS)
async def test_old_business_status_form(database, way: str) -> None:  # noqa: ANN001
    row = _first_open_action(database)
    # Under the blank (keeps the status), the other statuses first: done is the first.
    await run_form(database, way, _old_business, "s", [choose("down"), typed("Canvassed; two witnesses")])
    with database.session() as s:
        action = s.get(ActionItem, row.id)
        assert (action.status, action.outcome) == (ActionStatus.done, "Canvassed; two witnesses")


@pytest.mark.parametrize("way", WAYS)
async def test_old_business_outcome_form(database, way: str) -> None:  # noqa: ANN001
    row = _first_open_action(database)
    await run_form(database, way, _old_business, "o", [typed(" (lab backlog)")])
    with database.session() as s:
        action = s.get(ActionItem, row.id)
        assert action.outcome == f"{row.outcome or ''} (lab backlog)".strip() and action.status == ActionStatus.open


async def test_done_without_an_outcome_is_refused_naming_the_field(database) -> None:  # noqa: ANN001
    row = _first_open_action(database)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _old_business(app, pilot)
        await pilot.press("s", "enter", "down", "enter", "ctrl+s")  # done, no outcome
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Outcome: required when it becomes done" in str(app.screen.query_one("#form-error").render())
    with database.session() as s:
        assert s.get(ActionItem, row.id).status == ActionStatus.open


async def test_old_business_done_then_u_restores(database) -> None:  # noqa: ANN001
    row = _first_open_action(database)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _old_business(app, pilot)
        screen = app.screen
        assert screen.current_row().id == row.id
        await pilot.press("d")
        await settle(pilot)
        with database.session() as s:
            assert s.get(ActionItem, row.id).status == ActionStatus.done
        await pilot.press("u")
        await settle(pilot)
        assert any(str(n.message) == f"Undone: {row.ref} done" for n in app._notifications)
        assert screen.current_row().status == "open"
        await pilot.press("u")  # nothing more was changed here
        await settle(pilot)
        assert any(str(n.message).startswith("Nothing to undo") for n in app._notifications)
    with database.session() as s:
        action = s.get(ActionItem, row.id)
        assert (action.status, action.closed_at, action.closed_in_meeting_id) == (ActionStatus.open, None, None)


# --------------------------------------------------------------------------- the notification board


@pytest.mark.parametrize("way", WAYS)
async def test_attempt_form(database, way: str) -> None:  # noqa: ANN001
    before = _notification(database, "1-9")

    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="1-9")

    await run_form(database, way, board, "t", [
        choose("down"),  # delivered
        typed("2026-11-23 18:10", clear=True), typed(" & P. Example"), Step(("space",)), Step(("space",)),
        typed("at the hospital"),
    ])
    row = _notification(database, "1-9")
    last = row.last_attempt
    assert len(row.attempts) == len(before.attempts) + 1
    assert (last.attempted_at, last.result, last.by, last.letter_left, last.door_hanger_left, last.note) == (
        dt.datetime(2026, 11, 23, 18, 10), AttemptResult.delivered, f"{before.team} & P. Example", True, True,
        "at the hospital")


async def test_the_attempt_reported_keeps_the_team_and_the_note_apart(database) -> None:  # noqa: ANN001
    """The report: t, choose the result, tab, type the note: the note's words became the team member."""
    before = _notification(database, "1-9")
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await on_board(app, pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter", "enter", "tab")  # not home; then tab as if the choice had not moved on
        await type_text(pilot, "at the hospital")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The words went into When (the field after Result), after its value: refused, naming it, nothing lost.
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#f-when", Input).value == "2026-11-24 09:30at the hospital"
        assert app.screen.query_one("#f-by", Input).value == before.team
        assert str(app.screen.query_one("#form-error").render()).startswith("When:")
    assert len(_notification(database, "1-9").attempts) == len(before.attempts)


@pytest.mark.parametrize("way", WAYS)
async def test_board_status_form(database, way: str) -> None:  # noqa: ANN001
    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="2-4")  # approved: assigned or cancelled

    await run_form(database, way, board, "s", [choose(), typed("team set")])
    row = _notification(database, "2-4")
    assert (row.status, row.outcome) == (NotificationStatus.assigned, "team set")


@pytest.mark.parametrize("way", WAYS)
async def test_board_close_form(database, way: str) -> None:  # noqa: ANN001
    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="1-9")

    await run_form(database, way, board, "c", [
        choose("down", "down", "down"), typed("Moved out of state"), typed("relocation"), typed("relocation"),
    ])
    row = _notification(database, "1-9")
    assert (row.status, row.outcome, row.services_offered, row.services_accepted) == (
        NotificationStatus.not_located, "Moved out of state", "relocation", "relocation")


@pytest.mark.parametrize("way", WAYS)
async def test_board_services_form(database, way: str) -> None:  # noqa: ANN001
    before = _notification(database, "1-7")

    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="1-7")

    await run_form(database, way, board, "v", [typed(", housing"), typed("mentoring")])
    row = _notification(database, "1-7")
    assert (row.services_offered, row.services_accepted) == (f"{before.services_offered}, housing", "mentoring")


@pytest.mark.parametrize("way", WAYS)
async def test_board_outcome_form(database, way: str) -> None:  # noqa: ANN001
    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="2-2")

    await run_form(database, way, board, "o", [typed("Family reached by phone", clear=True)])
    assert _notification(database, "2-2").outcome == "Family reached by phone"


@pytest.mark.parametrize("way", WAYS)
async def test_board_refer_form(database, way: str) -> None:  # noqa: ANN001
    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ref="2-2")

    await run_form(database, way, board, "r", [typed("tattoo removal"), typed("Example Clinic"), typed("asked twice")])
    with database.session() as s:
        r = s.exec(select(Referral).where(Referral.service == "tattoo removal")).one()
        assert (r.provider, r.note, r.notification_id) == ("Example Clinic", "asked twice", _notification(database, "2-2").id)


@pytest.mark.parametrize("way", WAYS)
async def test_board_filter_form(database, way: str) -> None:  # noqa: ANN001
    values = await run_form(database, way, on_board, "f", [
        choose("down"),  # open (proposed, approved, assigned)
        choose("down"),  # due: the one after the current
        choose("down"),  # the first area command
        choose("down"),  # the first team member: the last field, choosing applies the filter
    ])
    assert values["status"] == follow.OPEN and values["due"] != "all" and values["area"] and values["team"]


async def test_a_final_status_on_the_board_needs_the_outcome(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await on_board(app, pilot, ref="2-2")  # assigned, no outcome yet
        await pilot.press("s")
        await settle(pilot)
        options = [str(label) for label, _ in app.screen.query_one("#f-status")._options]
        await pilot.press("enter", *["down"] * options.index("delivered"), "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Outcome: required when it becomes delivered" in str(app.screen.query_one("#form-error").render())
    assert _notification(database, "2-2").status == NotificationStatus.assigned


async def test_board_status_then_u_restores(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await on_board(app, pilot, ref="2-4")
        await pilot.press("s", "enter", "enter", "ctrl+s")  # assigned
        await settle(pilot)
        assert _notification(database, "2-4").status == NotificationStatus.assigned
        await pilot.press("u")
        await settle(pilot)
        assert any(str(n.message) == "Undone: 2-4: assigned" for n in app._notifications)
        assert app.screen.current_row().status == NotificationStatus.approved
    assert _notification(database, "2-4").status == NotificationStatus.approved


# --------------------------------------------------------------------------- referrals


def _referral(database, referral_id: int) -> Referral:  # noqa: ANN001
    with database.session() as s:
        return s.get(Referral, referral_id)


@pytest.mark.parametrize("way", WAYS)
async def test_referral_status_form(database, way: str) -> None:  # noqa: ANN001
    first = follow.load_referrals(database)[0]

    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ReferralsScreen())

    await run_form(database, way, board, "s", [choose(), typed("2026-11-20", clear=True), typed(" - called")])
    r = _referral(database, first.id)
    assert r.status != first.status and r.status_on == dt.date(2026, 11, 20)
    assert r.note == f"{first.note or ''} - called"


@pytest.mark.parametrize("way", WAYS)
async def test_referral_edit_form(database, way: str) -> None:  # noqa: ANN001
    first = follow.load_referrals(database)[0]

    async def board(app, pilot) -> None:  # noqa: ANN001
        await on_board(app, pilot, ReferralsScreen())

    await run_form(database, way, board, "e", [typed("Example House", clear=True), typed("intake Monday", clear=True)])
    r = _referral(database, first.id)
    assert (r.provider, r.note, r.status) == ("Example House", "intake Monday", first.status)


# --------------------------------------------------------------------------- the new-meeting form


@pytest.mark.parametrize("way", WAYS)
async def test_new_meeting_form(database, way: str) -> None:  # noqa: ANN001
    async def meetings(app, pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)

    await run_form(database, way, meetings, "n", [
        typed("2026-12-15", clear=True), typed(" (extra)"), typed("Room 4"), typed("Lt. Q. Example"),
        typed("10:00"), typed("60"),
    ])
    with database.session() as s:
        m = s.exec(select(Meeting).where(Meeting.date == dt.date(2026, 12, 15))).one()
        assert (m.title, m.location, m.facilitator, m.start_time, m.minutes) == (
            "Weekly Shooting Review (extra)", "Room 4", "Lt. Q. Example", dt.time(10, 0), 60)


# --------------------------------------------------------------------------- the agenda builder and the review's summary


@pytest.fixture
def draft_db(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas only: week 3 is still a draft, its agenda built in the builder."""
    db = sample_database(tmp_path, clock)
    yield db
    db.dispose()


async def _builder(app, pilot) -> None:  # noqa: ANN001
    from vip_tui.screens.agenda_builder import AgendaBuilderScreen

    await settle(pilot)
    app.push_screen(AgendaBuilderScreen(meeting_id(app.db)))
    await settle(pilot)


@pytest.mark.parametrize("way", WAYS)
async def test_builder_incident_form(draft_db, way: str) -> None:  # noqa: ANN001
    from vip_tui.models import Incident

    await run_form(draft_db, way, _builder, "a", [
        typed("26-0099001"), typed("2026-11-20T22:15"), typed("non_fatal"), typed("1200 block Example Rd"),
        typed("Southeast"), typed("7"), typed("Two shot outside a store"), typed("ongoing dispute"),
        typed("open"), typed("ongoing"), typed("N-2026-0099"), typed("Two adults were shot near a store"),
    ])
    with draft_db.session() as s:
        i = s.exec(select(Incident).where(Incident.case_number == "26-0099001")).one()
        assert (i.occurred_at, i.type.value, i.location, i.area_command, i.summary, i.motive, i.case_status.value,
                i.retaliation_risk.value, i.nibin_leads, i.partner_summary) == (
            dt.datetime(2026, 11, 20, 22, 15), "non_fatal", "1200 block Example Rd", "Southeast",
            "Two shot outside a store", "ongoing dispute", "open", "ongoing", ["N-2026-0099"],
            "Two adults were shot near a store")


@pytest.mark.parametrize("way", WAYS)
async def test_builder_invitee_form(draft_db, way: str) -> None:  # noqa: ANN001
    await run_form(draft_db, way, _builder, "i", [typed("Det. Q. Invitee"), typed("RMPD"), typed("Homicide")])
    row = next(r for r in attendance_svc.attendance(draft_db, meeting_id(draft_db)) if r.name == "Det. Q. Invitee")
    assert (row.agency, row.role) == ("RMPD", "Homicide")


@pytest.mark.parametrize("way", WAYS)
async def test_builder_meeting_form(draft_db, way: str) -> None:  # noqa: ANN001
    await run_form(draft_db, way, _builder, "t", [
        typed("2026-11-24", clear=True), typed("Special Review", clear=True), typed("Room 9", clear=True),
        typed("Lt. Q. Example", clear=True), typed("08:30", clear=True), typed("75", clear=True),
    ])
    with draft_db.session() as s:
        m = s.get(Meeting, meeting_id(draft_db))
        assert (m.title, m.location, m.facilitator, m.start_time, m.minutes) == (
            "Special Review", "Room 9", "Lt. Q. Example", dt.time(8, 30), 75)


@pytest.mark.parametrize("way", WAYS)
async def test_partner_summary_form(database, way: str) -> None:  # noqa: ANN001
    from vip_tui.models import Incident

    await run_form(database, way, _review, "S", [typed("A man was shot; he survived", clear=True)])
    with database.session() as s:
        assert s.exec(select(Incident).where(Incident.partner_summary == "A man was shot; he survived")).one()


# --------------------------------------------------------------------------- escape


async def test_escape_on_a_changed_form_asks_and_an_unchanged_one_closes(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _review_at_a_non_victim(app, pilot)
        review = app.screen
        await pilot.press("a", "escape")  # nothing typed: closes at once
        await settle(pilot)
        assert app.screen is review
        await pilot.press("c", "escape")  # pre-filled and pre-chosen, nothing changed: closes at once
        await settle(pilot)
        assert app.screen is review
        await pilot.press("a")
        await type_text(pilot, "Call the school")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == DISCARD_QUESTION
        await pilot.press("enter")  # by habit: enter keeps what was typed
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape", "n")  # and so does n
        await settle(pilot)
        assert app.screen.query_one("#f-description", Input).value == "Call the school"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is review
    with database.session() as s:
        assert not s.exec(select(ActionItem).where(ActionItem.description == "Call the school")).all()


async def test_keys_typed_ahead_land_in_the_fields_they_were_meant_for(database) -> None:  # noqa: ANN001
    """Two enters and a name typed before the screen has handled the first: each key where the typist meant it.

    On a busy laptop keys queue up; a form that moved focus a tick after enter
    sent the second enter to the field before and the owner's name into it.
    """
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _review(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await press_at_once(pilot, *"Typed", "enter", *"RMPD", "enter", "enter", "plus", "3", "enter")
        assert not isinstance(app.screen, FormDialog), str(app.screen.query_one("#form-error").render())
    with database.session() as s:
        action = s.exec(select(ActionItem).where(ActionItem.description == "Typed")).one()
        assert (action.owner_agency.short_name, action.owner_name) == ("RMPD", None)
        assert action.due_date == TODAY + dt.timedelta(days=3)
