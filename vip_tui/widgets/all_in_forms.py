"""VIP All In's forms (SPEC §9): a contact, a stage, a walk-in, the needs, a goal, an exit, coach and cadence.

Each function returns the fields of one :class:`~vip_tui.widgets.dialogs.FormDialog`
and, where typed text must become a value, the parser the screen's write
calls. The caseload and participant screens ask with
:func:`vip_tui.screens.decision_forms.ask`: a refused write opens the form
again with what was typed, and says why.

Also here: :class:`Compartment`, the line a caseload or participant screen
shows instead of service records when its audience may not read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from textual.reactive import reactive
from textual.widgets import Static

from ..enums import ACTIVE_STAGES, ContactMethod, ExitReason, NeedDomain, NeedLevel, Stage
from ..services.all_in import CADENCE_RANGE, MAX_MINUTES, AssessmentRow
from ..services.notifications import parse_when
from .dialogs import Field

# What a screen shows in place of service records while the shared screen is the audience.
HIDDEN_PRESENTING = "Hidden while presenting: VIP All In records are for program staff"
# ... and at a desk that is not VIP All In's (vip --desk full).
HIDDEN_DESK = ("The caseload holds VIP All In service records, for program staff only: "
               "start vip with --desk services")

# Short names of the need domains, for table cells ("housing, ID docs").
SHORT_DOMAIN = {
    NeedDomain.safety: "safety",
    NeedDomain.housing: "housing",
    NeedDomain.employment: "work",
    NeedDomain.education: "school",
    NeedDomain.income: "income",
    NeedDomain.physical_health: "health",
    NeedDomain.mental_health: "mental",
    NeedDomain.substance_use: "subst.",
    NeedDomain.legal: "legal",
    NeedDomain.family: "family",
    NeedDomain.transportation: "transport",
    NeedDomain.id_documents: "ID docs",
}
LEVEL_WORDS = {"n": NeedLevel.none, "s": NeedLevel.some, "u": NeedLevel.urgent}
METHOD_WORDS = {
    ContactMethod.in_person: "in person", ContactMethod.phone: "phone", ContactMethod.text: "text",
    ContactMethod.attempt: "attempt (no contact)",
}


class Compartment(Static):
    """The line shown instead of service records: nothing, or why they are hidden (state down, data_bind)."""

    DEFAULT_CSS = """
    Compartment { display: none; padding: 1 2; color: $warning; text-style: bold; }
    Compartment.-hidden-records { display: block; }
    """

    presenting: reactive[bool] = reactive(False)
    shown_as: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id)

    def watch_shown_as(self) -> None:
        self._draw()

    def watch_presenting(self) -> None:
        self._draw()

    def _draw(self) -> None:
        reason = hidden_reason(self.app)
        self.update(reason or "")
        self.set_class(reason is not None, "-hidden-records")


def records_shown(app: Any) -> bool:
    """Whether the app's audience now (the desk, or the shared screen while presenting) reads service records."""
    from ..disclosure import may_see

    return may_see(app.audience, "services.records")


def hidden_reason(app: Any) -> str | None:
    """Why service records are not shown to the app's audience now, or None when they are."""
    if records_shown(app):
        return None
    return HIDDEN_PRESENTING if app.presenting else HIDDEN_DESK


# --------------------------------------------------------------------------- checks of typed values


def _cadence_ok(value: str) -> str | None:
    low, high = CADENCE_RANGE
    try:
        number = float(value)
    except ValueError:
        return f"contacts per week, a number like 1 or 0.5, not {value!r}"
    return None if low <= number <= high else f"between {low:g} and {high:g} contacts per week"


def _minutes_ok(value: str) -> str | None:
    if not value.isdigit() or int(value) > MAX_MINUTES:
        return f"a whole number of minutes, 0 to {MAX_MINUTES}"
    return None


def when_check(now: dt.datetime) -> Any:
    def check(value: str) -> str | None:
        try:
            parse_when(value, now)
        except ValueError as exc:
            return str(exc)
        return None

    return check


