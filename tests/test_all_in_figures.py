"""VIP All In figures (issue 15 item 6) on both backends: enrolled, active, exited, contacts against cadence,
needs met, goals met, and later shootings of participants beside persons notified but not enrolled.

All names, case numbers and places are fictional.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from tests.conftest import FIXED_NOW
from vip_tui.db import Database
from vip_tui.enums import (
    ContactMethod,
    ExitReason,
    GoalStatus,
    IncidentType,
    NeedDomain,
    NeedLevel,
    NotificationStatus,
    Role,
    Stage,
)
from vip_tui.models import Incident, Involvement, Meeting, Notification, Person
from vip_tui.names import name_key
from vip_tui.services import all_in
from vip_tui.services.all_in_figures import (
    NOTIFIED,
    ENROLLED,
    STATEMENTS,
    WINDOW_STATEMENTS,
    add_months,
    all_in_figures,
    all_in_lines,
    all_in_window,
    outcome_rows,
)
from vip_tui.services.figures import FiguresError, Ratio

TODAY = FIXED_NOW.date()  # Tuesday 2026-11-24; 12 weeks from Monday 2026-09-07
D = dt.date
COACH = "Marisol Tennant"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


class _Rows:
    """Persons, notifications and shootings put straight into the tables."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.n = 0
        with db.transaction() as s:
            m = Meeting(date=D(2025, 1, 7), number=901)
            s.add(m)
            s.flush()
            self.meeting = m.id

    def person(self, name: str, merged_into: int | None = None) -> int:
        with self.db.transaction() as s:
            p = Person(name=name, name_key=name_key(name), merged_into_id=merged_into)
            s.add(p)
            s.flush()
            return p.id  # type: ignore[return-value]

    def notified(self, person: int, status: NotificationStatus, closed: dt.date) -> None:
        self.n += 1
        with self.db.transaction() as s:
            s.add(Notification(meeting_id=self.meeting, number=self.n, person_id=person, status=status,
                               created_at=_at(closed) - dt.timedelta(days=3), closed_at=_at(closed)))

    def shooting(self, day: dt.date, *involved: tuple[int, Role], hour: int = 23) -> None:
        self.n += 1
        with self.db.transaction() as s:
            i = Incident(case_number=f"25-{self.n:07d}", occurred_at=_at(day, hour), type=IncidentType.non_fatal,
                         location="100 block Example St")
            s.add(i)
            s.flush()
            s.add_all(Involvement(incident_id=i.id, person_id=p, role=role) for p, role in involved)


def _version(db: Database, pid: int) -> int:
    return all_in.participant_view(db, pid).row.version


