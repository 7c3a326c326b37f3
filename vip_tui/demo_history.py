"""The demo's past: weeks 1 and 2 of the sample agendas held and closed, so week 3 has old business.

Everything here is fictional and fixed, and goes through the same service
functions as the TUI (so it is audited as "demo"). Times are set to when each
meeting took place, as if the program had used vip all along.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import select

from .db import Database
from .enums import ActionStatus, Attendance, NotificationStatus, ReviewStatus
from .models import Person
from .names import name_key
from .services import review as svc


@dataclass(frozen=True)
class Notify:
    person: str
    reasons: str
    officer: str
    voice: str
    outreach: str
    due_days: int
    # Statuses it passes through, in order, and the outcome when it ends.
    path: Sequence[NotificationStatus] = ()
    outcome: str | None = None


@dataclass(frozen=True)
class Item:
    case: str
    note: str
    le_note: str | None = None
    actions: Sequence[tuple[str, str, str | None, int]] = ()  # description, agency, owner, due in days
    notify: Sequence[Notify] = ()
    refer: Sequence[tuple[str, str, str]] = ()  # person, service, provider
    status: ReviewStatus = ReviewStatus.discussed


@dataclass(frozen=True)
class Held:
    date: dt.date
    absent: Sequence[str] = ()
    remote: Sequence[str] = ()
    items: Sequence[Item] = ()
    # Earlier action items closed at this meeting: (description prefix, status, outcome).
    closes: Sequence[tuple[str, ActionStatus, str]] = field(default_factory=tuple)


A = NotificationStatus
WEEKS = [
    Held(
        dt.date(2026, 11, 10),
        absent=("JPO A. Kowalczyk",),
        remote=("SA C. Nwosu", "AUSA K. Whitfield"),
        items=[
            Item("26-0090118", "Quillen was shot from a dark sedan; witnesses name Cerro Azul 16. Expect retaliation "
                 "against CA16 this week. Vigil planned Sunday at Calle Piñon.",
                 le_note="Informant places Barrientos-Luna in the sedan; do not share outside LE.",
                 actions=[("Extra patrols around the Sunday vigil", "RMPD", "Sgt. L. Ferreira", 5),
                          ("NIBIN comparison of casings from 1900 block Calle Piñon", "ATF", "SA H. Vasquez-Moll", 7)],
                 notify=[Notify("Dante Ashby-Coles", "associate of the homicide victim; retaliation risk",
                                "Sgt. L. Ferreira", "Pastor E. Lucero", "A. Brooks-Tafoya", 4,
                                (A.approved, A.assigned, A.delivered), "Delivered at home with his mother present; "
                                "accepted peer support")],
                 refer=[("Dante Ashby-Coles", "peer support", "VIP All In")]),
            Item("26-0090164", "Road-rage brandishing; no known group link. Suspect vehicle identified.",
                 actions=[("Follow up on the plate from the brandishing", "RMSO", "Det. J. Halloran", 7)]),
            Item("26-0090231", "House of a CA16 member shot at; no one hit. Casings match the Tamarisk Court .40.",
                 notify=[Notify("Luis Ocampo-Reyna", "CA16 member, house targeted; likely retaliator",
                                "Det. R. Quintana", "Pastor E. Lucero", "A. Brooks-Tafoya", 4,
                                (A.approved, A.assigned, A.refused), "Refused at the door; letter left")]),
            Item("26-0090347", "Rendón-Hale shot in the leg; uncooperative. TMC likely to answer.",
                 actions=[("Ask PPD about Rendón-Hale's supervision conditions", "PPD", "PO S. Redhouse", 7)],
                 notify=[Notify("Tobias Rendón-Hale", "victim; TMC member; retaliation risk",
                                "Sgt. L. Ferreira", "Coach M. Armijo", "A. Brooks-Tafoya", 3,
                                (A.approved, A.assigned))]),
            Item("26-0090402", "Toscano family dispute with Pemberton-Ruiz; words exchanged on social media.",
                 notify=[Notify("Nayeli Toscano", "victim; ongoing dispute", "Det. R. Quintana", "",
                                "A. Brooks-Tafoya", 7, (A.approved, A.assigned, A.delivered_to_family),
                                "Spoke with her father; she called back the next day")],
                 refer=[("Nayeli Toscano", "victim services", "Rio Mesa Trauma Recovery Center")]),
            Item("26-0090466", "Deferred: the detective was not present.", status=ReviewStatus.deferred),
        ],
    ),
    Held(
        dt.date(2026, 11, 17),
        absent=("Agt. P. Sandoval-Kerr",),
        remote=("SA C. Nwosu",),
        closes=[("Extra patrols around the Sunday vigil", ActionStatus.done,
                 "Patrols ran; the vigil was still shot at from a passing car (26-0090802)"),
                ("Follow up on the plate", ActionStatus.dropped, "Victim declined to proceed")],
        items=[
            Item("26-0090553", "Ashby-Coles shot days after his notification; he is talking to VIP staff.",
                 actions=[("Canvass Zuni Rd SE for doorbell video", "RMPD", "Det. R. Quintana", 10)],
                 notify=[Notify("Marcus Oduya", "suspect in the Ashby-Coles shooting; CA16",
                                "Det. R. Quintana", "Pastor E. Lucero", "A. Brooks-Tafoya", 5,
                                (A.approved, A.assigned, A.not_located), "Not at the last known address twice")]),
            Item("26-0090619", "Solórzano shot; the Tamarisk Court .40 again.",
                 actions=[("Federal review of the TMC .40 series for charges", "USAO", "AUSA K. Whitfield", 21)],
                 notify=[Notify("Efraín Solórzano", "victim; CA16 associate", "Sgt. L. Ferreira",
                                "Coach M. Armijo", "A. Brooks-Tafoya", 4, (A.approved,))]),
            Item("26-0090802", "Shots fired over Quillen's vigil; crowd scattered, nobody hit.",
                 actions=[("Pull city camera footage of the vigil", "RMPD", None, 7)]),
        ],
    ),
]


def _person_id(database: Database, name: str) -> int:
    with database.session() as s:
        person = s.exec(select(Person).where(Person.name_key == name_key(name))).first()
    assert person is not None and person.id is not None, name
    return person.id


def seed_history(database: Database) -> list[str]:
    """Hold and close weeks 1 and 2 of the samples; returns what was done, for the demo's report."""
    counts = {"actions": 0, "notifications": 0, "referrals": 0, "notes": 0}
    for held in WEEKS:
        meeting = svc.meeting_by_date(database, held.date)
        if meeting is None:
            continue
        start = dt.datetime.combine(held.date, meeting.start_time or dt.time(9, 0))
        at = dataclasses.replace(database, clock=lambda start=start: start)
        svc.start_meeting(at, meeting.id)
        for row in svc.attendance(at, meeting.id):
            status = Attendance.absent if row.name in held.absent else (
                Attendance.remote if row.name in held.remote else Attendance.present)
            svc.set_attendance(at, row.id, status)
        for old in svc.old_business(at, meeting.id):
            for prefix, status, outcome in held.closes:
                if old.kind == "action" and old.text.startswith(prefix):
                    svc.set_action_status(at, old.id, status, outcome, in_meeting_id=meeting.id)
        items = {r.case_number: r for r in svc.agenda(at, meeting.id)}
        for item in held.items:
            row = items[item.case]
            svc.save_note(at, row.id, item.note)
            counts["notes"] += 1
            if item.le_note:
                svc.save_note(at, row.id, item.le_note, le_only=True)
                counts["notes"] += 1
            for description, agency, owner, days in item.actions:
                svc.add_action_item(at, meeting.id, description, incident_id=row.incident_id, owner_agency=agency,
                                    owner_name=owner, due_date=held.date + dt.timedelta(days=days))
                counts["actions"] += 1
            for n in item.notify:
                made = svc.propose_notification(
                    at, meeting.id, _person_id(at, n.person), incident_id=row.incident_id, reasons=n.reasons,
                    team_officer=n.officer, team_community_voice=n.voice or None, team_outreach=n.outreach,
                    due_date=held.date + dt.timedelta(days=n.due_days),
                )
                counts["notifications"] += 1
                for step in n.path:
                    # Worked after the meeting, not at it: no closing meeting.
                    svc.set_notification_status(at, made.id, step, n.outcome if not step.is_open else None)
            for person, service, provider in item.refer:
                svc.add_referral(at, _person_id(at, person), service, provider=provider, meeting_id=meeting.id,
                                 incident_id=row.incident_id)
                counts["referrals"] += 1
            svc.mark_item(at, row.id, item.status)
        for row in items.values():
            if row.case_number not in {i.case for i in held.items}:
                svc.mark_item(at, row.id, ReviewStatus.discussed)
        end = dataclasses.replace(database, clock=lambda start=start: start + dt.timedelta(minutes=82))
        svc.close_meeting(end, meeting.id)
    return [f"demo history: weeks 1 and 2 held and closed with {counts['notes']} notes, "
            f"{counts['actions']} action items, {counts['notifications']} notifications, "
            f"{counts['referrals']} referrals"]
