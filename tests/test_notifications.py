"""Following notifications and referrals to their outcome (issue 5): rules, lists, carry-over; both backends.

All names, case numbers and places are fictional.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import select

from bench.queries import statements
from tests.conftest import FIXED_NOW
from vip_tui.db import Database
from vip_tui.enums import (
    NOTIFICATION_TRANSITIONS,
    OPEN_NOTIFICATION_STATUSES,
    ActionStatus,
    AttemptResult,
    IncidentType,
    MeetingStatus,
    NotificationStatus,
    ReferralStatus,
    Role,
)
from vip_tui.models import (
    Group,
    Incident,
    Involvement,
    Meeting,
    Notification,
    NotificationAttempt,
    Person,
    PersonGroup,
    Referral,
)
from vip_tui.names import name_key
from vip_tui.services import decisions, meetings, old_business
from vip_tui.services import notifications as follow
from vip_tui.services.notifications import (
    LIST_STATEMENTS,
    REFERRAL_TRANSITIONS,
    NotificationFilter,
    load_notifications,
    load_referrals,
)
from vip_tui.services.guard import ReviewError

TODAY = FIXED_NOW.date()  # Tuesday 2026-11-24
N = NotificationStatus


# --------------------------------------------------------------------------- data


def _meeting(s: Any, date: dt.date, number: int, status: MeetingStatus = MeetingStatus.draft) -> int:
    m = Meeting(date=date, number=number, status=status, start_time=dt.time(9, 0))
    s.add(m)
    s.flush()
    return m.id


def _person(s: Any, name: str, record_id: str | None = None) -> int:
    p = Person(name=name, name_key=name_key(name), record_id=record_id)
    s.add(p)
    s.flush()
    return p.id


def _incident(s: Any, case: str, at: dt.datetime, area: str, *involved: tuple[int, Role]) -> int:
    i = Incident(case_number=case, occurred_at=at, type=IncidentType.non_fatal, location=f"{case[-3:]} block Elm St",
                 area_command=area)
    s.add(i)
    s.flush()
    for pid, role in involved:
        s.add(Involvement(incident_id=i.id, person_id=pid, role=role))
    s.flush()
    return i.id


@pytest.fixture
def world(database: Database) -> SimpleNamespace:
    """Meetings 1-4 (1 and 2 closed, 3 today and 4 next week drafts), three people, two incidents."""
    with database.transaction() as s:
        w = SimpleNamespace(db=database)
        w.m1 = _meeting(s, dt.date(2026, 11, 10), 1)
        w.m2 = _meeting(s, dt.date(2026, 11, 17), 2)
        w.m3 = _meeting(s, dt.date(2026, 11, 24), 3)
        w.m4 = _meeting(s, dt.date(2026, 12, 1), 4)
        w.ada = _person(s, "Ada Quenneville", "MNI-90001")
        w.bo = _person(s, "Bo Trevithick")
        w.cy = _person(s, "Cy Ollerenshaw")
        w.east = _incident(s, "26-0100101", dt.datetime(2026, 11, 5, 22, 0), "Eastside", (w.ada, Role.victim),
                           (w.bo, Role.associate))
        w.west = _incident(s, "26-0100202", dt.datetime(2026, 11, 12, 1, 30), "Westgate", (w.cy, Role.victim),
                           (w.ada, Role.suspect))
    return w


def _notify(w: SimpleNamespace, meeting: int, person: int, incident: int, due: dt.date | None, **team: str) -> int:
    return decisions.propose_notification(
        w.db, meeting, person, incident_id=incident, reasons="retaliation risk", due_date=due,
        team_officer=team.get("officer", "Sgt. P. Ibarra"), team_community_voice=team.get("voice"),
        team_outreach=team.get("outreach", "J. Nakamura-Bell"),
    ).id


def _close_meeting(db: Database, meeting_id: int) -> None:
    meetings.close_meeting(db, meeting_id, version=None)


def _force(db: Database, notification_id: int, status: NotificationStatus) -> None:
    with db.transaction() as s:
        n = s.get(Notification, notification_id)
        n.status = status
        n.closed_at = None if status in OPEN_NOTIFICATION_STATUSES else FIXED_NOW
        n.closed_in_meeting_id = None


def _get(db: Database, notification_id: int) -> Notification:
    with db.session() as s:
        return s.get(Notification, notification_id)


# --------------------------------------------------------------------------- the notification lifecycle


def test_every_transition_is_allowed_or_refused_as_the_lifecycle_says(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.ada, world.east, TODAY)
    for current in NotificationStatus:
        for new in NotificationStatus:
            _force(world.db, nid, current)
            if new == current or new in NOTIFICATION_TRANSITIONS[current]:
                follow.change_status(world.db, nid, new, version=None)
                assert _get(world.db, nid).status == new
            else:
                with pytest.raises(ReviewError) as refused:
                    follow.change_status(world.db, nid, new, "should not be saved", version=None)
                message = str(refused.value)
                assert f"a {current.label} notification cannot become {new.label}" in message
                assert "allowed:" in message
                after = _get(world.db, nid)
                assert after.status == current and after.outcome is None  # nothing changed


def test_a_final_notification_says_it_is_final() -> None:
    with pytest.raises(ReviewError, match=r"cannot become assigned \(allowed: none: it is final\)"):
        follow.check_transition(N.delivered, N.assigned)


def test_closing_is_reported_at_its_own_meeting_while_that_is_open(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.ada, world.east, TODAY)
    for step in (N.approved, N.assigned, N.delivered):
        follow.change_status(world.db, nid, step, version=None)
    n = _get(world.db, nid)
    assert (n.closed_at, n.closed_in_meeting_id) == (FIXED_NOW, world.m3)


def test_closing_after_its_meeting_is_reported_at_the_next_meeting_not_closed(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m1, world.ada, world.east, dt.date(2026, 11, 14))
    follow.change_status(world.db, nid, N.approved, version=None)
    _close_meeting(world.db, world.m1)
    _close_meeting(world.db, world.m2)
    follow.change_status(world.db, nid, N.assigned, version=None)  # the meeting being closed does not stop the follow-up
    n = follow.change_status(world.db, nid, N.refused, "  Refused at the door  ", version=None)
    assert n.closed_in_meeting_id == world.m3  # meeting 2 is closed: the next one not closed
    assert n.outcome == "Refused at the door"
    rows = {r.ref: r for r in old_business.old_business(world.db, world.m3)}
    assert rows["1-1"].closed_here and rows["1-1"].status == "refused"
    assert rows["1-1"].person_id == world.ada


def test_closing_with_no_meeting_ahead_is_closed_without_one(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m1, world.ada, world.east, None)
    for m in (world.m1, world.m2, world.m3, world.m4):
        _close_meeting(world.db, m)
    n = follow.change_status(world.db, nid, N.cancelled, "moved out of state", version=None)
    assert n.closed_at == FIXED_NOW and n.closed_in_meeting_id is None


def test_going_back_to_assigned_reopens_it(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.ada, world.east, TODAY)
    for step in (N.approved, N.assigned, N.not_located):
        follow.change_status(world.db, nid, step, version=None)
    assert _get(world.db, nid).closed_at is not None
    follow.change_status(world.db, nid, N.assigned, version=None)
    n = _get(world.db, nid)
    assert (n.status, n.closed_at, n.closed_in_meeting_id) == (N.assigned, None, None)


def test_close_needs_a_final_status_and_an_outcome_and_keeps_the_services(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.ada, world.east, TODAY)
    follow.change_status(world.db, nid, N.approved, version=None)
    with pytest.raises(ReviewError, match="does not close"):
        follow.close_notification(world.db, nid, N.assigned, "x", version=None)
    with pytest.raises(ReviewError, match="needs its outcome"):
        follow.close_notification(world.db, nid, N.cancelled, "  ", version=None)
    with pytest.raises(ReviewError, match="cannot become delivered"):
        follow.close_notification(world.db, nid, N.delivered, "too early: never assigned", version=None)
    follow.change_status(world.db, nid, N.assigned, version=None)
    n = follow.close_notification(world.db, nid, N.delivered, "Delivered to him at his aunt's",
                                  services_offered="", services_accepted="peer support", version=None)
    assert (n.status, n.outcome) == (N.delivered, "Delivered to him at his aunt's")
    # Accepted services were offered, necessarily.
    assert (n.services_offered, n.services_accepted) == ("peer support", "peer support")
    with pytest.raises(ReviewError, match="already delivered"):
        follow.close_notification(world.db, nid, N.delivered, "again", version=None)


# --------------------------------------------------------------------------- attempts and services


def test_attempts_are_recorded_in_time_order_and_refused_when_final_or_in_the_future(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.bo, world.east, TODAY)
    later = follow.record_attempt(world.db, nid, result=AttemptResult.not_home, by="  Sgt. P. Ibarra ",
                                  door_hanger_left=True, note="dog barking, nobody came")
    earlier = follow.record_attempt(world.db, nid, result=AttemptResult.not_home,
                                    attempted_at=dt.datetime(2026, 11, 20, 18, 10), letter_left=True)
    assert later.attempted_at == FIXED_NOW and later.by == "Sgt. P. Ibarra" and later.door_hanger_left
    assert later.left == "door hanger" and earlier.left == "letter"
    [row] = load_notifications(world.db, today=TODAY, ids=[nid])
    assert [a.id for a in row.attempts] == [earlier.id, later.id]
    assert row.last_attempt == later
    assert row.attempts[0].describe() == "2026-11-20 18:10 not home · letter left"
    assert later.describe(team="Sgt. P. Ibarra") == "2026-11-24 09:30 not home · door hanger left — dog barking, nobody came"

    with pytest.raises(ReviewError, match="cannot be in the future"):
        follow.record_attempt(world.db, nid, result=AttemptResult.delivered,
                              attempted_at=FIXED_NOW + dt.timedelta(minutes=1))
    for step in (N.approved, N.assigned, N.not_located):
        follow.change_status(world.db, nid, step, version=None)
    follow.record_attempt(world.db, nid, result=AttemptResult.not_home)  # not located: the team may try again
    follow.change_status(world.db, nid, N.cancelled, version=None)
    with pytest.raises(ReviewError, match="cancelled, which is final"):
        follow.record_attempt(world.db, nid, result=AttemptResult.delivered)
    with world.db.session() as s:
        assert len(s.exec(select(NotificationAttempt).where(NotificationAttempt.notification_id == nid)).all()) == 3


@pytest.mark.parametrize(
    ("current", "result", "expected"),
    [
        (N.assigned, AttemptResult.delivered, N.delivered),
        (N.assigned, AttemptResult.delivered_to_family, N.delivered_to_family),
        (N.assigned, AttemptResult.refused, N.refused),
        (N.assigned, AttemptResult.not_located, N.not_located),
        (N.assigned, AttemptResult.in_custody, N.in_custody),
        (N.assigned, AttemptResult.not_home, None),
        (N.approved, AttemptResult.delivered, None),  # not allowed from approved: assign it first
        (N.not_located, AttemptResult.delivered, None),
        (N.not_located, AttemptResult.not_located, None),  # already so
    ],
)
def test_an_attempt_suggests_a_status_only_when_the_lifecycle_allows_it(
    current: NotificationStatus, result: AttemptResult, expected: NotificationStatus | None
) -> None:
    assert follow.suggested_status(current, result) == expected


def test_services_offered_and_accepted(world: SimpleNamespace) -> None:
    nid = _notify(world, world.m3, world.bo, world.east, TODAY)
    n = follow.set_services(world.db, nid, " peer support, job training ", "peer support", version=None)
    assert (n.services_offered, n.services_accepted) == ("peer support, job training", "peer support")
    [row] = load_notifications(world.db, today=TODAY, ids=[nid])
    assert row.accepted_services
    n = follow.set_services(world.db, nid, "peer support", "", version=None)
    assert n.services_accepted is None
    [row] = load_notifications(world.db, today=TODAY, ids=[nid])
    assert not row.accepted_services


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", FIXED_NOW),
        ("", FIXED_NOW),
        ("08:05", dt.datetime(2026, 11, 24, 8, 5)),
        ("2026-11-20 18:10", dt.datetime(2026, 11, 20, 18, 10)),
        ("2026-11-20T18:10", dt.datetime(2026, 11, 20, 18, 10)),
        ("2026-11-20", dt.datetime(2026, 11, 20, 0, 0)),
    ],
)
def test_when_an_attempt_was_made_is_read_as_people_write_it(text: str, expected: dt.datetime) -> None:
    assert follow.parse_when(text, FIXED_NOW) == expected


@pytest.mark.parametrize(("text", "message"), [("yesterday", "is not a time"), ("25:00", "is not a time"),
                                               ("23:59", "in the future"), ("2026-11-25", "in the future")])
def test_a_time_that_cannot_be_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        follow.parse_when(text, FIXED_NOW)


# --------------------------------------------------------------------------- the list


def test_the_list_has_every_field_the_board_shows_and_open_ones_first(world: SimpleNamespace) -> None:
    overdue = _notify(world, world.m1, world.ada, world.east, dt.date(2026, 11, 14), voice="Rev. T. Okafor")
    this_week = _notify(world, world.m2, world.cy, world.west, dt.date(2026, 11, 26))
    undated = _notify(world, world.m2, world.bo, world.east, None)
    closed = _notify(world, world.m2, world.bo, world.west, dt.date(2026, 11, 20))
    for step in (N.approved, N.assigned):
        follow.change_status(world.db, overdue, step, version=None)
    follow.record_attempt(world.db, overdue, result=AttemptResult.not_home, door_hanger_left=True)
    follow.change_status(world.db, closed, N.cancelled, "duplicate", version=None)

    rows = load_notifications(world.db, today=TODAY)
    assert [r.id for r in rows] == [overdue, this_week, undated, closed]
    first = rows[0]
    assert (first.ref, first.person, first.record_id, first.status) == ("1-1", "Ada Quenneville", "MNI-90001", N.assigned)
    assert (first.due_date, first.days_overdue) == (dt.date(2026, 11, 14), 10)
    assert (first.case_number, first.area_command) == ("26-0100101", "Eastside")
    assert first.team == "Sgt. P. Ibarra, Rev. T. Okafor, J. Nakamura-Bell"
    assert first.team_members == ("Sgt. P. Ibarra", "Rev. T. Okafor", "J. Nakamura-Bell")
    assert len(first.attempts) == 1 and first.meeting_date == dt.date(2026, 11, 10)
    assert rows[1].days_overdue is None and rows[1].due_in(TODAY) == 2
    assert rows[3].days_overdue is None  # closed ones are never overdue
    assert (rows[3].outcome, rows[3].closed_at_meeting) == ("duplicate", "meeting 2 (2026-11-17)")

    def ids(**where: Any) -> list[int]:
        return [r.id for r in load_notifications(world.db, today=TODAY, where=NotificationFilter(**where))]

    assert ids(due="overdue") == [overdue]
    assert ids(due="week") == [this_week]
    assert ids(status="open") == [overdue, this_week, undated]
    assert ids(status="closed") == [closed]
    assert ids(status="proposed") == [this_week, undated]
    assert ids(area="eastside") == [overdue, undated]
    assert ids(team_member="rev. t. okafor") == [overdue]
    assert ids(person_id=world.bo) == [undated, closed]
    assert ids(status="open", area="Westgate") == [this_week]
    assert NotificationFilter(due="overdue", area="Eastside").describe() == "overdue · area Eastside"
    assert NotificationFilter().describe() == "all notifications" and not NotificationFilter().active
    with pytest.raises(ReviewError, match="unknown status"):
        NotificationFilter(status="lost")
    assert follow.area_commands(rows) == ["Eastside", "Westgate"]
    assert follow.team_members(rows) == ["J. Nakamura-Bell", "Rev. T. Okafor", "Sgt. P. Ibarra"]
    c = follow.counts(rows, rows[:2], TODAY)
    assert (c.shown, c.total, c.open, c.overdue, c.due_this_week) == (2, 4, 3, 1, 1)


def test_the_list_loads_in_a_constant_number_of_statements(world: SimpleNamespace) -> None:
    counts = {}
    for target in (3, 30):
        with world.db.session() as s:
            have = len(s.exec(select(Notification.id)).all())
        for k in range(have, target):
            nid = _notify(world, world.m2, (world.ada, world.bo, world.cy)[k % 3], (world.east, world.west)[k % 2],
                          TODAY + dt.timedelta(days=k - 10))
            follow.record_attempt(world.db, nid, result=AttemptResult.not_home)
            follow.record_attempt(world.db, nid, result=AttemptResult.not_home, letter_left=True)
            follow.refer(world.db, (world.ada, world.bo, world.cy)[k % 3], "peer support", notification_id=nid)
        with statements(world.db.engine) as seen:
            rows = load_notifications(world.db, today=TODAY)
        assert len(rows) == target and all(len(r.attempts) == 2 for r in rows)
        counts[target] = len(seen)
        with statements(world.db.engine) as seen:
            referrals = load_referrals(world.db)
        assert len(referrals) == target and len(seen) == follow.REFERRAL_STATEMENTS
    assert counts == {3: LIST_STATEMENTS, 30: LIST_STATEMENTS}


# --------------------------------------------------------------------------- referrals


def test_every_referral_transition_is_allowed_or_refused(world: SimpleNamespace) -> None:
    made = follow.refer(world.db, world.cy, "job training", provider="Harbor Works")
    assert (made.status, made.offered_on, made.status_on, made.source) == (
        ReferralStatus.offered, TODAY, TODAY, "direct")
    for current in ReferralStatus:
        for new in ReferralStatus:
            with world.db.transaction() as s:
                s.get(Referral, made.id).status = current
            if new == current or new in REFERRAL_TRANSITIONS[current]:
                follow.set_referral_status(world.db, made.id, new, version=None)
            else:
                with pytest.raises(ReviewError, match=f"{current.label} referral cannot become {new.label}"):
                    follow.set_referral_status(world.db, made.id, new, note="not saved", version=None)
                with world.db.session() as s:
                    r = s.get(Referral, made.id)
                    assert r.status == current and r.note is None


def test_the_referral_lifecycle_as_documented() -> None:
    R = ReferralStatus
    assert REFERRAL_TRANSITIONS == {
        R.offered: {R.accepted, R.declined},
        R.accepted: {R.engaged, R.declined},
        R.engaged: {R.completed, R.declined},
        R.declined: {R.offered},
        R.completed: set(),
    }


def test_a_referral_moves_with_its_dates(world: SimpleNamespace, clock) -> None:  # noqa: ANN001
    clock.now = dt.datetime(2026, 11, 12, 10, 0)
    nid = _notify(world, world.m3, world.ada, world.east, TODAY)
    made = follow.refer(world.db, world.ada, "peer support", provider="Harbor Peers", notification_id=nid,
                        note="asked for a mentor")
    assert (made.source, made.case_number, made.offered_on) == ("notification 3-1", "26-0100101", dt.date(2026, 11, 12))
    clock.now = FIXED_NOW
    with pytest.raises(ReviewError, match="before the referral was offered"):
        follow.set_referral_status(world.db, made.id, ReferralStatus.accepted, on=dt.date(2026, 11, 11), version=None)
    with pytest.raises(ReviewError, match="in the future"):
        follow.set_referral_status(world.db, made.id, ReferralStatus.accepted, on=dt.date(2026, 11, 25), version=None)
    follow.set_referral_status(world.db, made.id, ReferralStatus.accepted, on=dt.date(2026, 11, 13), version=None)
    follow.set_referral_status(world.db, made.id, ReferralStatus.engaged, on=dt.date(2026, 11, 20), provider="", version=None)
    [row] = load_referrals(world.db, person_id=world.ada)
    assert (row.status, row.offered_on, row.status_on) == (ReferralStatus.engaged, dt.date(2026, 11, 12),
                                                          dt.date(2026, 11, 20))
    assert (row.provider, row.note, row.notification_id) == (None, "asked for a mentor", nid)
    with pytest.raises(ReviewError, match="for someone else"):
        follow.refer(world.db, world.bo, "housing", notification_id=nid)
    with pytest.raises(ReviewError, match="needs a service"):
        follow.refer(world.db, world.bo, "  ")


def test_referrals_list_moving_ones_first_and_says_where_they_came_from(world: SimpleNamespace) -> None:
    done = follow.refer(world.db, world.bo, "mentoring")
    follow.set_referral_status(world.db, done.id, ReferralStatus.declined, version=None)
    at_meeting = decisions.add_referral(world.db, world.cy, "housing", meeting_id=world.m3, incident_id=world.west)
    direct = follow.refer(world.db, world.ada, "legal aid")
    rows = load_referrals(world.db)
    assert [r.id for r in rows][-1] == done.id
    sources = {r.id: r.source for r in rows}
    assert sources == {done.id: "direct", at_meeting.id: "meeting 3", direct.id: "direct"}
    assert [r.id for r in load_referrals(world.db, status=ReferralStatus.declined)] == [done.id]
    assert follow.services(world.db)[:3] == ["housing", "legal aid", "mentoring"]


# --------------------------------------------------------------------------- carry-over (issue 5 item 4)


def test_open_items_carry_over_every_later_meeting_with_their_number_until_closed(world: SimpleNamespace) -> None:
    """Made at meeting 1, still open at meetings 2 and 3, closed at 3: gone from 4; the minutes of 3 say so."""
    db = world.db
    meetings.start_meeting(db, world.m1, version=None)
    action = decisions.add_action_item(db, world.m1, "Pull the doorbell video on Elm St", due_date=dt.date(2026, 11, 13))
    notification = decisions.propose_notification(db, world.m1, world.ada, incident_id=world.east,
                                               due_date=dt.date(2026, 11, 14), team_officer="Sgt. P. Ibarra")
    meetings.close_meeting(db, world.m1, version=None)
    assert (action.ref, notification.ref) == ("1-1", "1-2")

    def carried(meeting_id: int) -> dict[str, old_business.OldBusinessRow]:
        return {r.ref: r for r in old_business.old_business(db, meeting_id)}

    for meeting_id, overdue in ((world.m2, (4, 3)), (world.m3, (11, 10))):
        rows = carried(meeting_id)
        assert set(rows) == {"1-1", "1-2"}
        assert (rows["1-1"].days_overdue, rows["1-2"].days_overdue) == overdue
        assert not rows["1-1"].closed_here and not rows["1-2"].closed_here
        if meeting_id == world.m2:
            meetings.start_meeting(db, world.m2, version=None)
            meetings.close_meeting(db, world.m2, version=None)

    meetings.start_meeting(db, world.m3, version=None)
    old_business.set_action_status(db, action.id, ActionStatus.done, "Video pulled; nothing usable", in_meeting_id=world.m3, version=None)
    for step in (N.approved, N.assigned):
        old_business.set_notification_status(db, notification.id, step, in_meeting_id=world.m3, version=None)
    old_business.set_notification_status(db, notification.id, N.delivered, "Delivered with his aunt present",
                                   in_meeting_id=world.m3, version=None)
    rows = carried(world.m3)
    assert set(rows) == {"1-1", "1-2"} and rows["1-1"].closed_here and rows["1-2"].closed_here
    assert (rows["1-2"].status, rows["1-2"].outcome) == ("delivered", "Delivered with his aunt present")
    assert carried(world.m4) == {}
    meetings.close_meeting(db, world.m3, version=None)

    text = _minutes_rows(db, dt.date(2026, 11, 24))
    old = {r[0]: r for r in text if r and r[0] in ("1-1", "1-2")}
    assert old["1-1"][-1] == "closed at this meeting: done — Video pulled; nothing usable"
    assert old["1-2"][-1].startswith("closed at this meeting: delivered — Delivered with his aunt present")
    # Meeting 2's minutes, written now, carry both too, with where they were closed later.
    earlier = {r[0]: r for r in _minutes_rows(db, dt.date(2026, 11, 17)) if r and r[0] in ("1-1", "1-2")}
    assert earlier["1-1"][-1] == "closed at meeting 3 (24 Nov 2026): done — Video pulled; nothing usable"
    assert earlier["1-2"][-1].startswith("closed at meeting 3 (24 Nov 2026): delivered")
    assert not [r for r in _minutes_rows(db, dt.date(2026, 12, 1)) if r and r[0] in ("1-1", "1-2")]


def test_a_notification_closed_on_the_board_between_meetings_is_in_the_next_minutes(world: SimpleNamespace) -> None:
    db = world.db
    nid = _notify(world, world.m1, world.ada, world.east, dt.date(2026, 11, 14))
    for m in (world.m1, world.m2):
        meetings.close_meeting(db, m, version=None)
    follow.change_status(db, nid, N.approved, version=None)
    follow.change_status(db, nid, N.assigned, version=None)
    follow.record_attempt(db, nid, result=AttemptResult.refused, attempted_at=dt.datetime(2026, 11, 20, 18, 10),
                          letter_left=True)
    follow.close_notification(db, nid, N.refused, "Refused at the door; letter left", version=None)
    meetings.close_meeting(db, world.m3, version=None)
    rows = {r[0]: r for r in _minutes_rows(db, dt.date(2026, 11, 24)) if r and r[0] == "1-1"}
    assert rows["1-1"][-1].startswith("closed at this meeting: refused — Refused at the door; letter left")
    assert "last attempt Fri 20 Nov 2026, 18:10: refused (letter left)" in rows["1-1"][-1]


def _minutes_rows(db: Database, date: dt.date) -> list[list[str]]:
    import tempfile

    from tests.export_helpers import Docx
    from vip_tui.export import export_minutes

    with tempfile.TemporaryDirectory() as folder:
        path = export_minutes(db, date, "full", Path(folder) / "m.docx")
        return Docx.read(path).rows()


# --------------------------------------------------------------------------- the person profile (item 3)


def test_the_profile_tells_the_whole_story(world: SimpleNamespace) -> None:
    from vip_tui.services.persons import person_profile

    db = world.db
    with db.transaction() as s:
        crew = Group(name="Elm Street Set", name_key=name_key("Elm Street Set"))
        s.add(crew)
        s.flush()
        s.add(PersonGroup(person_id=world.ada, group_id=crew.id))
        s.add(PersonGroup(person_id=world.cy, group_id=crew.id))
        _incident(s, "26-0100303", dt.datetime(2026, 11, 20, 23, 0), "Eastside", (world.ada, Role.witness),
                          (world.bo, Role.associate))
    nid = _notify(world, world.m2, world.ada, world.west, dt.date(2026, 11, 21))
    follow.record_attempt(db, nid, result=AttemptResult.not_home, attempted_at=dt.datetime(2026, 11, 19, 18, 0),
                          door_hanger_left=True)
    follow.refer(db, world.ada, "peer support", provider="Harbor Peers", notification_id=nid)

    profile = person_profile(db, world.ada, as_of=FIXED_NOW)
    assert profile.history.name == "Ada Quenneville" and profile.history.groups == ("Elm Street Set",)
    assert [(x.case_number, x.role) for x in profile.involvements] == [
        ("26-0100101", Role.victim), ("26-0100202", Role.suspect), ("26-0100303", Role.witness)]
    assert profile.involvements[0].location == "101 block Elm St"
    assert profile.involvements[0].area_command == "Eastside"
    flags = {f.code: f.reason for f in profile.history.flags}
    assert flags["recent_victim"].startswith("victim in 26-0100101 on 2026-11-05")
    assert "repeat" in flags
    found = {a.name: a for a in profile.associates}
    assert (found["Bo Trevithick"].shared_incidents, found["Bo Trevithick"].last_shared) == (2, dt.date(2026, 11, 20))
    assert found["Cy Ollerenshaw"].shared_groups == ("Elm Street Set",)
    [n] = profile.notifications
    assert (n.ref, n.days_overdue, len(n.attempts)) == ("2-1", 3, 1)
    [r] = profile.referrals
    assert (r.service, r.source) == ("peer support", "notification 2-1")


def test_the_follow_up_core_does_not_load_textual() -> None:
    import subprocess
    import sys

    code = ("import sys, vip_tui.services.notifications, vip_tui.services.persons, vip_tui.commands.notifications, "
            "vip_tui.demo_history; print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
