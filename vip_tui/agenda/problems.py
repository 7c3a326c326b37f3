"""The problems of agenda files (SPEC §4), worded so a person can act on them.

A :class:`Problem` names the file, the line and the field; pydantic's
validation errors are translated here (:func:`problems_from_validation_error`)
for the TOML reader, the CSV reader and the agenda builder's forms alike, and
so are the checks both file formats share (a person listed twice, an incident
after its meeting, an attendee of an agency the file does not list).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from vip_tui.agenda.schema import FIELD_NAMES, AgencyIn, AttendeeIn, IncidentIn, MeetingIn
from vip_tui.names import name_key

__all__ = [
    "AgendaErrors",
    "Loc",
    "Locator",
    "Problem",
    "Severity",
    "after_meeting",
    "duplicate_persons",
    "has_errors",
    "present",
    "problems_from_validation_error",
    "show",
    "unknown_agencies",
    "unknown_field",
    "validate_model",
]

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


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any of ``problems`` stops an import (warnings do not)."""
    return any(problem.severity == "error" for problem in problems)


def present(items: Iterable[_Model | None]) -> list[_Model]:
    """The entries that validated: None stands where a table was invalid."""
    return [item for item in items if item is not None]


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
            message = unknown_field(str(loc[-1]), _field_names(error.title, detail["loc"][:-1]))
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


def unknown_field(name: str, known: Sequence[str], what: str = "field") -> str:
    """The words for an unknown key: the closest known name as a hint, else every known one."""
    message = f"unknown {what} {show(name)}"
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close:
        return f'{message} (did you mean "{close[0]}"?)'
    if known:
        return f"{message} (expected one of {', '.join(known)})"
    return message


def _describe(detail: ErrorDetails) -> str:
    kind = detail["type"]
    value = show(detail.get("input"))
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
            return f"{show(detail.get('input'))} is {size}; the most is {ctx.get('max_length'):,}"
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


def show(value: object) -> str:
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
            items = ", ".join(show(item) for item in value[:4])
            return f"[{items}{', …' if len(value) > 4 else ''}]"
        case dict():
            return "{…}"
        case None:
            return "nothing"
        case _:
            return str(value)


def validate_model(
    model: type[_Model],
    data: dict[str, Any],
    *,
    path: Path,
    locator: Locator,
    prefix: Loc,
    context: Mapping[str, Any],
    problems: list[Problem],
) -> _Model | None:
    """``data`` validated by ``model``, or None with its problems added to ``problems``."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems.extend(
            problems_from_validation_error(exc, path=path, locator=locator, prefix=prefix)
        )
        return None


# --------------------------------------------------------------------------
# Checks shared by both formats


def duplicate_persons(
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
                    f"the same person as {labels[first]}: record_id {show(record_id.strip())}"
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
                message = f"the same person as {labels[first]}: {show(name.strip())}{born}"
                clashes.append((index, "name", message))
    return clashes


def after_meeting(
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


def unknown_agencies(
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
            f"{show(attendee.agency)} is not among this file's agencies ({names})",
            "warning",
        )
        for attendee, line, field_name in attendees
        if attendee.agency.casefold() not in known
    ]
