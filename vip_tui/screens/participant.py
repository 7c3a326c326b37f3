"""One VIP All In participant (issue 15 item 4): needs, plan, contacts, services and referrals, episodes.

Service records (SPEC §9): read and shown only while the app's audience is
``services``; presenting hides them (the screen says so) and a desk that is
not VIP All In's never reads them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ..enums import GoalStatus, NeedLevel
from ..services import all_in
from ..services.all_in import GoalRow, ParticipantView
from ..services.guard import ServiceError, StaleEdit
from ..widgets import all_in_forms as forms
from ..widgets import text as shown
from ..widgets.dialogs import ConfirmDialog
from ..widgets.vim import VimTable
from . import decision_forms
from .base import COMMON_BINDINGS, VipScreen
from .caseload import ask_contact, ask_stage, days, who
from .old_business import theme_colour

WIDE = 110  # from this many columns the needs sit beside the plan
# Actions that change the open episode (an exited one takes none of them).
EPISODE_ACTIONS = frozenset({"contact", "assess", "goal", "stage", "exit", "plan"})
GOAL_ACTIONS = frozenset({"goal_met", "goal_dropped"})


def open_participant(app: Any, participant_id: int) -> None:
    """Show a participant: read first (off the UI thread), then pushed with the view, as a profile is."""

    def read() -> None:
        try:
            view: ParticipantView | None = all_in.participant_view(app.db, participant_id, today=app.now().date())
        except Exception:  # noqa: BLE001  (the screen loads again and reports it)
            view = None
        if not get_current_worker().is_cancelled:
            app.call_from_thread(lambda: app.push_screen(ParticipantScreen(participant_id, view)))

    app.run_worker(read, thread=True, exclusive=True, exit_on_error=False, group="open-participant")


def _cut(text: Text, width: int) -> Text:
    text.truncate(max(width, 20), overflow="ellipsis")
    return text


class ParticipantScreen(VipScreen, inherit_bindings=False):
    HELP = """
## Participant

One episode of a VIP All In participant. The header: name, episode, peer
coach, stage and since when, enrollment, cadence (contacts per week) and the
next contact due, or how many days since the last one when overdue.

**Needs**: the current assessment, every domain with its level and note,
urgent first; then the history of assessments (date, by whom, how many
urgent and some). **Plan**: the goals (domain, goal, target date, milestones,
status). **Contacts**: newest first (when, how, minutes, by whom, note).
**Services and referrals**: the person's referrals. **Episodes**: every
enrollment of the person (enrolled, source, coach, exited, reason).

`c` logs a contact; `a` (or `n`) assesses the needs again (the form is
pre-filled from the current assessment: write `none`, `some` or `urgent`,
then `:` and a short note); `g` adds a goal; `m` marks the highlighted goal
met, `d` dropped; `s` moves the stage; `e` changes the coach or cadence;
`x` exits the participant with a reason and a date (asks first).

