"""Meetings: every review, in progress first, then upcoming, then closed, with their counts."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Static

from ..enums import MeetingStatus
from ..services.meetings import MeetingSummary, list_meetings
from ..widgets.dialogs import Field, FormDialog
from .base import COMMON_BINDINGS, VipScreen

GROUP_ORDER = {"in progress": 0, "upcoming": 1, "closed": 2}
# Where opening a meeting lands, by its status.
OPEN_STAGE = {
    MeetingStatus.draft: "attendance",
    MeetingStatus.in_progress: "review",
    MeetingStatus.closed: "wrap_up",
}


class MeetingsScreen(VipScreen, inherit_bindings=False):
    """The first screen: the list of meetings."""

    HELP = """
## Meetings

Every weekly review in the database: in progress first, then upcoming (soonest
first), then closed (latest first). Each row shows the incidents on the agenda
and the action items and notifications from that meeting still open.

`enter` opens a meeting where it stands: an upcoming one at attendance, one in
progress at the incident review, a closed one at its wrap-up. `s` starts an
upcoming meeting (its clock and pace start) and opens attendance. `i` imports
an agenda file (TOML or CSV): every problem is listed and nothing is imported
unless the whole file is sound.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The table's own enter opens too (RowSelected); `o` puts "Open" in the footer.
        Binding("o,enter", "open", "Open", id="meetings.open"),
        Binding("s", "start", "Start", id="meetings.start", tooltip="Start the highlighted meeting"),
        Binding("i", "import_agenda", "Import agenda", id="meetings.import"),
        Binding("r", "refresh", "Refresh", id="meetings.refresh"),
        Binding("j", "cursor_down", "Down", show=False, id="meetings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="meetings.up"),
        Binding("q", "app.quit", "Quit", id="meetings.quit"),
        *COMMON_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.meetings: dict[str, MeetingSummary] = {}

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

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="meetings")
    def load(self) -> None:
        rows = list_meetings(self.app.db)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[MeetingSummary]) -> None:
        table = self.query_one(DataTable)
        selected = self._selected()
        table.clear()
        self.meetings = {}
        for m in sorted(rows, key=_list_order):
            self.meetings[str(m.id)] = m
            table.add_row(
                m.date.isoformat(),
                str(m.number),
                m.when,
                m.title or "Weekly Shooting Review",
                str(m.items),
                str(m.open_actions),
                str(m.open_notifications),
                key=str(m.id),
            )
        if selected is not None and str(selected.id) in self.meetings:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        hint = self.query_one("#meetings-hint", Static)
        hint.update("" if rows else "No meetings yet. Press i to import an agenda file (TOML or CSV).")
        hint.display = not rows

    def _selected(self) -> MeetingSummary | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.meetings.get(str(key))

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        m = self._selected()
        if m is not None:
            self.app.open_stage(m.id, OPEN_STAGE[m.status])

    def action_start(self) -> None:
        from ..services.review import ReviewError, start_meeting

        m = self._selected()
        if m is None:
            return
        if m.status == MeetingStatus.closed:
            self.notify("This meeting is closed", severity="warning")
            return
        try:
            start_meeting(self.app.db, m.id)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.open_stage(m.id, "attendance")

    def action_refresh(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_import_agenda(self) -> None:
        def chosen(values: dict | None) -> None:
            if values:
                paths = [Path(p).expanduser() for p in str(values["paths"]).split()]
                self.import_files(paths)

        self.app.push_screen(
            FormDialog(
                "Import agenda",
                [Field("paths", "Agenda file(s), TOML or CSV", required=True,
                       placeholder="agendas/week4-2026-12-01.csv (several: separate with spaces)")],
                today=self.app.now().date(),
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def import_files(self, paths: list[Path]) -> None:
        from ..agenda.importer import import_files
        from ..agenda.parse import AgendaErrors

        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            lines, ok = [f"file not found: {m}" for m in missing], False
        else:
            try:
                report = import_files(self.app.db, paths)
                lines, ok = report.lines() + [str(w) for w in report.warnings], True
            except AgendaErrors as exc:
                lines, ok = [str(p) for p in exc.problems], False
        self.app.call_from_thread(self._imported, lines, ok)

    def _imported(self, lines: list[str], ok: bool) -> None:
        self.app.push_screen(ImportResult(lines, ok))
        if ok:
            self.load()


class ImportResult(ModalScreen[None]):
    """What an import did, or every problem that stopped it (nothing was imported then)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close", id="import.close")]
    DEFAULT_CSS = """
    ImportResult { align: center middle; }
    ImportResult > VerticalScroll {
        width: 100; max-width: 96%; height: auto; max-height: 90%; background: $surface; padding: 0 1;
        border: thick $success;
    }
    ImportResult.-failed > VerticalScroll { border: thick $error; }
    """

    def __init__(self, lines: list[str], ok: bool) -> None:
        super().__init__()
        self.lines = lines
        self.ok = ok

    def compose(self) -> ComposeResult:
        self.set_class(not self.ok, "-failed")
        title = "Imported" if self.ok else f"Not imported: {len(self.lines)} problem(s); nothing was changed"
        with VerticalScroll() as box:
            box.border_title = title
            # Problems quote field paths like incidents[2]: plain text, never markup.
            yield Static(Text("\n".join(self.lines)) + Text("\n\nenter or escape to close", style="dim"))


def _list_order(m: MeetingSummary) -> tuple[int, int]:
    # Upcoming meetings soonest first; closed ones most recent first.
    ordinal = m.date.toordinal()
    return GROUP_ORDER[m.when], -ordinal if m.when == "closed" else ordinal
