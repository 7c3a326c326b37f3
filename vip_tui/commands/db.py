"""``vip db upgrade`` and ``vip db grant ROLE``: the two PostgreSQL roles of the README (issue 12 item 6).

The schema (and so the audit log) is owned by one role, which runs the
migrations; vip runs as another, which may read and append to the audit log
but never change or empty it. A plain click group, loaded by
``vip_tui.cli`` when it is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import refusals

if TYPE_CHECKING:
    from .common import Context

OWNER_URL_HELP = "URL of the role that owns the schema, e.g. postgresql+psycopg://vip_owner@host/vip (or VIP_DB_OWNER_URL)."


@click.group("db")
def db_group() -> None:
    """PostgreSQL: upgrade the schema as its owner; grant the role vip runs as what it needs."""


@db_group.command("upgrade")
@click.option("--owner-url", envvar="VIP_DB_OWNER_URL", required=True, metavar="URL", help=OWNER_URL_HELP)
@click.pass_obj
def upgrade(ctx: "Context", owner_url: str) -> None:
    """Bring the schema up to date as its owner, then grant the role of --db (if another) what vip needs."""
    from ..db import HEAD, upgrade_as_owner

    with refusals():
        before, granted = upgrade_as_owner(owner_url, ctx.db_in_effect)
    click.echo(f"schema {HEAD}" + (f" (was {before or 'empty'})" if before != HEAD else " (already up to date)"))
    if granted:
        click.echo(f"granted {granted}: read and write the tables, read and append to the audit log")


@db_group.command("grant")
@click.argument("role")
@click.option("--owner-url", envvar="VIP_DB_OWNER_URL", required=True, metavar="URL", help=OWNER_URL_HELP)
def grant(role: str, owner_url: str) -> None:
    """Give ROLE what vip needs to run, and no more: the audit log may be read and appended to only."""
    from ..db import StorageError, display_url, grant_runtime, make_engine, resolve_url

    with refusals():
        url = resolve_url(owner_url)
        if not url.startswith("postgresql"):
            raise StorageError(f"{display_url(url)}: roles are a PostgreSQL matter")
        engine = make_engine(url)
        try:
            grant_runtime(engine, role)
        except Exception as exc:  # a server that cannot be reached, a role without rights
            if isinstance(exc, StorageError):
                raise
            import sqlalchemy as sa

            if isinstance(exc, sa.exc.DBAPIError):
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise StorageError(f"cannot grant {role} on {display_url(url)}: {reason}") from None
            raise
        finally:
            engine.dispose()
    click.echo(f"granted {role}: read and write the tables, read and append to the audit log")
