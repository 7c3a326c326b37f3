"""A synthetic, fictional, reproducible history of a violence intervention program.

    python -m bench.generate --years 5 [--seed 7] [--db PATH_OR_URL] [--replace]

Five years is about 260 weekly meetings, 5,000 incidents, 20,000 persons,
3,000 notifications (with their attempts), 10,000 notes, 10,000 action items,
referrals, attendance and disseminations, and 600 VIP All In participants
(about 100 still open) with 20 contacts each, their needs assessments and
goals. Every name, street, crew and case
number is made up from small invented syllable lists; the same seed gives the
same database, row for row.

The database is opened with :func:`vip_tui.db.open_database`, so the schema
comes from the real migrations and SQLite gets its pragmas; rows are written
with SQLAlchemy Core ``executemany`` (the ORM and its audit hook would take
minutes for this volume, and synthetic rows need no audit trail). Every row
respects the schema's constraints (foreign keys, uniques, enums).

The shape the benchmarks rely on:

- the last meeting (2026-11-24) is *in progress* with ``last_meeting_items``
  incidents (60) on its agenda, its first items discussed;
- one person (printed at the end, ``Generated.profile_person_id``) has exactly
  ``profile_involvements`` (20) involvements spread over the years;
- persons are reused across incidents with a heavy tail (a few dozen persons
  have 20+ involvements), the way repeat victims and suspects are;
- a handful of person records are merged into another (``merged_into_id``).

Persons per incident run from 2 to 9 (mean about 5.6): with 5,000 incidents
and 20,000 persons, fewer would leave thousands of persons without any
involvement, which an agenda import can never produce.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

LAST_DATE = dt.date(2026, 11, 24)  # a Tuesday: the review day of the sample agendas


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Plan:
    """How much history to make. :meth:`for_years` scales the five-year figures."""

    meetings: int = 260
    incidents: int = 5000
    persons: int = 20000
    notifications: int = 3000
    notes: int = 10000
    action_items: int = 10000
    referrals: int = 1500
    last_meeting_items: int = 60
    profile_involvements: int = 20
    merged: int = 40
    groups: int = 60
    # VIP All In (issue 15): episodes over the years, most exited by now, each with its contacts.
    participants: int = 600
    contacts_per_participant: int = 20
    last_date: dt.date = LAST_DATE

    @classmethod
    def for_years(cls, years: float, **overrides: Any) -> "Plan":
        """The five-year plan scaled to ``years`` (fractions allowed, for tests)."""
        f = years / 5
        base = cls()

        def n(value: int, minimum: int) -> int:
            return max(minimum, round(value * f))

        plan = cls(
            meetings=n(base.meetings, 3),
            incidents=n(base.incidents, 12),
            persons=n(base.persons, 40),
            notifications=n(base.notifications, 4),
            notes=n(base.notes, 10),
            action_items=n(base.action_items, 10),
            referrals=n(base.referrals, 3),
            last_meeting_items=min(base.last_meeting_items, max(3, round(base.incidents * f / 20))),
            profile_involvements=min(base.profile_involvements, max(2, round(base.incidents * f / 50))),
            merged=n(base.merged, 1),
            groups=n(base.groups, 4),
            participants=n(base.participants, 2),
        )
        return replace(plan, **overrides)


@dataclass
class Generated:
    """What was made, for the benchmark runner and the tests."""

    url: str
    plan: Plan
    seed: int
    counts: dict[str, int]
    last_meeting_id: int
    last_meeting_date: dt.date
    profile_person_id: int
    profile_record_id: str | None
    max_involvements: int
    persons_with_20_plus: int
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- words (all invented)

FIRST_START = [
    "Ka", "Ren", "Mi", "Lo", "Ta", "Vi", "Se", "Da", "No", "Ari", "El", "Jo", "Ma", "Ri", "Te", "Za",
    "Qui", "Bel", "Cor", "Dev", "Fen", "Gal", "Hal", "Ila", "Jun", "Kes", "Lev", "Mor", "Nel", "Or",
    "Pax", "Ros", "Sol", "Tav", "Ul", "Var", "Wen", "Yar", "Zen", "Ama", "Bri", "Cal",
]  # fmt: skip
FIRST_END = ["an", "el", "o", "a", "is", "en", "ar", "ie", "on", "ys", "ea", "im", "et", "us", "ito", "ela"]
LAST_START = [
    "Bar", "Cas", "Del", "Est", "Fal", "Gar", "Hol", "Ibar", "Jar", "Kel", "Lor", "Mont", "Nav", "Ocan",
    "Pel", "Quin", "Rend", "Sav", "Tor", "Ulm", "Vald", "Wick", "Yber", "Zar", "Ash", "Brom", "Crev",
    "Dun", "Elm", "Farr", "Grev", "Harl", "Lind", "Marr", "Orl", "Penn", "Rusk", "Stan", "Thal", "Vosk",
]  # fmt: skip
LAST_MID = ["", "", "a", "e", "i", "o", "en", "er", "al", "ov", "an"]
LAST_END = [
    "ez", "son", "ova", "ard", "ley", "ton", "ino", "ado", "wick", "berg", "ridge", "mont", "ales",
    "ero", "ier", "ski", "ana", "ford", "ham", "quez", "ón", "ía", "dale", "more",
]  # fmt: skip
STREET_START = ["Cen", "Mar", "Lo", "Pal", "Sier", "Ven", "Cor", "Alta", "Bel", "Dor", "Es", "Mir", "Tre", "Que"]
STREET_END = ["tral", "ona", "mita", "ero", "ra", "tana", "dova", "vista", "den", "ado", "calo", "amar", "nton"]
STREET_KIND = ["Ave", "St", "Blvd", "Rd", "Dr", "Way", "Ln"]
QUADRANTS = ["NE", "NW", "SE", "SW"]
AREA_COMMANDS = ["Southeast", "Northeast", "Southwest", "Northwest", "Valley", "Foothills", "Westside"]
CREW_START = ["Dos", "Calle", "Sur", "Loma", "Vista", "Rio", "Mesa", "Alto", "Paz", "Cerro", "Llano", "Arroyo"]
CREW_END = ["Crew", "Boys", "Set", "Gang", "Clique", "Family", "Mob"]
MOTIVES = [
    "ongoing dispute", "retaliation", "robbery", "domestic", "group conflict", "argument escalated",
    "drug debt", "road rage", "unknown",
]  # fmt: skip
BODY = ["leg", "arm", "torso", "shoulder", "hip", "hand"]
SERVICES = [
    "peer support", "housing", "job training", "mental health", "substance use treatment", "relocation",
    "victim services", "education", "ID documents",
]  # fmt: skip
PROVIDERS = [
    "Puente Peacekeepers", "Casa Nueva Housing", "Rio Works", "Mesa Counseling Collective", "Camino Recovery",
    "Alto Learning Center", "VIP Social Services",
]  # fmt: skip
FLAG_REASONS = [
    "victim in the last 90 days", "associate of a recent victim", "earlier victim, now a suspect",
    "involved in 3+ incidents", "group conflict with an active crew", "named in a retaliation threat",
]  # fmt: skip
NOTE_SENTENCES = [
    "Group dispute continues; expect retaliation within the week.",
    "Family asked for help with relocation.",
    "NIBIN correlates the casings to an earlier shooting.",
    "Detectives are canvassing for video along the corridor.",
    "Hospital reports the victim is stable and talking.",
    "Outreach worker knows the family and will visit.",
    "Vehicle seen leaving the scene matches an earlier report.",
    "Probation confirms the suspect missed two check-ins.",
    "School resource officer heard about the dispute at lunch.",
    "Street team reports a vigil is planned for Friday.",
    "Witness reluctant; DA will follow up.",
    "Social media posts suggest the conflict is escalating.",
]  # fmt: skip
NAME_SENTENCES = [
    "{name} was released from custody last month.",
    "{name} has been seen with the other group since the summer.",
    "Peer worker has a relationship with {name}'s mother.",
    "{name} is on probation until next year.",
]  # fmt: skip
ACTION_TEMPLATES = [
    "Canvass for video near {location}",
    "Check NIBIN correlation for {case}",
    "Probation home visit for {name}",
    "Pull social media for the group around {case}",
    "Arrange hospital visit by peer support for {name}",
    "Confirm custody status of {name}",
    "Brief patrol on retaliation risk in {area}",
    "Follow up with the family of {name}",
    "Request phone records for {case}",
    "Review school attendance with the district",
]  # fmt: skip
OUTCOMES = [
    "Completed as planned.", "Video obtained.", "No new information.", "Family declined.",
    "Referred to services.", "Superseded by arrest.",
]  # fmt: skip
AUTHORS = ["dmarchetti", "tbegay", "analyst", "rquintana"]

AGENCIES = [
    ("RMPD", "Rio Mesa Police Department", "law_enforcement"),
    ("RMSO", "Rio Mesa County Sheriff's Office", "law_enforcement"),
    ("SP", "State Police", "law_enforcement"),
    ("FBI", "Federal Bureau of Investigation", "law_enforcement"),
    ("ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives", "law_enforcement"),
    ("DEA", "Drug Enforcement Administration", "law_enforcement"),
    ("USAO", "U.S. Attorney's Office", "prosecution"),
    ("DA", "Rio Mesa County District Attorney", "prosecution"),
    ("PPD", "Adult Probation and Parole", "supervision"),
    ("JPO", "Juvenile Probation", "supervision"),
    ("VIP", "VIP Social Services", "service"),
    ("CVI", "Puente Peacekeepers", "community"),
]
TITLES = {
    "RMPD": ["Lt.", "Det.", "Sgt.", "Ofc."], "RMSO": ["Det.", "Sgt."], "SP": ["Agt."], "FBI": ["SA"],
    "ATF": ["SA"], "DEA": ["SA"], "USAO": ["AUSA"], "DA": ["ADA"], "PPD": ["PO"], "JPO": ["JPO"],
    "VIP": [""], "CVI": [""],
}  # fmt: skip
ATTENDEES_PER_AGENCY = {"RMPD": 8, "RMSO": 3, "SP": 2, "FBI": 3, "ATF": 3, "DEA": 2, "USAO": 2, "DA": 3,
                        "PPD": 4, "JPO": 3, "VIP": 5, "CVI": 4}  # fmt: skip
INCIDENT_TYPES = [("homicide", 0.12), ("non_fatal", 0.38), ("shots_fired", 0.45), ("other", 0.05)]
PERSONS_PER_INCIDENT = [(2, 0.06), (3, 0.10), (4, 0.14), (5, 0.18), (6, 0.18), (7, 0.14), (8, 0.12), (9, 0.08)]


# --------------------------------------------------------------------------- the generator


class _Maker:
    def __init__(self, plan: Plan, seed: int) -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    # ------------------------------------------------------------------ small helpers

    def pick(self, weighted: Sequence[tuple[Any, float]]) -> Any:
        r = self.rng.random() * sum(w for _, w in weighted)
        for value, w in weighted:
            r -= w
            if r <= 0:
                return value
        return weighted[-1][0]

    def first_name(self) -> str:
        return self.rng.choice(FIRST_START) + self.rng.choice(FIRST_END)

    def last_name(self) -> str:
        r = self.rng
        name = r.choice(LAST_START) + r.choice(LAST_MID) + r.choice(LAST_END)
        if r.random() < 0.06:
            name += "-" + r.choice(LAST_START) + r.choice(LAST_END)
        return name

    def street(self) -> str:
        r = self.rng
        return f"{r.randrange(1, 99) * 100} block {r.choice(STREET_START)}{r.choice(STREET_END)} {r.choice(STREET_KIND)} {r.choice(QUADRANTS)}"

    def at(self, day: dt.date, start_minutes: int = 0, span_minutes: int = 24 * 60) -> dt.datetime:
        minute = start_minutes + self.rng.randrange(span_minutes)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)

    # ------------------------------------------------------------------ the whole history

    def make(self) -> dict[str, Any]:
        from vip_tui.names import name_key

        self.name_key = name_key
        p = self.plan
        self._agencies()
        self._meetings()
        self._incidents()
        self._persons_and_involvements()
        self._agenda()
        self._decisions()
        self._notes()
        self._attendance()
        self._disseminations()
        _AllIn(self).make()
        return {
            "last_meeting_id": p.meetings,
            "profile_person_id": self.profile_person_id,
            "profile_record_id": self.profile_record_id,
        }

    def _agencies(self) -> None:
        from vip_tui.enums import AgencyKind

        r = self.rng
        self.agency_ids: dict[str, int] = {}
        self.attendees: list[dict[str, Any]] = []
        used_names: set[tuple[str, int]] = set()
        for i, (short, name, kind) in enumerate(AGENCIES, 1):
            self.agency_ids[short] = i
            self.rows["agency"].append(dict(id=i, short_name=short, name=name, kind=AgencyKind(kind)))
            for n in range(ATTENDEES_PER_AGENCY[short]):
                while True:
                    title = r.choice(TITLES[short])
                    person = f"{title} {r.choice(FIRST_START)[0]}. {self.last_name()}".strip()
                    key = (self.name_key(person), i)
                    if key not in used_names:
                        used_names.add(key)
                        break
                row = dict(
                    id=len(self.attendees) + 1, name=person, name_key=key[0], agency_id=i,
                    role=["Investigations", "Analyst", "Supervisor", "Outreach", "Liaison"][n % 5],
                )
                self.attendees.append(row)
        self.rows["attendee"] = self.attendees
        self.facilitator = next(a for a in self.attendees if a["agency_id"] == 1)["name"]

    def _meetings(self) -> None:
        from vip_tui.enums import MeetingStatus

        p = self.plan
        self.meeting_dates = [p.last_date - dt.timedelta(weeks=p.meetings - 1 - k) for k in range(p.meetings)]
        self.meetings: list[dict[str, Any]] = []
        for k, day in enumerate(self.meeting_dates):
            last = k == p.meetings - 1
            started = dt.datetime.combine(day, dt.time(9, self.rng.randrange(0, 6)))
            self.meetings.append(
                dict(
                    id=k + 1, date=day, number=k + 1, title="Weekly Shooting Review",
                    location="Real Time Crime Center", facilitator=self.facilitator, start_time=dt.time(9, 0),
                    minutes=180 if last else 90,
                    status=MeetingStatus.in_progress if last else MeetingStatus.closed,
                    agenda_ready=True, started_at=started,
                    closed_at=None if last else started + dt.timedelta(minutes=self.rng.randrange(80, 125)),
                    last_item_number=0,
                )
            )
        self.rows["meeting"] = self.meetings

    def _incidents(self) -> None:
        from vip_tui.enums import CaseStatus, IncidentType, RetaliationRisk

        p, r = self.plan, self.rng
        # Incidents per meeting: the last meeting has exactly last_meeting_items,
        # the others share the rest unevenly (largest remainder keeps the total).
        rest = p.incidents - p.last_meeting_items
        weights = [0.6 + 0.8 * r.random() for _ in range(p.meetings - 1)]
        total = sum(weights)
        raw = [rest * w / total for w in weights]
        counts = [max(1, int(x)) for x in raw]
        order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
        i = 0
        while sum(counts) < rest:
            counts[order[i % len(order)]] += 1
            i += 1
        while sum(counts) > rest:
            j = max(range(len(counts)), key=lambda j: counts[j])
            counts[j] -= 1
        counts.append(p.last_meeting_items)
        self.per_meeting = counts

        incidents = []
        for k, n in enumerate(counts):
            day = self.meeting_dates[k]
            for _ in range(n):
                when = self.at(day - dt.timedelta(days=7), 0, 7 * 24 * 60 - 9 * 60)  # the week before, to 15:00 Monday
                incidents.append((when, k))
        incidents.sort()
        seq: Counter[int] = Counter()
        self.incidents: list[dict[str, Any]] = []
        self.incident_meeting: list[int] = []
        for idx, (when, k) in enumerate(incidents, 1):
            yy = when.year % 100
            seq[yy] += r.randrange(3, 40)
            type_ = IncidentType(self.pick(INCIDENT_TYPES))
            age_weeks = p.meetings - 1 - k
            if age_weeks > 20:
                status = self.pick([(CaseStatus.open, 0.45), (CaseStatus.cleared_arrest, 0.4),
                                    (CaseStatus.cleared_exceptional, 0.1), (CaseStatus.unfounded, 0.05)])
            else:
                status = self.pick([(CaseStatus.open, 0.85), (CaseStatus.cleared_arrest, 0.15)])
            leads = [f"N-{when.year}-{r.randrange(1, 9999):04d}" for _ in range(r.choice([0, 0, 0, 1, 1, 2]))]
            row = dict(
                id=idx, case_number=f"{yy:02d}-{80000 + seq[yy]:07d}", occurred_at=when, type=type_,
                location=self.street(), area_command=r.choice(AREA_COMMANDS) if r.random() < 0.95 else None,
                summary=None,
                motive=r.choice(MOTIVES) if r.random() < 0.6 else None,
                case_status=status if r.random() < 0.9 else None,
                retaliation_risk=self.pick([(RetaliationRisk.none, 0.3), (RetaliationRisk.long_term, 0.25),
                                            (RetaliationRisk.ongoing, 0.3), (RetaliationRisk.immediate, 0.15)]),
                nibin_leads=leads,
            )
            self.incidents.append(row)
            self.incident_meeting.append(k)
        self.rows["incident"] = self.incidents

    def _persons_and_involvements(self) -> None:
        from vip_tui.enums import Role

        p, r = self.plan, self.rng
        groups = []
        seen_groups: set[str] = set()
        while len(groups) < p.groups:
            name = f"{r.choice(CREW_START)} {r.choice(FIRST_START)}{r.choice(FIRST_END)} {r.choice(CREW_END)}"
            key = self.name_key(name)
            if key in seen_groups:
                continue
            seen_groups.add(key)
            groups.append(dict(id=len(groups) + 1, name=name, name_key=key))
        self.rows["group_"] = groups
        group_weights = [(g["id"], 1 / (i + 1) ** 0.8) for i, g in enumerate(groups)]

        record_numbers = r.sample(range(100000, 999999), p.persons)
        persons: list[dict[str, Any]] = []
        active: list[bool] = []
        person_group: dict[int, list[int]] = {}

        def new_person(when: dt.date) -> int:
            pid = len(persons) + 1
            name = f"{self.first_name()} {self.last_name()}"
            age = min(70, max(13, int(r.gauss(27, 9))))
            dob = None
            if r.random() < 0.85:
                dob = dt.date(when.year - age, 1, 1) + dt.timedelta(days=r.randrange(365))
            record_id = f"MNI-{record_numbers[pid - 1]}" if r.random() < 0.75 else None
            persons.append(dict(id=pid, record_id=record_id, name=name, name_key=self.name_key(name), dob=dob,
                                merged_into_id=None))
            is_active = r.random() < 0.22
            active.append(is_active)
            if r.random() < (0.6 if is_active else 0.08):
                gs = [self.pick(group_weights)]
                if r.random() < 0.05:
                    other = self.pick(group_weights)
                    if other not in gs:
                        gs.append(other)
                person_group[pid] = gs
            return pid

        # The profile person: exactly profile_involvements involvements spread over the years.
        n_inc = len(self.incidents)
        step = n_inc / p.profile_involvements
        profile_incidents = {int(i * step + step / 2) for i in range(p.profile_involvements)}
        assert len(profile_incidents) == p.profile_involvements

        slots = [self.pick(PERSONS_PER_INCIDENT) for _ in range(n_inc)]
        total_slots = sum(slots)
        # Persons that appear through incidents; the profile person and the merged records come on top.
        to_introduce = p.persons - p.merged - 1
        if total_slots < to_introduce:
            raise SystemExit(f"plan too small: {total_slots} involvement slots for {to_introduce} persons")
        remaining_slots = total_slots
        introduced = 0
        urn: list[int] = []  # preferential attachment among repeat-prone persons
        involvements: list[dict[str, Any]] = []
        count: Counter[int] = Counter()
        # The profile person comes first, so it is person 1 whatever the size of the plan.
        self.profile_person_id = new_person(self.incidents[0]["occurred_at"].date())
        if persons[0]["record_id"] is None:
            persons[0]["record_id"] = f"MNI-{record_numbers[0]}"
        person_group.setdefault(self.profile_person_id, [groups[0]["id"]])

        for idx, incident in enumerate(self.incidents):
            when = incident["occurred_at"].date()
            chosen: list[int] = []
            for _ in range(slots[idx]):
                remaining_new = to_introduce - introduced
                if urn and r.random() >= remaining_new / remaining_slots:
                    for _try in range(6):
                        pid = r.choice(urn)
                        if pid not in chosen:
                            break
                    else:
                        pid = -1
                    if pid == -1:
                        remaining_slots -= 1
                        continue
                else:
                    pid = new_person(when)
                    introduced += 1
                    if active[pid - 1]:
                        urn.append(pid)
                remaining_slots -= 1
                chosen.append(pid)
                # Rich get richer, but only so far: a handful of persons reach 30-40
                # involvements in five years, none hundreds.
                if active[pid - 1] and count[pid] < 8:
                    urn.append(pid)
            if idx in profile_incidents:
                chosen.append(self.profile_person_id)
            roles = self._roles(incident["type"].value, len(chosen))
            for pid, role in zip(chosen, roles):
                count[pid] += 1
                gs = person_group.get(pid)
                involvements.append(
                    dict(
                        id=len(involvements) + 1, incident_id=incident["id"], person_id=pid, role=Role(role),
                        group_id=gs[0] if gs and r.random() < 0.7 else None,
                        notes=r.choice(["on probation", "hospitalized", "uncooperative", "juvenile",
                                        "relocated out of state"]) if r.random() < 0.08 else None,
                    )
                )
            victims = [persons[pid - 1]["name"] for pid, role in zip(chosen, roles) if role == "victim"]
            incident["summary"] = self._summary(incident, victims)
        # Merged records: an earlier duplicate of a person with involvements, absorbed into them.
        targets = r.sample(range(1, len(persons) + 1), p.merged)
        for target in targets:
            t = persons[target - 1]
            pid = len(persons) + 1
            persons.append(dict(id=pid, record_id=None, name=t["name"], name_key=t["name_key"], dob=None,
                                merged_into_id=target))
        self.persons = persons
        self.rows["person"] = persons
        self.rows["person_group"] = [
            dict(person_id=pid, group_id=g, last_seen=self.plan.last_date - dt.timedelta(days=r.randrange(900)))
            for pid, gs in person_group.items()
            for g in gs
        ]
        self.involvements = involvements
        self.rows["involvement"] = involvements
        self.involvement_count = count
        self.profile_record_id = persons[self.profile_person_id - 1]["record_id"]
        assert count[self.profile_person_id] == p.profile_involvements
        # Who is on each incident, for the decisions and notes.
        self.incident_persons: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for inv in involvements:
            self.incident_persons[inv["incident_id"]].append((inv["person_id"], inv["role"].value))

    def _roles(self, type_: str, n: int) -> list[str]:
        r = self.rng
        roles: list[str] = []
        if type_ in ("homicide", "non_fatal"):
            roles.append("victim")
            if n > 3 and r.random() < 0.2:
                roles.append("victim")
        while len(roles) < n:
            roles.append(self.pick([("suspect", 0.28), ("witness", 0.25), ("associate", 0.32),
                                    ("person_of_interest", 0.15)]))
        return roles[:n]

    def _summary(self, incident: dict[str, Any], victims: list[str]) -> str:
        r = self.rng
        casings = r.randrange(1, 18)
        if incident["type"].value == "homicide" and victims:
            text = f"{victims[0]} was found with gunshot wounds near the {incident['location'].split(' block ')[0]} block and died at the scene."
        elif incident["type"].value == "non_fatal" and victims:
            text = f"{victims[0]} was struck in the {r.choice(BODY)} and taken to University Hospital."
        elif incident["type"].value == "shots_fired":
            text = f"Shots fired into an occupied {r.choice(['residence', 'vehicle', 'business'])}; no one was hit."
        else:
            text = "Firearm discharged during a disturbance."
        return f"{text} {casings} casings recovered. {r.choice(NOTE_SENTENCES)}"

    def _agenda(self) -> None:
        from vip_tui.enums import ReviewStatus

        p, r = self.plan, self.rng
        by_meeting: dict[int, list[int]] = defaultdict(list)
        for incident, k in zip(self.incidents, self.incident_meeting):
            by_meeting[k].append(incident["id"])
        items: list[dict[str, Any]] = []
        carried: list[int] = []
        last = p.meetings - 1
        self.meeting_items: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for k in range(p.meetings):
            ids = carried + sorted(by_meeting[k], key=lambda i: self.incidents[i - 1]["occurred_at"])
            carried = []
            for position, incident_id in enumerate(ids, 1):
                minutes = r.choice([3, 4, 5, 5, 6, 8, 10])
                if k == last:
                    status = ReviewStatus.discussed if position <= 10 else ReviewStatus.pending
                else:
                    status = self.pick([(ReviewStatus.discussed, 0.95), (ReviewStatus.deferred, 0.04),
                                        (ReviewStatus.pending, 0.01)])
                    if status == ReviewStatus.deferred and k + 1 < last:
                        carried.append(incident_id)  # reviewed again next week
                    elif status == ReviewStatus.deferred:
                        status = ReviewStatus.discussed
                elapsed = 0 if status == ReviewStatus.pending else max(30, int(minutes * 60 * r.uniform(0.5, 1.6)))
                item = dict(
                    id=len(items) + 1, meeting_id=k + 1, incident_id=incident_id, position=position,
                    minutes=minutes, review_status=status, elapsed_seconds=elapsed, started_at=None,
                )
                items.append(item)
                self.meeting_items[k].append(item)
        self.rows["agenda_item"] = items

    def _closing(self, k: int, opened: dt.date, days: int) -> tuple[dt.datetime | None, int | None]:
        """When a decision of meeting ``k`` was closed and at which meeting (or between meetings)."""
        p, r = self.plan, self.rng
        closed_day = opened + dt.timedelta(days=days)
        if closed_day > p.last_date:
            return None, None
        closed_at = self.at(closed_day, 8 * 60, 10 * 60)
        j = bisect_left(self.meeting_dates, closed_day)
        if j < p.meetings and r.random() < 0.7:
            closing_day = self.meeting_dates[j]
            return dt.datetime.combine(closing_day, dt.time(10, r.randrange(60))), j + 1
        return closed_at, None

    def _decisions(self) -> None:
        from vip_tui.enums import (
            ActionStatus,
            AttemptResult,
            NotificationStatus as NS,
        )

        p, r = self.plan, self.rng
        last = p.meetings - 1
        # Decisions follow the items discussed so far (the meeting in progress: its first ones).
        weights = [
            sum(1 for i in self.meeting_items[k] if k != last or i["review_status"].value == "discussed")
            for k in range(p.meetings)
        ]
        total = sum(weights)

        def share(n: int) -> list[int]:
            raw = [n * w / total for w in weights]
            out = [int(x) for x in raw]
            for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: n - sum(out)]:
                out[i] += 1
            return out

        n_actions, n_notifications = share(p.action_items), share(p.notifications)
        actions: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        attempts: list[dict[str, Any]] = []
        referrals: list[dict[str, Any]] = []
        attendee_names = defaultdict(list)
        for a in self.attendees:
            attendee_names[a["agency_id"]].append(a["name"])
        agency_choice = [(self.agency_ids[s], w) for s, w in
                         (("RMPD", 0.4), ("RMSO", 0.06), ("SP", 0.04), ("FBI", 0.06), ("ATF", 0.08), ("DEA", 0.02),
                          ("USAO", 0.04), ("DA", 0.06), ("PPD", 0.08), ("JPO", 0.04), ("VIP", 0.08), ("CVI", 0.04))]
        delivered_notifications: list[dict[str, Any]] = []

        for k in range(p.meetings):
            day = self.meeting_dates[k]
            age = last - k
            items = self.meeting_items[k]
            if k == last:
                items = [i for i in items if i["review_status"].value == "discussed"]
            meeting_start = dt.datetime.combine(day, dt.time(9, 30))
            decisions = ["a"] * n_actions[k] + ["n"] * n_notifications[k]
            r.shuffle(decisions)
            number = 0
            used_subjects: set[int] = set()
            for kind in decisions:
                item = r.choice(items) if items else None
                incident_id = item["incident_id"] if item else None
                number += 1
                created = meeting_start + dt.timedelta(minutes=r.randrange(90))
                if kind == "a":
                    general = item is None or r.random() < 0.08
                    incident = self.incidents[incident_id - 1] if incident_id else None
                    persons = self.incident_persons.get(incident_id, []) if incident_id else []
                    name = self.persons[r.choice(persons)[0] - 1]["name"] if persons else "the family"
                    template = r.choice(ACTION_TEMPLATES[-1:] if general else ACTION_TEMPLATES)
                    description = template.format(
                        location=incident["location"] if incident else "the corridor",
                        case=incident["case_number"] if incident else "the open cases",
                        name=name, area=(incident["area_command"] if incident else None) or "the area",
                    )
                    agency_id = self.pick(agency_choice)
                    if k == last:
                        status = ActionStatus.open
                    elif age > 4:
                        status = self.pick([(ActionStatus.done, 0.8), (ActionStatus.dropped, 0.15),
                                            (ActionStatus.open, 0.05)])
                    else:
                        status = self.pick([(ActionStatus.open, 0.6), (ActionStatus.done, 0.35),
                                            (ActionStatus.dropped, 0.05)])
                    closed_at, closed_in = (None, None)
                    if status != ActionStatus.open:
                        closed_at, closed_in = self._closing(k, day, r.randrange(2, 28))
                        if closed_at is None:
                            status = ActionStatus.open
                    actions.append(
                        dict(
                            id=len(actions) + 1, meeting_id=k + 1, number=number,
                            incident_id=None if general else incident_id, description=description,
                            owner_agency_id=agency_id if r.random() < 0.95 else None,
                            owner_name=r.choice(attendee_names[agency_id]) if r.random() < 0.6 else None,
                            due_date=day + dt.timedelta(days=r.randrange(7, 29)) if r.random() < 0.92 else None,
                            status=status, outcome=r.choice(OUTCOMES) if status != ActionStatus.open and r.random() < 0.7 else None,
                            closed_at=closed_at, closed_in_meeting_id=closed_in, created_at=created,
                        )
                    )
                    continue
                # A notification for someone of the incident not yet notified at this meeting.
                candidates = [pid for pid, role in self.incident_persons.get(incident_id, []) if pid not in used_subjects]
                if not candidates:
                    candidates = [pid for it in items for pid, _ in self.incident_persons[it["incident_id"]]
                                  if pid not in used_subjects]
                if not candidates:
                    number -= 1
                    continue
                pid = r.choice(candidates)
                used_subjects.add(pid)
                if k == last:
                    status = NS.proposed
                elif age > 5:
                    status = self.pick([(NS.delivered, 0.42), (NS.delivered_to_family, 0.12), (NS.refused, 0.10),
                                        (NS.not_located, 0.08), (NS.in_custody, 0.10), (NS.cancelled, 0.13),
                                        (NS.assigned, 0.05)])
                elif age > 1:
                    status = self.pick([(NS.approved, 0.15), (NS.assigned, 0.25), (NS.delivered, 0.4),
                                        (NS.refused, 0.1), (NS.not_located, 0.1)])
                else:
                    status = self.pick([(NS.proposed, 0.4), (NS.approved, 0.35), (NS.assigned, 0.25)])
                closed_at, closed_in = (None, None)
                if status not in (NS.proposed, NS.approved, NS.assigned):
                    closed_at, closed_in = self._closing(k, day, r.randrange(3, 35))
                    if closed_at is None:
                        status = NS.assigned
                delivered = status in (NS.delivered, NS.delivered_to_family)
                n = dict(
                    id=len(notifications) + 1, meeting_id=k + 1, number=number, person_id=pid,
                    incident_id=incident_id,
                    reasons=", ".join(r.sample(FLAG_REASONS, r.choice([1, 1, 2]))),
                    team_officer=r.choice(attendee_names[self.agency_ids["RMPD"]]),
                    team_community_voice=f"Rev. {r.choice(FIRST_START)}. {self.last_name()}" if r.random() < 0.8 else None,
                    team_outreach=r.choice(attendee_names[self.agency_ids["CVI"]]) if r.random() < 0.9 else None,
                    due_date=day + dt.timedelta(days=r.randrange(5, 22)),
                    status=status,
                    services_offered=", ".join(r.sample(SERVICES, 2)) if delivered else None,
                    services_accepted=r.choice(SERVICES) if delivered and r.random() < 0.5 else None,
                    outcome=r.choice(["Delivered with family present.", "Message received; accepted services.",
                                      "Refused at the door.", "Moved out of the city."]) if closed_at else None,
                    closed_at=closed_at, closed_in_meeting_id=closed_in, created_at=created,
                )
                notifications.append(n)
                if delivered:
                    delivered_notifications.append(n)
                # Attempts: earlier tries not at home, the last one with the result.
                if status not in (NS.proposed, NS.approved, NS.cancelled) and not (status == NS.assigned and r.random() < 0.5):
                    final = {NS.delivered: AttemptResult.delivered, NS.delivered_to_family: AttemptResult.delivered_to_family,
                             NS.refused: AttemptResult.refused, NS.not_located: AttemptResult.not_located,
                             NS.in_custody: AttemptResult.in_custody}.get(status)
                    tries = r.choice([1, 1, 2, 2, 3])
                    end = closed_at or dt.datetime.combine(min(day + dt.timedelta(days=14), p.last_date), dt.time(18))
                    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(16))
                    span = max(60, int((end - start).total_seconds() // 60))
                    times = sorted(start + dt.timedelta(minutes=r.randrange(span)) for _ in range(tries))
                    for t_i, when in enumerate(times):
                        result = final if (final and t_i == tries - 1) else AttemptResult.not_home
                        attempts.append(
                            dict(
                                id=len(attempts) + 1, notification_id=n["id"], attempted_at=when,
                                by=n["team_officer"], result=result,
                                letter_left=result in (AttemptResult.delivered_to_family,) or r.random() < 0.2,
                                door_hanger_left=result == AttemptResult.not_home and r.random() < 0.7,
                                note=None,
                            )
                        )
            self.meetings[k]["last_item_number"] = number

        # Referrals: most from delivered notifications, the rest made directly at a meeting.
        from_notifications = min(len(delivered_notifications), int(p.referrals * 0.6))
        for n in r.sample(delivered_notifications, from_notifications):
            k = n["meeting_id"] - 1
            referrals.append(self._referral(len(referrals) + 1, n["person_id"], n["id"], k, n["incident_id"]))
        while len(referrals) < p.referrals:
            k = r.randrange(p.meetings)
            items = self.meeting_items[k]
            if not items:
                continue
            incident_id = r.choice(items)["incident_id"]
            pid = r.choice(self.incident_persons[incident_id])[0]
            referrals.append(self._referral(len(referrals) + 1, pid, None, k, incident_id))
        self.rows["action_item"] = actions
        self.rows["notification"] = notifications
        self.rows["notification_attempt"] = attempts
        self.rows["referral"] = referrals

    def _referral(self, rid: int, person_id: int, notification_id: int | None, k: int, incident_id: int | None) -> dict[str, Any]:
        from vip_tui.enums import ReferralStatus as RS

        r = self.rng
        day = self.meeting_dates[k]
        age = self.plan.meetings - 1 - k
        if age > 8:
            status = self.pick([(RS.completed, 0.35), (RS.engaged, 0.2), (RS.declined, 0.25), (RS.accepted, 0.1),
                                (RS.offered, 0.1)])
        else:
            status = self.pick([(RS.offered, 0.5), (RS.accepted, 0.3), (RS.engaged, 0.1), (RS.declined, 0.1)])
        return dict(
            id=rid, person_id=person_id, notification_id=notification_id, meeting_id=k + 1, incident_id=incident_id,
            service=r.choice(SERVICES), provider=r.choice(PROVIDERS) if r.random() < 0.85 else None, status=status,
            offered_on=day, status_on=min(day + dt.timedelta(days=r.randrange(0, 60)), self.plan.last_date),
            note=None,
        )

    def _notes(self) -> None:
        p, r = self.plan, self.rng
        items = [i for i in self.rows["agenda_item"] if i["review_status"].value != "pending"]
        notes: list[dict[str, Any]] = []
        general = min(p.meetings, p.notes // 10)
        per_item = max(0, p.notes - general)
        for n in range(per_item):
            item = items[n % len(items)] if n < len(items) else r.choice(items)
            notes.append(self._note(len(notes) + 1, item["meeting_id"], item["id"], item["incident_id"]))
        for k in r.sample(range(p.meetings), general):
            notes.append(self._note(len(notes) + 1, k + 1, None, None))
        self.rows["note"] = notes

    def _note(self, nid: int, meeting_id: int, item_id: int | None, incident_id: int | None) -> dict[str, Any]:
        r = self.rng
        sentences = r.sample(NOTE_SENTENCES, r.choice([1, 1, 2, 3]))
        persons = self.incident_persons.get(incident_id, []) if incident_id else []
        if persons and r.random() < 0.3:
            name = self.persons[r.choice(persons)[0] - 1]["name"]
            sentences.append(r.choice(NAME_SENTENCES).format(name=name))
        day = self.meeting_dates[meeting_id - 1]
        created = dt.datetime.combine(day, dt.time(9, 5)) + dt.timedelta(minutes=r.randrange(100))
        return dict(
            id=nid, meeting_id=meeting_id, agenda_item_id=item_id, text=" ".join(sentences),
            visibility="le_only" if r.random() < 0.12 else "members", author=r.choice(AUTHORS), created_at=created,
            updated_at=created + dt.timedelta(seconds=r.randrange(0, 400)),
        )

    def _attendance(self) -> None:
        from vip_tui.enums import Attendance

        r = self.rng
        regulars = [a["id"] for a in self.attendees if r.random() < 0.7]
        others = [a["id"] for a in self.attendees if a["id"] not in regulars]
        rows = []
        for k in range(self.plan.meetings):
            invited = regulars + r.sample(others, min(len(others), r.randrange(0, 5)))
            for attendee_id in invited:
                rows.append(
                    dict(
                        id=len(rows) + 1, meeting_id=k + 1, attendee_id=attendee_id,
                        status=self.pick([(Attendance.present, 0.74), (Attendance.remote, 0.16),
                                          (Attendance.absent, 0.10)]),
                        walk_in=r.random() < 0.03,
                    )
                )
        self.rows["meeting_attendance"] = rows

    def _disseminations(self) -> None:
        from vip_tui.enums import Audience, DisseminationMethod

        r = self.rng
        rows = []
        for k in range(self.plan.meetings - 1):
            day = self.meeting_dates[k]
            for short, audience in (("RMPD", Audience.full), ("FBI", Audience.full), ("VIP", Audience.partner),
                                    ("CVI", Audience.partner)):
                if r.random() < 0.6:
                    rows.append(
                        dict(
                            id=len(rows) + 1, meeting_id=k + 1, document="minutes", audience=audience,
                            receiving_agency_id=self.agency_ids[short], receiving=None,
                            method=r.choice([DisseminationMethod.email, DisseminationMethod.secure_portal]),
                            sent_by="analyst",
                            sent_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(14, r.randrange(60))),
                            file_name=f"minutes-{day.isoformat()}-{audience.value}.docx",
                        )
                    )
        self.rows["dissemination"] = rows


# --------------------------------------------------------------------------- VIP All In (issue 15)

COACH_NOTES = [
    "Met at the center; went over the plan together.", "Checked in by text, answered the same day.",
    "Phone call; rough week but he called before it got worse.", "Drove him to the appointment and back.",
    "Lunch; talked about work and his kids.", "Went by the house, nobody home; left a card.",
    "Short call to confirm Thursday.", "Sat with the family after the hearing.",
]  # fmt: skip
GOALS = {
    "housing": "Own lease", "employment": "A steady job", "education": "GED", "income": "Rent caught up",
    "id_documents": "State ID", "legal": "Warrant cleared", "safety": "A safety plan he believes in",
    "mental_health": "Regular counseling", "substance_use": "First appointment at treatment",
    "family": "Shared custody", "transportation": "Bus pass", "physical_health": "Clinic follow-ups kept",
}  # fmt: skip
MILESTONES = ["Documents gathered", "Application in", "First appointment", "Follow-up kept", "Deposit saved"]


class _AllIn:
    """Participants for the history: about ``plan.participants`` episodes over the years, bulk rows.

    The rules of services.all_in hold: one open episode per person (a person
    re-enrolls only after an exit), a notification source is a delivered
    notification of that person and enrollment follows it, a referral source
    an engaged referral, contacts, needs and goals lie between enrollment and
    exit. About 100 of 600 are still open on the last date, a quarter of them
    overdue. Its own random stream: the rest of the history does not change.
    """

    def __init__(self, maker: _Maker) -> None:
        self.m = maker
        self.plan = maker.plan
        self.r = random.Random(maker.rng.random())  # drawn last: what came before is unchanged

    def make(self) -> None:
        from vip_tui.enums import EnrollSource, NotificationStatus as NS, ReferralStatus as RS

        m, p, r = self.m, self.plan, self.r
        last = p.last_date
        first = m.meeting_dates[0]
        self.coaches = [f"{r.choice(FIRST_START)[0]}. {m.last_name()}" for _ in range(6)]
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        starts: list[tuple[dt.date, int, EnrollSource, int | None, int | None]] = []
        taken: set[int] = set()
        delivered = sorted(
            (n for n in m.rows["notification"] if n["status"] in (NS.delivered, NS.delivered_to_family) and n["closed_at"]),
            key=lambda n: n["closed_at"],
        )
        wanted = {EnrollSource.notification: round(p.participants * 0.7), EnrollSource.referral: round(p.participants * 0.15)}
        for n in r.sample(delivered, len(delivered)):
            if len([s for s in starts if s[2] == EnrollSource.notification]) >= wanted[EnrollSource.notification]:
                break
            if n["person_id"] in taken or n["closed_at"].date() >= last:
                continue
            day = min(n["closed_at"].date() + dt.timedelta(days=r.randrange(0, 21)), last - dt.timedelta(days=1))
            taken.add(n["person_id"])
            starts.append((day, n["person_id"], EnrollSource.notification, n["id"], None))
        for ref in r.sample(m.rows["referral"], len(m.rows["referral"])):
            if len([s for s in starts if s[2] == EnrollSource.referral]) >= wanted[EnrollSource.referral]:
                break
            if ref["status"] != RS.engaged or ref["person_id"] in taken or ref["status_on"] >= last:
                continue
            taken.add(ref["person_id"])
            starts.append((ref["status_on"], ref["person_id"], EnrollSource.referral, None, ref["id"]))
        span = (last - first).days
        while len(starts) < p.participants:  # walk-ins (and what the small plans cannot fill otherwise)
            day = first + dt.timedelta(days=r.randrange(span))
            starts.append((day, self._walk_in(day), EnrollSource.walk_in, None, None))
        for day, person_id, source, notification_id, referral_id in sorted(starts, key=lambda s: (s[0], s[1])):
            exited = self._episode(day, person_id, 1, source, notification_id, referral_id)
            # A few come back after an exit: a new episode, never two open at once.
            if exited and exited + dt.timedelta(days=60) < last and r.random() < 0.04:
                again = exited + dt.timedelta(days=r.randrange(30, min(400, (last - exited).days)))
                self._episode(again, person_id, 2, EnrollSource.profile, None, None)
        for name, rows in self.rows.items():
            m.rows[name] = rows

    def pick(self, weighted: Sequence[tuple[Any, float]]) -> Any:
        r = self.r.random() * sum(w for _, w in weighted)
        for value, w in weighted:
            r -= w
            if r <= 0:
                return value
        return weighted[-1][0]

    def _walk_in(self, day: dt.date) -> int:
        m, r = self.m, self.r
        persons = m.rows["person"]
        pid = len(persons) + 1
        name = f"{r.choice(FIRST_START)}{r.choice(FIRST_END)} {m.last_name()}"
        dob = dt.date(day.year - r.randrange(16, 40), 1, 1) + dt.timedelta(days=r.randrange(365))
        persons.append(dict(id=pid, record_id=None, name=name, name_key=m.name_key(name), dob=dob, merged_into_id=None))
        return pid

    def _episode(self, enrolled: dt.date, person_id: int, episode: int, source: Any, notification_id: int | None,
                 referral_id: int | None) -> dt.date | None:
        """One episode with its needs, goals and contacts; returns its exit date (None: still open)."""
        from vip_tui.enums import ContactMethod, ExitReason, Stage

        m, p, r = self.m, self.plan, self.r
        last = p.last_date
        short = r.random() < 0.25
        length = r.randrange(14, 90) if short else r.randrange(120, 560)
        exited_on = enrolled + dt.timedelta(days=length)
        reason = None
        if exited_on < last:
            reason = ExitReason(self.pick(
                [("lost_contact", 0.4), ("declined", 0.35), ("moved_away", 0.1), ("incarcerated", 0.1), ("deceased", 0.05)]
                if short else
                [("completed", 0.6), ("moved_away", 0.12), ("incarcerated", 0.12), ("lost_contact", 0.1),
                 ("deceased", 0.03), ("declined", 0.03)]
            ))
            end, stage, stage_on = exited_on, Stage.exited, exited_on
        else:
            exited_on = None
            age = (last - enrolled).days
            stage = (Stage.engaging if age < 21 else Stage.planning if age < 45 else
                     Stage.active if age < 240 else Stage.sustaining)
            stage_on = enrolled + dt.timedelta(days={Stage.engaging: 0, Stage.planning: 21, Stage.active: 45,
                                                     Stage.sustaining: 240}[stage])
            end = last
        cadence = r.choice([0.5, 1.0, 1.0, 1.0, 2.0, 3.0] if stage != Stage.sustaining else [0.5, 0.5, 1.0])
        coach = self.coaches[min(len(self.coaches) - 1, int((enrolled - m.meeting_dates[0]).days / 365) + r.randrange(2))]
        pid = len(self.rows["participant"]) + 1
        created = dt.datetime.combine(enrolled, dt.time(10))
        self.rows["participant"].append(dict(
            id=pid, person_id=person_id, episode=episode, coach=coach, enrolled_on=enrolled, source=source,
            notification_id=notification_id, referral_id=referral_id, stage=stage, stage_on=stage_on, cadence=cadence,
            exited_on=exited_on, exit_reason=reason, created_at=created,
        ))
        # Contacts: the first on the day of enrollment, the last (still open) recent, or overdue for about a quarter.
        if exited_on is None:
            gap = max(1, math.ceil(7 / cadence))
            lag = r.randrange(1, gap + 1) if r.random() < 0.75 else r.randrange(gap + 1, gap + 20)  # never today: it is 09:30
            end_contacts = max(enrolled, last - dt.timedelta(days=lag))
        else:
            end_contacts = end
        seconds = int((dt.datetime.combine(end_contacts, dt.time(17)) - created).total_seconds())
        times = sorted([created + dt.timedelta(minutes=20)] + [
            created + dt.timedelta(seconds=r.randrange(max(1, seconds))) for _ in range(p.contacts_per_participant - 2)
        ] + [dt.datetime.combine(end_contacts, dt.time(16))])
        for i, at in enumerate(times):
            method = ContactMethod(self.pick([("in_person", 0.45), ("phone", 0.25), ("text", 0.18), ("attempt", 0.12)]))
            if i == len(times) - 1 and method == ContactMethod.attempt:
                method = ContactMethod.phone
            self.rows["contact"].append(dict(
                id=len(self.rows["contact"]) + 1, participant_id=pid, at=at.replace(microsecond=0), method=method,
                minutes={"in_person": r.randrange(20, 90), "phone": r.randrange(5, 40), "text": 5, "attempt": 0}[method.value],
                by=coach, note=r.choice(COACH_NOTES) if r.random() < 0.7 else None, created_at=at.replace(microsecond=0),
            ))
        self._needs(pid, enrolled, end, coach)
        self._goals(pid, enrolled, end, exited_on)
        return exited_on

    def _needs(self, pid: int, enrolled: dt.date, end: dt.date, coach: str) -> None:
        from vip_tui.enums import NeedDomain, NeedLevel

        r = self.r
        for k in range(min(4, 1 + (end - enrolled).days // 90)):
            day = enrolled + dt.timedelta(days=90 * k)
            aid = len(self.rows["need_assessment"]) + 1
            self.rows["need_assessment"].append(dict(
                id=aid, participant_id=pid, assessed_on=day, assessed_by=coach,
                created_at=dt.datetime.combine(day, dt.time(15)),
            ))
            urgent = 0.2 / (k + 1)
            for domain in NeedDomain:
                level = NeedLevel(self.pick([("none", 0.5 + 0.1 * k), ("some", 0.3), ("urgent", urgent)]))
                self.rows["need"].append(dict(
                    id=len(self.rows["need"]) + 1, assessment_id=aid, domain=domain, level=level,
                    note=r.choice(COACH_NOTES) if level != NeedLevel.none and r.random() < 0.3 else None,
                ))

    def _goals(self, pid: int, enrolled: dt.date, end: dt.date, exited_on: dt.date | None) -> None:
        from vip_tui.enums import GoalStatus, NeedDomain

        r = self.r
        for _ in range(r.randrange(2, 5)):
            domain = r.choice(list(NeedDomain))
            set_on = enrolled + dt.timedelta(days=r.randrange(0, 21))
            if set_on > end:
                continue
            target = set_on + dt.timedelta(days=r.randrange(30, 180))
            status, status_on = GoalStatus.open, None
            if target < end:
                status = GoalStatus(self.pick([("met", 0.6), ("dropped", 0.15), ("open", 0.25)]))
                status_on = None if status == GoalStatus.open else min(end, target + dt.timedelta(days=r.randrange(-20, 20)))
            if exited_on is not None and status == GoalStatus.open:
                status, status_on = GoalStatus.dropped, exited_on
            self.rows["goal"].append(dict(
                id=len(self.rows["goal"]) + 1, participant_id=pid, domain=domain, goal=GOALS[domain.value],
                target_on=target, milestones=r.sample(MILESTONES, r.randrange(0, 4)), status=status,
                status_on=status_on, created_at=dt.datetime.combine(set_on, dt.time(16)),
            ))


# --------------------------------------------------------------------------- writing


def _is_empty(db: Any) -> bool:
    import sqlalchemy as sa

    with db.engine.connect() as con:
        return con.execute(sa.text("SELECT COUNT(*) FROM meeting")).scalar_one() == 0 and (
            con.execute(sa.text("SELECT COUNT(*) FROM person")).scalar_one() == 0
        )


def _reset_sequences(con: Any) -> None:
    """PostgreSQL: move each id sequence past the ids written by hand."""
    import sqlalchemy as sa
    from vip_tui.models import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            con.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
                )
            )


WRITE_ORDER = [
    "agency", "attendee", "meeting", "incident", "group_", "person", "person_group", "involvement",
    "agenda_item", "action_item", "notification", "notification_attempt", "referral", "note",
    "meeting_attendance", "dissemination", "participant", "need_assessment", "need", "goal", "contact",
]  # fmt: skip


def generate(
    db_url: str,
    *,
    plan: Plan | None = None,
    years: float = 5,
    seed: int = 7,
    replace_existing: bool = False,
    quiet: bool = True,
) -> Generated:
    """Write a synthetic history into ``db_url`` (a path or URL, which must be empty); returns what was made."""
    from vip_tui.db import open_database, resolve_url
    from vip_tui.models import SQLModel

    started = time.perf_counter()
    plan = plan or Plan.for_years(years)
    url = resolve_url(db_url)
    if url.startswith("sqlite") and replace_existing:
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(url, user="bench")
    try:
        if not _is_empty(db):
            raise SystemExit(f"{url}: not empty; give a new database (or --replace for an SQLite file)")
        maker = _Maker(plan, seed)
        info = maker.make()
        made = time.perf_counter()
        tables = SQLModel.metadata.tables
        with db.engine.begin() as con:
            for name in WRITE_ORDER:
                rows = maker.rows[name]
                if rows:
                    con.execute(tables[name].insert(), rows)
            if db.engine.dialect.name == "postgresql":
                _reset_sequences(con)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do shortly after a bulk load; keeps the plans stable run to run.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                con.exec_driver_sql("ANALYZE")
        # The last meeting's release review, done as a facilitator would before sending partner
        # minutes: the clean passages released, the others withheld (issue 11).
        from vip_tui.services.release import release_all_clean

        release_all_clean(db, info["last_meeting_id"], withhold_rest=True)
        written = time.perf_counter()
    finally:
        db.dispose()
    counts = {name: len(maker.rows[name]) for name in WRITE_ORDER}
    inv = maker.involvement_count
    result = Generated(
        url=url,
        plan=plan,
        seed=seed,
        counts=counts,
        last_meeting_id=info["last_meeting_id"],
        last_meeting_date=plan.last_date,
        profile_person_id=info["profile_person_id"],
        profile_record_id=info["profile_record_id"],
        max_involvements=max(inv.values()),
        persons_with_20_plus=sum(1 for v in inv.values() if v >= 20),
        seconds=time.perf_counter() - started,
        extra={"make_seconds": made - started, "write_seconds": written - made},
    )
    if not quiet:
        report(result)
    return result


def report(g: Generated) -> None:
    from vip_tui.db import display_url

    print(f"generated {display_url(g.url)} (seed {g.seed}) in {g.seconds:.1f} s "
          f"(make {g.extra['make_seconds']:.1f} s, write {g.extra['write_seconds']:.1f} s)")
    for name, n in g.counts.items():
        print(f"  {name:<22}{n:>8,}")
    print(f"  last meeting: {g.last_meeting_date.isoformat()} (id {g.last_meeting_id}, in progress, "
          f"{g.plan.last_meeting_items} incidents)")
    print(f"  profile person: id {g.profile_person_id}, record id {g.profile_record_id or '—'}, "
          f"exactly {g.plan.profile_involvements} involvements")
    print(f"  most involvements of one person: {g.max_involvements}; persons with 20+: {g.persons_with_20_plus}")


def has_participants(path: str) -> bool:
    """Whether the history at ``path`` (an SQLite file) has VIP All In participants (generated after issue 15)."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        try:
            return con.execute("SELECT COUNT(*) FROM participant").fetchone()[0] > 0
        except sqlite3.OperationalError:  # no such table: older than migration 0005
            return False


def default_db_path(years: float = 5, seed: int = 7) -> Path:
    """Where the benchmark keeps its history unless told otherwise (outside the repository)."""
    root = Path(os.environ.get("VIP_BENCH_DIR") or Path(os.environ.get("TMPDIR", "/tmp")) / "vip-bench")
    root.mkdir(parents=True, exist_ok=True)
    return root / f"history-{years:g}y-seed{seed}.db"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=float, default=5, help="years of weekly meetings (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="target database (default: a file under $TMPDIR/vip-bench)")
    parser.add_argument("--replace", action="store_true", help="delete an existing SQLite file first")
    args = parser.parse_args(argv)
    target = args.db or str(default_db_path(args.years, args.seed))
    generate(target, years=args.years, seed=args.seed, replace_existing=args.replace or args.db is None, quiet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
