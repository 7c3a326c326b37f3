"""The pace bar: where the meeting is in its agenda and whether it runs ahead or behind."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..services.items import Pace


def _clock(seconds: int) -> str:
    seconds = max(seconds, 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def pace_text(p: Pace, position: int | None, *, planned: bool = True) -> Text:
    """One line: item n of N, time on the item against its budget, items done, ahead/behind, projected end.

    ``planned``: the planned end too, after the projected one (left out where the line would not fit).
    """
    text = Text()
    if position is not None:
        text.append(f" Item {position} of {p.total} ", style="bold")
    else:
        text.append(f" {p.total} items ", style="bold")
    text.append("· ")
    if p.current_budget:
        over = p.current_elapsed > p.current_budget
        text.append(
            f"{_clock(p.current_elapsed)} of {_clock(p.current_budget)}",
            style="bold red" if over else "bold",
        )
    else:
        text.append(f"{_clock(p.current_elapsed)} (no budget)")
    text.append(f" · {p.done} of {p.total} done · ")
    style = "green" if p.behind_seconds <= -60 else ("bold red" if p.behind_seconds >= 60 else "")
    text.append(p.state, style=style)
    if p.projected_end is not None:
        text.append(f" · ends ~{p.projected_end:%H:%M}")
    if planned and p.planned_end is not None:
        text.append(f" (planned {p.planned_end:%H:%M})")
    return text


class PaceBar(Static):
    """Always visible on the review screen; redrawn every second from cached data (no query)."""

    DEFAULT_CSS = """
    PaceBar { height: 1; background: $boost; color: $text; }
    """

    _shown: Text | None = None

    def show(self, p: Pace, position: int | None) -> None:
        text = pace_text(p, position)
        if self.size.width and text.cell_len > self.size.width:  # 80 columns: the end of the line, not cut
            text = pace_text(p, position, planned=False)
        if text != self._shown:  # the same line again (most ticks within a second): nothing to repaint
            self._shown = text
            self.update(text, layout=False)  # always one line: no layout on every tick
