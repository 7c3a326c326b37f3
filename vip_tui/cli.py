"""The ``vip`` command line (SPEC §5): parse, call the core, print. Thin on purpose.

Exit status: 0 done, 1 the data or input was refused (message on stderr),
2 usage error (click's own). A user's mistake never shows a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .commands.common import FORCE, Refused, echo, echo_table, fail, refusals, working

if TYPE_CHECKING:
    from .db import Database

__all__ = ["Context", "Refused", "main"]

# The names the command modules import from here (kept for them).
_fail = fail
_refusals = refusals
_echo_table = echo_table


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


class Context:
    """What the group options give every command."""

    def __init__(self, db: str | None, user: str | None) -> None:
        self.db = db
        self.user = user

    def open(self, *, create: bool = False) -> "Database":
        """The database; a missing SQLite file is created only for commands that write (``create``)."""
        from .db import open_database

        with _refusals():
            database = open_database(self.db, user=self.user, create=create)
        _wait_for_locks(database)
        if database.upgraded_from:
            echo(
                f"vip: upgraded the database from schema {database.upgraded_from}; "
                f"the previous file was kept as {database.backup_path}",
                err=True,
            )
        return database


def _wait_for_locks(database: "Database") -> None:
    """PostgreSQL waits for a lock forever by default: the CLI waits as long as SQLite's busy timeout, then says so."""
    if database.is_sqlite:
        return
    from sqlalchemy import event

    from . import db

    @event.listens_for(database.engine, "connect")
    def _lock_timeout(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(db.BUSY_TIMEOUT_MS)}")
        dbapi_conn.commit()

    database.engine.pool.dispose()  # the connection that read the revision has no timeout: start afresh


class VipGroup(click.Group):
    """The ``vip`` group: whatever a command meets (a busy or damaged database, a refused output) is exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        with _refusals():
            return super().invoke(ctx)


pass_ctx = click.make_pass_decorator(Context)


@click.group(cls=VipGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        _run_tui(ctx.obj.open(create=True))


def _run_tui(database: "Database") -> None:
    from .app import make_app

    make_app(database).run()


# --------------------------------------------------------------------------- agenda


@main.group()
def agenda() -> None:
    """Check and import agenda files (TOML or CSV)."""


# readable=False: vip checks each file itself, to say what it is instead (exit 1, not click's exit 2).
FILES = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))


def _existing(files: tuple[Path, ...]) -> None:
    """Every agenda file is a readable regular file, or exit 1 naming what each one is instead."""
    import stat

    problems = []
    for f in files:
        try:
            mode = f.stat().st_mode
        except FileNotFoundError:
            problems.append(f"{f}: file not found")
            continue
        except OSError as exc:
            problems.append(f"{f}: cannot be read ({exc.strerror})")
            continue
        if stat.S_ISDIR(mode):
            problems.append(f"{f}: is a folder; give the agenda files inside it (e.g. {f}/*.toml)")
        elif not stat.S_ISREG(mode):
            problems.append(f"{f}: is not a regular file (a FIFO, device or socket); give an agenda file")
        elif not os.access(f, os.R_OK):
            problems.append(f"{f}: cannot be read (permission denied); ask for read access or copy it")
    if len(problems) == 1:
        _fail(problems[0])
    if problems:
        for problem in problems:
            echo(problem, err=True)
        _fail(f"{_count(problems, 'file')} cannot be used; nothing was changed")


@agenda.command("check")
@FILES
def agenda_check(files: tuple[Path, ...]) -> None:
    """Validate agenda files only; print every problem; exit 1 if any."""
    from .agenda.parse import parse_agendas

    _existing(files)
    agendas, problems = parse_agendas(files)
    for problem in problems:
        echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _fail(f"{_count(errors, 'problem')} in {_count(list(files), 'file')}")
    incidents = sum(len(a.incidents) for a in agendas)
    echo(f"ok: {_count(list(files), 'file')}, {_count(agendas, 'meeting')}, {incidents} incidents")


@agenda.command("import")
@FILES
@pass_ctx
def agenda_import(ctx: Context, files: tuple[Path, ...]) -> None:
    """Validate and import agenda files: all or nothing; re-import updates in place."""
    from .agenda.importer import TerminalProgress, import_files

    _existing(files)
    database = ctx.open(create=True)
    with _refusals():
        report = import_files(database, files, progress=TerminalProgress())
    for warning in report.warnings:
        echo(str(warning), err=True)
    for line in report.lines():
        echo(line)


# --------------------------------------------------------------------------- meetings, backup, demo


@main.command()
@pass_ctx
def meetings(ctx: Context) -> None:
    """List meetings: date, status, items, open action items."""
    from .services.meeting_list import list_meetings

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
    _echo_table(table, right={1, 3, 4, 5})


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@FORCE
@pass_ctx
def backup(ctx: Context, file: Path, force: bool) -> None:
    """Write a consistent copy of the database to FILE (an SQLite file), safe while it is in use.

    FILE must not exist (or give --force); it is never the database or one of
    its files. A damaged database is refused: no backup is written, exit 1.
    """
    from .db import backup as do_backup

    database = ctx.open()
    with _refusals(), working(f"backing up to {file}"):
        rows = do_backup(database, file, force=force)
    echo(f"backed up {rows} rows to {file}")


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
@click.option(
    "--rebuild", is_flag=True, help="Delete the demo database in the data folder and load the samples again."
)
@pass_ctx
def demo(ctx: Context, agendas_dir: Path | None, no_open: bool, rebuild: bool) -> None:
    """Open the demo database (loading the sample agendas the first time, or with --rebuild) in the TUI.

    What was entered in the demo is kept from one run to the next; --rebuild
    starts afresh. A --db given must be a new, empty database.
    """
    from .demo import build_demo

    folder = agendas_dir or default_agendas_dir()
    with _refusals():
        database, report = build_demo(folder, ctx.db, user=ctx.user, rebuild=rebuild)
    for line in report:
        echo(line)
    if not no_open:
        _run_tui(database)


# Documents (minutes, pre-read agenda) and the dissemination log: vip_tui/commands/export.py.
from .commands.export import agenda_export, disseminations, minutes  # noqa: E402

from .commands.figures import figures  # noqa: E402
from .commands.notifications import notifications  # noqa: E402
from .commands.db import db_group  # noqa: E402
from .commands.amend import amend, amendments  # noqa: E402

main.add_command(minutes)
main.add_command(disseminations)
main.add_command(figures)
main.add_command(notifications)
main.add_command(db_group)
main.add_command(amend)
main.add_command(amendments)
agenda.add_command(agenda_export)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
