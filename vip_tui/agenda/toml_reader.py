"""The TOML agenda reader (SPEC §4) and the line locator it needs.

tomllib gives values without positions, so :class:`_TomlLines` scans the text
for the line of every table and key; a problem then names the line a person
would edit, and its field counted from 1 (``incidents[2].persons[1].role``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from vip_tui.agenda.problems import (
    Loc,
    Problem,
    after_meeting,
    duplicate_persons,
    has_errors,
    present,
    show,
    unknown_agencies,
    unknown_field,
    validate_model,
)
from vip_tui.agenda.schema import TOML_CONTEXT, AgencyIn, Agenda, AttendeeIn, IncidentIn, MeetingIn
from vip_tui.names import name_key

__all__ = ["parse_toml"]

_Model = TypeVar("_Model", bound=BaseModel)


_TOP_LEVEL: Final = ("meeting", "agencies", "attendees", "incidents")
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


def _toml_field(loc: Loc) -> str:
    """``("incidents", 1, "persons", 0, "role")`` -> ``incidents[2].persons[1].role``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_toml(path: Path, text: str) -> tuple[Agenda | None, list[Problem]]:
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
                message = unknown_field(key, _TOP_LEVEL, "top-level key")
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
            self.problems.extend(after_meeting(self.path, meeting, dated))
        named = [
            (attendee, *self.where(("attendees", index, "agency")))
            for index, attendee in enumerate(attendees)
            if attendee is not None
        ]
        self.problems.extend(unknown_agencies(self.path, present(agencies), named))

        if meeting is None or has_errors(self.problems):
            return None, self.problems
        agenda = Agenda(
            path=self.path,
            meeting=meeting,
            # No error was found, so no entry is None.
            agencies=present(agencies),
            attendees=present(attendees),
            incidents=present(incidents),
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
            self.problem(("meeting",), f"{show(raw)} is not a table")
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
            self.problem((name,), f"{show(raw)} is not a list of tables")
            return []
        found: list[_Model | None] = []
        for index, entry in enumerate(raw):
            if isinstance(entry, dict):
                found.append(self.validate(model, entry, (name, index)))
            else:
                self.problem((name, index), f"{show(entry)} is not a table")
                found.append(None)
        return found

    def validate(self, model: type[_Model], data: dict[str, Any], loc: Loc) -> _Model | None:
        return validate_model(
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
            for j, _, message in duplicate_persons(tables, labels):
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
            shown = " of ".join(show(v) for v in text)
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
                path, at, None, f"not valid TOML: {show(key)} is set twice (first at line {first})"
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
