"""Amendments: the one way to correct a closed meeting (SPEC §3), from the wrap-up and ``vip amend``.

A closed meeting is read-only; what it *decided* can still be corrected, but
only as an amendment: which record, which field, the value before and after,
why, who and when. The minutes print them (an "Amendments" section) and a
minutes export after an amendment is a new version of that document.

Decisions written down (issue 13 item 2):

- What may be amended is what the meeting decided or recorded (:data:`AMENDABLE`):
  an action item's wording, owner and due date; a notification's reasons,
  team and due date; a referral's service, provider and note; an attendee's
  attendance; a note's text and visibility. Statuses and outcomes of action
  items, notifications and referrals are *follow-up*: they change on the
  boards and in old business between meetings, not by amendment.
- Values are checked as creating the record checks them: dates are
  ``YYYY-MM-DD``, an owner agency must be known, a wording that creation
  requires cannot be emptied, a status or visibility must be one of its
  values. An empty value clears an optional field. A value equal to the
  current one is refused (nothing to amend).
- Refused, with nothing written: an empty reason, a meeting not closed, a
  record not of this meeting, a record changed since it was read (the
  ``version`` the caller saw).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from ..db import Database
from ..enums import Attendance, MeetingStatus, NoteVisibility
from ..models import (
    ActionItem,
    Agency,
    Amendment,
    Attendee,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    Referral,
)
from ..names import name_key
from ..sanitize import clean
from .guard import ReviewError, check_version, load_meeting, writing
from .decisions import parse_owner


@dataclass(frozen=True)
class FieldSpec:
    """One amendable field: its name (as typed on the command line), words, column and kind of value."""

    name: str
    label: str
    column: str
    kind: str = "text"  # text | date | agency | choice
    required: bool = False  # creation refuses it empty
    choices: tuple[str, ...] = ()
    # What of the record this field is, for the disclosure layer (vip_tui/disclosure FIELDS): partners
    # read that it was amended only if they may see it, and its values only if it is plain facts.
    disclosure: str = "amendment.note"


def partner_values(spec: FieldSpec) -> bool:
    """Whether partners may read the field's before and after values as stored (not text that needs release)."""
    return spec.kind in ("date", "choice") and spec.disclosure in ("decision.facts", "meeting.attendance")


def _text(name: str, label: str, disclosure: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, label, name, required=required, disclosure=disclosure)


_DUE = FieldSpec("due_date", "due date", "due_date", "date", disclosure="decision.facts")

# entity -> (model, its words, its fields by name)
AMENDABLE: dict[str, tuple[type, str, dict[str, FieldSpec]]] = {
    "action_item": (ActionItem, "action item", {f.name: f for f in (
        _text("description", "wording", "action.description", required=True),
        FieldSpec("owner_agency", "owner agency", "owner_agency_id", "agency", disclosure="decision.facts"),
        _text("owner_name", "owner", "decision.facts"),
        _DUE,
    )}),
    "notification": (Notification, "notification", {f.name: f for f in (
        _text("reasons", "reasons", "notification.reasons"),
        _text("team_officer", "team officer", "decision.facts"),
        _text("team_community_voice", "team community voice", "decision.facts"),
        _text("team_outreach", "team outreach worker", "decision.facts"),
        _DUE,
    )}),
    "referral": (Referral, "referral", {f.name: f for f in (
        _text("service", "service", "referral.facts", required=True),
        _text("provider", "provider", "referral.facts"),
        _text("note", "note", "referral.note"),
    )}),
    "attendance": (MeetingAttendance, "attendance", {f.name: f for f in (
        FieldSpec("status", "attendance", "status", "choice", choices=Attendance.values(),
                  disclosure="meeting.attendance"),
    )}),
    "note": (Note, "note", {f.name: f for f in (
        _text("text", "text", "amendment.note"),
        FieldSpec("visibility", "visibility", "visibility", "choice", choices=NoteVisibility.values()),
    )}),
}
# The words people type for each kind of record ("action item 47-3", "notification 47-4").
KIND_WORDS = {"action item": "action_item", "action": "action_item", "notification": "notification",
              "referral": "referral", "attendance": "attendance", "note": "note"}
# The wrap-up's decision kinds.
DECISION_ENTITIES = {"action": "action_item", "notification": "notification", "referral": "referral"}


def fields_of(entity: str) -> dict[str, FieldSpec]:
    if entity not in AMENDABLE:
        raise ReviewError(f"{entity.replace('_', ' ')} records cannot be amended; amendable: {', '.join(KIND_WORDS)}")
    return AMENDABLE[entity][2]


def _spec(entity: str, field: str) -> FieldSpec:
    fields = fields_of(entity)
    if field not in fields:
        raise ReviewError(
            f"cannot amend {field!r} of a {AMENDABLE[entity][1]}; amendable: {', '.join(fields)}"
        )
    return fields[field]


# --------------------------------------------------------------------------- values


