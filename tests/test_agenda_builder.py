"""The agenda builder's services (issue 6): every change committed, validated and worded as an import, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.conftest import AGENDAS
from vip_tui.agenda.importer import import_files
from vip_tui.agenda.parse import parse_agenda
from vip_tui.enums import IncidentType, MeetingStatus, Role
from vip_tui.models import AgendaItem, AuditLog, Incident, Involvement, Meeting, Person
from vip_tui.services import agenda_builder as ab
from vip_tui.services import guard, items, meetings, person_match

INCIDENT = {
    "case_number": "26-0099001", "occurred_at": "2026-12-03T22:10", "type": "non_fatal",
    "location": "400 block Central Ave SW", "area_command": "Valley", "minutes": "10",
}


def _count(database, model) -> int:  # noqa: ANN001
    with database.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _csv_problem(tmp_path: Path, column: str, value: str) -> str:
    """The message an imported CSV gets for ``value`` in ``column``."""
    row = {"meeting_date": "2026-12-08", **INCIDENT, column: value}
    header = ",".join(row)
    path = tmp_path / "bad.csv"
    path.write_text(f"{header}\n" + ",".join(f'"{v}"' for v in row.values()) + "\n", encoding="utf-8")
    _, problems = parse_agenda(path)
    [problem] = [p for p in problems if p.field in (column, "meeting_date" if column == "date" else column)]
    return problem.message


@pytest.fixture
def meeting(database) -> int:  # noqa: ANN001
    return ab.create_meeting(database, {"date": "2026-12-08", "minutes": "60", "title": "Weekly Shooting Review"})


# --------------------------------------------------------------------------- meeting


def test_a_meeting_is_created_for_a_date_once(database, meeting) -> None:  # noqa: ANN001
    draft = ab.load_agenda(database, meeting)
    assert (draft.meeting.date, draft.meeting.number, draft.meeting.minutes) == (dt.date(2026, 12, 8), 1, 60)
    assert draft.meeting.status == MeetingStatus.draft and not draft.meeting.agenda_ready
    with pytest.raises(guard.Invalid, match="2026-12-08 already has a meeting"):
        ab.create_meeting(database, {"date": "2026-12-08"})
    assert ab.create_meeting(database, {"date": "2026-12-15"}) != meeting


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "2026-13-01"),
        ("occurred_at", "2026-12-03"),
        ("occurred_at", "2026-12-03T22:10+02:00"),
        ("type", "Nonfatal"),
        ("minutes", "ten"),
        ("minutes", "500"),
        ("minutes", "0"),
        ("case_status", "closed"),
        ("retaliation_risk", "high"),
    ],
)
def test_a_bad_value_reads_exactly_as_in_an_import(database, meeting, tmp_path: Path, field: str, value: str) -> None:  # noqa: ANN001
    expected = _csv_problem(tmp_path, field, value)
    with pytest.raises(guard.Invalid) as info:
        ab.add_incident(database, meeting, {**INCIDENT, field: value})
    assert info.value.problems == [(field, expected)]
    assert str(info.value) == f"{field}: {expected}"
    assert _count(database, Incident) == 0


def test_a_bad_meeting_date_and_birth_date_read_as_in_an_import(database, meeting, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "bad.csv"
    path.write_text(
        "meeting_date,case_number,occurred_at,type,location,person_name,person_role,person_dob\n"
        "2026-02-30,26-1,2026-12-03T22:10,other,x,A. Example,victim,14/03/2002\n", encoding="utf-8",
    )
    _, problems = parse_agenda(path)
    by_field = {p.field: p.message for p in problems}
    with pytest.raises(guard.Invalid) as info:
        ab.create_meeting(database, {"date": "2026-02-30"})
    assert info.value.problems == [("date", by_field["meeting_date"])]
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    with pytest.raises(guard.Invalid) as info:
        ab.add_person(database, item, {"name": "A. Example", "role": "victim", "dob": "14/03/2002"})
    assert info.value.problems == [("dob", by_field["person_dob"])]


def test_every_problem_of_a_form_is_reported(database, meeting) -> None:  # noqa: ANN001
    with pytest.raises(guard.Invalid) as info:
        ab.add_incident(database, meeting, {"case_number": "26-1", "occurred_at": "yesterday", "type": ""})
    assert [f for f, _ in info.value.problems] == ["occurred_at", "type", "location"]
    assert info.value.problems[2] == ("location", "missing (required)")


def test_the_meeting_details_are_edited_and_checked(database, meeting) -> None:  # noqa: ANN001
    v = ab.load_agenda(database, meeting).meeting.version
    ab.update_meeting(database, meeting, v, {"date": "2026-12-09", "title": "Week 5", "location": "RTCC",
                                             "facilitator": "Lt. A. Example", "start_time": "09:00", "minutes": "90"})
    m = ab.load_agenda(database, meeting).meeting
    assert (m.date, m.title, m.location, m.start_time, m.minutes) == (
        dt.date(2026, 12, 9), "Week 5", "RTCC", dt.time(9, 0), 90)
    with pytest.raises(guard.Invalid, match=r"start_time: \"9h\" is not a time \(write 09:00\)"):
        ab.update_meeting(database, meeting, m.version, {"date": "2026-12-09", "start_time": "9h"})


# --------------------------------------------------------------------------- incidents


@pytest.mark.parametrize("typed", ["N-1; N-2", " N-1 ;; N-2 ;", "N-1, N-2", "N-1,N-2; N-3"])
def test_nibin_leads_are_split_in_the_form_as_in_a_csv_cell(database, meeting, tmp_path, typed) -> None:  # noqa: ANN001
    # One rule for both (README "CSV": leads separated by `;`); a comma stays inside a lead, as in an import.
    item = ab.add_incident(database, meeting, {**INCIDENT, "nibin_leads": typed}).agenda_item_id
    [added] = [i for i in ab.load_agenda(database, meeting).items if i.id == item]
    row = {"meeting_date": "2026-12-08", **INCIDENT, "nibin_leads": typed}
    path = tmp_path / "leads.csv"
    path.write_text(",".join(row) + "\n" + ",".join(f'"{v}"' for v in row.values()) + "\n", encoding="utf-8")
    agenda, problems = parse_agenda(path)
    assert agenda is not None, problems
    assert added.nibin_leads == tuple(agenda.incidents[0].nibin_leads)


def test_incidents_are_added_edited_budgeted_moved_and_removed(database, meeting) -> None:  # noqa: ANN001
    first = ab.add_incident(database, meeting, {**INCIDENT, "nibin_leads": "N-1; N-2"}).agenda_item_id
    second = ab.add_incident(database, meeting, {**INCIDENT, "case_number": "26-0099002", "type": "Shots Fired",
                                                 "minutes": ""}).agenda_item_id
    third = ab.add_incident(database, meeting, {**INCIDENT, "case_number": "26-0099003", "minutes": "30"}).agenda_item_id
    draft = ab.load_agenda(database, meeting)
    assert [i.case_number for i in draft.items] == ["26-0099001", "26-0099002", "26-0099003"]
    assert draft.items[0].nibin_leads == ("N-1", "N-2")
    assert draft.items[1].type == IncidentType.shots_fired
    assert draft.budget_words() == ("Budgets: 40 of 60 min · 20 min to spare · 1 without a budget", "ok")

    item = draft.items[1]
    ab.set_budget(database, second, item.version, "25")
    assert ab.load_agenda(database, meeting).budget_words() == (
        "Budgets: 65 of 60 min · 5 min over the meeting's length", "over")
    with pytest.raises(guard.Invalid, match=r"minutes: 0 is too small \(the least is 1\)"):
        ab.set_budget(database, second, ab.load_agenda(database, meeting).items[1].version, "0")

    draft = ab.load_agenda(database, meeting)
    assert ab.move_item(database, third, draft.items[2].version, -1) == 2
    draft = ab.load_agenda(database, meeting)
    assert ab.move_item(database, third, draft.items[1].version, -1) == 1
    assert [i.case_number for i in ab.load_agenda(database, meeting).items] == ["26-0099003", "26-0099001", "26-0099002"]
    draft = ab.load_agenda(database, meeting)
    assert ab.move_item(database, third, draft.items[0].version, -1) == 1  # already first

    it = ab.load_agenda(database, meeting).items[1]
    ab.update_incident(database, first, it.version, it.incident_version,
                       {**it.form_values(), "location": "500 block Central Ave SW", "motive": "dispute",
                        "case_status": "cleared_arrest", "retaliation_risk": "Immediate", "minutes": "12"})
    it = ab.load_agenda(database, meeting).items[1]
    assert (it.location, it.motive, it.case_status.value, it.retaliation_risk.value, it.minutes) == (
        "500 block Central Ave SW", "dispute", "cleared_arrest", "immediate", 12)

    message = ab.remove_item(database, second, ab.load_agenda(database, meeting).items[2].version)
    assert "deleted" in message
    assert [i.position for i in ab.load_agenda(database, meeting).items] == [1, 2]
    assert _count(database, Incident) == 2


def test_a_known_case_number_puts_that_incident_on_the_agenda(database, meeting) -> None:  # noqa: ANN001
    import_files(database, [AGENDAS / "week1-2026-11-10.toml"])
    with database.session() as s:
        known = s.exec(select(Incident)).first()
    added = ab.add_incident(database, meeting, {"case_number": known.case_number, "occurred_at": known.occurred_at.isoformat(),
                                                 "type": known.type.value, "location": known.location})
    assert added.known_before
    with database.session() as s:
        again = s.get(Incident, known.id)
    assert again.summary == known.summary  # left empty in the form: kept
    message = ab.remove_item(database, added.agenda_item_id, ab.load_agenda(database, meeting).items[0].version)
    assert "stays known" in message
    with pytest.raises(guard.Invalid, match="already on this agenda"):
        ab.add_incident(database, meeting, {**INCIDENT})
        ab.add_incident(database, meeting, {**INCIDENT})


def test_an_item_with_notes_stays_on_the_agenda(database, meeting) -> None:  # noqa: ANN001
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    items.save_note(database, item, "discussed already", version=None)
    with pytest.raises(guard.ReviewError, match="has notes"):
        ab.remove_item(database, item, ab.load_agenda(database, meeting).items[0].version)
    assert ab.load_agenda(database, meeting).items[0].discussed


def test_ready_needs_an_incident_and_a_closed_meeting_is_read_only(database, meeting) -> None:  # noqa: ANN001
    with pytest.raises(guard.ReviewError, match="no incidents"):
        ab.set_ready(database, meeting, ab.load_agenda(database, meeting).meeting.version, True)
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    ab.set_ready(database, meeting, ab.load_agenda(database, meeting).meeting.version, True)
    assert ab.load_agenda(database, meeting).meeting.agenda_ready
    meetings.close_meeting(database, meeting, version=None)
    with pytest.raises(guard.MeetingClosed):
        ab.add_incident(database, meeting, {**INCIDENT, "case_number": "26-2"})
    with pytest.raises(guard.MeetingClosed):
        ab.set_budget(database, item, ab.load_agenda(database, meeting).items[0].version, "5")


# --------------------------------------------------------------------------- persons


@pytest.fixture
def history(database):  # noqa: ANN001, ANN201
    import_files(database, sorted(AGENDAS.glob("week*.toml")))
    return database


def test_known_people_are_suggested_by_records_id_birth_date_and_name(history, meeting) -> None:  # noqa: ANN001
    [by_id] = person_match.suggest_persons(history, "", record_id="mni-62988")
    assert (by_id.name, by_id.score, by_id.reason) == ("Tobias Rendón-Hale", 1.0, "same records id")
    assert by_id.incidents == 2
    best = person_match.suggest_persons(history, "maria ibanez", dob="2004-07-16")[0]
    assert best.name == "María-José Ibáñez" and best.score >= 0.9
    assert "same date of birth" in best.reason
    names = [s.name for s in person_match.suggest_persons(history, "Tobias Rendon Hale")]
    assert names[0] == "Tobias Rendón-Hale"
    misspelt = person_match.suggest_persons(history, "Luis Ocampo Reina")
    assert misspelt and misspelt[0].name == "Luis Ocampo-Reyna" and misspelt[0].reason == "similar name"
    assert person_match.suggest_persons(history, "Zebulon Quackenbush") == []


def test_a_merged_record_is_never_suggested(history) -> None:  # noqa: ANN001
    from vip_tui.services.merge import merge_persons

    [tobias] = person_match.suggest_persons(history, "", record_id="MNI-62988")
    with history.transaction() as s:
        twin = Person(name="Tobias Rendon Hale", name_key="tobias rendon hale")
        s.add(twin)
        s.flush()
        twin_id = twin.id
    assert {s.person_id for s in person_match.suggest_persons(history, "Tobias Rendon Hale")} == {tobias.person_id, twin_id}
    merge_persons(history, tobias.person_id, twin_id, survivor_version=None, absorbed_version=None)
    assert {s.person_id for s in person_match.suggest_persons(history, "Tobias Rendon Hale")} == {tobias.person_id}


def test_a_person_is_linked_or_made_new(history, meeting) -> None:  # noqa: ANN001
    item = ab.add_incident(history, meeting, INCIDENT).agenda_item_id
    persons_before = _count(history, Person)
    [tobias] = person_match.suggest_persons(history, "", record_id="MNI-62988")
    ab.add_person(history, item, {"name": "T. Rendon", "role": "suspect", "group": "Tamarisk Court"},
                  tobias.person_id, tobias.version)
    ab.add_person(history, item, {"name": "Nadia Example", "role": "Victim", "dob": "2003-01-02", "record_id": "MNI-1"})
    assert _count(history, Person) == persons_before + 1
    persons = ab.load_agenda(history, meeting).items[0].persons
    assert [(p.name, p.role, p.group) for p in persons] == [
        ("Nadia Example", Role.victim, None), ("Tobias Rendón-Hale", Role.suspect, "Tamarisk Court")]
    assert persons[1].elsewhere  # his earlier incidents show
    with pytest.raises(guard.Invalid, match='record_id: "MNI-62988" is the records id of Tobias'):
        ab.add_person(history, item, {"name": "Someone", "role": "witness", "record_id": "MNI-62988"})
    with pytest.raises(guard.Invalid, match="already a suspect"):
        ab.add_person(history, item, {"name": "x", "role": "suspect"}, tobias.person_id)


def test_an_involvement_is_edited_relinked_and_removed(history, meeting) -> None:  # noqa: ANN001
    item = ab.add_incident(history, meeting, INCIDENT).agenda_item_id
    ab.add_person(history, item, {"name": "Nadia Exampel", "role": "victim"})
    p = ab.load_agenda(history, meeting).items[0].persons[0]
    ab.update_involvement(history, p.involvement_id, p.version, p.person_version,
                          {**p.form_values(), "name": "Nadia Example", "dob": "2003-01-02", "notes": "GSW leg"})
    p = ab.load_agenda(history, meeting).items[0].persons[0]
    assert (p.name, p.dob, p.notes) == ("Nadia Example", dt.date(2003, 1, 2), "GSW leg")
    with pytest.raises(guard.Invalid, match=r'dob: "2003-02-30" is not a date'):
        ab.update_involvement(history, p.involvement_id, p.version, p.person_version, {**p.form_values(), "dob": "2003-02-30"})

    # A wrong link fixed: the involvement goes to the right record, the stray record (nothing else) goes.
    [tobias] = person_match.suggest_persons(history, "", record_id="MNI-62988")
    stray = p.person_id
    ab.relink_involvement(history, p.involvement_id, p.version, tobias.person_id)
    p = ab.load_agenda(history, meeting).items[0].persons[0]
    assert p.person_id == tobias.person_id
    with history.session() as s:
        assert s.get(Person, stray) is None
    # ... and split off again as a new record.
    new_id = ab.relink_involvement(history, p.involvement_id, p.version, None, {"name": "Nadia Example"})
    assert new_id != tobias.person_id
    with history.session() as s:
        assert s.get(Person, tobias.person_id) is not None  # he has other involvements: kept
    p = ab.load_agenda(history, meeting).items[0].persons[0]
    ab.remove_involvement(history, p.involvement_id, p.version)
    assert ab.load_agenda(history, meeting).items[0].persons == ()
    with history.session() as s:
        assert s.get(Person, new_id) is None


# --------------------------------------------------------------------------- invitees


def test_invitees_are_added_corrected_and_removed(database, meeting) -> None:  # noqa: ANN001
    ab.add_invitee(database, meeting, {"name": "Det. B. Example", "agency": "rmpd", "role": "Homicide"})
    ab.add_invitee(database, meeting, {"name": "SA C. Example", "agency": "ATF"})
    with pytest.raises(guard.Invalid, match="already invited"):
        ab.add_invitee(database, meeting, {"name": "det b example", "agency": "RMPD"})
    with pytest.raises(guard.Invalid, match=r"agency: missing \(required\)"):
        ab.add_invitee(database, meeting, {"name": "Nobody"})
    rows = ab.load_agenda(database, meeting).invitees
    assert [(r.agency, r.name, r.role) for r in rows] == [("ATF", "SA C. Example", None), ("rmpd", "Det. B. Example", "Homicide")]
    ab.update_invitee(database, rows[1].attendance_id, {"name": "Det. B. Example", "agency": "RMPD", "role": "Robbery"}, version=None)
    ab.remove_invitee(database, rows[0].attendance_id, version=None)
    assert [(r.name, r.role) for r in ab.load_agenda(database, meeting).invitees] == [("Det. B. Example", "Robbery")]


# --------------------------------------------------------------------------- versions and audit


def test_an_edit_of_a_record_changed_since_it_was_loaded_is_refused(database, meeting) -> None:  # noqa: ANN001
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    seen = ab.load_agenda(database, meeting).items[0]
    ab.update_incident(database, item, seen.version, seen.incident_version, {**seen.form_values(), "location": "theirs"})
    with pytest.raises(guard.StaleEdit) as info:
        ab.update_incident(database, item, seen.version, seen.incident_version, {**seen.form_values(), "location": "mine"})
    assert str(info.value) == "case 26-0099001 was changed by someone else since you opened it; reloaded"
    assert ab.load_agenda(database, meeting).items[0].location == "theirs"
    m = ab.load_agenda(database, meeting).meeting
    ab.update_meeting(database, meeting, m.version, {**m.form_values(), "title": "theirs"})
    with pytest.raises(guard.StaleEdit, match="the meeting was changed by someone else"):
        ab.set_ready(database, meeting, m.version, True)
    ab.remove_item(database, item, ab.load_agenda(database, meeting).items[0].version)
    with pytest.raises(guard.StaleEdit, match="was removed by someone else"):
        ab.set_budget(database, item, seen.version, "5")


def test_every_builder_change_is_audited(database, meeting) -> None:  # noqa: ANN001
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    ab.add_person(database, item, {"name": "A. Example", "role": "victim"})
    ab.set_budget(database, item, ab.load_agenda(database, meeting).items[0].version, "7")
    with database.session() as s:
        rows = s.exec(select(AuditLog.entity, AuditLog.action, AuditLog.user).order_by(AuditLog.id)).all()
    entities = [(e, a.value) for e, a, _ in rows]
    for expected in [("meeting", "create"), ("incident", "create"), ("agenda_item", "create"), ("person", "create"),
                     ("involvement", "create"), ("agenda_item", "update")]:
        assert expected in entities
    assert {u for *_, u in rows} == {"tester"}


def test_the_agenda_stamp_moves_with_every_change_but_notes(database, meeting) -> None:  # noqa: ANN001
    stamps = [ab.agenda_stamp(database, meeting)]
    item = ab.add_incident(database, meeting, INCIDENT).agenda_item_id
    stamps.append(ab.agenda_stamp(database, meeting))
    ab.add_person(database, item, {"name": "A. Example", "role": "victim"})
    stamps.append(ab.agenda_stamp(database, meeting))
    p = ab.load_agenda(database, meeting).items[0].persons[0]
    ab.update_involvement(database, p.involvement_id, p.version, p.person_version, {**p.form_values(), "dob": "2001-01-01"})
    stamps.append(ab.agenda_stamp(database, meeting))
    ab.add_invitee(database, meeting, {"name": "B", "agency": "RMPD"})
    stamps.append(ab.agenda_stamp(database, meeting))
    assert len(set(stamps)) == len(stamps)
    items.save_note(database, item, "typing…", version=None)
    assert ab.agenda_stamp(database, meeting) == stamps[-1]
    assert ab.load_agenda(database, meeting).stamp == stamps[-1]


# --------------------------------------------------------------------------- the import's dry run


def test_a_dry_run_reports_what_an_import_does_and_changes_nothing(database) -> None:  # noqa: ANN001
    files = sorted(AGENDAS.glob("week*"))
    before = {m: _count(database, m) for m in (Meeting, Incident, Person, Involvement, AgendaItem, AuditLog)}
    preview = import_files(database, files, dry_run=True)
    assert {m: _count(database, m) for m in before} == before
    assert preview.dry_run
    applied = import_files(database, files)
    assert (preview.created, preview.updated, preview.removed) == (applied.created, applied.updated, applied.removed)
    assert preview.details == applied.details
    assert "case 26-0091455: victim maria jose ibanez (born 2004-07-16): linked to known María-José Ibáñez " \
           "(MNI-62075, born 2004-07-16) by name and date of birth" in preview.details
    again = import_files(database, [AGENDAS / "week4-2026-12-01.csv"], dry_run=True)
    assert again.lines()[-1] == "no changes: the database already holds these agendas"


def test_the_builder_services_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = ("import sys; import vip_tui.services.agenda_builder, vip_tui.services.merge; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
