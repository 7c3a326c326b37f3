"""The agenda builder: the analyst prepares one meeting's agenda from the keyboard.

One list holds the agenda: each incident in order, with its persons under it.
What a key does depends on the highlighted line (an incident or a person),
and keys that do not apply to it are hidden from the footer. Every change is
committed at once by services/agenda_builder.py and audited; a refusal (a bad
value, a record another instance changed meanwhile) is said in the form or in
a notification, and the agenda reloads. Every two seconds the screen asks
whether anyone else changed the agenda and reloads if so.

The panes are widgets (widgets/agenda_outline.py), the forms too
(widgets/agenda_forms.py), and the keys on persons are apart
(builder_persons.py). Why the class is still ~450 lines, over the ~400 of
issue 14: 70 are its help, keys and CSS, and the rest are the keys on the
meeting, incidents and invitees, which share the highlighted line, the
refusal wording and the reload after each write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.worker import get_current_worker

from ..enums import MeetingStatus
from ..services import agenda_builder as ab
from ..services import guard
from ..services.attendance import agency_short_names
from ..services.guard import ServiceError
from ..widgets import text as shown
from ..widgets.agenda_outline import AgendaDetail, AgendaOutline, InviteeList
from ..widgets.agenda_forms import incident_fields, invitee_fields, meeting_fields, partner_apart
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog
from ..widgets.person_suggest import CompactForm, FormField
from .base import COMMON_BINDINGS, VipScreen
from .builder_persons import PersonKeys

POLL_SECONDS = 2.0

# What each kind of highlighted line allows.
ITEM_ACTIONS = frozenset({"edit", "remove", "move", "budget", "add_person"})
PERSON_ACTIONS = frozenset({"edit", "remove", "add_person", "relink", "merge", "unmerge", "view_person"})
INVITEE_ACTIONS = frozenset({"edit", "remove"})
EDITING = frozenset(
    {"add_incident", "add_person", "edit", "remove", "move", "budget", "relink", "merge", "unmerge", "add_invitee",
     "meeting", "ready"}
)


class AgendaBuilderScreen(PersonKeys, VipScreen, inherit_bindings=False):
    """One meeting's agenda, built and corrected by the analyst."""

    HELP = """
## Agenda builder

The meeting's agenda: each incident in order with its persons under it, the
budgets' total against the meeting's length, and the invitees on the right.
Every change is saved at once. Values are checked as an agenda file's are and
mistakes read the same as in an import.

- `a` adds an incident (every field of an agenda file; `minutes` is its budget).
- On an incident: `e` edits it, `b` sets its budget, `ctrl+↑`/`ctrl+↓` (or
  `K`/`J`) move it, `x` takes it off the agenda, `p` adds a person.
- Adding a person suggests the people already known (same records id, same
  date of birth, a similar name): `↑`/`↓` pick one to link to, or keep
  "New person".
- On a person: `e` edits the involvement (and the person's name, birth date,
  records id), `l` links the involvement to another record (the fix for a
  wrong link), `m` merges this record into another one that is the same
  person, `u` undoes a merge into this record, `v` opens the profile.
- `i` invites someone; with the invitees focused (`tab`) `e` and `x` edit and
  remove them.
- `t` edits the meeting (date, title, place, start, length); `r` marks the
  agenda ready (or not); `w` writes the pre-read (Word) and logs who gets it.

If someone else changes the agenda meanwhile, it reloads within two
seconds; an edit of a record they changed since you opened it is refused
with a message, never saved over theirs.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_incident", "Add case", id="builder.add_incident", tooltip="Put an incident on the agenda"),
        Binding("p", "add_person", "Add person", id="builder.add_person",
                tooltip="Add a person to the highlighted incident (known people are suggested)"),
        Binding("e,enter", "edit", "Edit", id="builder.edit"),
        Binding("x,delete", "remove", "Remove", id="builder.remove"),
        Binding("ctrl+up,K", "move(-1)", "Up", id="builder.move_up", tooltip="Move the incident up the agenda"),
        Binding("ctrl+down,J", "move(1)", "Down", id="builder.move_down", tooltip="Move the incident down the agenda"),
        Binding("b", "budget", "Budget", id="builder.budget", tooltip="The incident's time budget in minutes"),
        Binding("l", "relink", "Relink", id="builder.relink",
                tooltip="Link this involvement to another person record (or a new one)"),
        Binding("m", "merge", "Merge", id="builder.merge",
                tooltip="This record and another are one person: merge them"),
        Binding("u", "unmerge", "Undo merge", id="builder.unmerge", tooltip="Undo a merge into this record"),
        Binding("v", "view_person", "Profile", id="builder.person", show=False, tooltip="Open the person's profile"),
        Binding("i", "add_invitee", "Invite", id="builder.invite", tooltip="Add an invitee"),
        Binding("t", "meeting", "Meeting", id="builder.meeting",
                tooltip="Date, title, location, facilitator, start time and length"),
        Binding("r", "ready", "Ready", id="builder.ready", tooltip="Mark the agenda ready, or not ready"),
        Binding("w", "export", "Pre-read", id="builder.export",
                tooltip="Write the pre-read agenda (Word) and log who receives it"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    AgendaBuilderScreen #builder-meeting { padding: 0 1; height: auto; }
    AgendaBuilderScreen #builder-budget { padding: 0 1; height: 1; }
    AgendaBuilderScreen #builder-budget.-over { color: $error; text-style: bold; }
    AgendaBuilderScreen #builder-budget.-ok { color: $success; }
    AgendaBuilderScreen #builder-budget.-unknown { color: $warning; }
    AgendaBuilderScreen #builder-agenda { width: 1fr; height: 1fr; max-height: 100%; border: round $panel-lighten-2; border-title-color: $text-muted; }
    AgendaBuilderScreen #builder-agenda:focus { border: round $primary; }
    AgendaBuilderScreen #builder-side { width: 46; }
    AgendaBuilderScreen.-narrow #builder-side { width: 34; }
    AgendaBuilderScreen #builder-detail-box { height: 1fr; border: round $panel-lighten-2; border-title-color: $text-muted; }
    AgendaBuilderScreen #builder-detail { padding: 0 1; }
    AgendaBuilderScreen #builder-invitees {
        height: 40%; border: round $panel-lighten-2; border-title-color: $text-muted;
    }
    AgendaBuilderScreen #builder-invitees:focus { border: round $primary; }
    AgendaBuilderScreen #builder-closed { background: $warning 30%; padding: 0 1; display: none; }
    AgendaBuilderScreen.-closed #builder-closed { display: block; }
    """

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.draft: ab.AgendaDraft | None = None
        self.areas: list[str] = []
        self.agencies: list[str] = []
        self._select: str | None = None  # option id to highlight after the next load

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="builder-meeting")
        yield Static("", id="builder-budget")
        yield Static("This meeting is closed: its agenda is read-only.", id="builder-closed")
        with Horizontal():
            # What the audience may see comes down to the panes that show persons (state down, data_bind).
            yield AgendaOutline(id="builder-agenda").data_bind(VipScreen.shown_as)
            with Vertical(id="builder-side"):
                with VerticalScroll(id="builder-detail-box"):
                    yield AgendaDetail("", id="builder-detail").data_bind(VipScreen.shown_as)
                yield InviteeList(id="builder-invitees")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#builder-agenda", OptionList).border_title = "Agenda"
        details = self.query_one("#builder-detail-box")
        details.border_title = "Details"
        details.can_focus = False  # tab goes from the agenda straight to the invitees
        self.query_one("#builder-invitees", OptionList).border_title = "Invitees"
        self.load()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            if self.draft is not None:
                self._draw_agenda()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="builder-load")
    def load(self) -> None:
        draft = ab.load_agenda(self.app.db, self.meeting_id)
        agencies = agency_short_names(self.app.db)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, draft, agencies)

    @work(thread=True, exclusive=True, exit_on_error=False, group="builder-poll")
    def poll(self) -> None:
        """Reload when another instance changed the agenda (the stamp moved)."""
        if self.draft is None:
            return
        stamp = ab.agenda_stamp(self.app.db, self.meeting_id)
        if stamp != self.draft.stamp and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.load)

    def reload(self, select: str | None = None) -> None:
        """Show the agenda after one of our own changes, at once.

        Not in a worker: the next key (another ctrl+down, say) must act on the
        versions this change produced, or it would be refused as stale against
        our own write. The load is a handful of indexed queries.
        """
        if select is not None:
            self._select = select
        self.app.persons_changed()  # a person may have been added, renamed or merged: masked on screen too
        try:
            draft = ab.load_agenda(self.app.db, self.meeting_id)
            agencies = agency_short_names(self.app.db)
        except Exception:  # noqa: BLE001 - shown by the worker's error handling instead
            self.load()
            return
        self._show(draft, agencies)

    def _show(self, draft: ab.AgendaDraft, agencies: list[str]) -> None:
        self.draft = draft
        self.agencies = agencies
        self.areas = sorted({i.area_command for i in draft.items if i.area_command} | set(self.areas))
        m = draft.meeting
        self.sub_title = f"Agenda builder · Meeting {m.number} · {m.date:%a %d %b %Y}"
        self.set_class(m.status == MeetingStatus.closed, "-closed")
        facts = Text()
        facts.append(m.title or "Weekly Shooting Review", style="bold")
        for part in (m.location, f"starts {m.start_time:%H:%M}" if m.start_time else None,
                     f"facilitator {m.facilitator}" if m.facilitator else None, m.status.label):
            if part:
                facts.append(f" · {part}")
        facts.append("  ")
        facts.append(" READY " if m.agenda_ready else " NOT READY ",
                     style="bold reverse green" if m.agenda_ready else "bold reverse yellow")
        self.query_one("#builder-meeting", Static).update(facts)
        words, state = draft.budget_words()
        budget = self.query_one("#builder-budget", Static)
        budget.update(Text(words))
        for s in ("ok", "over", "unknown"):
            budget.set_class(s == state, f"-{s}")
        self._draw_agenda()
        self.query_one(InviteeList).show(draft.invitees)
        self._draw_detail()
        self.refresh_bindings()

    def _draw_agenda(self) -> None:
        assert self.draft is not None
        self.query_one(AgendaOutline).show(self.draft, narrow=self.has_class("-narrow"), select=self._select)
        self._select = None

    def _draw_detail(self) -> None:
        self.query_one(AgendaDetail).show(self.highlighted())

    # ------------------------------------------------------------------ what is highlighted

    def highlighted(self) -> tuple[str | None, Any]:
        """``("item", ItemLine)``, ``("person", (ItemLine, PersonLine))``, ``("invitee", InviteeLine)`` or (None, None)."""
        if self.draft is None:
            return None, None
        invitees = self.query_one(InviteeList)
        if self.focused is invitees:
            return invitees.line(self.draft.invitees)
        return self.query_one(AgendaOutline).line()

    def _current_item(self) -> ab.ItemLine | None:
        kind, obj = self.highlighted()
        if kind == "item":
            return obj
        if kind == "person":
            return obj[0]
        return None

    @property
    def closed(self) -> bool:
        return self.draft is not None and self.draft.meeting.status == MeetingStatus.closed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITING and self.closed:
            return None
        kind, _ = self.highlighted()
        allowed = {"item": ITEM_ACTIONS, "person": PERSON_ACTIONS, "invitee": INVITEE_ACTIONS}.get(kind or "", frozenset())
        contextual = ITEM_ACTIONS | PERSON_ACTIONS | INVITEE_ACTIONS
        if action in contextual and action not in allowed:
            return False  # hidden: it does not apply to the highlighted line
        if action == "unmerge" and kind == "person":
            return True if self.highlighted()[1][1].merges else False
        return True

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self._draw_detail()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self._draw_detail()
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    # ------------------------------------------------------------------ refusals

    def _refused(self, exc: Exception) -> str:
        """The words for a refusal; a stale record reloads the agenda."""
        if isinstance(exc, guard.StaleEdit) or "someone else" in str(exc):
            self.reload()
        return str(exc)

    async def _attempt(self, work_fn: Any, *, select: str | None = None, done: str | None = None) -> bool:
        """Run one service call from a key, in the write lane: a refusal is a notification, success reloads."""
        try:
            result = await self.written(work_fn)
        except ServiceError as exc:
            self.notify(self._refused(exc), severity="error", timeout=8, markup=False)
            return False
        self.reload(select)
        if done:
            try:
                text = done.format(result)
            except (IndexError, KeyError, AttributeError, ValueError):
                text = done
            self.notify(text, timeout=5, markup=False)
        return True

    def _form_save(self, call: Any) -> Any:
        """A form's save callback: the service's message stays in the form; a stale record also reloads."""

        async def save(values: dict[str, str]) -> str | None:
            try:
                await self.written(call, values)
            except ServiceError as exc:
                return self._refused(exc)
            return None

        return save

    # ------------------------------------------------------------------ the meeting

    def action_meeting(self) -> None:
        if self.draft is None or self.closed:
            return
        m = self.draft.meeting
        self.app.push_screen(
            CompactForm(
                f"Meeting {m.number}", meeting_fields(m.form_values()),
                self._form_save(lambda v: ab.update_meeting(self.app.db, m.id, m.version, v)),
                note="minutes is the meeting's planned length, against which the budgets are counted.",
            ),
            lambda values: self.reload() if values is not None else None,
        )

    async def action_ready(self) -> None:
        if self.draft is None or self.closed:
            return
        m = self.draft.meeting
        ready = not m.agenda_ready
        words, state = self.draft.budget_words()
        message = "Agenda marked ready" if ready else "Agenda marked not ready"
        if ready and state == "over":
            message += f" (note: {words.split('· ', 1)[1]})"
        await self._attempt(lambda: ab.set_ready(self.app.db, m.id, m.version, ready), done=message)

    # ------------------------------------------------------------------ incidents

    def action_add_incident(self) -> None:
        if self.draft is None or self.closed:
            return
        meeting_id = self.draft.meeting.id
        added: list[ab.Added] = []

        def call(values: dict[str, str]) -> None:
            incident, partner = partner_apart(values)
            added.append(ab.add_incident(self.app.db, meeting_id, incident))
            if partner:  # the incident was just created by this form: nobody else has seen it
                ab.set_partner_summary(self.app.db, added[-1].agenda_item_id, partner, version=None)

        def closed(values: dict[str, str] | None) -> None:
            if values is None or not added:
                return
            self.reload(f"item:{added[-1].agenda_item_id}")
            if added[-1].known_before:
                self.notify(f"Case {values['case_number']} was already known: that incident is on this agenda now "
                            "(fields left empty kept what was known)", timeout=8, markup=False)

        self.app.push_screen(
            CompactForm("Add an incident", incident_fields({}, self.areas), self._form_save(call),
                        note="Named as in an agenda file; occurred_at is local time. nibin_leads: separate with ;"),
            closed,
        )

    def action_edit(self) -> None:
        if self.closed:
            return
        kind, obj = self.highlighted()
        if kind == "item":
            self._edit_item(obj)
        elif kind == "person":
            self._edit_person(*obj)
        elif kind == "invitee":
            self._edit_invitee(obj)

    def _edit_item(self, item: ab.ItemLine) -> None:
        self.app.push_screen(
            CompactForm(
                f"Incident {item.case_number}", incident_fields(item.form_values(), self.areas),
                self._form_save(lambda v: self._save_item(item, v)),
                note="Named as in an agenda file; occurred_at is local time. nibin_leads: separate with ;",
            ),
            lambda values: self.reload(f"item:{item.id}") if values is not None else None,
        )

    def _save_item(self, item: ab.ItemLine, values: dict[str, str]) -> None:
        incident, partner = partner_apart(values)
        ab.update_incident(self.app.db, item.id, item.version, item.incident_version, incident)
        # The same form, checked against the version it showed one statement ago by update_incident.
        ab.set_partner_summary(self.app.db, item.id, partner, version=None)

    def action_budget(self) -> None:
        kind, item = self.highlighted()
        if kind != "item" or self.closed:
            return
        self.app.push_screen(
            CompactForm(
                f"Budget for {item.case_number}",
                [FormField("minutes", "minutes", str(item.minutes or ""), False, "8")],
                self._form_save(lambda v: ab.set_budget(self.app.db, item.id, item.version, v["minutes"])),
                note=self.draft.budget_words()[0] if self.draft else "",
            ),
            lambda values: self.reload(f"item:{item.id}") if values is not None else None,
        )

    async def action_move(self, delta: int) -> None:
        kind, item = self.highlighted()
        if kind != "item" or self.closed:
            return
        await self._attempt(lambda: ab.move_item(self.app.db, item.id, item.version, delta), select=f"item:{item.id}")

    async def action_remove(self) -> None:
        if self.closed:
            return
        kind, obj = self.highlighted()
        if kind == "item":
            item: ab.ItemLine = obj
            question = (f"Take case {item.case_number} off the agenda?\n\nAn incident on no other agenda is deleted "
                        "with its persons' involvements; one reviewed before stays known.")
            self.app.push_screen(ConfirmDialog(question), lambda yes: yes and self._attempt(
                lambda: ab.remove_item(self.app.db, item.id, item.version), done="{}"))
        elif kind == "person":
            item, p = obj
            question = f"Take {shown.name(self.app, p.name)} ({p.role.label}) off case {item.case_number}?"
            self.app.push_screen(ConfirmDialog(question), lambda yes: yes and self._attempt(
                lambda: ab.remove_involvement(self.app.db, p.involvement_id, p.version), select=f"item:{item.id}"))
        elif kind == "invitee":
            row: ab.InviteeLine = obj
            await self._attempt(lambda: ab.remove_invitee(self.app.db, row.attendance_id, version=row.version),
                          done=f"{row.name} ({row.agency}) is no longer invited")

    # ------------------------------------------------------------------ invitees

    def action_add_invitee(self) -> None:
        if self.draft is None or self.closed:
            return
        meeting_id = self.draft.meeting.id
        self.app.push_screen(
            CompactForm("Invite", invitee_fields(self.agencies, {}),
                        self._form_save(lambda v: ab.add_invitee(self.app.db, meeting_id, v)),
                        note="An agency not yet known is added."),
            lambda values: self.reload() if values is not None else None,
        )

    def _edit_invitee(self, row: ab.InviteeLine) -> None:
        self.app.push_screen(
            CompactForm(f"Invitee {row.name}", invitee_fields(self.agencies, row.form_values()),
                        self._form_save(lambda v: ab.update_invitee(self.app.db, row.attendance_id, v, version=row.version))),
            lambda values: self.reload() if values is not None else None,
        )

    # ------------------------------------------------------------------ the pre-read

    def action_export(self) -> None:
        if self.draft is None:
            return
        from ..locations import documents_dir_for_form  # the documents folder, never the current one (issue 13)
        example = "short name, e.g. " + (self.agencies[0] if self.agencies else "RMPD") + "; optional"
        fields = [
            Field("to", "Goes to (agency)", suggestions=self.agencies, placeholder=example,
                  check=lambda v: None if v.casefold() in {a.casefold() for a in self.agencies}
                  else f"unknown agency; known: {', '.join(self.agencies)}"),
            Field("folder", "Folder", value=str(documents_dir_for_form()), required=True,
                  check=lambda v: None if Path(v).expanduser().is_dir() else "no such folder"),
        ]
        hint = ("Writes the pre-read agenda (law enforcement sensitive) as a Word file and logs who receives it.\n"
                "→ accepts a suggestion · ctrl+s: write · escape: cancel")
        self.app.push_screen(
            FormDialog(f"Pre-read agenda of {self.draft.meeting.date.isoformat()}", fields,
                       today=self.app.now().date(), hint=hint),
            self._export_asked,
        )

    def _export_asked(self, values: dict[str, Any] | None) -> None:
        if values is None or self.draft is None:
            return
        self.notify("Writing the pre-read…", timeout=2)
        self.export(self.draft.meeting.date, values.get("to"), Path(values["folder"]).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="builder-export")
    def export(self, date: Any, to: str | None, folder: Path) -> None:
        try:
            from ..export.agenda import export_agenda

            path = export_agenda(self.app.db, date, path=folder, to_agency=to)
        except Exception as exc:  # noqa: BLE001 - a refusal or a write error, said in words
            self.notify(f"The pre-read was not written: {exc}", severity="error", timeout=15, markup=False)
            return
        self.notify(f"Pre-read written: {path}" + (f" (to {to})" if to else ""), timeout=12, markup=False)
