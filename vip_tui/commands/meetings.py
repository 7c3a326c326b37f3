"""``vip meetings``: the meetings list as a table (SPEC §5)."""

from __future__ import annotations

import click

from .common import Context, echo_table, pass_ctx


@click.command()
@pass_ctx
def meetings(ctx: Context) -> None:
    """List meetings: date, status, items, open action items."""
    from ..services.meeting_list import list_meetings

    rows = list_meetings(ctx.open())
    if not rows:
        click.echo("no meetings yet: import an agenda with `vip agenda import FILE`")
        return
    table = [("date", "no.", "status", "items", "open actions", "open notifications", "title")]
    table += [
        (
            m.date.isoformat(),
            str(m.number),
            m.when,
            str(m.items),
            str(m.open_actions),
            str(m.open_notifications),
            m.shown_title,
        )
        for m in rows
    ]
    echo_table(table, right={1, 3, 4, 5})
