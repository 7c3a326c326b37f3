"""Forms for the agenda builder, and the person picker that suggests people already known.

:class:`CompactForm` is a modal form of one-line fields (label, then value),
small enough for a dozen SPEC §4 fields on a 24-line terminal. It does not
check values itself: it hands them to a ``save`` callback that calls the
service and returns the service's message (shown under the form, which stays
open with everything typed) or None (the form closes). So what the user reads
is exactly what the service said, worded as an agenda import words it.

:class:`PersonPicker` is a CompactForm with a keyboard-driven list of
:class:`~vip_tui.services.person_match.Suggestion` under it: as the name,
date of birth or records id are typed, the people already known who may be
the same person are listed, best first. ``up``/``down`` move through the list
while typing; the highlighted entry is what the person will be linked to
("New person" makes a new record). Used to add a person to an incident, to
re-link an involvement to another record, and to pick the record to merge
into.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..enums import Role
from ..services.person_match import Suggestion, suggest_persons
from . import text as shown
from .dialogs import Form


@dataclass
class FormField:
    """One line of a :class:`CompactForm`: ``name`` as the agenda files call the field."""

    name: str
    label: str
    value: str = ""
    required: bool = False
    placeholder: str = ""
    suggestions: Sequence[str] = ()  # completion: right arrow accepts
    extra: dict[str, Any] = field(default_factory=dict)


Save = Callable[[dict[str, str]], "str | None"]


class CompactForm(Form):
    """A form of one-line fields; ``save(values)`` returns a message to show, or None to close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]

    DEFAULT_CSS = """
    CompactForm { align: center middle; }
    CompactForm > VerticalScroll {
        width: 100; max-width: 98%; height: auto; max-height: 96%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CompactForm .form-title { text-style: bold; padding: 0 0 1 0; }
    CompactForm .form-row { height: 1; margin: 0 0 0 0; }
    CompactForm .form-row Label { width: 24; color: $text-muted; }
    CompactForm .form-row Input { width: 1fr; }
    CompactForm .form-note { color: $text-muted; padding: 1 0 0 0; height: auto; }
    CompactForm #form-error { color: $error; padding: 1 0 0 0; height: auto; }
    CompactForm #form-error.-empty { display: none; }
    CompactForm .form-hint { color: $text-muted; padding: 1 0 0 0; height: auto; }
    """

    HINT = "enter: next field · ctrl+s: save · escape: cancel · → accepts a suggestion"

    def __init__(self, title: str, fields: Sequence[FormField], save: Save, *, note: str = "") -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.save = save
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(shown.plain(self.form_title), classes="form-title")
            for f in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(shown.plain(f.label + (" *" if f.required else "")))
                    suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
                    # "e.g.": a grey example must never be mistaken for a value already there.
                    hint = f.placeholder if not f.placeholder or " | " in f.placeholder else f"e.g. {f.placeholder}"
                    yield Input(value=f.value, placeholder=hint, suggester=suggester, compact=True,
                                id=f"f-{f.name}", select_on_focus=False)
            yield from self.compose_below()
            if self.note:
                yield Static(shown.plain(self.note), classes="form-note")
            yield Static("", id="form-error", classes="-empty")
            yield Static(Text(self.HINT), classes="form-hint")

    def compose_below(self) -> ComposeResult:
        """Room for subclasses under the fields."""
        return iter(())

    def on_mount(self) -> None:
        super().on_mount()
        if self.fields:
            self.query_one(f"#f-{self.fields[0].name}", Input).focus()

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#f-{f.name}", Input).value for f in self.fields}

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#form-error", Static)
        # Messages quote what was typed: plain text, never markup.
        error.update(Text(message or ""))
        error.set_class(not message, "-empty")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        names = [f.name for f in self.fields]
        index = names.index((event.input.id or "").removeprefix("f-"))
        if index == len(names) - 1:
            self.action_submit()
        else:
            self.query_one(f"#f-{names[index + 1]}", Input).focus()

    def action_submit(self) -> None:
        values = self.values()
        message = self.save(values)
        if message:
            self.show_error(message)
            return
        self.dismiss(values)


# --------------------------------------------------------------------------- persons

ROLE_WORDS = [r.value for r in Role]
NEW = "new"


