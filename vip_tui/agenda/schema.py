"""The shape of an agenda file (SPEC §4) as pydantic models.

One model per TOML table (or CSV row part): ``MeetingIn``, ``AgencyIn``,
``AttendeeIn``, ``IncidentIn`` with its ``PersonIn`` list, and ``Agenda`` for a
whole file. The models only say what a valid value is; finding the file, the
line and the field of a mistake, and wording it for people, is the job of
the readers (:mod:`vip_tui.agenda.toml_reader`, :mod:`vip_tui.agenda.csv_reader`)
and :mod:`vip_tui.agenda.problems`.

Values arrive in one of two ways, chosen by the validation context:

* ``TOML_CONTEXT`` (typed values): TOML has real dates, date-times, times and
  numbers, so a quoted ``"2026-11-24"`` is refused with a hint to drop the
  quotes. Accepting it would let the same file mean different things to other
  TOML tools.
* ``TEXT_CONTEXT`` (or no context: the default for Python callers): every
  value may be text, as in a CSV cell, and is parsed from ISO 8601.

Every text has the length limit of the column it is stored in (read from
:mod:`vip_tui.models`, so the two cannot drift apart; columns without a
length get one here), and dates lie in a sane range: what validation
accepts, SQLite and PostgreSQL both store the same.

Mistakes that pydantic has no error type for raise ``PydanticCustomError``
with the types listed in ``CUSTOM_ERROR_TYPES``; the parser words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    BeforeValidator,
    AfterValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from vip_tui.enums import AgencyKind, CaseStatus, IncidentType, RetaliationRisk, Role

__all__ = [
    "COLUMN_LIMITS",
    "CUSTOM_ERROR_TYPES",
    "LIMITS",
    "FIELD_NAMES",
    "TEXT_CONTEXT",
    "TOML_CONTEXT",
    "AgencyIn",
    "Agenda",
    "AttendeeIn",
    "IncidentIn",
    "MeetingIn",
    "PersonIn",
    "split_list",
]

# Read-only, as they are shared by every validation.
TOML_CONTEXT: Final[Mapping[str, Any]] = MappingProxyType({"typed_values": True})
TEXT_CONTEXT: Final[Mapping[str, Any]] = MappingProxyType({"typed_values": False})

# Examples shown in hints: the forms the CSV format asks for.
DATE_EXAMPLE: Final = "2026-11-27"
_EXAMPLE_CLOCK: Final = "22:15:00"
DATETIME_EXAMPLE: Final = f"{DATE_EXAMPLE}T{_EXAMPLE_CLOCK}"
TIME_EXAMPLE: Final = "09:00"

# ctx of each: "kind" (date, date-time, time, number) and "example" (or None).
CUSTOM_ERROR_TYPES: Final = frozenset(
    {
        "blank",  # a required value that is only whitespace
        "not_a_date",
        "not_a_datetime",
        "not_a_time",
        "not_whole_number",
        "quoted_value",  # TOML: a typed value written as a string
        "datetime_not_date",  # a date-time where only a date belongs
        "date_not_datetime",  # a date where a date-time (with its time) belongs
        "has_offset",  # a date-time with a time-zone offset; local time is wanted
        "date_out_of_range",  # ctx "earliest", "latest" (ISO dates) and "what"
    }
)


def _typed(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("typed_values"))


def _error(kind_of_error: str, kind: str, example: str | None = None) -> PydanticCustomError:
    # The template is only for callers that print pydantic's own messages;
    # the parser words each type itself.
    return PydanticCustomError(
        kind_of_error,
        "invalid {kind}" if example is None else "invalid {kind}, write {example}",
        {"kind": kind, "example": example},
    )


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _parse_iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_iso_datetime(text: str) -> datetime | None:
    # date.fromisoformat accepts what datetime.fromisoformat reads as midnight;
    # a bare date is not a date-time here, so it is tried first.
    if _parse_iso_date(text) is not None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _to_date(value: object, info: ValidationInfo) -> object:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        raise _error("blank", "date")
    # datetime is a subclass of date, so it is checked first.
    if isinstance(value, datetime):
        raise _error("datetime_not_date", "date", value.date().isoformat())
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        parsed = _parse_iso_date(text)
        if _typed(info):
            if parsed is not None:
                raise _error("quoted_value", "date", parsed.isoformat())
            raise _error("not_a_date", "date")
        if parsed is not None:
            return parsed
        as_datetime = _parse_iso_datetime(text)
        if as_datetime is not None:
            raise _error("datetime_not_date", "date", as_datetime.date().isoformat())
        raise _error("not_a_date", "date", DATE_EXAMPLE)
    raise _error("not_a_date", "date", None if _typed(info) else DATE_EXAMPLE)


def _check_naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise _error("has_offset", "date-time", value.replace(tzinfo=None).isoformat())
    return value


def _to_datetime(value: object, info: ValidationInfo) -> object:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        raise _error("blank", "date-time")
    if isinstance(value, datetime):
        return _check_naive(value)
    if isinstance(value, date):
        raise _error("date_not_datetime", "date-time", f"{value.isoformat()}T{_EXAMPLE_CLOCK}")
    if isinstance(value, str):
        text = value.strip()
        as_date = _parse_iso_date(text)
        if as_date is not None:
            raise _error(
                "date_not_datetime", "date-time", f"{as_date.isoformat()}T{_EXAMPLE_CLOCK}"
            )
        parsed = _parse_iso_datetime(text)
        if parsed is None:
            raise _error("not_a_datetime", "date-time", None if _typed(info) else DATETIME_EXAMPLE)
        if parsed.tzinfo is not None:
            _check_naive(parsed)
        if _typed(info):
            raise _error("quoted_value", "date-time", parsed.isoformat())
        return parsed
    raise _error("not_a_datetime", "date-time", None if _typed(info) else DATETIME_EXAMPLE)


def _to_time(value: object, info: ValidationInfo) -> object:
    # Times and numbers are optional everywhere, so blank means "not given".
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        raise _error("not_a_time", "time", None if _typed(info) else TIME_EXAMPLE)
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise _error("has_offset", "time", value.replace(tzinfo=None).isoformat())
        return value
    if isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            raise _error("not_a_time", "time", None if _typed(info) else TIME_EXAMPLE) from None
        if _typed(info):
            # TOML local times need seconds, so the hint spells them out.
            raise _error("quoted_value", "time", parsed.isoformat(timespec="seconds"))
        return parsed
    raise _error("not_a_time", "time", None if _typed(info) else TIME_EXAMPLE)


def _to_int(value: object, info: ValidationInfo) -> object:
    value = _blank_to_none(value)
    if value is None:
        return None
    # bool is an int subclass; `minutes = true` is a mistake, not 1.
    if isinstance(value, bool):
        raise _error("not_whole_number", "number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            raise _error("not_whole_number", "number") from None
        if _typed(info):
            raise _error("quoted_value", "number", str(number))
        return number
    raise _error("not_whole_number", "number")


def _enum_word(value: object) -> object:
    # Records systems write "Non-Fatal" or "Shots Fired"; the vocabulary is
    # lower case with underscores, so both are read as the word they mean.
    if isinstance(value, str):
        return "_".join(value.strip().lower().replace("-", " ").split())
    return value


def _required_enum_word(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise _error("blank", "value")
    return _enum_word(value)


def _optional_enum_word(value: object) -> object:
    return _enum_word(_blank_to_none(value))


def _required_text(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise _error("blank", "text")
    return value


def _leads(value: object) -> object:
    return [] if value is None else value


def split_list(text: str | None) -> list[str]:
    """A list written in one text cell, a CSV cell or a form field: items separated by ``;``.

    The CSV format (README "CSV") separates ``nibin_leads`` and
    ``person_aliases`` with ``;`` because the comma separates the columns; a
    comma inside a cell is part of an item, in an import and in the agenda
    builder's form alike.
    """
    return [item.strip() for item in (text or "").split(";") if item.strip()]


# The most characters of each text: the length of the column it is stored in
# (models.py; tests/test_agenda_limits.py holds the two equal, as this layer
# imports no database code), or, for columns without one, the agenda's own.
# One set of limits for both backends: SQLite would store any length.
COLUMN_LIMITS: Final[Mapping[str, tuple[int, str]]] = MappingProxyType(
    {
        "case_number": (60, "Incident.case_number"),
        "record_id": (60, "Person.record_id"),
        "location": (300, "Incident.location"),
        "area_command": (100, "Incident.area_command"),
        "motive": (300, "Incident.motive"),
        "person_name": (200, "Person.name"),
        "alias": (200, "Person.name"),
        "group": (200, "Group.name"),
        "agency_short_name": (40, "Agency.short_name"),
        "agency_name": (200, "Agency.name"),
        "attendee_name": (200, "Attendee.name"),
        "attendee_role": (200, "Attendee.role"),
        "meeting_text": (200, "Meeting.title"),
    }
)
LIMITS: Final[Mapping[str, int]] = MappingProxyType(
    {
        **{name: length for name, (length, _) in COLUMN_LIMITS.items()},
        "summary": 10_000,
        "partner_summary": 10_000,
        "notes": 2_000,
        "nibin_lead": 100,
    }
)
MAX_LEADS: Final = 50
MAX_ALIASES: Final = 20

EARLIEST_BIRTH: Final = date(1900, 1, 1)
CENTURY_YEARS: Final = 100


def _in_range(value: date, earliest: date, latest: date, what: str) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not earliest <= day <= latest:
        raise PydanticCustomError(
            "date_out_of_range",
            "{what} must lie between {earliest} and {latest}",
            {"what": what, "earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )


def _born(value: date | None) -> date | None:
    # Not in the future, not before 1900: a typo in the year, most likely.
    if value is not None:
        _in_range(value, EARLIEST_BIRTH, date.today(), "a date of birth")
    return value


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _within_a_century(value: date) -> date:
    # Meetings and incidents within a century of today (years 0001 and 9999 are typos).
    today = date.today()
    _in_range(value, _years_from(today, -CENTURY_YEARS), _years_from(today, CENTURY_YEARS), "a date")
    return value


def _text(limit: str) -> Any:
    return Annotated[str, Field(max_length=LIMITS[limit]), BeforeValidator(_required_text)]


def _optional_text(limit: str) -> Any:
    return Annotated[
        Annotated[str, Field(max_length=LIMITS[limit])] | None, BeforeValidator(_blank_to_none)
    ]


# Strings are stripped by the models' str_strip_whitespace; these say what a
# blank one means: a mistake where the value is required, "not given" elsewhere.
# (Annotated before-validators run last-first: _blank_to_none goes before _to_date.)
AgencyNameOptionalText = _optional_text("agency_name")
AreaCommandOptionalText = _optional_text("area_command")
AttendeeRoleOptionalText = _optional_text("attendee_role")
GroupOptionalText = _optional_text("group")
MeetingTextOptionalText = _optional_text("meeting_text")
MotiveOptionalText = _optional_text("motive")
NotesOptionalText = _optional_text("notes")
PartnerSummaryOptionalText = _optional_text("partner_summary")
RecordIdOptionalText = _optional_text("record_id")
SummaryOptionalText = _optional_text("summary")
AgencyShortNameText = _text("agency_short_name")
AliasText = _text("alias")
AttendeeNameText = _text("attendee_name")
CaseNumberText = _text("case_number")
LocationText = _text("location")
NibinLeadText = _text("nibin_lead")
PersonNameText = _text("person_name")
LocalDate = Annotated[date, BeforeValidator(_to_date), AfterValidator(_within_a_century)]
BirthDate = Annotated[
    date | None, BeforeValidator(_to_date), BeforeValidator(_blank_to_none), AfterValidator(_born)
]
LocalDateTime = Annotated[datetime, BeforeValidator(_to_datetime), AfterValidator(_within_a_century)]
OptionalTime = Annotated[time | None, BeforeValidator(_to_time)]

IncidentMinutes = Annotated[Annotated[int, Field(ge=1, le=240)] | None, BeforeValidator(_to_int)]
MeetingMinutes = Annotated[Annotated[int, Field(ge=1, le=600)] | None, BeforeValidator(_to_int)]
IncidentTypeWord = Annotated[IncidentType, BeforeValidator(_required_enum_word)]
RoleWord = Annotated[Role, BeforeValidator(_required_enum_word)]
OptionalAgencyKind = Annotated[AgencyKind | None, BeforeValidator(_optional_enum_word)]
OptionalCaseStatus = Annotated[CaseStatus | None, BeforeValidator(_optional_enum_word)]
OptionalRetaliationRisk = Annotated[RetaliationRisk | None, BeforeValidator(_optional_enum_word)]


class _Table(BaseModel):
    """One TOML table or CSV row part; ``line`` is where it starts (0: not from a file)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    line: int = Field(default=0, ge=0)


