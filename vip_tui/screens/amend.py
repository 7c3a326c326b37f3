"""The amendment form of a closed meeting's record (wrap-up ``m``): which field, its new value, why.

The new value starts as the field's current value (cursor at its end, not
selected: typing adds to it, nothing typed is replaced unseen); choosing
another field puts that field's value there. ``ctrl+s``, or enter in the
reason, saves through :func:`vip_tui.services.amendments.amend`; a refusal
(a bad date, an unknown agency, no reason, someone else's change) is shown
under the form, which stays open with everything typed. ``escape`` on a
changed form asks first.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from ..services.amendments import RecordState, fields_of
from ..widgets.dialogs import ConfirmDialog
from ..widgets.text import plain

# (field, new value as typed, reason) -> a refusal to show, or None when written
Save = Callable[[str, str, str], "str | None | Awaitable[str | None]"]


class AmendDialog(ModalScreen[bool]):
    """Amend one field of a record of a closed meeting; dismisses True once written, False if abandoned."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="amend.cancel"),
        Binding("ctrl+s", "save", "Save amendment", id="amend.save"),
    ]

    DEFAULT_CSS = """
    AmendDialog { align: center middle; }
    AmendDialog > VerticalScroll {
        width: 76; max-width: 96%; height: auto; max-height: 95%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    AmendDialog .form-title { text-style: bold; padding: 0 0 1 0; }
    AmendDialog Label { padding: 0 0 0 1; color: $text-muted; }
    AmendDialog #amend-error { color: $error; padding: 0 1; height: auto; }
    AmendDialog .form-hint { color: $text-muted; padding: 1 1 0 1; }
    """

    def __init__(self, state: RecordState, save: Save, *, agencies: list[str] | None = None) -> None:
        super().__init__()
        self.state = state
        self.save = save
        self.specs = fields_of(state.entity)
        self.agencies = agencies or []

    def compose(self) -> ComposeResult:
        first = next(iter(self.specs))
        with VerticalScroll():
            yield Static(plain(f"Amend {self.state.ref} (closed meeting)"), classes="form-title")
            yield Label("Field *")
            yield Select([(spec.label, name) for name, spec in self.specs.items()], value=first, allow_blank=False,
                         id="amend-field")
            yield Label("New value (empty clears it)")
            yield Input(self.state.values[first], select_on_focus=False, id="amend-value",
                        suggester=self._suggester(first))
            yield Label("Why *")
            yield Input("", placeholder="the reason is kept and printed in the minutes", id="amend-reason")
            yield Static("", id="amend-error")
            yield Static("enter: next field · ctrl+s: save · escape: cancel", classes="form-hint")

    def on_mount(self) -> None:
        if self.app.size.height < 32:
            for widget in self.query("Input, Select"):
                widget.compact = True  # type: ignore[attr-defined]
        value = self.query_one("#amend-value", Input)
        value.focus()
        value.cursor_position = len(value.value)

    def _suggester(self, field: str) -> SuggestFromList | None:
        spec = self.specs[field]
        words = list(spec.choices) or (self.agencies if spec.kind == "agency" else [])
        return SuggestFromList(words, case_sensitive=False) if words else None

    @on(Select.Changed, "#amend-field")
    def _field_chosen(self, event: Select.Changed) -> None:
        event.stop()
        field = str(event.value)
        value = self.query_one("#amend-value", Input)
        value.value = self.state.values.get(field, "")
        value.suggester = self._suggester(field)
        value.cursor_position = len(value.value)
        if event.select.has_focus_within:  # chosen in the overlay: on to the value
            self.call_after_refresh(value.focus)

    @on(Input.Submitted, "#amend-value")
    def _to_reason(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#amend-reason", Input).focus()

    @on(Input.Submitted, "#amend-reason")
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_save()

    def _typed(self) -> tuple[str, str, str]:
        return (
            str(self.query_one("#amend-field", Select).value),
            self.query_one("#amend-value", Input).value,
            self.query_one("#amend-reason", Input).value,
        )

    async def action_save(self) -> None:
        field, value, reason = self._typed()
        if not reason.strip():
            self.query_one("#amend-error", Static).update("Why: required (the reason is kept with the amendment)")
            self.query_one("#amend-reason", Input).focus()
            return
        refused = self.save(field, value, reason)
        if inspect.isawaitable(refused):  # a write in the screen's lane
            refused = await refused
        if refused:
            self.query_one("#amend-error", Static).update(plain(refused))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        field, value, reason = self._typed()
        if value == self.state.values.get(field, "") and not reason.strip():
            self.dismiss(False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(False)

        self.app.push_screen(ConfirmDialog("Discard this amendment? Nothing has been written."), answered)
