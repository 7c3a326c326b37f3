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

from ..enums import Audience

from . import note_shown

if TYPE_CHECKING:
    from ..export.data import MeetingData, Placed
    from ..models import ActionItem, Agency, Note, Notification


@dataclass(frozen=True)
class Source:
    """One stored string the partner edition may print."""

    key: str
    where: str  # 'meeting' | 'attendance' | 'old business' | 'incident 26-0098123' | 'general business'
    field: str  # 'title' | 'location' | 'partner summary' | 'note' | 'action 47-3' | ...
    text: str
    needs_release: bool


class _Collector:
    """The passages in document order, each key once (the summary tables repeat the decisions)."""

    def __init__(self, data: MeetingData) -> None:
        self.data = data
        self.out: dict[str, Source] = {}

    def add(self, key: str, where: str, field: str, text: str | None, needs_release: bool = False) -> None:
        if text and text.strip() and key not in self.out:
            self.out[key] = Source(key, where, field, text, needs_release)

    def notes(self, notes: list[Note], where: str) -> None:
        for note in partner_notes(notes):
            self.add(f"note:{note.id}", where, "note", note.text)

    def decisions(self, placed: Placed, key: int | None, where: str) -> None:
        for a in placed.actions[key]:
            self.action(a, where)
        for n in placed.notifications[key]:
            self.notification(n, where)
        for r in placed.referrals[key]:
            self.add(f"referral:{r.id}:service", where, "referral service", r.service)
            self.add(f"referral:{r.id}:provider", where, "referral provider", r.provider)

    def agency(self, agency: Agency, where: str) -> None:
        self.add(f"agency:{agency.id}:short_name", where, "agency short name", agency.short_name)
        self.add(f"agency:{agency.id}:name", where, "agency name", agency.name)

    def action(self, a: ActionItem, where: str) -> None:
        ref = self.data.ref(a)
        self.add(f"action:{a.id}", where, f"action {ref}", a.description, True)
        if a.owner_agency is not None:
            self.agency(a.owner_agency, where)
        self.add(f"action:{a.id}:owner", where, f"owner of action {ref}", a.owner_name)

    def notification(self, n: Notification, where: str) -> None:
        ref = self.data.ref(n)
        for role, name in (
            ("officer", n.team_officer),
            ("community voice", n.team_community_voice),
            ("outreach", n.team_outreach),
        ):
            key = f"notification:{n.id}:team_{role.replace(' ', '_')}"
            self.add(key, where, f"team {role} of notification {ref}", name)


def partner_sources(data: MeetingData) -> list[Source]:
    """The passages of ``data``'s partner minutes, in the order the document prints them (each once)."""
    c = _Collector(data)
    m = data.meeting
    c.add(f"meeting:{m.id}:title", "meeting", "title", m.title)
    c.add(f"meeting:{m.id}:location", "meeting", "location", m.location)
    c.add(f"meeting:{m.id}:facilitator", "meeting", "facilitator", m.facilitator)
    for a in data.attendance:
        attendee = a.attendee
        if attendee is None:
            continue
        if attendee.agency is not None:
            c.agency(attendee.agency, "attendance")
        c.add(f"attendee:{attendee.id}:name", "attendance", "attendee name", attendee.name)
        c.add(f"attendee:{attendee.id}:role", "attendance", "attendee role", attendee.role)
    for action in data.carried_actions:
        c.action(action, "old business")
    for n in data.carried_notifications:
        c.notification(n, "old business")
    placed = data.placed
    for item in data.items:
        incident = item.incident
        assert incident is not None
        where = f"incident {incident.case_number}"
        c.add(f"incident:{incident.id}:location", where, "location", incident.location)
        c.add(f"incident:{incident.id}:area", where, "area command", incident.area_command)
        c.add(f"incident:{incident.id}:partner_summary", where, "partner summary", incident.partner_summary)
        c.notes(data.notes.get(item.id, []), where)
        c.decisions(placed, incident.id, where)
    c.notes(data.notes.get(None, []), "general business")
    c.decisions(placed, None, "general business")
    return list(c.out.values())


def partner_notes(notes: list[Note]) -> list[Note]:
    """The notes that may reach partners at all (visibility ``partners``), in order."""
    return [n for n in notes if note_shown(n.visibility, Audience.partner) and n.text.strip()]