def _parse(s: Session, spec: FieldSpec, value: Any) -> Any:
    """``value`` (as typed, or already typed) as the column stores it; refused with what to type instead."""
    if isinstance(value, str):
        value = clean(value).strip()  # no NUL or control reaches the database (PostgreSQL refuses NUL)
        if value == "":
            value = None
    if value is None:
        if spec.required:
            raise ReviewError(f"the {spec.label} cannot be empty")
        if spec.kind == "choice":
            raise ReviewError(f"the {spec.label} must be one of: {', '.join(spec.choices)}")
        return None
    if spec.kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ReviewError(f"the {spec.label} must be a date as YYYY-MM-DD, not {str(value)!r}") from None
    if spec.kind == "agency":
        if isinstance(value, int):
            return value
        agency = parse_owner(s, str(value))
        return agency.id if agency else None
    if spec.kind == "choice":
        text = getattr(value, "value", str(value)).strip().lower().replace(" ", "_")
        if text not in spec.choices:
            raise ReviewError(f"the {spec.label} must be one of: {', '.join(spec.choices)}, not {str(value)!r}")
        return text
    return str(value)


def _plain(s: Session, spec: FieldSpec, value: Any) -> Any:
    """A stored value as the amendment keeps it: text, an ISO date, an agency's short name."""
    if value is None:
        return None
    if spec.kind == "agency":
        agency = s.get(Agency, value)
        return agency.short_name if agency else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return getattr(value, "value", value)


def shown_value(value: Any) -> str:
    """A kept value in words: "(none)" for nothing."""
    return "(none)" if value in (None, "") else str(value)


# --------------------------------------------------------------------------- writing


def amend(
    db: Database, meeting_id: int, entity: str, entity_id: int, changes: dict[str, Any], reason: str,
    *, version: int | None,
) -> Amendment:
    """Correct a record of a closed meeting, keeping the reason and the before/after values.

    ``changes`` maps field names of :data:`AMENDABLE` to new values (typed,
    or text as a person typed it). ``version`` is the amended record's, as
    the screen loaded it. Nothing is written when anything is refused.
    """
    reason = " ".join(clean(reason).split())
    if not reason:
        raise ReviewError("an amendment needs a reason: say why the record is corrected")
    specs = [_spec(entity, f) for f in changes]
    if not specs:
        raise ReviewError("nothing to amend: name a field and its new value")
    model, words, _fields = AMENDABLE[entity]
    with writing(db, f"the {words}") as s:
        meeting = load_meeting(s, meeting_id)
        if meeting.status != MeetingStatus.closed:
            raise ReviewError(
                f"the meeting of {meeting.date.isoformat()} is not closed: change the record directly, "
                "amendments are for closed meetings"
            )
        obj = s.get(model, entity_id)
        if obj is not None and getattr(obj, "meeting_id", None) != meeting_id:
            raise ReviewError(f"that {words} is not of the meeting of {meeting.date.isoformat()}")
        check_version(obj, version, f"the {words}")
        change: dict[str, list[Any]] = {}
        for spec in specs:
            new = _parse(s, spec, changes[spec.name])
            old = getattr(obj, spec.column)
            if _plain(s, spec, old) == _plain(s, spec, new):
                raise ReviewError(f"the {spec.label} is already {shown_value(_plain(s, spec, old))}: nothing to amend")
            change[spec.name] = [_plain(s, spec, old), _plain(s, spec, new)]
            setattr(obj, spec.column, new)
        amendment = Amendment(
            meeting_id=meeting_id, at=db.now(), user=db.user, reason=reason, entity=entity, entity_id=entity_id,
            change=change,
        )
        s.add(amendment)
        s.flush()
        return amendment


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RecordState:
    """A record of a closed meeting as an amendment form shows it."""

    entity: str
    id: int
    ref: str  # "notification 47-2"
    version: int
    values: dict[str, str]  # field -> current value as text ("" for none)


@dataclass(frozen=True)
class AmendmentRow:
    """One amended field, as the wrap-up, ``vip amendments`` and the minutes list it."""

    id: int
    at: dt.datetime
    user: str
    entity: str
    entity_id: int | None
    record: str  # "notification 47-2"
    field: str
    label: str
    before: Any
    after: Any
    reason: str
    disclosure: str  # what of the record the field is (vip_tui/disclosure FIELDS); unknown fields: "amendment.note"
    partner_values: bool  # before/after are facts partners may read
    attendee_id: int | None = None  # an attendance amendment's attendee (the minutes name them as passages)

    @property
    def change(self) -> str:
        return f"{shown_value(self.before)} → {shown_value(self.after)}"


_REF = re.compile(r"^\s*(?P<kind>action item|action|notification|referral|attendance|note)\b\s*(?:of\s+)?(?P<rest>.*)$",
                  re.IGNORECASE)


