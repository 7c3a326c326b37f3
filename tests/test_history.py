"""Person history and flags (issue 3 item 4, issue 5 item 3) and their query budget (issue 7); both backends.

All names and case numbers are fictional.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session

from bench.queries import statements
from vip_tui.db import Database
from vip_tui.enums import IncidentType, NotificationStatus, Role
from vip_tui.models import AgendaItem, Group, Incident, Involvement, Meeting, Notification, Person, PersonGroup
from vip_tui.names import name_key
from vip_tui.services.history import (
    ASSOCIATE_OF_RECENT_VICTIM,
    FLAG_LABELS,
    HISTORY_STATEMENTS,
    RECENT_VICTIM,
    REPEAT,
    VICTIM_NOW_SUSPECT,
    Associate,
    Flag,
    OpenNotification,
    PersonHistory,
    associates,
    histories,
)

# The incident under review happened on Wednesday 18 November 2026 at 23:42.
AS_OF = dt.datetime(2026, 11, 18, 23, 42)
CREATED = dt.datetime(2026, 11, 1, 9, 0)


def days_before(days: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment ``days`` calendar days before AS_OF's date, at the given time."""
    return dt.datetime.combine(AS_OF.date() - dt.timedelta(days=days), dt.time(hour, minute))


class Build:
    """Hand-built fictional data, inside one transaction."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self._cases = 0
        self._meetings = 100  # automatic numbers, clear of those the tests give

    def person(self, name: str, *, record_id: str | None = None, dob: dt.date | None = None) -> int:
        person = Person(name=name, name_key=name_key(name), record_id=record_id, dob=dob)
        self.s.add(person)
        self.s.flush()
        assert person.id is not None
        return person.id

    def incident(
        self,
        at: dt.datetime,
        *involved: tuple[int, Role],
        case: str | None = None,
        type: IncidentType = IncidentType.non_fatal,
        area: str | None = "Southeast",
    ) -> tuple[int, str]:
        self._cases += 1
        case = case or f"26-009{self._cases:04d}"
        incident = Incident(
            case_number=case,
            occurred_at=at,
            type=type,
            location="100 block Example St",
            area_command=area,
            nibin_leads=[],
        )
        self.s.add(incident)
        self.s.flush()
        for person_id, role in involved:
            self.s.add(Involvement(incident_id=incident.id, person_id=person_id, role=role))
        self.s.flush()
        assert incident.id is not None
        return incident.id, case

    def meeting(self, date: dt.date, *incident_ids: int, number: int | None = None) -> Meeting:
        if number is None:
            self._meetings += 1
            number = self._meetings
        meeting = Meeting(date=date, number=number)
        self.s.add(meeting)
        self.s.flush()
        for position, incident_id in enumerate(incident_ids):
            self.s.add(AgendaItem(meeting_id=meeting.id, incident_id=incident_id, position=position))
        self.s.flush()
        return meeting

    def group(self, name: str, *person_ids: int) -> None:
        group = Group(name=name, name_key=name_key(name))
        self.s.add(group)
        self.s.flush()
        for person_id in person_ids:
            self.s.add(PersonGroup(person_id=person_id, group_id=group.id))
        self.s.flush()

    def notification(
        self, meeting: Meeting, number: int, person_id: int, status: NotificationStatus, due: dt.date | None = None
    ) -> int:
        notification = Notification(
            meeting_id=meeting.id, number=number, person_id=person_id, status=status, due_date=due, created_at=CREATED
        )
        self.s.add(notification)
        self.s.flush()
        assert notification.id is not None
        return notification.id


def history_of(database: Database, *person_ids: int, **kwargs: Any) -> dict[int, PersonHistory]:
    kwargs.setdefault("as_of", AS_OF)
    with database.session() as s:
        return histories(s, list(person_ids), **kwargs)


def flags(h: PersonHistory) -> dict[str, str]:
    return {f.code: f.reason for f in h.flags}


# --------------------------------------------------------------------------- past involvements


def test_past_is_newest_first_and_nothing_after_as_of_leaks(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("C. Example", record_id="MNI-55821", dob=dt.date(2002, 3, 14))
        other = b.person("D. Example")
        b.group("Example Crew", p)
        b.group("Another Set", p, other)
        old, old_case = b.incident(days_before(400), (p, Role.witness), type=IncidentType.shots_fired, area="Valley")
        mid, mid_case = b.incident(days_before(120), (p, Role.suspect), type=IncidentType.homicide)
        recent, recent_case = b.incident(days_before(30), (p, Role.associate), (p, Role.witness), area=None)
        # Another incident at the very minute of the current one is not "before" it.
        b.incident(AS_OF, (p, Role.victim))
        # Nothing from after the incident under review: not in the past, not in any flag.
        b.incident(AS_OF + dt.timedelta(days=2), (p, Role.victim), (other, Role.victim))
        current, _ = b.incident(AS_OF, (p, Role.witness))
        b.meeting(dt.date(2026, 7, 27), mid)
        b.meeting(dt.date(2026, 8, 3), mid)
        b.meeting(dt.date(2026, 10, 26), recent)
        # The meeting that reviews the current incident is after it: not an "earlier review".
        b.meeting(dt.date(2026, 11, 24), current, recent)

    h = history_of(database, p, current_incident_id=current)[p]

    assert (h.person_id, h.name, h.record_id, h.dob) == (p, "C. Example", "MNI-55821", dt.date(2002, 3, 14))
    assert h.groups == ("Another Set", "Example Crew")
    assert [(x.case_number, x.role) for x in h.past] == [
        (recent_case, Role.witness),
        (recent_case, Role.associate),
        (mid_case, Role.suspect),
        (old_case, Role.witness),
    ]
    first = h.past[0]
    assert (first.incident_id, first.occurred_at, first.type, first.area_command) == (
        recent,
        days_before(30),
        IncidentType.non_fatal,
        None,
    )
    assert first.meeting_dates == (dt.date(2026, 10, 26),)
    assert h.past[2].meeting_dates == (dt.date(2026, 7, 27), dt.date(2026, 8, 3))
    assert (h.past[3].type, h.past[3].area_command, h.past[3].meeting_dates) == (IncidentType.shots_fired, "Valley", ())
    # Past incidents 3 (one with two roles) + the current one; the victimisations at and
    # after as_of give neither "recent victim" nor "victim now suspect".
    assert h.flags == (Flag(REPEAT, "involved in 3+ incidents", "4 incidents since 2025-10-14"),)


def test_the_current_incident_is_never_past_even_when_as_of_is_later(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("C. Example")
        earlier, earlier_case = b.incident(days_before(20), (p, Role.victim))
        current, _ = b.incident(days_before(10), (p, Role.victim))

    h = history_of(database, p, as_of=AS_OF, current_incident_id=current)[p]
    assert [x.case_number for x in h.past] == [earlier_case]
    assert flags(h) == {RECENT_VICTIM: f"victim in {earlier_case} on 2026-10-29 (20 days before)"}


def test_unknown_duplicate_and_no_ids(database: Database) -> None:
    with database.transaction() as s:
        p = Build(s).person("C. Example")
    assert history_of(database) == {}
    assert history_of(database, 999_999) == {}
    result = history_of(database, p, 999_999, p)
    assert list(result) == [p]
    h = result[p]
    assert (h.past, h.open_notifications, h.flags, h.groups) == ((), (), (), ())


# --------------------------------------------------------------------------- recent victim


@pytest.mark.parametrize(
    ("days", "hour", "minute", "flagged"),
    [
        (89, 10, 0, True),
        # Calendar days: 90 days before the date counts, even at 00:05 (more than 90 x 24 h).
        (90, 0, 5, True),
        # 91 calendar days does not, even at 23:59 (less than 91 x 24 h).
        (91, 23, 59, False),
    ],
)
def test_recent_victim_boundary_at_90_days(
    database: Database, days: int, hour: int, minute: int, flagged: bool
) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("C. Example")
        _, case = b.incident(days_before(days, hour, minute), (p, Role.victim))

    h = history_of(database, p)[p]
    if flagged:
        date = (AS_OF.date() - dt.timedelta(days=days)).isoformat()
        assert h.flags == (
            Flag(RECENT_VICTIM, "victim in the last 90 days", f"victim in {case} on {date} ({days} days before)"),
        )
    else:
        assert h.flags == ()


def test_recent_victim_cites_the_most_recent_and_says_same_day(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("C. Example")
        q = b.person("D. Example")
        b.incident(days_before(40), (p, Role.victim))
        _, case = b.incident(days_before(17), (p, Role.victim))
        b.incident(days_before(3), (p, Role.witness))
        _, same_day = b.incident(days_before(0, 8, 15), (q, Role.victim))
        _, yesterday = b.incident(days_before(1, 8, 15), (q, Role.victim))

    result = history_of(database, p, q)
    assert flags(result[p])[RECENT_VICTIM] == f"victim in {case} on 2026-11-01 (17 days before)"
    assert flags(result[q])[RECENT_VICTIM] == f"victim in {same_day} on 2026-11-18 (same day)"

    result = history_of(database, q, as_of=days_before(0, 8, 0))
    assert flags(result[q])[RECENT_VICTIM] == f"victim in {yesterday} on 2026-11-17 (1 day before)"


def test_a_victim_in_the_current_incident_is_not_a_recent_victim_by_that(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("C. Example")
        current, _ = b.incident(AS_OF, (p, Role.victim))
    assert history_of(database, p, current_incident_id=current)[p].flags == ()


# --------------------------------------------------------------------------- victim now suspect


def test_victim_now_suspect(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        suspect = b.person("C. Example")  # victim two years ago, suspect now
        witness = b.person("D. Example")  # victim two years ago, witness now
        never = b.person("E. Example")  # never a victim, suspect now
        later = b.person("F. Example")  # victim only after the incident under review
        _, case = b.incident(days_before(730), (suspect, Role.victim), (witness, Role.victim))
        _, newer = b.incident(days_before(400), (suspect, Role.victim))
        b.incident(AS_OF + dt.timedelta(hours=1), (later, Role.victim))
        current, _ = b.incident(
            AS_OF, (suspect, Role.suspect), (witness, Role.witness), (never, Role.suspect), (later, Role.suspect)
        )

    result = history_of(database, suspect, witness, never, later, current_incident_id=current)
    assert result[suspect].flags == (
        Flag(
            VICTIM_NOW_SUSPECT,
            "earlier victim, now a suspect",
            f"victim in {newer} on 2025-10-14; suspect in this incident",
        ),
        Flag(REPEAT, "involved in 3+ incidents", "3 incidents since 2024-11-18"),
    )
    assert VICTIM_NOW_SUSPECT not in flags(result[witness])
    assert result[never].flags == ()
    assert result[later].flags == ()

    # current_roles overrides the database's role for the persons it names.
    result = history_of(
        database, suspect, witness, current_incident_id=current, current_roles={witness: Role.suspect, suspect: Role.witness}
    )
    assert flags(result[witness]) == {VICTIM_NOW_SUSPECT: f"victim in {case} on 2024-11-18; suspect in this incident"}
    assert VICTIM_NOW_SUSPECT not in flags(result[suspect])

    # Without a current incident nobody is "now" anything.
    assert VICTIM_NOW_SUSPECT not in flags(history_of(database, suspect)[suspect])


# --------------------------------------------------------------------------- associate of a recent victim


def test_associate_by_shared_incident_never_by_the_current_one(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        v = b.person("V. Example")  # victim 6 days before
        p = b.person("P. Example")  # shared two earlier incidents with V
        sus = b.person("S. Example")  # in V's shooting itself
        w = b.person("W. Example")  # victim in the current incident
        a = b.person("A. Example")  # associate in the current incident
        x = b.person("X. Example")  # suspect in the current incident
        b.incident(days_before(300), (p, Role.witness), (v, Role.associate))
        _, shared_case = b.incident(days_before(50), (p, Role.associate), (v, Role.associate))
        _, shot_case = b.incident(days_before(6, 22, 10), (v, Role.victim), (sus, Role.suspect))
        current, current_case = b.incident(AS_OF, (w, Role.victim), (a, Role.associate), (x, Role.suspect))

    result = history_of(database, v, p, sus, w, a, x, current_incident_id=current)
    label = FLAG_LABELS[ASSOCIATE_OF_RECENT_VICTIM]
    assert label == "associate of a recent victim"
    assert result[p].flags == (
        Flag(
            ASSOCIATE_OF_RECENT_VICTIM,
            label,
            f"associate with V. Example in {shared_case} on 2026-09-29; V. Example victim in {shot_case} on 2026-11-12",
        ),
    )
    assert flags(result[sus]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"suspect in {shot_case} on 2026-11-12, where V. Example was the victim"
    }
    # V shares incidents only with people who were not victims: a recent victim, not an associate of one.
    assert flags(result[v]) == {
        RECENT_VICTIM: f"victim in {shot_case} on 2026-11-12 (6 days before)",
        REPEAT: "3 incidents since 2026-01-22",
    }
    # Sharing the incident under review with its victim is not a flag (issue 13): the suspect
    # against his own victim, the associate who called it in; nor is the victim flagged by it.
    for person in (w, a, x):
        assert result[person].flags == (), current_case

    # Without the current incident, its victim is not a recent victim (it is not before as_of).
    assert ASSOCIATE_OF_RECENT_VICTIM not in flags(history_of(database, a)[a])


def test_flags_come_from_other_incidents_only_whatever_the_current_one_holds(database: Database) -> None:
    """Inputs written to break issue 13's rule: co-victims, a person twice in one incident, same-day incidents."""
    with database.transaction() as s:
        b = Build(s)
        w1 = b.person("W. Example")  # victim now; a suspect earlier, in V's shooting
        w2 = b.person("Y. Example")  # a second victim now
        mother = b.person("M. Example")  # called it in: witness now, and twice in the current incident
        x = b.person("X. Example")  # suspect now
        v = b.person("V. Example")  # victim 10 days before
        p = b.person("P. Example")  # witness and associate in one past incident with W
        q = b.person("Q. Example")  # with V in an incident at the very minute of the current one
        r = b.person("R. Example")  # with V in an incident earlier the same day
        _, shot = b.incident(days_before(10), (v, Role.victim), (w1, Role.suspect))
        _, earlier = b.incident(days_before(200), (p, Role.witness), (p, Role.associate), (w1, Role.associate))
        b.incident(AS_OF, (q, Role.witness), (v, Role.witness))  # same minute: not before the current one
        _, same_day = b.incident(days_before(0, 9, 5), (r, Role.witness), (v, Role.witness))
        current, _ = b.incident(
            AS_OF,
            (w1, Role.victim),
            (w2, Role.victim),
            (mother, Role.witness),
            (mother, Role.associate),
            (x, Role.suspect),
            (v, Role.witness),
        )
    result = history_of(database, w1, w2, mother, x, v, p, q, r, current_incident_id=current)
    # Nobody is flagged by sharing the incident under review with its victims (or with V, a recent victim).
    for person in (w2, mother, x, q):
        assert result[person].flags == ()
    # W was a suspect in V's shooting: that other incident is the reason, with its role and date.
    assert flags(result[w1]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"suspect in {shot} on 2026-11-08, where V. Example was the victim",
        REPEAT: "3 incidents since 2026-05-02",
    }
    # P met W in a past incident, with two roles there; W is this week's victim.
    assert flags(result[p]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"witness and associate with W. Example in {earlier} on 2026-05-02; "
        "W. Example is a victim in this incident"
    }
    # Earlier the same day is before the current incident.
    assert flags(result[r]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"witness with V. Example in {same_day} on 2026-11-18; "
        f"V. Example victim in {shot} on 2026-11-08"
    }
    # V, shot by W ten days ago, with W a victim now: the other incident links them (retaliation watch).
    assert flags(result[v]) == {
        RECENT_VICTIM: f"victim in {shot} on 2026-11-08 (10 days before)",
        ASSOCIATE_OF_RECENT_VICTIM: f"victim with W. Example in {shot} on 2026-11-08; W. Example is a victim in this incident",
        REPEAT: "3 incidents since 2026-11-08",  # the shooting, earlier the same day, this one: not the same minute
    }


