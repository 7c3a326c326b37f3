"""``vip caseload``, ``vip participants`` (services desk only) and VIP All In in ``vip figures`` (issue 15 items 6, 7).

Exit codes as everywhere: 0 done, 1 refused (message on stderr, nothing written), 2 usage. All names fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.test_all_in_figures import build_all_in
from vip_tui.cli import Context, main
from vip_tui.commands.all_in import caseload, participants
from vip_tui.commands.figures import CSV_HEADER, figures
from vip_tui.db import Database, open_database
from vip_tui.services import all_in

DESK_REFUSAL = "holds VIP All In service records, for program staff only; run it at the services desk"


class _TestContext(Context):
    """The CLI context with the test's database (fixed clock and user) at a desk."""

    def __init__(self, database: Database, desk: str) -> None:
        super().__init__(database.url, "tester", desk=desk)
        self.database = database

    def open(self, *, create: bool = False) -> Database:
        return self.database


def vip(database: Database, *args: str, desk: str = "services") -> tuple[int, str, str]:
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _TestContext(database, desk)

    for command in (caseload, participants, figures):
        root.add_command(command)
    result = CliRunner().invoke(root, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def program(database: Database) -> Database:
    build_all_in(database)
    return database


def _table(out: str) -> list[list[str]]:
    """The table's rows as cells (split on two spaces or more), header first, without the rule and the summary."""
    lines = out.splitlines()
    assert set(lines[1]) <= {"-", " "}
    return [re.split(r"\s{2,}", line.strip()) for line in [lines[0], *lines[2:-1]]]


# --------------------------------------------------------------------------- the desk


@pytest.mark.parametrize("command", ["caseload", "participants"])
def test_service_records_are_refused_away_from_the_services_desk(program: Database, command: str) -> None:
    code, out, err = vip(program, command, desk="full")
    assert code == 1
    assert out == ""
    assert DESK_REFUSAL in err and "vip --desk services" in err
    assert "Quenneville" not in out + err


def test_the_desk_comes_from_the_option_or_the_environment(tmp_path: Path, clock, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "vip.db"
    database = open_database(str(path), user="tester", clock=clock)
    build_all_in(database)
    database.dispose()
    runner = CliRunner()
    refused = runner.invoke(main, ["--db", str(path), "caseload"])
    assert refused.exit_code == 1 and DESK_REFUSAL in refused.stderr and refused.stdout == ""
    shown = runner.invoke(main, ["--db", str(path), "--desk", "services", "participants"])
    assert shown.exit_code == 0, shown.stderr
    assert "Ada Quenneville" in shown.stdout
    monkeypatch.setenv("VIP_DESK", "services")
    assert runner.invoke(main, ["--db", str(path), "participants", "--status", "exited"]).exit_code == 0
    assert runner.invoke(main, ["--db", str(path), "--desk", "bogus", "caseload"]).exit_code == 2


# --------------------------------------------------------------------------- vip caseload


def test_the_caseload_lists_open_episodes_by_coach_the_next_due_first(program: Database) -> None:
    code, out, err = vip(program, "caseload")
    assert code == 0, err
    rows = _table(out)
    assert rows[0] == ["person", "episode", "coach", "stage", "stage since", "enrolled", "cadence a week",
                       "last contact", "next due", "days overdue", "urgent needs", "goals due"]
    assert rows[1:] == [
        # Cy: twice a week (4 days allowed), last contact 2026-11-18: due 11-22, 2 days over on 11-24.
        ["Cy Ollerenshaw", "1", "Marisol Tennant", "engaging", "2026-10-01", "2026-10-01", "2", "2026-11-18",
         "2026-11-22", "2", "safety", "-"],
        ["Ada Quenneville", "1", "Marisol Tennant", "active", "2025-03-01", "2025-01-10", "1", "2026-11-20",
         "2026-11-27", "-", "-", "1"],
        ["Ed Pengelly", "2", "Tobias Brandvold", "engaging", "2026-10-15", "2026-10-15", "1", "-",
         "2026-10-22", "33", "-", "-"],
    ]
    assert out.splitlines()[-1] == "3 participants, 2 overdue (as of 2026-11-24)"


def test_the_caseload_of_one_coach_and_the_overdue_alone(program: Database) -> None:
    code, out, _ = vip(program, "caseload", "--coach", "  marisol TENNANT ")
    assert code == 0
    assert [r[0] for r in _table(out)[1:]] == ["Cy Ollerenshaw", "Ada Quenneville"]
    code, out, _ = vip(program, "caseload", "--overdue")
    assert code == 0
    assert [r[0] for r in _table(out)[1:]] == ["Cy Ollerenshaw", "Ed Pengelly"]
    assert out.splitlines()[-1] == "2 participants, 2 overdue (as of 2026-11-24)"


def test_an_unknown_coach_is_refused_with_the_coaches_there_are(program: Database) -> None:
    code, out, err = vip(program, "caseload", "--coach", "Nobody Known")
    assert code == 1
    assert out == ""
    assert err.strip() == "vip: no participants with coach 'Nobody Known'; the coaches: Marisol Tennant, Tobias Brandvold"


def test_a_coach_whose_participants_all_exited_has_an_empty_caseload(program: Database) -> None:
    ed = all_in.caseload(program, coach="Tobias Brandvold")[0]
    all_in.exit_participant(program, ed.participant_id, "moved_away", version=ed.version)
    code, out, err = vip(program, "caseload", "--coach", "tobias brandvold", "--overdue")
    assert code == 0, err
    assert out == "no participants overdue of coach Tobias Brandvold (as of 2026-11-24)\n"


def test_an_empty_program_has_no_participants(database: Database) -> None:
    assert vip(database, "caseload")[:2] == (0, "no participants (as of 2026-11-24)\n")
    assert vip(database, "participants", "--status", "active")[:2] == (0, "no active participants (as of 2026-11-24)\n")


# --------------------------------------------------------------------------- vip participants


def test_participants_lists_every_episode_or_those_of_a_status(program: Database) -> None:
    code, out, err = vip(program, "participants")
    assert code == 0, err
    rows = _table(out)
    assert rows[0] == ["person", "episode", "coach", "enrolled", "stage", "exited", "exit reason", "contacts",
                       "last contact"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("Ada Quenneville", "1"), ("Bo Trevithick", "1"), ("Cy Ollerenshaw", "1"), ("Di Abernethy", "1"),
        ("Ed Pengelly", "2"), ("Ed Pengelly", "1"),
    ]
    assert rows[4] == ["Di Abernethy", "1", "Marisol Tennant", "2026-09-20", "exited", "2026-11-10", "lost contact",
                       "1", "2026-10-01"]
    assert rows[1][7] == "3"  # Ada: three contacts made; her attempt without contact is not one
    assert out.splitlines()[-1] == "6 episodes: 3 active, 3 exited (as of 2026-11-24)"
    code, out, _ = vip(program, "participants", "--status", "EXITED")
    assert code == 0
    assert [(r[0], r[6]) for r in _table(out)[1:]] == [
        ("Bo Trevithick", "completed"), ("Di Abernethy", "lost contact"), ("Ed Pengelly", "declined")]
    code, out, _ = vip(program, "participants", "--status", "active")
    assert [r[0] for r in _table(out)[1:]] == ["Ada Quenneville", "Cy Ollerenshaw", "Ed Pengelly"]


@pytest.mark.parametrize("args", [("participants", "--status", "bogus"), ("participants", "--status"),
                                  ("caseload", "--coach"), ("caseload", "--overdue", "yes")])
def test_usage_errors_are_exit_2(program: Database, args: tuple[str, ...]) -> None:
    code, out, err = vip(program, *args)
    assert code == 2
    assert out == "" and "Traceback" not in err


# --------------------------------------------------------------------------- --csv


def test_the_csv_is_owner_only_with_iso_dates_and_neutralised_formulas(program: Database, tmp_path: Path) -> None:
    all_in.enroll_walk_in(program, "=HYPERLINK(\"http://example.invalid\")", coach="+Coach Example",
                          on=dt.date(2026, 11, 20))
    target = tmp_path / "caseload.csv"
    code, out, err = vip(program, "caseload", "--csv", str(target))
    assert code == 0, err
    assert f"wrote {target} (4 rows)" in out
    assert "Cy Ollerenshaw" in out  # the table too
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["person", "episode", "coach"]
    walk_in = next(r for r in rows if "HYPERLINK" in r[0])
    assert walk_in[0].startswith("'=") and walk_in[2] == "'+Coach Example"
    cy = next(r for r in rows if r[0] == "Cy Ollerenshaw")
    assert cy == ["Cy Ollerenshaw", "1", "Marisol Tennant", "engaging", "2026-10-01", "2026-10-01", "2",
                  "2026-11-18", "2026-11-22", "2", "safety", ""]


def test_the_csv_to_standard_output_alone(program: Database) -> None:
    code, out, err = vip(program, "participants", "--status", "exited", "--csv", "-")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "person" and len(rows) == 4
    assert ["Bo Trevithick", "1", "Tobias Brandvold", "2025-03-01", "exited", "2025-12-01", "completed", "0",
            ""] in rows


def test_the_csv_is_never_written_where_it_must_not_be(program: Database, tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    code, out, err = vip(program, "caseload", "--csv", str(folder))
    assert (code, out) == (1, "") and "is a folder, not a file" in err
    db_file = Path(program.url.removeprefix("sqlite:///")) if program.is_sqlite else None
    if db_file is not None:
        before = db_file.read_bytes()
        code, out, err = vip(program, "participants", "--csv", str(db_file), "--force")
        assert (code, out) == (1, "") and "vip never writes over it" in err
        assert db_file.read_bytes() == before
    kept = tmp_path / "kept.csv"
    kept.write_text("keep me\n")
    code, out, err = vip(program, "participants", "--csv", str(kept))
    assert (code, out) == (1, "") and "already exists" in err
    assert kept.read_text() == "keep me\n"
    code, _, err = vip(program, "participants", "--csv", str(kept), "--force")
    assert code == 0, err
    assert kept.read_text().startswith("person,episode")
    code, out, err = vip(program, "caseload", "--csv", str(tmp_path / "missing" / "c.csv"))
    assert code == 1 and out == "" and "Traceback" not in err


def test_stored_text_cannot_act_on_the_terminal(program: Database) -> None:
    all_in.enroll_walk_in(program, "Zed \x1b[2J\u202eOverwrite [b]x[/b]", coach="Coach \x07Bell",
                          on=dt.date(2026, 11, 20))
    code, out, err = vip(program, "caseload")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Zed ␛[2J\ufffdOverwrite [b]x[/b]" in out  # shown, bidi override replaced, markup literal


# --------------------------------------------------------------------------- vip figures


def test_vip_figures_gives_the_all_in_figures_at_every_desk_and_in_the_csv(program: Database, tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    code, out, err = vip(program, "figures", "--csv", str(target), desk="full")
    assert code == 0, err
    lines = out.splitlines()
    i = lines.index("VIP All In (counts only: no service record)")
    j = lines.index("", i)
    said = {line.split("  ")[0]: line.split("  ")[-1].strip() for line in lines[i + 1:j]}
    assert said["Active today"] == "3 (2 engaging, 1 active)"
    assert said["On cadence today"] == "1 of 3 active participants not overdue (33.3%)"
    assert [re.split(r"\s{2,}", line) for line in lines[j + 1:j + 5]] == [
        ["Later shooting, as victim or suspect", "within 6 months", "within 12 months"],
        ["-" * 36, "-" * 15, "-" * 16],
        ["participants, since enrolling", "1 of 3 (33.3%)", "2 of 3 (66.7%)"],
        ["notified, not enrolled", "1 of 2 (50%)", "2 of 2 (100%)"],
    ]
    for name in ("Quenneville", "Ollerenshaw", "Tennant", "couch-surfing"):  # counts, no service record
        assert name not in out
        assert name not in target.read_text()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_HEADER and all(len(r) == len(CSV_HEADER) for r in rows)
    as_dict = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert as_dict[("VIP All In later shooting within 6 months", "participants", "all time")] == ["0.3333", "1", "3"]
    assert as_dict[("VIP All In needs met", "needs some or urgent at intake, none at the latest assessment",
                    "all time")] == ["0.3333", "1", "3"]
    assert as_dict[("VIP All In goals met", "of goals met, dropped or open past their target", "all time")] == [
        "0.5", "2", "4"]
    assert as_dict[("VIP All In enrolled", "episodes begun", "2026-09-07/2026-11-29")] == ["3", "", ""]
    assert as_dict[("shootings", "all", "2026-11-16/2026-11-22")] == ["0", "", ""]  # the program's rows still first
    assert f"wrote {target} ({len(rows) - 1} rows)" in out