def find_record(db: Database, meeting_id: int, text: str) -> RecordState:
    """The record a person names ("notification 47-2", "action item 2", "referral 17", "attendance Ana Ruiz")."""
    m = _REF.match(text or "")
    if m is None or not m.group("rest").strip():
        raise ReviewError(
            f"unknown record {text!r}: name it as 'action item 47-3', 'notification 47-4', 'referral 12', "
            "'note 40' or 'attendance NAME'"
        )
    entity = KIND_WORDS[m.group("kind").lower()]
    rest = m.group("rest").strip()
    with db.session() as s:
        meeting = load_meeting(s, meeting_id)
        obj: Any = None
        if entity in ("action_item", "notification"):
            model = ActionItem if entity == "action_item" else Notification
            number = re.fullmatch(r"(?:(\d+)-)?(\d+)", rest)
            if number and (number.group(1) is None or int(number.group(1)) == meeting.number):
                obj = s.exec(select(model).where(model.meeting_id == meeting_id, model.number == int(number.group(2)))).first()
        elif entity == "attendance":
            q = select(MeetingAttendance).join(Attendee, Attendee.id == MeetingAttendance.attendee_id).where(
                MeetingAttendance.meeting_id == meeting_id)
            found = s.exec(q.where(Attendee.name_key == name_key(rest))).all()
            if len(found) > 1:
                raise ReviewError(f"{rest!r} names {len(found)} attendees of this meeting; name one by its number")
            obj = found[0] if found else (s.get(MeetingAttendance, int(rest)) if rest.isdigit() else None)
        elif rest.isdigit():
            obj = s.get(AMENDABLE[entity][0], int(rest))
        if obj is None or obj.meeting_id != meeting_id:
            raise ReviewError(f"no {AMENDABLE[entity][1]} {rest!r} in the meeting of {meeting.date.isoformat()}")
        return _state(s, meeting, entity, obj)


def record_state(db: Database, meeting_id: int, entity: str, entity_id: int) -> RecordState:
    """A record of the meeting by its kind and id (the wrap-up's highlighted decision)."""
    fields_of(entity)
    with db.session() as s:
        meeting = load_meeting(s, meeting_id)
        obj = s.get(AMENDABLE[entity][0], entity_id)
        if obj is None or obj.meeting_id != meeting_id:
            raise ReviewError(f"no {AMENDABLE[entity][1]} {entity_id} in the meeting of {meeting.date.isoformat()}")
        return _state(s, meeting, entity, obj)


def _state(s: Session, meeting: Meeting, entity: str, obj: Any) -> RecordState:
    values = {name: shown_value(_plain(s, spec, getattr(obj, spec.column))).replace("(none)", "")
              for name, spec in fields_of(entity).items()}
    return RecordState(entity, obj.id, _ref(s, meeting, entity, obj), obj.version, values)


def _ref(s: Session, meeting: Meeting, entity: str, obj: Any) -> str:
    if obj is None:
        return f"{entity.replace('_', ' ')} (removed)"
    if entity in ("action_item", "notification"):
        return f"{AMENDABLE[entity][1]} {meeting.ref(obj.number)}"
    if entity == "attendance":
        attendee = s.get(Attendee, obj.attendee_id)
        return f"attendance of {attendee.name if attendee else '?'}"
    return f"{AMENDABLE[entity][1]} {obj.id}"


def load_amendments(s: Session, meeting: Meeting) -> list[AmendmentRow]:
    """The amendments of ``meeting``, oldest first, one row per field changed."""
    rows: list[AmendmentRow] = []
    found = s.exec(select(Amendment).where(Amendment.meeting_id == meeting.id).order_by(Amendment.at, Amendment.id)).all()
    # The amended records (and attendees) in one statement per kind, not one per amendment: s.get below
    # then finds them in the session.
    for entity in {a.entity for a in found if a.entity in AMENDABLE}:
        model = AMENDABLE[entity][0]
        loaded = s.exec(select(model).where(model.id.in_({a.entity_id for a in found if a.entity == entity}))).all()
        if entity == "attendance":
            s.exec(select(Attendee).where(Attendee.id.in_({r.attendee_id for r in loaded}))).all()
    for a in found:
        model = AMENDABLE[a.entity][0] if a.entity in AMENDABLE else None
        obj = s.get(model, a.entity_id) if model is not None and a.entity_id is not None else None
        record = _ref(s, meeting, a.entity, obj)
        specs = AMENDABLE[a.entity][2] if a.entity in AMENDABLE else {}
        for field, (before, after) in a.change.items():
            spec = specs.get(field)
            rows.append(AmendmentRow(
                a.id, a.at, a.user, a.entity, a.entity_id, record, field, spec.label if spec else field.replace("_", " "),
                before, after, a.reason, spec.disclosure if spec else "amendment.note",
                bool(spec and partner_values(spec)),
                obj.attendee_id if a.entity == "attendance" and obj is not None else None,
            ))
    return rows


def list_amendments(db: Database, meeting_id: int) -> list[AmendmentRow]:
    """The amendments of a meeting, oldest first (see :func:`load_amendments`)."""
    with db.session() as s:
        return load_amendments(s, load_meeting(s, meeting_id))


def minutes_version(rows: list[AmendmentRow], at: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Which version of a meeting's minutes is current at ``at``: 1 + the amendments made by then, and the last one's time.

    Every amendment makes the minutes a new version; the dissemination log
    (``export/dissemination.py``) counts the same way, so the document's
    heading and the log always agree.
    """
    times = sorted({(r.id, r.at) for r in rows if r.at <= at}, key=lambda x: x[1])
    return 1 + len(times), (times[-1][1] if times else None)
