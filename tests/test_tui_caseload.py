"""The caseload screen (issue 15 item 4), from the keyboard, read back from the database. All names fictional."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.command import CommandPalette
from textual.widgets import DataTable

from tests.all_in_world import DEV, ROSA, caseload_world
from tests.conftest import FIXED_NOW
from tests.tui_helpers import palette_hits, settle, type_text, until
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.enums import ContactMethod, EnrollSource, Stage
from vip_tui.models import Contact, Participant, Person
from vip_tui.screens.caseload import CaseloadScreen
from vip_tui.screens.meetings import MeetingsScreen
from vip_tui.screens.participant import ParticipantScreen
from vip_tui.services import all_in
from vip_tui.widgets.all_in_forms import HIDDEN_DESK, HIDDEN_PRESENTING
from vip_tui.widgets.dialogs import FormDialog

SIZE = (120, 36)
NAMES = ("Marlon Teague", "Jalen Whitcombe", "Terrell Ashdown", "Kiana Brightwater")


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    db.world = caseload_world(db)  # type: ignore[attr-defined]
    yield db
    db.dispose()


def screen_text(app) -> str:  # noqa: ANN001
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # noqa: SLF001


def people(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)] if table.display else []


def messages(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


async def open_caseload(app, pilot) -> CaseloadScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, CaseloadScreen)
    return app.screen


async def to_person(app, pilot, name: str) -> None:  # noqa: ANN001
    names = people(app)
    await pilot.press(*["k"] * len(names), *["j"] * names.index(name))
    await settle(pilot)
    assert app.screen.current_row().person == name


# --------------------------------------------------------------------------- what it shows


async def test_the_caseload_lists_open_episodes_by_coach_with_the_overdue_in_red(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caseload(app, pilot)
        # By coach, then the next contact due (overdue first); the exited episode is not on it.
        assert people(app) == ["Kiana Brightwater", "Terrell Ashdown", "Marlon Teague", "Jalen Whitcombe"]
        table = screen.query_one(DataTable)
        kiana = [str(c) for c in table.get_row_at(0)]
        assert kiana == ["Kiana Brightwater", DEV, "sustaining", "2026-06-15", "2026-11-01", "23 days",
                         "mental", "—"]
        due = table.get_row_at(0)[5]
        assert app.theme_variables["error"] in str(due.style) and "bold" in str(due.style)
        marlon = [str(c) for c in table.get_row_at(2)]
        # The last contact made: the attempt of 11-20 does not count.
        assert marlon[4:] == ["2026-11-10", "14 days", "housing, ID docs", "1"]
        terrell = [str(c) for c in table.get_row_at(1)]
        assert terrell[4:6] == ["—", "2026-11-27"]
        assert app.theme_variables["error"] not in str(table.get_row_at(1)[5].style)
        assert str(screen.query_one("#cl-summary").render()).startswith("4 participants, 2 overdue")
        assert screen.sub_title == "VIP All In caseload"
        assert "Omar Feldspar" not in screen_text(app)


async def test_filters_by_coach_stage_and_overdue_show_in_the_title(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caseload(app, pilot)
        await pilot.press("b")  # the coach with the most participants first (a tie: by name)
        await settle(pilot)
        assert screen.sub_title == f"VIP All In caseload · coach {DEV}"
        assert people(app) == ["Kiana Brightwater", "Terrell Ashdown"]
        await pilot.press("b")
        await settle(pilot)
        assert people(app) == ["Marlon Teague", "Jalen Whitcombe"]
        await pilot.press("d")
        await settle(pilot)
        assert screen.sub_title == f"VIP All In caseload · coach {ROSA} · overdue only"
        assert people(app) == ["Marlon Teague"]
        assert str(screen.query_one("#cl-summary").render()).startswith("1 participant (of 4), 1 overdue")
        await pilot.press("F", "t", "t")  # cleared, then engaging, planning
        await settle(pilot)
        assert screen.sub_title == "VIP All In caseload · planning"
        assert people(app) == ["Jalen Whitcombe"]
        await pilot.press("F")
        await settle(pilot)
        assert people(app) == ["Kiana Brightwater", "Terrell Ashdown", "Marlon Teague", "Jalen Whitcombe"]


# --------------------------------------------------------------------------- writes, read back


async def test_a_walk_in_is_enrolled_from_the_caseload(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(app, pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "Dario Vesey")
        await pilot.press("tab")
        await type_text(pilot, "2001-04-02")
        await pilot.press("tab")
        await type_text(pilot, "Ro")
        await pilot.press("right", "tab")  # → accepts the suggested coach
        await pilot.press("backspace")
        await type_text(pilot, "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        with database.session() as s:
            person = s.exec(select(Person).where(Person.name == "Dario Vesey")).one()
            p = s.exec(select(Participant).where(Participant.person_id == person.id)).one()
        assert (str(person.dob), p.coach, p.cadence, p.source, p.stage, p.enrolled_on) == (
            "2001-04-02", ROSA, 2.0, EnrollSource.walk_in, Stage.engaging, FIXED_NOW.date())
        assert "Dario Vesey" in people(app)
        assert app.screen.current_row().person == "Dario Vesey"


async def test_a_refused_walk_in_keeps_the_form_and_says_why(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(app, pilot)
        await pilot.press("w")
        await type_text(pilot, "Dario Vesey")
        await pilot.press("tab", "tab")
        await type_text(pilot, "x" * 101)  # a coach's name over the limit: the service refuses
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # opened again with what was typed
        assert app.screen.query_one("#f-name").value == "Dario Vesey"
        assert any("peer coach" in m for m in messages(app))
        with database.session() as s:
            assert s.exec(select(Person).where(Person.name == "Dario Vesey")).first() is None


async def test_a_contact_is_logged_for_the_highlighted_participant(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caseload(app, pilot)
        await to_person(app, pilot, "Marlon Teague")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.focused.id == "f-when"  # how: in person already chosen; when: now
        await pilot.press("tab", "backspace")
        await type_text(pilot, "40")
        await pilot.press("tab")
        await type_text(pilot, "met at the barbershop, lease forms")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        with database.session() as s:
            c = s.exec(select(Contact).where(Contact.participant_id == database.world.marlon)
                       .order_by(Contact.id.desc())).first()
        assert (c.method, c.at, c.minutes, c.by, c.note) == (
            ContactMethod.in_person, FIXED_NOW.replace(second=0), 40, "tester", "met at the barbershop, lease forms")
        # No longer overdue: the next contact is due in four days (two a week).
        assert screen.current_row().person == "Marlon Teague" and not screen.current_row().overdue
        assert str(screen.query_one("#cl-summary").render()).startswith("4 participants, 1 overdue")


async def test_the_stage_moves_from_the_caseload(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(app, pilot)
        await to_person(app, pilot, "Marlon Teague")  # active: engaging, planning, sustaining offered
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        row = all_in.participant_view(database, database.world.marlon).row
        assert (row.stage, row.stage_on) == (Stage.sustaining, FIXED_NOW.date())
        assert "Marlon Teague is now sustaining" in messages(app)


async def test_a_stage_changed_by_another_instance_is_refused_not_overwritten(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(app, pilot)
        await to_person(app, pilot, "Marlon Teague")
        seen = app.screen.current_row().version
        # Another desk moves him meanwhile.
        all_in.set_stage(database, database.world.marlon, Stage.planning, version=seen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s")  # engaging, against the version this screen showed
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert any("changed by someone else" in m for m in messages(app))
        assert all_in.participant_view(database, database.world.marlon).row.stage == Stage.planning
        assert app.screen.current_row().stage == Stage.planning  # redrawn as it is now


# --------------------------------------------------------------------------- the desk and the shared screen


async def test_the_full_desk_is_told_the_caseload_is_for_program_staff_and_nothing_opens(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert HIDDEN_DESK in messages(app)
        assert HIDDEN_DESK == ("The caseload holds VIP All In service records, for program staff only: "
                               "start vip with --desk services")


async def test_presenting_hides_the_caseload_and_brings_it_back(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caseload(app, pilot)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert HIDDEN_PRESENTING in text
        for name in NAMES + (ROSA, DEV):
            assert name not in text
        assert screen.check_action("contact", ()) is None  # no key reaches a record it does not show
        await pilot.press("f2")
        await settle(pilot)
        assert HIDDEN_PRESENTING not in screen_text(app)
        assert people(app) == ["Kiana Brightwater", "Terrell Ashdown", "Marlon Teague", "Jalen Whitcombe"]


async def test_presenting_on_the_meetings_screen_keeps_the_caseload_shut(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", "c")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert HIDDEN_PRESENTING in messages(app)


async def _palette(app, pilot, query: str) -> list[str]:  # noqa: ANN001
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await type_text(pilot, query)
    await until(pilot, lambda: palette_hits(app) > 0, "a hit in the palette")
    await settle(pilot)
    return [str(o.prompt) for o in app.screen.query_one("CommandList")._options]  # noqa: SLF001


async def test_the_palette_finds_a_participant_at_the_services_desk_and_opens_them(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await _palette(app, pilot, "teague")
        assert any("VIP All In participant" in h and "coach Rosa Quintanilla · active" in h for h in hits)
        participant = next(i for i, h in enumerate(hits) if "VIP All In participant" in h)
        await pilot.press(*["down"] * participant, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantScreen)
        assert app.screen.participant_id == database.world.marlon


@pytest.mark.parametrize("presenting", [False, True])
async def test_the_palette_finds_no_participant_at_the_full_desk_nor_while_presenting(
    database, presenting: bool  # noqa: ANN001
) -> None:
    app = make_app(database, desk="full" if not presenting else "services")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if presenting:
            await pilot.press("f2")
            await settle(pilot)
        hits = await _palette(app, pilot, "teague")
        assert hits  # the person is found, as every person is
        assert not any("VIP All In" in h or "Rosa" in h for h in hits)


# --------------------------------------------------------------------------- the look


def _snap(app, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_caseload(app, pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_caseload_looks_right(snap_compare, database, size) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    assert snap_compare(app, terminal_size=size, run_before=_snap(app, "j", "j"))


def test_walk_in_form_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, "w"))


# --------------------------------------------------------------------------- keys: help and palette


@pytest.mark.parametrize("where", ["caseload", "participant"])
async def test_every_key_has_an_id_is_in_the_help_and_in_the_palette(database, where: str) -> None:  # noqa: ANN001
    from tests.test_tui_keys import _bindings
    from textual.widgets import Markdown

    from vip_tui.screens.help import HelpScreen

    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(app, pilot)
        if where == "participant":
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ParticipantScreen)
        screen = app.screen
        own = [b for bs in type(screen)._merge_bindings().key_to_bindings.values() for b in bs]  # noqa: SLF001
        for b in own:
            assert b.description, f"{b.key} has no description"
            assert b.id or b.action.startswith(("screen.copy", "app.focus")), f"{b.key} has no id"
        palette = [c.title for c in app.get_system_commands(screen)]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {line for line in app.screen.query_one(Markdown).source.splitlines() if line.startswith("| `")}
        for b in _bindings(screen):
            if b.key in ("ctrl+c", "super+c") and b.action in ("app.quit", "app.help_quit") or not b.description:
                continue
            key = app.get_key_display(b)
            assert any(f"| {b.description} |" in r and key in r.split("|")[1] for r in rows), f"{key} not in help"
        for b in own:
            if b.action not in ("back", "app.help"):
                assert b.description in palette, f"{b.description} not in the palette"
        await pilot.press("escape")
        assert app.screen is screen


async def test_names_and_coaches_that_look_like_markup_show_literally(database) -> None:  # noqa: ANN001
    hostile = "[@click=app.quit]Zed[/]"  # as wide as the person column
    all_in.enroll_walk_in(database, hostile, coach="[i]Co\x1b[31m[/i]", cadence=1)
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caseload(app, pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Zed[/]" in text
        assert "[i]Co␛[31m[/i]" in text and "\x1b" not in text
        await to_person(app, pilot, hostile)
        await pilot.press("enter")
        await settle(pilot)
        assert "[@click=app.quit]Zed[/] · episode 1" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        while "[i]" not in screen.sub_title:
            await pilot.press("b")
            await settle(pilot)
        assert screen.sub_title == "VIP All In caseload · coach [i]Co␛[31m[/i]"
        assert people(app) == [hostile]
        assert app.is_running
