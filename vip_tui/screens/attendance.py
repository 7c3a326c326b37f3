"""Attendance: the invitees by agency, marked present / remote / absent with one key each."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..enums import Attendance, MeetingStatus
from ..services.attendance import AttendanceRow, add_walk_in, agency_short_names, attendance, set_attendance
from ..services.guard import ServiceError, StaleEdit
from ..services.meetings import get_meeting
from ..widgets.dialogs import Field, FormDialog
from ..widgets import text as shown
from ..widgets.vim import VimTable
from .base import COMMON_BINDINGS, STAGE_BINDINGS, MeetingStageScreen
from .old_business import theme_colour

STATUS_WORDS = {
    Attendance.invited: "—",
    Attendance.present: "present",
    Attendance.remote: "remote",
    Attendance.absent: "absent",
}
# Theme variable that colours each status word.
STATUS_COLOURS = {
    Attendance.present: "text-success",
    Attendance.remote: "text-primary",
    Attendance.absent: "text-warning",
}


def summary_line(rows: list[AttendanceRow]) -> str:
    counts = {status: 0 for status in Attendance}
    for row in rows:
        counts[row.status] += 1
    return (
        f"{counts[Attendance.present]} present · {counts[Attendance.remote]} remote · "
        f"{counts[Attendance.absent]} absent · {counts[Attendance.invited]} not marked"
    )


class AttendanceScreen(MeetingStageScreen, inherit_bindings=False):
    """Stage 1: who is in the room, who dialled in, who is missing."""

    STAGE = "attendance"

    HELP = """
## Attendance

The meeting's invitees, by agency. Mark each person with one key; the cursor
moves down to the next person, so you can go down the list pressing one key
a person. Every mark is saved at once.

Someone who came without an invitation is a **walk-in**: press `w`, type the
name, the agency (→ accepts the suggested agency; a new agency is added) and,
if you like, the role. Walk-ins are marked present.

