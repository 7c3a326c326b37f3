"""j/k/g/G move in the list that has focus, on every screen that lists rows (widgets/vim.py, declared once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, DirectoryTree, OptionList

from tests.conftest import AGENDAS
from tests.tui_helpers import meeting_id, sample_database, settle, until
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.screens.agenda_builder import AgendaBuilderScreen
from vip_tui.screens.agenda_import import AgendaImportScreen
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.referrals import ReferralsScreen
from vip_tui.screens.release import ReleaseReviewScreen

SIZE = (120, 36)
# The first meeting of the demo's history: held and closed, with decisions and partner-minutes passages.
HELD = dt.date(2026, 11, 10)


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


def _cursor(widget: Widget) -> int | None:
    if isinstance(widget, DataTable):
        return widget.cursor_row
    if isinstance(widget, OptionList):
        return widget.highlighted
    assert isinstance(widget, DirectoryTree)
    return widget.cursor_line


def _length(widget: Widget) -> int:
    if isinstance(widget, DataTable):
        return widget.row_count
    if isinstance(widget, OptionList):
        return widget.option_count
    assert isinstance(widget, DirectoryTree)
    return widget.last_line + 1


async def _open(app, pilot, where: str) -> None:  # noqa: ANN001
    await settle(pilot)
    db = app.db
    if where in ("attendance", "old_business"):
        app.open_stage(meeting_id(db), where)
    elif where == "wrap_up":
        app.open_stage(meeting_id(db, HELD), where)
    elif where == "notifications":
        app.push_screen(NotificationsScreen())
    elif where == "referrals":
        app.push_screen(ReferralsScreen())
    elif where == "release":
        app.push_screen(ReleaseReviewScreen(meeting_id(db, HELD)))
    elif where == "builder":
        app.push_screen(AgendaBuilderScreen(meeting_id(db)))
    elif where == "import":
        app.push_screen(AgendaImportScreen(folder=AGENDAS))
        # The tree's loader worker lives as long as the tree: wait for its lines, not for every worker.
        await until(pilot, lambda: isinstance(app.screen, AgendaImportScreen), "the import screen")
        await until(pilot, lambda: any(t.last_line >= 3 for t in app.screen.query(DirectoryTree)), "the agenda files")
        return
    await settle(pilot)
    if where == "release":
        await until(pilot, lambda: bool(app.screen.passages), "the passages")
    await settle(pilot)


@pytest.mark.parametrize(
    "where",
    ["meetings", "attendance", "old_business", "wrap_up", "notifications", "referrals", "release", "builder", "import"],
)
async def test_j_k_g_G_move_in_the_focused_list(database, where: str) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, where)
        listing = app.screen.focused
        assert listing is not None, f"{where}: nothing has focus"
        length = _length(listing)
        assert length >= 3, f"{where}: too few rows to move in ({length})"
        await pilot.press("g")
        start = _cursor(listing)
        await pilot.press("j", "j", "j", "k")
        assert _cursor(listing) == start + 2, where
        await pilot.press("G")
        assert _cursor(listing) == length - 1, where
        await pilot.press("g")
        assert _cursor(listing) == start, where
