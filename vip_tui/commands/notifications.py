"""``vip notifications``: the notifications board as a table (SPEC §5).

A plain click command, loaded by ``vip_tui.cli`` when it is asked for; it
takes the :class:`~vip_tui.commands.common.Context` from click's context object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..services.notifications import STATUS_FILTERS

if TYPE_CHECKING:
    from .common import Context


@click.command("notifications")
@click.option(
    "--status",
    type=click.Choice(STATUS_FILTERS, case_sensitive=False),
    default=None,
    help="Only this status; open = proposed, approved or assigned; closed = any final status.",
)
@click.option("--overdue", is_flag=True, help="Only open notifications past their due date.")
@click.option("--due-this-week", "this_week", is_flag=True, help="Only open notifications due in the next 7 days.")
@click.option("--area", metavar="AREA", help="Only notifications about incidents in this area command.")
@click.option("--team", metavar="NAME", help="Only notifications with this team member.")
@click.pass_obj
def notifications(
    ctx: Context, status: str | None, overdue: bool, this_week: bool, area: str | None, team: str | None
) -> None:
    """List notifications: person, status, due date (and days overdue), area, team and attempts.

    Open ones first, the most overdue at the top; then the closed ones, latest first.
    """
    from .common import Refused, echo, echo_table, refusals
    from ..services.notifications import NotificationFilter, known_areas, load_notifications

    if overdue and this_week:
        raise click.UsageError("--overdue and --due-this-week exclude each other")
    database = ctx.open()
    with refusals():
        if area is not None:
            areas = known_areas(database)
            match = next((a for a in areas if a.casefold() == area.strip().casefold()), None)
            if match is None:
                raise Refused(f"unknown area command {area.strip()!r}; known: {', '.join(areas) or 'none yet'}")
            area = match
        where = NotificationFilter(
            status=status.lower() if status else None,
            due="overdue" if overdue else "week" if this_week else "all",
            area=area,
            team_member=team.strip() if team else None,
        )
        today = database.now().date()
        rows = load_notifications(database, today=today, where=where)
    if not rows:
        echo("no notifications" + ("" if not where.active else f" match: {where.describe()}"))
        return
    table: list[tuple[str, ...]] = [
        ("ref", "person", "status", "due", "overdue", "area", "team", "attempts", "last attempt", "outcome")
    ]
    for r in rows:
        table.append(
            (
                r.ref,
                r.person,
                r.status.label,
                r.due_date.isoformat() if r.due_date else "-",
                f"{r.days_overdue} d" if r.days_overdue else "",
                r.area_command or "-",
                r.team or "-",
                str(len(r.attempts)),
                r.latest() or "-",
                r.outcome or "",
            )
        )
    echo_table(table, right={7})
    overdue_count = sum(1 for r in rows if r.days_overdue)
    echo(f"{len(rows)} notification{'s' if len(rows) != 1 else ''}, {overdue_count} overdue (as of {today.isoformat()})")
