"""The command line under hostile text, a busy database and the mistakes of issue 12 point 10.

Every case runs the real ``vip`` group (``--db`` a file) and asserts what a
person would see: exit 1 with a message naming what to do, no traceback,
nothing changed, and never an escape sequence reaching the terminal.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from tests.conftest import AGENDAS
from tests.export_helpers import build_sample
from vip_tui import db as dbmod
from vip_tui.cli import main
from vip_tui.db import open_database
from vip_tui.models import Agency, Incident, Meeting, Person

# Clears the screen, sets the terminal's title, rings the bell, reverses the text after it.
HOSTILE = "\u001b[2J\u001b]0;pwned\u0007Eve\u202eevil"
UNSAFE = ("\x1b", "\x07", "\u202e")
WEEK1 = str(AGENDAS / "week1-2026-11-10.toml")


def vip(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure of the test, shown as one
    return result.exit_code, result.stdout, result.stderr


def _safe(text: str) -> None:
    for ch in UNSAFE:
        assert ch not in text, f"{ch!r} reached the terminal"


@pytest.fixture
def db_file(tmp_path: Path, clock) -> Path:  # noqa: ANN001
    path = tmp_path / "vip.db"
    database = open_database(str(path), user="tester", clock=clock)
    build_sample(database)
    database.dispose()
    return path


# --------------------------------------------------------------------------- stored text never acts on the terminal


@pytest.fixture
def hostile_db(db_file: Path, clock) -> Path:  # noqa: ANN001
    database = open_database(str(db_file), user="tester", clock=clock)
    with database.transaction() as s:
        for meeting in s.exec(select(Meeting)).all():
            meeting.title = f"Review {HOSTILE}"
        for person in s.exec(select(Person)).all():
            person.name = f"{person.name} {HOSTILE}"
        for incident in s.exec(select(Incident)).all():
            incident.area_command = f"Area {HOSTILE}"
        s.exec(select(Agency).where(Agency.short_name == "RMPD")).one().short_name = "RM\u001b[2JPD"
    database.dispose()
    return db_file


def test_no_listing_prints_an_escape_sequence(hostile_db: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    db = ["--db", str(hostile_db)]
    code, out, err = vip(*db, "meetings")
    assert code == 0, err
    _safe(out + err)
    assert "Review ␛[2J␛]0;pwned␇Eve\ufffdevil" in out  # visible and inert
    code, out, err = vip(*db, "notifications")
    assert code == 0, err
    _safe(out + err)
    assert "␛[2J" in out
    code, out, err = vip(*db, "figures", "--weeks", "260")
    assert code == 0, err
    _safe(out + err)
    assert "Area ␛[2J" in out
    code, out, err = vip(*db, "minutes", "export", "2026-11-24", "--receiver", HOSTILE, "--to", "rm\u001b[2jpd")
    assert code == 0, err
    _safe(out + err)
    code, out, err = vip(*db, "disseminations")
    assert code == 0, err
    _safe(out + err)
    assert "RM␛[2JPD — ␛[2J␛]0;pwned␇Eve" in out
    code, out, err = vip(*db, "minutes", "export", "2026-11-24", "--to", HOSTILE)
    assert code == 1
    _safe(out + err)
    assert 'no agency with the short name "␛[2J' in err


def test_agenda_check_and_import_messages_are_inert(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        Path(WEEK1).read_text(encoding="utf-8").replace('kind = "prosecution"', 'kind = "\\u001b[2Jprosecution"', 1),
        encoding="utf-8",
    )
    for command in ("check", "import"):
        code, out, err = vip("--db", str(tmp_path / "v.db"), "agenda", command, str(bad))
        assert code == 1
        _safe(out + err)
        assert 'agencies[7].kind: "\\u001b[2jprosecution" is not one of' in err  # the agenda reader escapes it
    weird = tmp_path / "we\u001b[2Jird.toml"
    code, out, err = vip("agenda", "check", str(weird))
    assert code == 1
    _safe(out + err)
    assert "we␛[2Jird.toml: file not found" in err


# --------------------------------------------------------------------------- busy is not a crash


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 300)
    from vip_tui.services import meetings

    monkeypatch.setattr(meetings, "WRITE_LOCK_WAIT_SECONDS", 0.3)  # an import waits for the lock longer


BUSY = "vip: the database is busy (another vip or an import is writing to it); try again in a moment."


@pytest.fixture
def busy_database(database, db_url: str) -> Iterator[str]:  # noqa: ANN001
    """``db_url`` holding the sample, with another connection holding the write lock until the test ends."""
    build_sample(database)
    database.dispose()
    if database.is_sqlite:
        holder = sqlite3.connect(db_url, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        yield db_url
        holder.rollback()
        holder.close()
        return
    import psycopg

    dsn = db_url.replace("postgresql+psycopg://", "postgresql://")
    from vip_tui.models import SQLModel

    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with psycopg.connect(dsn) as holder:
        holder.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")  # others may read, nobody may write
        yield db_url
        holder.rollback()


def test_a_busy_database_is_a_message_not_a_traceback(
    busy_database: str, short_busy_timeout: None, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    code, out, err = vip("--db", busy_database, "minutes", "export", "2026-11-24", "-o", str(tmp_path / "m.docx"))
    assert (code, out) == (1, "")
    assert err.startswith(BUSY)
    assert not (tmp_path / "m.docx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".tmp")] == []
    code, out, err = vip("--db", busy_database, "agenda", "import", WEEK1)
    assert code == 1
    assert err.startswith(BUSY), err


# --------------------------------------------------------------------------- issue 12 point 10


def test_db_dev_null_is_refused(tmp_path: Path) -> None:
    for command in ("meetings", "notifications"):
        code, _, err = vip("--db", "/dev/null", command)
        assert code == 1
        assert err.strip() == "vip: /dev/null is not a regular file (a device, FIFO or socket); give a database file path"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_mistyped_db_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    for args in (("meetings",), ("notifications",), ("figures",), ("disseminations",), ("backup", str(tmp_path / "b.db"))):
        code, _, err = vip("--db", str(missing), *args)
        assert code == 1
        assert f"there is no database at {missing}; check the --db path" in err
    code, _, err = vip("--db", str(missing), "agenda", "import", WEEK1)  # a command that writes: still no folders
    assert code == 1
    assert f"the folder {missing.parent} does not exist; check the --db path or create the folder first" in err
    assert list(tmp_path.iterdir()) == []


def _corrupt(path: Path, pages: slice) -> None:
    """Damage some pages of ``path`` as a failing disk would; the header stays valid."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = con.execute("PRAGMA page_size").fetchone()[0]
    count = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        for n in list(range(count))[pages]:
            fh.seek(n * size + 8)
            fh.write(b"\xff" * 40)


