"""Keys: every binding of every screen is shown in its help; the palette finds people and cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Markdown

from tests.tui_helpers import meeting_id, palette_hits, sample_database, settle, type_text, until
from vip_tui.app import make_app
from vip_tui.screens.help import HelpScreen
from vip_tui.screens.person import PersonScreen
from vip_tui.services import meetings, search

STAGES = ["attendance", "old_business", "review", "wrap_up"]


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    meetings.start_meeting(db, meeting_id(db), version=None)
    yield db
    db.dispose()


async def _open(app, pilot, where: str) -> None:  # noqa: ANN001
    if where == "meetings":
        pass
    elif where == "person":
        [hit] = search.search_persons(app.db, "Rendón-Hale")
        app.open_person(hit.id)
    else:
        app.open_stage(meeting_id(app.db), where)
    await settle(pilot)


def _bindings(node) -> list[Binding]:  # noqa: ANN001
    """What Textual itself binds on ``node`` (its own merge of the class hierarchy), plus the app's."""
    out = []
    for source in (node, node.app):
        for bindings in type(source)._merge_bindings().key_to_bindings.values():  # noqa: SLF001
            out.extend(bindings)
    return out


@pytest.mark.parametrize("where", ["meetings", *STAGES, "person"])
async def test_every_binding_is_in_the_help(database, where: str) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot, where)
        screen = app.screen
        bindings = _bindings(screen)
        assert bindings
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        rows = {line for line in text.splitlines() if line.startswith("| `")}
        for b in bindings:
            if b.key in ("ctrl+c", "super+c") and b.action in ("app.quit", "app.help_quit"):
                continue  # Textual's own reminder that ctrl+q quits
            if not b.description:
                continue
            key = app.get_key_display(b)
            assert any(f"| {b.description} |" in r and key in r.split("|")[1] for r in rows), (
                f"{where}: {key} ({b.description}) missing from help"
            )
        await pilot.press("escape")
        assert app.screen is screen


@pytest.mark.parametrize("where", ["meetings", *STAGES, "person"])
def test_every_screen_binding_has_an_id_and_a_description(database, where: str) -> None:  # noqa: ANN001
    from vip_tui.screens.meetings import MeetingsScreen
    from vip_tui.screens.stages import SCREENS

    if where == "meetings":
        cls = MeetingsScreen
    elif where == "person":
        cls = PersonScreen
    else:
        module, name = SCREENS[where]
        cls = getattr(__import__(f"vip_tui.screens.{module}", fromlist=[name]), name)
    for bindings in cls._merge_bindings().key_to_bindings.values():  # noqa: SLF001
        for b in bindings:
            if b.action.startswith("screen.copy") or b.action.startswith("app.focus"):
                assert b.description
                continue
            assert b.id, f"{cls.__name__}: {b.key} has no id"
            assert b.description, f"{cls.__name__}: {b.key} has no description"


async def test_the_palette_finds_a_person_by_name_and_opens_the_profile(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "ibanez")
        await until(pilot, lambda: palette_hits(app) > 0, "a hit in the palette")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        profile = str(app.screen.query_one("#profile").render())
        assert "María-José Ibáñez" in profile
        assert "26-0091" in profile  # her week-4 involvement, found although the CSV spelt her "maria jose ibanez"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PersonScreen)


async def test_the_palette_finds_a_case_number_and_opens_its_review(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "0091213")
        await until(pilot, lambda: palette_hits(app) > 0, "a hit in the palette")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
        assert app.screen.detail.incident.case_number == "26-0091213"


async def test_the_palette_lists_the_screens_commands(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_stage(meeting_id(database), "review")
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Next", "Prev", "Discussed", "Defer", "Action", "Notify", "Refer", "Jump to", "Wrap-up"):
            assert title in commands


def test_help_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open(app, pilot, "review")
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_palette_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "rendon")
        await until(pilot, lambda: palette_hits(app) > 0, "a hit in the palette")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_person_profile_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open(app, pilot, "person")

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
