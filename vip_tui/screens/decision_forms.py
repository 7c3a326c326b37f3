"""The forms of the three decisions, for creating and for editing, from every screen that shows them.

One definition of each form (action item, custom notification, referral):
the review creates and edits with them, the wrap-up and the boards edit with
them (issue 13 item 1). Owner and team fields suggest the meeting's attendees
and the program's people (right arrow accepts). A refused write (an unknown
agency, a homicide victim, a decision changed elsewhere) never loses what was
typed: the form opens again with it, and the message says what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..enums import Role
from ..services import decisions as dsvc
from ..services.attendance import agency_short_names
from ..services.decisions import DecisionRow
from ..services.guard import MeetingClosed, ReviewError, StaleEdit
from ..widgets import text as shown
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog

if TYPE_CHECKING:
    from .base import VipScreen as Screen

DUE_HINT = "2026-12-04, +7, 2w, fri"
SERVICES = [
    "peer support", "housing", "job training", "mental health", "substance use treatment", "relocation",
    "victim services",
]
KIND_TITLE = {"action": "Action item", "notification": "Custom notification", "referral": "Referral"}


def _known_agency(agencies: Sequence[str]) -> Callable[[str], str | None]:
    known = {a.casefold() for a in agencies}
    return lambda v: None if v.casefold() in known else f"unknown agency; known: {', '.join(agencies[:10])}"


def action_fields(agencies: Sequence[str], names: Sequence[str], values: dict[str, Any] | None = None) -> list[Field]:
    v = values or {}
    return [
        Field("description", "What is to be done", required=True, value=v.get("description")),
        Field("agency", "Owner agency", suggestions=agencies, placeholder="e.g. RMPD (→ accepts)",
              check=_known_agency(agencies), value=v.get("agency")),
        Field("owner", "Owner person", placeholder="optional (→ accepts an attendee)", suggestions=names,
              value=v.get("owner")),
        Field("due", "Due", kind="date", placeholder=DUE_HINT, value=v.get("due")),
    ]


def notification_fields(
    persons: Sequence[tuple[str, int]], names: Sequence[str], values: dict[str, Any], *,
    killed: frozenset[int] = frozenset(),
) -> list[Field]:
    """``persons``: (label, person id) to choose from; ``killed``: homicide victims among them (refused in the form)."""
    hint = "optional (→ accepts an attendee or staff)"
    return [
        Field("person", "Person", kind="select", options=list(persons), value=values.get("person"), required=True,
              check=lambda pid: "a homicide victim cannot be notified: choose a relative or an associate"
              if pid in killed else None),
        Field("reasons", "Risk reasons", value=values.get("reasons")),
        Field("officer", "Team: officer", suggestions=names, placeholder=hint, value=values.get("officer")),
        Field("voice", "Team: community voice", suggestions=names, placeholder=hint, value=values.get("voice")),
        Field("outreach", "Team: outreach / peer worker", suggestions=names, placeholder=hint,
              value=values.get("outreach")),
        Field("due", "Due", kind="date", placeholder=DUE_HINT, value=values.get("due")),
    ]


def referral_fields(persons: Sequence[tuple[str, int]], values: dict[str, Any]) -> list[Field]:
    return [
        Field("person", "Person", kind="select", options=list(persons), value=values.get("person"), required=True),
        Field("service", "Service", required=True, placeholder="e.g. peer support, housing, job training",
              suggestions=SERVICES, value=values.get("service")),
        Field("provider", "Provider", placeholder="optional", value=values.get("provider")),
    ]


def person_label(screen: Screen, name: str, role: Role | None) -> str:
    return f"{shown.name(screen.app, name)} ({role.label if role else 'not in this incident'})"


def _refilled(fields: list[Field], values: dict[str, Any]) -> list[Field]:
    """The same form with what was typed in it, to ask again after a refusal."""
    out = []
    for f in fields:
        value = values.get(f.name, f.value)
        out.append(replace(f, value=value.isoformat() if isinstance(value, dt.date) else value))
    return out


def ask(
    screen: Screen, title: str, fields: list[Field], write: Callable[[dict[str, Any]], object],
    on_done: Callable[[], None], *, saved: Callable[[object], str] | None = None,
) -> None:
    """Ask with a form, write the values through ``write``, then ``on_done`` (redraw).

    A refusal opens the form again with what was typed (nothing is lost) and
    says why; a decision changed or removed elsewhere is said and redrawn.
    """

    async def done(values: dict[str, Any] | None) -> None:
        if values is None:
            return
        try:
            result = await screen.written(write, values)  # in the screen's ordered write lane, off the UI thread
        except (StaleEdit, MeetingClosed) as exc:  # asking again would not help: said, and redrawn
            screen.notify(shown.safe(exc), severity="error", timeout=8, markup=False)
            on_done()
            return
        except ReviewError as exc:
            screen.notify(f"Not saved: {shown.safe(exc)}", severity="error", timeout=10, markup=False)
            screen.app.push_screen(FormDialog(title, _refilled(fields, values), today=screen.app.now().date()), done)
            return
        if saved is not None:
            screen.notify(saved(result), markup=False)
        on_done()

    screen.app.push_screen(FormDialog(title, fields, today=screen.app.now().date()), done)


def edit(
    screen: Screen, kind: str, decision_id: int, on_done: Callable[[], None], *, meeting_id: int | None = None,
) -> None:
    """Open the decision's form pre-filled with what is stored now; saving corrects it (same checks as creating)."""
    db = screen.app.db
    try:
        current = dsvc.decision_values(db, kind, decision_id)
    except ReviewError as exc:
        screen.notify(shown.safe(exc), severity="error", markup=False)
        on_done()
        return
    if current.closed_meeting is not None:
        screen.notify(f"This was decided at the meeting of {current.closed_meeting.isoformat()}, which is closed: "
                      "it is corrected as an amendment, with a reason", severity="warning", timeout=8)
        return
    names = dsvc.team_suggestions(db, current.meeting_id if current.meeting_id is not None else meeting_id)
    persons = [(person_label(screen, p.name, p.role), p.person_id) for p in current.persons]
    if current.kind == "action":
        fields = action_fields(agency_short_names(db), names, current.values)
    elif current.kind == "notification":
        fields = notification_fields(persons, names, current.values, killed=current.killed)
    else:
        fields = referral_fields(persons, current.values)
    ref = f" {current.ref}" if current.ref else ""
    title = f"Edit {KIND_TITLE[current.kind].lower()}{ref}"
    ask(
        screen, title, fields,
        lambda v: dsvc.edit_decision(db, current.kind, current.id, v, version=current.version),
        on_done, saved=lambda row: f"{KIND_TITLE[current.kind]}{ref} corrected",
    )


def describe(screen: Screen, decision: DecisionRow) -> str:
    """How the question before removing names a decision (the person as the audience may read the name)."""
    return {
        "action": f"action item {decision.ref}",
        "notification": f"the notification {decision.ref} for {shown.name(screen.app, decision.person)}",
        "referral": f"the referral of {shown.name(screen.app, decision.person)}",
    }[decision.kind]


def delete(
    screen: Screen, kind: str, decision_id: int, version: int, words: str, on_done: Callable[[], None],
) -> None:
    """Ask, then remove the decision (refused, with the reason, when it has a history)."""
    db = screen.app.db

    async def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            gone = await screen.written(dsvc.delete_decision, db, kind, decision_id, version=version)
        except ReviewError as exc:
            screen.notify(f"Not removed: {shown.safe(exc)}", severity="error", timeout=10, markup=False)
            on_done()
            return
        screen.notify(f"Removed {shown.safe(gone)}", markup=False)
        on_done()

    screen.app.push_screen(
        ConfirmDialog(f"Remove {words}? It was recorded by mistake (the audit log keeps what it said)."), answered
    )
