"""Storage: opening a database (schema checks, migrations), the engine, sessions, SQLite pragmas, backup.

The TUI and the CLI both go through :func:`open_database`. It refuses what is
not a vip database (leaving it untouched), creates a new SQLite file readable
by its owner only, and brings an older schema up to date after keeping a copy.
Every create, update and delete made through a session of the returned
:class:`Database` is recorded in ``audit_log`` by one session hook, so no call
site has to remember to do it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import sqlite3
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import locations

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

# SQLAlchemy is not imported with this module. Opening an SQLite file needs
# only sqlite3 (the schema revision is read with it), and the engine is built
# on first use: the meetings list, the first screen, is read with sqlite3 too
# (services/meeting_list.py), so `vip` shows its rows without waiting for
# SQLAlchemy (about 140 ms) or the ORM (another 150 ms; issue 14,
# `python -m bench.run --only startup`). PostgreSQL builds its engine at once.

# The Alembic revisions this version of vip knows, oldest first. Kept here so
# that opening an up-to-date database never has to import Alembic (start-up
# time); tests/test_storage.py checks it against the migration scripts.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial", "0002_versions_and_merges", "0003_disclosure", "0004_more_versions", "0005_vip_all_in",
)
HEAD = KNOWN_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")

SQLITE_MAGIC = b"SQLite format 3\x00"
# On PostgreSQL the schema may be owned by another role than the one vip runs
# as (issue 12): migrations then run through this URL (or ``vip db upgrade``).
OWNER_URL_ENV = "VIP_DB_OWNER_URL"
BUSY_TIMEOUT_MS = 5000

Clock = Callable[[], dt.datetime]


class StorageError(Exception):
    """A database that cannot be used as asked; the message says what to do."""


class DatabaseBusy(StorageError):
    """Another process holds the lock this write needs; nothing was written, and the same write may be tried again."""


BUSY_MESSAGE = "the database is busy (another vip or an import is writing to it); try again in a moment. Nothing was changed."
# PostgreSQL's lock_not_available: the lock_timeout set by Database.limit_lock_wait ran out.
_PG_BUSY = {"55P03"}


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is a write that met another process's lock (SQLite's busy, PostgreSQL's lock timeout)."""
    if isinstance(error, DatabaseBusy):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")  # not imported yet: no SQLAlchemy error can exist
    wrapped = sa_exc is not None and isinstance(error, sa_exc.OperationalError)
    orig = error.orig if wrapped else error  # type: ignore[attr-defined]  # the driver's own error too
    if isinstance(orig, sqlite3.OperationalError):
        return getattr(orig, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED") or "is locked" in str(orig)
    return getattr(orig, "sqlstate", None) in _PG_BUSY


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def resolve_url(db: str | None) -> str:
    """Turn ``--db`` / ``VIP_DB`` (a path or a SQLAlchemy URL) into a URL; default: the user data file."""
    value = db or locations.env_database() or ""
    if not value.strip():
        return f"sqlite:///{locations.default_db_path()}"
    if "://" in value:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except (ArgumentError, ValueError):
            raise StorageError(f"{value!r} is not a database URL; give a file path or e.g. postgresql+psycopg://host/db")
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    if sqlite_file(url) is not None:
        return url  # no password to hide, and SQLAlchemy would render it the same
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


# An SQLite URL as resolve_url makes it from a plain path: read without
# SQLAlchemy. A path with any other character (%, ?, #, @, :, which its URL
# parser gives a meaning to, or one it quotes when it prints the URL, e.g.
# non-ASCII) goes through SQLAlchemy instead (tests/test_startup.py compares).
_PLAIN_SQLITE = re.compile(r"sqlite:///([A-Za-z0-9 ._~+/-]+)")


def sqlite_file(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL, the same as SQLAlchemy reads it; None for any other URL."""
    found = _PLAIN_SQLITE.fullmatch(url)
    return found.group(1) if found else None


# --------------------------------------------------------------------------- audit (vip_tui/audit.py)

# Where the audit rows of committed transactions are collected while a caller
# records them (services/undo.py: what one screen action changed, to undo it).
RECORDING: ContextVar[list[dict[str, Any]] | None] = ContextVar("vip_recording", default=None)


# --------------------------------------------------------------------------- engine


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout on every connection."""
    import sqlalchemy as sa
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class LazyEngine:
    """A database's engine, built on first use (see the note on imports above).

    Shared by the copies of a :class:`Database` (``dataclasses.replace``
    with another clock), which therefore share one pool, as they did when
    the engine was built at open.
    """

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.built = engine
        self.lock_wait_ms: int | None = None
        self._lock = threading.Lock()  # the first two users may be two workers at once

    def get(self) -> Engine:
        with self._lock:
            if self.built is None:
                self.built = make_engine(self.url)
                if self.lock_wait_ms is not None:
                    _install_lock_wait(self.built, self.lock_wait_ms)
            return self.built

    def limit_lock_wait(self, ms: int) -> None:
        with self._lock:
            self.lock_wait_ms = ms
            if self.built is not None:
                _install_lock_wait(self.built, ms)

    def dispose(self) -> None:
        if self.built is not None:
            self.built.dispose()


def _install_lock_wait(engine: Engine, ms: int) -> None:
    from sqlalchemy import event

    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "checkout")
    def _lock_wait(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout={int(ms)}" if sqlite else f"SET lock_timeout = {int(ms)}")
        finally:
            cur.close()
        if not sqlite:
            dbapi_conn.commit()  # SET opened a transaction: end it, the setting stays for the session


@dataclass
class Database:
    """An open vip database: the engine, a session factory with the audit hook, who and when.

    An up-to-date SQLite file is opened (its schema checked) with sqlite3
    alone; its engine is built on first use.
    """

    url: str
    lazy_engine: LazyEngine
    user: str
    clock: Clock
    upgraded_from: str | None = None
    backup_path: Path | None = None
    _factory: sessionmaker | None = field(init=False, repr=False, default=None)
    _factory_lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    @property
    def engine(self) -> Engine:
        return self.lazy_engine.get()

    @property
    def lock_wait_ms(self) -> int:
        """How long a statement waits for another process's lock (:meth:`limit_lock_wait`)."""
        return self.lazy_engine.lock_wait_ms or BUSY_TIMEOUT_MS

    def _session_factory(self) -> sessionmaker:
        # Built on first use (see the note on imports above); locked because the
        # first two sessions may be asked for by two workers at once.
        with self._factory_lock:
            if self._factory is None:
                from sqlalchemy.orm import sessionmaker
                from sqlmodel import Session

                from . import audit

                factory = sessionmaker(bind=self.engine, class_=Session, expire_on_commit=False)
                audit.install(factory)
                self._factory = factory
            return self._factory

    @property
    def is_sqlite(self) -> bool:
        if sqlite_file(self.url) is not None:
            return True
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if (file := sqlite_file(self.url)) is not None:
            return Path(file)
        if not self.is_sqlite:
            return None
        database = self.engine.url.database
        return Path(database) if database and database != ":memory:" else None

    def files(self) -> list[Path]:
        """The database's own files (SQLite: the file, its companions, its .bak copies): never an output."""
        from .outputs import database_files

        return database_files(self.sqlite_path)

    def now(self) -> dt.datetime:
        return self.clock()

    def session(self) -> Session:
        """A new session; the caller commits. Every flush is audited."""
        s = self._session_factory()()
        s.info["user"] = self.user
        s.info["clock"] = self.clock
        if (sink := RECORDING.get()) is not None:
            s.info["record_to"] = sink
            s.info["recorded"] = []
        return s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises.

        A write that meets another process's lock (after the wait set for
        this database) raises :class:`DatabaseBusy`: nothing was written and
        the caller may try the same write again.
        """
        from sqlalchemy.exc import OperationalError

        with self.session() as s:
            try:
                yield s
                s.commit()
            except OperationalError as exc:
                s.rollback()
                if is_busy(exc):
                    raise DatabaseBusy(BUSY_MESSAGE) from exc
                raise
            except BaseException:
                s.rollback()
                raise

    def warm_up(self) -> None:
        """Build the engine, its first connection and the ORM's mappers now, so that the first write does not.

        The TUI calls it in the background once the first screen shows: that
        screen was read without SQLAlchemy (services/meeting_list.py).
        """
        from sqlalchemy.orm import configure_mappers

        from . import models  # noqa: F401  (the mappers to configure)

        configure_mappers()
        with self.engine.connect():
            pass
        self.session().close()

    def limit_lock_wait(self, ms: int) -> None:
        """Wait at most ``ms`` for another process's lock before a write raises :class:`DatabaseBusy`.

        The TUI waits briefly and retries with a message on screen rather
        than freezing for the CLI's full wait (SQLite ``busy_timeout``;
        PostgreSQL ``lock_timeout``, set on every connection handed out).
        """
        self.lazy_engine.limit_lock_wait(ms)

    def dispose(self) -> None:
        self.lazy_engine.dispose()


def _local_now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------- opening


def _sqlite_revision(path: Path) -> str | None:
    """The revision of an existing SQLite file, None for an empty one; refuses foreign files.

    Reads the file through a read-only connection so that a refused file is
    left exactly as it was.
    """
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if not head:
        return None
    if head != SQLITE_MAGIC:
        raise StorageError(
            f"{path} is not a vip database (it is not an SQLite file); "
            "nothing was changed. Give another path with --db or VIP_DB."
        )
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise StorageError(_foreign_tables_message(str(path), tables))
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc) or "not a database" in str(exc):
            raise StorageError(
                f"{path} is damaged ({exc}); nothing was changed. "
                "Keep the file as it is and restore the last good backup (vip backup)."
            )
        raise StorageError(f"{path} cannot be read as a database ({exc}); nothing was changed.")
    return row[0] if row else None


def _foreign_tables_message(where: str, tables: set[str]) -> str:
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    return (
        f"{where} is a database but not a vip database (it holds the tables {shown}); "
        "nothing was changed. Give another path with --db or VIP_DB."
    )


def _server_revision(engine: Engine, where: str) -> str | None:
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with engine.connect() as con:
            # A vip database, the usual case: one statement (the inspector's catalogue
            # queries cost 3 ms of a PostgreSQL start, issue 7). Otherwise look closer.
            try:
                row = con.execute(sa.text("SELECT version_num FROM alembic_version")).fetchone()
                return row[0] if row else None
            except ProgrammingError:
                con.rollback()
            tables = set(sa.inspect(con).get_table_names())
            if not tables:
                return None
            raise StorageError(_foreign_tables_message(where, tables))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(f"cannot connect to {where}: {reason}")


def _check_revision(revision: str | None, where: str) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StorageError(
            f"{where} was written by a newer or unknown version of vip (schema {revision!r}; "
            f"this vip knows up to {HEAD!r}); nothing was changed. Upgrade vip to open it."
        )


# --------------------------------------------------------------------------- PostgreSQL roles


def _current_role(con: sa.Connection) -> str:
    import sqlalchemy as sa

    return con.execute(sa.text("SELECT current_user")).scalar_one()


def _may_migrate(con: sa.Connection) -> bool:
    """Whether the connected role owns the vip schema (or is a superuser), so may change it."""
    import sqlalchemy as sa

    return bool(
        con.execute(
            sa.text(
                "SELECT rolsuper OR pg_has_role(current_user, t.tableowner, 'USAGE') "
                "FROM pg_roles r, pg_tables t "
                "WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = 'alembic_version'"
            )
        ).scalar()
    )


def _upgrade_command(where: str, revision: str | None, role: str) -> str:
    return (
        f"{where} has schema {revision or 'none'} and this vip needs {HEAD}; the role {role} that vip runs as "
        "does not own the schema, so it cannot change it. Upgrade it as the schema owner: "
        "vip --db URL db upgrade --owner-url postgresql+psycopg://OWNER@host/db "
        f"(or set {OWNER_URL_ENV}), then start vip again. Nothing was changed."
    )


def grant_runtime(owner: Engine, role: str) -> None:
    """Give ``role`` what vip needs to run, and no more: the audit log may be read and appended to only.

    Run as the schema owner. The other tables get SELECT, INSERT, UPDATE and
    DELETE, the sequences USAGE; ``alembic_version`` is read only; the audit
    log SELECT and INSERT, so the role cannot UPDATE, DELETE, TRUNCATE it or
    disable a trigger on it (that takes ownership). Safe to run again.
    """
    import sqlalchemy as sa

    with owner.begin() as con:
        if con.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
            raise StorageError(
                f"there is no role {role!r} on the server; create it first (CREATE ROLE {role} LOGIN PASSWORD '…') "
                "and run this again"
            )
        if not _may_migrate(con):
            raise StorageError(
                f"the role {_current_role(con)} does not own the vip schema; give the schema owner's URL"
            )
        if role == _current_role(con):
            raise StorageError(f"{role} owns the schema; grant a separate role for vip to run as")
        quote = con.dialect.identifier_preparer.quote
        q, schema = quote(role), quote(con.execute(sa.text("SELECT current_schema()")).scalar_one())
        for stmt in (
            f"GRANT USAGE ON SCHEMA {schema} TO {q}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {q}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {q}",
            f"REVOKE ALL ON audit_log FROM {q}",
            f"GRANT SELECT, INSERT ON audit_log TO {q}",
            f"REVOKE ALL ON alembic_version FROM {q}",
            f"GRANT SELECT ON alembic_version TO {q}",
        ):
            con.execute(sa.text(stmt))


def upgrade_as_owner(owner_url: str, runtime_url: str | None = None) -> tuple[str | None, str | None]:
    """Bring the schema at ``owner_url`` up to date as its owner; grant the role of ``runtime_url``.

    Returns ``(the revision before, the role granted)``. Refuses when the two
    URLs name different databases.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    owner_url = resolve_url(owner_url)
    where = display_url(owner_url)
    o = make_url(owner_url)
    if o.get_backend_name() != "postgresql":
        raise StorageError(f"{where}: a schema owner is a PostgreSQL matter; an SQLite file is upgraded on open")
    role = None
    if runtime_url is not None:
        r = make_url(resolve_url(runtime_url))
        if (r.get_backend_name(), r.host, r.port, r.database) != (o.get_backend_name(), o.host, o.port, o.database):
            raise StorageError(
                f"the owner URL ({where}) and --db ({display_url(str(r))}) name different databases; nothing was changed"
            )
        role = r.username
    try:
        engine = make_engine(owner_url)
    except (ArgumentError, ImportError, sa.exc.NoSuchModuleError) as exc:
        raise StorageError(f"cannot use {where}: {exc}")
    try:
        revision = _server_revision(engine, where)
        _check_revision(revision, where)
        if revision is not None:
            with engine.connect() as con:
                if not _may_migrate(con):
                    raise StorageError(f"{where}: the role {_current_role(con)} does not own the vip schema either")
        if revision != HEAD:
            _migrate(engine)
        if role and role != o.username:
            grant_runtime(engine, role)
        return revision, role if role != o.username else None
    finally:
        engine.dispose()


