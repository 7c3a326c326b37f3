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
and imports only when no problem has error severity.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final, Literal, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from vip_tui.agenda.schema import (
    FIELD_NAMES,
    TEXT_CONTEXT,
    TOML_CONTEXT,
    AgencyIn,
    Agenda,
    AttendeeIn,
    IncidentIn,
    MeetingIn,
    PersonIn,
)
from vip_tui.names import name_key

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
    "AgendaErrors",
    "Loc",
    "Locator",
    "Problem",
    "parse_agenda",
    "parse_agendas",
    "problems_from_validation_error",
]

MAX_FILE_BYTES: Final = 16 * 1024 * 1024
"""The largest agenda file read (about 120,000 CSV rows; a five-year backfill is under 4 MB), refused unread.

Memory grows with the rows: 28,000 rows peak near 300 MB, 100,000 near 800 MB (bench/backfill.py).
"""

MAX_PROBLEMS: Final = 200
"""Problems reported per file; past that a file is likely not an agenda at all."""

Loc = tuple[str | int, ...]
"""A place in a file's data, as pydantic spells it: keys and 0-based indexes."""

Severity = Literal["error", "warning"]
_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an agenda file.

    ``line`` and ``field`` are None when the problem is about the whole file.
    Warnings (an unknown CSV column, say) do not stop an import.
    """

    path: Path
    line: int | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path.name if self.line is None else f"{self.path.name}:{self.line}"
        parts = [where] if self.field is None else [where, self.field]
        return ": ".join([*parts, self.message])


class AgendaErrors(Exception):
    """Raised by callers that refuse a set of agenda files; lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


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
        agenda, problems = _parse_toml(path, text)
    else:
        agenda, problems = _parse_csv(path, text)
    problems = _capped(path, sorted(problems, key=lambda p: p.line or 0))
    if _has_errors(problems):
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
                f"{_show(incident.case_number)} is also on the agenda in "
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


