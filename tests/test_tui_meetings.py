"""The first screen: the meetings list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.conftest import AGENDAS
from vip_tui.agenda.importer import import_files
from vip_tui.app import make_app
from vip_tui.db import open_database


@pytest.fixture
def demo_db(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    import_files(database, sorted(AGENDAS.glob("week*")))
    return database


async def test_meetings_are_listed_with_their_counts(demo_db) -> None:  # noqa: ANN001
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 4
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["2026-11-10", "2026-11-17", "2026-11-24", "2026-12-01"]
        assert [r[4] for r in rows] == ["6", "6", "6", "6"]
        await pilot.press("j", "j")
        assert table.cursor_row == 2


async def test_an_empty_database_says_how_to_start(tmp_path: Path) -> None:
    app = make_app(str(tmp_path / "new.db"))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        hint = app.screen.query_one("#meetings-hint")
        assert hint.display
        assert "Press i to import an agenda" in str(hint.render())


def test_meetings_screen_looks_right(snap_compare, demo_db) -> None:  # noqa: ANN001
    app = make_app(demo_db)

    async def settle(pilot) -> None:  # noqa: ANN001
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)


async def test_the_tui_and_vip_meetings_say_the_same_status_and_title(demo_db) -> None:  # noqa: ANN001
    """One vocabulary (issue 13 item 8): the list and `vip meetings` show the same words, and a title for each."""
    import datetime as dt

    from click.testing import CliRunner
    from sqlmodel import select

    from vip_tui.cli import main
    from vip_tui.enums import MeetingStatus
    from vip_tui.models import Meeting

    with demo_db.transaction() as s:
        meetings = {m.date: m for m in s.exec(select(Meeting)).all()}
        meetings[dt.date(2026, 11, 10)].status = MeetingStatus.closed
        meetings[dt.date(2026, 11, 17)].status = MeetingStatus.in_progress
        meetings[dt.date(2026, 11, 24)].title = None  # an agenda without a title
    cli = CliRunner().invoke(main, ["--db", str(demo_db.sqlite_path), "meetings"], catch_exceptions=False)
    assert cli.exit_code == 0, cli.stderr
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        tui = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
    words = {}
    for line in cli.stdout.splitlines()[2:]:
        date = line.split()[0]
        row = tui[date]
        status, title = str(row[2]), str(row[3])
        assert f"  {status}  " in line and line.rstrip().endswith(title), (line, status, title)
        words[date] = (status, title)
    assert words["2026-11-10"][0] == "closed"
    assert words["2026-11-17"][0] == "in progress"
    assert words["2026-12-01"][0] == "draft"  # the stored status's word (SPEC §2), never "upcoming"
    assert words["2026-11-24"] == ("draft", "Weekly Shooting Review")
