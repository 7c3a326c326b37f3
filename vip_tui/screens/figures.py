"""Program figures: shootings per week as bar charts, notifications, follow-through, each number with its denominator."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from ..enums import IncidentType
from ..services.all_in_figures import AllInFigures, all_in_figures, all_in_lines, all_in_window, outcome_rows
from ..services.figures import (
    DELIVERY_RATE,
    WEEK_CHOICES,
    Figures,
    follow_through,
    program_figures,
    window_description,
    window_figures,
)
from ..widgets import text as shown
from .base import COMMON_BINDINGS, VipScreen

# Eighth blocks: a week's bar is one of these, scaled to the chart's busiest week.
BLOCKS = "▁▂▃▄▅▆▇█"
TYPE_STYLES = {
    IncidentType.homicide: "bold red",
    IncidentType.non_fatal: "dark_orange",
    IncidentType.shots_fired: "dodger_blue2",
    IncidentType.other: "medium_purple",
}


@dataclass(frozen=True)
class Series:
    label: str
    counts: Sequence[int]
    style: str = "cyan"


class WeekBars:
    """One bar chart row per series, a column per week, on one scale; fits itself to the width it gets.

    Each week is a block from ``▁`` to ``█`` scaled to the busiest week of the
    chart (a week with none is a dim ``·``), followed by the series' total.
    When the weeks do not fit, the most recent ones are shown and the axis
    says so.
    """

    def __init__(self, series: Sequence[Series], week_starts: Sequence, unit: str = "shootings") -> None:
        self.series = list(series)
        self.week_starts = list(week_starts)
        self.unit = unit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        weeks = len(self.week_starts)
        label_w = min(max((len(s.label) for s in self.series), default=0), 16)
        totals = [sum(s.counts) for s in self.series]
        total_w = max((len(str(t)) for t in totals), default=1) + 1
        room = max(options.max_width - label_w - total_w - 2, 1)
        cell = max(1, min(3, room // max(weeks, 1)))
        shown = min(weeks, room // cell)
        first = weeks - shown
        top = max((c for s in self.series for c in s.counts[first:]), default=0)
        for s, total in zip(self.series, totals):
            line = Text(s.label[:label_w].ljust(label_w) + " ", no_wrap=True, overflow="crop")
            for count in s.counts[first:]:
                if count <= 0:
                    line.append("·".ljust(cell), style="dim")
                else:
                    # 1..8 eighths; any week with a shooting shows at least a sliver.
                    level = max(1, math.ceil(count / top * len(BLOCKS)))
                    bar = BLOCKS[level - 1] * (cell - 1 if cell > 1 else 1)
                    line.append(bar.ljust(cell), style=s.style)
            line.append(str(total).rjust(total_w), style="bold")
            yield line
        if not self.week_starts:
            return
        axis = Text(" " * (label_w + 1), no_wrap=True, overflow="crop", style="dim")
        start, end = self.week_starts[first], self.week_starts[-1]
        left = ("…" if first else "") + f"{start:%b} {start.day}"
        right = f"{end:%b} {end.day}"
        span = shown * cell - (1 if cell > 1 else 0)  # to the end of the last bar, not its gap
        gap = span - len(left) - len(right)
        axis.append(left + " " * gap + right if gap >= 1 else right.rjust(span))
        yield axis
        words = f"█ = {top} {self.unit} a week, · = none" if top else f"no {self.unit} in these weeks"
        indent = label_w + 1 if label_w + 1 + len(words) <= options.max_width else 0
        yield Text(" " * indent + words, no_wrap=True, overflow="crop", style="dim")


class FiguresScreen(VipScreen, inherit_bindings=False):
    HELP = """
## Program figures

Shootings per week, by incident type and by area command: weeks run Monday
to Sunday by when the incident occurred, and the last one is this week, to
date. Each bar is scaled to the busiest week of its chart (the scale is
written under it); the number on the right is the total for the weeks shown.

Every rate shows what it counts:

- **Delivery rate**: delivered or delivered to family, of notifications with
  an outcome (delivered, delivered to family, refused, not located, in
  custody). Open and cancelled notifications are left out.
- **Accepted services**: people with a delivered notification whose services
  accepted is filled in, of all people with a delivered notification; all
  time and for the calendar quarter of today (by delivery date).
- **Action items**: closed (done or dropped) of all, done of closed, median
  calendar days from creation to closing, and the median age of open ones.
- **Incident to review**: median calendar days from the incident to the first
  meeting that had it on the agenda, for the weeks shown and for all time.

**VIP All In** (counts only, shown at every desk: no name, need or note):

- **Enrolled** in the weeks shown (episodes: a re-enrollment is a new one)
  and all time; **active** today by stage; **exited** by reason.
