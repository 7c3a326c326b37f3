"""What every command shares: refusals as exit 1, output that cannot act on the terminal, output-path checks.

- :class:`Refused` and :func:`refusals`: the core's errors for people
  (storage, agenda, outputs, a busy or damaged database, an unreadable file)
  become ``vip: <message>`` on stderr and exit 1, never a traceback.
- :func:`echo` and :func:`echo_table`: every line of stored text goes through
  :func:`vip_tui.sanitize.for_terminal`, so a title holding an escape
  sequence prints as ``␛[2J`` and does nothing.
- :data:`FORCE` and :func:`checked_output`: the rules of
  :mod:`vip_tui.outputs` for a file a command writes.
- :func:`working`: a line on a terminal saying what a slow command is doing.
- :class:`Context` (and :data:`pass_ctx`): what the group's options give
  every command: the database to open, the user for the audit log.
- :func:`run_tui`: the TUI on an opened database (``vip`` and ``vip demo``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import sys
import threading
import time

import click

from ..sanitize import for_terminal

if TYPE_CHECKING:
    from ..config import Config
    from ..db import Database

class Context:
    """What the group options give every command: ``--db`` (or ``VIP_DB``), ``--user``, the configuration file."""

    def __init__(
        self, db: str | None, user: str | None, config: Config | None = None, desk: str | None = None
    ) -> None:
        self.db = db
        self.user = user
        self.config = config
        self.desk_option = desk

    @property
    def desk(self) -> str:
        """Who reads here (``full`` or ``services``): ``--desk`` / ``VIP_DESK``, then the file, then ``full``."""
        return self.desk_option or (self.config.desk if self.config else None) or "full"

    def services_desk(self, what: str) -> None:
        """Refuse ``what`` (VIP All In's service records) unless this is the services desk (SPEC §9)."""
        if self.desk != "services":
            raise Refused(
                f"{what} holds VIP All In service records, for program staff only; "
                f"run it at the services desk: vip --desk services … (or desk = \"services\" in the config file)"
            )

    def open(self, *, create: bool = False) -> Database:
        """The database (``--db``, else the configuration's, else the default); a missing SQLite file is
        created only for commands that write (``create``)."""
        from ..db import open_database

        with refusals():
            database = open_database(self.db_in_effect, user=self.user, create=create)
        _wait_for_locks(database)
        if database.upgraded_from:
            echo(
                f"vip: upgraded the database from schema {database.upgraded_from}; "
                f"the previous file was kept as {database.backup_path}",
                err=True,
            )
        return database

    @property
    def db_in_effect(self) -> str | None:
        """Precedence: --db / VIP_DB, then the configuration file, then (None) the default file."""
        return self.db or (self.config.database if self.config else None)


def _wait_for_locks(database: Database) -> None:
    """PostgreSQL waits for a lock forever by default: the CLI waits as long as SQLite's busy timeout, then says so."""
    if database.is_sqlite:
        return
    from sqlalchemy import event

    from .. import db

    @event.listens_for(database.engine, "connect")
    def _lock_timeout(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(db.BUSY_TIMEOUT_MS)}")
        dbapi_conn.commit()

    database.engine.pool.dispose()  # the connection that read the revision has no timeout: start afresh


pass_ctx = click.make_pass_decorator(Context)


def run_tui(database: Database, config: Config | None = None, desk: str = "full") -> None:
    from ..app import make_app

    app = make_app(database, desk=desk)
    if config is not None:
        app.use_config(config)
    app.run()


def count(items: Sequence[Any], noun: str) -> str:
    """``3 files``, ``1 file``."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace an existing file (never the database or its files, never a file the dissemination log says was sent).",
)


class Refused(click.ClickException):
    """Input or data refused: message on stderr, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"vip: {for_terminal(self.format_message())}", err=True)


def fail(message: str) -> NoReturn:
    raise Refused(message)


def echo(text: object = "", *, err: bool = False) -> None:
    """Print one line (or several) of text that may hold stored data: sanitized for the terminal."""
    click.echo(for_terminal(text), err=err)


