"""The agenda builder: the analyst prepares one meeting's agenda from the keyboard.

One list holds the agenda: each incident in order, with its persons under it.
What a key does depends on the highlighted line (an incident or a person),
and keys that do not apply to it are hidden from the footer. Every change is
committed at once by services/agenda_builder.py and audited; a refusal (a bad
value, a record another instance changed meanwhile) is said in the form or in
a notification, and the agenda reloads. Every two seconds the screen asks
whether anyone else changed the agenda and reloads if so.
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
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..enums import CaseStatus, IncidentType, MeetingStatus, RetaliationRisk
from ..services import agenda_builder as ab
from ..services import guard
from ..services.attendance import agency_short_names
from ..services.guard import ReviewError
from ..services.merge import MergeRecord, merge_persons, merges_into, unmerge
from ..widgets import text as shown
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog
from ..widgets.person_suggest import CompactForm, FormField, PersonChoice, PersonPicker
from .base import COMMON_BINDINGS, VipScreen

POLL_SECONDS = 2.0
# Role words on a narrow terminal, where "person of interest" would wrap every line.
SHORT_ROLES = {"associate": "assoc.", "person_of_interest": "POI"}

TYPE_WORDS = IncidentType.values()
CASE_STATUS_WORDS = CaseStatus.values()
RISK_WORDS = RetaliationRisk.values()

# What each kind of highlighted line allows.
ITEM_ACTIONS = frozenset({"edit", "remove", "move", "budget", "add_person"})
PERSON_ACTIONS = frozenset({"edit", "remove", "add_person", "relink", "merge", "unmerge", "view_person"})
INVITEE_ACTIONS = frozenset({"edit", "remove"})
EDITING = frozenset(
    {"add_incident", "add_person", "edit", "remove", "move", "budget", "relink", "merge", "unmerge", "add_invitee",
     "meeting", "ready"}
)


def incident_fields(values: dict[str, str], areas: list[str]) -> list[FormField]:
    """The SPEC §4 incident fields, named as the agenda files name them."""
    v = values.get
    return [
        FormField("case_number", "case_number", v("case_number", ""), True, "26-0098123"),
        FormField("occurred_at", "occurred_at", v("occurred_at", ""), True, "2026-11-18T23:42"),
        FormField("type", "type", v("type", ""), True, " | ".join(TYPE_WORDS), TYPE_WORDS),
        FormField("location", "location", v("location", ""), True, "5600 block Central Ave SE"),
        FormField("area_command", "area_command", v("area_command", ""), False, "Southeast", areas),
        FormField("minutes", "minutes (budget)", v("minutes", ""), False, "8"),
        FormField("summary", "summary", v("summary", "")),
        FormField("motive", "motive", v("motive", ""), False, "ongoing dispute"),
        FormField("case_status", "case_status", v("case_status", ""), False, " | ".join(CASE_STATUS_WORDS),
                  CASE_STATUS_WORDS),
        FormField("retaliation_risk", "retaliation_risk", v("retaliation_risk", ""), False, " | ".join(RISK_WORDS),
                  RISK_WORDS),
        FormField("nibin_leads", "nibin_leads", v("nibin_leads", ""), False, "N-2026-0042; N-2026-0043"),
        FormField("partner_summary", "partner_summary", v("partner_summary", ""), False,
                  "for partners: no names, no dates of birth"),
    ]


def _partner_apart(values: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The incident form's values without the partner summary (written on its own), and the checked summary."""
    partner = ab.check_partner_summary(values.get("partner_summary"))
    return {k: v for k, v in values.items() if k != "partner_summary"}, partner


def meeting_fields(values: dict[str, str]) -> list[FormField]:
    v = values.get
    return [
        FormField("date", "date", v("date", ""), True, "2026-12-08"),
        FormField("title", "title", v("title", ""), False, "Weekly Shooting Review"),
        FormField("location", "location", v("location", ""), False, "Real Time Crime Center"),
        FormField("facilitator", "facilitator", v("facilitator", ""), False, "Lt. A. Example"),
        FormField("start_time", "start_time", v("start_time", ""), False, "09:00"),
        FormField("minutes", "minutes (length)", v("minutes", ""), False, "90"),
    ]


