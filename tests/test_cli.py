"""The command line (SPEC §5): exit codes 0/1/2, messages that say what to fix, no tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import AGENDAS
from vip_tui.cli import main
from vip_tui.locations import default_db_path

SAMPLES = [str(p) for p in sorted(AGENDAS.glob("week*"))]


def vip(*args: str, db: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    argv = (["--db", db] if db else []) + list(args)
    result = runner.invoke(main, argv, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_accepts_the_samples() -> None:
    code, out, err = vip("agenda", "check", *SAMPLES)
    assert code == 0, err
    assert out.strip() == "ok: 4 files, 4 meetings, 24 incidents"


def test_check_reports_every_problem_with_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "week9.toml"
    bad.write_text(
        "[meeting]\ndate = 2026-12-08\n\n[[incidents]]\ncase_number = \"26-1\"\n"
        "occurred_at = 2026-12-03\ntype = \"drive_by\"\nlocation = \"x\"\n"
    )
    code, out, err = vip("agenda", "check", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert any(l.startswith("week9.toml:6: incidents[1].occurred_at:") for l in lines), err
    assert any(l.startswith("week9.toml:7: incidents[1].type:") and "drive_by" in l for l in lines), err
    assert lines[-1].startswith("vip: ")
    assert "Traceback" not in err


def test_import_then_reimport_then_list(tmp_path: Path) -> None:
    db = str(tmp_path / "vip.db")
    code, out, err = vip("agenda", "import", *SAMPLES, db=db)
    assert code == 0, err
    assert "week1-2026-11-10.toml: meeting 2026-11-10 created" in out
    assert "24 incidents" in out
    code, out, _ = vip("agenda", "import", *SAMPLES, db=db)
    assert code == 0
    assert "no changes" in out
    code, out, _ = vip("meetings", db=db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["date", "no.", "status"]
    assert lines[2].startswith("2026-12-01")
    assert len(lines) == 6


def test_a_failed_import_changes_nothing_and_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "vip.db")
    bad = tmp_path / "bad.csv"
    bad.write_text("meeting_date,case_number\n2026-12-08,26-1\n")
    code, out, err = vip("agenda", "import", *SAMPLES, str(bad), db=db)
    assert code == 1
    assert "bad.csv:1" in err and "occurred_at" in err
    assert "nothing was changed" in err
    code, out, _ = vip("meetings", db=db)
    assert "no meetings yet" in out


def test_missing_files_are_refused_with_exit_1(tmp_path: Path) -> None:
    code, _, err = vip("agenda", "check", str(tmp_path / "nope.toml"))
    assert code == 1
    assert "nope.toml" in err and "not found" in err


def test_usage_errors_exit_2() -> None:
    assert vip("agenda", "import")[0] == 2
    assert vip("no-such-command")[0] == 2


def test_backup_writes_a_copy_and_refuses_to_overwrite(tmp_path: Path) -> None:
    db = str(tmp_path / "vip.db")
    vip("agenda", "import", *SAMPLES, db=db)
    code, out, err = vip("backup", str(tmp_path / "copy.db"), db=db)
    assert code == 0, err
    assert sqlite3.connect(tmp_path / "copy.db").execute("SELECT COUNT(*) FROM incident").fetchone() == (24,)
    code, _, err = vip("backup", str(tmp_path / "copy.db"), db=db)
    assert code == 1 and "already exists" in err


def test_demo_loads_the_samples_without_touching_existing_data(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    code, out, err = vip("demo", "--no-open", db=db)
    assert code == 0, err
    assert "24 incidents" in out
    code, _, err = vip("demo", "--no-open", db=db)
    assert code == 1 and "already holds meetings" in err


def test_demo_keeps_what_was_entered_unless_asked_to_rebuild(tmp_path: Path) -> None:
    """Issue 13: running the demo again does not wipe it; --rebuild does, and says so first time round."""
    code, out, err = vip("demo", "--no-open")
    assert code == 0, err
    assert out.splitlines()[0].endswith("vip-tui/demo.db")
    assert "4 meetings" in out
    demo_db = out.splitlines()[0].removeprefix("demo database: ")
    with sqlite3.connect(demo_db) as con:  # something entered during a try-out
        con.execute("UPDATE meeting SET title = 'Tried out on Monday' WHERE number = 3")

    def title() -> str:
        with sqlite3.connect(demo_db) as con:
            return con.execute("SELECT title FROM meeting WHERE number = 3").fetchone()[0]

    code, out, err = vip("demo", "--no-open")
    assert code == 0, err
    assert out.splitlines() == [f"demo database: {demo_db} (kept as it was; "
                                "`vip demo --rebuild` (or `make demo REBUILD=1`) starts it afresh)"]
    assert title() == "Tried out on Monday"

    code, out, err = vip("demo", "--no-open", "--rebuild")
    assert code == 0, err
    assert "4 meetings" in out and title() != "Tried out on Monday"

    # A database the user names is never wiped, not even with --rebuild.
    mine = str(tmp_path / "mine.db")
    assert vip("demo", "--no-open", db=mine)[0] == 0
    code, _, err = vip("demo", "--no-open", "--rebuild", db=mine)
    assert code == 1 and "already holds meetings" in err


def test_a_foreign_database_is_refused_by_the_real_command_without_traceback(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    env = {**os.environ, "VIP_DB": str(notes)}
    proc = subprocess.run(
        [sys.executable, "-m", "vip_tui", "meetings"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert "not a vip database" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert notes.read_text() == "shopping list\n"


def test_an_unreachable_server_is_a_message_not_a_traceback() -> None:
    code, _, err = vip("meetings", db="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == 1
    assert err.startswith("vip: cannot connect to postgresql+psycopg://nobody@127.0.0.1:1/none")


@pytest.mark.parametrize("db", ["", "relative.db"])
def test_db_option_accepts_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = vip("meetings", db=db or None)
    assert code == 1  # a command that only reads never creates the database
    assert "there is no database at" in err and "vip agenda import" in err
    assert list(tmp_path.iterdir()) == []
    assert not default_db_path().parent.exists()
    code, out, err = vip("agenda", "import", SAMPLES[0], db=db or None)
    assert code == 0, err
    code, out, err = vip("meetings", db=db or None)
    assert code == 0, err
    assert "2026-11-10" in out


# --------------------------------------------------------------------------- the group and its commands


def test_importing_the_cli_loads_no_orm_no_models_and_no_command() -> None:
    """``vip`` opens the TUI without paying for the commands' imports (issue 14: 0.87 s when it did)."""
    code = (
        "import sys, vip_tui.cli; "
        "print(sorted(m for m in sys.modules if m in ('sqlalchemy.orm', 'vip_tui.models', 'textual') "
        "or m.startswith('vip_tui.services') or (m.startswith('vip_tui.commands.') and m != 'vip_tui.commands.common')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_lists_every_command_and_each_one_loads() -> None:
    from vip_tui.cli import COMMANDS

    code, out, err = vip("--help")
    assert code == 0, err
    listed = [line.split()[0] for line in out.split("Commands:\n", 1)[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS) and len(listed) == 14  # config: issue 14; caseload, participants: issue 15
    for name in COMMANDS:
        code, out, err = vip(name, "--help")
        assert code == 0 and f" {name} [OPTIONS]" in out.splitlines()[0], err


def test_no_command_module_imports_the_cli() -> None:
    """No circle: the commands share vip_tui.commands.common, never the group's module."""
    folder = Path(__file__).resolve().parent.parent / "vip_tui" / "commands"
    for module in folder.glob("*.py"):
        text = module.read_text()
        assert "from ..cli" not in text and "vip_tui.cli import" not in text, module.name
