"""``vip caseload`` and ``vip participants``: VIP All In's caseload and episodes as tables (issue 15 item 7).

Both list service records (who is enrolled, with which coach, how their
contacts stand): they run only at the services desk
(:meth:`~vip_tui.commands.common.Context.services_desk`), and refuse with
exit 1 anywhere else, before the database is opened.

A plain click module, loaded by ``vip_tui.cli`` when one of its commands is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..sanitize import for_terminal
from .common import FORCE, Refused, checked_output, count, echo, echo_table, refusals
from .figures import csv_cell

if TYPE_CHECKING:
    from ..db import Database
    from .common import Context

CSV_OPTION = click.option(
    "--csv",
    "csv_file",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    metavar="FILE",
    help="Also write the table as CSV (ISO dates, plain numbers), owner-only. An existing file is replaced "
    "only with --force. '-' writes the CSV alone to standard output.",
)

CASELOAD_COLUMNS = ("person", "episode", "coach", "stage", "stage since", "enrolled", "cadence a week",
                    "last contact", "next due", "days overdue", "urgent needs", "goals due")
PARTICIPANT_COLUMNS = ("person", "episode", "coach", "enrolled", "stage", "exited", "exit reason",
                       "contacts", "last contact")


@click.command("caseload")
@click.option("--coach", metavar="NAME", help="Only this peer coach's participants (any case).")
@click.option("--overdue", is_flag=True, help="Only participants overdue for a contact.")
@CSV_OPTION
@FORCE
@click.pass_obj
def caseload(ctx: Context, coach: str | None, overdue: bool, csv_file: Path | None, force: bool) -> None:
    """The caseload: every open VIP All In episode, by coach, the next contact due first.

    Services desk only. Overdue: no contact made (an attempt does not count)
    for longer than the cadence allows, ceil(7 / contacts a week) days, since
    the last contact or the enrollment. Urgent needs are those of the latest
    assessment; goals due are open goals with a target date within two weeks
    or past.
    """
    from ..services import all_in

    ctx.services_desk("the caseload")
    database = ctx.open()
    to_stdout = _check_csv(database, csv_file, force)
    with refusals():
        coach = _known_coach(database, coach)
        today = database.now().date()
        rows = all_in.caseload(database, today=today, coach=coach, overdue=overdue)
    table = [
        (r.person, r.episode, r.coach, r.stage.label, r.stage_on, r.enrolled_on, r.cadence, r.last_contact,
         r.next_due, r.days_over if r.overdue else None, ", ".join(d.label for d in r.urgent_needs) or None,
         r.goals_due or None)
        for r in rows
    ]
    which = " ".join(x for x in ("overdue" if overdue else "", f"of coach {coach}" if coach else "") if x)
    summary = (
        f"{count(rows, 'participant')}, {sum(r.overdue for r in rows)} overdue (as of {today.isoformat()})"
        if rows else f"no participants{' ' + which if which else ''} (as of {today.isoformat()})"
    )
    _emit(database, csv_file, to_stdout, force, CASELOAD_COLUMNS, table, right={1, 6, 9, 11}, summary=summary)


@click.command("participants")
@click.option(
    "--status",
    type=click.Choice(["active", "exited"], case_sensitive=False),
    default=None,
    help="Only open episodes (active) or ended ones (exited); both when not given.",
)
@CSV_OPTION
@FORCE
@click.pass_obj
def participants(ctx: Context, status: str | None, csv_file: Path | None, force: bool) -> None:
    """Every VIP All In episode: person, coach, enrollment, stage, exit and its reason, contacts made.

    Services desk only. A re-enrollment is a new episode (a line of its own).
    Contacts count those made; an attempt without contact does not count.
    """
    from ..services import all_in

    ctx.services_desk("the participants list")
    database = ctx.open()
    to_stdout = _check_csv(database, csv_file, force)
    with refusals():
        today = database.now().date()
        rows = all_in.caseload(database, today=today, status=(status or "all").lower())
    rows = sorted(rows, key=lambda r: (r.person.casefold(), -r.episode))
    table = [
        (r.person, r.episode, r.coach, r.enrolled_on, r.stage.label, r.exited_on,
         r.exit_reason.label if r.exit_reason else None, r.contacts, r.last_contact)
        for r in rows
    ]
    open_ = sum(1 for r in rows if r.exited_on is None)
    summary = (
        f"{count(rows, 'episode')}: {open_} active, {len(rows) - open_} exited (as of {today.isoformat()})"
        if rows else f"no {status.lower() + ' ' if status else ''}participants (as of {today.isoformat()})"
    )
    _emit(database, csv_file, to_stdout, force, PARTICIPANT_COLUMNS, table, right={1, 7}, summary=summary)


# --------------------------------------------------------------------------- helpers


def _check_csv(database: Database, csv_file: Path | None, force: bool) -> bool:
    """Whether the CSV goes to standard output; a file is checked before the work, as ``vip figures`` does."""
    if csv_file is not None and str(csv_file) == "-":
        return True
    if csv_file is not None:
        checked_output(database, csv_file, force=force)
    return False


def _known_coach(database: Database, coach: str | None) -> str | None:
    """``coach`` as the records spell it; a name no participant has is refused with the coaches there are."""
    from ..services.all_in import coaches

    if coach is None:
        return None
    wanted = coach.strip()
    known = coaches(database)
    match = next((c for c in known if c.casefold() == wanted.casefold()), None)
    if match is None:
        raise Refused(f"no participants with coach {wanted!r}; the coaches: {', '.join(known) or 'none yet'}")
    return match


def _emit(
    database: Database, csv_file: Path | None, to_stdout: bool, force: bool, header: Sequence[str],
    rows: Sequence[Sequence[object]], *, right: set[int], summary: str,
) -> None:
    """The table and its summary line on standard output, and the CSV where ``--csv`` said."""
    from ..outputs import write_file

    if to_stdout:
        text = _csv(header, rows)
        sys.stdout.write(for_terminal(text) if sys.stdout.isatty() else text)
        return
    if rows:
        echo_table([header, *([_shown(c) for c in row] for row in rows)], right=right)
    echo(summary)
    if csv_file is not None:
        with refusals():
            write_file(csv_file, _csv(header, rows).encode("utf-8"), force=force, protected=database.files())
        echo(f"wrote {csv_file} ({count(rows, 'row')})")


def _shown(cell: object) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell:g}"
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The rows as CSV; empty cells for nothing, text a spreadsheet would run as a formula neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if c is None else csv_cell(_shown(c)) if isinstance(c, str) else _shown(c) for c in row])
    return out.getvalue()