def test_associate_by_group(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        g1 = b.person("G. Example")  # victim 30 days before
        g2 = b.person("H. Example")  # victim 100 days before: not recent
        g3 = b.person("M. Example")  # victim 5 days before, but merged into G1
        g4 = b.person("L. Example")  # victim after as_of: not yet
        s.flush()
        s.get(Person, g3).merged_into_id = g1  # type: ignore[union-attr]
        b.group("Example Crew", p, g1, g2, g3)
        b.group("Other Set", p, g4)
        _, g1_case = b.incident(days_before(30), (g1, Role.victim))
        b.incident(days_before(100), (g2, Role.victim))
        b.incident(days_before(5), (g3, Role.victim))
        b.incident(AS_OF + dt.timedelta(minutes=5), (g4, Role.victim))

    result = history_of(database, p, g1, g2)
    assert result[p].flags == (
        Flag(
            ASSOCIATE_OF_RECENT_VICTIM,
            "associate of a recent victim",
            f"same group Example Crew as G. Example; G. Example victim in {g1_case} on 2026-10-19",
        ),
    )
    # G1 is the recent victim; their group mates H (too long ago) and M (merged) are not.
    assert flags(result[g1]) == {RECENT_VICTIM: f"victim in {g1_case} on 2026-10-19 (30 days before)"}
    # H is associate of G (same group), and not a recent victim themself.
    assert flags(result[g2]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"same group Example Crew as G. Example; G. Example victim in {g1_case} on 2026-10-19"
    }


def test_associate_reason_names_the_most_recent_victim(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        q = b.person("Q. Example")
        group_victim = b.person("G. Example")
        incident_victim = b.person("V. Example")
        b.group("Example Crew", p, q, group_victim)
        _, shared = b.incident(days_before(200), (p, Role.witness), (q, Role.witness), (incident_victim, Role.witness))
        b.incident(days_before(60), (incident_victim, Role.victim))
        _, shot = b.incident(days_before(25), (incident_victim, Role.victim))
        b.incident(days_before(40), (group_victim, Role.victim))

    result = history_of(database, p)
    # V's latest victimisation (25 days before) is more recent than G's (40 days before).
    assert flags(result[p])[ASSOCIATE_OF_RECENT_VICTIM] == (
        f"witness with V. Example in {shared} on 2026-05-02; V. Example victim in {shot} on 2026-10-24"
    )

    with database.transaction() as s:
        Build(s).incident(days_before(2, 1, 30), (group_victim, Role.victim), case="26-0099999")
    result = history_of(database, p, q)
    group_reason = "same group Example Crew as G. Example; G. Example victim in 26-0099999 on 2026-11-16"
    assert flags(result[p])[ASSOCIATE_OF_RECENT_VICTIM] == group_reason
    # Q shares both the group and the incident: the group's victim is the more recent one.
    assert flags(result[q])[ASSOCIATE_OF_RECENT_VICTIM] == group_reason


def test_a_shared_incident_is_preferred_over_a_shared_group_for_the_same_victim(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        v = b.person("V. Example")
        b.group("Example Crew", p, v)
        _, shared = b.incident(days_before(15), (p, Role.suspect), (v, Role.victim))
    assert flags(history_of(database, p)[p]) == {
        ASSOCIATE_OF_RECENT_VICTIM: f"suspect in {shared} on 2026-11-03, where V. Example was the victim"
    }


# --------------------------------------------------------------------------- repeat


def test_repeat_counts_distinct_incidents_past_and_current(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        b.incident(days_before(500), (p, Role.witness), (p, Role.associate))  # one incident, two roles
        b.incident(days_before(200), (p, Role.suspect))
        b.incident(AS_OF + dt.timedelta(days=1), (p, Role.suspect))  # after as_of: not counted
        current, _ = b.incident(AS_OF)  # nobody recorded yet

    assert REPEAT not in flags(history_of(database, p)[p])
    assert REPEAT not in flags(history_of(database, p, current_incident_id=current)[p])
    # current_roles puts P in the current incident although the database does not (yet).
    h = history_of(database, p, current_incident_id=current, current_roles={p: Role.witness})[p]
    assert h.flags == (Flag(REPEAT, "involved in 3+ incidents", "3 incidents since 2025-07-06"),)
    assert len(h.past) == 3

    with database.transaction() as s:
        Build(s).incident(days_before(100), (p, Role.witness), case="26-0099999")
    assert flags(history_of(database, p)[p]) == {REPEAT: "3 incidents since 2025-07-06"}


# --------------------------------------------------------------------------- open notifications


def test_only_open_notifications_newest_first(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        q = b.person("Q. Example")
        m44 = b.meeting(dt.date(2026, 11, 2), number=44)
        m45 = b.meeting(dt.date(2026, 11, 9), number=45)
        m46 = b.meeting(dt.date(2026, 11, 16), number=46)
        b.notification(m44, 1, p, NotificationStatus.refused)
        n45_1 = b.notification(m45, 1, p, NotificationStatus.proposed)
        b.notification(m45, 2, p, NotificationStatus.delivered)
        b.notification(m45, 3, p, NotificationStatus.delivered_to_family)
        b.notification(m45, 4, p, NotificationStatus.not_located)
        b.notification(m45, 5, p, NotificationStatus.in_custody)
        n46_1 = b.notification(m46, 1, p, NotificationStatus.approved, due=dt.date(2026, 11, 30))
        b.notification(m46, 2, p, NotificationStatus.cancelled)
        n46_3 = b.notification(m46, 3, p, NotificationStatus.assigned, due=dt.date(2026, 11, 20))
        n46_4 = b.notification(m46, 4, q, NotificationStatus.proposed)

    result = history_of(database, p, q)
    assert result[p].open_notifications == (
        OpenNotification(n46_3, "46-3", NotificationStatus.assigned, dt.date(2026, 11, 20), dt.date(2026, 11, 16)),
        OpenNotification(n46_1, "46-1", NotificationStatus.approved, dt.date(2026, 11, 30), dt.date(2026, 11, 16)),
        OpenNotification(n45_1, "45-1", NotificationStatus.proposed, None, dt.date(2026, 11, 9)),
    )
    assert [n.ref for n in result[q].open_notifications] == ["46-4"]
    assert result[q].open_notifications[0].id == n46_4


# --------------------------------------------------------------------------- associates (profile)


def test_associates_for_the_profile(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        p = b.person("P. Example")
        q = b.person("Q. Example")  # 2 shared incidents, the last 10 days before, and a group
        r = b.person("R. Example")  # 1 shared incident, 5 days before
        t = b.person("T. Example")  # 3 shared incidents, the last 10 days before
        u = b.person("U. Example")  # group only
        z = b.person("Z. Example")  # shared only an incident after as_of
        m = b.person("M. Example")  # merged record in the group
        s.flush()
        s.get(Person, m).merged_into_id = u  # type: ignore[union-attr]
        b.group("Example Crew", p, q, u, m)
        b.group("Another Set", p, q)
        b.incident(days_before(300), (p, Role.witness), (t, Role.witness))
        b.incident(days_before(200), (p, Role.witness), (t, Role.suspect), (t, Role.witness))
        b.incident(days_before(90), (p, Role.victim), (q, Role.suspect))
        b.incident(days_before(10), (p, Role.witness), (q, Role.witness), (t, Role.witness))
        b.incident(days_before(5), (r, Role.victim), (p, Role.associate))
        b.incident(AS_OF + dt.timedelta(days=3), (p, Role.suspect), (z, Role.victim), (r, Role.witness))

    with database.session() as s:
        found = associates(s, p, as_of=AS_OF)
    assert found == [
        Associate(r, "R. Example", 1, (), dt.date(2026, 11, 13)),
        Associate(t, "T. Example", 3, (), dt.date(2026, 11, 8)),
        Associate(q, "Q. Example", 2, ("Another Set", "Example Crew"), dt.date(2026, 11, 8)),
        Associate(u, "U. Example", 0, ("Example Crew",), None),
    ]
    with database.session() as s:
        assert associates(s, z, as_of=AS_OF) == []


# --------------------------------------------------------------------------- query budget (issue 7)


def test_a_constant_number_of_statements_whatever_the_persons_and_their_history(database: Database) -> None:
    with database.transaction() as s:
        b = Build(s)
        people = [b.person(f"{chr(65 + i)}. Example") for i in range(6)]
        b.group("Example Crew", *people[:3])
        b.group("Other Set", *people[3:])
        meeting = b.meeting(dt.date(2026, 11, 17), number=46)
        for i, person in enumerate(people):
            # Each person has a long story: 20 earlier incidents, some as victim, shared with others.
            for k in range(20):
                partner = people[(i + k) % 6]
                incident_id, _ = b.incident(
                    days_before(7 + 30 * k + i, 20, 0),
                    (person, Role.victim if k % 3 == 0 else Role.witness),
                    *([(partner, Role.associate)] if partner != person else []),
                )
                if k % 4 == 0:
                    b.meeting(days_before(7 + 30 * k + i - 5).date(), incident_id)
            b.notification(meeting, i + 1, person, NotificationStatus.proposed)
        current, _ = b.incident(
            AS_OF, *[(person, Role.victim if i == 0 else Role.suspect) for i, person in enumerate(people)]
        )

    counts = {}
    for n in (2, 6):
        with database.session() as s:
            s.connection()  # the connection's own set-up is not the service's
            with statements(database.engine) as seen:
                result = histories(s, people[:n], as_of=AS_OF, current_incident_id=current)
            counts[n] = len(seen)
        assert len(result) == n
        assert all(len(h.past) >= 20 and len(h.flags) >= 3 and h.open_notifications for h in result.values())
    assert counts == {2: HISTORY_STATEMENTS, 6: HISTORY_STATEMENTS}
    assert HISTORY_STATEMENTS <= 6

    with database.session() as s:
        s.connection()
        with statements(database.engine) as seen:
            found = associates(s, people[0], as_of=AS_OF)
    assert len(seen) == 2
    assert {a.person_id for a in found} == set(people[1:])