def _has_errors(problems: Iterable[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def _capped(path: Path, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    kept, rest = problems[:MAX_PROBLEMS], problems[MAX_PROBLEMS:]
    severity: Severity = "error" if _has_errors(rest) else "warning"
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


# --------------------------------------------------------------------------
# Pydantic errors in plain words


class Locator(Protocol):
    """Where a place in the validated data was written: its line and field name."""

    def line(self, loc: Loc) -> int | None: ...

    def field(self, loc: Loc) -> str | None: ...


def problems_from_validation_error(
    error: ValidationError, *, path: Path, locator: Locator, prefix: Loc = ()
) -> list[Problem]:
    """Turn the errors of validating one table (or CSV row) into problems.

    ``prefix`` is where that table sits in the file (``("incidents", 1)``) so
    the locator sees full places; messages never show pydantic's own wording
    for the error types that agenda files can produce.
    """
    problems = []
    for detail in error.errors(include_url=False):
        loc: Loc = (*prefix, *detail["loc"])
        if detail["type"] == "extra_forbidden" and loc:
            # The problem is the table's; the line is the unknown key's own.
            owner = loc[:-1]
            message = _unknown_field(str(loc[-1]), _field_names(error.title, detail["loc"][:-1]))
            problems.append(Problem(path, locator.line(loc), locator.field(owner), message))
            continue
        problems.append(Problem(path, locator.line(loc), locator.field(loc), _describe(detail)))
    return problems


def _field_names(model_name: str, loc: Loc) -> Sequence[str]:
    # Errors inside a nested table belong to that table's model: in this
    # schema the only nesting is an incident's persons.
    if "persons" in loc:
        return FIELD_NAMES["PersonIn"]
    return FIELD_NAMES.get(model_name, ())


def _unknown_field(name: str, known: Sequence[str], what: str = "field") -> str:
    message = f"unknown {what} {_show(name)}"
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close:
        return f'{message} (did you mean "{close[0]}"?)'
    if known:
        return f"{message} (expected one of {', '.join(known)})"
    return message


def _describe(detail: ErrorDetails) -> str:
    kind = detail["type"]
    value = _show(detail.get("input"))
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    example = ctx.get("example")
    hint = f" (write {example})" if example else ""
    match kind:
        case "missing":
            return "missing (required)"
        case "blank" | "string_too_short":
            return "empty (required)"
        case "quoted_value":
            return f"{value} is a string; write the {ctx['kind']} without quotes: {example}"
        case "not_a_date" | "date_parsing" | "date_type" | "date_from_datetime_parsing":
            return f"{value} is not a date{hint}"
        case "not_a_datetime" | "datetime_parsing" | "datetime_type" | "datetime_from_date_parsing":
            return f"{value} is not a date-time{hint}"
        case "not_a_time" | "time_parsing" | "time_type":
            return f"{value} is not a time{hint}"
        case "datetime_not_date" | "date_from_datetime_inexact":
            return f"{value} is a date-time; write only the date{': ' + example if example else ''}"
        case "date_not_datetime":
            return f"{value} has no time of day; write the date and time, like {example}"
        case "has_offset" | "timezone_naive":
            return (
                f"{value} has a time-zone offset; write the local time without one, like {example}"
            )
        case "not_whole_number" | "int_parsing" | "int_type" | "int_from_float":
            return f"{value} is not a whole number"
        case "greater_than_equal":
            return f"{value} is too small (the least is {ctx['ge']})"
        case "greater_than":
            return f"{value} is too small (it must be more than {ctx['gt']})"
        case "less_than_equal":
            return f"{value} is too large (the most is {ctx['le']})"
        case "less_than":
            return f"{value} is too large (it must be less than {ctx['lt']})"
        case "enum":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            return f"{value} is not one of {', '.join(choices)}"
        case "string_type":
            return f'{value} is not text; put it in quotes: "{detail.get("input")}"'
        case "string_too_long":
            length = len(detail["input"]) if isinstance(detail.get("input"), str) else None
            size = f"{length:,} characters" if length is not None else "too long"
            return f"{_show(detail.get('input'))} is {size}; the most is {ctx.get('max_length'):,}"
        case "too_long":
            return f"has {ctx.get('actual_length')} entries; the most is {ctx.get('max_length')}"
        case "date_out_of_range":
            return f"{value} is out of range: {ctx['what']} must lie between {ctx['earliest']} and {ctx['latest']}"
        case "list_type":
            if isinstance(detail.get("input"), str):
                return f"{value} is not a list; write [{value}]"
            return f"{value} is not a list"
        case "model_type" | "model_attributes_type" | "dict_type":
            return f"{value} is not a table"
        case _:
            return detail["msg"]


def _show(value: object) -> str:
    """A value as the user wrote it: strings quoted, dates in ISO form."""
    match value:
        case str():
            shown = json.dumps(value, ensure_ascii=False)
            return shown if len(shown) <= 62 else shown[:58] + '…"'
        case bool():
            return "true" if value else "false"
        case datetime() | date() | time():
            return value.isoformat()
        case list() | tuple():
            items = ", ".join(_show(item) for item in value[:4])
            return f"[{items}{', …' if len(value) > 4 else ''}]"
        case dict():
            return "{…}"
        case None:
            return "nothing"
        case _:
            return str(value)


def _validate(
    model: type[_Model],
    data: dict[str, Any],
    *,
    path: Path,
    locator: Locator,
    prefix: Loc,
    context: Mapping[str, Any],
    problems: list[Problem],
) -> _Model | None:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems.extend(
            problems_from_validation_error(exc, path=path, locator=locator, prefix=prefix)
        )
        return None


# --------------------------------------------------------------------------
# TOML


_TOP_LEVEL: Final = ("meeting", "agencies", "attendees", "incidents")
_LIST_TABLES: Final[dict[str, type[BaseModel]]] = {
    "agencies": AgencyIn,
    "attendees": AttendeeIn,
    "incidents": IncidentIn,
}
_TOML_POSITION: Final = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


@dataclass
class _TableLines:
    line: int | None
    keys: dict[str, int] = dataclass_field(default_factory=dict)


class _TomlLines:
    """Where each table and key of a TOML text starts.

    tomllib gives values but no positions, so the text is scanned for table
    headers and ``key =`` lines outside strings and multi-line arrays. Tables
    are keyed by their place in the data (``("incidents", 1, "persons", 0)``),
    counting ``[[...]]`` headers the way TOML does.
    """

    _BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")

    def __init__(self, text: str) -> None:
        self.tables: dict[Loc, _TableLines] = {(): _TableLines(None)}
        self.repeated: list[tuple[int, int, str]] = []  # line, first line, key
        self._counts: dict[Loc, int] = {}
        self._scan(text)

    def locate(self, loc: Loc) -> int | None:
        """The line of the key nearest to ``loc``, else of the table holding it."""
        for end in range(len(loc), -1, -1):
            table = self.tables.get(loc[:end])
            if table is None:
                continue
            if end < len(loc) and isinstance(loc[end], str) and loc[end] in table.keys:
                return table.keys[str(loc[end])]
            if table.line is not None or end == 0:
                return table.line
        return None

    def _scan(self, text: str) -> None:
        current: Loc = ()
        for number, line in _top_level_lines(text):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("["):
                is_array = stripped.startswith("[[")
                parsed = self._read_key(stripped, 2 if is_array else 1)
                if parsed is None:
                    continue
                current = self._resolve(parsed[0], is_array)
                self.tables.setdefault(current, _TableLines(number))
                if is_array:
                    # The array itself starts at its first element.
                    self.tables.setdefault(current[:-1], _TableLines(number))
                continue
            parsed = self._read_key(stripped, 0)
            if parsed is None or not stripped[parsed[1] :].startswith("="):
                continue
            self._record_key(current, parsed[0], number)

    def _record_key(self, table: Loc, key: list[str], number: int) -> None:
        for depth, part in enumerate(key):
            # A dotted key (a.b = 1) defines the tables on its way.
            owner: Loc = (*table, *key[:depth])
            lines = self.tables.setdefault(owner, _TableLines(number))
            if depth == len(key) - 1 and part in lines.keys:
                self.repeated.append((number, lines.keys[part], ".".join(key)))
            lines.keys.setdefault(part, number)

    def _resolve(self, key: list[str], is_array: bool) -> Loc:
        resolved: list[str | int] = []
        for depth, part in enumerate(key):
            resolved.append(part)
            so_far = tuple(resolved)
            if is_array and depth == len(key) - 1:
                count = self._counts.get(so_far, 0)
                self._counts[so_far] = count + 1
                resolved.append(count)
            elif so_far in self._counts:
                # A path through an array of tables means its latest element.
                resolved.append(self._counts[so_far] - 1)
        return tuple(resolved)

    @classmethod
    def _read_key(cls, text: str, pos: int) -> tuple[list[str], int] | None:
        """Read a (dotted, maybe quoted) key from ``pos``; return it and where it ends."""
        parts: list[str] = []
        while True:
            pos = _skip_blanks(text, pos)
            if pos >= len(text):
                return None
            if text[pos] == '"':
                end = pos + 1
                while end < len(text) and text[end] != '"':
                    end += 2 if text[end] == "\\" else 1
                try:
                    parts.append(tomllib.loads(f"k = {text[pos : end + 1]}")["k"])
                except tomllib.TOMLDecodeError:
                    return None
                pos = end + 1
            elif text[pos] == "'":
                end = text.find("'", pos + 1)
                if end < 0:
                    return None
                parts.append(text[pos + 1 : end])
                pos = end + 1
            else:
                match = cls._BARE_KEY.match(text, pos)
                if match is None:
                    return None
                parts.append(match.group())
                pos = match.end()
            pos = _skip_blanks(text, pos)
            if pos < len(text) and text[pos] == ".":
                pos += 1
                continue
            return parts, pos


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _top_level_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines (1-based) that start outside any string, array or inline table.

    Only such lines can hold a table header or a ``key =``; the others are the
    inside of a multi-line string or array.
    """
    open_string: str | None = None  # the delimiter of a multi-line string
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if open_string is None and depth == 0:
            yield number, line
        pos, end = 0, len(line)
        while pos < end:
            if open_string is not None:
                if open_string == '"""' and line[pos] == "\\":
                    pos += 2
                elif line.startswith(open_string, pos):
                    pos += 3
                    # """a"""" ends with a quote inside: up to two more belong to it.
                    while pos < end and line[pos] == open_string[0]:
                        pos += 1
                    open_string = None
                else:
                    pos += 1
                continue
            char = line[pos]
            if char == "#":
                break
            if line.startswith('"""', pos) or line.startswith("'''", pos):
                open_string = line[pos : pos + 3]
                pos += 3
            elif char == '"':
                pos += 1
                while pos < end and line[pos] != '"':
                    pos += 2 if line[pos] == "\\" else 1
                pos += 1
            elif char == "'":
                close = line.find("'", pos + 1)
                pos = end if close < 0 else close + 1
            else:
                if char in "[{":
                    depth += 1
                elif char in "]}":
                    depth = max(0, depth - 1)
                pos += 1


@dataclass
class _TomlLocator:
    lines: _TomlLines

    def line(self, loc: Loc) -> int | None:
        return self.lines.locate(loc)

    def field(self, loc: Loc) -> str | None:
        return _toml_field(loc) or None


def _present(items: Iterable[_Model | None]) -> list[_Model]:
    return [item for item in items if item is not None]


def _toml_field(loc: Loc) -> str:
    """``("incidents", 1, "persons", 0, "role")`` -> ``incidents[2].persons[1].role``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def _parse_toml(path: Path, text: str) -> tuple[Agenda | None, list[Problem]]:
    try:
        document = tomllib.loads(text)
        if not document:
            return None, [Problem(path, None, None, "the file is empty")]
        return _TomlAgenda(path, text).read(document)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(path, text, exc)]
    except RecursionError:
        # Arrays or inline tables nested hundreds deep: no agenda looks like that.
        message = "nested too deeply (arrays or tables inside each other); an agenda needs two levels"
        return None, [Problem(path, None, None, message)]


class _TomlAgenda:
    """Validate a parsed TOML document table by table, collecting every problem."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _TomlLines(text)
        self.locator = _TomlLocator(self.lines)
        self.problems: list[Problem] = []

    def read(self, document: dict[str, Any]) -> tuple[Agenda | None, list[Problem]]:
        for key in document:
            if key not in _TOP_LEVEL:
                message = _unknown_field(key, _TOP_LEVEL, "top-level key")
                self.problem((key,), message, field_name=None)
        meeting = self.meeting(document.get("meeting"))
        agencies = self.entries(document, "agencies", AgencyIn)
        attendees = self.entries(document, "attendees", AttendeeIn)
        incidents = self.entries(document, "incidents", IncidentIn)
        self.duplicates(document)

        if meeting is not None:
            dated = [
                (incident, *self.where(("incidents", index, "occurred_at")))
                for index, incident in enumerate(incidents)
                if incident is not None
            ]
            self.problems.extend(_after_meeting(self.path, meeting, dated))
        named = [
            (attendee, *self.where(("attendees", index, "agency")))
            for index, attendee in enumerate(attendees)
            if attendee is not None
        ]
        self.problems.extend(_unknown_agencies(self.path, _present(agencies), named))

        if meeting is None or _has_errors(self.problems):
            return None, self.problems
        agenda = Agenda(
            path=self.path,
            meeting=meeting,
            # No error was found, so no entry is None.
            agencies=_present(agencies),
            attendees=_present(attendees),
            incidents=_present(incidents),
        )
        return agenda, self.problems

    def where(self, loc: Loc) -> tuple[int | None, str]:
        return self.lines.locate(loc), _toml_field(loc)

    def problem(self, loc: Loc, message: str, *, field_name: str | None = "") -> None:
        """Report at ``loc``; the field named is ``loc``'s unless given."""
        line, name = self.where(loc)
        self.problems.append(
            Problem(self.path, line, name if field_name == "" else field_name, message)
        )

    def meeting(self, raw: object) -> MeetingIn | None:
        if raw is None:
            message = "missing (required); add a [meeting] table with its date"
            self.problems.append(Problem(self.path, None, "meeting", message))
        elif isinstance(raw, list):
            self.problem(("meeting",), "write [meeting] with single brackets: one meeting per file")
        elif not isinstance(raw, dict):
            self.problem(("meeting",), f"{_show(raw)} is not a table")
        else:
            return self.validate(MeetingIn, raw, ("meeting",))
        return None

    def entries(
        self, document: dict[str, Any], name: str, model: type[_Model]
    ) -> list[_Model | None]:
        """The ``[[name]]`` tables, each validated on its own (None where invalid)."""
        raw = document.get(name, [])
        if isinstance(raw, dict):
            self.problem((name,), f"write [[{name}]] with double brackets, one for each")
            return []
        if not isinstance(raw, list):
            self.problem((name,), f"{_show(raw)} is not a list of tables")
            return []
        found: list[_Model | None] = []
        for index, entry in enumerate(raw):
            if isinstance(entry, dict):
                found.append(self.validate(model, entry, (name, index)))
            else:
                self.problem((name, index), f"{_show(entry)} is not a table")
                found.append(None)
        return found

    def validate(self, model: type[_Model], data: dict[str, Any], loc: Loc) -> _Model | None:
        return _validate(
            model,
            self.with_line(data, loc),
            path=self.path,
            locator=self.locator,
            prefix=loc,
            context=TOML_CONTEXT,
            problems=self.problems,
        )

    def with_line(self, data: dict[str, Any], loc: Loc) -> dict[str, Any]:
        """A copy of a table with the ``line`` the models carry; persons get theirs too."""
        copy = dict(data)
        if "line" in copy:
            # `line` is set by the parser; from the file it is just an unknown key.
            self.problem((*loc, "line"), 'unknown field "line"', field_name=_toml_field(loc))
        copy["line"] = self.lines.locate(loc) or 0
        persons = copy.get("persons")
        if isinstance(persons, list):
            copy["persons"] = [
                self.with_line(person, (*loc, "persons", index))
                if isinstance(person, dict)
                else person
                for index, person in enumerate(persons)
            ]
        return copy

    def duplicates(self, document: dict[str, Any]) -> None:
        """Entries listed twice, checked on raw values so they show beside other mistakes."""
        self.repeated(document, "agencies", ("short_name",))
        self.repeated(document, "attendees", ("name", "agency"))
        self.repeated(document, "incidents", ("case_number",))
        incidents = document.get("incidents")
        if not isinstance(incidents, list):
            return
        for index, incident in enumerate(incidents):
            persons = incident.get("persons") if isinstance(incident, dict) else None
            if not isinstance(persons, list):
                continue
            tables = [person if isinstance(person, dict) else {} for person in persons]
            locs: list[Loc] = [("incidents", index, "persons", j) for j in range(len(tables))]
            labels = [f"{_toml_field(loc[2:])} (line {self.lines.locate(loc)})" for loc in locs]
            for j, _, message in _duplicate_persons(tables, labels):
                self.problem(locs[j], message)

    def repeated(self, document: dict[str, Any], name: str, key: tuple[str, ...]) -> None:
        entries = document.get(name)
        if not isinstance(entries, list):
            return
        first: dict[tuple[str, ...], int | None] = {}
        for index, entry in enumerate(entries):
            values = [entry.get(part) for part in key] if isinstance(entry, dict) else []
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                continue
            # Case numbers are compared as written; names as people match them.
            text = [str(v).strip() for v in values]
            normal = tuple(text) if name == "incidents" else tuple(name_key(v) for v in text)
            loc = (name, index, key[0])
            if normal not in first:
                first[normal] = self.lines.locate(loc)
                continue
            shown = " of ".join(_show(v) for v in text)
            what = "case number " if name == "incidents" else ""
            self.problem(loc, f"duplicate {what}{shown} (first at line {first[normal]})")


def _syntax_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    line: int | None = None
    match = _TOML_POSITION.search(message)
    if match:
        message = message[: match.start()]
        if match.group(1):
            line = int(match.group(1))
            message += f" (column {match.group(2)})"
        else:
            # "at end of document": the last line that has any text.
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    if message.startswith("Cannot overwrite a value"):
        # tomllib reports a repeated key at the end of the table; point at it.
        repeated = _TomlLines(text).repeated
        if repeated:
            at, first, key = repeated[0]
            return Problem(
                path, at, None, f"not valid TOML: {_show(key)} is set twice (first at line {first})"
            )
    hint = _syntax_hint(text, line, message)
    return Problem(path, line, None, f"not valid TOML: {message}{hint}")


_SHORT_DATETIME: Final = re.compile(r"=\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?!:)")
_BARE_VALUE: Final = re.compile(r"^[^=\"'#]*=\s*([^\s\"'\[{#][^#]*?)\s*(?:#.*)?$")


def _syntax_hint(text: str, line: int | None, message: str) -> str:
    """A hint for the TOML slips people make most, read from the offending line."""
    if line is None:
        return ""
    if "Unterminated string" in message or "Illegal character '\\n'" in message:
        return "; a quoted text is missing its closing quote"
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if _SHORT_DATETIME.search(source):
        return "; a TOML date-time needs seconds, like 2026-11-18T23:42:00"
    match = _BARE_VALUE.match(source)
    if match:
        # An unquoted value that is no TOML number, date or boolean is text
        # that lacks its quotes: "location = 5600 block Central Ave".
        try:
            tomllib.loads(f"v = {match.group(1)}")
        except tomllib.TOMLDecodeError:
            return "; put text in quotes"
    return ""


# --------------------------------------------------------------------------
# Checks shared by both formats


def _duplicate_persons(
    persons: Sequence[Mapping[str, Any]], labels: Sequence[str]
) -> list[tuple[int, str, str]]:
    """Persons listed twice in one incident: same record id, or same name and birth date.

    Works on raw values (the keys are the model's field names) so it reports
    even when other fields of the incident are wrong. Returns, for each later
    occurrence, its index, the field that matched and a message naming the
    first occurrence by its label in ``labels``.
    """
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    clashes = []
    for index, person in enumerate(persons):
        record_id = person.get("record_id")
        if isinstance(record_id, str) and record_id.strip():
            first = seen_ids.setdefault(record_id.strip(), index)
            if first != index:
                message = (
                    f"the same person as {labels[first]}: record_id {_show(record_id.strip())}"
                )
                clashes.append((index, "record_id", message))
                continue
        name = person.get("name")
        if isinstance(name, str) and name.strip():
            dob = person.get("dob")
            dob_text = dob.isoformat() if isinstance(dob, date) else str(dob or "").strip()
            first = seen_names.setdefault((name_key(name), dob_text), index)
            if first != index:
                born = f" born {dob_text}" if dob_text else ""
                message = f"the same person as {labels[first]}: {_show(name.strip())}{born}"
                clashes.append((index, "name", message))
    return clashes


def _after_meeting(
    path: Path, meeting: MeetingIn, incidents: Iterable[tuple[IncidentIn, int | None, str]]
) -> list[Problem]:
    """Warn about incidents (with their line and field name) dated after the meeting.

    Reviews look back at the past week, so this is usually a wrong meeting date.
    """
    return [
        Problem(
            path,
            line,
            field_name,
            f"{incident.occurred_at.isoformat()} is after the meeting date "
            f"{meeting.date.isoformat()}",
            "warning",
        )
        for incident, line, field_name in incidents
        if incident.occurred_at.date() > meeting.date
    ]


def _unknown_agencies(
    path: Path,
    agencies: Sequence[AgencyIn],
    attendees: Iterable[tuple[AttendeeIn, int | None, str]],
) -> list[Problem]:
    """Warn when a file lists its agencies and an attendee names another one.

    Only a warning: the agency may already be known to the database.
    """
    if not agencies:
        return []
    known = {agency.short_name.casefold() for agency in agencies}
    names = ", ".join(agency.short_name for agency in agencies)
    return [
        Problem(
            path,
            line,
            field_name,
            f"{_show(attendee.agency)} is not among this file's agencies ({names})",
            "warning",
        )
        for attendee, line, field_name in attendees
        if attendee.agency.casefold() not in known
    ]


# --------------------------------------------------------------------------
# CSV


_MEETING_COLUMN: Final = "meeting_date"
_INCIDENT_COLUMNS: Final = tuple(
    name for name in IncidentIn.model_fields if name not in ("persons", "line")
)
_PERSON_FIELDS: Final = tuple(name for name in PersonIn.model_fields if name != "line")
_PERSON_COLUMNS: Final = tuple(f"person_{name}" for name in _PERSON_FIELDS)
_COLUMNS: Final = (_MEETING_COLUMN, *_INCIDENT_COLUMNS, *_PERSON_COLUMNS)
_REQUIRED_COLUMNS: Final = ("meeting_date", "case_number", "occurred_at", "type", "location")


@dataclass
class _Row:
    line: int
    cells: dict[str, str]  # column -> stripped, non-empty cell


@dataclass
class _CsvLocator:
    """Lines and column names of one CSV incident (or the meeting date)."""

    first_line: int
    column_lines: dict[str, int] = dataclass_field(default_factory=dict)
    person_lines: list[int] = dataclass_field(default_factory=list)

    def line(self, loc: Loc) -> int | None:
        if len(loc) >= 2 and loc[0] == "persons" and isinstance(loc[1], int):
            return self.person_lines[loc[1]]
        if loc and isinstance(loc[0], str):
            return self.column_lines.get(loc[0], self.first_line)
        return self.first_line

    def field(self, loc: Loc) -> str | None:
        if not loc:
            return None
        if loc[0] == "persons":
            names = [part for part in loc[1:] if isinstance(part, str)]
            return f"person_{names[0]}" if names else None
        if loc[0] == "date":
            return _MEETING_COLUMN
        return str(loc[0])


def _parse_csv(path: Path, text: str) -> tuple[Agenda | None, list[Problem]]:
    if not text.strip():
        return None, [Problem(path, None, None, "the file is empty")]
    problems: list[Problem] = []
    # strict: a quote left open would otherwise swallow the rest of the file
    # into one cell without a word.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header, header_line = _read_header(reader)
    except csv.Error as exc:
        return None, [Problem(path, reader.line_num or 1, None, _csv_error(exc))]
    if header is None:
        return None, [Problem(path, None, None, "the file is empty")]
    columns, stop = _check_header(path, header, header_line, problems)
    if stop:
        return None, problems
    rows = _read_rows(path, reader, header_line, len(header), columns, problems)
    if not rows:
        if not _has_errors(problems):
            problems.append(Problem(path, None, None, "no rows after the header"))
        return None, problems

    meeting = _csv_meeting(path, rows, problems)
    incidents = _csv_incidents(path, rows, problems)
    if meeting is not None:
        problems.extend(
            _after_meeting(
                path,
                meeting,
                (
                    (incident, locator.line(("occurred_at",)), "occurred_at")
                    for incident, locator in incidents
                    if incident is not None
                ),
            )
        )
    if _has_errors(problems) or meeting is None:
        return None, problems
    agenda = Agenda(path=path, meeting=meeting, incidents=_present(inc for inc, _ in incidents))
    return agenda, problems


def _read_header(reader: Any) -> tuple[list[str] | None, int]:
    for row in reader:
        if any(cell.strip() for cell in row):
            return row, reader.line_num
    return None, 0


def _check_header(
    path: Path, header: list[str], line: int, problems: list[Problem]
) -> tuple[dict[str, int], bool]:
    """Map column names to positions; report unknown, repeated and missing ones."""
    columns: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            problems.append(
                Problem(path, line, None, f"column {position + 1} has no name (ignored)", "warning")
            )
        elif name in columns:
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    f"column {_show(name)} appears twice "
                    f"(columns {columns[name] + 1} and {position + 1})",
                )
            )
        elif name not in _COLUMNS:
            close = difflib.get_close_matches(name, _COLUMNS, n=1, cutoff=0.6)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            message = f"unknown column {_show(name)} (ignored{hint})"
            problems.append(Problem(path, line, None, message, "warning"))
        else:
            columns[name] = position
    missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        message = f"missing required column{plural}: {', '.join(missing)}"
        if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
            message += " (columns must be separated by commas)"
        problems.append(Problem(path, line, None, message))
        # Without those columns every row would repeat the same complaint.
        return columns, True
    return columns, False


def _read_rows(
    path: Path,
    reader: Any,
    header_line: int,
    width: int,
    columns: Mapping[str, int],
    problems: list[Problem],
) -> list[_Row]:
    rows = []
    end_of_last = header_line
    records = iter(reader)
    while True:
        # A quoted cell may hold line breaks: the record starts on the line
        # after the previous one ended, not at reader.line_num.
        line = end_of_last + 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(path, line, None, _csv_error(exc)))
            end_of_last = reader.line_num
            continue
        end_of_last = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width:
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    f"this row has {len(cells)} cells but the header has {width} columns "
                    "(does a value with a comma lack its quotes?)",
                )
            )
            continue
        values = {
            name: cells[position].strip()
            for name, position in columns.items()
            if position < len(cells) and cells[position].strip()
        }
        rows.append(_Row(line, values))
    return rows


