"""Imports at the same time, as real processes (issue 12, item 2): one person per identity, numbered meetings.

Each `vip agenda import` takes the write lock first (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL an advisory transaction lock), so imports that match and create
the same persons run one after the other; without it, two imports each read
"no such person" and create one.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FixedClock

# Fictional: invented first names and surnames, combined.
FIRST = ["Avel", "Brisa", "Corin", "Dov", "Elspet", "Fenn", "Galo", "Hollis", "Isko", "Jory",
         "Kestra", "Lasse", "Mirren", "Nello", "Orla", "Pim", "Quill", "Roan", "Sabe", "Tamsin"]
LAST = ["Vantreel", "Oskamor", "Brellwick", "Duvane", "Halloran-Tess", "Karsk", "Ml'Ondo", "Pettifrey", "Ressa", "Zindle"]


def _people(n: int = 200) -> list[tuple[str, dt.date]]:
    return [
        (f"{FIRST[i % 20]} {LAST[i // 20]}", dt.date(1980, 1, 1) + dt.timedelta(days=37 * i))
        for i in range(n)
    ]


def _agenda(path: Path, meeting: dt.date, case_prefix: str, people: list[tuple[str, dt.date]]) -> Path:
    """One meeting's CSV: an incident per four persons, all matched by name and date of birth."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["meeting_date", "case_number", "occurred_at", "type", "location", "person_name",
                      "person_role", "person_dob"])
        for i, (name, dob) in enumerate(people):
            when = dt.datetime.combine(meeting - dt.timedelta(days=3), dt.time(20, (i // 4) % 60))
            out.writerow([meeting.isoformat(), f"{case_prefix}-{i // 4:04d}", when.isoformat(), "non_fatal",
                          f"{100 + i // 4} block Fictional Ave", name, "victim" if i % 4 == 0 else "associate",
                          dob.isoformat()])
    return path


def _run_at_once(url: str, files: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "vip_tui", "--db", url, "agenda", "import", str(file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
        )
        for file in files
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


@pytest.mark.parametrize("imports", [2, 3])
def test_imports_at_once_make_one_person_per_identity_and_number_every_meeting(
    db_url: str, clock: FixedClock, tmp_path: Path, imports: int
) -> None:
    from vip_tui.db import open_database

    open_database(db_url, user="tester", clock=clock).dispose()  # migrated once, before the race
    people = _people(200)
    files = [
        _agenda(tmp_path / f"week{n}.csv", dt.date(2026, 11, 10) + dt.timedelta(weeks=n), f"26-{n}", people)
        for n in range(imports)
    ]
    for result in _run_at_once(db_url, files):
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "UNIQUE" not in result.stderr and "duplicate key" not in result.stderr
        assert "importing incidents" not in result.stderr  # no progress line when stderr is not a terminal

    database = open_database(db_url, user="tester", clock=clock)
    try:
        with database.engine.connect() as con:
            persons = con.execute(sa.text("SELECT count(*) FROM person")).scalar()
            identities = con.execute(sa.text("SELECT count(*) FROM (SELECT DISTINCT name_key, dob FROM person) x")).scalar()
            numbers = sorted(n for (n,) in con.execute(sa.text("SELECT number FROM meeting")))
            involvements = con.execute(sa.text("SELECT count(*) FROM involvement")).scalar()
    finally:
        database.dispose()
    assert (persons, identities) == (200, 200)
    assert numbers == list(range(1, imports + 1))
    assert involvements == 200 * imports


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as con:
            return {
                table: con.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
                for table in ("meeting", "incident", "person", "involvement", "agenda_item", "audit_log")
            }
    finally:
        engine.dispose()


def test_a_long_import_shows_progress_on_a_terminal_and_ctrl_c_changes_nothing(
    db_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    import pty
    import select
    import signal
    import time

    from bench.backfill import write_backfill
    from vip_tui.db import open_database

    open_database(db_url, user="tester", clock=clock).dispose()
    small = _agenda(tmp_path / "week1.csv", dt.date(2026, 11, 10), "26-1", _people(8))
    assert _run_at_once(db_url, [small])[0].returncode == 0
    before = _counts(db_url)
    big = tmp_path / "backfill.csv"
    write_backfill(big, rows=12_000)

    master, slave = pty.openpty()  # stderr on a terminal, as when a person runs it
    proc = subprocess.Popen(
        [sys.executable, "-m", "vip_tui", "--db", db_url, "agenda", "import", str(big)],
        stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=os.environ.copy(),
        # ctrl+c as in a terminal: a suite started in the background (CI, `cmd &`) passes SIGINT on ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 180
    try:
        while b" of " not in seen.rpartition(b"importing incidents")[2] and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                seen += os.read(master, 4096)
        assert re.search(rb"vip: importing incidents: [\d,]+ of [\d,]+ \(\d+%\)", seen), seen
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = seen.decode(errors="replace")
    assert proc.returncode in (1, 130)
    assert "interrupted (ctrl+c); nothing was imported" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert _counts(db_url) == before


def test_an_import_that_cannot_get_the_lock_says_the_database_is_busy_and_changes_nothing(
    database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    from vip_tui.agenda.importer import import_files
    from vip_tui.db import DatabaseBusy
    from vip_tui.services import meetings

    monkeypatch.setattr(meetings, "WRITE_LOCK_WAIT_SECONDS", 0.5)
    path = _agenda(tmp_path / "week1.csv", dt.date(2026, 11, 10), "26-1", _people(4))
    with database.session() as holder:  # another import holding the lock
        holder.begin()
        meetings.take_write_lock(holder)
        with pytest.raises(DatabaseBusy) as refused:
            import_files(database, [path])
        holder.rollback()
    assert str(refused.value) == (
        "the database is busy (another vip or an import is writing to it); try again in a moment. "
        "Nothing was changed. (Waited 0.5 s for another import or edit to finish.)"
    )
    assert import_files(database, [path]).created["meeting"] == 1  # once free, it goes through


def test_the_builder_creating_meetings_in_two_processes_at_once_numbers_both(
    db_url: str, clock: FixedClock
) -> None:
    from vip_tui.db import open_database

    open_database(db_url, user="tester", clock=clock).dispose()
    code = (
        "import sys; from vip_tui.db import open_database; from vip_tui.services.agenda_builder import create_meeting; "
        "db = open_database(sys.argv[1], user='tester'); "
        "[create_meeting(db, {'date': f'2026-{sys.argv[2]}-{day:02d}'}) for day in range(1, 21)]"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db_url, month], stderr=subprocess.PIPE, text=True)
        for month in ("10", "11")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    with engine.connect() as con:
        numbers = sorted(n for (n,) in con.execute(sa.text("SELECT number FROM meeting")))
    engine.dispose()
    assert numbers == list(range(1, 41))


def test_imports_into_a_new_database_at_once_create_its_schema_once(db_url: str, clock: FixedClock, tmp_path: Path) -> None:
    """Three vips opening the same new database at once: one creates the schema, the others find it made."""
    from vip_tui.db import open_database

    files = [
        _agenda(tmp_path / f"week{n}.csv", dt.date(2026, 11, 10) + dt.timedelta(weeks=n), f"26-{n}", _people(8))
        for n in range(3)
    ]
    for result in _run_at_once(db_url, files):  # nothing opened the database before: all three migrate it
        assert result.returncode == 0, result.stderr
        assert "already exists" not in result.stderr
    database = open_database(db_url, user="tester", clock=clock)
    try:
        with database.engine.connect() as con:
            numbers = sorted(n for (n,) in con.execute(sa.text("SELECT number FROM meeting")))
            persons = con.execute(sa.text("SELECT count(*) FROM person")).scalar()
    finally:
        database.dispose()
    assert (numbers, persons) == ([1, 2, 3], 8)
