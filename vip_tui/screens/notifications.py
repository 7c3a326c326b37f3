"""The notifications board: every custom notification, followed to its outcome between meetings.

Why the screen class is ~530 lines, over the ~400 of issue 14: 70 are its
help, keys and CSS; the rest are the six ways a notification moves along
(attempt, status, close, outcome, services, refer), each a form and its save,
and the filters. They share the row under the cursor, the undo record and the
reload, and each reads best beside the others; the table and its drawing are
already shared with referrals and old business (board.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..enums import (
    NOTIFICATION_TRANSITIONS, OPEN_NOTIFICATION_STATUSES, AttemptResult, EnrollSource, NotificationStatus,
)
from ..services import all_in
from ..services import notifications as svc
from ..services.guard import ServiceError, StaleEdit
from ..services.notifications import NotificationFilter, NotificationRow
from ..widgets import text as shown
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog
from ..widgets.enroll_form import open_enroll
from ..widgets.vim import VimTable
from .base import COMMON_BINDINGS, VipScreen
from . import decision_forms
from .board import BoardScreen
from .old_business import Col, cell, fit_columns, outcome_needed, theme_colour
from .undoing import UNDO_BINDING, UndoLast

COLUMNS = (
    Col("ref", "Ref", 6),
    Col("person", "Person", 22, narrow_cap=16),
    Col("status", "Status", 19, narrow_cap=12),
    Col("due", "Due", 18),
    Col("area", "Area", 10, wide_only=True),
    Col("team", "Team", None, minimum=11),
    Col("attempts", "Att", 3),
    Col("last", "Last attempt", 17, wide_only=True),
)
WIDE = 110  # below this many columns, Area and Last attempt move to the detail lines
DETAIL_ATTEMPTS = 3

# Actions about the highlighted notification.
ROW_ACTIONS = frozenset({"person", "attempt", "set_status", "close", "services", "outcome", "refer", "enroll"})

STATUS_WORDS = {svc.OPEN: "open (proposed, approved, assigned)", svc.CLOSED: "closed (any final status)"}


def short_team(row: NotificationRow) -> str:
    """``Ferreira +2``: the first member's surname and how many more (the detail lines show the whole team)."""
    members = row.team_members
    if not members:
        return "no team"
    more = f" +{len(members) - 1}" if len(members) > 1 else ""
    return members[0].split()[-1] + more