def _csv_error(exc: csv.Error) -> str:
    reason = str(exc)
    if "unexpected end of data" in reason:
        return 'not valid CSV: a quote (") opened in this row is never closed'
    if "field larger than field limit" in reason:
        return f"not valid CSV: a cell is longer than {csv.field_size_limit():,} characters"
    if "expected after" in reason:
        return 'not valid CSV: a quote (") inside a quoted cell must be doubled ("")'
    return f"not valid CSV: {reason}"


def _csv_meeting(path: Path, rows: Sequence[_Row], problems: list[Problem]) -> MeetingIn | None:
    """The meeting of a CSV file: every row that states a date must state the same one."""
    meeting: MeetingIn | None = None
    first_raw = ""
    for row in rows:
        raw = row.cells.get(_MEETING_COLUMN)
        if raw is None:
            continue
        found = _validate(
            MeetingIn,
            {"date": raw, "line": row.line},
            path=path,
            locator=_CsvLocator(row.line),
            prefix=(),
            context=TEXT_CONTEXT,
            problems=problems,
        )
        if found is None:
            continue
        if meeting is None:
            meeting, first_raw = found, raw
        elif found.date != meeting.date:
            problems.append(
                Problem(
                    path,
                    row.line,
                    _MEETING_COLUMN,
                    f"{_show(raw)} differs from {_show(first_raw)} on line {meeting.line}; "
                    "one file holds one meeting",
                )
            )
    if not any(_MEETING_COLUMN in row.cells for row in rows):
        problems.append(Problem(path, rows[0].line, _MEETING_COLUMN, "missing (required)"))
    return meeting


