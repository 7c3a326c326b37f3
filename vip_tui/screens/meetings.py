"""Meetings: every review, in progress first, then draft, then closed, with their counts."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from ..enums import MeetingStatus
from ..services.meeting_list import MeetingSummary, list_meetings
from ..widgets import text as shown
from ..widgets.vim import VimTable
from .base import COMMON_BINDINGS, VipScreen

# The status words are MeetingStatus.label, the same as `vip meetings` prints (issue 13 item 8).
GROUP_ORDER = {MeetingStatus.in_progress.label: 0, MeetingStatus.draft.label: 1, MeetingStatus.closed.label: 2}
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

Every weekly review in the database: in progress first, then draft (soonest
first), then closed (latest first). Each row shows the incidents on the agenda
and the action items and notifications from that meeting still open.

`enter` opens a meeting where it stands: a draft one at attendance, one in
progress at the incident review, a closed one at its wrap-up. `s` starts a
draft meeting (its clock and pace start) and opens attendance. `i` imports
an agenda file (TOML or CSV) picked in a file tree: every problem is listed
with its line and nothing is imported unless the whole file is sound; a
preview shows what the import would create and update before it is applied.
`n` creates a meeting for a date and `b` opens the highlighted meeting's
agenda in the agenda builder (incidents, persons, budgets, invitees, the
pre-read). `N` opens the notifications board (follow every custom notification
and referral to its outcome) and `f` the program figures. `c` opens VIP All In's caseload (peer support
and social services) at the services desk only (`vip --desk services`).
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The table's own enter opens too (RowSelected); `o` puts "Open" in the footer.
        Binding("o,enter", "open", "Open", id="meetings.open"),
        Binding("s", "start", "Start", id="meetings.start", tooltip="Start the highlighted meeting"),
        Binding("i", "import_agenda", "Import", id="meetings.import",
                tooltip="Pick a TOML or CSV agenda file, see its problems or a preview, then import it"),
        Binding("n", "new_meeting", "New", id="meetings.new", tooltip="Create a meeting for a date"),
        Binding("b", "build", "Build", id="meetings.build",
                tooltip="Open the highlighted meeting in the agenda builder"),
        Binding("r", "refresh", "Refresh", id="meetings.refresh", show=False),
        Binding("q", "app.quit", "Quit", id="meetings.quit"),
        Binding("N", "notifications", "Notifications", id="meetings.notifications",
                tooltip="Follow notifications and referrals to their outcome"),
        Binding("f", "figures", "Figures", id="meetings.figures",
                tooltip="Program figures: shootings per week, notifications, follow-through"),
        Binding("c", "caseload", "Caseload", id="meetings.caseload",
                tooltip="VIP All In's caseload (services desk only)"),
        *COMMON_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.meetings: dict[str, MeetingSummary] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield VimTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="meetings-hint", classes="empty-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Date", key="date")
        table.add_column("No.", key="number")
        table.add_column("Status", key="status")
        table.add_column("Title", key="title")
        table.add_column("Items", key="items")
        table.add_column("Open actions", key="actions")
        table.add_column("Open notifications", key="notifications")
        # Not loaded here: on_screen_resume follows at once and loads (both drew the list twice).

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
                # Stored text as a Text cell: a DataTable reads a str cell as markup (issue 12).
                shown.plain(m.shown_title),
                str(m.items),
                str(m.open_actions),
                str(m.open_notifications),
                key=str(m.id),
            )
        if selected is not None and str(selected.id) in self.meetings:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        hint = self.query_one("#meetings-hint", Static)
        hint.update("" if rows else "No meetings yet. Press i to import an agenda file (TOML or CSV), "
                    "or n to start a new meeting and build its agenda.")
        hint.display = not rows
        # The first screen is up: the ORM can load now, in the background.
        self.call_after_refresh(self.app.warm_up)

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

    async def action_start(self) -> None:
        from ..services.guard import ServiceError
        from ..services.meetings import start_meeting

        m = self._selected()
        if m is None:
            return
        if m.status == MeetingStatus.closed:
            self.notify("This meeting is closed", severity="warning")
            return
        try:
            await self.written(start_meeting, self.app.db, m.id, version=m.version)
        except ServiceError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.load()  # as it is now (another instance may have changed the meeting)
            return
        self.app.open_stage(m.id, "attendance")

    def action_refresh(self) -> None:
        self.load()

    def action_notifications(self) -> None:
        from .notifications import NotificationsScreen

        self.app.push_screen(NotificationsScreen())

    def action_figures(self) -> None:
        self.app.open_figures()

    def action_caseload(self) -> None:
        from ..widgets.all_in_forms import hidden_reason

        reason = hidden_reason(self.app)
        if reason is not None:  # service records: the services desk only, never while presenting
            self.notify(reason, severity="warning", timeout=8)
            return
        from .caseload import open_caseload

        open_caseload(self.app)

    def action_import_agenda(self) -> None:
        from .agenda_import import AgendaImportScreen

        self.app.push_screen(AgendaImportScreen())

    def action_new_meeting(self) -> None:
        from ..services.agenda_builder import create_meeting
        from ..services.guard import ServiceError
        from ..widgets.agenda_forms import new_meeting_form

        created: list[int] = []

        async def save(values: dict[str, str]) -> str | None:
            try:
                created.append(await self.written(create_meeting, self.app.db, values))
            except ServiceError as exc:
                return str(exc)
            return None

        def done(values: dict[str, str] | None) -> None:
            if values is not None and created:
                self.open_builder(created[-1])

        today = self.app.now().date()
        next_week = today + dt.timedelta(days=7)
        self.app.push_screen(new_meeting_form(next_week.isoformat(), save), done)

    def action_build(self) -> None:
        m = self._selected()
        if m is not None:
            self.open_builder(m.id)

    def open_builder(self, meeting_id: int) -> None:
        from .agenda_builder import AgendaBuilderScreen

        self.app.push_screen(AgendaBuilderScreen(meeting_id))


def _list_order(m: MeetingSummary) -> tuple[int, int]:
    # Draft meetings soonest first; closed ones most recent first.
    ordinal = m.date.toordinal()
    return GROUP_ORDER[m.when], -ordinal if m.when == "closed" else ordinal
