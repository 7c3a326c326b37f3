"""VIP All In's services (issue 15, SPEC §9) on both backends: enrollment and episodes, needs, plan, contacts,
stages, the caseload and who is overdue. All names fictional."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from sqlmodel import select

from tests.conftest import FIXED_NOW, FixedClock
from vip_tui.db import Database, open_database
from vip_tui.enums import (
    ContactMethod,
    EnrollSource,
    ExitReason,
    NeedDomain,
    NeedLevel,
    NotificationStatus,
    ReferralStatus,
    Stage,
)
from vip_tui.models import Meeting, Notification, Participant, Person, Referral
from vip_tui.names import name_key
from vip_tui.services import all_in
from vip_tui.services.guard import STALE, NotAllowed, ServiceError, StaleEdit

TODAY = FIXED_NOW.date()


def _world(db: Database) -> SimpleNamespace:
    w = SimpleNamespace()
    with db.transaction() as s:
        meeting = Meeting(date=dt.date(2026, 11, 10), number=3)
        ada = Person(name="Ada Quenneville", name_key=name_key("Ada Quenneville"))
        bo = Person(name="Bo Trevithick", name_key=name_key("Bo Trevithick"))
        cy = Person(name="Cy Ollerenshaw", name_key=name_key("Cy Ollerenshaw"))
        s.add_all([meeting, ada, bo, cy])
        s.flush()
        delivered = Notification(meeting_id=meeting.id, number=2, person_id=ada.id, status=NotificationStatus.delivered,
                                 created_at=FIXED_NOW)
        proposed = Notification(meeting_id=meeting.id, number=3, person_id=bo.id, created_at=FIXED_NOW)
        accepted = Referral(person_id=bo.id, service="peer support", provider="VIP All In",
                            status=ReferralStatus.accepted, offered_on=dt.date(2026, 11, 1))
        offered = Referral(person_id=cy.id, service="peer support", offered_on=dt.date(2026, 11, 1))
        s.add_all([delivered, proposed, accepted, offered])
        s.flush()
        w.ada, w.bo, w.cy = ada.id, bo.id, cy.id
        w.delivered, w.proposed, w.accepted, w.offered = delivered.id, proposed.id, accepted.id, offered.id
    return w


@pytest.fixture
def world(database: Database) -> SimpleNamespace:
    return _world(database)


def _participant(db: Database, pid: int) -> Participant:
    with db.session() as s:
        p = s.get(Participant, pid)
        assert p is not None
        return p


def test_enroll_from_a_delivered_notification_then_intake_plan_contacts_stage_and_exit(
    database: Database, world: SimpleNamespace, clock: FixedClock
) -> None:
    saved = all_in.enroll(database, world.ada, coach="Marisol Tennant", source=EnrollSource.notification,
                          notification_id=world.delivered, cadence=2, on=TODAY - dt.timedelta(days=10))
    p = _participant(database, saved.id)
    assert (p.stage, p.episode, p.source, p.cadence, p.enrolled_on) == (
        Stage.engaging, 1, EnrollSource.notification, 2.0, TODAY - dt.timedelta(days=10))

    all_in.assess_needs(database, saved.id, {NeedDomain.housing: (NeedLevel.urgent, "couch-surfing"),
                                             NeedDomain.employment: (NeedLevel.some, None)},
                        by="Marisol Tennant", on=TODAY - dt.timedelta(days=9))
    all_in.add_goal(database, saved.id, NeedDomain.housing, "A lease in his own name",
                    target_on=TODAY + dt.timedelta(days=7), milestones=["ID card", "deposit"])
    for days, method in ((8, ContactMethod.in_person), (5, ContactMethod.phone), (1, ContactMethod.attempt)):
        all_in.log_contact(database, saved.id, method=method, at=FIXED_NOW - dt.timedelta(days=days), minutes=30,
                           by="Marisol Tennant", note="Talked about the lease")
    moved = all_in.set_stage(database, saved.id, Stage.planning, version=p.version)

    view = all_in.participant_view(database, saved.id)
    assert view.row.stage == Stage.planning and view.row.version == moved.version
    assert view.row.urgent_needs == (NeedDomain.housing,)
    assert view.needs is not None and view.needs.level(NeedDomain.employment) == NeedLevel.some
    assert view.needs.level(NeedDomain.safety) == NeedLevel.none  # every domain is recorded
    assert [g.milestones for g in view.goals] == [("ID card", "deposit")] and view.row.goals_due == 1
    assert [c.method for c in view.contacts] == [ContactMethod.attempt, ContactMethod.phone, ContactMethod.in_person]
    # the attempt does not count: last contact 5 days ago; cadence 2 a week allows 4 days
    assert view.row.last_contact == TODAY - dt.timedelta(days=5) and view.row.contacts == 2
    assert view.row.overdue and view.row.days_over == 1
    assert view.notification_ref == "3-2"

    all_in.exit_participant(database, saved.id, ExitReason.completed, version=moved.version)
    with pytest.raises(NotAllowed, match="episode ended"):
        all_in.log_contact(database, saved.id, method=ContactMethod.phone)
    again = all_in.enroll(database, world.ada, coach="Tobias Brandvold")
    assert _participant(database, again.id).episode == 2
    assert [e.episode for e in all_in.participant_view(database, again.id).episodes] == [2, 1]


def test_reassessment_keeps_the_history(database: Database, world: SimpleNamespace) -> None:
    pid = all_in.enroll(database, world.cy, coach="Marisol Tennant", on=TODAY - dt.timedelta(days=30)).id
    all_in.assess_needs(database, pid, {"housing": ("urgent", None)}, by="M", on=TODAY - dt.timedelta(days=30))
    all_in.assess_needs(database, pid, {"housing": ("none", "moved in")}, by="M", on=TODAY)
    view = all_in.participant_view(database, pid)
    assert [a.level(NeedDomain.housing) for a in view.assessments] == [NeedLevel.none, NeedLevel.urgent]
    assert view.row.urgent_needs == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coach": "  "}, "peer coach is empty"),
        ({"coach": "M", "cadence": 0}, "cadence"),
        ({"coach": "M", "cadence": float("nan")}, "cadence"),
        ({"coach": "M", "cadence": "often"}, "cadence"),
        ({"coach": "M", "on": TODAY + dt.timedelta(days=1)}, "in the future"),
        ({"coach": "M" * 101}, "keep it under 100"),
    ],
)
def test_bad_enrollments_are_refused_and_change_nothing(
    database: Database, world: SimpleNamespace, kwargs: dict, message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        all_in.enroll(database, world.ada, **kwargs)
    assert all_in.caseload(database, status="all") == []


def test_enrollment_sources_are_checked(database: Database, world: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed, match="notification is proposed"):
        all_in.enroll(database, world.bo, coach="M", source=EnrollSource.notification, notification_id=world.proposed)
    with pytest.raises(ServiceError, match="someone else"):
        all_in.enroll(database, world.bo, coach="M", source=EnrollSource.notification, notification_id=world.delivered)
    with pytest.raises(NotAllowed, match="referral is offered"):
        all_in.enroll(database, world.cy, coach="M", source=EnrollSource.referral, referral_id=world.offered)
    all_in.enroll(database, world.bo, coach="M", source=EnrollSource.referral, referral_id=world.accepted)
    with database.session() as s:
        assert s.get(Referral, world.accepted).status == ReferralStatus.engaged  # type: ignore[union-attr]
    with pytest.raises(NotAllowed, match="already enrolled, since 2026-11-24"):
        all_in.enroll(database, world.bo, coach="M")


def test_a_walk_in_makes_a_person_record_and_a_refused_one_leaves_none(database: Database) -> None:
    saved = all_in.enroll_walk_in(database, "Dov Pennyfeather", coach="Marisol Tennant", dob=dt.date(2004, 2, 3))
    row = all_in.caseload(database)[0]
    assert (row.person, row.participant_id) == ("Dov Pennyfeather", saved.id)
    with pytest.raises(ServiceError, match="cadence"):
        all_in.enroll_walk_in(database, "Eli Stroud", coach="M", cadence=99)
    with database.session() as s:
        assert [p.name for p in s.exec(select(Person)).all()] == ["Dov Pennyfeather"]


def test_caseload_orders_by_coach_and_due_and_filters(database: Database, world: SimpleNamespace) -> None:
    a = all_in.enroll(database, world.ada, coach="Marisol Tennant", on=TODAY - dt.timedelta(days=20)).id
    b = all_in.enroll(database, world.bo, coach="Marisol Tennant", on=TODAY - dt.timedelta(days=3)).id
    c = all_in.enroll(database, world.cy, coach="Tobias Brandvold", on=TODAY - dt.timedelta(days=2), cadence=0.5).id
    all_in.log_contact(database, a, method=ContactMethod.text, at=FIXED_NOW - dt.timedelta(days=12))
    rows = all_in.caseload(database)
    assert [r.participant_id for r in rows] == [a, b, c]
    assert [(r.overdue, r.days_since) for r in rows] == [(True, 12), (False, 3), (False, 2)]
    assert [r.participant_id for r in all_in.caseload(database, overdue=True)] == [a]
    assert [r.participant_id for r in all_in.caseload(database, coach="tobias brandvold")] == [c]
    assert all_in.caseload(database, stage=Stage.active) == []
    assert all_in.coaches(database) == ["Marisol Tennant", "Tobias Brandvold"]
    assert all_in.enrolled_since(database, [world.ada, world.cy, 9999]) == {
        world.ada: TODAY - dt.timedelta(days=20), world.cy: TODAY - dt.timedelta(days=2)}
    all_in.exit_participant(database, c, ExitReason.moved_away, version=None)
    assert [r.participant_id for r in all_in.caseload(database, status="exited")] == [c]
    assert world.cy not in all_in.enrolled_since(database, [world.cy])


def test_bad_contacts_goals_and_stages_are_refused(database: Database, world: SimpleNamespace) -> None:
    pid = all_in.enroll(database, world.ada, coach="M", on=TODAY - dt.timedelta(days=5)).id
    for kwargs, message in (
        ({"method": ContactMethod.phone, "minutes": -1}, "0 to 1440"),
        ({"method": ContactMethod.phone, "minutes": "half an hour"}, "whole number"),
        ({"method": ContactMethod.phone, "at": FIXED_NOW + dt.timedelta(days=1)}, "in the future"),
        ({"method": ContactMethod.phone, "at": FIXED_NOW - dt.timedelta(days=30)}, "before the enrollment"),
        ({"method": "carrier pigeon"}, "carrier pigeon"),
    ):
        with pytest.raises((ServiceError, ValueError), match=message):
            all_in.log_contact(database, pid, **kwargs)
    with pytest.raises(ServiceError, match="goal is empty"):
        all_in.add_goal(database, pid, NeedDomain.legal, " ")
    with pytest.raises(ServiceError, match="exits with a reason"):
        all_in.set_stage(database, pid, Stage.exited, version=None)
    with pytest.raises(ServiceError, match="already engaging"):
        all_in.set_stage(database, pid, Stage.engaging, version=None)
    with pytest.raises(ServiceError, match="the domains"):
        all_in.assess_needs(database, pid, {"wellbeing": ("some", None)}, by="M")
    assert all_in.participant_view(database, pid).contacts == ()


def test_a_stale_stage_move_is_refused(database: Database, world: SimpleNamespace) -> None:
    saved = all_in.enroll(database, world.ada, coach="M")
    all_in.set_stage(database, saved.id, Stage.planning, version=saved.version)
    with pytest.raises(StaleEdit, match=STALE):
        all_in.set_stage(database, saved.id, Stage.active, version=saved.version)
    assert _participant(database, saved.id).stage == Stage.planning


def test_two_instances_enrolling_one_person_at_once_make_one_episode(db_url: str, clock: FixedClock) -> None:
    first = open_database(db_url, clock=clock)
    person = _world(first).ada
    dbs = [first, open_database(db_url, clock=clock)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def go(db: Database) -> None:
        barrier.wait()
        try:
            all_in.enroll(db, person, coach="M")
            outcomes.append("enrolled")
        except ServiceError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=go, args=(db,)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("enrolled") == 1, outcomes
    assert len(all_in.caseload(first)) == 1
    for db in dbs:
        db.dispose()


def test_a_homicide_victim_is_not_enrolled(database: Database, world: SimpleNamespace) -> None:
    from vip_tui.enums import IncidentType, Role
    from vip_tui.models import Incident, Involvement

    with database.transaction() as s:
        killed = Incident(case_number="26-0999001", occurred_at=FIXED_NOW - dt.timedelta(days=2),
                          type=IncidentType.homicide, location="100 block Elm St")
        s.add(killed)
        s.flush()
        s.add(Involvement(incident_id=killed.id, person_id=world.cy, role=Role.victim))
    with pytest.raises(NotAllowed, match="victim of homicide case 26-0999001"):
        all_in.enroll(database, world.cy, coach="M")
    # enrolled before the killing: the date counts, not today
    assert all_in.enroll(database, world.cy, coach="M", on=TODAY - dt.timedelta(days=5)).id
