"""The wrap-up: everything decided in the meeting and its loose ends, before it is closed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from ..db import Database
from ..enums import ReviewStatus
from ..models import ActionItem
from .decisions import DecisionRow, meeting_decisions
from .guard import load_meeting
from .items import AgendaRow, agenda
from .old_business import OldBusinessRow, old_business


@dataclass(frozen=True)
class Loose:
    """One loose end of the wrap-up, with where it is fixed: a decision's form or an agenda item's review."""

    text: str
    kind: str  # action | notification | case
    id: int  # the decision's id, or the agenda item's for a case


@dataclass
class WrapUp:
    decisions: list[DecisionRow]
    closed_old_business: list[OldBusinessRow]
    pending_items: list[AgendaRow]
    warnings: list[str]
    meeting_version: int = 1  # what closing writes against: close what you have seen
    loose: list[Loose] = field(default_factory=list)  # the warnings, each with the record that fixes it


def wrap_up(db: Database, meeting_id: int) -> WrapUp:
    """Everything decided in this meeting and what is still unassigned, undated or undiscussed."""
    with db.session() as s:
        meeting = load_meeting(s, meeting_id)
        meeting_version = meeting.version
        decisions = meeting_decisions(s, meeting)
        action_owners = {
            a.id: (a.owner_agency_id, a.owner_name)
            for a in s.exec(select(ActionItem).where(ActionItem.meeting_id == meeting_id)).all()
        }
    rows = agenda(db, meeting_id)
    loose: list[Loose] = []
    for d in decisions:
        if d.kind == "action" and action_owners.get(d.id) == (None, None):
            loose.append(Loose(f"action item {d.ref} has no owner", d.kind, d.id))
        if d.kind in ("action", "notification") and d.due_date is None:
            loose.append(Loose(f"{'action item' if d.kind == 'action' else 'notification'} {d.ref} has no due date",
                               d.kind, d.id))
        if d.kind == "notification" and not d.owner:
            loose.append(Loose(f"notification {d.ref} has no team", d.kind, d.id))
    pending = [r for r in rows if r.review_status == ReviewStatus.pending]
    for r in pending:
        loose.append(Loose(f"case {r.case_number} was not discussed (still pending)", "case", r.id))
    closed_here = [r for r in old_business(db, meeting_id) if r.closed_here]
    return WrapUp(decisions, closed_here, pending, [x.text for x in loose], meeting_version, loose)
