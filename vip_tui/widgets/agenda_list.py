"""The review's agenda: one line (two when wide) an item, its mark, and the current item's ▶.

The list posts :class:`AgendaList.ItemChosen` when an item is picked (enter or
a click); the screen decides what choosing means. ``j``/``k`` move in it
(VimList); its ``g``/``G`` are left to the screen (``g`` jumps to an item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..enums import ReviewStatus
from ..services.items import AgendaRow
from . import text as shown
from .vim import VimList

MARKS = {ReviewStatus.pending: "·", ReviewStatus.discussed: "✓", ReviewStatus.deferred: "↷"}


class AgendaList(VimList):
    """The agenda as drawn: ``rows`` with ``current`` marked ▶; ``narrow`` leaves out each item's second line."""

    @dataclass
    class ItemChosen(Message):
        index: int

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, first_last=False)
        self.rows: list[AgendaRow] = []
        self.current: int | None = None
        self.narrow = False
        self.drawn: list[tuple[int, ReviewStatus]] = []  # the agenda as drawn: (item id, mark)

    def _label(self, i: int, r: AgendaRow) -> Text:
        mark = "▶" if i == self.current else MARKS[r.review_status]
        label = Text()
        label.append(f"{mark} ", style="bold" if i == self.current else "")
        label.append(f"{i + 1:>2} {shown.safe(r.case_number)}",
                     style="strike dim" if r.review_status == ReviewStatus.discussed else "")
        if not self.narrow:
            label.append(f"\n     {r.type.replace('_', ' ')} · {shown.safe(r.area_command or '—')}", style="dim")
        return label

    def draw(self, rows: Sequence[AgendaRow], current: int | None) -> None:
        """Draw every line of ``rows``, the highlight on ``current``."""
        self.rows, self.current = list(rows), current
        self.clear_options()
        self.add_options([Option(self._label(i, r), id=str(r.id)) for i, r in enumerate(self.rows)])
        self.drawn = [(r.id, r.review_status) for r in self.rows]
        if current is not None:
            self.highlighted = current

    def move_marker(self, rows: Sequence[AgendaRow], previous: int | None, current: int) -> None:
        """n/p: redraw the two lines whose marker moved, not all of them (issue 7: 8 ms of 60 items)."""
        if previous is None or self.option_count != len(rows):
            self.draw(rows, current)
            return
        self.rows, self.current = list(rows), current
        for i in {previous, current}:
            self.replace_option_prompt_at_index(i, self._label(i, self.rows[i]))
        self.highlighted = current

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.ItemChosen(event.option_index))
