"""The ``vip`` command line (SPEC §5): the group, its options, and where each command lives.

Exit status: 0 done, 1 the data or input was refused (message on stderr),
2 usage error (click's own). A user's mistake never shows a traceback.

The commands are in :mod:`vip_tui.commands`, one module per family. The group
imports a command's module only when that command runs (or ``--help`` lists
it), the way click's documentation shows for a ``LazyGroup``: ``vip`` alone
opens the TUI without importing any command module, and a command module
may import services at its top without slowing down the others (issue 14:
importing them all made ``import vip_tui.cli`` take 0.87 s, against 0.29 s
for Textual itself).
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path
from typing import Any

import click

from .commands.common import Context, Refused, echo, refusals, run_tui

__all__ = ["COMMANDS", "Context", "Refused", "main"]

# command name -> "module:attribute" under vip_tui.commands; `vip --help` lists them in this order (sorted).
COMMANDS: dict[str, str] = {
    "agenda": "agenda:agenda",
    "amend": "amend:amend",
    "amendments": "amend:amendments",
    "backup": "backup:backup",
    "caseload": "all_in:caseload",
    "config": "config:config",
    "db": "db:db_group",
    "demo": "demo:demo",
    "disseminations": "export:disseminations",
    "figures": "figures:figures",
    "meetings": "meetings:meetings",
    "minutes": "export:minutes",
    "notifications": "notifications:notifications",
    "participants": "all_in:participants",
}


class VipGroup(click.Group):
    """The ``vip`` group: commands loaded when asked for; whatever one meets (a busy or damaged database,
    a refused output) is exit 1."""

    def __init__(self, name: str | None = None, *, lazy: dict[str, str] | None = None, **attrs: Any) -> None:
        super().__init__(name, **attrs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(f"{__package__}.commands.{module}"), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wrong entry in COMMANDS
            raise TypeError(f"vip_tui.commands.{self.lazy[cmd_name]} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        with refusals():
            return super().invoke(ctx)


@click.group(
    cls=VipGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    help="Database file or SQLAlchemy URL (postgresql+psycopg://…). Default: vip.db in the user data folder.",
)
@click.option("--user", metavar="NAME", help="Name recorded in the audit log (default: the OS user).")
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    envvar="VIP_CONFIG",
    type=click.Path(path_type=Path, dir_okay=True),
    help="Configuration file to use instead of the one `vip config path` prints.",
)
@click.option(
    "--desk",
    type=click.Choice(["full", "services"]),
    envvar="VIP_DESK",
    help="Who reads here: full (law enforcement, the default) or services (VIP All In program staff, "
    "who alone read the caseload).",
)
@click.version_option(package_name="vip-tui", prog_name="vip")
@click.pass_context
def main(ctx: click.Context, db: str | None, user: str | None, config_file: Path | None, desk: str | None) -> None:
    """vip: run the weekly shooting review from the keyboard.

    Without a command, opens the TUI.
    """
    from . import config, locations

    settings = config.load(config_file)
    locations.use_documents_dir(settings.documents)
    ctx.obj = Context(db or locations.env_database(), user, settings, desk)
    if ctx.invoked_subcommand is None:
        gc.disable()  # from here, not only from make_app: the database's imports (see vip_tui.app.make_app)
        run_tui(ctx.obj.open(create=True), settings, ctx.obj.desk)  # the TUI tells the file's problems in a notification
    elif ctx.invoked_subcommand != "config":  # `vip config` tells them itself, with the TUI's names checked
        for problem in settings.problems:
            echo(f"vip: {problem}; left out", err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
