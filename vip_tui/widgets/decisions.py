"""The decisions taken on the current item, as a list the facilitator can move through, edit and remove from.

The list posts what was asked (:class:`DecisionList.Edit`, :class:`DecisionList.Delete`);
the screen opens the form or the question. Its keys live here, on the widget,
so they apply when the list has focus and show in the footer then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..services.decisions import DecisionRow
from . import text as shown
from .vim import VimList

EMPTY = "No decisions yet: a action item · c notification · r referral"


class WordsList(OptionList):
    """An OptionList whose ``render()`` gives its words as one text (OptionList draws line by line; tests read it)."""

    def render(self) -> Text:
        return Text("\n").join(Text(str(o.prompt)) for o in self.options)


def decision_prompt(widget: OptionList, x: DecisionRow) -> Text:
    """One decision as the audience may read it: kind, reference, words, then owner, due date and status."""
    t = Text()
    ref = f"{shown.safe(x.ref)} " if x.ref else ""
    t.append(f"{x.kind:<12} ", style="bold")
    t.append(f"{ref}{shown.free(widget.app, x.text)}")
    details = [shown.safe(v) for v in (x.owner, f"due {x.due_date:%Y-%m-%d}" if x.due_date else None, x.status) if v]
    t.append(f"  ({' · '.join(details)})", style="dim")
    return t


class DecisionList(WordsList, VimList):
    """One line (or more) a decision; ``enter``/``E`` edits the highlighted one, ``x`` removes it.

    j/k move in it (VimList); its g/G are left to the screen (the review's g jumps to an item).

    Drawn again, masked or not, when what the audience may see changes: a
    screen binds ``presenting``/``shown_as`` to it (data_bind).
    """

    presenting: reactive[bool] = reactive(False, init=False, repaint=False)
    shown_as: reactive[int] = reactive(0, init=False, repaint=False)

    BINDINGS: ClassVar[list[BindingType]] = [
        # Out of the footer (they would push `? Help` off at 80 columns): the list's title says them.
        Binding("E", "edit", "Edit", id="decisions.edit", show=False,
                tooltip="Correct the highlighted decision (the same form, filled in)"),
        Binding("x", "delete", "Remove", id="decisions.delete", show=False,
                tooltip="Remove the highlighted decision, recorded by mistake (asks first)"),
    ]

    DEFAULT_CSS = """
    DecisionList, DecisionList:focus {
        border: none; border-top: solid $primary-darken-3; padding: 0 1; height: auto; max-height: 5;
    }
    DecisionList:focus { border-top: solid $accent; }
    DecisionList { border-title-color: $text-muted; }
    """

    @dataclass
    class Edit(Message):
        decision: DecisionRow

    @dataclass
    class Delete(Message):
        decision: DecisionRow

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, first_last=False)
        self.rows: list[DecisionRow] = []
        self._shown = False

    def watch_shown_as(self) -> None:
        if self._shown:
            self.show(self.rows)

    def show(self, rows: Sequence[DecisionRow]) -> None:
        """Draw ``rows``, keeping the highlighted decision (by kind and id) where it still is."""
        keep = self.current
        self.rows, self._shown = list(rows), True
        self.clear_options()
        self.border_title = None
        if not rows:
            self.add_option(Option(Text(EMPTY, style="dim"), disabled=True))
            return
        self.border_title = "Decisions · enter: correct · x: remove"
        self.add_options([Option(decision_prompt(self, r), id=f"{r.kind}:{r.id}") for r in rows])
        index = next((i for i, r in enumerate(rows) if keep and (r.kind, r.id) == (keep.kind, keep.id)), 0)
        self.highlighted = index

    @property
    def current(self) -> DecisionRow | None:
        if not self.rows or self.highlighted is None or self.highlighted >= len(self.rows):
            return None
        return self.rows[self.highlighted]

    def select(self, kind: str, decision_id: int) -> None:
        """Highlight the decision ``kind``/``decision_id`` if it is listed."""
        for i, r in enumerate(self.rows):
            if (r.kind, r.id) == (kind, decision_id):
                self.highlighted = i

    def action_edit(self) -> None:
        if self.current is not None:
            self.post_message(self.Edit(self.current))

    def action_delete(self) -> None:
        if self.current is not None:
            self.post_message(self.Delete(self.current))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()
