"""Read agenda files (SPEC §4), TOML or CSV, and report every problem in them.

A problem names the file, the line and the field, in words a person can act on::

    week47.toml:31: incidents[2].occurred_at: "2026-13-01" is not a date-time
    week47.csv:7: occurred_at: "2026-11-31 25:00" is not a date-time (write 2026-11-27T22:15:00)

Field paths count the way people do: indexes are 1-based, so ``incidents[2]``
is the second ``[[incidents]]`` table of the file and ``persons[1]`` the first
``[[incidents.persons]]`` under it. CSV problems name the column instead, and
the line of the row (the line where a record starts, even when a quoted cell
spans several lines).

Nothing here touches the database: an importer calls :func:`parse_agendas`
and imports only when no problem has error severity. This module holds the
entry points and the reading of bytes; the wording of problems is in
:mod:`~vip_tui.agenda.problems`, the readers in
:mod:`~vip_tui.agenda.toml_reader` and :mod:`~vip_tui.agenda.csv_reader`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Final

from vip_tui.agenda.csv_reader import parse_csv
from vip_tui.agenda.problems import Problem, Severity, has_errors, show
from vip_tui.agenda.schema import Agenda
from vip_tui.agenda.toml_reader import parse_toml

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
    "parse_agenda",
    "parse_agendas",
]

MAX_FILE_BYTES: Final = 16 * 1024 * 1024
"""The largest agenda file read (about 120,000 CSV rows; a five-year backfill is under 4 MB), refused unread.

Memory grows with the rows: 28,000 rows peak near 300 MB, 100,000 near 800 MB (bench/backfill.py).
"""

MAX_PROBLEMS: Final = 200
"""Problems reported per file; past that a file is likely not an agenda at all."""


# --------------------------------------------------------------------------
# Public entry points


def parse_agenda(path: Path) -> tuple[Agenda | None, list[Problem]]:
    """Read and validate one agenda file (``.toml`` or ``.csv``).

    Returns the agenda, or None when any problem is an error, and every
    problem found (warnings too, in both cases), in line order and at most
    :data:`MAX_PROBLEMS` of them plus a line saying how many were left out.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".csv"):
        shown = f'"{path.suffix}"' if path.suffix else "no extension"
        return None, [
            Problem(path, None, None, f"unsupported file type ({shown}); use .toml or .csv")
        ]
    text, problem = _read_text(path)
    if text is None:
        return None, [problem] if problem else []
    if suffix == ".toml":
        agenda, problems = parse_toml(path, text)
    else:
        agenda, problems = parse_csv(path, text)
    problems = _capped(path, sorted(problems, key=lambda p: p.line or 0))
    if has_errors(problems):
        return None, problems
    return agenda, problems


def parse_agendas(paths: Sequence[Path]) -> tuple[list[Agenda], list[Problem]]:
    """Read every file and check them against each other.

    Two files for the same meeting date, or one case number in two files, is
    an error on the later file that names the earlier one. The agendas
    returned are those with no error of their own; an importer should still
    refuse the whole set when any problem is an error (SPEC §4: all or
    nothing). A file named twice is read once.
    """
    agendas: list[Agenda] = []
    problems: list[Problem] = []
    dates: dict[date, Agenda] = {}
    cases: dict[str, tuple[Agenda, int]] = {}
    seen: set[Path] = set()
    for path in paths:
        key = _identity(Path(path))
        if key in seen:
            continue
        seen.add(key)
        agenda, found = parse_agenda(Path(path))
        problems.extend(found)
        if agenda is None:
            continue
        clashes = _clashes(agenda, dates, cases)
        problems.extend(clashes)
        dates.setdefault(agenda.meeting.date, agenda)
        for index, incident in enumerate(agenda.incidents):
            cases.setdefault(incident.case_number, (agenda, index))
        if not clashes:
            agendas.append(agenda)
    return agendas, problems


def _clashes(
    agenda: Agenda, dates: Mapping[date, Agenda], cases: Mapping[str, tuple[Agenda, int]]
) -> list[Problem]:
    is_toml = agenda.path.suffix.lower() == ".toml"
    problems = []
    other = dates.get(agenda.meeting.date)
    if other is not None:
        problems.append(
            Problem(
                agenda.path,
                agenda.meeting.line,
                "meeting.date" if is_toml else "meeting_date",
                f"{agenda.meeting.date.isoformat()} is also the meeting date of "
                f"{_where(other.path, other.meeting.line)}; keep one file per meeting",
            )
        )
    for index, incident in enumerate(agenda.incidents):
        if incident.case_number not in cases:
            continue
        first, first_index = cases[incident.case_number]
        problems.append(
            Problem(
                agenda.path,
                incident.line,
                f"incidents[{index + 1}].case_number" if is_toml else "case_number",
                f"{show(incident.case_number)} is also on the agenda in "
                f"{_where(first.path, first.incidents[first_index].line)}",
            )
        )
    return problems


def _where(path: Path, line: int) -> str:
    return f"{path.name} (line {line})" if line else path.name


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()



def _capped(path: Path, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    kept, rest = problems[:MAX_PROBLEMS], problems[MAX_PROBLEMS:]
    severity: Severity = "error" if has_errors(rest) else "warning"
    more = Problem(path, None, None, f"... and {len(rest)} more problems", severity)
    return [*kept, more]


# --------------------------------------------------------------------------
# Bytes to text


_BOM: Final = b"\xef\xbb\xbf"


def _read_text(path: Path) -> tuple[str | None, Problem | None]:
    try:
        data = _read_capped(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, Problem(path, None, None, f"cannot read the file: {reason}")
    except _TooLarge as exc:
        return None, Problem(path, None, None, str(exc))
    # Spreadsheet programs save a byte-order mark; it is not part of the text.
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        message = (
            f"not UTF-8 text (byte 0x{body[exc.start]:02x} at line {line}); save the file as UTF-8"
        )
        return None, Problem(path, line, None, message)


class _TooLarge(Exception):
    pass


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _read_capped(path: Path) -> bytes:
    """The file's bytes; a file over :data:`MAX_FILE_BYTES` (or not a regular file) is refused unread."""
    # Checked before opening: opening a pipe would wait for a writer.
    if not stat.S_ISREG(path.stat().st_mode):
        raise _TooLarge("not a regular file (a folder, device or pipe); give the agenda file itself")
    with path.open("rb") as f:
        info = os.fstat(f.fileno())
        cap = f"agenda files are limited to {_megabytes(MAX_FILE_BYTES)}; split it into one file per meeting"
        if info.st_size > MAX_FILE_BYTES:
            raise _TooLarge(f"the file is {_megabytes(info.st_size)}; {cap}")
        data = f.read(MAX_FILE_BYTES + 1)  # a file growing while read stays capped too
        if len(data) > MAX_FILE_BYTES:
            raise _TooLarge(f"the file is over {_megabytes(MAX_FILE_BYTES)}; {cap}")
        return data