def build_all_in(db: Database) -> SimpleNamespace:
    """Six episodes of five participants, three persons notified but never enrolled, their later shootings.

    The expected figures are worked out by hand in the tests below.
    """
    r = _Rows(db)
    w = SimpleNamespace()
    ada, bo, cy, di, ed = (r.person(n) for n in ("Ada Quenneville", "Bo Trevithick", "Cy Ollerenshaw",
                                                 "Di Abernethy", "Ed Pengelly"))
    fay, gus, hal = (r.person(n) for n in ("Fay Lindqvist", "Gus Okonkwo-Bray", "Hal Marchetti"))
    gus_again = r.person("Gus Okonkwo Bray", merged_into=gus)  # a duplicate record merged into Gus
    r.notified(ada, NotificationStatus.delivered, D(2025, 1, 5))  # enrolled: not in the notified group
    r.notified(fay, NotificationStatus.delivered, D(2025, 2, 1))
    r.notified(gus, NotificationStatus.delivered_to_family, D(2025, 9, 1))
    r.notified(hal, NotificationStatus.refused, D(2025, 9, 1))  # not delivered: in neither group

    # Ada: enrolled 2025-01-10, open, active; shot 2025-05-01 (within 6 months).
    w.ada = all_in.enroll(db, ada, coach=COACH, on=D(2025, 1, 10), cadence=1).id
    all_in.set_stage(db, w.ada, Stage.active, on=D(2025, 3, 1), version=_version(db, w.ada))
    all_in.assess_needs(db, w.ada, {NeedDomain.housing: (NeedLevel.urgent, "couch-surfing"),
                                    NeedDomain.employment: (NeedLevel.some, None)}, by=COACH, on=D(2025, 1, 10))
    all_in.assess_needs(db, w.ada, {NeedDomain.housing: (NeedLevel.none, "own lease"),
                                    NeedDomain.employment: (NeedLevel.some, None)}, by=COACH, on=D(2026, 6, 1))
    met = all_in.add_goal(db, w.ada, NeedDomain.housing, "A lease in her own name")
    all_in.set_goal_status(db, met.id, GoalStatus.met, version=met.version)
    dropped = all_in.add_goal(db, w.ada, NeedDomain.education, "GED classes")
    all_in.set_goal_status(db, dropped.id, GoalStatus.dropped, version=dropped.version)
    all_in.add_goal(db, w.ada, NeedDomain.employment, "A job interview", target_on=D(2026, 11, 1))  # past target
    all_in.add_goal(db, w.ada, NeedDomain.employment, "Keep the job", target_on=D(2026, 12, 31))  # not yet due
    all_in.add_goal(db, w.ada, NeedDomain.family, "See her daughter monthly")  # no target: not yet due
    all_in.log_contact(db, w.ada, method=ContactMethod.in_person, at=_at(D(2025, 2, 1)), by=COACH)  # before the window
    all_in.log_contact(db, w.ada, method=ContactMethod.in_person, at=_at(D(2026, 10, 1)), by=COACH)
    all_in.log_contact(db, w.ada, method=ContactMethod.phone, at=_at(D(2026, 11, 20)), by=COACH)
    all_in.log_contact(db, w.ada, method=ContactMethod.attempt, at=_at(D(2026, 11, 23)), by=COACH)
    r.shooting(D(2025, 5, 1), (ada, Role.victim))

    # Bo: 2025-03-01 to 2025-12-01 (completed); a witness 2025-04-01 (not counted), a suspect 2026-01-15 (12 months).
    w.bo = all_in.enroll(db, bo, coach="Tobias Brandvold", on=D(2025, 3, 1), cadence=1).id
    all_in.exit_participant(db, w.bo, ExitReason.completed, on=D(2025, 12, 1), version=_version(db, w.bo))
    r.shooting(D(2025, 4, 1), (bo, Role.witness))
    r.shooting(D(2026, 1, 15), (bo, Role.suspect))

    # Cy: enrolled 2026-10-01 in the window, twice a week; two contacts, the last 6 days ago: overdue.
    w.cy = all_in.enroll(db, cy, coach=COACH, on=D(2026, 10, 1), cadence=2).id
    all_in.assess_needs(db, w.cy, {NeedDomain.safety: (NeedLevel.urgent, None)}, by=COACH, on=D(2026, 10, 1))
    cy_goal = all_in.add_goal(db, w.cy, NeedDomain.safety, "A safety plan")
    all_in.set_goal_status(db, cy_goal.id, GoalStatus.met, version=cy_goal.version)
    all_in.log_contact(db, w.cy, method=ContactMethod.in_person, at=_at(D(2026, 11, 10)), by=COACH)
    all_in.log_contact(db, w.cy, method=ContactMethod.text, at=_at(D(2026, 11, 18)), by=COACH)

    # Di: 2026-09-20 to 2026-11-10 (lost contact), in the window; needs none at intake.
    w.di = all_in.enroll(db, di, coach=COACH, on=D(2026, 9, 20), cadence=1).id
    all_in.assess_needs(db, w.di, {}, by=COACH, on=D(2026, 9, 20))
    all_in.log_contact(db, w.di, method=ContactMethod.phone, at=_at(D(2026, 10, 1)), by=COACH)
    all_in.exit_participant(db, w.di, ExitReason.lost_contact, on=D(2026, 11, 10), version=_version(db, w.di))

    # Ed: episode 1 2025-06-01 to 2025-08-01 (declined), episode 2 from 2026-10-15 without a contact: overdue.
    # A shooting on the day he first enrolled is not "later".
    w.ed1 = all_in.enroll(db, ed, coach="Tobias Brandvold", on=D(2025, 6, 1)).id
    all_in.exit_participant(db, w.ed1, ExitReason.declined, on=D(2025, 8, 1), version=_version(db, w.ed1))
    w.ed2 = all_in.enroll(db, ed, coach="Tobias Brandvold", on=D(2026, 10, 15)).id
    r.shooting(D(2025, 6, 1), (ed, Role.victim))

    # Notified, never enrolled: Fay shot at 2025-03-01 (6 months); Gus, through his merged duplicate, 2026-05-01
    # (12 months, not 6); a shooting of Fay before her notification does not count.
    r.shooting(D(2025, 1, 20), (fay, Role.victim))
    r.shooting(D(2025, 3, 1), (fay, Role.victim))
    r.shooting(D(2026, 5, 1), (gus_again, Role.victim))
    return w


