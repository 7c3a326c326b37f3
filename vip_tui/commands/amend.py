"""``vip amend`` and ``vip amendments``: correcting a closed meeting, and reading its corrections (SPEC §3).

Plain click commands, loaded by ``vip_tui.cli`` when one is asked for; the
writing is :func:`vip_tui.services.amendments.amend`, the same the wrap-up's
``m`` calls. Any refusal (unknown meeting, record or field, a bad value, an
open meeting, no reason) is ``vip: <message>``, exit 1, nothing changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import echo, echo_table

if TYPE_CHECKING:
    from .common import Context


@click.command("amend")
@click.argument("date")
@click.option("--record", required=True, metavar="RECORD",
              help="Which record: 'action item 47-3', 'notification 47-4', 'referral 12', 'note 40', 'attendance NAME'.")
@click.option("--field", "field_name", required=True, metavar="FIELD",
              help="Which field, e.g. due_date, owner_agency, team_officer, status (an empty --value clears it).")
@click.option("--value", required=True, metavar="VALUE", help="The corrected value (dates as YYYY-MM-DD).")
@click.option("--reason", required=True, metavar="TEXT", help="Why the record is corrected (kept and printed).")
@click.pass_obj
def amend(ctx: Context, date: str, record: str, field_name: str, value: str, reason: str) -> None:
    """Correct a record of the closed meeting held on DATE (YYYY-MM-DD), keeping why, who, when and the value before.

    The minutes list every amendment; the next export of them is a new
    version of the document (vip disseminations shows the version).
    """
    from ..export.data import find_meeting
    from ..services.amendments import amend as do_amend
    from ..services.amendments import find_record, shown_value
    from .export import _refused

    database = ctx.open()
    with _refused():
        with database.session() as s:
            meeting_id = find_meeting(s, date).id
        state = find_record(database, meeting_id, record)
        amendment = do_amend(database, meeting_id, state.entity, state.id, {field_name.strip(): value}, reason,
                             version=state.version)
    for field, (before, after) in amendment.change.items():
        echo(f"amended {state.ref}: {field} {shown_value(before)} → {shown_value(after)} (by {amendment.user})")


@click.command("amendments")
@click.argument("date")
@click.pass_obj
def amendments(ctx: Context, date: str) -> None:
    """List the amendments of the meeting held on DATE: when, who, which record and field, before → after, why."""
    from ..export.data import find_meeting
    from ..services.amendments import list_amendments
    from .export import _refused

    database = ctx.open()
    with _refused():
        with database.session() as s:
            meeting = find_meeting(s, date)
        rows = list_amendments(database, meeting.id)
    if not rows:
        echo(f"no amendments to the meeting of {meeting.date.isoformat()}")
        return
    table: list[tuple[str, ...]] = [("when", "by", "record", "field", "before → after", "reason")]
    table += [(f"{r.at:%Y-%m-%d %H:%M}", r.user, r.record, r.field, r.change, r.reason) for r in rows]
    echo_table(table)
