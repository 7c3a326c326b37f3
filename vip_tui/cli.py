"""The ``vip`` command line (SPEC §5): parse, call the core, print. Thin on purpose.

Exit status: 0 done, 1 the data or input was refused (message on stderr),
2 usage error (click's own). A user's mistake never shows a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from .db import Database


class Refused(click.ClickException):
    """Input or data refused: message on stderr, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"vip: {self.format_message()}", err=True)


def _fail(message: str) -> NoReturn:
    raise Refused(message)


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn the core's errors for people into exit-1 messages."""
    from .agenda.parse import AgendaErrors
    from .db import StorageError

    try:
        yield
    except StorageError as exc:
        _fail(str(exc))
    except AgendaErrors as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        _fail(f"{_count(exc.problems, 'problem')}; nothing was changed")


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


class Context:
    """What the group options give every command."""

    def __init__(self, db: str | None, user: str | None) -> None:
        self.db = db
        self.user = user

    def open(self) -> "Database":
        from .db import open_database

        with _refusals():
            database = open_database(self.db, user=self.user)
        if database.upgraded_from:
            click.echo(
                f"vip: upgraded the database from schema {database.upgraded_from}; "
                f"the previous file was kept as {database.backup_path}",
                err=True,
            )
        return database


pass_ctx = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    envvar="VIP_DB",
    help="Database file or SQLAlchemy URL (postgresql+psycopg://…). Default: vip.db in the user data folder.",
)
@click.option("--user", metavar="NAME", help="Name recorded in the audit log (default: the OS user).")
@click.version_option(package_name="vip-tui", prog_name="vip")
@click.pass_context
def main(ctx: click.Context, db: str | None, user: str | None) -> None:
    """vip: run the weekly shooting review from the keyboard.

    Without a command, opens the TUI.
    """
    ctx.obj = Context(db, user)
    if ctx.invoked_subcommand is None:
        gc.disable()  # from here, not only from make_app: the database's imports (see vip_tui.app.make_app)
        _run_tui(ctx.obj.open())


def _run_tui(database: "Database") -> None:
    from .app import make_app

    make_app(database).run()


# --------------------------------------------------------------------------- agenda


@main.group()
def agenda() -> None:
    """Check and import agenda files (TOML or CSV)."""


FILES = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))


def _existing(files: tuple[Path, ...]) -> None:
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _fail(f"file not found: {', '.join(missing)}")


@agenda.command("check")
@FILES
def agenda_check(files: tuple[Path, ...]) -> None:
    """Validate agenda files only; print every problem; exit 1 if any."""
    from .agenda.parse import parse_agendas

    _existing(files)
    agendas, problems = parse_agendas(files)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _fail(f"{_count(errors, 'problem')} in {_count(list(files), 'file')}")
    incidents = sum(len(a.incidents) for a in agendas)
    click.echo(f"ok: {_count(list(files), 'file')}, {_count(agendas, 'meeting')}, {incidents} incidents")


@agenda.command("import")
@FILES
@pass_ctx
def agenda_import(ctx: Context, files: tuple[Path, ...]) -> None:
    """Validate and import agenda files: all or nothing; re-import updates in place."""
    from .agenda.importer import TerminalProgress, import_files

    _existing(files)
    database = ctx.open()
    with _refusals():
        report = import_files(database, files, progress=TerminalProgress())
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    for line in report.lines():
        click.echo(line)


# --------------------------------------------------------------------------- meetings, backup, demo


@main.command()
@pass_ctx
def meetings(ctx: Context) -> None:
    """List meetings: date, status, items, open action items."""
    from .services.meetings import list_meetings

    rows = list_meetings(ctx.open())
    if not rows:
        click.echo("no meetings yet: import an agenda with `vip agenda import FILE`")
        return
    table = [("date", "no.", "status", "items", "open actions", "open notifications", "title")]
    table += [
        (
            m.date.isoformat(),
            str(m.number),
            m.status.label,
            str(m.items),
            str(m.open_actions),
            str(m.open_notifications),
            m.title or "",
        )
        for m in rows
    ]
    _echo_table(table, right={1, 3, 4, 5})


def _echo_table(rows: list[tuple[str, ...]], right: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    click.echo(fmt(rows[0]))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows[1:]:
        click.echo(fmt(row))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def backup(ctx: Context, file: Path) -> None:
    """Write a consistent copy of the database to FILE (an SQLite file), safe while it is in use."""
    from .db import backup as do_backup

    database = ctx.open()
    with _refusals():
        rows = do_backup(database, file)
    click.echo(f"backed up {rows} rows to {file}")


def default_agendas_dir() -> Path:
    return Path(os.environ.get("VIP_AGENDAS") or Path(__file__).resolve().parent.parent / "agendas")


@main.command()
@click.option(
    "--agendas",
    "agendas_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of sample agendas (default: the repository's agendas/).",
)
@click.option("--no-open", is_flag=True, help="Load the demo database but do not open the TUI.")
@pass_ctx
def demo(ctx: Context, agendas_dir: Path | None, no_open: bool) -> None:
    """Load the sample agendas into a fresh demo database and open the TUI on it."""
    from .demo import build_demo

    folder = agendas_dir or default_agendas_dir()
    with _refusals():
        database, report = build_demo(folder, ctx.db, user=ctx.user)
    for line in report:
        click.echo(line)
    if not no_open:
        _run_tui(database)


# Documents (minutes, pre-read agenda) and the dissemination log: vip_tui/commands/export.py.
from .commands.export import agenda_export, disseminations, minutes  # noqa: E402

from .commands.figures import figures  # noqa: E402
from .commands.notifications import notifications  # noqa: E402
from .commands.db import db_group  # noqa: E402

main.add_command(minutes)
main.add_command(disseminations)
main.add_command(figures)
main.add_command(notifications)
main.add_command(db_group)
agenda.add_command(agenda_export)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
