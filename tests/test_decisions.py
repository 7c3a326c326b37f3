"""Correcting and removing decisions of an open meeting (issue 13 item 1), on both backends.

All names, case numbers and places are fictional.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlmodel import select

from vip_tui.db import Database, open_database
from vip_tui.enums import (
    ActionStatus,
    AgencyKind,
    Attendance,
    IncidentType,
    MeetingStatus,
    NotificationStatus,
    ReferralStatus,
    Role,
)
from vip_tui.models import (
    ActionItem,
    Agency,
    Attendee,
    AuditLog,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Notification,
    Person,
    Referral,
)
from vip_tui.names import name_key
from vip_tui.services import decisions, meetings, notifications, old_business, wrap_up
from vip_tui.services.guard import MeetingClosed, ReviewError, StaleEdit


def _world(db: Database) -> SimpleNamespace:
    """An open meeting reviewing a homicide and a non-fatal shooting, with one decision of each kind."""
    w = SimpleNamespace()
    with db.transaction() as s:
        meeting = Meeting(date=dt.date(2026, 11, 24), number=48, status=MeetingStatus.in_progress)
        rmpd = Agency(short_name="RMPD", name="Rio Mesa Police Department", kind=AgencyKind.law_enforcement)
        cvi = Agency(short_name="CVI", name="Puente Example", kind=AgencyKind.community)
        killed = Person(name="Oren Vasquez-Tull", name_key=name_key("Oren Vasquez-Tull"))
        hurt = Person(name="Pia Lindqvist-Moreno", name_key=name_key("Pia Lindqvist-Moreno"))
        shooter = Person(name="Quill Abernathy", name_key=name_key("Quill Abernathy"))
        s.add_all([meeting, rmpd, cvi, killed, hurt, shooter])
        s.flush()
        homicide = Incident(case_number="26-0200001", occurred_at=dt.datetime(2026, 11, 20, 23), type=IncidentType.homicide,
                            location="100 block Example St")
        shooting = Incident(case_number="26-0200002", occurred_at=dt.datetime(2026, 11, 21, 1), type=IncidentType.non_fatal,
                            location="200 block Sample Ave")
        officer = Attendee(name="Sgt. K. Example", name_key=name_key("Sgt. K. Example"), agency_id=rmpd.id)
        voice = Attendee(name="Pastor J. Sample", name_key=name_key("Pastor J. Sample"), agency_id=cvi.id)
        s.add_all([homicide, shooting, officer, voice])
        s.flush()
        s.add_all([
            Involvement(incident_id=homicide.id, person_id=killed.id, role=Role.victim),
            Involvement(incident_id=homicide.id, person_id=shooter.id, role=Role.suspect),
            Involvement(incident_id=shooting.id, person_id=hurt.id, role=Role.victim),
            Involvement(incident_id=shooting.id, person_id=shooter.id, role=Role.suspect),
            MeetingAttendance(meeting_id=meeting.id, attendee_id=officer.id, status=Attendance.present),
        ])
        w.meeting, w.homicide, w.shooting = meeting.id, homicide.id, shooting.id
        w.killed, w.hurt, w.shooter = killed.id, hurt.id, shooter.id
    w.action = decisions.add_action_item(db, w.meeting, "Pull doorbell video", incident_id=w.shooting, owner_agency="RMPD")
    w.notification = decisions.propose_notification(db, w.meeting, w.shooter, incident_id=w.shooting, reasons="shooter")
    w.referral = decisions.add_referral(db, w.hurt, "housing", meeting_id=w.meeting, incident_id=w.shooting)
    return w


@pytest.fixture
def world(database: Database) -> SimpleNamespace:
    return _world(database)


def _audit(db: Database, table: str, row_id: int) -> list[AuditLog]:
    with db.session() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.entity == table, AuditLog.entity_id == str(row_id))
                           .order_by(AuditLog.id)).all())


# --------------------------------------------------------------------------- editing


def test_an_action_item_is_corrected_and_the_change_audited(database: Database, world: SimpleNamespace) -> None:
    row = decisions.edit_action_item(
        database, world.action.id, description="Pull doorbell video from the corner store", owner_agency="rmpd",
        owner_name="Det. R. Example", due_date=dt.date(2026, 12, 1), version=world.action.version,
    )
    assert (row.text, row.owner, row.due_date, row.ref) == (
        "Pull doorbell video from the corner store", "RMPD / Det. R. Example", dt.date(2026, 12, 1), "48-1",
    )
    with database.session() as s:
        action = s.get(ActionItem, world.action.id)
        assert (action.owner_name, action.due_date) == ("Det. R. Example", dt.date(2026, 12, 1))
    [created, updated] = _audit(database, "action_item", world.action.id)
    assert updated.action.value == "update" and updated.user == "tester"
    assert updated.changes["due_date"] == [None, "2026-12-01"]
    assert updated.changes["owner_name"] == [None, "Det. R. Example"]


def test_a_notification_is_corrected_team_due_and_person(database: Database, world: SimpleNamespace) -> None:
    row = decisions.edit_notification(
        database, world.notification.id, person_id=world.hurt, reasons="victim, retaliation expected",
        team_officer="Sgt. K. Example", team_community_voice="Pastor J. Sample", team_outreach=" ",
        due_date=dt.date(2026, 11, 27), version=world.notification.version,
    )
    assert row.person == "Pia Lindqvist-Moreno" and row.owner == "Sgt. K. Example, Pastor J. Sample"
    with database.session() as s:
        n = s.get(Notification, world.notification.id)
        assert (n.person_id, n.team_outreach, n.due_date) == (world.hurt, None, dt.date(2026, 11, 27))
    assert _audit(database, "notification", world.notification.id)[-1].changes["person_id"] == [world.shooter, world.hurt]


def test_a_referral_is_corrected(database: Database, world: SimpleNamespace) -> None:
    row = decisions.edit_referral(database, world.referral.id, person_id=world.shooter, service="job training",
                                  provider="Example Works", version=world.referral.version)
    assert row.text == "Refer Quill Abernathy to job training" and row.owner == "Example Works"
    assert _audit(database, "referral", world.referral.id)[-1].changes["service"] == ["housing", "job training"]


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("action", {"description": "  "}, "needs a description"),
        ("action", {"description": "Call the lab", "agency": "NOPE"}, "unknown agency 'NOPE'"),
        ("referral", {"person": None, "service": ""}, "needs a service"),
    ],
)
def test_an_edit_is_refused_with_the_checks_of_creating_and_nothing_changes(
    database: Database, world: SimpleNamespace, kind: str, values: dict, message: str,
) -> None:
    decision = {"action": world.action, "referral": world.referral}[kind]
    if kind == "referral":
        values = {**values, "person": world.hurt}
    before = decisions.decision_values(database, kind, decision.id)
    with pytest.raises(ReviewError, match=message):
        decisions.edit_decision(database, kind, decision.id, values, version=decision.version)
    assert decisions.decision_values(database, kind, decision.id) == before


def test_a_notification_cannot_be_moved_to_a_homicide_victim(database: Database, world: SimpleNamespace) -> None:
    with pytest.raises(ReviewError, match="victim of the homicide 26-0200001") as refused:
        decisions.edit_notification(database, world.notification.id, person_id=world.killed, reasons="", team_officer=None,
                                    team_community_voice=None, team_outreach=None, due_date=None,
                                    version=world.notification.version)
    assert "Oren" not in str(refused.value)  # the message may be read on a shared screen


def test_a_stale_version_is_refused_and_nothing_written(database: Database, world: SimpleNamespace) -> None:
    decisions.edit_action_item(database, world.action.id, description="First words", owner_agency=None, owner_name=None,
                               due_date=None, version=world.action.version)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        decisions.edit_action_item(database, world.action.id, description="Second words", owner_agency=None,
                                   owner_name=None, due_date=None, version=world.action.version)
    with pytest.raises(StaleEdit):
        decisions.delete_action_item(database, world.action.id, version=world.action.version)
    with database.session() as s:
        assert s.get(ActionItem, world.action.id).description == "First words"


def test_a_closed_meeting_refuses_edits_and_deletes(database: Database, world: SimpleNamespace) -> None:
    meeting = meetings.get_meeting(database, world.meeting)
    meetings.close_meeting(database, world.meeting, version=meeting.version)
    for kind, d in (("action", world.action), ("notification", world.notification), ("referral", world.referral)):
        values = decisions.decision_values(database, kind, d.id).values
        with pytest.raises(MeetingClosed, match="amendment"):
            decisions.edit_decision(database, kind, d.id, values, version=d.version)
        with pytest.raises(MeetingClosed, match="amendment"):
            decisions.delete_decision(database, kind, d.id, version=d.version)
    assert len(wrap_up.wrap_up(database, world.meeting).decisions) == 3


def test_a_final_notification_is_not_edited(database: Database, world: SimpleNamespace) -> None:
    n = world.notification
    for status in (NotificationStatus.approved, NotificationStatus.assigned, NotificationStatus.delivered):
        n = old_business.set_notification_status(database, n.id, status, "at home" if not status.is_open else None,
                                           version=n.version)
    values = decisions.decision_values(database, "notification", n.id)
    with pytest.raises(ReviewError, match="delivered, which is final"):
        decisions.edit_decision(database, "notification", n.id, {**values.values, "officer": "Someone"},
                                version=values.version)


# --------------------------------------------------------------------------- removing


def test_each_kind_is_removed_and_the_removal_audited(database: Database, world: SimpleNamespace) -> None:
    assert decisions.delete_decision(database, "action", world.action.id, version=world.action.version) == "action item 48-1"
    assert decisions.delete_decision(database, "notification", world.notification.id,
                                     version=world.notification.version) == "notification 48-2"
    assert decisions.delete_decision(database, "referral", world.referral.id,
                                     version=world.referral.version) == "referral to housing"
    assert wrap_up.wrap_up(database, world.meeting).decisions == []
    for table, row_id in (("action_item", world.action.id), ("notification", world.notification.id),
                          ("referral", world.referral.id)):
        deleted = _audit(database, table, row_id)[-1]
        assert deleted.action.value == "delete" and deleted.user == "tester"


def test_a_notification_with_history_is_not_removed_and_the_message_says_why(
    database: Database, world: SimpleNamespace,
) -> None:
    n = world.notification
    notifications.record_attempt(database, n.id, result=notifications.AttemptResult.not_home,
                                 attempted_at=dt.datetime(2026, 11, 23, 18))
    n = decisions.decision_values(database, "notification", n.id)
    with pytest.raises(ReviewError, match="a team has tried to deliver it.*cancel it instead"):
        decisions.delete_notification(database, n.id, version=n.version)
    with pytest.raises(ReviewError, match="who it is for cannot change now"):
        decisions.edit_decision(database, "notification", n.id, {**n.values, "person": world.hurt}, version=n.version)
    approved = old_business.set_notification_status(database, n.id, NotificationStatus.approved, version=n.version)
    with pytest.raises(ReviewError, match="it is approved"):
        decisions.delete_notification(database, n.id, version=approved.version)
    with database.session() as s:
        assert s.get(Notification, n.id) is not None


def test_a_closed_action_item_or_a_moving_referral_is_not_removed(database: Database, world: SimpleNamespace) -> None:
    done = old_business.set_action_status(database, world.action.id, ActionStatus.done, "sent", version=world.action.version)
    with pytest.raises(ReviewError, match="is done: its outcome is a record"):
        decisions.delete_action_item(database, done.id, version=done.version)
    accepted = notifications.set_referral_status(database, world.referral.id, ReferralStatus.accepted,
                                                 version=world.referral.version)
    with pytest.raises(ReviewError, match="accepted: that history is a record; decline it instead"):
        decisions.delete_referral(database, accepted.id, version=accepted.version)
    with pytest.raises(ReviewError, match="person and service are a record"):
        decisions.edit_referral(database, accepted.id, person_id=world.hurt, service="relocation", provider=None,
                                version=accepted.version)
    # The provider can still be corrected.
    decisions.edit_referral(database, accepted.id, person_id=world.hurt, service="housing", provider="Casa Example",
                            version=accepted.version)


# --------------------------------------------------------------------------- item 7 and suggestions


def test_a_homicide_victim_gets_no_notification(database: Database, world: SimpleNamespace) -> None:
    with pytest.raises(ReviewError, match="victim of the homicide 26-0200001.*relative or an associate"):
        decisions.propose_notification(database, world.meeting, world.killed, incident_id=world.homicide)
    with database.session() as s:
        assert len(s.exec(select(Notification)).all()) == 1
    # A victim who survived may be notified (the screen asks first).
    decisions.propose_notification(database, world.meeting, world.hurt, incident_id=world.shooting)


def test_team_suggestions_are_the_attendees_then_the_program_people(database: Database, world: SimpleNamespace) -> None:
    decisions.edit_notification(database, world.notification.id, person_id=world.shooter, reasons="",
                                team_officer=None, team_community_voice=None, team_outreach="M. Outreach-Example",
                                due_date=None, version=world.notification.version)
    assert decisions.team_suggestions(database, world.meeting) == [
        "Sgt. K. Example", "Pastor J. Sample", "M. Outreach-Example",
    ]


def test_the_edit_form_values_come_back_as_stored(database: Database, world: SimpleNamespace) -> None:
    values = decisions.decision_values(database, "notification", world.notification.id)
    assert values.ref == "48-2" and values.values["person"] == world.shooter
    assert [(p.name, p.role) for p in values.persons] == [
        ("Pia Lindqvist-Moreno", Role.victim), ("Quill Abernathy", Role.suspect),
    ]
    with pytest.raises(StaleEdit, match="removed by someone else"):
        decisions.decision_values(database, "action", 999_999)


def test_nothing_is_left_half_done_on_a_second_instance(db_url: str, clock) -> None:  # noqa: ANN001
    first = open_database(db_url, user="analyst", clock=clock)
    second = open_database(db_url, user="facilitator", clock=clock)
    try:
        w = _world(first)
        decisions.delete_referral(first, w.referral.id, version=w.referral.version)
        with pytest.raises(StaleEdit, match="removed by someone else"):
            decisions.edit_referral(second, w.referral.id, person_id=w.hurt, service="housing", provider="X",
                                    version=w.referral.version)
        with second.session() as s:
            assert s.exec(select(Referral)).all() == []
            assert s.get(Person, w.hurt) is not None
    finally:
        first.dispose()
        second.dispose()


def test_the_edit_form_knows_the_homicide_victims_among_its_persons(database: Database, world: SimpleNamespace) -> None:
    n = decisions.propose_notification(database, world.meeting, world.shooter, incident_id=world.homicide)
    assert decisions.decision_values(database, "notification", n.id).killed == {world.killed}
    assert decisions.decision_values(database, "notification", world.notification.id).killed == frozenset()