- **Contacts**: contacts made in the weeks shown (an attempt without contact
  does not count) of those the cadences asked for (contacts a week × weeks
  enrolled in them); and per participant per week, made and asked.
- **On cadence today**: active participants not overdue, as the caseload
  marks them.
- **Needs met**: needs some or urgent at intake that are none at the latest
  assessment, of all needs some or urgent at intake.
- **Goals met**: of goals met, dropped, or open past their target date.
- **Later shooting**: persons involved as victim or suspect in a shooting of
  any type after their enrollment (participants) or after the delivery of
  their notification (notified, never enrolled), within 6 and 12 months;
  only those whose 6 (12) months have passed are counted.

`w` switches between 12, 26 and 52 weeks; `r` reloads (another user may have
changed the data). `vip figures --csv FILE` writes the same numbers for a
report.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "cycle_weeks", "Weeks 12/26/52", id="figures.weeks",
                tooltip="Show 12, 26 or 52 weeks of shootings"),
        Binding("r", "refresh", "Refresh", id="figures.refresh"),
        Binding("escape", "back", "Back", id="figures.back"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    FiguresScreen #figures-window { padding: 0 1; color: $text-muted; }
    FiguresScreen .figures-row { height: auto; }
    FiguresScreen .figures-panel {
        width: 1fr; height: auto; border: round $primary; border-title-color: $text; padding: 0 1;
    }
    FiguresScreen #figures-notifications { width: 42; }
    FiguresScreen #figures-all-in { width: 100%; }
    FiguresScreen.-wide #figures-charts { layout: vertical; }
    FiguresScreen.-wide #figures-charts .figures-panel { width: 100%; }
    """

    def __init__(self, weeks: int = WEEK_CHOICES[0], *, figures: Figures | None = None) -> None:
        super().__init__()
        self.weeks = weeks
        self.figures: Figures | None = None
        self.all_in: AllInFigures | None = None
        self._loaded = figures  # loaded before the push (VipApp.open_figures): shown at mount
        self._set_width_class(weeks)

    def _set_width_class(self, weeks: int) -> None:
        # Side by side the charts have room for about 26 weeks; more weeks stack
        # them. Set with the data (_show), in the same refresh: set at the key,
        # the screen was restyled while the load ran and laid out again when the
        # data came (`w` took twice as long, issue 14).
        self.set_class(weeks > 26, "-wide")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="figures-window")
            with Horizontal(id="figures-charts", classes="figures-row"):
                yield Static("", id="figures-by-type", classes="figures-panel")
                yield Static("", id="figures-by-area", classes="figures-panel")
            with Horizontal(id="figures-tables", classes="figures-row"):
                yield Static("", id="figures-notifications", classes="figures-panel")
                yield Static("", id="figures-follow-through", classes="figures-panel")
            yield Static("Loading…", id="figures-all-in", classes="figures-panel")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#figures-by-type": "Shootings per week by type",
            "#figures-by-area": "Shootings per week by area command",
            "#figures-notifications": "Notifications by status, all time",
            "#figures-follow-through": "Follow-through",
            "#figures-all-in": "VIP All In · counts only",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.sub_title = f"Program figures · last {self.weeks} weeks"
        if self._loaded is not None and self._loaded.weeks == self.weeks:
            self._show(self._loaded)
        else:
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def load(self) -> None:
        figures = program_figures(self.app.db, today=self.app.now().date(), weeks=self.weeks)
        self.app.call_from_thread(self._show, figures)

    def action_cycle_weeks(self) -> None:
        i = WEEK_CHOICES.index(self.weeks) if self.weeks in WEEK_CHOICES else -1
        self.weeks = WEEK_CHOICES[(i + 1) % len(WEEK_CHOICES)]
        self.sub_title = f"Program figures · loading {self.weeks} weeks…"
        if self.figures is not None:
            self.load_weeks(self.figures, self.weeks)
        else:
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def load_weeks(self, kept: Figures, weeks: int) -> None:
        """The figures of other weeks: the all-time ones kept from ``kept`` (window_figures), unless the day changed."""
        today = self.app.now().date()
        if kept.today == today:
            figures = window_figures(self.app.db, kept, weeks=weeks)
        else:
            figures = program_figures(self.app.db, today=today, weeks=weeks)
        self.app.call_from_thread(self._show, figures)

    @work(thread=True, exclusive=True, exit_on_error=False, group="all-in-figures")
    def load_all_in(self, kept: AllInFigures | None = None) -> None:
        """VIP All In's figures for the weeks shown: only the weeks' ones read again when ``kept`` is of today."""
        today, weeks = self.app.now().date(), self.weeks
        if kept is not None and kept.today == today:
            figures = all_in_window(self.app.db, kept, weeks=weeks)
        else:
            figures = all_in_figures(self.app.db, today=today, weeks=weeks)
        self.app.call_from_thread(self._show_all_in, figures)

    def _show_all_in(self, f: AllInFigures) -> None:
        panel = self.query("#figures-all-in").results(Static)
        if not self.is_attached or f.weeks != self.weeks:
            return
        for static in panel:  # none once the screen is being closed
            self.all_in = f
            static.update(render_all_in(f))

    def action_refresh(self) -> None:
        self.all_in = None  # read again whole once the program's figures are in (_show)
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _show(self, f: Figures) -> None:
        if not self.is_attached or f.weeks != self.weeks:
            return  # closed meanwhile, or an older load finishing after `w` was pressed again
        self.figures = f
        self._set_width_class(f.weeks)
        self.sub_title = f"Program figures · last {f.weeks} weeks"
        self.query_one("#figures-window", Static).update(
            f"Figures on {f.today.isoformat()} · {window_description(f)}"
        )
        types = [Series(t.label, f.shootings_by_type[t], TYPE_STYLES[t]) for t in IncidentType]
        types.append(Series("all", f.shootings_total, "bold"))
        self.query_one("#figures-by-type", Static).update(WeekBars(types, f.week_starts))
        areas = [Series(shown.safe(area), counts) for area, counts in f.shootings_by_area.items()]
        self.query_one("#figures-by-area", Static).update(
            WeekBars(areas, f.week_starts) if areas else Text("no data (no shootings in these weeks)", style="dim")
        )
        self.query_one("#figures-notifications", Static).update(render_notifications(f))
        self.query_one("#figures-follow-through", Static).update(render_follow_through(f))
        # VIP All In's figures once the program's are drawn: their load never competes with the program's
        # (`f`, `w`); for other weeks of the same day only the weeks' figures are read again.
        self.call_after_refresh(self.load_all_in, self.all_in)


def render_notifications(f: Figures) -> Text:
    # Plain text in fixed columns: a Rich Table would measure every cell on every layout.
    total = f.notifications_total
    labels = {status: status.label + (" (open)" if status.is_open else "") for status in f.notifications_by_status}
    label_w = max(len(label) for label in labels.values())
    count_w = max(len(str(total)), 3) + 2
    out = Text()
    for status, n in f.notifications_by_status.items():
        label = labels[status]
        share = f"{round(100 * n / total)}%" if total else "—"
        out.append(f"{label:<{label_w}}{n:>{count_w}}", style="" if n else "dim")
        out.append(f"  {share:>4}\n", style="dim")
    out.append(f"{'total':<{label_w}}{total:>{count_w}}\n\n", style="bold")
    label, sentence = next(x for x in follow_through(f) if x[0] == DELIVERY_RATE)
    out.append(f"{label}: ", style="bold")
    out.append(sentence)
    return out


class LabelledLines:
    """``label  sentence`` rows, the sentences wrapped beside their labels (or under them when narrow)."""

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        self.rows = list(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        label_w = max((len(label) for label, _ in self.rows), default=0) + 1
        beside = width - label_w >= 24
        for label, sentence in self.rows:
            style = "dim" if sentence.startswith("no data") else ""
            if beside:
                lines = textwrap.wrap(sentence, width - label_w) or [""]
                yield Text.assemble((label.ljust(label_w), "bold"), (lines[0], style), no_wrap=True, overflow="crop")
                for more in lines[1:]:
                    yield Text(" " * label_w + more, style=style, no_wrap=True, overflow="crop")
            else:
                yield Text(label, style="bold", no_wrap=True, overflow="ellipsis")
                for line in textwrap.wrap(sentence, max(width - 2, 8)):
                    yield Text("  " + line, style=style, no_wrap=True, overflow="crop")


def render_follow_through(f: Figures) -> LabelledLines:
    return LabelledLines([(label, sentence) for label, sentence in follow_through(f) if label != DELIVERY_RATE])


def render_all_in(f: AllInFigures) -> Group:
    """VIP All In's figures, then the outcome: participants beside the notified who did not enroll, in columns."""
    rows = outcome_rows(f)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = Text(no_wrap=True, overflow="crop")
    for n, row in enumerate(rows):
        table.append(row[0].ljust(widths[0]), style="bold")
        for cell, width in zip(row[1:], widths[1:]):
            table.append("  " + cell.rjust(width), style="bold" if n == 0 else "dim" if cell == "no data" else "")
        table.append("\n" if n < len(rows) - 1 else "")
    return Group(LabelledLines(all_in_lines(f)), Text(""), table)
