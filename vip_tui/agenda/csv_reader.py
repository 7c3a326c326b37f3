"""The CSV agenda reader (SPEC §4): an RMS export, one row per person involvement.

Rows are grouped into incidents by case number; the incident columns repeated
on each row must agree (in meaning: "Non-Fatal" agrees with "non_fatal"), and
a problem names the row's line and the column.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from vip_tui.agenda.problems import (
    Loc,
    Problem,
    after_meeting,
    duplicate_persons,
    has_errors,
    present,
    show,
    validate_model,
)
from vip_tui.agenda.schema import TEXT_CONTEXT, Agenda, IncidentIn, MeetingIn, PersonIn, split_list

__all__ = ["parse_csv"]


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


def parse_csv(path: Path, text: str) -> tuple[Agenda | None, list[Problem]]:
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
        if not has_errors(problems):
            problems.append(Problem(path, None, None, "no rows after the header"))
        return None, problems

    meeting = _csv_meeting(path, rows, problems)
    incidents = _csv_incidents(path, rows, problems)
    if meeting is not None:
        problems.extend(
            after_meeting(
                path,
                meeting,
                (
                    (incident, locator.line(("occurred_at",)), "occurred_at")
                    for incident, locator in incidents
                    if incident is not None
                ),
            )
        )
    if has_errors(problems) or meeting is None:
        return None, problems
    agenda = Agenda(path=path, meeting=meeting, incidents=present(inc for inc, _ in incidents))
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
                    f"column {show(name)} appears twice "
                    f"(columns {columns[name] + 1} and {position + 1})",
                )
            )
        elif name not in _COLUMNS:
            close = difflib.get_close_matches(name, _COLUMNS, n=1, cutoff=0.6)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            message = f"unknown column {show(name)} (ignored{hint})"
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
        found = validate_model(
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
                    f"{show(raw)} differs from {show(first_raw)} on line {meeting.line}; "
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
                data[column] = split_list(raw) if column == "nibin_leads" else raw
                locator.column_lines[column] = row.line
            elif meaning != firsts[column][1]:
                problems.append(
                    Problem(
                        path,
                        row.line,
                        column,
                        f"{show(raw)} differs from {show(firsts[column][0])} on line "
                        f"{locator.column_lines[column]}; rows of one case must agree",
                    )
                )
        person = {
            name: row.cells[column]
            for name, column in zip(_PERSON_FIELDS, _PERSON_COLUMNS, strict=True)
            if column in row.cells
        }
        if "aliases" in person:
            person["aliases"] = split_list(person["aliases"])
        if person:
            persons.append({**person, "line": row.line})
            locator.person_lines.append(row.line)
    data["persons"] = persons

    labels = [f"line {person['line']}" for person in persons]
    for index, matched, message in duplicate_persons(persons, labels):
        problems.append(Problem(path, persons[index]["line"], f"person_{matched}", message))

    incident = validate_model(
        IncidentIn,
        data,
        path=path,
        locator=locator,
        prefix=(),
        context=TEXT_CONTEXT,
        problems=problems,
    )
    return incident, locator


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _canonical(column: str, raw: str) -> object:
    """A cell's meaning, so "Non-Fatal" agrees with "non_fatal" across rows."""
    if column == "nibin_leads":
        return tuple(split_list(raw))
    adapter = _ADAPTERS.get(column)
    if adapter is None:
        info = IncidentIn.model_fields[column]
        adapter = TypeAdapter(info.rebuild_annotation())
        _ADAPTERS[column] = adapter
    try:
        return adapter.validate_python(raw, context=TEXT_CONTEXT)
    except ValidationError:
        return raw.casefold()
