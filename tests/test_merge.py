"""Merging two person records into one and undoing it exactly (issue 6), on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.conftest import AGENDAS
from vip_tui.agenda.importer import import_files
from vip_tui.enums import Role
from vip_tui.models import AuditLog, Group, Incident, Involvement, Notification, Person, PersonGroup, PersonMerge, Referral
from vip_tui.services import decisions, meetings
from vip_tui.services.merge import MergeError, merge_persons, merges_into, unmerge
from vip_tui.services.persons import person_profile


def _state(database) -> dict:  # noqa: ANN001
    """Every row a merge may touch, without versions (they count changes, they are not content)."""
    with database.session() as s:
        return {
            "involvement": sorted((i.id, i.incident_id, i.person_id, i.role.value, i.group_id, i.notes)
                                  for i in s.exec(select(Involvement))),
            "notification": sorted((n.id, n.person_id) for n in s.exec(select(Notification))),
            "referral": sorted((r.id, r.person_id) for r in s.exec(select(Referral))),
            "person_group": sorted((g.person_id, g.group_id, g.last_seen) for g in s.exec(select(PersonGroup))),
            "person": sorted((p.id, p.name, p.record_id, p.dob, p.merged_into_id) for p in s.exec(select(Person))),
        }


@pytest.fixture
def twins(database):  # noqa: ANN001, ANN201
    """Tobias Rendón-Hale (MNI-62988) and a second record of him typed by hand, with its own history."""
    import_files(database, sorted(AGENDAS.glob("week*")))
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 24))
    with database.transaction() as s:
        tobias = s.exec(select(Person).where(Person.record_id == "MNI-62988")).one()
        shared = s.exec(select(Involvement).where(Involvement.person_id == tobias.id)).first()
        other = s.exec(
            select(Incident).where(Incident.id.not_in(select(Involvement.incident_id).where(Involvement.person_id == tobias.id)))
        ).first()
        twin = Person(name="Tobias Rendon Hale", name_key="tobias rendon hale", dob=None)
        s.add(twin)
        s.flush()
        tmc = s.exec(select(Group).where(Group.name_key == "tamarisk court")).one()
        crew = Group(name="Hale Street", name_key="hale street")
        s.add(crew)
        s.flush()
        # The same role in the same incident as the real record (dropped and kept aside), and one of its own.
        s.add(Involvement(incident_id=shared.incident_id, person_id=twin.id, role=shared.role, notes="typed twice"))
        s.add(Involvement(incident_id=other.id, person_id=twin.id, role=Role.witness, group_id=crew.id, notes="own"))
        s.add(PersonGroup(person_id=twin.id, group_id=tmc.id, last_seen=dt.date(2026, 12, 1)))
        s.add(PersonGroup(person_id=twin.id, group_id=crew.id, last_seen=dt.date(2026, 11, 20)))
        ids = dict(tobias=tobias.id, twin=twin.id, other=other.id, tmc=tmc.id)
    notification = decisions.propose_notification(database, meeting.id, ids["twin"], reasons="retaliation risk")
    referral = decisions.add_referral(database, ids["twin"], "peer support", meeting_id=meeting.id)
    return dict(db=database, notification=notification.id, referral=referral.id, **ids)


def test_a_merge_moves_everything_to_the_survivor(twins) -> None:  # noqa: ANN001
    db = twins["db"]
    with db.session() as s:
        tobias_before = len(s.exec(select(Involvement).where(Involvement.person_id == twins["tobias"])).all())
    record = merge_persons(db, twins["tobias"], twins["twin"], reason="same man, typed by hand", survivor_version=None, absorbed_version=None)
    assert (record.survivor, record.absorbed) == ("Tobias Rendón-Hale", "Tobias Rendon Hale")
    assert record.summary == "2 involvements, 1 notification, 1 referral, 2 groups"
    with db.session() as s:
        twin = s.get(Person, twins["twin"])
        assert twin.merged_into_id == twins["tobias"]
        assert s.exec(select(Involvement).where(Involvement.person_id == twins["twin"])).all() == []
        mine = s.exec(select(Involvement).where(Involvement.person_id == twins["tobias"])).all()
        assert len(mine) == tobias_before + 1  # the shared one folded, the witness role moved
        assert s.get(Notification, twins["notification"]).person_id == twins["tobias"]
        assert s.get(Referral, twins["referral"]).person_id == twins["tobias"]
        groups = {g.group_id: g.last_seen for g in s.exec(select(PersonGroup).where(PersonGroup.person_id == twins["tobias"]))}
        assert groups[twins["tmc"]] == dt.date(2026, 12, 1)  # the later sighting is kept
        assert len(groups) == 2
        merge = s.exec(select(PersonMerge)).one()
        assert (merge.user, merge.reason, merge.at) == ("tester", "same man, typed by hand", dt.datetime(2026, 11, 24, 9, 30))
        audit = {(a.entity, a.action.value) for a in s.exec(select(AuditLog).where(AuditLog.id > 0))}
    assert {("person_merge", "create"), ("involvement", "update"), ("involvement", "delete"), ("person", "update"),
            ("notification", "update"), ("referral", "update")} <= audit
    profile = person_profile(db, twins["twin"], as_of=dt.datetime(2026, 12, 31))
    assert profile.history.name == "Tobias Rendón-Hale"
    assert any(n.id == twins["notification"] for n in profile.notifications)
    assert [m.id for m in merges_into(db, twins["tobias"])] == [record.id]


def test_unmerge_restores_exactly_what_moved(twins) -> None:  # noqa: ANN001
    db = twins["db"]
    before = _state(db)
    record = merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    assert _state(db) != before
    undone = unmerge(db, record.id, version=None)
    assert undone.undone_at == dt.datetime(2026, 11, 24, 9, 30)
    assert _state(db) == before
    assert merges_into(db, twins["tobias"]) == []
    assert [m.undone_at for m in merges_into(db, twins["tobias"], include_undone=True)] == [undone.undone_at]
    with pytest.raises(MergeError, match="already undone"):
        unmerge(db, record.id, version=None)
    # And again: a merge can be redone after an undo.
    merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)


def test_what_came_to_the_survivor_after_the_merge_stays(twins) -> None:  # noqa: ANN001
    db = twins["db"]
    record = merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    meeting = meetings.meeting_by_date(db, dt.date(2026, 11, 24))
    later = decisions.propose_notification(db, meeting.id, twins["tobias"], reasons="after the merge")
    unmerge(db, record.id, version=None)
    with db.session() as s:
        assert s.get(Notification, later.id).person_id == twins["tobias"]
        assert s.get(Notification, twins["notification"]).person_id == twins["twin"]


def test_a_merge_fills_the_survivors_birth_date_and_gives_it_back(twins) -> None:  # noqa: ANN001
    db = twins["db"]
    with db.transaction() as s:
        s.get(Person, twins["twin"]).dob = dt.date(2005, 9, 13)
        dobless = Person(name="T. R. Hale", name_key="t r hale")
        s.add(dobless)
        s.flush()
        dobless_id = dobless.id
    before = _state(db)
    record = merge_persons(db, dobless_id, twins["twin"], survivor_version=None, absorbed_version=None)
    with db.session() as s:
        assert s.get(Person, dobless_id).dob == dt.date(2005, 9, 13)
    unmerge(db, record.id, version=None)
    assert _state(db) == before


def test_refusals(twins) -> None:  # noqa: ANN001
    db = twins["db"]
    with pytest.raises(MergeError, match="with itself"):
        merge_persons(db, twins["tobias"], twins["tobias"], survivor_version=None, absorbed_version=None)
    with db.session() as s:
        version = s.get(Person, twins["twin"]).version
    with db.transaction() as s:
        s.get(Person, twins["twin"]).name = "Tobias R. Hale"
    with pytest.raises(MergeError, match="changed by someone else since you opened it"):
        merge_persons(db, twins["tobias"], twins["twin"], absorbed_version=version, survivor_version=None)
    first = merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    with pytest.raises(MergeError, match="already merged"):
        merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    with pytest.raises(MergeError, match="merged into another; merge into that one"):
        merge_persons(db, twins["twin"], twins["tobias"], survivor_version=None, absorbed_version=None)
    # A chain: the survivor merged into a third record must be undone first.
    with db.transaction() as s:
        third = Person(name="Third", name_key="third")
        s.add(third)
        s.flush()
        third_id = third.id
    merge_persons(db, third_id, twins["tobias"], survivor_version=None, absorbed_version=None)
    with pytest.raises(MergeError, match="undo that merge first"):
        unmerge(db, first.id, version=None)


def test_vip_all_in_episodes_follow_a_merge_and_go_back_on_undo(twins) -> None:  # noqa: ANN001
    from vip_tui.enums import ExitReason
    from vip_tui.models import Participant
    from vip_tui.services import all_in

    db = twins["db"]
    today = db.now().date()
    mine = all_in.enroll(db, twins["twin"], coach="Marisol Tennant", on=today - dt.timedelta(days=90))
    all_in.exit_participant(db, mine.id, ExitReason.lost_contact, on=today - dt.timedelta(days=60), version=None)
    again = all_in.enroll(db, twins["twin"], coach="Marisol Tennant", on=today - dt.timedelta(days=30))
    theirs = all_in.enroll(db, twins["tobias"], coach="Tobias Brandvold", on=today - dt.timedelta(days=10))

    with pytest.raises(MergeError, match="both enrolled in VIP All In; end one of the two episodes first"):
        merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    all_in.exit_participant(db, again.id, ExitReason.declined, version=None)
    done = merge_persons(db, twins["tobias"], twins["twin"], survivor_version=None, absorbed_version=None)
    assert "2 VIP All In episodes" in done.summary

    def episodes() -> list[tuple[int, int, int]]:
        with db.session() as s:
            return sorted((p.id, p.person_id, p.episode) for p in s.exec(select(Participant)))

    assert episodes() == sorted([(theirs.id, twins["tobias"], 1), (mine.id, twins["tobias"], 2),
                                 (again.id, twins["tobias"], 3)])
    unmerge(db, done.id, version=None)
    assert episodes() == sorted([(theirs.id, twins["tobias"], 1), (mine.id, twins["twin"], 1),
                                 (again.id, twins["twin"], 2)])
