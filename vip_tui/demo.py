"""The demo database: the sample agendas loaded into a fresh file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import locations
from .agenda.importer import import_files
from sqlmodel import select

from .db import Database, StorageError, display_url, open_database
from .models import Meeting, Participant


def agenda_files(folder: Path) -> list[Path]:
    """The agenda files in ``folder``, in name order (week by week)."""
    if not folder.is_dir():
        raise StorageError(f"{folder} is not a folder of agendas; give one with --agendas")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".toml", ".csv"))
    if not files:
        raise StorageError(f"{folder} holds no .toml or .csv agenda files")
    return files


REBUILD_HINT = "`vip demo --rebuild` (or `make demo REBUILD=1`) starts it afresh"


def build_demo(
    folder: Path, db: str | None, *, user: str | None = None, history: bool = True, rebuild: bool = False,
    today: dt.date | None = None,
) -> tuple[Database, list[str]]:
    """Load every agenda in ``folder`` into a fresh demo database and return it opened.

    Without ``db`` the demo lives in the user data folder. An existing demo
    that holds meetings is kept and opened as it is (what was entered in it
    stays, issue 13) unless ``rebuild``, which deletes it and loads the
    samples again. A ``db`` given by the user must be new: the demo never
    overwrites data, not even with ``rebuild``. With ``history``, weeks 1 and
    2 are then held and closed (demo_history), so the demo opens on a program
    with old business to follow up, and VIP All In has its caseload
    (demo_caseload), moved on to ``today`` (default: the clock's).
    """
    files = agenda_files(folder)
    if db is None:
        path = locations.demo_db_path()
        if not rebuild and path.is_file():
            kept = _existing_demo(path, user)
            if kept is not None:
                lines = [f"demo database: {path} (kept as it was; {REBUILD_HINT})"]
                if not _has_caseload(kept):
                    lines.append(f"this demo was made before VIP All In and has no caseload; {REBUILD_HINT}")
                return kept, lines
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = str(path)
    database = open_database(db, user=user or "demo")
    with database.session() as s:
        if s.exec(select(Meeting.id).limit(1)).first() is not None:
            database.dispose()
            raise StorageError(
                f"{display_url(database.url)} already holds meetings; the demo needs a new, empty database"
            )
    report = import_files(database, files)
    lines = [f"demo database: {database.sqlite_path or database.url}"] + report.lines()
    if history:
        from .demo_history import seed_history

        lines += seed_history(database)
        from .demo_caseload import seed_caseload

        lines += seed_caseload(database, today=today)
    return database, lines


def _has_caseload(database: Database) -> bool:
    with database.session() as s:
        return s.exec(select(Participant.id).limit(1)).first() is not None


def _existing_demo(path: Path, user: str | None) -> Database | None:
    """The demo database at ``path`` opened, if it holds meetings; None if it is empty (then it is rebuilt)."""
    database = open_database(str(path), user=user or "demo")
    with database.session() as s:
        if s.exec(select(Meeting.id).limit(1)).first() is not None:
            return database
    database.dispose()
    return None