A closed meeting is read-only: the marking keys say so (corrections are
amendments, made from the wrap-up).
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "Present", id="attendance.present",
                tooltip="Mark present and move down"),
        Binding("r", "mark('remote')", "Remote", id="attendance.remote",
                tooltip="Mark remote (joined by phone or video) and move down"),
        Binding("a", "mark('absent')", "Absent", id="attendance.absent",
                tooltip="Mark absent and move down"),
        Binding("w", "walk_in", "Walk-in", id="attendance.walk_in",
                tooltip="Add someone who came without an invitation"),
        *STAGE_BINDINGS,
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    AttendanceScreen #attendance-summary { height: 1; padding: 0 1; text-style: bold; }
    AttendanceScreen #attendance-state { height: 1; padding: 0 1; color: $text-muted; }
    AttendanceScreen #attendance-state.-closed { color: $warning; text-style: bold; }
    """

    closed: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, meeting_id: int, **_: Any) -> None:
        super().__init__(meeting_id)
        self.rows: list[AttendanceRow] = []
        self.agencies: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="attendance-summary")
        yield Static("", id="attendance-state")
        yield VimTable(id="attendance", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Agency", key="agency")
        table.add_column("Name", key="name")
        # Status before the role: a long role is cut at the screen's edge, never the status (issue 13, 80x24).
        table.add_column("Status", key="status")
        table.add_column("Role", key="role")
        self.load()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="attendance")
    def load(self, select_id: int | None = None) -> None:
        try:
            meeting = get_meeting(self.app.db, self.meeting_id)
            rows = attendance(self.app.db, self.meeting_id)
            agencies = agency_short_names(self.app.db)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the screen stays usable
            self.notify(f"Could not load attendance: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, meeting, rows, agencies, select_id)

    def show(self, meeting: Any, rows: list[AttendanceRow], agencies: list[str], select_id: int | None) -> None:
        self.closed = meeting.status == MeetingStatus.closed
        self.sub_title = f"Meeting {meeting.number} · {meeting.date:%a %d %b %Y} · attendance"
        state = self.query_one("#attendance-state", Static)
        if self.closed:
            at = meeting.closed_at.strftime("%H:%M") if meeting.closed_at else "?"
            state.update(f"Closed at {at} — read-only")
        else:
            state.update("p present · r remote · a absent (then the next row) · w add a walk-in")
        state.set_class(self.closed, "-closed")
        self.rows = rows
        self.agencies = agencies
        table = self.query_one(DataTable)
        keep = select_id if select_id is not None else self._current_id()
        table.clear()
        previous_agency = None
        for row in rows:
            agency = row.agency if row.agency != previous_agency else ""
            previous_agency = row.agency
            table.add_row(*self._cells(row, agency), key=str(row.id))
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self._update_summary()
        if not rows:
            self.query_one("#attendance-summary", Static).update(
                "No invitees." if self.closed else "No invitees yet. Press w to add whoever is here."
            )

    def _cells(self, row: AttendanceRow, agency: str) -> tuple[Text, Text, Text, Text]:
        name = shown.plain(row.name)
        if row.walk_in:
            name.append("  walk-in", style="italic dim")
        return shown.plain(agency, style="bold"), name, self._status_cell(row.status), shown.plain(row.role or "")

    def _status_cell(self, status: Attendance) -> Text:
        colour = STATUS_COLOURS.get(status)
        style = theme_colour(self, colour) if colour else "dim"
        return Text(STATUS_WORDS[status], style=style)

    def _update_summary(self) -> None:
        self.query_one("#attendance-summary", Static).update(summary_line(self.rows))

    def _version(self, attendance_id: int) -> int | None:
        return next((r.version for r in self.rows if r.id == attendance_id), None)

    def _current_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # ------------------------------------------------------------------ keys

    # In a closed meeting the marking keys stay shown and say why they do nothing (say_closed).

    async def action_mark(self, status: str) -> None:
        table = self.query_one(DataTable)
        attendance_id = self._current_id()
        if attendance_id is None or self.say_closed(self.closed):
            return
        new = Attendance(status)
        try:
            version = await self.written(set_attendance, self.app.db, attendance_id, new,
                                         version=self._version(attendance_id))
        except ServiceError as exc:
            self.notify(str(exc), severity="error", markup=False)
            if isinstance(exc, StaleEdit):
                self.load(select_id=attendance_id)  # show what the other instance wrote, as the message says
            return
        index = table.cursor_row
        self.rows = [dataclasses.replace(r, status=new, version=version) if r.id == attendance_id else r for r in self.rows]
        table.update_cell(str(attendance_id), "status", self._status_cell(new), update_width=True)
        self._update_summary()
        if index < table.row_count - 1:
            table.move_cursor(row=index + 1)

    def action_walk_in(self) -> None:
        if self.say_closed(self.closed):
            return
        fields = [
            Field("name", "Name", required=True, placeholder="as they introduce themselves"),
            Field("agency", "Agency", required=True, suggestions=self.agencies,
                  placeholder="short name, e.g. " + (self.agencies[0] if self.agencies else "RMPD")),
            Field("role", "Role", placeholder="optional"),
        ]
        hint = (
            "→ accepts the suggested agency · a new agency is added to the list\n"
            "enter: next field · ctrl+s: save · escape: cancel"
        )
        self.app.push_screen(
            FormDialog("Add a walk-in (marked present)", fields, today=self.app.now().date(), hint=hint),
            self._walk_in_done,
        )

    async def _walk_in_done(self, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            row = await self.written(
                add_walk_in, self.app.db, self.meeting_id, values["name"], values["agency"], values.get("role")
            )
        except ServiceError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        new_agency = row.agency.casefold() not in {a.casefold() for a in self.agencies}
        added = f"{row.name} ({row.agency}) added, present" + (f"; new agency {row.agency}" if new_agency else "")
        if row.role_was is not None:
            added += f"; role updated from {row.role_was} to {row.role}"
        self.notify(added, markup=False)
        self.load(select_id=row.id)