def new_meeting_form(today_text: str, save: Any) -> CompactForm:
    """The form that creates a meeting (from the meetings screen)."""
    return CompactForm(
        "New meeting", meeting_fields({"date": today_text, "title": "Weekly Shooting Review"}), save,
        note="Only the date is required; everything else can be set later with t in the agenda builder.",
    )


class AgendaBuilderScreen(VipScreen, inherit_bindings=False):
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
        Binding("j", "cursor_down", "Down", show=False, id="builder.down"),
        Binding("k", "cursor_up", "Up", show=False, id="builder.up"),
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
            yield OptionList(id="builder-agenda")
            with Vertical(id="builder-side"):
                with VerticalScroll(id="builder-detail-box"):
                    yield Static("", id="builder-detail")
                yield OptionList(id="builder-invitees")
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
        self._draw_invitees()
        self._draw_detail()
        self.refresh_bindings()

    def _draw_agenda(self) -> None:
        assert self.draft is not None
        listing = self.query_one("#builder-agenda", OptionList)
        wanted = self._select or self._highlighted_id(listing)
        self._select = None
        old_index = listing.highlighted
        listing.clear_options()
        for item in self.draft.items:
            listing.add_option(Option(self._item_prompt(item), id=f"item:{item.id}"))
            for n, p in enumerate(item.persons, start=1):
                listing.add_option(Option(self._person_prompt(p, n == len(item.persons)), id=f"inv:{p.involvement_id}"))
        if not self.draft.items:
            listing.add_option(Option(Text("No incidents yet: press a to add one.", style="dim"), id="empty",
                                      disabled=True))
        listing.border_title = f"Agenda ({len(self.draft.items)} incident{'s' * (len(self.draft.items) != 1)})"
        ids = [o.id for o in listing.options]
        if wanted in ids:
            listing.highlighted = ids.index(wanted)
        elif ids and self.draft.items:
            listing.highlighted = min(old_index or 0, len(ids) - 1)

    def _draw_invitees(self) -> None:
        assert self.draft is not None
        listing = self.query_one("#builder-invitees", OptionList)
        wanted = self._highlighted_id(listing)
        listing.clear_options()
        for r in self.draft.invitees:
            t = Text()
            t.append(f"{r.agency:<6} ", style="bold")
            t.append(r.name)
            if r.role:
                t.append(f" · {r.role}", style="dim")
            listing.add_option(Option(t, id=f"att:{r.attendance_id}"))
        if not self.draft.invitees:
            listing.add_option(Option(Text("No invitees: press i to invite.", style="dim"), disabled=True))
        listing.border_title = f"Invitees ({len(self.draft.invitees)})"
        ids = [o.id for o in listing.options]
        if wanted in ids:
            listing.highlighted = ids.index(wanted)
        elif self.draft.invitees:
            listing.highlighted = 0

    @staticmethod
    def _highlighted_id(listing: OptionList) -> str | None:
        if listing.highlighted is None or not listing.option_count:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    # Option prompts: Textual's OptionList drops whitespace at the start of a
    # line or of a styled span, so separators end the span before them.

    def _item_prompt(self, item: ab.ItemLine) -> Text:
        narrow = self.has_class("-narrow")
        t = Text()
        t.append(f"{item.position}. ", style="bold")
        t.append(f"{item.case_number}  ", style="bold")
        t.append(f"{item.type.label} ", style="bold red" if item.type == IncidentType.homicide else "bold")
        if not narrow:
            t.append(f"· {item.area_command or 'no area'} · {item.occurred_at:%a %d %b %H:%M} ")
        t.append("· ")
        t.append(f"{item.minutes} min" if item.minutes else "no budget", style="bold" if item.minutes else "bold yellow")
        if item.discussed:
            t.append(" · discussed", style="dim italic")
        if not item.persons:
            t.append("\n└ no persons", style="dim")
        return t

    def _person_prompt(self, p: ab.PersonLine, last: bool) -> Text:
        narrow = self.has_class("-narrow")
        t = Text()
        t.append("└ " if last else "├ ", style="dim")
        role = SHORT_ROLES.get(p.role.value, p.role.label) if narrow else p.role.label
        t.append(f"{role:<{9 if narrow else 18}} ")
        t.append(f"{shown.name(self.app, p.name)} ", style="bold")
        extra = [shown.safe(p.record_id)] if p.record_id and shown.may_see(self.app, "person.record_id") and not narrow else []
        if p.elsewhere:
            extra.append(f"{len(p.elsewhere)} other case{'s' * (len(p.elsewhere) != 1)}" if not narrow
                         else f"+{len(p.elsewhere)}")
        if p.merges:
            extra.append("merged")
        if extra:
            t.append("· " + " · ".join(extra), style="dim")
        return t

    def _draw_detail(self) -> None:
        detail = self.query_one("#builder-detail", Static)
        kind, obj = self.highlighted()
        t = Text()
        if kind == "item":
            i: ab.ItemLine = obj
            t.append(f"{shown.safe(i.case_number)}\n", style="bold")
            rows = [
                ("occurred_at", f"{i.occurred_at:%Y-%m-%d %H:%M}"), ("type", i.type.value),
                ("location", shown.free(self.app, i.location)),
                ("area_command", shown.safe(i.area_command)), ("minutes", str(i.minutes) if i.minutes else None),
                ("motive", shown.free(self.app, i.motive)),
                ("case_status", i.case_status.value if i.case_status else None),
                ("retaliation_risk", i.retaliation_risk.value if i.retaliation_risk else None),
                ("nibin_leads", shown.safe("; ".join(i.nibin_leads)) or None),
            ]
            for name, value in rows:
                t.append(f"{name}: ", style="dim")
                t.append(f"{value or '—'}\n")
            if i.summary:
                t.append(f"\n{shown.free(self.app, i.summary)}\n")
            partner = i.partner_summary
            if partner:
                t.append("\nfor partners: ", style="bold")
                t.append(f"{shown.free(self.app, partner)}\n")
            t.append("\ne edit · b budget · p add person · K/J move · x remove", style="dim")
        elif kind == "person":
            item, p = obj
            t.append(f"{shown.name(self.app, p.name)}\n", style="bold")
            t.append(f"{p.role.label} in {shown.safe(item.case_number)}\n")
            if shown.may_see(self.app, "person.record_id"):
                t.append("records id: ", style="dim")
                t.append(f"{shown.safe(p.record_id) or '—'}\n")
            if shown.may_see(self.app, "person.dob"):
                t.append("born: ", style="dim")
                t.append(f"{p.dob.isoformat() if p.dob else '—'}\n")
            aliases = p.aliases
            if shown.may_see(self.app, "person.aliases"):
                t.append("aliases: ", style="dim")
                t.append(f"{shown.safe(', '.join(aliases)) or '—'}\n")
            t.append("group: ", style="dim")
            t.append(f"{shown.free(self.app, p.group) or '—'}\n")
            if p.notes and shown.may_see(self.app, "person.notes"):
                t.append(f"{shown.safe(p.notes)}\n", style="italic")
            t.append("\nLinked record's other incidents:\n", style="bold")
            if p.elsewhere:
                for line in p.elsewhere[:8]:
                    t.append(f"  {shown.safe(line)}\n")
                if len(p.elsewhere) > 8:
                    t.append(f"  … and {len(p.elsewhere) - 8} more\n", style="dim")
            else:
                t.append("  none: first time on an agenda\n", style="dim")
            if p.merges:
                t.append(f"\n{p.merges} record{'s' * (p.merges != 1)} merged into this one (u to undo)\n", style="cyan")
            t.append("\ne edit · l link to another record · m merge · v profile · x remove", style="dim")
        elif kind == "invitee":
            r: ab.InviteeLine = obj
            t.append(f"{shown.free(self.app, r.name)}\n", style="bold")
            t.append(f"{shown.safe(r.agency)}{' · ' + shown.free(self.app, r.role) if r.role else ''}\n")
            t.append(f"attendance: {r.status}{' (walk-in)' if r.walk_in else ''}\n", style="dim")
            t.append("\ne edit · x remove · i invite another", style="dim")
        else:
            t.append("a add an incident · i invite · t meeting details", style="dim")
        detail.update(t)

    def present_mode_changed(self, presenting: bool) -> None:
        if self.draft is not None:
            self._draw_agenda()
            self._draw_detail()

    # ------------------------------------------------------------------ what is highlighted

    def highlighted(self) -> tuple[str | None, Any]:
        """``("item", ItemLine)``, ``("person", (ItemLine, PersonLine))``, ``("invitee", InviteeLine)`` or (None, None)."""
        if self.draft is None:
            return None, None
        invitees = self.query_one("#builder-invitees", OptionList)
        if self.focused is invitees:
            oid = self._highlighted_id(invitees)
            if oid and oid.startswith("att:"):
                row = next((r for r in self.draft.invitees if r.attendance_id == int(oid[4:])), None)
                return ("invitee", row) if row else (None, None)
            return None, None
        oid = self._highlighted_id(self.query_one("#builder-agenda", OptionList))
        if oid is None:
            return None, None
        if oid.startswith("item:"):
            item = next((i for i in self.draft.items if i.id == int(oid[5:])), None)
            return ("item", item) if item else (None, None)
        if oid.startswith("inv:"):
            for item in self.draft.items:
                for p in item.persons:
                    if p.involvement_id == int(oid[4:]):
                        return "person", (item, p)
        return None, None

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

    def cursor_list(self) -> OptionList:
        focused = self.focused
        return focused if isinstance(focused, OptionList) else self.query_one("#builder-agenda", OptionList)

    # ------------------------------------------------------------------ refusals

    def _refused(self, exc: Exception) -> str:
        """The words for a refusal; a stale record reloads the agenda."""
        if isinstance(exc, guard.StaleEdit) or "someone else" in str(exc):
            self.reload()
        return str(exc)

    def _attempt(self, work_fn: Any, *, select: str | None = None, done: str | None = None) -> bool:
        """Run one service call from a key: a refusal is a notification, success reloads."""
        try:
            result = work_fn()
        except ReviewError as exc:
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

        def save(values: dict[str, str]) -> str | None:
            try:
                call(values)
            except ReviewError as exc:
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

    def action_ready(self) -> None:
        if self.draft is None or self.closed:
            return
        m = self.draft.meeting
        ready = not m.agenda_ready
        words, state = self.draft.budget_words()
        message = "Agenda marked ready" if ready else "Agenda marked not ready"
        if ready and state == "over":
            message += f" (note: {words.split('· ', 1)[1]})"
        self._attempt(lambda: ab.set_ready(self.app.db, m.id, m.version, ready), done=message)

    # ------------------------------------------------------------------ incidents

    def action_add_incident(self) -> None:
        if self.draft is None or self.closed:
            return
        meeting_id = self.draft.meeting.id
        added: list[ab.Added] = []

        def call(values: dict[str, str]) -> None:
            incident, partner = _partner_apart(values)
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
        incident, partner = _partner_apart(values)
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

    def action_move(self, delta: int) -> None:
        kind, item = self.highlighted()
        if kind != "item" or self.closed:
            return
        self._attempt(lambda: ab.move_item(self.app.db, item.id, item.version, delta), select=f"item:{item.id}")

    def action_remove(self) -> None:
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
            self._attempt(lambda: ab.remove_invitee(self.app.db, row.attendance_id, version=row.version),
                          done=f"{row.name} ({row.agency}) is no longer invited")

    # ------------------------------------------------------------------ persons

    def _groups(self) -> list[str]:
        if self.draft is None:
            return []
        return sorted({p.group for i in self.draft.items for p in i.persons if p.group})

    def action_add_person(self) -> None:
        item = self._current_item()
        if item is None or self.closed:
            return
        added: list[int] = []

        def save(choice: PersonChoice) -> str | None:
            try:
                added.append(ab.add_person(self.app.db, item.id, choice.values, choice.person_id, choice.person_version))
            except ReviewError as exc:
                return self._refused(exc)
            return None

        def closed(choice: PersonChoice | None) -> None:
            if choice is not None and added:
                self.reload(f"inv:{added[-1]}")
                self.notify(f"{shown.name(self.app, choice.values.get('name', ''))} added to {item.case_number}: "
                            f"{'linked to ' + shown.name(self.app, choice.label) if choice.person_id else 'new person record'}",
                            timeout=5, markup=False)

        self.app.push_screen(
            PersonPicker(f"Add a person to {item.case_number}", "add", save, groups=self._groups()),
            closed,
        )

    def _edit_person(self, item: ab.ItemLine, p: ab.PersonLine) -> None:
        others = len(p.elsewhere)
        note = ("name, dob and record_id are the person's own: they change in every incident of this person"
                + (f" ({others} other{'s' * (others != 1)})." if others else "."))
        fields = [
            FormField("name", "name", p.name, True),
            FormField("role", "role", p.role.value, True, "victim | suspect | witness | associate | person_of_interest",
                      [r for r in ("victim", "suspect", "witness", "associate", "person_of_interest")]),
            FormField("dob", "dob (date of birth)", p.dob.isoformat() if p.dob else "", False, "2002-03-14"),
            FormField("record_id", "record_id (records id)", p.record_id or "", False, "MNI-55821"),
            FormField("group", "group", p.group or "", False, "Example Crew", self._groups()),
            FormField("notes", "notes", p.notes or ""),
        ]
        # Aliases are for the full view only: not even their field shows while presenting.
        with_aliases = shown.may_see(self.app, "person.aliases")
        if with_aliases:
            fields.insert(1, FormField("aliases", "aliases (separate with , or ;)", ", ".join(p.aliases), False,
                                       "Slim; J-Money"))

        def save(values: dict[str, str]) -> None:
            person = {k: v for k, v in values.items() if k != "aliases"}
            aliases = ab.check_aliases(values.get("aliases")) if with_aliases else None
            ab.update_involvement(self.app.db, p.involvement_id, p.version, p.person_version, person)
            if aliases is not None:
                # The same form, checked against the person's version by update_involvement just before.
                ab.set_aliases(self.app.db, p.involvement_id, "; ".join(aliases), person_version=None)

        self.app.push_screen(
            CompactForm(
                f"{shown.name(self.app, p.name)} in {item.case_number}", fields,
                self._form_save(save),
                note=note,
            ),
            lambda values: self.reload(f"inv:{p.involvement_id}") if values is not None else None,
        )

    def action_relink(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj

        def save(choice: PersonChoice) -> str | None:
            try:
                ab.relink_involvement(self.app.db, p.involvement_id, p.version, choice.person_id, choice.values)
            except ReviewError as exc:
                return self._refused(exc)
            return None

        def closed(choice: PersonChoice | None) -> None:
            if choice is not None:
                self.reload(f"inv:{p.involvement_id}")
                self.notify(f"{item.case_number}: the {p.role.label} is now linked to "
                            f"{shown.name(self.app, choice.label)}", timeout=6, markup=False)

        self.app.push_screen(
            PersonPicker(
                f"Link the {p.role.label} of {item.case_number} to another person record", "link", save,
                # Not the records id: it is the record's being left, and no new record may share it.
                values={**p.form_values(), "record_id": ""}, exclude=[p.person_id],
                note=f"Now linked to {shown.name(self.app, p.name)}. Pick the right record, or keep "
                     "New person to make one from the values above.",
            ),
            closed,
        )

    def action_merge(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj

        def closed(choice: PersonChoice | None) -> None:
            if choice is None or choice.person_id is None:
                return
            question = (
                f"Merge {shown.name(self.app, p.name)}'s record into {shown.name(self.app, choice.label)}?\n\n"
                "Every involvement, notification, referral and group moves to the record kept; "
                "u on that person undoes it."
            )
            self.app.push_screen(
                ConfirmDialog(question),
                lambda yes: yes and self._attempt(
                    lambda: merge_persons(self.app.db, choice.person_id, p.person_id,  # type: ignore[arg-type]
                                          survivor_version=choice.person_version, absorbed_version=p.person_version),
                    select=f"item:{item.id}", done="Merged: {0.absorbed} into {0.survivor} ({0.summary})",
                ),
            )

        self.app.push_screen(
            PersonPicker(
                f"Merge {shown.name(self.app, p.name)} into another record of the same person", "merge",
                lambda _choice: None, values=p.form_values(), exclude=[p.person_id],
                note="Pick the record to keep; this one is merged into it (and can be unmerged with u).",
            ),
            closed,
        )

    def action_unmerge(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj
        merges = merges_into(self.app.db, p.person_id)
        if not merges:
            self.notify(f"No record was merged into {shown.name(self.app, p.name)}'s", severity="warning")
            return

        def undo(merge: MergeRecord) -> None:
            question = (
                f"Undo the merge of {shown.name(self.app, merge.absorbed)} into {shown.name(self.app, merge.survivor)} "
                f"({merge.at:%Y-%m-%d %H:%M} by {merge.user}; it moved {merge.summary})?\n\n"
                "What it moved goes back; what came later stays."
            )
            self.app.push_screen(ConfirmDialog(question), lambda yes: yes and self._attempt(
                lambda: unmerge(self.app.db, merge.id, version=merge.version), select=f"item:{item.id}",
                done="Merge undone: {0.absorbed} stands on its own again"))

        if len(merges) == 1:
            undo(merges[0])
            return
        options = [(f"{shown.name(self.app, m.absorbed)} · {m.at:%Y-%m-%d %H:%M} · {m.summary}", m.id) for m in merges]

        def picked(values: dict | None) -> None:
            if values and values.get("merge"):
                undo(next(m for m in merges if m.id == values["merge"]))

        self.app.push_screen(
            FormDialog("Which merge to undo?", [Field("merge", "Merge", kind="select", options=options, required=True)],
                       today=self.app.now().date()),
            picked,
        )

    def action_view_person(self) -> None:
        kind, obj = self.highlighted()
        if kind == "person":
            self.app.open_person(obj[1].person_id)

    # ------------------------------------------------------------------ invitees

    def _invitee_fields(self, values: dict[str, str]) -> list[FormField]:
        return [
            FormField("name", "name", values.get("name", ""), True, "Det. B. Example"),
            FormField("agency", "agency (short name)", values.get("agency", ""), True,
                      ", ".join(self.agencies[:6]) or "RMPD", self.agencies),
            FormField("role", "role", values.get("role", ""), False, "Homicide"),
        ]

    def action_add_invitee(self) -> None:
        if self.draft is None or self.closed:
            return
        meeting_id = self.draft.meeting.id
        self.app.push_screen(
            CompactForm("Invite", self._invitee_fields({}),
                        self._form_save(lambda v: ab.add_invitee(self.app.db, meeting_id, v)),
                        note="An agency not yet known is added."),
            lambda values: self.reload() if values is not None else None,
        )

    def _edit_invitee(self, row: ab.InviteeLine) -> None:
        self.app.push_screen(
            CompactForm(f"Invitee {row.name}", self._invitee_fields(row.form_values()),
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
