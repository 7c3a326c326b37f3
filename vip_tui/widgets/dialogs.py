"""Small typed forms as modal screens: each returns its result or None (escape).

One generic :class:`FormDialog` renders a list of :class:`Field` specs; enter
moves to the next field and submits from the last one, ctrl+s submits from
anywhere. Every value is checked before the dialog closes and a problem is
shown under the form, naming the field.

What every form shares (:class:`Form`, also under the agenda builder's
forms) is that nothing typed is lost or misplaced: tab and shift+tab cycle the
fields and never leave them; a pre-filled value is not selected on focus, so
typing adds to it; choosing in a list moves on to the next field, and a tab
pressed right after that does not skip it; escape on a changed form asks
before throwing the typing away.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from .text import plain

_RELATIVE = re.compile(r"^\+?(\d{1,3})\s*([dw]?)$")
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_due(text: str, today: dt.date) -> dt.date | None:
    """A due date as people type it: ``2026-12-04``, ``+7`` / ``7d`` (days), ``2w`` (weeks), ``fri``.

    Empty means no date; anything else raises ValueError with a hint.
    """
    text = text.strip().lower()
    if not text:
        return None
    if m := _RELATIVE.match(text):
        n = int(m.group(1))
        return today + dt.timedelta(weeks=n) if m.group(2) == "w" else today + dt.timedelta(days=n)
    if text[:3] in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(text[:3]) - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a date: write 2026-12-04, +7 (days), 2w (weeks) or fri') from None


@dataclass
class Field:
    """One form field. ``kind``: text | date | select | check."""

    name: str
    label: str
    kind: str = "text"
    value: Any = None
    required: bool = False
    placeholder: str = ""
    options: Sequence[tuple[str, Any]] = ()  # select: (label, value)
    suggestions: Sequence[str] = ()  # text: completion (right arrow accepts)
    check: Callable[[Any], str | None] | None = None  # extra check: a message or None
    extra: dict[str, Any] = field(default_factory=dict)


DISCARD_QUESTION = "Discard what you typed?"


class FieldSelect(Select[Any]):
    """A Select that says when a choice is made in its list, even the value it already had."""

    class Chosen(Message):
        def __init__(self, select: FieldSelect) -> None:
            super().__init__()
            self.select = select

    @on(SelectOverlay.UpdateSelection)
    def _chosen_in_list(self, _event: SelectOverlay.UpdateSelection) -> None:
        # Select's own handler (which sets the value and closes the list) runs after this one.
        self.post_message(self.Chosen(self))


class FieldCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox in a form: space ticks it, enter moves on like every other field."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]


class Form(ModalScreen[Any]):
    """What every form shares: field order, no lost typing, escape asks when something changed.

    Subclasses list their fields in ``self.fields`` (each with a ``name``; the
    widget's id is ``f-<name>``) and implement ``action_submit``.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
        # Priority: the move happens as the key is read, so keys typed ahead
        # (two enters at once, a name right after) land in the field they were
        # meant for. Without it a field handled enter itself and focus moved a
        # tick later: the second of two quick enters repeated the first move, and
        # what was typed next went into the field before (issue 13).
        Binding("tab", "next_field", "Next field", show=False, id="form.next", priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, id="form.previous", priority=True),
        Binding("enter", "enter_field", "Next field", show=False, id="form.enter", priority=True),
    ]

    fields: list[Any]

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, Any] = {}
        # The field a choice moved to, with its value then: a tab right after the move stays there.
        self._moved_to: tuple[Widget, Any] | None = None

    def field_widgets(self) -> list[Widget]:
        return [self.query_one(f"#f-{f.name}") for f in self.fields]

    def raw_values(self) -> dict[str, Any]:
        """What each field holds as typed (before any checking)."""
        return {(w.id or ""): getattr(w, "value", None) for w in self.field_widgets()}

    def on_mount(self) -> None:
        # The scrolling frame is not a stop of its own: tab from the last field wraps to the first.
        for frame in self.query(VerticalScroll):
            frame.can_focus = False
        self._initial = self.raw_values()

    def is_changed(self) -> bool:
        return bool(self._initial) and self.raw_values() != self._initial

    def move_on_from(self, widget: Widget) -> None:
        """Focus the field after ``widget`` (after a choice in a list); a tab pressed next stays there."""
        widgets = self.field_widgets()
        if widget not in widgets:
            return
        index = widgets.index(widget)
        if index + 1 < len(widgets):
            target = widgets[index + 1]
            target.focus()
            self._moved_to = (target, getattr(target, "value", None))

    def action_next_field(self) -> None:
        moved, self._moved_to = self._moved_to, None
        if moved is not None and self.focused is moved[0] and getattr(moved[0], "value", None) == moved[1]:
            return  # the choice already moved here: this tab is the one the person meant for it
        self.focus_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field":
            # A text field or a checkbox moves on; a list (a Select, its open
            # overlay, the suggestions) takes enter itself.
            return isinstance(self.focused, (Input, Checkbox)) and self.focused in self.field_widgets()
        return super().check_action(action, parameters)

    def action_previous_field(self) -> None:
        self._moved_to = None
        self.focus_previous()

    def action_enter_field(self) -> None:
        widgets = self.field_widgets()
        if self.focused not in widgets:
            return
        if self.focused is widgets[-1]:
            # After the keys already on their way to the field: what was typed before enter counts.
            self.focused.call_later(self.action_submit)
        else:
            self.set_focus(widgets[widgets.index(self.focused) + 1])  # now, not a tick later

    def action_cancel(self) -> None:
        if not self.is_changed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(DISCARD_QUESTION, enter_means=False), answered)

    def action_submit(self) -> None:
        raise NotImplementedError


