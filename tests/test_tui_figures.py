"""The program figures screen: loads in a worker, `w` cycles the weeks, `r` reloads, every key in help; its looks."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from tests.test_figures import Build, build_program
from tests.tui_helpers import settle
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.enums import IncidentType
from vip_tui.screens.figures import FiguresScreen, Series, WeekBars
from vip_tui.screens.help import HelpScreen
from vip_tui.screens.meetings import MeetingsScreen

SIZE = (120, 36)


@pytest.fixture
def program_db(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    build_program(database)
    yield database
    database.dispose()


async def _open_figures(app, pilot) -> FiguresScreen:  # noqa: ANN001
    await settle(pilot)
    app.push_screen(FiguresScreen())
    await settle(pilot)
    assert isinstance(app.screen, FiguresScreen)
    return app.screen


def _text(screen: FiguresScreen, selector: str) -> str:
    """What a panel shows, as plain text at the width it has on screen."""
    from rich.console import Console

    widget = screen.query_one(selector, Static)
    console = Console(width=widget.content_region.width, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_the_figures_load_in_a_worker_and_show_every_figure(program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        assert screen.figures is not None and screen.figures.weeks == 12
        assert screen.sub_title == "Program figures · last 12 weeks"
        assert "last 12 weeks: 2026-09-07 to 2026-11-29" in _text(screen, "#figures-window")
        by_type = _text(screen, "#figures-by-type").splitlines()
        assert [line.split()[0] for line in by_type[:5]] == ["homicide", "non", "shots", "other", "all"]
        assert by_type[4].split()[-1] == "59"  # every shooting of the twelve weeks
        assert "█ = 9 shootings a week, · = none" in by_type[-1]
        by_area = _text(screen, "#figures-by-area")
        assert "Southeast" in by_area and "no area command" in by_area
        notifications = " ".join(_text(screen, "#figures-notifications").split())
        assert "Delivery rate: 57% delivered (4 of 7 notifications with an outcome)" in notifications
        follow = " ".join(_text(screen, "#figures-follow-through").split())
        assert "67% accepted (2 of 3 people with a delivered notification)" in follow
        assert "64% closed (9 of 14 action items)" in follow


async def test_w_cycles_12_26_52_weeks(program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        seen = []
        for _ in range(3):
            await pilot.press("w")
            await settle(pilot)
            seen.append((screen.weeks, screen.figures.weeks, len(screen.figures.week_starts),
                         screen.has_class("-wide"), screen.sub_title))
        assert seen == [
            (26, 26, 26, False, "Program figures · last 26 weeks"),
            (52, 52, 52, True, "Program figures · last 52 weeks"),
            (12, 12, 12, False, "Program figures · last 12 weeks"),
        ]


async def test_r_reloads_what_changed_meanwhile(program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        before = screen.figures.shootings_total[-1]
        Build(program_db).incident(dt.datetime(2026, 11, 24, 2, 0), IncidentType.homicide, "Valley")
        await pilot.press("r")
        await settle(pilot)
        assert screen.figures.shootings_total[-1] == before + 1


async def test_escape_goes_back_to_the_meetings(program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_figures(app, pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)


async def test_every_figures_key_is_in_its_help(program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = [line for line in app.screen.query_one(Markdown).source.splitlines() if line.startswith("| `")]
        for binding in FiguresScreen._merge_bindings().key_to_bindings.values():  # noqa: SLF001
            for b in binding:
                assert b.description, b
                if not b.action.startswith(("app.", "screen.")):
                    assert b.id, f"{b.key} has no id"
                key = app.get_key_display(b)
                assert any(f"| {b.description} |" in r and key in r.split("|")[1] for r in rows), b
        await pilot.press("escape")
        assert app.screen is screen


def test_week_bars_fit_the_width_they_get() -> None:
    from rich.console import Console

    starts = [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(52)]
    bars = WeekBars([Series("homicide", [0] * 50 + [2, 4]), Series("all", [1] * 50 + [2, 8])], starts)
    console = Console(width=40, record=True, color_system=None)
    console.print(bars)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 40 for line in lines)
    # Only the most recent weeks fit: the axis says the start is cut off, the totals stay whole.
    assert lines[2].lstrip().startswith("…")
    assert lines[0].split()[-1] == "6" and lines[1].split()[-1] == "60"
    assert lines[0] == "homicide " + "·" * 25 + "▂▄" + "  6"
    assert lines[1] == "all      " + "▁" * 25 + "▂█" + " 60"
    assert lines[3] == "█ = 8 shootings a week, · = none"


def test_figures_look_right(snap_compare, program_db) -> None:  # noqa: ANN001
    app = make_app(program_db)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_figures(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_f_on_the_meetings_shows_the_figures_with_their_data_in_their_first_frame(program_db) -> None:  # noqa: ANN001
    # Loaded before the push (VipApp.open_figures): a load under the screen being drawn took 4x as long (issue 14).
    app = make_app(program_db)
    first: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        original = FiguresScreen._compositor_refresh

        def compositor_refresh(screen) -> None:  # noqa: ANN001
            if isinstance(screen, FiguresScreen) and not first:
                first.append(str(screen.query_one("#figures-window", Static).content))
            original(screen)

        FiguresScreen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
        try:
            await pilot.press("f")
            await settle(pilot)
        finally:
            del FiguresScreen._compositor_refresh
        assert isinstance(app.screen, FiguresScreen)
    assert first and first[0].startswith("Figures on "), first


# --------------------------------------------------------------------------- VIP All In (issue 15 item 6)


@pytest.fixture
def all_in_db(program_db):  # noqa: ANN001, ANN201
    from tests.test_all_in_figures import build_all_in

    build_all_in(program_db)
    return program_db


async def _all_in_text(app, pilot) -> str:  # noqa: ANN001
    from tests.tui_helpers import until

    screen = app.screen
    await until(pilot, lambda: screen.all_in is not None and screen.all_in.weeks == screen.weeks,
                "the VIP All In figures of the weeks shown")
    await settle(pilot)
    return " ".join(_text(screen, "#figures-all-in").split())


@pytest.mark.parametrize("desk", ["full", "services"])
async def test_the_all_in_figures_show_at_every_desk_with_their_denominators(all_in_db, desk: str) -> None:  # noqa: ANN001
    app = make_app(all_in_db, desk=desk)
    async with app.run_test(size=SIZE) as pilot:
        await _open_figures(app, pilot)
        shown = await _all_in_text(app, pilot)
        assert "Enrolled, last 12 weeks 3 (6 all time)" in shown
        assert "Active today 3 (2 engaging, 1 active)" in shown
        assert "On cadence today 1 of 3 active participants not overdue (33.3%)" in shown
        assert "Needs met 1 of 3 needs at intake met (33.3%); 2 reassessed" in shown
        assert ("Later shooting, as victim or suspect within 6 months within 12 months "
                "participants, since enrolling 1 of 3 (33.3%) 2 of 3 (66.7%) "
                "notified, not enrolled 1 of 2 (50%) 2 of 2 (100%)") in shown
        for name in ("Quenneville", "Ollerenshaw", "Tennant", "couch-surfing"):  # counts, never a record
            assert name not in shown


async def test_w_gives_the_all_in_figures_of_the_other_weeks_and_r_reloads_them(all_in_db) -> None:  # noqa: ANN001
    from vip_tui.services import all_in

    app = make_app(all_in_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        await _all_in_text(app, pilot)
        await pilot.press("w")
        shown = await _all_in_text(app, pilot)
        assert screen.all_in.weeks == 26 and "Enrolled, last 26 weeks 3 (6 all time)" in shown
        all_in.enroll_walk_in(all_in_db, "Jo Featherstonehaugh", coach="Marisol Tennant")
        await pilot.press("r")
        shown = await _all_in_text(app, pilot)
        assert "Enrolled, last 26 weeks 4 (7 all time)" in shown and "Active today 4 (3 engaging" in shown


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_the_all_in_figures_look_right(snap_compare, all_in_db, size) -> None:  # noqa: ANN001
    app = make_app(all_in_db)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_figures(app, pilot)
        await _all_in_text(app, pilot)
        app.screen.query_one("#figures-all-in").scroll_visible(animate=False, top=True)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_all_in_figures_arriving_after_the_screen_closed_change_nothing(all_in_db) -> None:  # noqa: ANN001
    from vip_tui.services.all_in_figures import all_in_figures

    app = make_app(all_in_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(app, pilot)
        await _all_in_text(app, pilot)
        shown = screen.all_in
        await pilot.press("escape")
        await settle(pilot)
        screen._show_all_in(all_in_figures(all_in_db, today=dt.date(2026, 11, 24), weeks=12))  # noqa: SLF001
        assert screen.all_in is shown and isinstance(app.screen, MeetingsScreen)
