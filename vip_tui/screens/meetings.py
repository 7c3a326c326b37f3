"""Meetings: every review, upcoming first, with its item count and open decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ..services.meetings import MeetingSummary, list_meetings

if TYPE_CHECKING:
    from ..app import VipApp

GROUP_ORDER = {"in progress": 0, "upcoming": 1, "closed": 2}


class MeetingsScreen(Screen[None]):
    """The first screen: the list of meetings."""

    HELP = """
## Meetings

Every weekly review in the database: in progress first, then upcoming, then closed.
Each row shows the number of incidents on the agenda and the action items and
notifications from that meeting that are still open.
"""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="meetings.refresh"),
        Binding("q", "app.quit", "Quit", id="meetings.quit"),
        Binding("j", "cursor_down", "Down", show=False, id="meetings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="meetings.up"),
    ]

    app: "VipApp"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="meetings-hint", classes="empty-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Date", key="date")
        table.add_column("No.", key="number")
        table.add_column("Status", key="status")
        table.add_column("Title", key="title")
        table.add_column("Items", key="items")
        table.add_column("Open actions", key="actions")
        table.add_column("Open notifications", key="notifications")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="meetings")
    def load(self) -> None:
        rows = list_meetings(self.app.db)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[MeetingSummary]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for m in sorted(rows, key=_list_order):
            table.add_row(
                m.date.isoformat(),
                str(m.number),
                m.when,
                m.title or "",
                str(m.items),
                str(m.open_actions),
                str(m.open_notifications),
                key=str(m.id),
            )
        hint = self.query_one("#meetings-hint", Static)
        hint.update("" if rows else "No meetings yet. Import an agenda: vip agenda import FILE")
        hint.display = not rows

    def action_refresh(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()


def _list_order(m: MeetingSummary) -> tuple[int, int]:
    # Upcoming meetings soonest first; closed ones most recent first.
    ordinal = m.date.toordinal()
    return GROUP_ORDER[m.when], -ordinal if m.when == "closed" else ordinal