def _upgrade_server(engine: Engine, url: str, revision: str | None, where: str) -> None:
    """An out-of-date server schema: upgraded through the owner's URL when given, else by this role if it owns it.

    A role that does not own the schema (the two-role set-up, README) is told
    which command to run instead of failing half-way.
    """
    from sqlalchemy.exc import ProgrammingError

    owner_url = os.environ.get(OWNER_URL_ENV, "").strip()
    if owner_url:
        upgrade_as_owner(owner_url, url)
        return
    with engine.connect() as con:
        role = _current_role(con)
        if revision is not None and not _may_migrate(con):
            raise StorageError(_upgrade_command(where, revision, role))
    try:
        _migrate(engine)
    except ProgrammingError as exc:  # e.g. no CREATE on the schema: a new database set up for two roles
        if getattr(exc.orig, "sqlstate", None) != "42501":
            raise
        raise StorageError(_upgrade_command(where, revision, role)) from None


def _create_private_file(path: Path) -> None:
    # Folders are made only for vip's own data folder; a mistyped --db path must not grow a tree.
    if not path.parent.is_dir() and path.parent == locations.data_dir():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # os.open's mode is filtered by the umask


def _open_sqlite_file(path: Path, *, create: bool) -> str | None:
    """The revision of the SQLite file at ``path`` (None: empty or new), creating it only if ``create``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise StorageError(
                f"there is no database at {path}; check the --db path "
                "(`vip agenda import` or `vip demo` creates one; this command only reads)"
            )
        if not path.parent.is_dir() and path.parent != locations.data_dir():
            raise StorageError(
                f"cannot create the database {path}: the folder {path.parent} does not exist; "
                "check the --db path or create the folder first"
            )
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StorageError(f"cannot create the database {path}: {exc.strerror}")
        return None
    except OSError as exc:
        raise StorageError(f"cannot open the database {path}: {exc.strerror}")
    if stat.S_ISDIR(st.st_mode):
        raise StorageError(f"{path} is a folder; give a file path for the database")
    if not stat.S_ISREG(st.st_mode):
        raise StorageError(f"{path} is not a regular file (a device, FIFO or socket); give a database file path")
    if not os.access(path, os.R_OK):
        raise StorageError(f"{path} cannot be read (permission denied)")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StorageError(
            f"{path} is read-only to you: vip needs to write to the file and its folder "
            "(SQLite keeps its -wal and -shm files beside it); nothing was changed. "
            "Ask for write access, or open a copy."
        )
    return _sqlite_revision(path)


MIGRATION_LOCK_KEY = 0x76697002  # "vip" and 2 (imports hold 1: services/meetings.py)


def _migrate(engine: Engine, target: str = "head") -> None:
    # Alembic costs start-up time; it is imported only when a migration is due.
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as con:
        # One migration at a time: two vips opening the same new or old database
        # at once would both create the schema ("table alembic_version already
        # exists"). The second waits here, then Alembic finds the schema at head.
        if con.dialect.name == "sqlite":
            con.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            import sqlalchemy as sa

            con.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = con
        command.upgrade(cfg, target)


def open_database(
    db: str | None = None,
    *,
    user: str | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> Database:
    """Open (creating or upgrading as needed) the vip database at ``db`` (path or URL).

    Raises :class:`StorageError` with a message for a person when the target is
    not a vip database, is newer than this vip, or cannot be reached. With
    ``create=False`` (commands that only read) a missing SQLite file is
    refused rather than created.
    """
    url = resolve_url(db)
    where = display_url(url)
    file = sqlite_file(url)
    if file is None:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        sa_url = make_url(url)
        if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
            file = sa_url.database
    backup_path: Path | None = None
    engine: Engine | None = None  # an up-to-date SQLite file: built on first use
    if file is not None:
        path = Path(file)
        revision = _open_sqlite_file(path, create=create)
        _check_revision(revision, where)
        if revision is not None and revision != HEAD:
            backup_path = path.with_name(f"{path.name}.before-{HEAD}-{dt.datetime.now():%Y%m%d-%H%M%S}.bak")
            _sqlite_copy(path, backup_path)
        if revision != HEAD:
            engine = make_engine(url)
            _migrate(engine)
    else:
        try:
            engine = make_engine(url)
        except (ArgumentError, ImportError, sa.exc.NoSuchModuleError) as exc:
            raise StorageError(f"cannot use {where}: {exc}")
        revision = _server_revision(engine, where)
        _check_revision(revision, where)
        if revision != HEAD:
            _upgrade_server(engine, url, revision, where)
        if revision != HEAD and engine.dialect.name == "sqlite":
            _migrate(engine)
    return Database(
        url=url,
        lazy_engine=LazyEngine(url, engine),
        user=user or default_user(),
        clock=clock or _local_now,
        upgraded_from=revision if revision not in (None, HEAD) else None,
        backup_path=backup_path,
    )


# --------------------------------------------------------------------------- backup


def _sqlite_copy(src: Path, dest: Path, *, force: bool = False, protected: list[Path] | None = None) -> None:
    """A consistent copy through SQLite's online backup API (safe while others write), checked before it is placed.

    Written beside ``dest`` and placed by :mod:`vip_tui.outputs` (never over the
    database, nothing replaced without ``force``). A source whose pages are
    damaged is refused: a backup that is not one must not look like one.
    """
    from .outputs import OutputRefused, write_file

    protected = protected if protected is not None else database_files_of(src)
    try:

        def fill(temporary: Path) -> None:
            source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            target = sqlite3.connect(temporary)
            try:
                source.backup(target)
                problems = [r[0] for r in target.execute("PRAGMA integrity_check(5)")]
            finally:
                target.close()
                source.close()
            if problems != ["ok"]:
                raise StorageError(
                    f"{src} is damaged ({'; '.join(problems)}); no backup was written. "
                    "Keep the file as it is and restore the last good backup."
                )

        write_file(dest, fill, force=force, protected=protected)
    except OutputRefused as exc:
        raise StorageError(str(exc)) from None
    except sqlite3.OperationalError as exc:
        raise StorageError(_sqlite_reason(src, exc)) from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{src} is damaged ({exc}); no backup was written. Keep the file as it is and restore the last good backup."
        ) from None


def database_files_of(path: Path) -> list[Path]:
    from .outputs import database_files

    return database_files(path)


def _sqlite_reason(path: Path, exc: Exception) -> str:
    if is_busy(exc):
        return BUSY_MESSAGE
    return f"cannot copy {path}: {exc}"


def backup(database: Database, dest: Path, *, force: bool = False) -> int:
    """Write a consistent copy of ``database`` to the SQLite file ``dest``; returns the row count copied.

    From SQLite: the online backup API. From PostgreSQL: every table read in one
    REPEATABLE READ snapshot into a new vip SQLite file, so the copy is
    consistent while others keep writing and opens with ``vip --db``. The
    copy is written by the rules of :mod:`vip_tui.outputs` (never onto the
    database, an existing file only with ``force``, 0600).
    """
    from .models import SQLModel
    from .outputs import OutputRefused, write_file

    dest = dest.expanduser()
    protected = database.files()
    src = database.sqlite_path
    if src is not None:
        _sqlite_copy(src, dest, force=force, protected=protected)
        with sqlite3.connect(dest) as con:
            return sum(
                con.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0]
                for t in SQLModel.metadata.sorted_tables
            )
    copied = 0

    def fill(temporary: Path) -> None:
        nonlocal copied
        temporary.unlink()  # open_database creates it afresh, owner-only
        target = open_database(str(temporary), user=database.user, clock=database.clock)
        try:
            with database.engine.connect().execution_options(isolation_level="REPEATABLE READ") as src_con:
                with src_con.begin(), target.engine.begin() as dst_con:
                    for table in SQLModel.metadata.sorted_tables:
                        rows = [dict(r._mapping) for r in src_con.execute(table.select())]
                        if rows:
                            dst_con.execute(table.insert(), rows)
                            copied += len(rows)
        finally:
            target.dispose()
        with sqlite3.connect(temporary) as con:  # fold the WAL in: the copy is one file
            con.execute("PRAGMA journal_mode=DELETE")

    try:
        write_file(dest, fill, force=force, protected=protected)
    except OutputRefused as exc:
        raise StorageError(str(exc)) from None
    return copied
