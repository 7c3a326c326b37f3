"""The demo's past: weeks 1 and 2 of the sample agendas held and closed, and the follow-up work after each.

So the demo opens on a program that has lived a little: week 3 (2026-11-24) is
the upcoming meeting, with old business to follow up; the notifications board
shows notifications delivered, delivered to family, refused, not located, in
custody and cancelled, others still open and overdue, with their attempts
(door hangers, letters, nobody home), services offered and accepted, and
referrals in every status.

Everything here is fictional and fixed, and goes through the same service
functions as the TUI (so it is audited as "demo"). Each step runs with the
clock set to when it happened, as if the program had used vip all along.
Week-1 notifications are worked before week 2 is held, so those that ended
are reported closed at week 2; week-2 notifications are all still open when
week 3 begins, for the facilitator to close live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlmodel import select

from .db import Database
from .enums import ActionStatus, Attendance, AttemptResult, NotificationStatus, ReferralStatus, ReviewStatus
from .models import Person
from .names import name_key
from .services import attendance, decisions, meetings, old_business
from .services import items as items_svc
from .services import notifications as follow

A = NotificationStatus
R = AttemptResult
RS = ReferralStatus


def _t(month_day: str) -> dt.datetime:
    """``"11-12 18:20"`` in 2026."""
    return dt.datetime.fromisoformat(f"2026-{month_day.replace(' ', 'T')}")


@dataclass(frozen=True)
class Attempt:
    at: str  # "11-12 18:20"
    result: AttemptResult
    letter: bool = False
    door_hanger: bool = False
    note: str | None = None
    by: str | None = None  # default: the notification's team


@dataclass(frozen=True)
class Status:
    at: str
    status: NotificationStatus
    outcome: str | None = None


@dataclass(frozen=True)
class Services:
    at: str
    offered: str
    accepted: str = ""


@dataclass(frozen=True)
class Refer:
    at: str
    service: str
    provider: str | None
    steps: Sequence[tuple[str, ReferralStatus, str | None]] = ()  # (day "11-16", status, note)


@dataclass(frozen=True)
class Notify:
    person: str
    reasons: str
    officer: str
    voice: str
    outreach: str
    due_days: int
    # Statuses set at the meeting itself, in order.
    at_meeting: Sequence[NotificationStatus] = (A.approved,)
    # What happened afterwards, in time order.
    follow_up: Sequence[Attempt | Status | Services | Refer] = ()
    outcome: str | None = None  # written with a cancellation at the meeting


@dataclass(frozen=True)
class Item:
    case: str
    note: str
    le_note: str | None = None
    actions: Sequence[tuple[str, str, str | None, int]] = ()  # description, agency, owner, due in days
    notify: Sequence[Notify] = ()
    # Referrals made at the meeting: person, service, provider, later steps (day, status, note).
    refer: Sequence[tuple[str, str, str, Sequence[tuple[str, ReferralStatus, str | None]]]] = ()
    status: ReviewStatus = ReviewStatus.discussed


@dataclass(frozen=True)
class Held:
    date: dt.date
    absent: Sequence[str] = ()
    remote: Sequence[str] = ()
    items: Sequence[Item] = ()
    # Earlier action items closed at this meeting: (description prefix, status, outcome).
    closes: Sequence[tuple[str, ActionStatus, str]] = field(default_factory=tuple)
    # Referrals made directly on a person between this meeting and the next: person, Refer.
    direct: Sequence[tuple[str, Refer]] = ()


FERREIRA, QUINTANA = "Sgt. L. Ferreira", "Det. R. Quintana"
LUCERO, ARMIJO, BROOKS = "Pastor E. Lucero", "Coach M. Armijo", "A. Brooks-Tafoya"

WEEKS = [
    Held(
        dt.date(2026, 11, 10),
        absent=("JPO A. Kowalczyk",),
        remote=("SA C. Nwosu", "AUSA K. Whitfield"),
        items=[
            Item("26-0090118", "Quillen was shot from a dark sedan; witnesses name Cerro Azul 16. Expect retaliation "
                 "against CA16 this week. Vigil planned Sunday at Calle Piñon.",
                 le_note="Informant places Barrientos-Luna in the sedan; do not share outside LE.",
                 actions=[("Extra patrols around the Sunday vigil", "RMPD", FERREIRA, 5),
                          ("NIBIN comparison of casings from 1900 block Calle Piñon", "ATF", "SA H. Vasquez-Moll", 7)],
                 notify=[
                     Notify("Dante Ashby-Coles", "associate of the homicide victim; retaliation risk",
                            FERREIRA, LUCERO, BROOKS, 4, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-10 17:30", R.not_home, door_hanger=True, note="nobody answered"),
                                Attempt("11-10 20:15", R.delivered, note="at home, his mother present"),
                                Status("11-10 20:40", A.delivered,
                                       "Delivered at home with his mother present; accepted peer support"),
                                Services("11-10 20:40", "peer support, job training", "peer support"),
                                Refer("11-19 10:00", "job training", "Rio Mesa Works"),
                            ]),
                     Notify("Trey Halvorsen", "TMC associate of the homicide victim",
                            FERREIRA, ARMIJO, BROOKS, 4, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-11 18:10", R.not_home, door_hanger=True),
                                Attempt("11-13 19:00", R.not_located, letter=True,
                                        note="moved out; family will not say where"),
                                Status("11-13 19:30", A.not_located, "Not at the last known address; letter left "
                                       "with the family"),
                            ]),
                     Notify("Ignacio Barrientos-Luna", "CA16; named by witnesses in the sedan",
                            QUINTANA, LUCERO, BROOKS, 5, (A.cancelled,),
                            outcome="ATF asked to hold off: active federal investigation"),
                 ],
                 refer=[("Dante Ashby-Coles", "peer support", "VIP All In",
                         [("11-10", RS.accepted, None), ("11-16", RS.engaged, "meets his peer mentor twice a week")])]),
            Item("26-0090164", "Road-rage brandishing; no known group link. Suspect vehicle identified.",
                 actions=[("Follow up on the plate from the brandishing", "RMSO", "Det. J. Halloran", 7)]),
            Item("26-0090231", "House of a CA16 member shot at; no one hit. Casings match the Tamarisk Court .40.",
                 notify=[
                     Notify("Luis Ocampo-Reyna", "CA16 member, house targeted; likely retaliator",
                            QUINTANA, LUCERO, BROOKS, 4, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-12 18:20", R.refused, letter=True, note="would not open the door"),
                                Status("11-12 18:40", A.refused, "Refused at the door; letter left"),
                                Services("11-12 18:40", "peer support"),
                                Refer("11-12 18:40", "peer support", "Puente Peacekeepers",
                                      [("11-12", RS.declined, "refused with the notification")]),
                            ]),
                 ]),
            Item("26-0090347", "Rendón-Hale shot in the leg; uncooperative. TMC likely to answer.",
                 actions=[("Ask PPD about the victim's supervision conditions", "PPD", "PO S. Redhouse", 7)],
                 notify=[
                     Notify("Tobias Rendón-Hale", "victim; TMC member; retaliation risk",
                            FERREIRA, ARMIJO, BROOKS, 3, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-11 20:10", R.not_home, door_hanger=True),
                                Attempt("11-13 18:45", R.not_home, letter=True, note="letter left with a neighbour"),
                                Attempt("11-19 19:30", R.not_home, door_hanger=True,
                                        note="his mother says he stays with a cousin"),
                            ]),
                 ]),
            Item("26-0090402", "Toscano family dispute with Pemberton-Ruiz; words exchanged on social media.",
                 notify=[
                     Notify("Nayeli Toscano", "victim; ongoing dispute", QUINTANA, "", BROOKS, 7,
                            (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-12 17:00", R.delivered_to_family, note="spoke with her father"),
                                Status("11-12 17:30", A.delivered_to_family,
                                       "Spoke with her father; she called back the next day"),
                                Services("11-13 10:00", "victim services, relocation", "victim services"),
                                Refer("11-13 10:00", "relocation", "Rio Mesa Housing Authority",
                                      [("11-16", RS.declined, "the family is staying with relatives")]),
                            ]),
                     Notify("Jarrett Pemberton-Ruiz", "person of interest; ongoing dispute with the Toscanos",
                            QUINTANA, LUCERO, BROOKS, 5, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-12 11:00", R.in_custody, by="PO S. Redhouse",
                                        note="held on a probation violation until 11-13"),
                                Status("11-12 11:30", A.in_custody,
                                       "In custody on a probation hold; PPD gave the message at intake"),
                            ]),
                 ],
                 refer=[("Nayeli Toscano", "victim services", "Rio Mesa Trauma Recovery Center",
                         [("11-12", RS.accepted, None), ("11-13", RS.engaged, None),
                          ("11-23", RS.completed, "safety plan in place; six sessions")])]),
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
            Item("26-0090553", "Ashby-Coles shot hours after his notification; he is talking to VIP staff.",
                 actions=[("Canvass Zuni Rd SE for doorbell video", "RMPD", QUINTANA, 10)],
                 notify=[
                     Notify("Marcus Oduya", "suspect in the Ashby-Coles shooting; CA16",
                            QUINTANA, LUCERO, BROOKS, 5, (A.approved, A.assigned),
                            follow_up=[
                                Attempt("11-18 18:00", R.not_home, door_hanger=True),
                                Attempt("11-19 19:30", R.not_home, letter=True),
                            ]),
                 ]),
            Item("26-0090619", "Solórzano shot; the Tamarisk Court .40 again.",
                 actions=[("Federal review of the TMC .40 series for charges", "USAO", "AUSA K. Whitfield", 21)],
                 notify=[Notify("Efraín Solórzano", "victim; CA16 associate", FERREIRA, ARMIJO, BROOKS, 4,
                                (A.approved,))]),
            Item("26-0090741", "Adrián Toscano grazed outside his school; Pemberton-Ruiz named. The dispute goes on.",
                 notify=[
                     Notify("Jarrett Pemberton-Ruiz", "suspect in the Toscano shooting; released 11-13",
                            QUINTANA, LUCERO, BROOKS, 7, (A.approved, A.assigned),
                            follow_up=[Attempt("11-20 18:30", R.not_home, door_hanger=True)]),
                     Notify("Adrián Toscano", "victim; brother of an earlier victim", QUINTANA, "", BROOKS, 10, ()),
                 ],
                 refer=[("Adrián Toscano", "counselling", "Rio Mesa Trauma Recovery Center",
                         [("11-20", RS.accepted, "first session 11-25")])]),
            Item("26-0090802", "Shots fired over Quillen's vigil; crowd scattered, nobody hit.",
                 actions=[("Pull city camera footage of the vigil", "RMPD", None, 7)]),
        ],
        direct=[("Efraín Solórzano", Refer("11-20 15:00", "job training", "Rio Mesa Works"))],
    ),
]


def _person_id(database: Database, name: str) -> int:
    with database.session() as s:
        person = s.exec(select(Person).where(Person.name_key == name_key(name))).first()
    assert person is not None and person.id is not None, name
    return person.id


def _at(database: Database, when: dt.datetime) -> Database:
    return dataclasses.replace(database, clock=lambda when=when: when)


class _Diary:
    """The follow-up after a meeting: steps run in the order they happened, each at its own time."""

    def __init__(self, database: Database, counts: dict[str, int]) -> None:
        self.database = database
        self.counts = counts
        self._queue: list[tuple[dt.datetime, int, Callable[[Database], None]]] = []
        self._seq = itertools.count()

    def add(self, when: dt.datetime, step: Callable[[Database], None]) -> None:
        heapq.heappush(self._queue, (when, next(self._seq), step))

    def referral_steps(
        self, referral_id: int, steps: Sequence[tuple[str, ReferralStatus, str | None]], after: dt.datetime
    ) -> None:
        for day, status, note in steps:
            # At noon that day, or just after the referral was made if that was later.
            on = max(_t(f"{day} 12:00"), after + dt.timedelta(minutes=5))
            after = on
            self.add(on, lambda at, status=status, note=note, on=on: follow.set_referral_status(
                at, referral_id, status, on=on.date(), note=note, version=None))

    def refer(self, person_id: int, refer: Refer, notification_id: int | None = None) -> None:
        def make(at: Database) -> None:
            made = follow.refer(at, person_id, refer.service, provider=refer.provider, notification_id=notification_id)
            self.counts["referrals"] += 1
            self.referral_steps(made.id, refer.steps, at.now())

        self.add(_t(refer.at), make)

    def notification(self, notification_id: int, person_id: int, n: Notify) -> None:
        team = ", ".join(x for x in (n.officer, n.voice, n.outreach) if x)
        for step in n.follow_up:
            if isinstance(step, Attempt):
                def attempt(at: Database, step: Attempt = step) -> None:
                    follow.record_attempt(at, notification_id, result=step.result, attempted_at=_t(step.at),
                                          by=step.by or team, letter_left=step.letter,
                                          door_hanger_left=step.door_hanger, note=step.note)
                    self.counts["attempts"] += 1

                self.add(_t(step.at), attempt)
            elif isinstance(step, Status):
                self.add(_t(step.at), lambda at, step=step: follow.change_status(
                    at, notification_id, step.status, step.outcome, version=None))
            elif isinstance(step, Services):
                self.add(_t(step.at), lambda at, step=step: follow.set_services(
                    at, notification_id, step.offered, step.accepted, version=None))
            else:
                self.refer(person_id, step, notification_id)

    def run(self, until: dt.datetime = dt.datetime.max) -> None:
        """Every step that happened before ``until``; the rest wait for the next call."""
        while self._queue and self._queue[0][0] < until:
            when, _, step = heapq.heappop(self._queue)
            step(_at(self.database, when))


def seed_history(database: Database) -> list[str]:
    """Hold and close weeks 1 and 2 of the samples, with the follow-up after each; returns the demo's report lines."""
    counts = {"actions": 0, "notifications": 0, "referrals": 0, "notes": 0, "attempts": 0}
    diary = _Diary(database, counts)
    for held in WEEKS:
        meeting = meetings.meeting_by_date(database, held.date)
        if meeting is None:
            continue
        start = dt.datetime.combine(held.date, meeting.start_time or dt.time(9, 0))
        at = _at(database, start)
        diary.run(until=start)
        meetings.start_meeting(at, meeting.id, version=None)
        for row in attendance.attendance(at, meeting.id):
            status = Attendance.absent if row.name in held.absent else (
                Attendance.remote if row.name in held.remote else Attendance.present)
            attendance.set_attendance(at, row.id, status, version=None)
        for old in old_business.old_business(at, meeting.id):
            for prefix, status, outcome in held.closes:
                if old.kind == "action" and old.text.startswith(prefix):
                    old_business.set_action_status(at, old.id, status, outcome, in_meeting_id=meeting.id, version=None)
        items = {r.case_number: r for r in items_svc.agenda(at, meeting.id)}
        for item in held.items:
            row = items[item.case]
            items_svc.save_note(at, row.id, item.note, version=None)
            counts["notes"] += 1
            if item.le_note:
                items_svc.save_note(at, row.id, item.le_note, visibility="le_only", version=None)
                counts["notes"] += 1
            for description, agency, owner, days in item.actions:
                decisions.add_action_item(at, meeting.id, description, incident_id=row.incident_id, owner_agency=agency,
                                    owner_name=owner, due_date=held.date + dt.timedelta(days=days))
                counts["actions"] += 1
            for n in item.notify:
                person_id = _person_id(at, n.person)
                made = decisions.propose_notification(
                    at, meeting.id, person_id, incident_id=row.incident_id, reasons=n.reasons,
                    team_officer=n.officer, team_community_voice=n.voice or None, team_outreach=n.outreach,
                    due_date=held.date + dt.timedelta(days=n.due_days),
                )
                counts["notifications"] += 1
                for step in n.at_meeting:
                    old_business.set_notification_status(at, made.id, step, n.outcome if not step.is_open else None,
                                                in_meeting_id=meeting.id, version=None)
                diary.notification(made.id, person_id, n)
            for person, service, provider, steps in item.refer:
                made = decisions.add_referral(at, _person_id(at, person), service, provider=provider,
                                        meeting_id=meeting.id, incident_id=row.incident_id)
                counts["referrals"] += 1
                diary.referral_steps(made.id, steps, start)
            items_svc.mark_item(at, row.id, item.status, version=None)
        for row in items.values():
            if row.case_number not in {i.case for i in held.items}:
                items_svc.mark_item(at, row.id, ReviewStatus.discussed, version=None)
        meetings.close_meeting(_at(database, start + dt.timedelta(minutes=82)), meeting.id, version=None)
        for person, refer in held.direct:
            diary.refer(_person_id(database, person), refer)
    # The teams' work after each meeting runs before the next one is held (at
    # the top of the loop): what ends then is reported closed at the next meeting.
    diary.run()
    return [f"demo history: weeks 1 and 2 held and closed with {counts['notes']} notes, "
            f"{counts['actions']} action items, {counts['notifications']} notifications "
            f"({counts['attempts']} attempts), {counts['referrals']} referrals"]