def table_lines(rows: Sequence[Sequence[object]], right: Iterable[int] = ()) -> list[str]:
    """Rows as aligned columns (a header, a rule, the rows), every cell sanitized for the terminal."""
    cells = [[for_terminal(c) for c in row] for row in rows]
    right = set(right)
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]

    def fmt(row: list[str]) -> str:
        out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(out).rstrip()

    return [fmt(cells[0]), "  ".join("-" * w for w in widths), *(fmt(r) for r in cells[1:])]


def echo_table(rows: Sequence[Sequence[object]], right: Iterable[int] = ()) -> None:
    for line in table_lines(rows, right):
        click.echo(line)


def database_reason(exc: BaseException) -> str:
    """A database driver's error as a sentence a person can act on."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    lowered = text.lower()
    from ..db import BUSY_MESSAGE, is_busy  # one test and one wording for the CLI and the TUI

    if is_busy(exc):
        return BUSY_MESSAGE
    if "readonly" in lowered or "read-only" in lowered:
        return (
            "the database is read-only to you: vip needs to write to the file and its folder; "
            "ask for write access, or open a copy. Nothing was changed."
        )
    if "malformed" in lowered or "not a database" in lowered or "disk image" in lowered:
        return (
            f"the database is damaged ({text}); nothing was changed. "
            "Keep the file as it is and restore the last good backup."
        )
    if "unable to open" in lowered:
        return f"cannot open the database ({text}); check the path and that you may write in its folder"
    return f"the database refused the operation ({text}); nothing was changed"


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the core's errors for people into exit-1 messages (no traceback).

    The error classes are imported only when something was raised, so that a
    command that never opens the database does not pay for SQLAlchemy.
    """
    try:
        yield
    except click.ClickException:
        raise
    except KeyboardInterrupt:
        # The core writes files beside their target and commits once: an
        # interrupted command has left nothing behind (outputs.py, export).
        fail("interrupted (ctrl+c); nothing was written or changed")
    except Exception as exc:
        message = _refusal(exc)
        if message is None:
            raise
        fail(message)


def _refusal(exc: Exception) -> str | None:
    """The message for ``exc`` if it is one of the refusals a person can act on; None for a bug."""
    import sqlite3

    import sqlalchemy.exc as sa_exc

    from ..agenda.problems import AgendaErrors
    from ..db import StorageError
    from ..outputs import OutputRefused

    if isinstance(exc, (StorageError, OutputRefused)):
        return str(exc)
    if isinstance(exc, AgendaErrors):
        for problem in exc.problems:
            echo(str(problem), err=True)
        n = len(exc.problems)
        return f"{n} problem{'' if n == 1 else 's'}; nothing was changed"
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.DatabaseError, sqlite3.DatabaseError)):
        return database_reason(exc)
    if isinstance(exc, PermissionError):
        return f"cannot use {exc.filename or 'a file'}: permission denied"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} is a folder, not a file"
    return None


def checked_output(database: Database | None, path: Path, *, force: bool) -> Path:
    """``path`` if a command may write there (see :mod:`vip_tui.outputs`), else exit 1 saying what to do."""
    from ..outputs import OutputRefused, check_output

    try:
        return check_output(path, force=force, protected=database.files() if database else ())
    except OutputRefused as exc:
        fail(str(exc))


@contextmanager
def working(what: str, *, after: float = 1.0, every: float = 0.5, stream: Any = None) -> Iterator[None]:
    """``vip: <what>… 3 s`` on stderr while the block runs, once it has taken ``after`` seconds.

    Only when stderr is a terminal (redirected output stays clean); the line
    is cleared when the block ends. Export and backup take one to two
    seconds on five years of history: long enough to wonder whether
    anything is happening, too short for a count of their own.
    """
    stream = stream if stream is not None else sys.stderr
    try:
        live = stream.isatty()
    except (AttributeError, ValueError):
        live = False
    if not live:
        yield
        return
    began = time.monotonic()
    stop = threading.Event()
    shown = False

    def draw() -> None:
        nonlocal shown
        if stop.wait(after):
            return
        while True:
            stream.write(f"\r\x1b[2Kvip: {for_terminal(what)}… {time.monotonic() - began:.0f} s")
            stream.flush()
            shown = True
            if stop.wait(every):
                return

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if shown:
            stream.write("\r\x1b[2K")
            stream.flush()
