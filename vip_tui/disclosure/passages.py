"""Every stored string the partner edition of a meeting's minutes may print, as passages (SPEC §7).

A passage is one stored text with a key (``incident:12:partner_summary``,
``note:40``, ``action:7``, ``agency:2:name``...), where it stands in the
minutes and which field it is. The partner edition prints stored text only
through passages, and only what the release review
(:mod:`vip_tui.services.release`) let through; everything else it prints is
its own wording, role labels and structured facts (dates, counts, kinds,
statuses, case numbers, references).

Two kinds:

- ``needs_release``: text written for law enforcement (an action item's
  wording). It goes only once released or edited to partner wording.
- the rest: facts and text written for partners (the meeting's title,
  location and facilitator, agency names, attendees' names and roles, an
  incident's location and area and its partner summary, notes made visible
  to partners, action owners, notification teams, referral services and
  providers). Each goes when no protected token is in it, or every hit was
  marked "not this person".

Never passages, so never printed for partners: an incident's summary and
motive, NIBIN leads, notes for law enforcement only or for members,
involvement notes, notification reasons, services offered or accepted and
outcomes, referral notes, action outcomes. A notification's or referral's
subject is named in that entry only (a structured fact, not a passage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..enums import NoteVisibility

if TYPE_CHECKING:
    from ..export.data import MeetingData
    from ..models import ActionItem, Agency, Note, Notification, Referral


@dataclass(frozen=True)
class Source:
    """One stored string the partner edition may print."""

    key: str
    where: str  # 'meeting' | 'attendance' | 'old business' | 'incident 26-0098123' | 'general business'
    field: str  # 'title' | 'location' | 'partner summary' | 'note' | 'action 47-3' | ...
    text: str
    needs_release: bool


def partner_sources(data: MeetingData) -> list[Source]:
    """The passages of ``data``'s partner minutes, in the order the document prints them (each once)."""
    out: dict[str, Source] = {}

    def add(key: str, where: str, field: str, text: str | None, needs_release: bool = False) -> None:
        if text and text.strip() and key not in out:
            out[key] = Source(key, where, field, text, needs_release)

    m = data.meeting
    add(f"meeting:{m.id}:title", "meeting", "title", m.title)
    add(f"meeting:{m.id}:location", "meeting", "location", m.location)
    add(f"meeting:{m.id}:facilitator", "meeting", "facilitator", m.facilitator)
    for a in data.attendance:
        attendee = a.attendee
        if attendee is None:
            continue
        if attendee.agency is not None:
            _agency(add, attendee.agency, "attendance")
        add(f"attendee:{attendee.id}:name", "attendance", "attendee name", attendee.name)
        add(f"attendee:{attendee.id}:role", "attendance", "attendee role", attendee.role)
    for action in data.carried_actions:
        _action(add, data, action, "old business")
    for n in data.carried_notifications:
        _notification(add, data, n, "old business")
    placed = data.placed()
    for item in data.items:
        incident = item.incident
        assert incident is not None
        where = f"incident {incident.case_number}"
        add(f"incident:{incident.id}:location", where, "location", incident.location)
        add(f"incident:{incident.id}:area", where, "area command", incident.area_command)
        add(f"incident:{incident.id}:partner_summary", where, "partner summary", incident.partner_summary)
        _notes(add, data.notes.get(item.id, []), where)
        _decisions(add, data, placed, incident.id, where)
    _notes(add, data.notes.get(None, []), "general business")
    _decisions(add, data, placed, None, "general business")
    return list(out.values())


def partner_notes(notes: list[Note]) -> list[Note]:
    """The notes that may reach partners at all (visibility ``partners``), in order."""
    return [n for n in notes if n.visibility == NoteVisibility.partners and n.text.strip()]


def _notes(add: object, notes: list[Note], where: str) -> None:
    for note in partner_notes(notes):
        add(f"note:{note.id}", where, "note", note.text)  # type: ignore[operator]


def _decisions(add: object, data: MeetingData, placed: object, key: int | None, where: str) -> None:
    for a in placed.actions[key]:  # type: ignore[attr-defined]
        _action(add, data, a, where)
    for n in placed.notifications[key]:  # type: ignore[attr-defined]
        _notification(add, data, n, where)
    for r in placed.referrals[key]:  # type: ignore[attr-defined]
        _referral(add, r, where)


def _agency(add: object, agency: Agency, where: str) -> None:
    add(f"agency:{agency.id}:short_name", where, "agency short name", agency.short_name)  # type: ignore[operator]
    add(f"agency:{agency.id}:name", where, "agency name", agency.name)  # type: ignore[operator]


def _action(add: object, data: MeetingData, a: ActionItem, where: str) -> None:
    ref = data.ref(a)
    add(f"action:{a.id}", where, f"action {ref}", a.description, True)  # type: ignore[operator]
    if a.owner_agency is not None:
        _agency(add, a.owner_agency, where)
    add(f"action:{a.id}:owner", where, f"owner of action {ref}", a.owner_name)  # type: ignore[operator]


def _notification(add: object, data: MeetingData, n: Notification, where: str) -> None:
    ref = data.ref(n)
    for role, name in (
        ("officer", n.team_officer),
        ("community voice", n.team_community_voice),
        ("outreach", n.team_outreach),
    ):
        add(f"notification:{n.id}:team_{role.replace(' ', '_')}", where, f"team {role} of notification {ref}", name)  # type: ignore[operator]


def _referral(add: object, r: Referral, where: str) -> None:
    add(f"referral:{r.id}:service", where, "referral service", r.service)  # type: ignore[operator]
    add(f"referral:{r.id}:provider", where, "referral provider", r.provider)  # type: ignore[operator]