@pytest.fixture
def figures(database: Database) -> object:
    build_all_in(database)
    return all_in_figures(database, today=TODAY, weeks=12)


def test_enrolled_active_and_exited_by_reason(figures) -> None:  # noqa: ANN001
    f = figures
    assert (f.first_day, f.last_day) == (D(2026, 9, 7), D(2026, 11, 29))
    assert (f.enrolled, f.enrolled_all) == (3, 6)  # Cy, Di, Ed's second episode; six episodes in all
    assert f.active_by_stage == {Stage.engaging: 2, Stage.planning: 0, Stage.active: 1, Stage.sustaining: 0}
    assert f.active == 3
    assert {r: n for r, n in f.exited.items() if n} == {ExitReason.lost_contact: 1}
    assert {r: n for r, n in f.exited_all.items() if n} == {
        ExitReason.completed: 1, ExitReason.lost_contact: 1, ExitReason.declined: 1}


def test_contacts_against_cadence_and_who_is_on_cadence(figures) -> None:  # noqa: ANN001
    f = figures
    # Days enrolled in the window: Ada 79 (cadence 1), Cy 55 (2), Di 52 (1), Ed 41 (1); Bo's and Ed's first
    # episodes ended before it. Contacts made in it: Ada 2 (her attempt and her 2025 contact not), Cy 2, Di 1.
    assert f.participant_days == 79 + 55 + 52 + 41
    assert f.contacts_made == 5
    assert f.contacts_asked == pytest.approx((79 + 2 * 55 + 52 + 41) / 7)
    assert f.contacts_against_cadence == Ratio(5, 40)
    assert f.per_week(f.contacts_made) == pytest.approx(5 * 7 / 227)
    # Ada's last contact 4 days ago (7 allowed); Cy's 6 days ago (4 allowed), Ed none in 40 days.
    assert f.on_cadence == Ratio(1, 3)


def test_needs_met_from_intake_to_the_latest_assessment(figures) -> None:  # noqa: ANN001
    # Ada: housing urgent -> none (met), employment some -> some; Cy: safety urgent, never reassessed; Di: none.
    assert figures.needs_met == Ratio(1, 3)
    assert figures.needs_reassessed == 2


def test_goals_met_of_those_met_dropped_or_past_their_target(figures) -> None:  # noqa: ANN001
    # Met: Ada's lease and Cy's safety plan; dropped: the GED; past target: the interview; not yet due: two.
    assert figures.goals_met == Ratio(2, 4)
    assert figures.goals_pending == 2


def test_later_shootings_of_participants_beside_the_notified_who_did_not_enroll(figures) -> None:  # noqa: ANN001
    ls = figures.later_shooting
    # Participants whose months have passed: Ada (2025-01-10), Bo (2025-03-01), Ed (2025-06-01, his first
    # episode); Cy and Di enrolled this autumn. Ada shot within 6 months, Bo a suspect within 12.
    assert ls[(ENROLLED, 6)] == Ratio(1, 3)
    assert ls[(ENROLLED, 12)] == Ratio(2, 3)
    # Fay (delivered 2025-02-01) shot within 6 months; Gus (to family 2025-09-01) within 12, as his duplicate.
    # Ada was notified but enrolled; Hal refused: neither counts here.
    assert ls[(NOTIFIED, 6)] == Ratio(1, 2)
    assert ls[(NOTIFIED, 12)] == Ratio(2, 2)
    assert list(ls) == [(ENROLLED, 6), (NOTIFIED, 6), (ENROLLED, 12), (NOTIFIED, 12)]


def test_only_persons_whose_months_have_passed_are_counted(database: Database) -> None:
    build_all_in(database)
    # On 2025-09-01 Ada's 6 months have passed (2025-07-10), Bo's (2025-09-01) not quite: it is still that day.
    early = all_in_figures(database, today=D(2025, 9, 1), weeks=12)
    assert early.later_shooting[(ENROLLED, 6)] == Ratio(1, 1)
    assert early.later_shooting[(ENROLLED, 12)] == Ratio(0, 0)
    assert early.later_shooting[(ENROLLED, 12)].value is None