def _csv_incidents(
    path: Path, rows: Sequence[_Row], problems: list[Problem]
) -> list[tuple[IncidentIn | None, _CsvLocator]]:
    """Rows grouped by case number into incidents; persons accumulate."""
    groups: dict[object, list[_Row]] = {}
    for row in rows:
        # A row without a case number is its own (invalid) incident.
        key: object = row.cells.get("case_number") or object()
        groups.setdefault(key, []).append(row)
    return [_csv_incident(path, group, problems) for group in groups.values()]


def _csv_incident(
    path: Path, rows: Sequence[_Row], problems: list[Problem]
) -> tuple[IncidentIn | None, _CsvLocator]:
    locator = _CsvLocator(rows[0].line)
    data: dict[str, Any] = {"line": rows[0].line}
    firsts: dict[str, tuple[str, object]] = {}  # column -> first cell, its meaning
    persons: list[dict[str, Any]] = []
    for row in rows:
        for column in _INCIDENT_COLUMNS:
            raw = row.cells.get(column)
            if raw is None:
                # An empty cell on a later row repeats nothing, so contradicts nothing.
                continue
            meaning = _canonical(column, raw)
            if column not in firsts:
                firsts[column] = (raw, meaning)
                data[column] = _split_list(raw) if column == "nibin_leads" else raw
                locator.column_lines[column] = row.line
            elif meaning != firsts[column][1]:
                problems.append(
                    Problem(
                        path,
                        row.line,
                        column,
                        f"{_show(raw)} differs from {_show(firsts[column][0])} on line "
                        f"{locator.column_lines[column]}; rows of one case must agree",
                    )
                )
        person = {
            name: row.cells[column]
            for name, column in zip(_PERSON_FIELDS, _PERSON_COLUMNS, strict=True)
            if column in row.cells
        }
        if "aliases" in person:
            person["aliases"] = _split_list(person["aliases"])
        if person:
            persons.append({**person, "line": row.line})
            locator.person_lines.append(row.line)
    data["persons"] = persons

    labels = [f"line {person['line']}" for person in persons]
    for index, matched, message in _duplicate_persons(persons, labels):
        problems.append(Problem(path, persons[index]["line"], f"person_{matched}", message))

    incident = _validate(
        IncidentIn,
        data,
        path=path,
        locator=locator,
        prefix=(),
        context=TEXT_CONTEXT,
        problems=problems,
    )
    return incident, locator


def _split_list(raw: str) -> list[str]:
    return [lead.strip() for lead in raw.split(";") if lead.strip()]


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _canonical(column: str, raw: str) -> object:
    """A cell's meaning, so "Non-Fatal" agrees with "non_fatal" across rows."""
    if column == "nibin_leads":
        return tuple(_split_list(raw))
    adapter = _ADAPTERS.get(column)
    if adapter is None:
        info = IncidentIn.model_fields[column]
        adapter = TypeAdapter(info.rebuild_annotation())
        _ADAPTERS[column] = adapter
    try:
        return adapter.validate_python(raw, context=TEXT_CONTEXT)
    except ValidationError:
        return raw.casefold()
