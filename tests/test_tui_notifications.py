"""The notifications board and the referrals list, from the keyboard (issue 5), on the demo's lived-in data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Markdown, OptionList, Select

from tests.conftest import FIXED_NOW
from tests.tui_helpers import meeting_id, sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import AttemptResult, NotificationStatus, ReferralStatus
from vip_tui.models import Notification, Referral
from vip_tui.screens.help import HelpScreen
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.person import PersonScreen
from vip_tui.screens.referrals import ReferralsScreen
from vip_tui.services import meetings, old_business
from vip_tui.services import notifications as follow
from vip_tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (120, 36)
TODAY = FIXED_NOW.date()


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas with the demo's history: weeks 1 and 2 held, and the follow-up after them."""
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


def _refs(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def _row(database, ref: str) -> follow.NotificationRow:  # noqa: ANN001
    return next(r for r in follow.load_notifications(database, today=TODAY) if r.ref == ref)


async def _board(app, pilot, screen=None) -> None:  # noqa: ANN001
    await settle(pilot)
    app.push_screen(screen or NotificationsScreen())
    await settle(pilot)


async def _to(app, pilot, ref: str) -> None:  # noqa: ANN001
    """Move the cursor to the notification ``ref`` with j, as a person would."""
    refs = _refs(app)
    await pilot.press(*["k"] * len(refs), *["j"] * refs.index(ref))
    await settle(pilot)
    assert app.screen.current_row().ref == ref


# --------------------------------------------------------------------------- what the board shows


async def test_the_board_lists_every_notification_open_ones_first_with_overdue_in_red(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        assert _refs(app) == ["1-9", "2-4", "2-2", "2-5", "2-6", "1-4", "1-7", "1-10", "1-11", "1-3", "1-5"]
        table = screen.query_one(DataTable)
        first = table.get_row_at(0)
        assert [str(c) for c in first] == ["1-9", "Tobias Rendón-Hale", "assigned", "11-13 11 d overdue", "Southeast",
                                           "Ferreira +2", "3", "11-19 not home"]
        assert "bold" in str(first[3].style) and app.theme_variables["error"] in str(first[3].style)
        summary = str(screen.query_one("#nb-summary").render())
        assert summary == "11 notifications · 5 open · 3 overdue · 2 due this week"
        detail = str(screen.query_one("#nb-detail").render())
        assert "1-9 Tobias Rendón-Hale · assigned · due 2026-11-13, 11 days overdue" in detail
        assert "2026-11-19 19:30 not home · door hanger left — his mother says he stays with a cousin" in detail


async def test_the_due_key_answers_who_is_overdue_and_the_filter_dialog_narrows_further(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        assert _refs(app) == ["1-9", "2-4", "2-2"]
        assert "Showing 3: overdue" in str(app.screen.query_one("#nb-filters").render())
        await pilot.press("d")
        await settle(pilot)
        assert _refs(app) == ["2-5", "2-6"]  # due today and on Friday
        await pilot.press("d")
        await settle(pilot)
        assert len(_refs(app)) == 11

        # f: status closed, area Northeast.
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-status", Select).value = "closed"
        app.screen.query_one("#f-area", Select).value = "Northeast"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _refs(app) == ["1-10", "1-11"]
        await pilot.press("F")
        await settle(pilot)
        assert len(_refs(app)) == 11

        # A team member: only the notifications where the coach is on the team.
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#f-team", Select).value = "Coach M. Armijo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _refs(app) == ["1-9", "2-4", "1-4"]


async def test_presentation_mode_shows_initials_on_the_board(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await pilot.press("f2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert names[0] == "T. R. H." and "Tobias" not in " ".join(names)
        detail = str(app.screen.query_one("#nb-detail").render())
        assert "Rendón" not in detail and "T. R. H." in detail


# --------------------------------------------------------------------------- follow-up from the keyboard


async def test_recording_an_attempt_that_delivers_offers_the_status(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "2-2")  # Marcus Oduya, assigned, two tries so far
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#f-when").value == "2026-11-24 09:30"
        # Result: open the list, one down from "not home" is "delivered".
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#f-result", Select).value == "delivered"
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-23 19:05")
        await pilot.press("enter")  # by: the team, as suggested
        await pilot.press("enter")
        await pilot.press("tab", "space")  # no letter; a door hanger
        await pilot.press("tab")
        await type_text(pilot, "at the hospital")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        assert app.screen.current_row().ref == "2-2"
        assert app.screen.current_row().status == NotificationStatus.delivered
    row = _row(database, "2-2")
    last = row.last_attempt
    assert (last.attempted_at, last.result, last.letter_left, last.door_hanger_left, last.note) == (
        dt.datetime(2026, 11, 23, 19, 5), AttemptResult.delivered, False, True, "at the hospital")
    assert last.by == "Det. R. Quintana, Pastor E. Lucero, A. Brooks-Tafoya"
    assert len(row.attempts) == 3
    # Closed on the board: reported at the next meeting not closed, week 3.
    with database.session() as s:
        n = s.get(Notification, row.id)
        assert (n.status, n.closed_at, n.closed_in_meeting_id) == (NotificationStatus.delivered, FIXED_NOW,
                                                                   meeting_id(database))


async def test_an_attempt_with_a_bad_time_is_refused_in_the_dialog(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "2026-11-30 18:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "in the future" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await settle(pilot)
    assert len(_row(database, "1-9").attempts) == 3  # nothing saved


async def test_a_not_home_attempt_changes_no_status(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await pilot.press("t", "ctrl+s")  # not home, now, by the team
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
    row = _row(database, "1-9")
    assert row.status == NotificationStatus.assigned and len(row.attempts) == 4
    assert row.last_attempt.result == AttemptResult.not_home and row.last_attempt.attempted_at == FIXED_NOW


async def test_closing_a_notification_with_its_outcome_and_services(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        assert app.screen.current_row().ref == "1-9"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        options = [str(label) for label, _ in app.screen.query_one("#f-status", Select)._options]
        assert options == ["delivered", "delivered to family", "refused", "not located", "in custody", "cancelled"]
        await pilot.press("enter", "down", "down", "down", "enter")  # not located
        await settle(pilot)
        await type_text(pilot, "Family says he left for Texas")
        await pilot.press("enter")
        await type_text(pilot, "relocation")
        await pilot.press("enter", "enter")  # none accepted; the last field saves
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        # Closed ones sink below the open ones.
        assert _refs(app)[:4] == ["2-4", "2-2", "2-5", "2-6"]
        assert app.screen.current_row().ref == "1-9"
    with database.session() as s:
        n = s.get(Notification, _row(database, "1-9").id)
        assert (n.status, n.outcome, n.services_offered, n.services_accepted) == (
            NotificationStatus.not_located, "Family says he left for Texas", "relocation", None)
        assert n.closed_in_meeting_id == meeting_id(database)
    closed_here = [r for r in old_business.old_business(database, meeting_id(database)) if r.closed_here]
    assert [(r.ref, r.status) for r in closed_here] == [("1-9", "not_located")]


async def test_the_close_dialog_needs_an_outcome(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await pilot.press("c", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Outcome: required" in str(app.screen.query_one("#form-error").render())


async def test_status_offers_only_the_allowed_steps_and_final_ones_grey_out(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "2-4")  # approved
        await pilot.press("s")
        await settle(pilot)
        options = [str(label) for label, _ in app.screen.query_one("#f-status", Select)._options]
        assert options == ["assigned", "cancelled"]
        await pilot.press("enter", "enter")  # assigned
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _row(database, "2-4").status == NotificationStatus.assigned
        await _to(app, pilot, "1-3")  # delivered: final
        screen = app.screen
        assert screen.check_action("set_status", ()) is None
        assert screen.check_action("attempt", ()) is None
        assert screen.check_action("close", ()) is None
        assert screen.check_action("services", ()) is True
        await pilot.press("s", "t", "c")
        await settle(pilot)
        assert app.screen is screen  # nothing opened
        await _to(app, pilot, "1-4")  # not located: may be tried again, assigned again or cancelled
        assert screen.check_action("attempt", ()) is True and screen.check_action("close", ()) is True


async def test_services_and_outcome_are_edited_in_place(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "1-7")
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.query_one("#f-offered").value == "peer support"
        await pilot.press("enter")
        await type_text(pilot, "mentoring")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o", "ctrl+u")
        await type_text(pilot, "Refused; his mother took the letter")
        await pilot.press("enter")
        await settle(pilot)
    row = _row(database, "1-7")
    assert (row.services_offered, row.services_accepted, row.outcome) == (
        "peer support", "mentoring", "Refused; his mother took the letter")
    assert row.status == NotificationStatus.refused


async def test_refer_from_a_notification_then_follow_it_on_the_referrals_list(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "2-2")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "housing")
        await pilot.press("enter")
        await type_text(pilot, "Rio Mesa Housing Authority")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        table = app.screen.query_one(DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:4] == ["Marcus Oduya", "housing", "Rio Mesa Housing Authority", "offered"]
        assert first[-1] == "notification 2-2"
        # s: offered → accepted (declined is the other choice); not before it was offered.
        await pilot.press("s")
        await settle(pilot)
        assert [str(label) for label, _ in app.screen.query_one("#f-status", Select)._options] == ["accepted", "declined"]
        await pilot.press("enter", "enter", "tab")  # "accepted" was already chosen: tab to the date
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-23")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        assert app.screen.current_row().status == ReferralStatus.offered  # refused: offered today
        await pilot.press("s", "enter", "enter", "tab", "ctrl+u")
        await type_text(pilot, "+0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.current_row().status == ReferralStatus.accepted
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
    with database.session() as s:
        r = s.exec(select(Referral).where(Referral.service == "housing")).one()
        assert (r.status, r.offered_on, r.status_on) == (ReferralStatus.accepted, TODAY, TODAY)
        assert r.notification_id == _row(database, "2-2").id and r.meeting_id is None


async def test_the_referrals_list_filters_by_status(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot, ReferralsScreen())
        table = app.screen.query_one(DataTable)
        assert table.row_count == 7
        summary = str(app.screen.query_one("#rf-summary").render())
        assert summary == "7 referrals · 2 offered · 1 accepted · 1 engaged · 1 completed · 2 declined"
        seen = {}
        for status in ("offered", "accepted", "engaged", "completed", "declined"):
            await pilot.press("f")
            await settle(pilot)
            seen[status] = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert seen == {s: {s} for s in seen}
        await pilot.press("f")  # back to all
        await settle(pilot)
        assert table.row_count == 7
        await _to_referral(app, pilot, "completed")
        assert app.screen.check_action("set_status", ()) is None  # completed is final


async def _to_referral(app, pilot, status: str) -> None:  # noqa: ANN001
    table = app.screen.query_one(DataTable)
    await pilot.press(*["k"] * table.row_count)
    for _ in range(table.row_count):
        if app.screen.current_row().status.value == status:
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(status)


# --------------------------------------------------------------------------- people


async def test_enter_on_the_board_opens_the_profile_and_escape_comes_back(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "1-7")
        board = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        profile = str(app.screen.query_one("#profile").render())
        assert "Luis Ocampo-Reyna" in profile and "1-7    refused" in profile
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board and board.current_row().ref == "1-7"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingsScreen"


async def test_following_a_person_from_an_incident_to_the_profile_and_back(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        meetings.start_meeting(database, meeting_id(database), version=None)
        app.open_stage(meeting_id(database), "review")
        await settle(pilot)
        review = app.screen
        assert type(review).__name__ == "ReviewScreen"
        persons = review.query_one("#persons", OptionList)
        persons.focus()
        await pilot.press("down")
        await settle(pilot)
        chosen = review.detail.persons[persons.highlighted]
        item = review.current
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.person_id == chosen.person_id
        profile = str(app.screen.query_one("#profile").render())
        assert chosen.name in profile and review.detail.incident.case_number in profile
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is review and review.current == item
        assert review.query_one("#persons", OptionList).highlighted == 1


# --------------------------------------------------------------------------- keys and help


@pytest.mark.parametrize("cls", [NotificationsScreen, ReferralsScreen])
async def test_every_key_has_an_id_and_is_in_the_help(database, cls) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot, cls())
        screen = app.screen
        bindings = [b for bs in type(screen)._merge_bindings().key_to_bindings.values() for b in bs]  # noqa: SLF001
        for b in bindings:
            assert b.description, b
            if not (b.action.startswith("screen.copy") or b.action.startswith("app.focus")):
                assert b.id, b
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        for b in bindings:
            assert f"| {b.description} |" in text, b.description
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_the_palette_lists_the_board_commands(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Person", "Attempt…", "Status…", "Close…", "Services…", "Refer…", "Referrals", "Due", "Filter…"):
            assert title in commands


async def test_an_empty_board_says_where_notifications_come_from(tmp_path: Path, clock) -> None:  # noqa: ANN001
    db = sample_database(tmp_path, clock)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        assert "No notifications yet" in str(app.screen.query_one("#nb-empty").render())
        assert app.screen.check_action("attempt", ()) is None
        await pilot.press("t", "c", "s", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
    db.dispose()


# --------------------------------------------------------------------------- looks


def _snap(app, screen_factory, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _board(app, pilot, screen_factory())
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        pilot.app.clear_notifications()  # toasts time out: not part of the look
        await pilot.pause()
        await pilot.pause()

    return run_before


def test_notifications_board_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, NotificationsScreen))


def test_notifications_board_filtered_and_presenting_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, NotificationsScreen, "d", "f2", "j"))


def test_attempt_dialog_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, NotificationsScreen, "j", "j", "t"))


def test_close_dialog_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, NotificationsScreen, "c"))


def test_referrals_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, ReferralsScreen))


def test_notifications_board_looks_right_at_80x24(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, NotificationsScreen))





async def test_a_notification_closed_as_delivered_no_longer_shows_its_not_home_attempt(database) -> None:  # noqa: ANN001
    """Issue 13: the board row, the profile and `vip notifications` end on the closing, not on "not home"."""
    from click.testing import CliRunner

    from vip_tui.cli import main

    row = _row(database, "1-9")
    assert row.last_attempt.result == AttemptResult.not_home
    follow.close_notification(database, row.id, NotificationStatus.delivered, "Spoke with him at his aunt's",
                              version=row.version)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _board(app, pilot)
        await _to(app, pilot, "1-9")
        cells = [str(c) for c in app.screen.query_one(DataTable).get_row_at(app.screen.query_one(DataTable).cursor_row)]
        assert cells[2] == "delivered" and cells[-1] == f"closed {FIXED_NOW:%m-%d}", cells
        assert "not home" not in cells[-1]
        app.open_person(row.person_id)
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        profile = str(app.screen.query_one("#profile").render())
        story = profile[profile.index("1-9"):]
        attempts = story[: story.index("closed: delivered")]
        assert "not home" in attempts  # the attempts stay, in order, and the closing ends them
        assert f"{FIXED_NOW:%Y-%m-%d %H:%M} closed: delivered" in story
    cli = CliRunner().invoke(main, ["--db", str(database.sqlite_path), "notifications"], catch_exceptions=False)
    line = next(line for line in cli.stdout.splitlines() if line.startswith("1-9 "))
    assert f"closed {FIXED_NOW:%Y-%m-%d}" in line and "not home" not in line, line