def test_months_are_calendar_months() -> None:
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2025, 1, 10), 12) == D(2026, 1, 10)
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)


def test_an_empty_program_is_no_data_not_a_division_by_zero(database: Database) -> None:
    f = all_in_figures(database, today=TODAY, weeks=12)
    assert (f.enrolled, f.enrolled_all, f.active, f.contacts_made, f.participant_days) == (0, 0, 0, 0, 0)
    assert f.on_cadence.value is None and f.needs_met.value is None and f.goals_met.value is None
    assert f.per_week(f.contacts_made) is None
    assert all(r.value is None for r in f.later_shooting.values())
    assert [row[1:] for row in outcome_rows(f)[1:]] == [("no data", "no data")] * 2
    words = dict(all_in_lines(f))
    assert words["Contacts, last 12 weeks"] == "no data (nobody enrolled in these weeks)"
    assert words["Needs met"] == "no data (no need some or urgent at an intake)"
    assert words["On cadence today"] == "no data (no active participants)"
    rows = list(f.rows())
    ratios = [r for r in rows if r.numerator is not None and r.figure != "VIP All In active by stage"
              and r.figure != "VIP All In exited by reason"]
    assert len(ratios) == 8 and all(r.value is None and r.denominator == 0 for r in ratios)


def test_the_figures_in_words_give_numerator_and_denominator(figures) -> None:  # noqa: ANN001
    words = dict(all_in_lines(figures))
    assert words["Enrolled, last 12 weeks"] == "3 (6 all time)"
    assert words["Active today"] == "3 (2 engaging, 1 active)"
    assert words["Exited, all time"] == "3 (1 completed, 1 declined, 1 lost contact)"
    assert words["Contacts, last 12 weeks"] == (
        "5 made of 40 the cadences asked for (12.5%): 0.2 a participant a week against 1.2")
    assert words["On cadence today"] == "1 of 3 active participants not overdue (33.3%)"
    assert words["Needs met"] == "1 of 3 needs at intake met (33.3%); 2 reassessed"
    assert words["Goals met"] == (
        "2 of 4 goals met (50%), counting goals met, dropped or past target; 2 open, not yet due")
    assert outcome_rows(figures) == [
        ("Later shooting, as victim or suspect", "within 6 months", "within 12 months"),
        ("participants, since enrolling", "1 of 3 (33.3%)", "2 of 3 (66.7%)"),
        ("notified, not enrolled", "1 of 2 (50%)", "2 of 2 (100%)"),
    ]


def test_the_csv_rows_carry_numerator_and_denominator(figures) -> None:  # noqa: ANN001
    rows = {(r.figure, r.group, r.period): r for r in figures.rows()}
    window = "2026-09-07/2026-11-29"
    r = rows[("VIP All In later shooting within 6 months", NOTIFIED, "all time")]
    assert (r.value, r.numerator, r.denominator) == (0.5, 1, 2)
    r = rows[("VIP All In contacts against cadence", "contacts made of those the cadence asked for", window)]
    assert (r.value, r.numerator, r.denominator) == (0.125, 5, 40)
    r = rows[("VIP All In active by stage", "engaging", "2026-11-24")]
    assert (r.value, r.numerator, r.denominator) == (2, 2, 3)
    assert rows[("VIP All In enrolled", "episodes begun", "all time")].value == 6
    assert rows[("VIP All In exited by reason", "lost_contact", window)].value == 1


def test_the_figures_take_a_fixed_number_of_statements(database: Database) -> None:
    def counted(fn, *args, **kwargs) -> int:  # noqa: ANN001
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
            seen.append(statement)

        event.listen(database.engine, "before_cursor_execute", count)
        try:
            fn(*args, **kwargs)
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        return len(seen)

    empty = counted(all_in_figures, database, today=TODAY, weeks=12)
    build_all_in(database)
    assert counted(all_in_figures, database, today=TODAY, weeks=12) == empty == STATEMENTS
    kept = all_in_figures(database, today=TODAY, weeks=12)
    for weeks in (26, 52, 12):
        assert counted(all_in_window, database, kept, weeks=weeks) == WINDOW_STATEMENTS
        assert all_in_window(database, kept, weeks=weeks) == all_in_figures(database, today=TODAY, weeks=weeks)


def test_weeks_out_of_range_are_refused(database: Database) -> None:
    with pytest.raises(FiguresError, match="weeks must be a whole number"):
        all_in_figures(database, today=TODAY, weeks=0)