class AgencyIn(_Table):
    """A partner agency, ``[[agencies]]``."""

    short_name: AgencyShortNameText
    name: AgencyNameOptionalText = None
    kind: OptionalAgencyKind = None


class AttendeeIn(_Table):
    """An invitee, ``[[attendees]]``; ``agency`` is the agency's short name."""

    name: AttendeeNameText
    agency: AgencyShortNameText
    role: AttendeeRoleOptionalText = None


class PersonIn(_Table):
    """A person's involvement in an incident, ``[[incidents.persons]]``."""

    name: PersonNameText
    role: RoleWord
    dob: BirthDate = None
    record_id: RecordIdOptionalText = None
    group: GroupOptionalText = None
    notes: NotesOptionalText = None
    # Other names the person is known by: TOML aliases = [...], CSV person_aliases "a; b".
    aliases: Annotated[list[AliasText], BeforeValidator(_leads), Field(max_length=MAX_ALIASES)] = Field(
        default_factory=list
    )


class IncidentIn(_Table):
    """A shooting on the agenda, ``[[incidents]]``; ``occurred_at`` is naive local time."""

    case_number: CaseNumberText
    occurred_at: LocalDateTime
    type: IncidentTypeWord
    location: LocationText
    area_command: AreaCommandOptionalText = None
    summary: SummaryOptionalText = None
    # What partners may read (issue 11): written for them, still released in the wrap-up.
    partner_summary: PartnerSummaryOptionalText = None
    minutes: IncidentMinutes = None
    nibin_leads: Annotated[list[NibinLeadText], BeforeValidator(_leads), Field(max_length=MAX_LEADS)] = (
        Field(default_factory=list)
    )
    motive: MotiveOptionalText = None
    case_status: OptionalCaseStatus = None
    retaliation_risk: OptionalRetaliationRisk = None
    persons: list[PersonIn] = Field(default_factory=list)


class MeetingIn(_Table):
    """The meeting the file is the agenda of, ``[meeting]``; ``minutes`` is its length."""

    date: LocalDate
    title: MeetingTextOptionalText = None
    location: MeetingTextOptionalText = None
    facilitator: MeetingTextOptionalText = None
    start_time: OptionalTime = None
    minutes: MeetingMinutes = None


class Agenda(BaseModel):
    """A whole agenda file, valid in itself (cross-file checks are the parser's)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    meeting: MeetingIn
    agencies: list[AgencyIn] = Field(default_factory=list)
    attendees: list[AttendeeIn] = Field(default_factory=list)
    incidents: list[IncidentIn] = Field(default_factory=list)


# Field names per model, for "did you mean" hints on unknown fields.
FIELD_NAMES: Final[dict[str, tuple[str, ...]]] = {
    model.__name__: tuple(name for name in model.model_fields if name != "line")
    for model in (AgencyIn, AttendeeIn, PersonIn, IncidentIn, MeetingIn)
}
