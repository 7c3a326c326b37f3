"""Referrals: every service referral, moved along offered → accepted → engaged → completed (or declined)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..enums import EnrollSource, ReferralStatus
from ..services import all_in
from ..services import notifications as svc
from ..services.guard import ServiceError, StaleEdit
from ..services.notifications import REFERRAL_ORDER, REFERRAL_TRANSITIONS, ReferralRow
from ..widgets import text as shown
from ..widgets.dialogs import Field, FormDialog
from ..widgets.enroll_form import open_enroll
from ..widgets.vim import VimTable
from .base import COMMON_BINDINGS
from . import decision_forms
from .board import BoardScreen
from .old_business import Col, cell, fit_columns, theme_colour
from .undoing import UNDO_BINDING, UndoLast

COLUMNS = (
    Col("person", "Person", 20, narrow_cap=16),
    Col("service", "Service", 20),
    Col("provider", "Provider", None, minimum=12),
    Col("status", "Status", 9),
    Col("since", "Since", 10),
    Col("offered", "Offered", 10, wide_only=True),
    Col("source", "From", 17, wide_only=True),
)
WIDE = 100
# The status filter cycles through these; None is every referral.
STATUS_CYCLE: tuple[ReferralStatus | None, ...] = (None, *REFERRAL_ORDER)
ROW_ACTIONS = frozenset({"person", "set_status", "edit", "enroll"})


class ReferralsScreen(UndoLast, BoardScreen, inherit_bindings=False):
    """Every referral (or one person's), the ones still moving first."""

    HELP = """
## Referrals

Service referrals, from a notification or made directly on a person: the
ones still moving (offered, accepted, engaged) first, latest change first,
then declined and completed ones.

The lifecycle: **offered** → accepted or declined; **accepted** → engaged or
declined (dropped out before starting); **engaged** → completed or declined
(dropped out); **declined** → offered again; **completed** is final. `s`
offers only the steps allowed from where the referral is, with the date it
happened (today unless you say otherwise). `e` edits the provider and note.
`u` undoes the last change made here.

`E` corrects a referral recorded by mistake (person and service while it is
still offered, provider any time); `x` removes one still offered (asks
first). One made at a closed meeting is corrected as an amendment.

`a` enrolls the person in VIP All In (peer support and social services)
from an accepted or engaged referral: the peer coach, the date and the
contacts per week; an accepted referral moves on to engaged. It records the
enrollment only, at either desk; the services desk does the intake.

`f` cycles the status filter; `enter` (or `p`) opens the person's profile.
While presenting, persons show as initials.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,enter", "person", "Person", id="referrals.person", tooltip="Open the person's profile"),
        # Shown only on an accepted or engaged referral, where it is the next step.
        Binding("a", "enroll", "Enroll…", id="referrals.enroll",
                tooltip="Enroll the person in VIP All In (an accepted or engaged referral)"),
        Binding("s", "set_status", "Status…", id="referrals.status", tooltip="Move it to the next status, dated"),
        Binding("e", "edit", "Edit…", id="referrals.edit", tooltip="Provider and note"),
        Binding("f", "cycle_status", "Filter", id="referrals.filter", tooltip="Cycle the status filter"),
        Binding("escape", "back", "Back", id="referrals.back", show=False),
        Binding("E", "edit_decision", "Correct…", id="referrals.correct", show=False,
                tooltip="Correct the person, service or provider of a referral recorded by mistake"),
        Binding("x", "remove_decision", "Remove…", id="referrals.remove", show=False,
                tooltip="Remove a referral made by mistake (still offered; asks first)"),
        UNDO_BINDING,
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    ReferralsScreen #rf-summary { height: 1; padding: 0 1; text-style: bold; }
    ReferralsScreen #rf-filters { height: 1; padding: 0 1; color: $text-muted; }
    ReferralsScreen #rf-filters.-active { color: $warning; }
    ReferralsScreen #rf-detail {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-muted; color: $text;
    }
    """

    def __init__(self, *, person_id: int | None = None, person_name: str | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_name = person_name
        self.status: ReferralStatus | None = None
        self.all_rows: list[ReferralRow] = []
        self.rows: list[ReferralRow] = []
        self._width = 0
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="rf-summary")
        yield Static("", id="rf-filters")
        yield VimTable(id="rf-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rf-detail")
        yield Static("", id="rf-empty", classes="empty-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rf-empty").display = False
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="referrals")
    def load(self, select_id: int | None = None) -> None:
        rows = svc.load_referrals(self.app.db, person_id=self.person_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows, select_id)

    def show(self, rows: list[ReferralRow], select_id: int | None = None) -> None:
        self.all_rows = rows
        self._loaded = True
        self.render_rows(select_id if select_id is not None else self._current_id())

    def render_rows(self, select_id: int | None = None) -> None:
        self.rows = [r for r in self.all_rows if self.status is None or r.status == self.status]
        table = self.query_one(DataTable)
        self._width = self.size.width or self.app.size.width
        values = [self._values(r) for r in self.rows]
        cols = fit_columns(COLUMNS, self._width, values, wide=self._width >= WIDE)
        table.clear(columns=True)
        for col, width in cols:
            table.add_column(col.label, key=col.key, width=width)
        for row, shown in zip(self.rows, values):
            table.add_row(*(cell(shown[c.key], w) for c, w in cols), key=f"r{row.id}")
        key = f"r{select_id}" if select_id is not None else None
        if key is not None and key in table.rows:
            table.move_cursor(row=table.get_row_index(key))
        empty = not self.rows
        self.query_one("#rf-empty", Static).update(
            "No referral has this status: f shows the others." if self.all_rows else
            "No referrals yet: r on a notification or a person's profile refers them to a service."
        )
        self.query_one("#rf-empty").display = empty
        table.display = not empty
        self.query_one("#rf-detail").display = not empty
        who = f" for {shown.name(self.app, self.person_name)}" if self.person_id and self.person_name else ""
        self.sub_title = f"Referrals{who}"
        counts = {s: sum(1 for r in self.all_rows if r.status == s) for s in ReferralStatus}
        self.query_one("#rf-summary", Static).update(
            f"{len(self.all_rows)} referral{'s' if len(self.all_rows) != 1 else ''}{who} · "
            + " · ".join(f"{counts[s]} {s.label}" for s in REFERRAL_ORDER)
        )
        filters = self.query_one("#rf-filters", Static)
        filters.update(
            f"Showing {len(self.rows)}: {self.status.label} only · f: next status"
            if self.status else "Showing all · f: one status at a time"
        )
        filters.set_class(self.status is not None, "-active")
        self._update_detail()
        self.refresh_bindings()

    def _values(self, row: ReferralRow) -> dict[str, str | Text]:
        style = {
            ReferralStatus.declined: theme_colour(self, "warning"),
            ReferralStatus.completed: theme_colour(self, "success"),
        }.get(row.status, "")
        return {
            "person": shown.name(self.app, row.person),
            "service": row.service,
            "provider": row.provider or "—",
            "status": Text(row.status.label, style=style),
            "since": row.status_on.isoformat() if row.status_on else "—",
            "offered": row.offered_on.isoformat() if row.offered_on else "—",
            "source": row.source,
        }

    def _update_detail(self) -> None:
        row = self.current_row()
        detail = self.query_one("#rf-detail", Static)
        if row is None:
            detail.update("")
            return
        since = f" since {row.status_on.isoformat()}" if row.status_on else ""
        offered = f"offered {row.offered_on.isoformat()}" if row.offered_on else "offer date unknown"
        case = f" · case {row.case_number}" if row.case_number else ""
        nexts = ", ".join(s.label for s in REFERRAL_ORDER if s in REFERRAL_TRANSITIONS[row.status]) or "none (final)"
        note = shown.free(self.app, row.note) or "—"
        detail.update(
            Text("\n").join([
                Text.assemble((shown.name(self.app, row.person), "bold"), f" · {row.service} · {row.provider or 'no provider'}"),
                Text(f"{row.status.label}{since} · {offered} · {row.source}{case}"),
                Text.assemble(("Note: ", "dim"), note, ("  Next: ", "dim"), nexts),
            ])
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ROW_ACTIONS:
            return True
        row = self.current_row() if self._loaded else None
        if row is None:
            return None
        if action == "set_status" and not REFERRAL_TRANSITIONS[row.status]:
            return None
        if action == "enroll":
            return row.status in all_in.REFERRAL_ENROLLS  # shown only where it applies
        return True

    # ------------------------------------------------------------------ keys

    def action_cycle_status(self) -> None:
        self.status = STATUS_CYCLE[(STATUS_CYCLE.index(self.status) + 1) % len(STATUS_CYCLE)]
        if self._loaded:
            self.render_rows(self._current_id())

    def action_enroll(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row.status not in all_in.REFERRAL_ENROLLS:  # not shown here; reached anyway (a reload): say why
            self.notify(f"This referral is {row.status.label}: a person enrolls from an accepted or engaged one "
                        "(or from their profile)", severity="warning")
            return
        open_enroll(self, row.person_id, row.person, source=EnrollSource.referral, referral_id=row.id,
                    origin=f"from the referral to {row.service}", on_done=lambda: self.load(select_id=row.id))

    def action_set_status(self) -> None:
        row = self.current_row()
        if row is None:
            return
        allowed = [s for s in REFERRAL_ORDER if s in REFERRAL_TRANSITIONS[row.status]]
        if not allowed:
            self.notify(f"This referral is {row.status.label}, which is final", severity="warning")
            return
        fields = [
            Field("status", f"New status (now {row.status.label})", kind="select", required=True,
                  options=[(s.label, s.value) for s in allowed]),
            Field("on", "On", kind="date", value=self.app.now().date().isoformat(),
                  placeholder="2026-11-20; empty: today"),
            Field("note", "Note", value=row.note, placeholder="optional"),
        ]
        self.app.push_screen(
            FormDialog(f"Referral · {shown.name(self.app, row.person)} · {row.service}", fields, today=self.app.now().date(),
                       hint="enter: open the list, choose · enter: next field · ctrl+s: save · escape: cancel"),
            lambda values: self._status_chosen(row, values),
        )

    async def _status_chosen(self, row: ReferralRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        status = ReferralStatus(values["status"])
        try:
            await self.recorded(
                f"{row.service}: {status.label}", svc.set_referral_status, self.app.db, row.id, status,
                on=values.get("on"), note=values.get("note") or "", version=row.version,
            )
        except ServiceError as exc:
            self.notify(str(exc), severity="error", markup=False)
            if isinstance(exc, StaleEdit):
                self.load(select_id=row.id)  # show what the other instance wrote, as the message says
            return
        self.notify(f"{row.service}: {status.label}", markup=False)
        self.load(select_id=row.id)

    def action_edit(self) -> None:
        row = self.current_row()
        if row is None:
            return
        fields = [
            Field("provider", "Provider", value=row.provider, suggestions=svc.providers(self.app.db)),
            Field("note", "Note", value=row.note),
        ]
        self.app.push_screen(
            FormDialog(f"Referral · {shown.name(self.app, row.person)} · {row.service}", fields, today=self.app.now().date()),
            lambda values: self._edited(row, values),
        )

    async def _edited(self, row: ReferralRow, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            await self.recorded(
                f"{row.service}: provider and note", svc.set_referral_status, self.app.db, row.id, row.status,
                provider=values.get("provider") or "", note=values.get("note") or "", version=row.version,
            )
        except ServiceError as exc:
            self.notify(str(exc), severity="error", markup=False)
            if isinstance(exc, StaleEdit):
                self.load(select_id=row.id)  # show what the other instance wrote, as the message says
            return
        self.notify("Referral saved")
        self.load(select_id=row.id)

    # ------------------------------------------------------------------ correcting (issue 13 item 1)

    def action_edit_decision(self) -> None:
        row = self.current_row()
        if row is not None:
            decision_forms.edit(self, "referral", row.id, lambda: self.load(select_id=row.id))

    def action_remove_decision(self) -> None:
        row = self.current_row()
        if row is not None:
            words = f"the referral of {shown.name(self.app, row.person)} to {row.service}"
            decision_forms.delete(self, "referral", row.id, row.version, words, self.load)