class NotificationsScreen(UndoLast, BoardScreen, inherit_bindings=False):
    """Every notification with its status, due date, team and attempts; filters and follow-up in place."""

    HELP = """
## Notifications

Every custom notification, open ones first (the most overdue at the top),
then the closed ones, latest first. An open notification past its due date
shows **N d overdue** in red. The lines under the table show the highlighted
notification: its reasons, team, services, outcome and latest attempts.

Follow-up, saved at once: `t` records an attempt (when, by whom, result,
letter or door hanger left, note); when its result ends the notification
(delivered, refused, not located, in custody…) you are offered that status.
`s` moves it to a status its lifecycle allows from where it is (proposed →
approved → assigned → delivered…); `c` closes it with how it ended and the
outcome; `v` writes the services offered and accepted; `o` the outcome.
A notification closed here is reported at the next meeting that is not
closed yet (its old business and minutes say so).

`u` undoes the last change made here (an attempt, a status, a close…),
and the one before if pressed again.

`r` refers the person to a service from this notification; `R` opens the
referrals. `enter` (or `p`) opens the person's profile.

`a` enrolls the person in VIP All In (peer support and social services)
from a delivered notification (to them or their family): the peer coach,
the date and the contacts per week. It records the enrollment only, at
either desk; the services desk does the intake. A person already enrolled
is refused, with the date.

`E` corrects what the meeting decided (person, reasons, team, due date) while
that meeting is open; `x` removes a notification proposed by mistake (still
proposed, nothing tried; asks first). A closed meeting's decisions are
corrected as amendments.

Filters: `d` cycles the due filter (any → overdue → due this week); `f`
chooses status, due, area command and team member; `F` clears them.
While presenting, persons show as initials.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,enter", "person", "Person", id="notifications.person", tooltip="Open the person's profile"),
        # Second: shown only on a delivered notification, where it is the next step (80 columns show it).
        Binding("a", "enroll", "Enroll…", id="notifications.enroll",
                tooltip="Enroll the person in VIP All In (a delivered notification)"),
        Binding("t", "attempt", "Attempt…", id="notifications.attempt", tooltip="Record an attempt to deliver it"),
        Binding("s", "set_status", "Status…", id="notifications.status",
                tooltip="Move it to a status its lifecycle allows"),
        Binding("c", "close", "Close…", id="notifications.close", tooltip="Close it: how it ended, and the outcome"),
        Binding("v", "services", "Services…", id="notifications.services",
                tooltip="Services offered and accepted"),
        Binding("o", "outcome", "Outcome…", id="notifications.outcome", show=False,
                tooltip="Write or edit the outcome note"),
        Binding("r", "refer", "Refer…", id="notifications.refer", tooltip="Refer the person to a service"),
        Binding("R", "referrals", "Referrals", id="notifications.referrals", tooltip="The referrals list",
                show=False),
        Binding("d", "cycle_due", "Due", id="notifications.due", tooltip="Any → overdue → due this week",
                show=False),
        Binding("f", "filter", "Filter…", id="notifications.filter",
                tooltip="Filter by status, due date, area command and team member"),
        Binding("F", "clear_filters", "Clear filters", id="notifications.clear", show=False),
        Binding("escape", "back", "Back", id="notifications.back", show=False),
        Binding("E", "edit_decision", "Correct…", id="notifications.correct", show=False,
                tooltip="Correct what the meeting decided: person, reasons, team, due (its meeting still open)"),
        Binding("x", "remove_decision", "Remove…", id="notifications.remove", show=False,
                tooltip="Remove a notification proposed by mistake (proposed, nothing tried yet; asks first)"),
        UNDO_BINDING,
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    NotificationsScreen #nb-summary { height: 1; padding: 0 1; text-style: bold; }
    NotificationsScreen #nb-filters { height: 1; padding: 0 1; color: $text-muted; }
    NotificationsScreen #nb-filters.-active { color: $warning; }
    NotificationsScreen #nb-detail {
        height: auto; max-height: 10; padding: 0 1; border-top: solid $primary-muted; color: $text;
    }
    """

    def __init__(self, *, person_id: int | None = None, person_name: str | None = None) -> None:
        super().__init__()
        self.filter = NotificationFilter(person_id=person_id)
        self.person_name = person_name
        self.all_rows: list[NotificationRow] = []
        self.rows: list[NotificationRow] = []
        self.today: dt.date | None = None
        self._width = 0
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="nb-summary")
        yield Static("", id="nb-filters")
        yield VimTable(id="nb-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="nb-detail")
        yield Static("", id="nb-empty", classes="empty-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Notifications"
        self.query_one("#nb-empty").display = False
        self.load()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="notifications")
    def load(self, select_id: int | None = None) -> None:
        today = self.app.now().date()
        # Only the person filter goes to the database; the rest filter in memory, so changing them is instant.
        where = NotificationFilter(person_id=self.filter.person_id) if self.filter.person_id else None
        rows = svc.load_notifications(self.app.db, today=today, where=where)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows, today, select_id)

    def show(self, rows: list[NotificationRow], today: dt.date, select_id: int | None = None) -> None:
        self.all_rows = rows
        self.today = today
        self._loaded = True
        self.render_rows(select_id if select_id is not None else self._current_id())

    def render_rows(self, select_id: int | None = None) -> None:
        assert self.today is not None
        self.rows = [r for r in self.all_rows if self.filter.matches(r, self.today)]
        table = self.query_one(DataTable)
        self._width = self.size.width or self.app.size.width
        wide = self._width >= WIDE
        values = [self._values(row) for row in self.rows]
        cols = fit_columns(COLUMNS, self._width, values, wide=wide)
        table.clear(columns=True)
        for col, width in cols:
            table.add_column(col.label, key=col.key, width=width)
        for row, shown in zip(self.rows, values):
            table.add_row(*(cell(shown[c.key], w) for c, w in cols), key=_key(row))
        key = f"n{select_id}" if select_id is not None else None
        if key is not None and key in table.rows:
            table.move_cursor(row=table.get_row_index(key))
        empty = not self.rows
        if empty:
            message = (
                "No notification matches these filters: F clears them."
                if self.filter.active and self.all_rows
                else "No notifications yet: they are proposed during the incident review (c)."
            )
            self.query_one("#nb-empty", Static).update(message)
        self.query_one("#nb-empty").display = empty
        table.display = not empty
        self.query_one("#nb-detail").display = not empty
        self._update_header()
        self._update_detail()
        self.refresh_bindings()

    def _values(self, row: NotificationRow) -> dict[str, str | Text]:
        error = theme_colour(self, "error")
        due: str | Text = "—"
        if row.due_date is not None:
            due = f"{row.due_date:%m-%d}"
            if row.days_overdue:
                due = Text(f"{row.due_date:%m-%d} {row.days_overdue} d overdue", style=f"bold {error}")
        status_style = "" if row.is_open else "dim"
        if row.status == NotificationStatus.not_located:
            status_style = theme_colour(self, "warning")
        return {
            "ref": row.ref,
            "person": shown.name(self.app, row.person),
            "status": Text(row.status.label, style=status_style),
            "due": due,
            "area": row.area_command or "—",
            "team": short_team(row),
            "attempts": str(len(row.attempts)) if row.attempts else "—",
            "last": row.latest("%m-%d") or "—",
        }

    def _update_header(self) -> None:
        assert self.today is not None
        c = svc.counts(self.all_rows, self.rows, self.today)
        who = f" for {shown.name(self.app, self.person_name)}" if self.person_name and self.filter.person_id else ""
        self.sub_title = f"Notifications{who}"
        self.query_one("#nb-summary", Static).update(
            f"{c.total} notification{'s' if c.total != 1 else ''}{who} · {c.open} open · "
            f"{c.overdue} overdue · {c.due_this_week} due this week"
        )
        narrowed = NotificationFilter(
            status=self.filter.status, due=self.filter.due, area=self.filter.area, team_member=self.filter.team_member
        )
        filters = self.query_one("#nb-filters", Static)
        if narrowed.active:
            filters.update(shown.plain(f"Showing {c.shown}: {narrowed.describe()} · d: due · f: filter · F: clear"))
        else:
            filters.update("Showing all · d: overdue, due this week · f: status, area, team · R: referrals")
        filters.set_class(narrowed.active, "-active")

    def _update_detail(self) -> None:
        row = self.current_row()
        detail = self.query_one("#nb-detail", Static)
        if row is None or self.today is None:
            detail.update("")
            return

        def text(value: str | None) -> str:
            return shown.free(self.app, value) or "—"

        lines: list[Text] = []
        when = f"due {row.due_date.isoformat()}" if row.due_date else "no due date"
        if row.days_overdue:
            when += f", {row.days_overdue} days overdue"
        state = row.status.label
        if not row.is_open and row.closed_at:
            state += f" {row.closed_at:%Y-%m-%d}" + (f", reported at {row.closed_at_meeting}" if row.closed_at_meeting else "")
        lines.append(Text.assemble((f"{row.ref} ", "bold"), (shown.name(self.app, row.person), "bold"),
                                   f" · {state} · {when}"))
        case = f"case {row.case_number}" + (f", {row.area_command}" if row.area_command else "") if row.case_number else "no incident"
        lines.append(Text(f"From the meeting of {row.meeting_date.isoformat()} · {case} · reasons: {text(row.reasons)}"))
        lines.append(Text.assemble(("Team: ", "dim"), row.team or "none"))
        lines.append(Text.assemble(("Services offered: ", "dim"), text(row.services_offered),
                                   ("  accepted: ", "dim"), text(row.services_accepted),
                                   ("  Outcome: ", "dim"), text(row.outcome)))
        if row.attempts:
            earlier = len(row.attempts) - DETAIL_ATTEMPTS
            head = f"Attempts ({len(row.attempts)}{f', {earlier} earlier not shown' if earlier > 0 else ''}):"
            lines.append(Text(head, style="dim"))
            width = max((self.size.width or 120) - 4, 20)
            for a in row.attempts[-DETAIL_ATTEMPTS:]:
                line = Text(f"  {text(a.describe(team=row.team))}")
                line.truncate(width, overflow="ellipsis")
                lines.append(line)
        else:
            lines.append(Text("No attempts yet · t records one", style="dim"))
        detail.update(Text("\n").join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ROW_ACTIONS:
            return True
        row = self.current_row() if self._loaded else None
        if row is None:
            return None
        if action == "attempt":
            return True if svc.takes_attempts(row.status) else None
        if action == "set_status":
            return True if NOTIFICATION_TRANSITIONS[row.status] else None
        if action == "close":
            return True if _closing_statuses(row.status) else None
        if action == "enroll":
            return row.status in all_in.DELIVERED  # shown only where it applies
        return True

    # ------------------------------------------------------------------ keys

    def _title(self, what: str, row: NotificationRow) -> str:
        return f"{what} · {row.ref} · {shown.name(self.app, row.person)} ({row.status.label})"

    def _today(self) -> dt.date:
        return self.app.now().date()

    def _saved(self, row: NotificationRow, message: str) -> None:
        self.notify(message, markup=False)
        self.load(select_id=row.id)

    def _refused(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", markup=False)
        if isinstance(exc, StaleEdit):
            self.load()  # show what the other instance wrote, as the message says

    # -- attempts

    def action_attempt(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not svc.takes_attempts(row.status):
            self.notify(f"{row.ref} is {row.status.label}, which is final: no more attempts", severity="warning")
            return
        now = self.app.now()

        def when_ok(value: str) -> str | None:
            try:
                svc.parse_when(value, self.app.now())
            except ValueError as exc:
                return str(exc)
            return None

        fields = [
            Field("result", "Result", kind="select", required=True,
                  options=[(r.label, r.value) for r in _RESULTS]),
            Field("when", "When", value=f"{now:%Y-%m-%d %H:%M}", check=when_ok,
                  placeholder="now, 18:10, 2026-11-20 18:10"),
            Field("by", "By", value=row.team, suggestions=list(row.team_members), placeholder="who went"),
            Field("letter", "Letter left", kind="check"),
            Field("door_hanger", "Door hanger left", kind="check"),
            Field("note", "Note", placeholder="optional"),
        ]
        self.app.push_screen(
            FormDialog(self._title("Attempt", row), fields, today=now.date(),
                       hint="enter: open the list, choose · enter: next field · ctrl+s: save · escape: cancel"),
            lambda values: self._attempt_entered(row, values),
        )

    async def _attempt_entered(self, row: NotificationRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        result = AttemptResult(values["result"])
        try:
            await self.recorded(
                f"{row.ref}: attempt", svc.record_attempt, self.app.db, row.id, result=result,
                attempted_at=svc.parse_when(values.get("when") or "", self.app.now()), by=values.get("by"),
                letter_left=values.get("letter", False), door_hanger_left=values.get("door_hanger", False),
                note=values.get("note"),
            )
        except (ServiceError, ValueError) as exc:
            self._refused(exc)
            return
        suggested = svc.suggested_status(row.status, result)
        self.load(select_id=row.id)
        if suggested is not None:
            self.app.push_screen(
                ConfirmDialog(f"Attempt saved. Set {row.ref} to {suggested.label}, as the attempt's result says?"),
                lambda yes: self._set_suggested(row, suggested, yes),
            )
            return
        self.notify(f"{row.ref}: attempt saved ({result.label})")
        wanted = svc.ATTEMPT_STATUS.get(result)
        if wanted is not None and wanted != row.status:
            allowed = ", ".join(s.label for s in NotificationStatus if s in NOTIFICATION_TRANSITIONS[row.status])
            self.notify(
                f"{row.ref} stays {row.status.label}: a {row.status.label} notification cannot become "
                f"{wanted.label} (allowed: {allowed or 'none'})",
                severity="warning", timeout=8,
            )

    async def _set_suggested(self, row: NotificationRow, status: NotificationStatus, yes: bool | None) -> None:
        if not yes:
            self.notify(f"{row.ref}: attempt saved; status left {row.status.label}")
            return
        try:
            await self.recorded(
                f"{row.ref}: {status.label}", svc.change_status, self.app.db, row.id, status, version=row.version,
            )
        except ServiceError as exc:
            self._refused(exc)
            return
        self._saved(row, f"{row.ref}: attempt saved, now {status.label}")

    # -- status, close, outcome, services

    def action_set_status(self) -> None:
        row = self.current_row()
        if row is None:
            return
        allowed = [s for s in NotificationStatus if s in NOTIFICATION_TRANSITIONS[row.status]]
        if not allowed:
            self.notify(f"{row.ref} is {row.status.label}, which is final; o edits its outcome", severity="warning")
            return
        fields = [
            Field("status", f"New status (now {row.status.label})", kind="select", required=True,
                  options=[(s.label, s.value) for s in allowed]),
            Field("outcome", "Outcome", value=row.outcome, placeholder="what happened (needed to close it)"),
        ]
        self.app.push_screen(
            FormDialog(self._title("Status", row), fields, today=self._today(),
                       hint="enter: open the list, choose · then the outcome · ctrl+s: save · escape: cancel",
                       check=lambda values: outcome_needed(values.get("status"), values.get("outcome"))),
            lambda values: self._status_chosen(row, values),
        )

    async def _status_chosen(self, row: NotificationRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        status = NotificationStatus(values["status"])
        try:
            await self.recorded(
                f"{row.ref}: {status.label}", svc.change_status, self.app.db, row.id, status,
                values.get("outcome") or "", version=row.version,
            )
        except ServiceError as exc:
            self._refused(exc)
            return
        self._saved(row, f"{row.ref}: {status.label}")

    def action_close(self) -> None:
        row = self.current_row()
        if row is None:
            return
        closing = _closing_statuses(row.status)
        if not closing:
            self.notify(f"{row.ref} is {row.status.label}: it cannot be closed from here", severity="warning")
            return
        # The last attempt's result is the likely ending: the list opens on it.
        last = row.last_attempt
        likely = svc.ATTEMPT_STATUS.get(last.result) if last else None
        fields = [
            Field("status", "How it ended", kind="select", required=True,
                  value=likely.value if likely in closing else None,
                  options=[(s.label, s.value) for s in closing]),
            Field("outcome", "Outcome", value=row.outcome, required=True, placeholder="what happened"),
            Field("offered", "Services offered", value=row.services_offered, suggestions=svc.SERVICES,
                  placeholder="e.g. peer support, job training"),
            Field("accepted", "Services accepted", value=row.services_accepted, suggestions=svc.SERVICES,
                  placeholder="empty: none accepted"),
        ]
        self.app.push_screen(
            FormDialog(self._title("Close", row), fields, today=self._today(),
                       hint="enter: next field · ctrl+s: save · escape: cancel"),
            lambda values: self._close_entered(row, values),
        )

    async def _close_entered(self, row: NotificationRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        status = NotificationStatus(values["status"])
        try:
            n = await self.recorded(
                f"{row.ref} closed: {status.label}", svc.close_notification, self.app.db, row.id, status,
                values["outcome"], services_offered=values.get("offered"), services_accepted=values.get("accepted"),
                version=row.version,
            )
        except ServiceError as exc:
            self._refused(exc)
            return
        self._saved(row, f"{row.ref} closed: {status.label}" + (
            "" if n.closed_in_meeting_id is None else " · reported at the next meeting"))

    def action_outcome(self) -> None:
        row = self.current_row()
        if row is None:
            return
        fields = [Field("outcome", "Outcome", value=row.outcome, placeholder="what happened; empty clears it")]
        self.app.push_screen(
            FormDialog(self._title("Outcome", row), fields, today=self._today()),
            lambda values: self._outcome_written(row, values),
        )

    async def _outcome_written(self, row: NotificationRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            await self.recorded(
                f"{row.ref}: outcome", svc.change_status, self.app.db, row.id, row.status,
                values.get("outcome") or "", version=row.version,
            )
        except ServiceError as exc:
            self._refused(exc)
            return
        self._saved(row, f"{row.ref}: outcome saved")

    def action_services(self) -> None:
        row = self.current_row()
        if row is None:
            return
        fields = [
            Field("offered", "Services offered", value=row.services_offered, suggestions=svc.SERVICES,
                  placeholder="e.g. peer support, job training"),
            Field("accepted", "Services accepted", value=row.services_accepted, suggestions=svc.SERVICES,
                  placeholder="empty: none accepted"),
        ]
        self.app.push_screen(
            FormDialog(self._title("Services", row), fields, today=self._today()),
            lambda values: self._services_written(row, values),
        )

    async def _services_written(self, row: NotificationRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            await self.recorded(
                f"{row.ref}: services", svc.set_services, self.app.db, row.id, values.get("offered"),
                values.get("accepted"), version=row.version,
            )
        except ServiceError as exc:
            self._refused(exc)
            return
        self._saved(row, f"{row.ref}: services saved")

    # -- referrals

    def action_refer(self) -> None:
        row = self.current_row()
        if row is None:
            return
        refer_dialog(self, row.person_id, shown.name(self.app, row.person), notification=row,
                     on_done=lambda: self.load(select_id=row.id))

    def action_enroll(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row.status not in all_in.DELIVERED:  # not shown here; reached anyway (a reload): say why
            self.notify(f"{row.ref} is {row.status.label}: a person enrolls from a delivered notification "
                        "(or from their profile)", severity="warning")
            return
        open_enroll(self, row.person_id, row.person, source=EnrollSource.notification, notification_id=row.id,
                    origin=f"from notification {row.ref}", on_done=lambda: self.load(select_id=row.id))

    def action_referrals(self) -> None:
        from .referrals import ReferralsScreen

        self.app.push_screen(ReferralsScreen())

    # -- filters

    def _set_filter(self, **changes: Any) -> None:
        values = {
            "status": self.filter.status, "due": self.filter.due, "area": self.filter.area,
            "team_member": self.filter.team_member, "person_id": self.filter.person_id,
        }
        values.update(changes)
        self.filter = NotificationFilter(**values)
        if self._loaded:
            self.render_rows(self._current_id())

    def action_cycle_due(self) -> None:
        order = svc.DUE_FILTERS
        self._set_filter(due=order[(order.index(self.filter.due) + 1) % len(order)])

    def action_clear_filters(self) -> None:
        self._set_filter(status=None, due="all", area=None, team_member=None)

    def action_filter(self) -> None:
        statuses = [(STATUS_WORDS[svc.OPEN], svc.OPEN), (STATUS_WORDS[svc.CLOSED], svc.CLOSED)]
        statuses += [(s.label, s.value) for s in NotificationStatus]
        fields = [
            Field("status", "Status (blank: any)", kind="select", options=statuses, value=self.filter.status),
            Field("due", "Due", kind="select", required=True, value=self.filter.due,
                  options=[(svc.DUE_LABELS[d], d) for d in svc.DUE_FILTERS]),
            Field("area", "Area command (blank: any)", kind="select", value=self.filter.area,
                  options=[(a, a) for a in svc.area_commands(self.all_rows)]),
            Field("team", "Team member (blank: anyone)", kind="select", value=self.filter.team_member,
                  options=[(m, m) for m in svc.team_members(self.all_rows)]),
        ]
        self.app.push_screen(
            FormDialog("Filter notifications", fields, today=self._today(),
                       hint="enter: open a list, choose · tab: next · ctrl+s: apply · escape: cancel"),
            self._filter_chosen,
        )

    def _filter_chosen(self, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        self._set_filter(status=values.get("status"), due=values.get("due") or "all", area=values.get("area"),
                         team_member=values.get("team"))


    # -- correcting what the meeting decided (issue 13 item 1)

    def action_edit_decision(self) -> None:
        row = self.current_row()
        if row is not None:
            decision_forms.edit(self, "notification", row.id, lambda: self.load(select_id=row.id))

    def action_remove_decision(self) -> None:
        row = self.current_row()
        if row is not None:
            words = f"the notification {row.ref} for {shown.name(self.app, row.person)}"
            decision_forms.delete(self, "notification", row.id, row.version, words, self.load)


_RESULTS = (
    AttemptResult.not_home,
    AttemptResult.delivered,
    AttemptResult.delivered_to_family,
    AttemptResult.refused,
    AttemptResult.not_located,
    AttemptResult.in_custody,
)


def _closing_statuses(status: NotificationStatus) -> list[NotificationStatus]:
    """The final statuses the lifecycle allows from ``status``, in the vocabulary's order."""
    return [s for s in NotificationStatus if s in NOTIFICATION_TRANSITIONS[status] and s not in OPEN_NOTIFICATION_STATUSES]


def _key(row: NotificationRow) -> str:
    return f"n{row.id}"


def refer_dialog(
    screen: VipScreen,
    person_id: int,
    shown_name: str,
    *,
    notification: NotificationRow | None = None,
    on_done: Any = None,
) -> None:
    """Ask for a referral's service, provider and note, then save it (from the board or a profile)."""
    db = screen.app.db

    async def done(values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            made = await screen.written(
                svc.refer, db, person_id, values["service"], provider=values.get("provider"),
                notification_id=notification.id if notification else None, note=values.get("note"),
            )
        except ServiceError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        screen.notify(f"Referral to {made.service} offered ({made.source})", markup=False)
        if on_done is not None:
            on_done()

    source = f" · from {notification.ref}" if notification else ""
    screen.app.push_screen(
        FormDialog(
            f"Referral · {shown_name}{source}",
            [
                Field("service", "Service", required=True, suggestions=svc.services(db),
                      placeholder="e.g. peer support, housing, job training (→ accepts)"),
                Field("provider", "Provider", suggestions=svc.providers(db), placeholder="optional"),
                Field("note", "Note", placeholder="optional"),
            ],
            today=screen.app.now().date(),
        ),
        done,
    )
