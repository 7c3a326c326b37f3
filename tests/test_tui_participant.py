"""The participant screen (issue 15 item 4): needs, plan, contacts, services, episodes; its keys read back from
the database. All names fictional."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from tests.all_in_world import ROSA, caseload_world
from tests.conftest import FIXED_NOW
from tests.test_tui_caseload import messages, screen_text
from tests.tui_helpers import settle, type_text
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.enums import ExitReason, GoalStatus, NeedDomain, NeedLevel, Stage
from vip_tui.models import Goal, Participant
from vip_tui.screens.participant import ParticipantScreen
from vip_tui.services import all_in
from vip_tui.widgets.all_in_forms import HIDDEN_PRESENTING
from vip_tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (120, 36)
TODAY = FIXED_NOW.date()


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    db.world = caseload_world(db)  # type: ignore[attr-defined]
    yield db
    db.dispose()


async def open_participant(app, pilot, participant_id: int) -> ParticipantScreen:  # noqa: ANN001
    await settle(pilot)
    app.push_screen(ParticipantScreen(participant_id))
    await settle(pilot)
    assert isinstance(app.screen, ParticipantScreen) and app.screen.view is not None
    return app.screen


def goals(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one("#pv-goals", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


# --------------------------------------------------------------------------- what it shows


async def test_the_participant_screen_shows_needs_plan_contacts_services_and_episodes(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.marlon)
        head = str(screen.query_one("#pv-head").render())
        assert "Marlon Teague · episode 1 · coach Rosa Quintanilla · active since 2026-10-21" in head
        assert "enrolled 2026-09-01 (walk in) · 2 contacts/week" in head
        assert "next due 2026-11-14, overdue: 14 days since the last contact" in head
        needs = str(screen.query_one("#pv-needs").render())
        lines = needs.splitlines()
        # Urgent first, then some, then every domain with nothing on one line; the earlier assessment below.
        assert lines[1].startswith("urgent housing") and lines[2].startswith("urgent id documents    lost state ID")
        assert lines[3].startswith("some   employment      day labour only")
        assert "none   safety, education, income" in needs
        assert "2026-09-03 by Rosa Quintanilla: 1 urgent, 1 some" in needs
        assert goals(app) == ["A lease in his own name", "Steady weekday work"]
        contacts = screen.query_one("#pv-contacts", DataTable)
        assert [str(contacts.get_row_at(i)[0]) for i in range(contacts.row_count)] == [
            "2026-11-20 10:00", "2026-11-10 10:00", "2026-10-20 10:00", "2026-09-02 10:00"]  # newest first
        assert [str(c) for c in contacts.get_row_at(0)][1:4] == ["attempt", "0", ROSA]
        assert "1. enrolled 2026-09-01 (walk in) · coach Rosa Quintanilla · open, active" in str(
            screen.query(".pv-episodes").first().render())


async def test_stored_text_shows_literally_never_as_markup_or_controls(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_participant(app, pilot, database.world.marlon)
        text = screen_text(app)
        assert "eviction notice [b]x[/b] then [@click=app.quit]" in str(app.screen.query_one("#pv-needs").render())
        assert "eviction notice [b]x[/b] then" in text
        assert "[b]x[/b] then [@click=app.quit] bell␇ end" in text  # the contact's note, the bell made visible
        assert "\x07" not in text
        assert app.is_running


# --------------------------------------------------------------------------- its keys, read back


async def test_needs_are_assessed_again_from_a_form_prefilled_with_the_current_ones(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_participant(app, pilot, database.world.marlon)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-need_housing").value.startswith("urgent: eviction notice")
        assert form.query_one("#f-need_safety").value == "none"
        # safety: urgent with a note; housing down to some.
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "u: threats after the party")
        await pilot.press("tab")
        form.query_one("#f-need_housing").value = ""
        await type_text(pilot, "some: lease signed, deposit due")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantScreen)
        view = all_in.participant_view(database, database.world.marlon)
        assert len(view.assessments) == 3
        now = view.needs
        assert (now.assessed_on, now.assessed_by) == (TODAY, "tester")
        levels = {n.domain: (n.level, n.note) for n in now.needs}
        assert levels[NeedDomain.safety] == (NeedLevel.urgent, "threats after the party")
        assert levels[NeedDomain.housing] == (NeedLevel.some, "lease signed, deposit due")
        assert levels[NeedDomain.id_documents] == (NeedLevel.urgent, "lost state ID")  # kept as it was
        assert str(app.screen.query_one("#pv-needs").render()).splitlines()[1].startswith("urgent safety")


async def test_a_level_that_is_not_one_is_named_and_nothing_is_saved(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_participant(app, pilot, database.world.marlon)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "dire")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "start with none, some or urgent" in str(app.screen.query_one("#form-error").render())
        assert len(all_in.participant_view(database, database.world.marlon).assessments) == 2


async def test_a_goal_is_added_then_met(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_participant(app, pilot, database.world.marlon)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # domain: housing (after safety)
        await settle(pilot)
        await type_text(pilot, "Bus pass [b]monthly[/b]")
        await pilot.press("tab")
        await type_text(pilot, "2026-12-15")
        await pilot.press("tab")
        await type_text(pilot, "apply; pick up")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantScreen), str(app.screen.query_one("#form-error").render())
        with database.session() as s:
            goal = s.exec(select(Goal).where(Goal.goal == "Bus pass [b]monthly[/b]")).one()
        assert (goal.domain, str(goal.target_on), goal.milestones, goal.status) == (
            NeedDomain.housing, "2026-12-15", ["apply", "pick up"], GoalStatus.open)
        assert "Bus pass [b]monthly[/b]" in goals(app)
        table = app.screen.query_one("#pv-goals", DataTable)
        table.focus()
        await pilot.press(*["k"] * 5, *["j"] * goals(app).index("Bus pass [b]monthly[/b]"))
        await settle(pilot)
        assert app.screen.current_goal().id == goal.id
        await pilot.press("m")
        await settle(pilot)
        with database.session() as s:
            goal = s.get(Goal, goal.id)
        assert (goal.status, goal.status_on) == (GoalStatus.met, TODAY)


async def test_a_goal_met_elsewhere_meanwhile_is_not_dropped_here(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.marlon)
        goal = screen.current_goal()
        assert goal.goal == "A lease in his own name"
        all_in.set_goal_status(database, goal.id, GoalStatus.met, version=goal.version)  # another instance
        await pilot.press("d")
        await settle(pilot)
        assert any("changed by someone else" in m for m in messages(app))
        with database.session() as s:
            assert s.get(Goal, goal.id).status == GoalStatus.met


async def test_the_stage_moves_and_the_coach_and_cadence_change(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_participant(app, pilot, database.world.jalen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # planning -> active (engaging first)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all_in.participant_view(database, database.world.jalen).row.stage == Stage.active
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#f-coach").value = ""
        await type_text(pilot, "Ines Marwick")
        await pilot.press("tab", "backspace")
        await type_text(pilot, "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = all_in.participant_view(database, database.world.jalen).row
        assert (row.coach, row.cadence) == ("Ines Marwick", 3.0)
        assert "coach Ines Marwick · active since 2026-11-24" in str(app.screen.query_one("#pv-head").render())


async def test_exit_asks_first_then_ends_the_episode_with_a_reason(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.kiana)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("x", "y")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter", "down", "down", "enter")  # completed, moved away, incarcerated
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        with database.session() as s:
            p = s.get(Participant, database.world.kiana)
        assert (p.exited_on, p.exit_reason, p.stage) == (TODAY, ExitReason.incarcerated, Stage.exited)
        assert "exited 2026-11-24 (incarcerated)" in str(screen.query_one("#pv-head").render())
        # An exited episode takes no more contacts, needs, goals or moves: the keys say so by being off.
        for action in ("contact", "assess", "goal", "stage", "exit", "plan"):
            assert screen.check_action(action, ()) is None


async def test_a_contact_logged_here_is_the_newest_in_the_list(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.terrell)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("shift+tab", "enter", "down", "enter")  # how: phone; on to when (now)
        await settle(pilot)
        await pilot.press("enter", "backspace")
        await type_text(pilot, "10")
        await pilot.press("tab")
        await type_text(pilot, "first call")
        await pilot.press("ctrl+s")
        await settle(pilot)
        contacts = screen.query_one("#pv-contacts", DataTable)
        assert [str(c) for c in contacts.get_row_at(0)] == ["2026-11-24 09:30", "phone", "10", "tester", "first call"]


# --------------------------------------------------------------------------- the shared screen


async def test_presenting_hides_every_service_record(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.marlon)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert HIDDEN_PRESENTING in text
        for secret in ("Marlon", "Teague", "eviction", "lease", "Rosa", "barbershop", "lost state ID", "active"):
            assert secret not in text, secret
        assert screen.check_action("contact", ()) is None
        await pilot.press("f2")
        await settle(pilot)
        assert "eviction notice" in screen_text(app)


async def test_at_the_full_desk_the_screen_reads_nothing(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ParticipantScreen(database.world.marlon))
        await settle(pilot)
        text = screen_text(app)
        assert "for program staff only" in text
        assert "Teague" not in text and "eviction" not in text and app.screen.view is None


# --------------------------------------------------------------------------- the look


def _snap(app, participant_id: int, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_participant(app, pilot, participant_id)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_participant_looks_right(snap_compare, database, size) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    assert snap_compare(app, terminal_size=size, run_before=_snap(app, database.world.marlon))


def test_needs_form_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, database.world.marlon, "a"))


async def test_a_contact_refused_because_another_desk_exited_them_keeps_the_form(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participant(app, pilot, database.world.jalen)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter", "backspace")
        await type_text(pilot, "25")
        await pilot.press("tab")
        await type_text(pilot, "talked about the GED")
        # Meanwhile another desk ends the episode.
        all_in.exit_participant(database, database.world.jalen, ExitReason.declined, version=screen.view.row.version)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)  # opened again with what was typed
        assert (form.query_one("#f-minutes").value, form.query_one("#f-note").value) == ("25", "talked about the GED")
        assert any(m.startswith("Not saved: this episode ended on 2026-11-24") for m in messages(app))
        assert all_in.participant_view(database, database.world.jalen).row.contacts == 1
