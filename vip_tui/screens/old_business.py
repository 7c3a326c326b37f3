"""Old business: what earlier meetings left open, with days overdue; status and outcome changed in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..enums import NOTIFICATION_TRANSITIONS, OPEN_NOTIFICATION_STATUSES, ActionStatus, MeetingStatus, NotificationStatus
from ..services.guard import ReviewError, StaleEdit
from ..services.meetings import get_meeting
from ..services.old_business import OldBusinessRow, old_business, set_action_status, set_notification_status
from ..widgets import text as shown
from ..widgets.dialogs import Field, FormDialog
from .base import COMMON_BINDINGS, STAGE_BINDINGS, MeetingStageScreen
from .board import RowTable
from .undoing import UNDO_BINDING, UndoLast

# ---------------------------------------------------------------------- shared with the wrap-up screen

# How the services word a notification's subject ("Custom notification: NAME").
_SUBJECT_PREFIX = "Custom notification: "


def subject_of(text: str) -> str | None:
    """The person's name in a service's 'Custom notification: NAME' text."""
    return text[len(_SUBJECT_PREFIX):] if text.startswith(_SUBJECT_PREFIX) else None


@dataclass(frozen=True)
class Col:
    """A table column: as wide as its content up to ``cap``, or (cap None) a share of what is left."""

    key: str
    label: str
    cap: int | None = None
    weight: int = 1
    minimum: int = 10
    wide_only: bool = False
    narrow_cap: int | None = None  # a smaller cap in a narrow terminal


def fit_columns(
    cols: Sequence[Col], total: int, rows: Sequence[dict[str, Any]], *, wide: bool
) -> list[tuple[Col, int]]:
    """Widths that fill ``total`` cells: capped columns fit their content, the rest share what is left."""
    shown = [c for c in cols if wide or not c.wide_only]
    widths: dict[str, int] = {}
    for c in shown:
        if c.cap is not None:
            natural = max([cell_len(c.label), *(_length(r[c.key]) for r in rows)])
            widths[c.key] = min(c.cap if wide else (c.narrow_cap or c.cap), natural)
    # DataTable pads each cell by one on both sides; keep room for the scrollbar.
    room = total - 2 * len(shown) - 2 - sum(widths.values())
    flex = [c for c in shown if c.cap is None]
    weights = sum(c.weight for c in flex) or 1
    for c in flex:
        widths[c.key] = max(c.minimum, room * c.weight // weights)
    return [(c, widths[c.key]) for c in shown]


def _length(value: str | Text) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)


def cell(value: str | Text, width: int) -> Text:
    """A table cell cut to its column with an ellipsis (never read as markup)."""
    text = value.copy() if isinstance(value, Text) else shown.plain(value)
    text.truncate(width, overflow="ellipsis")
    return text


def theme_colour(screen: MeetingStageScreen, name: str) -> str:
    """A colour of the app's theme (``error``, ``text-success``…) as Rich understands it."""
    return screen.app.theme_variables.get(name, "") or ""


def person_of(row: Any) -> str | None:
    """The person a row is about, if the service says so (or its text shows it)."""
    return getattr(row, "person", None) or subject_of(getattr(row, "text", ""))


# ---------------------------------------------------------------------- the screen

COLUMNS = (
    Col("ref", "Ref", 7),
    Col("kind", "Kind", 12, wide_only=True),
    Col("what", "What", None, weight=3, minimum=16),
    Col("owner", "Owner/team", 16, narrow_cap=12),
    Col("due", "Due", 10),
    Col("overdue", "Overdue", 11),
    Col("status", "Status", 19),
    Col("outcome", "Outcome", None, weight=2, minimum=10, wide_only=True),
)
WIDE = 110  # below this many columns, Kind and Outcome move to the detail line

KIND_WORDS = {"action": "action item", "notification": "notification"}


