"""The demo's VIP All In caseload (issue 15): two peer coaches and thirteen participants, lived in.

Thirteen episodes across every stage, enrolled the ways the program enrolls
people: from the delivered notifications of the demo's own meetings (Dante
Ashby-Coles, Nayeli Toscano), from accepted peer-support referrals, from a
person's profile, and as walk-ins. Each has an intake (some needs urgent),
most a plan of goals (some met, some due within two weeks), and contacts
over the past weeks in a peer coach's voice: in person, by phone, by text,
and attempts that found nobody. Three are overdue on 2026-11-24, the demo's
review day (one has had only attempts since his first meeting); one episode has ended
(completed).

Everything is fictional and goes through :mod:`vip_tui.services.all_in`
with the clock set to when it happened, the way :mod:`vip_tui.demo_history`
replays the weeks, so the program's rules hold (delivered notifications,
accepted referrals, contacts after enrollment, one open episode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from .db import Database
from .demo_history import _Diary, _person_id
from .enums import (
    ContactMethod,
    EnrollSource,
    ExitReason,
    GoalStatus,
    NeedDomain,
    NeedLevel,
    NotificationStatus,
    ReferralStatus,
    Stage,
)
from .models import Notification
from .services import all_in
from .services import notifications as follow

__all__ = ["COACHES", "PARTICIPANTS", "seed_caseload"]

D = NeedDomain
L = NeedLevel
M = ContactMethod
GS = GoalStatus

ORTIZ, BACA = "J. Maestas-Ortiz", "D. Baca-Lowe"
COACHES = (ORTIZ, BACA)
PEER_SUPPORT = ("peer support", "VIP All In")  # the referral a person enrolls from


def _d(month_day: str) -> dt.date:
    """``"11-12"`` in 2026, ``"2025-12-01"`` as it is."""
    return dt.date.fromisoformat(month_day if month_day.count("-") == 2 else f"2026-{month_day}")


@dataclass(frozen=True)
class Said:
    """A contact: ``at`` "11-12 18:20", how, minutes, the coach's note."""

    at: str
    method: ContactMethod
    minutes: int = 0
    note: str | None = None


@dataclass(frozen=True)
class Regular:
    """Contacts every ``every`` days from ``start`` to ``end`` (inclusive), the notes taken in turn."""

    start: str
    end: str
    every: int
    notes: Sequence[tuple[ContactMethod, int, str | None]]
    hour: int = 15


@dataclass(frozen=True)
class Goal:
    domain: NeedDomain
    goal: str
    set_on: str
    target: str | None = None
    milestones: Sequence[str] = ()
    status: GoalStatus = GS.open
    status_on: str | None = None


@dataclass(frozen=True)
class Episode:
    """One participant's story. ``who``: a person of the samples, or a walk-in's new name (``walk_in``)."""

    who: str
    coach: str
    source: EnrollSource
    enrolled: str  # "11-11 10:00"
    cadence: float
    needs: Sequence[tuple[str, dict[NeedDomain, tuple[NeedLevel, str | None]]]]  # (day, domains)
    stages: Sequence[tuple[str, Stage]] = ()
    goals: Sequence[Goal] = ()
    contacts: Sequence[Said | Regular] = ()
    referred: str | None = None  # the day a peer-support referral was made (source referral), accepted the next
    dob: str | None = None  # a walk-in's date of birth
    cadence_later: tuple[str, float] | None = None
    exit: tuple[str, ExitReason] | None = None


# The notes a coach writes on routine contacts, taken in turn.
CHECK_INS: Sequence[tuple[ContactMethod, int, str | None]] = (
    (M.in_person, 45, "Met at the shop. He is steady, talking about next month, not just today."),
    (M.text, 5, "Checked in by text; answered within the hour, all good."),
    (M.phone, 20, "Phone call. Rough week at home but he called me before it got worse, which is the point."),
    (M.in_person, 60, "Lunch at the taquería on Central. We went over the plan; he is ahead on two goals."),
    (M.attempt, 0, "Went by the house, nobody home. Left a note on the door."),
    (M.phone, 15, "Short call; confirmed the appointment Thursday and that he has a ride."),
)
LIGHT_TOUCH: Sequence[tuple[ContactMethod, int, str | None]] = (
    (M.phone, 20, "Monthly-ish call. Work is fine, sleeping better. Nothing he needs from me right now."),
    (M.in_person, 40, "Coffee. Talked about being a mentor for the younger ones in the spring group."),
    (M.text, 5, "Texted; sent a photo from his daughter's game."),
)
INTENSIVE: Sequence[tuple[ContactMethod, int, str | None]] = (
    (M.in_person, 50, "Daily check-in at the center. Calm today."),
    (M.text, 5, "Morning text, answered."),
    (M.phone, 15, "Evening call; the beef on his street is still talked about, he stayed in."),
    (M.in_person, 30, "Drove him to the GED class and back."),
)