@dataclass(frozen=True)
class PersonChoice:
    """What the picker returns: the values typed and the known person picked (None: a new person)."""

    values: dict[str, str]
    person_id: int | None
    person_version: int | None
    label: str


class SuggestionList(OptionList):
    """The people already known who may be the one typed; the highlighted one is the choice."""

    DEFAULT_CSS = """
    SuggestionList { height: auto; max-height: 11; border: round $panel-lighten-2; }
    SuggestionList:focus { border: round $secondary; }
    """


class PersonPicker(CompactForm):
    """A person form with suggestions of known people (see the module docstring).

    ``mode``: ``add`` (every involvement field; link or new), ``link`` (name,
    date of birth, records id; pick another record or make a new one),
    ``merge`` (search only; pick the record to keep).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("ctrl+s", "submit", "Save", id="picker.save"),
        Binding("down", "suggestion(1)", "Next suggestion", id="picker.next", show=False),
        Binding("up", "suggestion(-1)", "Previous suggestion", id="picker.previous", show=False),
    ]

    DEFAULT_CSS = """
    PersonPicker #choice { padding: 1 0 0 0; height: auto; text-style: bold; }
    PersonPicker .suggest-title { padding: 1 0 0 0; color: $text-muted; height: 1; }
    """

    HINT = (
        "type the name, date of birth or records id: known people are suggested · ↑/↓ pick · "
        "enter: next field · ctrl+s: save · escape: cancel"
    )
    DELAY = 0.15  # seconds after the last key before asking for suggestions

    def __init__(
        self,
        title: str,
        mode: str,
        save: Callable[[PersonChoice], str | None],
        *,
        values: dict[str, str] | None = None,
        exclude: Sequence[int] = (),
        note: str = "",
        groups: Sequence[str] = (),
    ) -> None:
        values = values or {}
        names = {"add": ("name", "role", "dob", "record_id", "group", "notes"),
                 "link": ("name", "dob", "record_id"), "merge": ("name", "dob", "record_id")}[mode]
        specs = {
            "name": FormField("name", "name", required=mode != "merge", placeholder="C. Example"),
            "role": FormField("role", "role", required=True, placeholder=" | ".join(ROLE_WORDS), suggestions=ROLE_WORDS),
            "dob": FormField("dob", "dob (date of birth)", placeholder="2002-03-14"),
            "record_id": FormField("record_id", "record_id (records id)", placeholder="MNI-55821"),
            "group": FormField("group", "group", placeholder="Example Crew", suggestions=list(groups)),
            "notes": FormField("notes", "notes"),
        }
        fields = [specs[n] for n in names]
        for f in fields:
            f.value = values.get(f.name, "") or ""
        super().__init__(title, fields, lambda _values: None, note=note)
        self.mode = mode
        self.on_save = save
        self.exclude = list(exclude)
        self.suggestions: list[Suggestion] = []
        self._timer: Timer | None = None
        self._asked = 0  # lookups asked for; only the latest one's answer is shown
        self._answered = 0  # the latest lookup whose answer is shown

    def compose_below(self) -> ComposeResult:
        yield Static(Text("Known people who may be the same person"), classes="suggest-title")
        yield SuggestionList(id="suggestions")
        yield Static("", id="choice")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(SuggestionList).can_focus = True
        self._show([])
        self.lookup()

    # ------------------------------------------------------------------ suggestions

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id in ("f-name", "f-dob", "f-record_id"):
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.set_timer(self.DELAY, self.lookup)

    @property
    def settled(self) -> bool:
        """No lookup waits for its delay or its answer: the suggestions shown are for what is typed."""
        return self._timer is None and self._answered == self._asked

    def lookup(self) -> None:
        self._timer = None  # fired (or not needed): the question is asked now
        self._asked += 1
        self._lookup(self.values(), self._asked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="suggest")
    def _lookup(self, values: dict[str, str], asked: int) -> None:
        found = suggest_persons(
            self.app.db, values.get("name", ""), dob=values.get("dob"), record_id=values.get("record_id"),
            exclude=self.exclude,
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, found, asked)

    def _show(self, found: list[Suggestion], asked: int | None = None) -> None:
        if asked is not None and asked != self._asked:
            return  # an answer to an older question: a newer one is on its way
        self._answered = self._asked
        listing = self.query_one(SuggestionList)
        previous = self.chosen_id()
        self.suggestions = found
        listing.clear_options()
        if self.mode != "merge":
            name = self.values().get("name", "").strip() or "…"
            listing.add_option(Option(Text.assemble(("+ New person: ", "bold"), shown.safe(name)), id=NEW))
        for s in found:
            listing.add_option(Option(self._prompt(s), id=str(s.person_id)))
        if not found and self.mode == "merge":
            listing.add_option(Option(Text("no other record looks like this person yet: type to search", style="dim"),
                                      disabled=True))
        ids = [o.id for o in listing.options]
        if previous is not None and str(previous) in ids:
            listing.highlighted = ids.index(str(previous))
        elif found and (found[0].score >= 0.9 or self.mode == "merge"):
            # A records id or name-and-birth-date match: linking is the likely answer.
            listing.highlighted = ids.index(str(found[0].person_id))
        else:
            listing.highlighted = 0
        self._draw_choice()

    def _prompt(self, s: Suggestion) -> Text:
        t = Text()
        t.append(f"{round(s.score * 100):>3}% ", style="bold green" if s.score >= 0.9 else "yellow" if s.score >= 0.7 else "dim")
        t.append(shown.name(self.app, s.name), style="bold")
        extra = self._identifiers(s)
        if extra:
            t.append("  " + " · ".join(extra), style="")
        # The reason quotes what matched (a records id, a birth date): not on the shared screen.
        if shown.may_see(self.app, "person.record_id"):
            t.append(f"\n      {shown.safe(s.reason)}", style="italic")
        if s.incidents:
            t.append(f"{'' if shown.may_see(self.app, 'person.record_id') else chr(10) + '     '} · "
                     f"{s.incidents} incident{'s' * (s.incidents != 1)}, latest {shown.safe(s.last_case)}", style="dim")
        return t

    def chosen(self) -> Suggestion | None:
        listing = self.query_one(SuggestionList)
        index = listing.highlighted
        if index is None:
            return None
        option = listing.get_option_at_index(index)
        if option.id in (None, NEW):
            return None
        return next((s for s in self.suggestions if str(s.person_id) == option.id), None)

    def chosen_id(self) -> int | None:
        s = self.chosen()
        return s.person_id if s else None

    def _choice_label(self) -> str:
        s = self.chosen()
        if s is not None:
            extra = ", ".join(self._identifiers(s))
            return f"{shown.name(self.app, s.name)}{f' ({extra})' if extra else ''}"
        return "a new person record"

    def _identifiers(self, s: Suggestion) -> list[str]:
        """A suggestion's records id and birth date, for the full view only."""
        return [shown.safe(x) for x in (s.record_id if shown.may_see(self.app, "person.record_id") else None,
                                        f"born {s.dob.isoformat()}" if s.dob and shown.may_see(self.app, "person.dob")
                                        else None) if x]

    def _draw_choice(self) -> None:
        s = self.chosen()
        verb = {"add": "Links to", "link": "Links to", "merge": "Merges into"}[self.mode]
        if s is None and self.mode == "merge":
            text = Text("Pick the record to keep from the list", style="dim")
        elif s is None:
            text = Text.assemble(("→ ", "bold"), ("Makes a new person record", "bold yellow"))
        else:
            text = Text.assemble(("→ ", "bold"), (f"{verb} ", "bold"), (self._choice_label(), "bold green"))
        self.query_one("#choice", Static).update(text)

    @on(OptionList.OptionHighlighted, "#suggestions")
    def _highlighted(self) -> None:
        self._draw_choice()

    @on(OptionList.OptionSelected, "#suggestions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def action_suggestion(self, step: int) -> None:
        listing = self.query_one(SuggestionList)
        if listing.option_count:
            if step > 0:
                listing.action_cursor_down()
            else:
                listing.action_cursor_up()

    # ------------------------------------------------------------------ saving

    def action_submit(self) -> None:
        s = self.chosen()
        if s is None and self.mode == "merge":
            self.show_error("pick the record to keep from the list (↑/↓)")
            return
        choice = PersonChoice(self.values(), s.person_id if s else None, s.version if s else None, self._choice_label())
        message = self.on_save(choice)
        if message:
            self.show_error(message)
            return
        self.dismiss(choice)  # type: ignore[arg-type]
