"""Fixed fictional meeting data for the export tests, and readers for produced .docx files.

Every name here is invented. The readers go through the zip and lxml directly
(not python-docx) so that they see every part exactly as a word processor would.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from sqlmodel import select

from vip_tui.db import Database
from vip_tui.enums import (
    NoteVisibility,
    ActionStatus,
    AgencyKind,
    AttemptResult,
    Attendance,
    CaseStatus,
    IncidentType,
    MeetingStatus,
    NotificationStatus,
    ReferralStatus,
    RetaliationRisk,
    ReviewStatus,
    Role,
)
from vip_tui.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendee,
    Group,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    NotificationAttempt,
    Person,
    Referral,
)
from vip_tui.names import name_key

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = dt.date(2026, 11, 24)
EARLIER = dt.date(2026, 11, 17)
T0 = dt.datetime(2026, 11, 24, 9, 0)


@dataclass
class Sample:
    """The strings and ids the tests assert on."""

    victim: str = "Zebulon Quarrington"
    associate: str = "Ximena Vantongeren"
    suspect: str = "Orrin Blackwood-Tesh"
    witness: str = "Philippa Drummond-Yates"
    short: str = "Al"  # too short to protect: must not cause false alarms
    victim_dob: dt.date = dt.date(2002, 3, 14)
    suspect_dob: dt.date = dt.date(1999, 12, 31)
    witness_dob: dt.date = dt.date(1980, 5, 5)
    victim_id: str = "MNI-55821"
    associate_id: str = "MNI-55822"
    witness_id: str = "MNI-77001"
    le_note: str = "Confidential source says Orrin Blackwood-Tesh fired the shots from a grey sedan."
    open_note: str = "Zebulon Quarrington is stable; family asks for support. Blackwood-Tesh's car was seen."
    summary: str = "Zebulon Quarrington was shot outside a store; Ximena Vantongeren drove him to hospital."
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def protected(self) -> list[str]:
        """Strings that must never appear in the partner edition."""
        return [
            self.suspect,
            self.witness,
            self.victim_dob.isoformat(),
            self.suspect_dob.isoformat(),
            self.witness_dob.isoformat(),
            self.victim_id,
            self.associate_id,
            self.witness_id,
            self.le_note,
        ]


def build_sample(db: Database, sample: Sample | None = None) -> Sample:
    """Two meetings: week 46 (closed, with old business) and week 47 on :data:`DATE` (closed).

    Meeting 47 reviews two incidents; it has attendance across four agencies,
    notes (one law-enforcement-only), a new action item, a notification with
    its subject, a referral, an item carried from week 46 and closed at this
    meeting, one still open, one closed earlier (not carried), and a carried
    notification with an attempt.
    """
    sample = sample or Sample()
    with db.transaction() as s:
        agencies = {
            short: Agency(short_name=short, name=name, kind=kind)
            for short, name, kind in (
                ("RMPD", "Rio Mesa Police Department", AgencyKind.law_enforcement),
                ("ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives", AgencyKind.law_enforcement),
                ("VIP", "VIP Social Services", AgencyKind.service),
                ("CVI", "Puente Peacekeepers", AgencyKind.community),
            )
        }
        s.add_all(agencies.values())
        earlier = Meeting(
            date=EARLIER,
            number=46,
            status=MeetingStatus.closed,
            started_at=dt.datetime(2026, 11, 17, 9, 0),
            closed_at=dt.datetime(2026, 11, 17, 10, 15),
        )
        meeting = Meeting(
            date=DATE,
            number=47,
            title="Weekly Shooting Review, Week 47",
            location="Real Time Crime Center",
            facilitator="Lt. Q. Fairbanks",
            start_time=dt.time(9, 0),
            minutes=90,
            status=MeetingStatus.closed,
            started_at=dt.datetime(2026, 11, 24, 9, 2),
            closed_at=dt.datetime(2026, 11, 24, 10, 41),
        )
        s.add_all([earlier, meeting])
        s.flush()
        for name, short, role, status in (
            ("Lt. Q. Fairbanks", "RMPD", "Facilitator", Attendance.present),
            ("Det. Y. Ostrander", "RMPD", "Homicide", Attendance.remote),
            ("SA W. Kettleby", "ATF", "NIBIN", Attendance.absent),
            ("N. Pellworth", "VIP", "Case manager", Attendance.present),
            ("A. Sturridge", "CVI", "Outreach lead", Attendance.invited),
        ):
            attendee = Attendee(name=name, name_key=name_key(name), agency_id=agencies[short].id, role=role)
            s.add(attendee)
            s.flush()
            s.add(MeetingAttendance(meeting_id=meeting.id, attendee_id=attendee.id, status=status))

        def person(name: str, dob: dt.date | None = None, record_id: str | None = None) -> Person:
            p = Person(name=name, name_key=name_key(name), dob=dob, record_id=record_id)
            s.add(p)
            return p

        victim = person(sample.victim, sample.victim_dob, sample.victim_id)
        associate = person(sample.associate, dt.date(2001, 7, 9), sample.associate_id)
        suspect = person(sample.suspect, sample.suspect_dob)
        witness = person(sample.witness, sample.witness_dob, sample.witness_id)
        short = person(sample.short)
        crew = Group(name="Example Crew", name_key="example crew")
        s.add(crew)
        first = Incident(
            case_number="26-0100001",
            occurred_at=dt.datetime(2026, 11, 18, 23, 42),
            type=IncidentType.non_fatal,
            location="5600 block Central Ave SE",
            area_command="Southeast",
            summary=sample.summary,
            motive="Ongoing dispute",
            case_status=CaseStatus.open,
            retaliation_risk=RetaliationRisk.immediate,
            nibin_leads=["N-2026-0042"],
        )
        second = Incident(
            case_number="26-0100002",
            occurred_at=dt.datetime(2026, 11, 20, 1, 5),
            type=IncidentType.shots_fired,
            location="1200 block Isleta Blvd SW",
            area_command="Southwest",
            summary="Shots fired at a house; no one hit. Witnesses et al. reluctant to talk.",
        )
        s.add_all([first, second])
        s.flush()
        s.add_all(
            [
                Involvement(
                    incident_id=first.id,
                    person_id=victim.id,
                    role=Role.victim,
                    group_id=crew.id,
                    notes="Shot in the leg",
                ),
                Involvement(incident_id=first.id, person_id=associate.id, role=Role.associate),
                Involvement(incident_id=first.id, person_id=suspect.id, role=Role.suspect),
                Involvement(incident_id=second.id, person_id=witness.id, role=Role.witness),
                Involvement(incident_id=second.id, person_id=short.id, role=Role.witness),
            ]
        )
        item1 = AgendaItem(
            meeting_id=meeting.id,
            incident_id=first.id,
            position=1,
            minutes=10,
            review_status=ReviewStatus.discussed,
            elapsed_seconds=14 * 60,
        )
        item2 = AgendaItem(
            meeting_id=meeting.id, incident_id=second.id, position=2, minutes=5, review_status=ReviewStatus.deferred
        )
        s.add_all([item1, item2])
        s.flush()

        def note(text: str, item: AgendaItem | None, *, le_only: bool = False, minute: int = 0) -> Note:
            at = T0 + dt.timedelta(minutes=minute)
            return Note(
                meeting_id=meeting.id,
                agenda_item_id=item.id if item else None,
                text=text,
                visibility=NoteVisibility.le_only if le_only else NoteVisibility.members,
                created_at=at,
                updated_at=at,
            )

        s.add_all(
            [
                note(sample.open_note, item1, minute=10),
                note(sample.le_note, item1, le_only=True, minute=12),
                note("Patrol saw Al and others at the corner.", item2, minute=30),
                note("Next meeting moves to the training room.", None, minute=80),
            ]
        )
        # Old business from week 46.
        carried_closed = ActionItem(
            meeting_id=earlier.id,
            number=1,
            incident_id=first.id,
            description="Pull LPR reads near Central Ave",
            owner_agency_id=agencies["RMPD"].id,
            due_date=dt.date(2026, 11, 20),
            status=ActionStatus.done,
            outcome="Two reads passed to Homicide",
            closed_in_meeting_id=meeting.id,
            closed_at=dt.datetime(2026, 11, 24, 9, 10),
            created_at=dt.datetime(2026, 11, 17, 9, 20),
        )
        carried_open = ActionItem(
            meeting_id=earlier.id,
            number=2,
            incident_id=first.id,
            description=f"Check curfew compliance of {sample.suspect}",
            owner_agency_id=agencies["ATF"].id,
            owner_name="SA W. Kettleby",
            due_date=dt.date(2026, 11, 20),
            created_at=dt.datetime(2026, 11, 17, 9, 30),
        )
        closed_before = ActionItem(
            meeting_id=earlier.id,
            number=3,
            description="Book the room for week 47",
            status=ActionStatus.done,
            closed_in_meeting_id=earlier.id,
            closed_at=dt.datetime(2026, 11, 17, 10, 0),
            created_at=dt.datetime(2026, 11, 17, 9, 40),
        )
        carried_notification = Notification(
            meeting_id=earlier.id,
            number=4,
            person_id=associate.id,
            reasons="Associate of the crew",
            team_officer="Ofc. P. Lindqvist",
            due_date=dt.date(2026, 11, 21),
            status=NotificationStatus.assigned,
            created_at=dt.datetime(2026, 11, 17, 9, 50),
        )
        earlier.last_item_number = 4
        # New at week 47.
        action = ActionItem(
            meeting_id=meeting.id,
            number=1,
            incident_id=first.id,
            description="Canvass Central Ave for cameras",
            owner_agency_id=agencies["RMPD"].id,
            owner_name="Det. Y. Ostrander",
            due_date=dt.date(2026, 11, 27),
            created_at=T0 + dt.timedelta(minutes=15),
        )
        notification = Notification(
            meeting_id=meeting.id,
            number=2,
            person_id=victim.id,
            incident_id=first.id,
            reasons=f"{sample.victim} was shot on 11-18 and friends of {sample.suspect} are looking for him",
            team_officer="Ofc. P. Lindqvist",
            team_community_voice="Pastor E. Haverford",
            team_outreach="A. Sturridge",
            due_date=dt.date(2026, 11, 28),
            status=NotificationStatus.approved,
            created_at=T0 + dt.timedelta(minutes=16),
        )
        meeting.last_item_number = 2
        s.add_all([carried_closed, carried_open, closed_before, carried_notification, action, notification])
        s.flush()
        s.add(
            NotificationAttempt(
                notification_id=carried_notification.id,
                attempted_at=dt.datetime(2026, 11, 19, 18, 10),
                by="Ofc. P. Lindqvist",
                result=AttemptResult.not_home,
                door_hanger_left=True,
            )
        )
        s.add(
            Referral(
                person_id=victim.id,
                notification_id=notification.id,
                meeting_id=meeting.id,
                service="Hospital-based violence intervention",
                provider="VIP Social Services",
                status=ReferralStatus.accepted,
                offered_on=DATE,
            )
        )
        s.flush()
        sample.ids = {"meeting": meeting.id, "victim": victim.id, "first": first.id, "item1": item1.id}
    return sample


def add_incidents(db: Database, n: int) -> None:
    """``n`` more incidents on the meeting of :data:`DATE`, each with persons, a note and decisions."""
    with db.transaction() as s:
        meeting = s.exec(select(Meeting).where(Meeting.date == DATE)).one()
        agency = s.exec(select(Agency)).first()
        for k in range(n):
            incident = Incident(
                case_number=f"26-0200{k:03d}",
                occurred_at=dt.datetime(2026, 11, 21, 22, k),
                type=IncidentType.homicide,
                location=f"{k}00 block Example St",
                summary=f"Incident number {k}",
            )
            victim = Person(name=f"Victim Person{k}", name_key=f"victim person{k}", dob=dt.date(1990, 1, k + 1))
            witness = Person(name=f"Witness Person{k}", name_key=f"witness person{k}", record_id=f"MNI-9{k:04d}")
            s.add_all([incident, victim, witness])
            s.flush()
            s.add_all(
                [
                    Involvement(incident_id=incident.id, person_id=victim.id, role=Role.victim),
                    Involvement(incident_id=incident.id, person_id=witness.id, role=Role.witness),
                ]
            )
            item = AgendaItem(meeting_id=meeting.id, incident_id=incident.id, position=10 + k, minutes=5)
            s.add(item)
            s.flush()
            s.add(
                Note(
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    text=f"Victim Person{k} is safe",
                    visibility=NoteVisibility.le_only if k % 2 == 0 else NoteVisibility.members,
                    created_at=T0,
                    updated_at=T0,
                )
            )
            meeting.last_item_number += 2
            s.add(
                ActionItem(
                    meeting_id=meeting.id,
                    number=meeting.last_item_number - 1,
                    incident_id=incident.id,
                    description="Follow up",
                    owner_agency_id=agency.id,
                    created_at=T0,
                )
            )
            notification = Notification(
                meeting_id=meeting.id,
                number=meeting.last_item_number,
                person_id=victim.id,
                incident_id=incident.id,
                created_at=T0,
            )
            s.add(notification)
            s.flush()
            s.add(
                Referral(
                    person_id=victim.id, notification_id=notification.id, meeting_id=meeting.id, service="Mentoring"
                )
            )


# --------------------------------------------------------------------------- reading documents


@dataclass
class Docx:
    """A produced .docx read back part by part: paragraph texts in order, plus loose text."""

    path: Path
    parts: dict[str, etree._Element]

    @classmethod
    def read(cls, path: Path | str) -> Docx:
        parts = {}
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith((".xml", ".rels")):
                    parts[name] = etree.fromstring(z.read(name))
        return cls(Path(path), parts)

    def paragraphs(self, part: str = "word/document.xml") -> list[etree._Element]:
        return list(self.parts[part].iter(f"{W}p"))

    @staticmethod
    def text_of(el: etree._Element) -> str:
        return "".join(t.text or "" for t in el.iter(f"{W}t"))

    def part_names(self, kind: str) -> list[str]:
        return sorted(n for n in self.parts if n.startswith(f"word/{kind}"))

    def all_text(self) -> str:
        """Every paragraph of every part, and every text node outside paragraphs, one per line."""
        lines = []
        for root in self.parts.values():
            lines += [self.text_of(p) for p in root.iter(f"{W}p")]
            lines += [el.text for el in root.iter() if isinstance(el.tag, str) and not el.tag.startswith(W) and el.text]
        return "\n".join(lines)

    def body_text(self) -> str:
        return "\n".join(self.text_of(p) for p in self.paragraphs())

    def headings(self) -> list[tuple[str, str]]:
        """(style id, text) of every Title/Heading paragraph of the body, in order."""
        out = []
        for p in self.paragraphs():
            style = p.find(f"{W}pPr/{W}pStyle")
            sid = style.get(f"{W}val") if style is not None else ""
            if sid == "Title" or sid.startswith("Heading"):
                out.append((sid, self.text_of(p)))
        return out

    def header_text(self) -> str:
        return "\n".join(self.text_of(p) for name in self.part_names("header") for p in self.paragraphs(name))

    def footer_fields(self) -> list[str]:
        """The field instructions in the footers (fldSimple or complex fields)."""
        out = []
        for name in self.part_names("footer"):
            root = self.parts[name]
            out += [el.text.strip() for el in root.iter(f"{W}instrText") if el.text]
            out += [el.get(f"{W}instr", "").strip() for el in root.iter(f"{W}fldSimple")]
        return out

    def rows(self) -> list[list[str]]:
        """Every table row of the body as its cell texts."""
        return [[self.text_of(tc) for tc in tr.iter(f"{W}tc")] for tr in self.parts["word/document.xml"].iter(f"{W}tr")]

    def containers_of(self, needle: str) -> list[str]:
        """For each occurrence of ``needle``: the text of its table row, or else of its paragraph."""
        out = []
        for root in self.parts.values():
            for p in root.iter(f"{W}p"):
                text = self.text_of(p)
                if needle in text:
                    row = next((a for a in p.iterancestors(f"{W}tr")), None)
                    out.append(" | ".join(self.text_of(tc) for tc in row.iter(f"{W}tc")) if row is not None else text)
        return out


PARTNER_SUMMARY = "A young man was shot outside a store on Central Ave; he is recovering."
PARTNER_NOTE = "The family asks for help with hospital visits."


def add_partner_texts(db: Database, sample: Sample, *, summary: str = PARTNER_SUMMARY, note: str = PARTNER_NOTE) -> int:
    """A partner summary on the first incident and a note visible to partners on its item; the note's id."""
    with db.transaction() as s:
        incident = s.get(Incident, sample.ids["first"])
        assert incident is not None
        incident.partner_summary = summary
        row = Note(
            meeting_id=sample.ids["meeting"],
            agenda_item_id=sample.ids["item1"],
            text=note,
            visibility=NoteVisibility.partners,
            created_at=T0,
            updated_at=T0,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def release_for_partners(db: Database, meeting_date: dt.date = DATE) -> list[str]:
    """The release review done: every clean passage released, the others withheld; the keys withheld."""
    from vip_tui.services import release

    with db.session() as s:
        meeting = s.exec(select(Meeting).where(Meeting.date == meeting_date)).one()
    assert meeting.id is not None
    withheld = [p.key for p in release.unresolved(db, meeting.id) if p.open_hits]
    release.release_all_clean(db, meeting.id, withhold_rest=True)
    assert release.unresolved(db, meeting.id) == []
    return withheld
