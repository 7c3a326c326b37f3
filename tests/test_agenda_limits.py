"""One set of limits (issue 12, item 9/10): what `agenda check` accepts, both backends store.

Every text has its column's length, dates lie in a sane range, a file is
capped before it is read and nesting is bounded; each refusal names the file,
the line and the field, and an import of such a file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from vip_tui import models
from vip_tui.agenda.parse import MAX_FILE_BYTES, parse_agenda
from vip_tui.agenda.schema import COLUMN_LIMITS
from vip_tui.cli import main

MEETING = """[meeting]
date = 2026-11-24

[[incidents]]
case_number = {case}
occurred_at = {when}
type = "non_fatal"
location = "100 block Fictional Ave"

[[incidents.persons]]
name = {name}
role = "victim"
dob = {dob}
record_id = {record}
"""


def _toml(path: Path, *, case: str = "26-1", when: str = "2026-11-20T22:00:00", name: str = "R. Sample",
          dob: str = "2001-05-06", record: str = "MNI-1") -> Path:
    path.write_text(MEETING.format(case=f'"{case}"', when=when, name=f'"{name}"', dob=dob, record=f'"{record}"'))
    return path


def _vip(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


def test_every_limit_is_the_length_of_its_column() -> None:
    for name, (length, column) in COLUMN_LIMITS.items():
        model, field = column.split(".")
        assert getattr(models, model).__table__.c[field].type.length == length, name


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"case": "C" * 61}, "week.toml:5: incidents[1].case_number", "61 characters; the most is 60"),
        ({"case": "C" * 1_000_000}, "week.toml:5: incidents[1].case_number", "1,000,000 characters; the most is 60"),
        ({"record": "9" * 61}, "week.toml:14: incidents[1].persons[1].record_id", "the most is 60"),
        ({"name": "N" * 201}, "week.toml:11: incidents[1].persons[1].name", "the most is 200"),
        ({"dob": "2099-03-14"}, "week.toml:13: incidents[1].persons[1].dob", "a date of birth must lie between 1900-01-01"),
        ({"dob": "1899-12-31"}, "week.toml:13: incidents[1].persons[1].dob", "out of range"),
        ({"when": "0001-01-01T00:00:00"}, "week.toml:6: incidents[1].occurred_at", "out of range"),
        ({"when": "9999-12-31T23:59:00"}, "week.toml:6: incidents[1].occurred_at", "out of range"),
    ],
)
def test_check_refuses_what_a_column_or_the_calendar_cannot_hold(
    tmp_path: Path, fields: dict[str, str], where: str, says: str
) -> None:
    code, err = _vip("agenda", "check", str(_toml(tmp_path / "week.toml", **fields)))
    assert code == 1
    line = next(line for line in err.splitlines() if line.startswith(where))
    assert says in line
    assert "Traceback" not in err


def test_a_meeting_a_thousand_years_off_is_refused(tmp_path: Path) -> None:
    path = _toml(tmp_path / "week.toml")
    path.write_text(path.read_text().replace("date = 2026-11-24", "date = 9999-11-24"))
    code, err = _vip("agenda", "check", str(path))
    assert code == 1
    assert "week.toml:2: meeting.date: 9999-11-24 is out of range" in err


def test_a_case_number_too_long_for_postgresql_is_refused_before_the_database_on_both_backends(
    db_url: str, tmp_path: Path
) -> None:
    good = _toml(tmp_path / "week1.toml")
    assert _vip("--db", db_url, "agenda", "import", str(good))[0] == 0
    bad = _toml(tmp_path / "week2.toml", case="26-" + "7" * 70, record="MNI-2", name="T. Sample")
    bad.write_text(bad.read_text().replace("2026-11-24", "2026-12-01"))
    code, err = _vip("--db", db_url, "agenda", "import", str(bad))
    assert code == 1
    assert "week2.toml:5: incidents[1].case_number" in err and "nothing was changed" in err
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    with engine.connect() as con:
        assert con.execute(sa.text("SELECT count(*) FROM meeting")).scalar() == 1
        assert con.execute(sa.text("SELECT max(length(case_number)) FROM incident")).scalar() == 4
    engine.dispose()


def test_toml_nested_five_hundred_deep_is_a_message_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("[meeting]\ndate = 2026-11-24\nx = " + "[" * 500 + "]" * 500 + "\n")
    code, err = _vip("agenda", "check", str(path))
    assert code == 1
    assert "deep.toml: nested too deeply" in err
    inline = tmp_path / "inline.toml"
    inline.write_text("[meeting]\ndate = 2026-11-24\nx = " + "{a = " * 500 + "1" + "}" * 500 + "\n")
    assert "nested too deeply" in _vip("agenda", "check", str(inline))[1]


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "backfill.csv"
    with huge.open("wb") as f:  # sparse: a gigabyte that takes no disk and must not be read
        f.truncate(1024 * 1024 * 1024)
    # A subprocess, to measure the memory of the refusal itself.
    code = (
        "import resource, sys; from pathlib import Path; from vip_tui.agenda.parse import parse_agenda; "
        f"_, problems = parse_agenda(Path({str(huge)!r})); print(problems[0]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    message, peak_kb = out.splitlines()
    assert message == (
        "backfill.csv: the file is 1,024.0 MB; agenda files are limited to "
        f"{MAX_FILE_BYTES / 1024 / 1024:,.1f} MB; split it into one file per meeting"
    )
    assert int(peak_kb) < 600_000  # the file (1 GB) was not read; the interpreter and its imports vary with the machine


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "week.csv"
    os.mkfifo(fifo)
    agenda, problems = parse_agenda(fifo)
    assert agenda is None
    assert [str(p) for p in problems] == [
        "week.csv: not a regular file (a folder, device or pipe); give the agenda file itself"
    ]


def test_dates_near_today_still_pass(tmp_path: Path) -> None:
    today = dt.date.today()
    path = _toml(tmp_path / "week.toml", dob=today.isoformat(), when="1940-01-01T12:00:00")
    code, err = _vip("agenda", "check", str(path))
    assert code == 0, err


CORPUS = Path(__file__).parent / "agenda_corpus"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "hostile_dates.toml",
            [
                "hostile_dates.toml:7: incidents[1].occurred_at: 0001-11-20T22:00:00 is out of range",
                "hostile_dates.toml:14: incidents[1].persons[1].dob: 2099-03-14 is out of range",
                "hostile_dates.toml:18: incidents[2].occurred_at: 9999-11-20T22:00:00 is out of range",
                "hostile_dates.toml:25: incidents[2].persons[1].dob: 1899-12-31 is out of range",
            ],
        ),
    ],
)
def test_the_hostile_corpus_is_refused_line_by_line(name: str, expected: list[str]) -> None:
    code, err = _vip("agenda", "check", str(CORPUS / name))
    assert code == 1
    problems = err.splitlines()[:-1]
    assert len(problems) == len(expected)
    for line, start in zip(problems, expected, strict=True):
        assert line.startswith(start), line


def test_the_corpus_agenda_with_aliases_and_a_partner_summary_passes() -> None:
    agenda, problems = parse_agenda(CORPUS / "good_aliases.toml")
    assert problems == [] and agenda is not None
    assert agenda.incidents[0].partner_summary == "A young adult was hurt; outreach is offered."
    assert agenda.incidents[0].persons[0].aliases == ["Ree", "R-Money"]
