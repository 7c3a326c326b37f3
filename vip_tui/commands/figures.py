"""``vip figures [--weeks N] [--csv FILE]``: the program figures for reports (issue 5 item 5).

A plain click command, loaded by ``vip_tui.cli`` when it is asked for; it
reads the :class:`~vip_tui.commands.common.Context` from click's context object.
"""

from __future__ import annotations

import csv
import io
import itertools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..sanitize import for_terminal
from .common import FORCE, Refused, checked_output, echo, refusals, table_lines

if TYPE_CHECKING:
    from .common import Context
    from ..services.all_in_figures import AllInFigures
    from ..services.figures import Figures

CSV_HEADER = ("figure", "group", "period", "value", "numerator", "denominator")


@click.command("figures")
@click.option(
    "--weeks",
    "-w",
    type=int,
    default=12,
    show_default=True,
    metavar="N",
    help="How many weeks of shootings to show, ending with this week (1 to 260).",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    metavar="FILE",
    help="Also write every figure as a tidy CSV (figure, group, period, value, numerator, denominator), "
    "owner-only. An existing file is replaced only with --force. '-' writes the CSV alone to standard output.",
)
@FORCE
@click.pass_obj
def figures(ctx: Context, weeks: int, csv_file: Path | None, force: bool) -> None:
    """Program figures for reports.

    Shootings per week by type and by area command, notifications by status
    and their delivery rate, people notified who accepted services (all time
    and this quarter), action-item closure and days open, days from incident
    to review; VIP All In's participants enrolled, active and exited, contacts
    against cadence, needs met, goals met, and later shootings of participants
    beside persons notified but not enrolled (counts only: no service record).

    \b
    Weeks run Monday to Sunday by when the incident occurred; the last one is
    this week, to date. Delivery rate: delivered or delivered to family, of
    notifications with an outcome (delivered, delivered to family, refused,
    not located, in custody; open and cancelled ones are left out). Accepted
    services: people with a delivered notification whose services accepted is
    filled in, of all people with a delivered notification. Every rate shows
    its numerator and denominator; "no data" when there is nothing to count.
    """
    from ..outputs import write_file
    from ..services.all_in_figures import all_in_figures
    from ..services.figures import FiguresError, check_weeks, program_figures

    try:
        check_weeks(weeks)
    except FiguresError as exc:
        raise Refused(str(exc)) from exc
    to_stdout = csv_file is not None and str(csv_file) == "-"
    database = ctx.open()
    if csv_file is not None and not to_stdout:
        # Checked before the work so that a report script learns at once; checked again on writing.
        checked_output(database, csv_file, force=force)
    with refusals():
        try:
            today = database.now().date()
            result = program_figures(database, today=today, weeks=weeks)
            all_in = all_in_figures(database, today=today, weeks=weeks)
        except FiguresError as exc:
            raise Refused(str(exc)) from exc
    if to_stdout:
        text = figures_csv(result, all_in)
        sys.stdout.write(for_terminal(text) if sys.stdout.isatty() else text)
        return
    for line in [*figures_text(result), "", *all_in_text(all_in)]:
        echo(line)
    if csv_file is not None:
        with refusals():
            write_file(csv_file, figures_csv(result, all_in).encode("utf-8"), force=force, protected=database.files())
        rows = sum(1 for _ in result.rows()) + (sum(1 for _ in all_in.rows()))
        echo(f"\nwrote {csv_file} ({rows} rows)")


def figures_csv(f: Figures, all_in: AllInFigures | None = None) -> str:
    """The tidy CSV: one row a figure, group and period, with its numerator and denominator where it has them.

    The VIP All In figures (``all_in``) follow the program's, their figure names beginning with ``VIP All In``.

    Text cells that a spreadsheet would take for a formula are neutralised (:func:`csv_cell`).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in itertools.chain(f.rows(), all_in.rows() if all_in is not None else ()):
        writer.writerow(
            (
                csv_cell(row.figure),
                csv_cell(row.group),
                csv_cell(row.period),
                _number(row.value),
                _number(row.numerator),
                _number(row.denominator),
            )
        )
    return out.getvalue()


# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): = + - @, and tab or CR before them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: object) -> str:
    """``text`` for a CSV cell: prefixed with ``'`` when a spreadsheet would run it as a formula."""
    s = "" if text is None else str(text)
    return "'" + s if s.startswith(_FORMULA_START) else s


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def figures_text(f: Figures) -> list[str]:
    """The figures as plain text tables, as ``vip figures`` prints them."""
    from ..services.figures import follow_through, window_description

    lines = [f"Program figures on {f.today.isoformat()}", window_description(f), ""]
    weeks = [s.isoformat() for s in f.week_starts]

    def weekly(title: str, series: dict[str, list[int]]) -> None:
        header = ("week of", *series, "total")
        rows = [header]
        for i, week in enumerate(weeks):
            rows.append((week, *(str(v[i]) for v in series.values()), str(f.shootings_total[i])))
        rows.append(("total", *(str(sum(v)) for v in series.values()), str(sum(f.shootings_total))))
        lines.append(title)
        lines.extend(table_lines(rows, right=set(range(1, len(header)))))
        lines.append("")

    weekly("Shootings per week by type", {t.label: v for t, v in f.shootings_by_type.items()})
    if f.shootings_by_area:
        weekly("Shootings per week by area command", f.shootings_by_area)
    else:
        lines += ["Shootings per week by area command", "no data (no shootings in these weeks)", ""]
    total = f.notifications_total
    lines.append("Notifications by status, all time")
    rows = [("status", "count", "share")]
    rows += [
        (status.label, str(n), f"{round(100 * n / total)}%" if total else "no data")
        for status, n in f.notifications_by_status.items()
    ]
    rows.append(("total", str(total), ""))
    lines.extend(table_lines(rows, right={1, 2}))
    lines.append("")
    lines.append("Follow-through")
    sentences = follow_through(f)
    width = max(len(label) for label, _ in sentences)
    lines.extend(f"{label.ljust(width)}  {text}" for label, text in sentences)
    return lines


def all_in_text(f: AllInFigures) -> list[str]:
    """The VIP All In figures as ``vip figures`` prints them: a label and a sentence each."""
    from ..services.all_in_figures import all_in_lines, outcome_rows

    sentences = all_in_lines(f)
    width = max(len(label) for label, _ in sentences)
    return [
        "VIP All In (counts only: no service record)",
        *(f"{label.ljust(width)}  {text}" for label, text in sentences),
        "",
        *table_lines(outcome_rows(f), right={1, 2}),
    ]
