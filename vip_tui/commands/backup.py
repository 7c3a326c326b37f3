"""``vip backup FILE``: a consistent copy of the database, safe while it is in use."""

from __future__ import annotations

from pathlib import Path

import click

from .common import FORCE, Context, echo, pass_ctx, refusals, working


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@FORCE
@pass_ctx
def backup(ctx: Context, file: Path, force: bool) -> None:
    """Write a consistent copy of the database to FILE (an SQLite file), safe while it is in use.

    FILE must not exist (or give --force); it is never the database or one of
    its files. A damaged database is refused: no backup is written, exit 1.
    """
    from ..db import backup as do_backup

    database = ctx.open()
    with refusals(), working(f"backing up to {file}"):
        rows = do_backup(database, file, force=force)
    echo(f"backed up {rows} rows to {file}")
