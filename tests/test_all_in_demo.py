"""The demo's VIP All In caseload (issue 15, item 8): lived in, fictional, and made by the program's own rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from vip_tui.db import Database, open_database
from vip_tui.demo import build_demo
from vip_tui.enums import (
    ACTIVE_STAGES,
    ContactMethod,
    EnrollSource,
    GoalStatus,
    NeedLevel,
    NotificationStatus,
    ReferralStatus,
    Stage,
)
from vip_tui.models import Contact, Notification, Participant, Referral
from vip_tui.services import all_in

AGENDAS = Path(__file__).resolve().parent.parent / "agendas"
REVIEW_DAY = dt.date(2026, 11, 24)  # the demo's review day: week 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    built, lines = build_demo(AGENDAS, url, user="tester", today=REVIEW_DAY)
    built.dispose()
    assert any(line.startswith("demo caseload: 13 VIP All In participants") for line in lines), lines
    db = open_database(url, user="tester", clock=lambda: dt.datetime(2026, 11, 24, 9, 30))
    yield db
    db.dispose()


def test_the_demo_caseload_has_every_stage_two_coaches_some_overdue_and_one_exited(demo: Database) -> None:
    everyone = all_in.caseload(demo, today=REVIEW_DAY, status="all")
    assert len(everyone) >= 12
    assert {r.stage for r in everyone} == set(Stage)
    assert {r.stage for r in everyone if r.exited_on is None} == set(ACTIVE_STAGES)
    assert len(all_in.coaches(demo)) == 2
    assert {r.coach for r in everyone} == set(all_in.coaches(demo))
    overdue = all_in.caseload(demo, today=REVIEW_DAY, overdue=True)
    assert len(overdue) >= 2 and all(r.days_over > 0 for r in overdue)
    exited = all_in.caseload(demo, today=REVIEW_DAY, status="exited")
    assert len(exited) == 1 and exited[0].exit_reason is not None and exited[0].next_due is None
    # Needs (some urgent) and goals (some due within two weeks) on the open ones.
    open_ = all_in.caseload(demo, today=REVIEW_DAY)
    assert sum(1 for r in open_ if r.urgent_needs) >= 4
    assert sum(1 for r in open_ if r.goals_due) >= 3


def test_every_participant_came_in_a_plausible_way(demo: Database) -> None:
    with demo.session() as s:
        episodes = s.exec(select(Participant)).all()
        assert {p.source for p in episodes} == set(EnrollSource)
        for p in episodes:
            if p.source == EnrollSource.notification:
                n = s.get(Notification, p.notification_id)
                assert n is not None and n.person_id == p.person_id
                assert n.status in (NotificationStatus.delivered, NotificationStatus.delivered_to_family)
            if p.source == EnrollSource.referral:
                r = s.get(Referral, p.referral_id)
                assert r is not None and r.person_id == p.person_id and r.service == "peer support"
                assert r.status == ReferralStatus.engaged  # accepted, then engaged by the enrollment
        first_contact = dict(s.exec(  # type: ignore[arg-type]
            select(Contact.participant_id, Contact.at).order_by(col(Contact.at).desc())
        ).all())
        for p in episodes:
            assert first_contact[p.id].date() >= p.enrolled_on


def test_a_participant_has_intake_needs_a_plan_and_contacts_in_the_coaches_words(demo: Database) -> None:
    rows = {r.person: r for r in all_in.caseload(demo, today=REVIEW_DAY, status="all")}
    view = all_in.participant_view(demo, rows["Dante Ashby-Coles"].participant_id, today=REVIEW_DAY)
    assert view.source == EnrollSource.notification and view.notification_ref is not None
    assert view.needs is not None and any(n.level == NeedLevel.urgent for n in view.needs.needs)
    assert len(view.goals) >= 2 and all(g.status == GoalStatus.open for g in view.goals)
    assert len(view.contacts) >= 4 and all(c.note for c in view.contacts)
    assert all(c.at.date() <= REVIEW_DAY for c in view.contacts)
    # A long episode: reassessed (history kept), goals met, contacts of every kind.
    lamar = all_in.participant_view(demo, rows["Lamar Okoye-Banks"].participant_id, today=REVIEW_DAY)
    assert len(lamar.assessments) == 2 and lamar.row.stage == Stage.sustaining
    assert any(g.status == GoalStatus.met for g in lamar.goals)
    with demo.session() as s:
        methods = set(s.exec(select(Contact.method)).all())
    assert methods == set(ContactMethod)


def test_a_kept_demo_made_before_vip_all_in_says_rebuild_adds_the_caseload(tmp_path: Path) -> None:
    import sqlite3

    from vip_tui import locations

    built, _ = build_demo(AGENDAS, None, user="tester")
    built.dispose()
    path = locations.demo_db_path()
    again, lines = build_demo(AGENDAS, None, user="tester")  # kept as it is, caseload and all: one line
    again.dispose()
    assert len(lines) == 1 and "kept as it was" in lines[0]
    with sqlite3.connect(path) as con:  # as a demo made before issue 15 is
        for table in ("contact", "need", "need_assessment", "goal", "participant"):
            con.execute(f"DELETE FROM {table}")
    kept, lines = build_demo(AGENDAS, None, user="tester")
    kept.dispose()
    assert lines[1] == ("this demo was made before VIP All In and has no caseload; "
                        "`vip demo --rebuild` (or `make demo REBUILD=1`) starts it afresh")
    rebuilt, lines = build_demo(AGENDAS, None, user="tester", rebuild=True)
    try:
        assert len(all_in.caseload(rebuilt, today=REVIEW_DAY, status="all")) == 13
    finally:
        rebuilt.dispose()


def test_a_demo_made_later_is_moved_on_so_it_still_has_a_few_overdue(tmp_path: Path) -> None:
    later = REVIEW_DAY + dt.timedelta(days=40)
    built, _ = build_demo(AGENDAS, str(tmp_path / "later.db"), user="tester", today=later)
    built.dispose()
    db = open_database(str(tmp_path / "later.db"), user="tester", clock=lambda: dt.datetime.combine(later, dt.time(8)))
    try:
        rows = all_in.caseload(db)
        assert len(rows) == 12 and sum(r.overdue for r in rows) == 3
        with db.session() as s:
            assert max(s.exec(select(Contact.at)).all()) < dt.datetime.combine(later, dt.time(8))  # none ahead
    finally:
        db.dispose()