Shown only at the services desk (`vip --desk services`), never while presenting.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "contact", "Contact…", id="participant.contact", tooltip="Log a contact"),
        Binding("a,n", "assess", "Needs…", id="participant.assess", tooltip="Assess the needs (a new assessment)"),
        Binding("g", "goal", "Goal…", id="participant.goal", tooltip="Add a goal to the plan"),
        Binding("m", "goal_met", "Met", id="participant.goal_met", tooltip="Mark the highlighted goal met"),
        Binding("d", "goal_dropped", "Dropped", id="participant.goal_dropped", show=False,
                tooltip="Mark the highlighted goal dropped"),
        Binding("s", "stage", "Stage…", id="participant.stage", tooltip="Move to another stage"),
        Binding("e", "plan", "Coach…", id="participant.plan", show=False, tooltip="Change the peer coach or cadence"),
        Binding("x", "exit", "Exit…", id="participant.exit", show=False,
                tooltip="End the episode with a reason and a date (asks first)"),
        Binding("r", "refresh", "Refresh", id="participant.refresh", show=False),
        Binding("escape", "back", "Back", id="participant.back", show=False),
        *COMMON_BINDINGS,
    ]

    def __init__(self, participant_id: int, view: ParticipantView | None = None) -> None:
        super().__init__()
        self.participant_id = participant_id
        self.view: ParticipantView | None = None
        self._preloaded = view  # read by open_participant before the push

    def compose(self) -> ComposeResult:
        yield Header()
        yield forms.Compartment(id="pv-hidden").data_bind(VipScreen.presenting, VipScreen.shown_as)
        yield Static("Loading…", id="pv-head")
        with VerticalScroll(id="pv-body"):
            with Horizontal(id="pv-top"):
                yield Static("", id="pv-needs", classes="pv-pane")
                with Vertical(id="pv-side"):  # wide: services and episodes beside the needs
                    yield Static("", classes="pv-services pv-pane")
                    yield Static("", classes="pv-episodes pv-pane")
            yield Static("Plan", classes="pv-title")
            yield VimTable(id="pv-goals", cursor_type="row", zebra_stripes=True, first_last=False)
            yield Static("Contacts", classes="pv-title")
            yield VimTable(id="pv-contacts", cursor_type="row", zebra_stripes=True, first_last=False)
            with Vertical(id="pv-bottom"):  # narrow: below the contacts
                yield Static("", classes="pv-services pv-pane")
                yield Static("", classes="pv-episodes pv-pane")
        yield Footer()

    def on_mount(self) -> None:
        view, self._preloaded = self._preloaded, None
        if view is not None:
            self._show(view)
        else:
            self.load()

    def on_resize(self) -> None:
        self.set_class((self.size.width or self.app.size.width) < WIDE, "-narrow")
        if self.view is not None:
            self._show(self.view)

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        if not forms.records_shown(self.app):
            self._hide()
            return
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="participant")
    def _load(self) -> None:
        view = all_in.participant_view(self.app.db, self.participant_id, today=self.app.now().date())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, view)

    def _hide(self) -> None:
        self.view = None
        self.sub_title = "VIP All In participant"
        self.query_one("#pv-head").display = False
        self.query_one("#pv-body").display = False
        for table in self.query(DataTable):
            table.clear(columns=True)
        for pane in self.query(".pv-pane").results(Static):
            pane.update("")
        self.refresh_bindings()

    def present_mode_changed(self, presenting: bool) -> None:
        self.load()

    def _show(self, view: ParticipantView) -> None:
        if not forms.records_shown(self.app):
            self._hide()
            return
        first = self.view is None
        self.view = view
        width = self.size.width or self.app.size.width
        wide = width >= WIDE
        self.query_one("#pv-head").display = True
        self.query_one("#pv-body").display = True
        self.sub_title = f"VIP All In · {who(self, view.row.person)}"
        self.query_one("#pv-head", Static).update(self._head(view, width, wide))
        self.set_class(not wide, "-narrow")
        half = width // 2 - 4 if wide else width - 4
        self.query_one("#pv-needs", Static).update(self._needs(view, half))
        self._goals(view, width - 2)
        self._contacts(view, width - 2)
        for pane in self.query(".pv-services").results(Static):
            pane.update(self._services(view, half))
        for pane in self.query(".pv-episodes").results(Static):
            pane.update(self._episodes(view, half))
        if first:
            self.query_one("#pv-goals").focus()
        self.refresh_bindings()

    # ------------------------------------------------------------------ drawing

    def _head(self, view: ParticipantView, width: int, wide: bool) -> Text:
        r = view.row
        t = Text()
        t.append(who(self, r.person), style="bold")
        t.append(f" · episode {r.episode} · coach {shown.safe(r.coach)} · ")
        t.append(r.stage.label, style="bold")
        t.append(f" since {r.stage_on.isoformat()}")
        line2 = Text(f"enrolled {r.enrolled_on.isoformat()} ({view.source.label}"
                     + (f" {shown.safe(view.notification_ref)}" if view.notification_ref else "") + ")"
                     + f" · {r.cadence:g} contact{'s' if r.cadence != 1 else ''}/week · ")
        if r.exited_on is not None:
            line2.append(f"exited {r.exited_on.isoformat()} ({r.exit_reason.label if r.exit_reason else '?'})",
                         style="bold")
        elif r.overdue:
            line2.append("next due ")
            line2.append_text(Text(f"{r.next_due.isoformat() if r.next_due else '?'}, overdue: {days(r.days_since)} "
                                   "since the last contact", style=f"bold {theme_colour(self, 'error')}"))  # type: ignore[arg-type]
        else:
            line2.append(f"next due {r.next_due.isoformat() if r.next_due else '—'}")
        return Text("\n").join([_cut(t, width - 2), line2])  # the second line wraps: the due date matters

    def _needs(self, view: ParticipantView, width: int) -> Text:
        t = Text()
        t.append("Needs", style="bold underline")
        current = view.needs
        if current is None:
            t.append("\nno assessment yet · a: intake\n", style="dim")
            return t
        t.append(f"  {current.assessed_on.isoformat()}, by {shown.safe(current.assessed_by)}\n", style="dim")
        order = {NeedLevel.urgent: 0, NeedLevel.some: 1, NeedLevel.none: 2}
        error, warning = theme_colour(self, "error"), theme_colour(self, "warning")
        style = {NeedLevel.urgent: f"bold {error}", NeedLevel.some: warning, NeedLevel.none: "dim"}
        for need in sorted(current.needs, key=lambda n: order[n.level]):
            if need.level == NeedLevel.none and not need.note:
                continue  # the domains with nothing to say share one line, below
            line = Text()
            line.append(f"{need.level.label:<7}", style=style[need.level])
            line.append(f"{need.domain.label:<16}")
            if need.note:
                line.append(shown.safe(need.note), style="italic")  # wraps: a note is read whole
            t.append_text(line)
            t.append("\n")
        nothing = [n.domain.label for n in current.needs if n.level == NeedLevel.none and not n.note]
        if nothing:
            line = Text()
            line.append(f"{'none':<7}", style="dim")
            line.append(", ".join(nothing), style="dim")
            line.truncate(width * 3, overflow="ellipsis")
            t.append_text(line)
            t.append("\n")
        if len(view.assessments) > 1:
            t.append("History\n", style="bold")
        for a in view.assessments[1:]:
            urgent = sum(1 for n in a.needs if n.level == NeedLevel.urgent)
            some = sum(1 for n in a.needs if n.level == NeedLevel.some)
            t.append_text(_cut(Text(f"{a.assessed_on.isoformat()} by {shown.safe(a.assessed_by)}: "
                                    f"{urgent} urgent, {some} some", style="dim"), width))
            t.append("\n")
        return t

    def _goals(self, view: ParticipantView, width: int) -> None:
        table = self.query_one("#pv-goals", DataTable)
        keep = self._goal_key()
        table.clear(columns=True)
        target_w, status_w, domain_w = 10, 10, 15
        rest = max(width - target_w - status_w - domain_w - 12, 20)
        for label, key, w in (("Domain", "domain", domain_w), ("Goal", "goal", rest * 3 // 5),
                              ("Target", "target", target_w), ("Milestones", "milestones", rest - rest * 3 // 5),
                              ("Status", "status", status_w)):
            table.add_column(label, key=key, width=w)
        for g in view.goals:
            status = g.status.label + (f" {g.status_on:%m-%d}" if g.status_on else "")
            style = "dim" if g.status != GoalStatus.open else ""
            table.add_row(
                Text(g.domain.label, style=style), Text(shown.safe(g.goal), style=style),
                g.target_on.isoformat() if g.target_on else "—",
                Text(shown.safe("; ".join(g.milestones)) or "—", style="dim"),
                Text(status, style=style or "bold"), key=f"g{g.id}",
            )
        if not view.goals:
            table.add_row(Text("—", style="dim"), Text("no goals yet · g adds one", style="dim"), "", "", "",
                          key="none")
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))

    def _contacts(self, view: ParticipantView, width: int) -> None:
        table = self.query_one("#pv-contacts", DataTable)
        table.clear(columns=True)
        fixed = (("When", "at", 16), ("How", "how", 9), ("Min", "min", 4), ("By", "by", 18 if width >= WIDE else 12))
        note_w = max(width - sum(w for *_, w in fixed) - 12, 16)
        for label, key, w in (*fixed, ("Note", "note", note_w)):
            table.add_column(label, key=key, width=w)
        for c in view.contacts:
            how = forms.METHOD_WORDS[c.method].split(" (")[0]
            note = Text(shown.safe(c.note or "—"))
            note.truncate(note_w, overflow="ellipsis")
            table.add_row(f"{c.at:%Y-%m-%d %H:%M}", Text(how, style="dim" if c.method.value == "attempt" else ""),
                          str(c.minutes), Text(shown.safe(c.by)), note, key=f"c{c.id}")
        if not view.contacts:
            table.add_row("—", "", "", "", Text("no contacts yet · c logs one", style="dim"), key="none")

    def _services(self, view: ParticipantView, width: int) -> Text:
        t = Text()
        t.append("Services and referrals", style="bold underline")
        t.append(f" ({len(view.referrals)})\n", style="dim")
        for r in view.referrals:
            line = Text()
            line.append(shown.safe(r.service), style="bold")
            line.append(f" — {shown.safe(r.provider or 'no provider')} · ")
            line.append(r.status.label, style="bold")
            if r.status_on:
                line.append(f" since {r.status_on.isoformat()}", style="dim")
            t.append_text(line)  # wraps
            t.append("\n")
        if not view.referrals:
            t.append("none\n", style="dim")
        return t

    def _episodes(self, view: ParticipantView, width: int) -> Text:
        t = Text()
        t.append("Episodes", style="bold underline")
        t.append(f" ({len(view.episodes)})\n", style="dim")
        for e in view.episodes:
            ended = (f"exited {e.exited_on.isoformat()} ({e.exit_reason.label if e.exit_reason else '?'})"
                     if e.exited_on else f"open, {e.stage.label}")
            line = Text(f"{e.episode}. enrolled {e.enrolled_on.isoformat()} ({e.source.label}) · "
                        f"coach {shown.safe(e.coach)} · {ended}",
                        style="bold" if e.participant_id == view.row.participant_id else "")
            t.append_text(line)  # wraps
            t.append("\n")
        return t

    # ------------------------------------------------------------------ keys

    def _goal_key(self) -> str | None:
        table = self.query_one("#pv-goals", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current_goal(self) -> GoalRow | None:
        if self.view is None:
            return None
        key = self._goal_key()
        return next((g for g in self.view.goals if f"g{g.id}" == key), None)

    def _open(self) -> bool:
        return self.view is not None and self.view.row.exited_on is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EPISODE_ACTIONS:
            return True if self._open() else None
        if action in GOAL_ACTIONS:
            goal = self.current_goal()
            wanted = GoalStatus.met if action == "goal_met" else GoalStatus.dropped
            return True if self._open() and goal is not None and goal.status != wanted else None
        return True

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_contact(self) -> None:
        if self._open():
            ask_contact(self, self.view.row, self.load)  # type: ignore[union-attr]

    def action_stage(self) -> None:
        if self._open():
            ask_stage(self, self.view.row, self.load)  # type: ignore[union-attr]

    def action_assess(self) -> None:
        if not self._open():
            return
        db, view = self.app.db, self.view
        assert view is not None

        def write(values: dict[str, Any]) -> int:
            try:
                needs = forms.needs_values(values)
            except ValueError as exc:
                raise ServiceError(str(exc)) from None
            return all_in.assess_needs(db, view.row.participant_id, needs).id

        decision_forms.ask(self, f"Needs · {who(self, view.row.person)}", forms.needs_fields(view.needs), write,
                           self.load, saved=lambda _: "Needs assessed")

    def action_goal(self) -> None:
        if not self._open():
            return
        db, view = self.app.db, self.view
        assert view is not None

        def write(values: dict[str, Any]) -> int:
            return all_in.add_goal(db, view.row.participant_id, values["domain"], values["goal"],
                                   target_on=values.get("target"),
                                   milestones=forms.milestones_of(values.get("milestones"))).id

        decision_forms.ask(self, f"Goal · {who(self, view.row.person)}", forms.goal_fields(self.app.now().date()),
                           write, self.load, saved=lambda _: "Goal added to the plan")

    async def _set_goal(self, status: GoalStatus) -> None:
        goal = self.current_goal()
        if goal is None or not self._open():
            return
        try:
            await self.written(all_in.set_goal_status, self.app.db, goal.id, status, version=goal.version)
        except ServiceError as exc:
            self.notify(shown.safe(exc), severity="error", timeout=8)
            if isinstance(exc, StaleEdit):
                self.load()
            return
        self.notify(f"Goal {status.label}: {shown.safe(goal.goal)}")
        self.load()

    async def action_goal_met(self) -> None:
        await self._set_goal(GoalStatus.met)

    async def action_goal_dropped(self) -> None:
        await self._set_goal(GoalStatus.dropped)

    def action_plan(self) -> None:
        if not self._open():
            return
        db, view = self.app.db, self.view
        assert view is not None
        row = view.row

        def write(values: dict[str, Any]) -> None:
            all_in.set_plan(db, row.participant_id, coach=values["coach"], cadence=float(values["cadence"]),
                            version=row.version)

        decision_forms.ask(self, f"Coach and cadence · {who(self, row.person)}",
                           forms.plan_fields(row.coach, row.cadence, all_in.coaches(db)), write, self.load,
                           saved=lambda _: "Coach and cadence saved")

    def action_exit(self) -> None:
        if not self._open():
            return
        db, view = self.app.db, self.view
        assert view is not None
        row = view.row
        name = who(self, row.person)

        def write(values: dict[str, Any]) -> None:
            all_in.exit_participant(db, row.participant_id, values["reason"], on=values.get("on"), version=row.version)

        def answered(yes: bool | None) -> None:
            if yes:
                decision_forms.ask(self, f"Exit · {name}", forms.exit_fields(self.app.now().date()), write, self.load,
                                   saved=lambda _: f"{name} exited VIP All In")

        self.app.push_screen(
            ConfirmDialog(f"End {name}'s VIP All In episode {row.episode}? It takes no more contacts, needs or goals; "
                          "enrolling again starts a new episode.", enter_means=False),
            answered,
        )