class OldBusinessScreen(UndoLast, RowTable, MeetingStageScreen, inherit_bindings=False):
    """Stage 2: the action items and notifications that earlier meetings left open."""

    STAGE = "old_business"

    HELP = """
## Old business

Every action item and custom notification still open from earlier meetings,
by the meeting it came from, with its reference (`47-3`: meeting 47, third
decision) and how many days it is overdue (in red).

Change its status in place: `d` done or `x` dropped for an action item; a
notification moves through its lifecycle with `s` (proposed → approved →
assigned → delivered, refused, not located…), which offers only the steps
allowed from where it is; `x` cancels it. `o` writes the outcome. `enter`
does the same as `s`. A status that closes it (done, dropped, delivered,
refused…) chosen with `s` needs the outcome. Every change is saved at once
and noted as made in this meeting; what you close stays on the list, marked
**closed here**. `u` undoes the last change made here (status and outcome
back as they were).

While presenting, the persons named in notifications show as initials.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", id="old_business.done", tooltip="Mark the action item done"),
        Binding("x", "drop", "Drop", id="old_business.drop",
                tooltip="Drop the action item, or cancel the notification"),
        Binding("s", "set_status", "Status…", id="old_business.status",
                tooltip="Choose the next status and write the outcome"),
        Binding("o", "outcome", "Outcome…", id="old_business.outcome", tooltip="Write or edit the outcome note"),
        Binding("v", "person", "Person", id="old_business.person", show=False,
                tooltip="Open the profile of the notification's person"),
        Binding("j", "cursor_down", "Down", show=False, id="old_business.down"),
        Binding("k", "cursor_up", "Up", show=False, id="old_business.up"),
        UNDO_BINDING,
        *STAGE_BINDINGS,
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    OldBusinessScreen #old-summary { height: 1; padding: 0 1; text-style: bold; }
    OldBusinessScreen #old-state { height: 1; padding: 0 1; color: $text-muted; }
    OldBusinessScreen #old-state.-closed { color: $warning; text-style: bold; }
    OldBusinessScreen #old-detail {
        height: auto; max-height: 7; padding: 0 1; border-top: solid $primary-muted; color: $text;
    }
    """

    closed: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, meeting_id: int, **_: Any) -> None:
        super().__init__(meeting_id)
        self.rows: list[OldBusinessRow] = []
        self._width = 0
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="old-summary")
        yield Static("", id="old-state")
        yield DataTable(id="old-business", cursor_type="row", zebra_stripes=True)
        yield Static("", id="old-detail")
        yield Static("", id="old-empty", classes="empty-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#old-empty").display = False
        self.load()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="old_business")
    def load(self, select_key: str | None = None) -> None:
        try:
            meeting = get_meeting(self.app.db, self.meeting_id)
            rows = old_business(self.app.db, self.meeting_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the screen stays usable
            self.notify(f"Could not load old business: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, meeting, rows, select_key)

    def show(self, meeting: Any, rows: list[OldBusinessRow], select_key: str | None) -> None:
        self.closed = meeting.status == MeetingStatus.closed
        self.sub_title = f"Meeting {meeting.number} · {meeting.date:%a %d %b %Y} · old business"
        state = self.query_one("#old-state", Static)
        if self.closed:
            at = meeting.closed_at.strftime("%H:%M") if meeting.closed_at else "?"
            state.update(f"Closed at {at} — read-only")
        else:
            state.update("Every change is saved at once, as made in this meeting · enter: set status")
        state.set_class(self.closed, "-closed")
        self.rows = rows
        self._loaded = True
        self.render_rows(select_key or self._cursor_key())

    def render_rows(self, select_key: str | None = None) -> None:
        table = self.query_one(DataTable)
        self._width = self.size.width or self.app.size.width
        wide = self._width >= WIDE
        values = [self._values(row, wide) for row in self.rows]
        cols = fit_columns(COLUMNS, self._width, values, wide=wide)
        table.clear(columns=True)
        for col, width in cols:
            table.add_column(col.label, key=col.key, width=width)
        for row, shown in zip(self.rows, values):
            table.add_row(*(cell(shown[c.key], w) for c, w in cols), key=_key(row))
        if select_key is not None and select_key in table.rows:
            table.move_cursor(row=table.get_row_index(select_key))
        empty = not self.rows
        self.query_one("#old-empty", Static).update("Nothing carried over from earlier meetings." if empty else "")
        self.query_one("#old-empty").display = empty
        table.display = not empty
        self.query_one("#old-detail").display = not empty
        self._update_summary()
        self._update_detail()

    def _values(self, row: OldBusinessRow, wide: bool) -> dict[str, str | Text]:
        if row.kind == "notification":
            name = shown.name(self.app, person_of(row) or "")
            what = name if wide else f"Notify {name}"
        else:
            what = shown.free(self.app, row.text)
        # A row closed at this meeting is no longer overdue: that column says so instead.
        overdue: str | Text = ""
        if row.closed_here:
            overdue = Text("closed here" if wide else "✓ here", style=f"italic {theme_colour(self, 'success')}")
        elif row.days_overdue:
            overdue = Text(f"{row.days_overdue} d", style=f"bold {theme_colour(self, 'error')}")
        status = Text(row.status.replace("_", " "), style=theme_colour(self, "success") if row.closed_here else "")
        return {
            "ref": row.ref,
            "kind": KIND_WORDS.get(row.kind, row.kind),
            "what": what,
            "owner": shown.free(self.app, row.owner),
            "due": row.due_date.isoformat() if row.due_date else "—",
            "overdue": overdue,
            "status": status,
            "outcome": shown.free(self.app, row.outcome),
        }

    def _update_summary(self) -> None:
        still_open = [r for r in self.rows if not r.closed_here]
        overdue = sum(1 for r in still_open if r.days_overdue)
        here = len(self.rows) - len(still_open)
        self.query_one("#old-summary", Static).update(
            f"{len(still_open)} open from earlier meetings · {overdue} overdue · {here} closed here"
        )

    def _update_detail(self) -> None:
        row = self.current_row()
        detail = self.query_one("#old-detail", Static)
        if row is None:
            detail.update("")
            return
        when = f"due {row.due_date.isoformat()}" if row.due_date else "no due date"
        if row.days_overdue:
            when += f", {row.days_overdue} days overdue"
        what = shown.free(self.app, row.text)
        status = row.status.replace("_", " ") + (", closed here" if row.closed_here else "")
        detail.update(
            Text("\n").join(
                [
                    Text.assemble((f"{row.ref} ", "bold"), (what, "bold")),
                    Text(
                        f"{KIND_WORDS.get(row.kind, row.kind)} from the meeting of {row.from_meeting.isoformat()}"
                        f" · {shown.free(self.app, row.owner)} · {when}"
                    ),
                    Text.assemble(("Status: ", "dim"), status, (" · Outcome: ", "dim"), shown.free(self.app, row.outcome) or "—"),
                ]
            )
        )

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        if self.check_action("set_status", ()):
            self.action_set_status()

    # ------------------------------------------------------------------ the row under the cursor

    def current_row(self) -> OldBusinessRow | None:
        key = self._cursor_key()
        return next((r for r in self.rows if _key(r) == key), None)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a closed meeting the keys stay, and say why they change nothing (the row helper below).
        if action == "undo" and self.closed:
            return None
        return super().check_action(action, parameters)

    def _row_to_change(self) -> OldBusinessRow | None:
        """The highlighted row, if this meeting may still change it; in a closed one, why not (None)."""
        if self.say_closed(self.closed):
            return None
        return self.current_row()

    def _change(self, row: OldBusinessRow, status: str, outcome: str | None = None, *, what: str = "") -> bool:
        """Save a status (and outcome) as made in this meeting; False, with a message, if refused.

        ``what`` names the change for ``u`` ("47-3 done").
        """
        try:
            with self.recording(what or f"{row.ref}: {status.replace('_', ' ')}"):
                self._write(row, status, outcome)
        except ReviewError as exc:
            self.notify(shown.safe(exc), severity="error", markup=False)
            if isinstance(exc, StaleEdit):
                self.load(select_key=_key(row))  # show what the other instance wrote, as the message says
            return False
        self.load(select_key=_key(row))
        return True

    def _write(self, row: OldBusinessRow, status: str, outcome: str | None) -> None:
        if row.kind == "action":
            set_action_status(
                self.app.db, row.id, ActionStatus(status), outcome, in_meeting_id=self.meeting_id, version=row.version
            )
        else:
            set_notification_status(
                self.app.db, row.id, NotificationStatus(status), outcome, in_meeting_id=self.meeting_id,
                version=row.version,
            )

    def action_done(self) -> None:
        row = self._row_to_change()
        if row is None:
            return
        if row.kind != "action":
            self.notify(
                "A notification is closed with its result (delivered, refused, not located…): press s",
                severity="warning",
            )
            return
        if self._change(row, ActionStatus.done.value, what=f"{row.ref} done"):
            self.notify(f"{row.ref} done · u undoes")

    def action_drop(self) -> None:
        row = self._row_to_change()
        if row is None:
            return
        if row.kind == "action":
            if self._change(row, ActionStatus.dropped.value, what=f"{row.ref} dropped"):
                self.notify(f"{row.ref} dropped · u undoes")
            return
        if NotificationStatus.cancelled not in NOTIFICATION_TRANSITIONS[NotificationStatus(row.status)]:
            self.notify(f"{row.ref} is {row.status.replace('_', ' ')}: it can no longer be cancelled", severity="error")
            return
        # At once, no question: u undoes it.
        if self._change(row, NotificationStatus.cancelled.value, what=f"{row.ref} cancelled"):
            self.notify(f"{row.ref} cancelled · u undoes")

    def action_set_status(self) -> None:
        row = self._row_to_change()
        if row is None:
            return
        if row.kind == "action":
            # The other statuses first: the list opens on the likely choice.
            choices = [s for s in ActionStatus if s.value != row.status] + [ActionStatus(row.status)]
        else:
            allowed = NOTIFICATION_TRANSITIONS[NotificationStatus(row.status)]
            if not allowed:
                self.notify(
                    f"{row.ref} is {row.status.replace('_', ' ')}, which is final; press o to edit its outcome",
                    severity="warning",
                )
                return
            choices = [s for s in NotificationStatus if s in allowed]
        options = [(s.label, s.value) for s in choices]
        what = shown.free(self.app, row.text)
        fields = [
            # Left blank, the status stays as it is and only the outcome changes.
            Field("status", f"New status (now {row.status.replace('_', ' ')}; blank keeps it)", kind="select",
                  options=options),
            Field("outcome", "Outcome", value=row.outcome, placeholder="what happened"),
        ]
        self.app.push_screen(
            FormDialog(f"{row.ref} · {what}", fields, today=self.app.now().date(),
                       hint="enter: open the list, choose · then the outcome · ctrl+s: save · escape: cancel",
                       check=lambda values: outcome_needed(values.get("status"), values.get("outcome"))),
            lambda values: self._status_chosen(row, values),
        )

    def _status_chosen(self, row: OldBusinessRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        status = values.get("status") or row.status
        if self._change(row, status, values.get("outcome") or ""):
            self.notify(f"{row.ref}: {status.replace('_', ' ')} · u undoes")

    def action_person(self) -> None:
        row = self.current_row()
        if row is not None and row.person_id is not None:
            self.app.open_person(row.person_id)

    def action_outcome(self) -> None:
        row = self._row_to_change()
        if row is None:
            return
        what = shown.free(self.app, row.text)
        fields = [Field("outcome", "Outcome", value=row.outcome, placeholder="what happened; empty clears it")]
        self.app.push_screen(
            FormDialog(f"Outcome of {row.ref} · {what}", fields, today=self.app.now().date()),
            lambda values: self._outcome_written(row, values),
        )

    def _outcome_written(self, row: OldBusinessRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        if self._change(row, row.status, values.get("outcome") or "", what=f"{row.ref}: outcome"):
            self.notify(f"{row.ref}: outcome saved · u undoes")


def _key(row: OldBusinessRow) -> str:
    return f"{row.kind}:{row.id}"


# The statuses that close a row: chosen in the status form, they need the outcome (what happened).
CLOSING = frozenset({ActionStatus.done.value, ActionStatus.dropped.value}) | frozenset(
    s.value for s in NotificationStatus if s not in OPEN_NOTIFICATION_STATUSES
)


def outcome_needed(status: str | None, outcome: str | None) -> str | None:
    """The status form's message when a closing status comes without an outcome."""
    if status in CLOSING and not outcome:
        return f"Outcome: required when it becomes {status.replace('_', ' ')} (what happened?)"
    return None
