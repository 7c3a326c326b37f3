"""The coordinator's caseload (issue 15 item 4): VIP All In's participants by coach, stage and who is overdue.

Service records, a compartment of their own (SPEC §9): the rows are read and
shown only while the app's audience is ``services`` (``vip --desk services``,
not presenting); otherwise the screen says why and shows nothing of them.
The contact and stage forms are shared with the participant screen.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..disclosure import person_name
from ..enums import ACTIVE_STAGES, ContactMethod, Stage
from ..services import all_in
from ..services.all_in import CaseloadRow
from ..services.guard import ServiceError
from ..services.notifications import parse_when
from ..widgets import all_in_forms as forms
from ..widgets import text as shown
from ..widgets.vim import VimTable
from . import decision_forms
from .base import COMMON_BINDINGS, VipScreen
from .board import RowTable
from .old_business import Col, cell, fit_columns, theme_colour

WIDE = 110  # from this many columns: the enrollment date, whole dates and longer labels
WIDE_COLUMNS = (
    Col("person", "Person", 24),
    Col("coach", "Coach", 16),
    Col("stage", "Stage", 10),
    Col("enrolled", "Enrolled", 10),
    Col("last", "Last contact", 12),
    Col("due", "Next due", 10),
    Col("urgent", "Urgent needs", None, minimum=12),
    Col("goals", "Goals", 5),
)
NARROW_COLUMNS = (
    Col("person", "Person", 16),
    Col("coach", "Coach", 10),
    Col("stage", "Stage", 10),
    Col("last", "Last", 5),
    Col("due", "Due", 10),
    Col("urgent", "Urgent", None, minimum=8),
    Col("goals", "Goals", 5),
)

ROW_ACTIONS = frozenset({"open", "contact", "stage"})


def _key(row: CaseloadRow) -> str:
    return f"p{row.participant_id}"


def who(screen: VipScreen, name: str) -> str:
    """A participant's name as the app's audience may read it, terminal-safe."""
    return shown.safe(person_name(name, screen.app.audience))


def open_caseload(app: Any) -> None:
    """Show the caseload: read first (off the UI thread), then pushed with its rows.

    Read under a screen being built, the statements wait for the drawing (the
    GIL), as a profile's and the figures' did (issue 7, issue 14).
    """

    def read() -> None:
        try:
            rows: list[CaseloadRow] | None = all_in.caseload(app.db, today=app.now().date())
        except Exception:  # noqa: BLE001  (the screen loads again and reports it)
            rows = None
        if not get_current_worker().is_cancelled:
            app.call_from_thread(lambda: app.push_screen(CaseloadScreen(rows)))

    app.run_worker(read, thread=True, exclusive=True, exit_on_error=False, group="open-caseload")


# --------------------------------------------------------------------------- forms shared with the participant screen


def ask_contact(screen: VipScreen, row: CaseloadRow, on_done: Any) -> None:
    """Log a contact with ``row``'s participant: how, when, minutes, note, by whom."""
    db = screen.app.db

    def write(values: dict[str, Any]) -> int:
        try:
            at = parse_when(values.get("when") or "", screen.app.now())
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        return all_in.log_contact(
            db, row.participant_id, method=ContactMethod(values["method"]), at=at,
            minutes=int(values.get("minutes") or 0), by=values.get("by"), note=values.get("note"),
        ).id

    name = who(screen, row.person)
    decision_forms.ask(
        screen, f"Contact · {name}", forms.contact_fields(screen.app.now(), db.user), write, on_done,
        saved=lambda _: f"Contact with {name} saved",
    )


def ask_stage(screen: VipScreen, row: CaseloadRow, on_done: Any) -> None:
    """Move ``row``'s participant to another active stage (against the version the screen showed)."""
    db = screen.app.db

    def write(values: dict[str, Any]) -> Stage:
        all_in.set_stage(db, row.participant_id, Stage(values["stage"]), on=values.get("on"), version=row.version)
        return Stage(values["stage"])

    name = who(screen, row.person)
    decision_forms.ask(
        screen, f"Stage · {name}", forms.stage_fields(row.stage, screen.app.now().date()), write, on_done,
        saved=lambda stage: f"{name} is now {stage.label}",  # type: ignore[attr-defined]
    )


def days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def due_cell(screen: VipScreen, row: CaseloadRow, *, wide: bool) -> str | Text:
    """The next contact due; overdue: the days since the last contact, in the theme's error colour."""
    if row.next_due is None:
        return "—"
    if row.overdue:
        return Text(days(row.days_since), style=f"bold {theme_colour(screen, 'error')}")  # type: ignore[arg-type]
    return row.next_due.isoformat() if wide else f"{row.next_due:%m-%d}"


