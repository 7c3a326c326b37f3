"""The sections the minutes and the agenda share: meeting facts, attendance,
old business, an incident's facts and persons, decision entries.

A :class:`Composer` writes them into a :class:`~.document.DocWriter` for one
audience: every stored string goes through the :class:`~.redact.Redactor`
(the full edition as written, the partner edition only as the release review
let it through: see :mod:`vip_tui.disclosure.passages`), and every place a
subject may be named is registered with the writer.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..disclosure import free_text, may_see, person_name
from ..enums import ActionStatus, AgencyKind, Attendance, Audience
from ..models import ActionItem, Agency, AgendaItem, MeetingAttendance, Notification, Referral
from . import format as fmt
from .data import MeetingData
from .redact import WITHHELD, Redactor, Said, Words, subject_variants, words

if TYPE_CHECKING:
    from .document import Cell, DocWriter, Span

AGENCY_ORDER = (
    AgencyKind.law_enforcement,
    AgencyKind.prosecution,
    AgencyKind.supervision,
    AgencyKind.service,
    AgencyKind.community,
    None,
)
ATTENDANCE_WORDS = {
    Attendance.present: "present",
    Attendance.remote: "remote",
    Attendance.absent: "absent",
    Attendance.invited: "not recorded",
}


class Composer:
    """Writes one meeting's sections for one audience."""

    def __init__(self, writer: DocWriter, data: MeetingData, redactor: Redactor) -> None:
        self.w = writer
        self.data = data
        self.r = redactor
        self.positions = {item.incident_id: n for n, item in enumerate(data.items, 1)}

    # ------------------------------------------------------------------ helpers

    def text(self, value: object, incident_id: int | None = None, allow: frozenset[Words] = frozenset()) -> str:
        return self.r.text(value, incident_id=incident_id, allow=allow)

    def subject(self, decision: Notification | Referral) -> tuple[str, frozenset[Words]]:
        """The subject's name and, for partners, the name variants allowed in its entry."""
        name = decision.person.name if decision.person else "unknown person"
        return name, (subject_variants(name) if self.r.partner else frozenset())

    def may(self, field: str) -> bool:
        """Whether this document's audience may be shown ``field`` (asked of the disclosure layer)."""
        return may_see(self.r.audience, field)

    def said(self, key: str, full: object, missing: str = "not set") -> str:
        """A stored string (a passage for partners), or ``missing`` when there is none."""
        found = self.r.said(key, full)
        return missing if found is None else found

    def meeting_title(self) -> str:
        m = self.data.meeting
        found = self.r.said(f"meeting:{m.id}:title", m.title)
        return fmt.DEFAULT_TITLE if found is None or found == WITHHELD else found

    def agency_label(self, agency: Agency) -> list[Span]:
        """``RMPD — Rio Mesa Police Department`` (each part a passage for partners)."""
        short = self.said(f"agency:{agency.id}:short_name", agency.short_name, "")
        name = self.r.said(f"agency:{agency.id}:name", agency.name)
        return [short, " — ", name] if name else [short]

    def owner(self, a: ActionItem) -> list[Span]:
        """``RMPD — Det. R. Quintana``, or who is known of the two, or "unassigned"."""
        parts: list[Span] = []
        if a.owner_agency is not None:
            parts.append(self.said(f"agency:{a.owner_agency.id}:short_name", a.owner_agency.short_name, ""))
        name = self.r.said(f"action:{a.id}:owner", a.owner_name)
        if name:
            parts += [" — ", name] if parts else [name]
        return parts or ["unassigned"]

    def team(self, n: Notification) -> list[Span]:
        """The notification team: officer, community voice, outreach worker (names are passages for partners)."""
        out: list[Span] = []
        for role, name in (
            ("officer", n.team_officer),
            ("community voice", n.team_community_voice),
            ("outreach", n.team_outreach),
        ):
            shown = self.r.said(f"notification:{n.id}:team_{role.replace(' ', '_')}", name)
            if shown:
                out += ["; " if out else "", f"{role}: ", shown]
        return [s for s in out if s] or ["not assigned"]

    def action_text(self, a: ActionItem) -> str:
        """An action's wording: as written for law enforcement, as released for partners."""
        return self.said(f"action:{a.id}", a.description, WITHHELD)

    def incident_title(self, item: AgendaItem) -> str:
        incident = item.incident
        assert incident is not None
        self.w.fact_words.update(words(incident.case_number))
        return f"{self.positions[item.incident_id]}. {fmt.INCIDENT_TYPES[incident.type]} — {incident.case_number}"

    def none(self, what: str) -> None:
        self.w.paragraph(f"No {what}.")

    # ------------------------------------------------------------------ meeting

    def meeting_facts(self, *, planned: bool) -> None:
        m = self.data.meeting
        time, length = fmt.meeting_times(m, planned_only=planned)
        pairs: list[tuple[str, Cell]] = [
            ("Meeting", [f"No. {m.number} — ", self.meeting_title()]),
            ("Date", fmt.long_date(m.date)),
            ("Time", time),
            ("Location", self.said(f"meeting:{m.id}:location", m.location)),
            ("Facilitator", self.said(f"meeting:{m.id}:facilitator", m.facilitator)),
            ("Planned length" if planned else "Duration", length),
        ]
        budget = sum(item.minutes or 0 for item in self.data.items)
        agenda = fmt.plural(len(self.data.items), "incident")
        pairs.append(("Agenda", agenda + (f", {fmt.duration(budget)} of discussion budgeted" if budget else "")))
        self.w.facts(pairs)

    def attendance(self, *, with_status: bool) -> None:
        """Attendees grouped by agency (law enforcement first), with their attendance at this meeting."""
        rows_by_agency: dict[tuple[int, int], list[MeetingAttendance]] = defaultdict(list)
        for a in self.data.attendance:
            agency = a.attendee.agency if a.attendee else None
            kind = agency.kind if agency else None
            # Within a kind, the order agencies were entered: agendas list the host agency first.
            key = (AGENCY_ORDER.index(kind), agency.id if agency and agency.id is not None else 1 << 62)
            rows_by_agency[key].append(a)
        if not rows_by_agency:
            self.none("attendees recorded")
            return
        rows: list[list[Cell]] = []
        spans: list[tuple[int, int]] = []
        counts: dict[Attendance, int] = defaultdict(int)
        represented: set[int | None] = set()
        for key in sorted(rows_by_agency):
            group = sorted(rows_by_agency[key], key=lambda a: a.id or 0)  # invitation order
            agency = group[0].attendee.agency if group[0].attendee else None
            label: list[Span] = self.agency_label(agency) if agency else ["No agency"]
            first = len(rows) + 1  # +1: the header row
            for a in group:
                attendee = a.attendee
                row: list[Cell] = [
                    label,
                    self.said(f"attendee:{attendee.id}:name", attendee.name, "") if attendee else "",
                    self.said(f"attendee:{attendee.id}:role", attendee.role, "") if attendee else "",
                ]
                if with_status:
                    status = ATTENDANCE_WORDS[a.status] + (" (walk-in)" if a.walk_in else "")
                    row.append(status)
                    counts[a.status] += 1
                    if a.status in (Attendance.present, Attendance.remote):
                        represented.add(agency.id if agency else None)
                rows.append(row)
            spans.append((first, len(rows)))
        header = ["Agency", "Name", "Role"] + (["Attendance"] if with_status else [])
        widths = (2.0, 1.5, 1.9, 1.1) if with_status else (2.2, 1.9, 2.4)
        table = self.w.table(header, rows, widths)
        for first, last in spans:
            self.w.merge_down(table, 0, first, last)
        if with_status:
            order = (Attendance.present, Attendance.remote, Attendance.absent, Attendance.invited)
            parts = [f"{counts[s]} {ATTENDANCE_WORDS[s]}" for s in order if counts[s]]
            agencies = fmt.plural(len(spans), "agency", "agencies")
            self.w.paragraph(f"{', '.join(parts)}; {len(represented)} of {agencies} represented.")

    # ------------------------------------------------------------------ old business

    def old_business(self) -> None:
        """Action items and notifications from earlier meetings that were open when this meeting began."""
        data = self.data
        if not (data.carried_actions or data.carried_notifications):
            self.none("items carried over from earlier meetings")
            return
        self.w.paragraph("Items from earlier meetings that were still open when this meeting began, with their status.")
        if data.carried_actions:
            self.w.heading("Action items carried over", 2)
            self.action_table(data.carried_actions, carried=True)
        if data.carried_notifications:
            self.w.heading("Notifications carried over", 2)
            self.notification_table(data.carried_notifications, carried=True)

    def carried_status(self, decision: ActionItem | Notification) -> str:
        """``still open, overdue since …`` / ``closed at this meeting: done — outcome`` / …"""
        data = self.data
        is_open = decision.status == ActionStatus.open if isinstance(decision, ActionItem) else decision.status.is_open
        field = "action.outcome" if isinstance(decision, ActionItem) else "notification.outcome"
        shown = decision.outcome and self.may(field)
        outcome = f" — {self.text(decision.outcome, decision.incident_id)}" if shown else ""
        closing = data.closing_meeting(decision)
        if is_open:
            text = "still open" if isinstance(decision, ActionItem) else f"still open ({decision.status.label})"
            if decision.due_date and decision.due_date < data.date:
                text += f", overdue since {fmt.compact_date(decision.due_date)}"
        elif closing is not None and closing.id == data.meeting.id:
            text = f"closed at this meeting: {decision.status.label}{outcome}"
        elif closing is not None:
            when = f"meeting {closing.number} ({fmt.compact_date(closing.date)})"
            text = f"closed at {when}: {decision.status.label}{outcome}"
        elif decision.closed_at is not None:
            text = f"closed {fmt.compact_date(decision.closed_at.date())}: {decision.status.label}{outcome}"
        else:
            text = decision.status.label + outcome
        if isinstance(decision, Notification) and decision.attempts:
            text += f"; last attempt {fmt.attempt(decision.attempts[-1])}"
        return text

    def action_table(self, actions: list[ActionItem], *, carried: bool = False) -> None:
        rows: list[list[Cell]] = []
        for a in actions:
            status = self.carried_status(a) if carried else a.status.label
            if not carried and a.outcome and self.may("action.outcome"):
                status += f" — {self.text(a.outcome, a.incident_id)}"
            rows.append(
                [
                    (self.data.ref(a), "Strong"),
                    self.action_text(a),
                    self.owner(a),
                    fmt.compact_date(a.due_date),
                    status,
                ]
            )
        self.w.table(["Ref", "Action", "Owner", "Due", "Status"], rows, (0.55, 2.1, 1.2, 0.95, 1.7))

    def notification_table(self, notifications: list[Notification], *, carried: bool = False) -> None:
        rows: list[list[Cell]] = []
        allow: list[frozenset[Words] | None] = []
        for n in notifications:
            name, names = self.subject(n)
            rows.append(
                [
                    (self.data.ref(n), "Strong"),
                    name,
                    self.team(n),
                    fmt.compact_date(n.due_date),
                    self.carried_status(n) if carried else n.status.label,
                ]
            )
            allow.append(names or None)
        self.w.table(["Ref", "Person", "Team", "Due", "Status"], rows, (0.55, 1.3, 1.95, 0.95, 1.75), allow=allow)

    # ------------------------------------------------------------------ incidents

    def incident_facts(self, item: AgendaItem, last: tuple[str, str]) -> None:
        """The incident's facts, ending with ``last`` (its review mark or its time budget)."""
        incident = item.incident
        assert incident is not None
        i = incident.id
        where: list[Span] = [self.said(f"incident:{i}:location", incident.location)]
        area = self.r.said(f"incident:{i}:area", incident.area_command)
        if area:
            where += [" (", area, " area command)"]
        pairs: list[tuple[str, Cell]] = [
            ("When", fmt.when(incident.occurred_at)),
            ("Where", where),
        ]
        may = self.may  # motive, NIBIN leads and summary are law enforcement's
        optional: list[tuple[str, Cell | None]] = [
            ("Case status", incident.case_status.label if incident.case_status else None),
            ("Retaliation risk", incident.retaliation_risk.label if incident.retaliation_risk else None),
            ("Motive", self.text(incident.motive, i) if incident.motive and may("incident.motive") else None),
            ("NIBIN leads", ", ".join(incident.nibin_leads) if may("incident.nibin_leads") else None),
            ("Summary", self.text(incident.summary, i) if incident.summary and may("incident.summary") else None),
            ("Partner summary", self.r.said(f"incident:{i}:partner_summary", incident.partner_summary)),
        ]
        pairs += [(label, value) for label, value in optional if value]
        pairs.append(last)
        self.w.facts(pairs)

    def persons(self, item: AgendaItem) -> None:
        """The persons of an incident by role: a full table for law enforcement, role labels for partners."""
        labelled = self.r.labels.persons.get(item.incident_id, [])  # type: ignore[arg-type]
        if not labelled:
            self.none("persons recorded")
            return
        if not self.may("person.name"):
            self.w.paragraph(", ".join(label for _, label in labelled) + ".")
            return
        rows: list[list[Cell]] = []
        audience = Audience.full  # the only audience that gets the persons table; asked, not assumed
        for inv, label in labelled:
            person = inv.person
            assert person is not None

            def shown(field: str, value: str | None, empty: str = "—") -> str:
                return value if value and may_see(audience, field) else empty

            rows.append(
                [
                    (label, "Strong"),
                    person_name(person.name, audience),
                    shown("person.dob", person.dob.isoformat() if person.dob else None),
                    shown("person.record_id", person.record_id),
                    inv.group.name if inv.group else "—",
                    free_text(shown("person.notes", inv.notes, ""), audience),
                ]
            )
        self.w.table(["Role", "Name", "DOB", "Records id", "Group", "Notes"], rows, (1.05, 1.3, 0.9, 0.9, 0.95, 1.4))

    # ------------------------------------------------------------------ decision entries

    def action_entry(self, a: ActionItem) -> None:
        outcome = a.outcome and self.may("action.outcome")
        status = a.status.label + (f" — {self.text(a.outcome, a.incident_id)}" if outcome else "")
        wording = self.action_text(a)
        self.w.bullet(
            (f"Action {self.data.ref(a)}: ", "Strong"),
            wording.map(fmt.sentence) if isinstance(wording, Said) else fmt.sentence(wording),
            " Owner: ",
            *self.owner(a),
            f". Due {fmt.short_date(a.due_date)}. Status: {status}.",
        )

    def notification_entry(self, n: Notification) -> None:
        """For partners: that it is planned, its subject, team, due date and status; never the reasons."""
        name, allow = self.subject(n)
        spans: list[Span] = [(f"Notification {self.data.ref(n)} for ", "Strong"), (name, "Strong"), ". "]
        if n.reasons.strip() and self.may("notification.reasons"):
            spans += ["Why: ", fmt.sentence(self.text(n.reasons, n.incident_id, allow)), " "]
        spans += ["Team: ", *self.team(n), f". Due {fmt.short_date(n.due_date)}. Status: {n.status.label}."]
        for label, value, field in (
            ("Services offered", n.services_offered, "notification.services"),
            ("Services accepted", n.services_accepted, "notification.services"),
            ("Outcome", n.outcome, "notification.outcome"),
        ):
            if value and self.may(field):
                spans.append(f" {label}: {fmt.sentence(self.text(value, n.incident_id, allow))}")
        self.w.bullet(*spans, allow=allow)

    def referral_entry(self, ref: Referral) -> None:
        name, allow = self.subject(ref)
        spans: list[Span] = [
            ("Referral for ", "Strong"),
            (name, "Strong"),
            ": ",
            self.said(f"referral:{ref.id}:service", ref.service, WITHHELD),
        ]
        provider = self.r.said(f"referral:{ref.id}:provider", ref.provider)
        if provider:
            spans += [" (", provider, ")"]
        spans.append(f". Status: {ref.status.label}.")
        if ref.note and self.may("referral.note"):
            spans.append(f" {fmt.sentence(self.text(ref.note, ref.incident_id, allow))}")
        self.w.bullet(*spans, allow=allow)