class FormDialog(Form):
    """A small form; dismisses with ``{name: value}`` or None."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > VerticalScroll {
        width: 76; max-width: 96%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormDialog .form-title { text-style: bold; padding: 0 0 1 0; }
    FormDialog Label { padding: 0 0 0 1; color: $text-muted; }
    FormDialog Input, FormDialog Select { margin: 0 0 0 0; }
    FormDialog #form-error { color: $error; padding: 0 1; height: auto; }
    FormDialog .form-hint { color: $text-muted; padding: 1 1 0 1; }
    """

    def __init__(
        self, title: str, fields: Sequence[Field], *, today: dt.date, hint: str | None = None,
        check: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.check = check  # a check of the fields together (an outcome a status needs): a message or None
        self.form_title = title
        self.fields: list[Field] = list(fields)
        self.today = today
        self.hint = hint or "enter: next field · ctrl+s: save · escape: cancel"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(plain(self.form_title), classes="form-title")
            for f in self.fields:
                if f.kind == "check":
                    yield FieldCheckbox(plain(f.label), value=bool(f.value), id=f"f-{f.name}")
                    continue
                yield Label(plain(f.label + (" *" if f.required else "")))
                if f.kind == "select":
                    yield FieldSelect(
                        [(plain(label), value) for label, value in f.options], value=f.value if f.value is not None else Select.NULL,
                        allow_blank=not f.required, id=f"f-{f.name}",
                    )
                else:
                    suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
                    # Not selected on focus: a tab into a pre-filled field and typing adds to it.
                    yield Input(
                        value="" if f.value is None else str(f.value), placeholder=f.placeholder,
                        suggester=suggester, id=f"f-{f.name}", select_on_focus=False,
                    )
            yield Static("", id="form-error")
            yield Static(self.hint, classes="form-hint")

    def on_mount(self) -> None:
        super().on_mount()
        # On a small terminal the fields lose their borders so the whole form fits.
        if self.app.size.height < 32:
            for widget in self.query("Input, Select"):
                widget.compact = True  # type: ignore[attr-defined]
        # Start at the first field still to fill: a pre-chosen select (the
        # highlighted person, say) is skipped, shift+tab goes back to it.
        first = next(
            (f for f in self.fields if not (f.kind == "select" and f.value is not None)), self.fields[0]
        )
        self.query_one(f"#f-{first.name}").focus()

    def _focus_after(self, widget_id: str | None) -> None:
        names = [f.name for f in self.fields]
        index = names.index((widget_id or "").removeprefix("f-"))
        if index == len(names) - 1:
            self.action_submit()
        else:
            self.query_one(f"#f-{names[index + 1]}").focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self._focus_after(event.input.id)

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()

    @on(FieldSelect.Chosen)
    def _chosen(self, event: FieldSelect.Chosen) -> None:
        event.stop()
        # After the refresh: the closing list hands focus back to the Select first.
        self.call_after_refresh(self._chosen_moved, event.select)

    def _chosen_moved(self, select: FieldSelect) -> None:
        if select is self.fields_last():
            self.action_submit()
        else:
            self.move_on_from(select)

    def fields_last(self) -> Widget:
        return self.field_widgets()[-1]

    def values(self) -> tuple[dict[str, Any], list[str]]:
        out: dict[str, Any] = {}
        problems: list[str] = []
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            if f.kind == "check":
                out[f.name] = widget.value  # type: ignore[attr-defined]
                continue
            if f.kind == "select":
                value = widget.value  # type: ignore[attr-defined]
                value = None if value is Select.NULL else value
            else:
                value = widget.value.strip()  # type: ignore[attr-defined]
                if f.kind == "date":
                    try:
                        value = parse_due(value, self.today)
                    except ValueError as exc:
                        problems.append(f"{f.label}: {exc}")
                        continue
                value = value if value != "" else None
            if f.required and value is None:
                problems.append(f"{f.label}: required")
                continue
            if f.check is not None and value is not None and (message := f.check(value)):
                problems.append(f"{f.label}: {message}")
                continue
            out[f.name] = value
        return out, problems

    def action_submit(self) -> None:
        values, problems = self.values()
        if not problems and self.check is not None and (message := self.check(values)):
            problems = [message]
        if problems:
            self.query_one("#form-error", Static).update(plain("\n".join(problems)))
            return
        self.dismiss(values)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y confirms, n or escape declines; enter confirms unless ``enter_means`` is False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("enter", "enter", "Default answer", id="confirm.enter", show=False),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Static {
        width: 64; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, question: str, *, enter_means: bool = True) -> None:
        super().__init__()
        self.question = question
        self.enter_means = enter_means  # False where yes loses something: enter, pressed by habit, keeps it

    def compose(self) -> ComposeResult:
        default = "" if self.enter_means else "   (enter: no)"
        yield Static(Text.assemble(plain(self.question), "\n\n", ("y", "bold"), " yes   ", ("n", "bold"), " no",
                                   default))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_enter(self) -> None:
        self.dismiss(self.enter_means)