class CaseloadScreen(RowTable, VipScreen, inherit_bindings=False):
    """Every open episode: coach, stage, last contact, next due, urgent needs, goals due; filters and keys."""

    HELP = """
## Caseload

VIP All In's participants (open episodes), by peer coach, then the next
contact due: an overdue participant shows in red the days since the last
contact made (an attempt without contact does not count). The cadence is
contacts per week: at 1 a contact is due every 7 days, at 2 every 4.
*Urgent needs* are the domains marked urgent at the latest assessment;
*goals due* the open goals with a target date within two weeks or past.

`enter` opens the participant (needs, plan, contacts, services, episodes).
`c` logs a contact with the highlighted participant (how, when, minutes,
note, by whom); `s` moves them to another stage; `w` enrolls a walk-in (a
person record is made then).

Filters: `b` cycles the peer coach, `t` the stage, `d` shows the overdue
only; `F` clears them. The active filters show in the title.

Service records: shown only at the services desk (`vip --desk services`),
never while presenting.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o,enter", "open", "Open", id="caseload.open", tooltip="Open the participant"),
        Binding("c", "contact", "Contact…", id="caseload.contact", tooltip="Log a contact with the participant"),
        Binding("s", "stage", "Stage…", id="caseload.stage", tooltip="Move the participant to another stage"),
        Binding("w", "walk_in", "Walk-in…", id="caseload.walk_in",
                tooltip="Enroll a walk-in: a person record made now, enrolled at once"),
        Binding("b", "coach_filter", "Coach", id="caseload.coach", tooltip="Cycle the peer coach shown"),
        Binding("t", "stage_filter", "Stage filter", id="caseload.stage_filter", show=False,
                tooltip="Cycle the stage shown"),
        Binding("d", "overdue_filter", "Overdue", id="caseload.overdue", tooltip="Overdue participants only"),
        Binding("F", "clear_filters", "Clear filters", id="caseload.clear", show=False),
        Binding("r", "refresh", "Refresh", id="caseload.refresh", show=False),
        Binding("escape", "back", "Back", id="caseload.back", show=False),
        *COMMON_BINDINGS,
    ]

    def __init__(self, rows: list[CaseloadRow] | None = None) -> None:
        super().__init__()
        self._preloaded = rows  # read by open_caseload before the push
        self.all_rows: list[CaseloadRow] = []
        self.rows: list[CaseloadRow] = []
        self.coach: str | None = None
        self.stage: Stage | None = None
        self.overdue = False
        self._width = 0
        self._loaded = False
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield forms.Compartment(id="cl-hidden").data_bind(VipScreen.presenting, VipScreen.shown_as)
        yield Static("", id="cl-summary")
        yield VimTable(id="cl-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cl-detail")
        yield Static("", id="cl-empty", classes="empty-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#cl-empty").display = False
        self._update_header()
        rows, self._preloaded = self._preloaded, None
        if rows is not None:
            self.show(rows)
        else:
            self.load()

    # ------------------------------------------------------------------ loading

    def load(self, select_id: int | None = None) -> None:
        if not forms.records_shown(self.app):
            self._hide()
            return
        self._load(select_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caseload")
    def _load(self, select_id: int | None = None) -> None:
        rows = all_in.caseload(self.app.db, today=self.app.now().date())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows, select_id)

    def show(self, rows: list[CaseloadRow], select_id: int | None = None) -> None:
        if not forms.records_shown(self.app):  # presenting began while they loaded
            self._hide()
            return
        self.all_rows = rows
        self._loaded = True
        self.render_rows(f"p{select_id}" if select_id is not None else self._cursor_key())

    def _hide(self) -> None:
        self.all_rows, self.rows, self._loaded = [], [], False
        self.query_one(DataTable).clear(columns=True)
        for part in ("#cl-table", "#cl-summary", "#cl-detail", "#cl-empty"):
            self.query_one(part).display = False
        self._update_header()
        self.refresh_bindings()

    def present_mode_changed(self, presenting: bool) -> None:
        if forms.records_shown(self.app):
            self.query_one("#cl-summary").display = True
            self.load()
        else:
            self._hide()

    def render_rows(self, keep: Any = None) -> None:
        self.rows = [r for r in self.all_rows if self._matches(r)]
        table = self.query_one(DataTable)
        self._width = self.size.width or self.app.size.width
        wide = self._width >= WIDE
        values = [self._values(row, wide) for row in self.rows]
        cols = fit_columns(WIDE_COLUMNS if wide else NARROW_COLUMNS, self._width, values, wide=True)
        table.clear(columns=True)
        for col, width in cols:
            table.add_column(col.label, key=col.key, width=width)
        for row, cells in zip(self.rows, values):
            table.add_row(*(cell(cells[c.key], w) for c, w in cols), key=_key(row))
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        empty = not self.rows
        if empty:
            self.query_one("#cl-empty", Static).update(
                "No participant matches these filters: F clears them." if self.all_rows else
                "No one is enrolled in VIP All In yet: w enrolls a walk-in; e enrolls from a delivered "
                "notification (notifications board), an accepted referral or a profile."
            )
        self.query_one("#cl-empty").display = empty
        table.display = not empty
        self.query_one("#cl-detail").display = not empty
        self._update_header()
        self._update_detail()
        self.refresh_bindings()

    def _matches(self, row: CaseloadRow) -> bool:
        return ((self.coach is None or row.coach.casefold() == self.coach.casefold())
                and (self.stage is None or row.stage == self.stage)
                and (not self.overdue or row.overdue))

    def _values(self, row: CaseloadRow, wide: bool) -> dict[str, str | Text]:
        short = forms.SHORT_DOMAIN
        return {
            "person": who(self, row.person),
            "coach": shown.safe(row.coach),
            "stage": row.stage.label,
            "enrolled": row.enrolled_on.isoformat(),
            "last": (row.last_contact.isoformat() if wide else f"{row.last_contact:%m-%d}") if row.last_contact else "—",
            "due": due_cell(self, row, wide=wide),
            "urgent": ", ".join(short[d] for d in row.urgent_needs) or "—",
            "goals": str(row.goals_due) if row.goals_due else "—",
        }

    def _update_header(self) -> None:
        bits = []
        if self.coach is not None:
            bits.append(f"coach {shown.safe(self.coach)}")
        if self.stage is not None:
            bits.append(self.stage.label)
        if self.overdue:
            bits.append("overdue only")
        self.sub_title = "VIP All In caseload" + (" · " + " · ".join(bits) if bits else "")
        summary = self.query_one("#cl-summary", Static)
        if not self._loaded:
            summary.update("")
            return
        overdue = sum(1 for r in self.rows if r.overdue)
        n = len(self.rows)
        of = f" (of {len(self.all_rows)})" if n != len(self.all_rows) else ""
        summary.update(f"{n} participant{'s' if n != 1 else ''}{of}, {overdue} overdue"
                       + (" · b: coach · t: stage · d: overdue · F: clear" if bits else " · b: coach · t: stage · d: overdue"))

    def _update_detail(self) -> None:
        row = self.current_row()
        detail = self.query_one("#cl-detail", Static)
        if row is None:
            detail.update("")
            return
        urgent = ", ".join(d.label for d in row.urgent_needs) or "none"
        last = f"last contact {row.last_contact.isoformat()}" if row.last_contact else "no contact yet"
        text = Text.assemble(
            (who(self, row.person), "bold"),
            (f" · overdue, {days(row.days_since)} since the last contact" if row.overdue else "",
             f"bold {theme_colour(self, 'error')}"),
            f" · episode {row.episode} · {row.stage.label} since {row.stage_on.isoformat()} · "
            f"{row.cadence:g}/week · {last} · urgent: {urgent}",
        )
        text.truncate(max((self.size.width or 80) - 2, 20), overflow="ellipsis")
        detail.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def current_row(self) -> CaseloadRow | None:
        key = self._cursor_key() if self._loaded else None
        return next((r for r in self.rows if _key(r) == key), None)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ROW_ACTIONS:
            return True if self.current_row() is not None else None
        if action in ("walk_in", "coach_filter", "stage_filter", "overdue_filter", "clear_filters"):
            return True if self._loaded else None
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_open(self) -> None:
        from .participant import open_participant

        row = self.current_row()
        if row is not None:
            open_participant(self.app, row.participant_id)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._resumed:
            self.load()  # a contact or a stage may have changed on the participant screen
        self._resumed = True  # the first resume is the push itself

    def action_contact(self) -> None:
        row = self.current_row()
        if row is not None:
            ask_contact(self, row, lambda: self.load(row.participant_id))

    def action_stage(self) -> None:
        row = self.current_row()
        if row is not None:
            ask_stage(self, row, lambda: self.load(row.participant_id))

    def coaches(self) -> list[str]:
        """The peer coaches of the caseload, most participants first (no statement: the rows have them)."""
        counts = Counter(r.coach for r in self.all_rows)
        return sorted(counts, key=lambda c: (-counts[c], c.casefold()))

    def action_walk_in(self) -> None:
        db = self.app.db

        made: list[int] = []

        def write(values: dict[str, Any]) -> int:
            made.append(all_in.enroll_walk_in(
                db, values["name"], coach=values["coach"], dob=values.get("dob"),
                cadence=float(values.get("cadence") or 1),
            ).id)
            return made[-1]

        def done() -> None:
            self.app.persons_changed()
            self.load(made[-1] if made else None)

        decision_forms.ask(
            self, "Walk-in · enroll in VIP All In", forms.walk_in_fields(all_in.coaches(db), self.coach), write,
            done, saved=lambda _: "Walk-in enrolled in VIP All In",
        )

    def action_coach_filter(self) -> None:
        choices: list[str | None] = [None, *self.coaches()]
        current = next((i for i, c in enumerate(choices) if c is not None and self.coach is not None
                        and c.casefold() == self.coach.casefold()), 0)
        self.coach = choices[(current + 1) % len(choices)]
        self.render_rows(self._cursor_key())

    def action_stage_filter(self) -> None:
        choices: list[Stage | None] = [None, *ACTIVE_STAGES]
        self.stage = choices[(choices.index(self.stage) + 1) % len(choices)]
        self.render_rows(self._cursor_key())

    def action_overdue_filter(self) -> None:
        self.overdue = not self.overdue
        self.render_rows(self._cursor_key())

    def action_clear_filters(self) -> None:
        self.coach, self.stage, self.overdue = None, None, False
        self.render_rows(self._cursor_key())

