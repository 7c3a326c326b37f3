"""Small typed forms as modal screens: each returns its result or None (escape).

One generic :class:`FormDialog` renders a list of :class:`Field` specs; enter
moves to the next field and submits from the last one, ctrl+s submits from
anywhere. Every value is checked before the dialog closes and a problem is
shown under the form, naming the field.
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
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, Static

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


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """A small form; dismisses with ``{name: value}`` or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]

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

    def __init__(self, title: str, fields: Sequence[Field], *, today: dt.date, hint: str | None = None) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.today = today
        self.hint = hint or "enter: next field · ctrl+s: save · escape: cancel"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(plain(self.form_title), classes="form-title")
            for f in self.fields:
                if f.kind == "check":
                    yield Checkbox(plain(f.label), value=bool(f.value), id=f"f-{f.name}")
                    continue
                yield Label(plain(f.label + (" *" if f.required else "")))
                if f.kind == "select":
                    yield Select(
                        [(plain(label), value) for label, value in f.options], value=f.value if f.value is not None else Select.NULL,
                        allow_blank=not f.required, id=f"f-{f.name}",
                    )
                else:
                    suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
                    yield Input(
                        value="" if f.value is None else str(f.value), placeholder=f.placeholder,
                        suggester=suggester, id=f"f-{f.name}",
                    )
            yield Static("", id="form-error")
            yield Static(self.hint, classes="form-hint")

    def on_mount(self) -> None:
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
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        # has_focus_within: the choice is made in the overlay, a child of the Select.
        # After the refresh: the closing overlay hands focus back to the Select first.
        if event.select.has_focus_within and event.value is not Select.NULL:
            self.call_after_refresh(self._focus_after, event.select.id)

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
        if problems:
            self.query_one("#form-error", Static).update(plain("\n".join(problems)))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or enter confirms, n or escape declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Static {
        width: 64; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(plain(self.question), "\n\n", ("y", "bold"), " yes   ", ("n", "bold"), " no"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