EPISODES: tuple[Episode, ...] = (
    # --- from the demo's own notifications
    Episode(
        "Dante Ashby-Coles", ORTIZ, EnrollSource.notification, "11-11 10:00", 2.0,
        needs=[("11-12", {D.safety: (L.urgent, "named in threats after the 11-04 homicide; wants out of the car stuff"),
                          D.physical_health: (L.urgent, "gunshot wound, follow-up at the clinic"),
                          D.employment: (L.some, "worked at a tire shop until the summer"),
                          D.id_documents: (L.some, "no state ID; birth certificate at his grandmother's")})],
        stages=[("11-18", Stage.planning)],
        goals=[Goal(D.safety, "A safety plan he believes in", "11-18", "11-30",
                    ("Name two safe places to stay", "Agree a check-in word with his mother")),
               Goal(D.id_documents, "State ID", "11-18", "12-05", ("Birth certificate from grandmother", "MVD appointment")),
               Goal(D.employment, "Start job training at Rio Mesa Works", "11-19", "2027-01-15")],
        contacts=[Said("11-11 10:30", M.in_person, 70, "Sat with him at the hospital. Mom was there. He listened more "
                       "than he talked; said he is tired of burying friends."),
                  Said("11-13 17:00", M.phone, 25, "Home from the hospital. Pain is bad, spirits ok. Set the clinic follow-up."),
                  Said("11-16 12:00", M.in_person, 60, "Met at his grandmother's. Started on the safety plan."),
                  Said("11-19 09:15", M.text, 5, "Reminded him of the Rio Mesa Works intake; thumbs up."),
                  Said("11-21 16:00", M.in_person, 45, "Walked through the plan together. He picked the two safe places.")],
    ),
    Episode(
        "Nayeli Toscano", BACA, EnrollSource.notification, "11-13 16:00", 1.0,
        needs=[("11-13", {D.safety: (L.some, "house shot at in the dispute with another family"),
                          D.mental_health: (L.some, "not sleeping since the party"),
                          D.family: (L.urgent, "brother shot 11-14; mother asking about moving"),
                          D.education: (L.some, "missed two weeks of school")})],
        goals=[Goal(D.education, "Back at school with a safe route", "11-17", "12-04")],
        contacts=[Said("11-13 16:30", M.phone, 30, "Long call with her and her mom. She wants to go back to school."),
                  Said("11-16 18:00", M.attempt, 0, "Stopped by, nobody home. The family is staying with relatives."),
                  Said("11-17 15:30", M.in_person, 40, "Met at her aunt's. Talked about the walk to school.")],
    ),
    # --- from accepted peer-support referrals
    Episode(
        "Lamar Okoye-Banks", ORTIZ, EnrollSource.referral, "2026-05-06 11:00", 1.0, referred="05-04",
        needs=[("05-06", {D.employment: (L.urgent, "laid off in March"), D.income: (L.urgent, "behind on rent two months"),
                          D.housing: (L.some, "landlord patient for now"), D.mental_health: (L.some, None)}),
               ("09-02", {D.employment: (L.none, "full time at the warehouse since July"),
                          D.income: (L.some, "catching up on rent"), D.mental_health: (L.none, None)})],
        stages=[("05-20", Stage.planning), ("06-03", Stage.active), ("09-08", Stage.sustaining)],
        goals=[Goal(D.employment, "A steady job", "05-20", "07-31", ("Resume", "Forklift certificate"), GS.met, "07-14"),
               Goal(D.income, "Rent caught up", "05-20", "12-31", ("Payment plan with the landlord",))],
        contacts=[Regular("05-06", "09-05", 7, CHECK_INS), Regular("09-12", "11-21", 14, LIGHT_TOUCH)],
        cadence_later=("09-08", 0.5),
    ),
    Episode(
        "Devontae Marsh", BACA, EnrollSource.referral, "2026-09-15 14:00", 1.0, referred="09-11",
        needs=[("09-16", {D.legal: (L.urgent, "on PPD supervision; two missed check-ins"),
                          D.employment: (L.some, None), D.transportation: (L.urgent, "no car; the bus to PPD takes 90 min"),
                          D.substance_use: (L.some, "says he wants to cut back")})],
        stages=[("09-29", Stage.planning), ("10-13", Stage.active)],
        goals=[Goal(D.legal, "Every PPD check-in kept", "09-29", "12-31", ("Bus pass", "Calendar on his phone")),
               Goal(D.transportation, "A monthly bus pass", "09-29", "10-15", status=GS.met, status_on="10-09"),
               Goal(D.substance_use, "First appointment at Camino Recovery", "10-13", "11-28")],
        contacts=[Regular("09-15", "11-17", 7, CHECK_INS),
                  Said("11-20 13:00", M.phone, 25, "He kept this week's PPD check-in. Proud of it, said so twice.")],
    ),
    Episode(
        "Imani Rourke", BACA, EnrollSource.referral, "2026-10-06 10:00", 1.0, referred="10-02",
        needs=[("10-06", {D.housing: (L.urgent, "lease ends in December; two kids"), D.safety: (L.some, None),
                          D.income: (L.some, "works part time")})],
        stages=[("10-15", Stage.planning), ("10-27", Stage.active)],
        goals=[Goal(D.housing, "Housing application in with Casa Nueva", "10-15", "11-30",
                    ("Pay stubs", "Landlord reference", "Application"))],
        contacts=[Regular("10-06", "11-17", 7, CHECK_INS),
                  Said("11-21 11:00", M.in_person, 50, "Pay stubs and the landlord letter done; the application goes Monday.")],
    ),
    # --- from a profile (known to the program)
    Episode(
        "Colby Wren", BACA, EnrollSource.profile, "2026-10-20 13:00", 1.0,
        needs=[("10-21", {D.employment: (L.urgent, "lost his job in September"),
                          D.legal: (L.some, "the car is still held"), D.id_documents: (L.some, None)})],
        stages=[("10-28", Stage.planning), ("11-04", Stage.active)],
        goals=[Goal(D.employment, "Work by the new year", "10-28", "12-31")],
        contacts=[Regular("10-20", "11-09", 6, CHECK_INS[:4]),
                  Said("11-14 18:00", M.attempt, 0, "Called twice, voicemail full."),
                  Said("11-19 12:00", M.attempt, 0, "Went by his mother's; she has not seen him since Sunday.")],
    ),
    Episode(
        "Kiara Lindgren", ORTIZ, EnrollSource.profile, "11-17 15:00", 1.0,
        needs=[("11-17", {D.safety: (L.urgent, "eyewitness; afraid to stay at her place"),
                          D.housing: (L.urgent, "staying with a friend"), D.mental_health: (L.some, None)})],
        stages=[("11-23", Stage.planning)],
        goals=[Goal(D.housing, "A safe place of her own", "11-23", "12-20", ("Relocation request", "Deposit help"))],
        contacts=[Said("11-17 15:30", M.in_person, 55, "Met at the center with her friend. Scared, but she came."),
                  Said("11-20 20:00", M.text, 5, "Texted she is ok."),
                  Said("11-23 14:00", M.in_person, 40, "Agreed on what comes first: a safe place, then work.")],
    ),
    Episode(
        "Elías Montoya-Brandt", BACA, EnrollSource.profile, "11-21 16:00", 2.0,
        needs=[("11-21", {D.mental_health: (L.some, "14; shaken after the shooting at home"),
                          D.education: (L.some, "middle school; counselor on board"),
                          D.family: (L.some, "his mother wants help keeping his cousin away")})],
        contacts=[Said("11-21 16:30", M.in_person, 45, "Met him and his mom at home. Quiet kid, likes drawing. Mom is "
                       "all in.")],
    ),
    # --- walk-ins
    Episode(
        "Ezequiel Parra-Dunmore", ORTIZ, EnrollSource.walk_in, "2026-08-04 10:00", 1.0, dob="2001-03-14",
        needs=[("08-04", {D.housing: (L.urgent, "sleeping in his car"), D.id_documents: (L.urgent, "lost everything"),
                          D.employment: (L.some, None)}),
               ("10-06", {D.housing: (L.some, "room at his uncle's until January"), D.id_documents: (L.none, None),
                          D.employment: (L.some, "applications out")})],
        stages=[("08-12", Stage.planning), ("08-25", Stage.active)],
        goals=[Goal(D.id_documents, "State ID and Social Security card", "08-12", "09-15", status=GS.met, status_on="09-09"),
               Goal(D.housing, "Own lease", "08-12", "12-01", ("Income", "Deposit saved")),
               Goal(D.employment, "A job with benefits", "08-25", "2027-02-01")],
        contacts=[Regular("08-04", "11-12", 7, CHECK_INS[:4])],
    ),
    Episode(
        "Jovan Castellano-Reese", ORTIZ, EnrollSource.walk_in, "11-18 09:00", 2.0, dob="2006-07-22",
        needs=[("11-18", {D.safety: (L.urgent, "says people are looking for him after the 11-16 shooting"),
                          D.housing: (L.some, None)})],
        contacts=[Said("11-18 09:10", M.in_person, 30, "Walked in with his aunt. Agreed to meet twice a week."),
                  Said("11-20 17:00", M.attempt, 0, "No answer at the number he gave."),
                  Said("11-22 18:30", M.attempt, 0, "Went to the aunt's; he had left that morning.")],
    ),
    Episode(
        "Renzo Halloway-Quintero", ORTIZ, EnrollSource.walk_in, "2026-10-12 09:00", 3.0, dob="2004-11-02",
        needs=[("10-12", {D.safety: (L.urgent, "his brother was shot in September"),
                          D.education: (L.some, "wants his GED"), D.substance_use: (L.some, None)})],
        stages=[("10-19", Stage.planning), ("11-02", Stage.active)],
        goals=[Goal(D.education, "GED", "10-19", "2027-05-01", ("Enroll at Alto Learning Center", "Pass math"))],
        contacts=[Regular("10-12", "11-23", 2, INTENSIVE, hour=10)],
    ),
    Episode(
        "Talia Brightwater-Ochoa", BACA, EnrollSource.walk_in, "2026-04-08 10:00", 1.0, dob="1997-01-30",
        needs=[("04-08", {D.family: (L.urgent, "custody hearing for her son"), D.legal: (L.urgent, None),
                          D.income: (L.some, None)}),
               ("08-05", {D.family: (L.some, "custody shared since July"), D.legal: (L.none, None)})],
        stages=[("04-15", Stage.planning), ("04-29", Stage.active), ("08-10", Stage.sustaining)],
        goals=[Goal(D.legal, "Legal aid for the custody hearing", "04-15", "05-30", status=GS.met, status_on="05-22"),
               Goal(D.family, "Shared custody", "04-15", "08-01", status=GS.met, status_on="07-18"),
               Goal(D.income, "Child support set up", "08-10", "12-08")],
        contacts=[Regular("04-08", "08-07", 7, CHECK_INS[:4]), Regular("08-14", "11-20", 14, LIGHT_TOUCH)],
        cadence_later=("08-10", 0.5),
    ),
    Episode(
        "Andre Villaseñor-Kott", ORTIZ, EnrollSource.walk_in, "2026-03-02 10:00", 1.0, dob="1999-09-09",
        needs=[("03-02", {D.employment: (L.urgent, None), D.legal: (L.some, "old warrant to clear")})],
        stages=[("03-09", Stage.planning), ("03-23", Stage.active), ("07-06", Stage.sustaining)],
        goals=[Goal(D.legal, "Warrant cleared", "03-09", "04-30", status=GS.met, status_on="04-21"),
               Goal(D.employment, "Apprenticeship with the carpenters", "03-23", "07-01", status=GS.met, status_on="06-16")],
        contacts=[Regular("03-02", "07-03", 7, CHECK_INS[:4]), Regular("07-10", "10-23", 14, LIGHT_TOUCH),
                  Said("10-28 12:00", M.in_person, 60, "Last formal meeting. He is going to speak at the spring group.")],
        exit=("10-30", ExitReason.completed),
    ),
)
PARTICIPANTS = len(EPISODES)


