"""``vip demo``: the demo database, loaded from the sample agendas, in the TUI."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import Context, echo, pass_ctx, refusals, run_tui


def default_agendas_dir() -> Path:
    return Path(os.environ.get("VIP_AGENDAS") or Path(__file__).resolve().parent.parent.parent / "agendas")


@click.command()
@click.option(
    "--agendas",
    "agendas_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of sample agendas (default: the repository's agendas/).",
)
@click.option("--no-open", is_flag=True, help="Load the demo database but do not open the TUI.")
@click.option(
    "--rebuild", is_flag=True, help="Delete the demo database in the data folder and load the samples again."
)
@pass_ctx
def demo(ctx: Context, agendas_dir: Path | None, no_open: bool, rebuild: bool) -> None:
    """Open the demo database (loading the sample agendas the first time, or with --rebuild) in the TUI.

    What was entered in the demo is kept from one run to the next; --rebuild
    starts afresh. A --db given must be a new, empty database.
    """
    from ..demo import build_demo

    folder = agendas_dir or default_agendas_dir()
    with refusals():
        database, report = build_demo(folder, ctx.db, user=ctx.user, rebuild=rebuild)
    for line in report:
        echo(line)
    if not no_open:
        run_tui(database, ctx.config, ctx.desk)