def parse_need(text: str | None) -> tuple[NeedLevel, str | None]:
    """``urgent: eviction notice`` -> (urgent, "eviction notice"); ``s`` -> (some, None); empty -> none.

    Raises ValueError naming the levels.
    """
    raw = (text or "").strip()
    word, _, note = raw.partition(":")
    word = word.strip().lower()
    if not word:
        level = NeedLevel.none
    elif word in NeedLevel.values():
        level = NeedLevel(word)
    elif word in LEVEL_WORDS:
        level = LEVEL_WORDS[word]
    else:
        raise ValueError(f"start with none, some or urgent (n, s, u), then : and a short note, not {word!r}")
    return level, note.strip() or None


def _need_ok(value: str) -> str | None:
    try:
        parse_need(value)
    except ValueError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- the forms


def contact_fields(now: dt.datetime, user: str) -> list[Field]:
    """A contact: how, when (now), minutes, note, by whom (the user)."""
    return [
        Field("method", "How", kind="select", required=True, value=ContactMethod.in_person.value,
              options=[(METHOD_WORDS[m], m.value) for m in ContactMethod]),
        Field("when", "When", value=f"{now:%Y-%m-%d %H:%M}", check=when_check(now),
              placeholder="now, 18:10, 2026-11-20 18:10"),
        Field("minutes", "Minutes", value="0", check=_minutes_ok, placeholder="minutes spent"),
        Field("note", "Note", placeholder="optional: what happened, what is next"),
        Field("by", "By", value=user, required=True, placeholder="who made the contact"),
    ]


def stage_fields(current: Stage, today: dt.date) -> list[Field]:
    """Move to another of the active stages (exit is its own key, with a reason)."""
    return [
        Field("stage", f"Stage (now {current.label})", kind="select", required=True,
              options=[(s.label, s.value) for s in ACTIVE_STAGES if s != current]),
        Field("on", "Since", kind="date", value=today.isoformat(), placeholder="2026-11-24"),
    ]


def walk_in_fields(coaches: Sequence[str], coach: str | None = None) -> list[Field]:
    """A walk-in: a person record made now and enrolled at once."""
    return [
        Field("name", "Name", required=True, placeholder="first and last name"),
        Field("dob", "Date of birth", kind="date", placeholder="optional: 1999-04-02"),
        Field("coach", "Peer coach", required=True, value=coach, suggestions=list(coaches),
              placeholder="→ accepts a suggestion"),
        Field("cadence", "Contacts per week", value="1", check=_cadence_ok, placeholder="1, 2, 0.5"),
    ]


def plan_fields(coach: str, cadence: float, coaches: Sequence[str]) -> list[Field]:
    return [
        Field("coach", "Peer coach", required=True, value=coach, suggestions=list(coaches)),
        Field("cadence", "Contacts per week", value=f"{cadence:g}", check=_cadence_ok, placeholder="1, 2, 0.5"),
    ]


def needs_fields(current: AssessmentRow | None) -> list[Field]:
    """One line per domain, ``level: note``, pre-filled from the current assessment."""
    fields = []
    for domain in NeedDomain:
        value = "none"
        if current is not None:
            need = next((n for n in current.needs if n.domain == domain), None)
            if need is not None:
                value = need.level.value + (f": {need.note}" if need.note else "")
        fields.append(Field(f"need_{domain.value}", domain.label, value=value, check=_need_ok,
                            placeholder="none | some | urgent: a short note"))
    return fields


def needs_values(values: dict[str, Any]) -> dict[NeedDomain, tuple[NeedLevel, str | None]]:
    return {domain: parse_need(values.get(f"need_{domain.value}")) for domain in NeedDomain}


def goal_fields(today: dt.date) -> list[Field]:
    return [
        Field("domain", "Domain", kind="select", required=True, options=[(d.label, d.value) for d in NeedDomain]),
        Field("goal", "Goal", required=True, placeholder="e.g. a lease in his own name"),
        Field("target", "Target date", kind="date", placeholder="optional: 2026-12-31, +30, 8w"),
        Field("milestones", "Milestones", placeholder="optional, separated by ;  e.g. ID card; application; lease"),
    ]


def milestones_of(text: str | None) -> list[str]:
    return [m.strip() for m in (text or "").split(";") if m.strip()]


def exit_fields(today: dt.date) -> list[Field]:
    return [
        Field("reason", "Reason", kind="select", required=True, options=[(r.label, r.value) for r in ExitReason]),
        Field("on", "Exited on", kind="date", value=today.isoformat(), required=True),
    ]