def _contacts(spec: Said | Regular) -> list[Said]:
    if isinstance(spec, Said):
        return [spec]
    day, end, out = _d(spec.start), _d(spec.end), []
    while day <= end:
        method, minutes, note = spec.notes[len(out) % len(spec.notes)]
        out.append(Said(f"{day.isoformat()} {spec.hour:02d}:00", method, minutes, note))
        day += dt.timedelta(days=spec.every)
    return out


def _when(text: str) -> dt.datetime:
    day, _, time = text.partition(" ")
    return dt.datetime.combine(_d(day), dt.time.fromisoformat(time or "12:00"))


def _delivered_notification(database: Database, person_id: int) -> int:
    delivered = (NotificationStatus.delivered, NotificationStatus.delivered_to_family)
    with database.session() as s:
        found = s.exec(
            select(Notification.id).where(col(Notification.person_id) == person_id, col(Notification.status).in_(delivered))
        ).first()
    assert found is not None, person_id
    return found


REVIEW_DAY = dt.date(2026, 11, 24)  # the dates below are written as of the demo's review day (week 3)


def seed_caseload(database: Database, *, today: dt.date | None = None) -> list[str]:
    """Enroll the demo's participants and replay their episodes; returns the demo's report line.

    The episodes are written as of :data:`REVIEW_DAY`. A demo made later
    (``today``, by default the database's clock) has them moved on by the
    days between, so it opens on a lived-in caseload with a few overdue,
    not on one abandoned since the review day. Only later, never earlier:
    an enrollment from a notification stays after its delivery.
    """
    shift = max(dt.timedelta(0), (today or database.now().date()) - REVIEW_DAY)

    def when(text: str) -> dt.datetime:
        return _when(text) + shift

    def on_day(text: str) -> dt.date:
        return _d(text) + shift

    diary = _Diary(database, {})
    made = {"contacts": 0, "goals": 0, "assessments": 0}
    for e in EPISODES:
        episode: dict[str, int] = {}
        enrolled = when(e.enrolled)

        def enroll(at: Database, e: Episode = e, episode: dict[str, int] = episode) -> None:
            if e.source == EnrollSource.walk_in:
                saved = all_in.enroll_walk_in(at, e.who, coach=e.coach, dob=_d(e.dob) if e.dob else None,
                                              cadence=e.cadence)
            else:
                person = _person_id(at, e.who)
                extra: dict[str, int] = {}
                if e.source == EnrollSource.notification:
                    extra["notification_id"] = _delivered_notification(at, person)
                elif e.source == EnrollSource.referral:
                    extra["referral_id"] = episode["referral"]
                saved = all_in.enroll(at, person, coach=e.coach, source=e.source, cadence=e.cadence, **extra)
            episode["id"], episode["version"] = saved.id, saved.version

        if e.referred:
            def refer(at: Database, e: Episode = e, episode: dict[str, int] = episode) -> None:
                service, provider = PEER_SUPPORT
                episode["referral"] = follow.refer(at, _person_id(at, e.who), service, provider=provider,
                                                   note="asked for a peer coach").id

            def accept(at: Database, episode: dict[str, int] = episode) -> None:
                follow.set_referral_status(at, episode["referral"], ReferralStatus.accepted, version=None)

            referred = when(f"{e.referred} 09:00")
            diary.add(referred, refer)
            diary.add(referred + dt.timedelta(days=1), accept)
        diary.add(enrolled, enroll)
        for day, needs in e.needs:
            def assess(at: Database, needs=needs, e: Episode = e, episode: dict[str, int] = episode) -> None:
                all_in.assess_needs(at, episode["id"], needs, by=e.coach)
                made["assessments"] += 1

            diary.add(max(when(f"{day} 17:00"), enrolled + dt.timedelta(minutes=30)), assess)
        for day, stage in e.stages:
            def move(at: Database, stage: Stage = stage, episode: dict[str, int] = episode) -> None:
                episode["version"] = all_in.set_stage(at, episode["id"], stage, version=episode["version"]).version

            diary.add(when(f"{day} 17:30"), move)
        if e.cadence_later:
            day, cadence = e.cadence_later

            def slow(at: Database, cadence: float = cadence, episode: dict[str, int] = episode) -> None:
                episode["version"] = all_in.set_plan(at, episode["id"], cadence=cadence,
                                                     version=episode["version"]).version

            diary.add(when(f"{day} 17:40"), slow)
        for g in e.goals:
            def plan(at: Database, g: Goal = g, episode: dict[str, int] = episode) -> None:
                saved = all_in.add_goal(at, episode["id"], g.domain, g.goal,
                                        target_on=on_day(g.target) if g.target else None, milestones=g.milestones)
                made["goals"] += 1
                if g.status != GS.open:
                    assert g.status_on is not None
                    diary.add(when(f"{g.status_on} 16:00"), lambda at2: all_in.set_goal_status(at2, saved.id, g.status, version=saved.version))

            diary.add(when(f"{g.set_on} 17:20"), plan)
        for c in (said for spec in e.contacts for said in _contacts(spec)):
            def contact(at: Database, c: Said = c, e: Episode = e, episode: dict[str, int] = episode) -> None:
                all_in.log_contact(at, episode["id"], method=c.method, at=at.now(), minutes=c.minutes, by=e.coach,
                                   note=c.note)
                made["contacts"] += 1

            diary.add(max(when(c.at), enrolled + dt.timedelta(minutes=5)), contact)
        if e.exit:
            day, reason = e.exit

            def leave(at: Database, reason: ExitReason = reason, episode: dict[str, int] = episode) -> None:
                all_in.exit_participant(at, episode["id"], reason, version=episode["version"])

            diary.add(when(f"{day} 12:00"), leave)
    diary.run()
    return [f"demo caseload: {PARTICIPANTS} VIP All In participants with coaches {ORTIZ} and {BACA}, "
            f"{made['assessments']} needs assessments, {made['goals']} goals, {made['contacts']} contacts"]