def test_a_damaged_database_is_refused(db_file: Path, tmp_path: Path) -> None:
    _corrupt(db_file, slice(1, None))
    before = db_file.read_bytes()
    for args in (("meetings",), ("backup", str(tmp_path / "copy.db"))):
        code, out, err = vip("--db", str(db_file), *args)
        assert code == 1
        assert "is damaged (database disk image is malformed); nothing was changed" in err
        assert "restore the last good backup" in err
    assert not (tmp_path / "copy.db").exists()
    assert db_file.read_bytes() == before


def test_a_backup_of_a_damaged_database_is_refused(db_file: Path, tmp_path: Path) -> None:
    _corrupt(db_file, slice(-2, None))  # the data, not the schema: the database still opens
    before = db_file.read_bytes()
    code, out, err = vip("--db", str(db_file), "backup", str(tmp_path / "copy.db"))
    assert code == 1, out
    assert "is damaged" in err and "no backup was written" in err
    assert not (tmp_path / "copy.db").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    assert db_file.read_bytes() == before


# Permission cases need a user the kernel says no to: root may read and write anything.
NOBODY = 65534


def _as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIP_")}
    env["HOME"] = str(cwd)
    env["XDG_DATA_HOME"] = str(cwd / "data")
    setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run(
        [*setpriv, sys.executable, "-m", "vip_tui", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def shared_dir(db_file: Path) -> Iterator[Path]:
    """A folder nobody may read but not write, holding a copy of the sample database readable by all."""
    if os.geteuid() != 0 and os.getuid() == NOBODY:
        pytest.skip("needs to run as another user than nobody")
    folder = Path(tempfile.mkdtemp(prefix="vip-h3-"))
    try:
        folder.chmod(0o755)
        copy = folder / "vip.db"
        copy.write_bytes(db_file.read_bytes())
        copy.chmod(0o644)
        yield folder
    finally:
        shutil.rmtree(folder)


def test_permission_problems_are_messages(shared_dir: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("switching to the user nobody needs root and setpriv")
    setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run([*setpriv, sys.executable, "-c", "import vip_tui, sqlalchemy"], capture_output=True,
                           cwd=shared_dir, timeout=120)  # fmt: skip
    if probe.returncode != 0:  # e.g. a checkout under a mode-0700 folder (mktemp -d)
        pytest.skip("the user nobody cannot read this checkout and its .venv, so vip cannot run as nobody here")
    db = str(shared_dir / "vip.db")
    result = _as_nobody("--db", db, "meetings", cwd=shared_dir)
    assert result.returncode == 1, result.stderr
    assert "is read-only to you" in result.stderr and "Traceback" not in result.stderr
    # vip backup into a folder one may not write, from a database one may
    own = shared_dir / "own"
    own.mkdir()
    (own / "mine.db").write_bytes((shared_dir / "vip.db").read_bytes())
    for p in (own, own / "mine.db"):
        os.chown(p, NOBODY, NOBODY)
    result = _as_nobody("--db", str(own / "mine.db"), "backup", str(shared_dir / "copy.db"), cwd=own)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"vip: cannot write in {shared_dir}: Permission denied; choose a folder you may write to"
    )
    # an agenda file nobody may read
    secret = shared_dir / "secret.toml"
    secret.write_text(Path(WEEK1).read_text(encoding="utf-8"))
    secret.chmod(0o600)
    result = _as_nobody("agenda", "check", str(secret), cwd=shared_dir)
    assert result.returncode == 1
    assert result.stderr.strip() == f"vip: {secret}: cannot be read (permission denied); ask for read access or copy it"
    assert sorted(p.name for p in shared_dir.iterdir()) == ["own", "secret.toml", "vip.db"]


def test_an_agenda_folder_or_fifo_gets_its_own_message(tmp_path: Path) -> None:
    folder = tmp_path / "week5"
    folder.mkdir()
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code, _, err = vip("agenda", "check", str(folder))
    assert code == 1
    assert err.strip() == f"vip: {folder}: is a folder; give the agenda files inside it (e.g. {folder}/*.toml)"
    code, _, err = vip("--db", str(tmp_path / "v.db"), "agenda", "import", str(fifo))
    assert code == 1
    assert err.strip() == f"vip: {fifo}: is not a regular file (a FIFO, device or socket); give an agenda file"
    code, _, err = vip("agenda", "check", str(folder), str(fifo), WEEK1)
    assert code == 1
    assert err.splitlines()[-1] == "vip: 2 files cannot be used; nothing was changed"
    assert not (tmp_path / "v.db").exists()


def test_figures_csv_neutralises_formulas_and_is_private(db_file: Path, tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = open_database(str(db_file), user="tester", clock=clock)
    areas = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    with database.transaction() as s:
        for incident, area in zip(s.exec(select(Incident).order_by(Incident.id)).all(), areas):
            incident.area_command = area
    database.dispose()
    target = tmp_path / "figures.csv"
    target.touch(mode=0o644)
    target.chmod(0o644)
    code, _, err = vip("--db", str(db_file), "figures", "--weeks", "260", "--csv", str(target))
    assert code == 1 and "already exists" in err and "--force" in err
    code, _, err = vip("--db", str(db_file), "figures", "--weeks", "260", "--csv", str(target), "--force")
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    import csv

    with open(target, newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row[:3]]
    groups = {c for c in cells if c.lstrip("'") in areas or c in areas}
    assert groups, "the areas are in the CSV"
    assert all(c.startswith("'") for c in groups), groups
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)

