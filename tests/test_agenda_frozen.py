"""A closed meeting's record is frozen (issue 12, item 8): later imports change the incident, not what was recorded."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sqlmodel import select

from tests.export_helpers import Docx
from vip_tui.agenda.importer import import_files
from vip_tui.enums import Audience
from vip_tui.export.minutes import build_minutes
from vip_tui.models import AgendaItem, Incident, Meeting
from vip_tui.services import items, meetings

WEEK1 = textwrap.dedent(
    """\
    # Fictional.
    [meeting]
    date = 2026-11-10

    [[incidents]]
    case_number = "26-7001"
    occurred_at = 2026-11-07T23:10:00
    type = "non_fatal"
    location = "300 block Fictional Rd"
    summary = "Victim shot in the arm after an argument."
    motive = "argument"

    [[incidents.persons]]
    name = "V. Sample"
    role = "victim"
    dob = 2004-06-01

    [[incidents.persons]]
    name = "W. Example"
    role = "suspect"
    dob = 2001-09-09
    group = "Fictional Crew"
    """
)

# Week 2 reuses the case: new facts, the suspect gone from it.
WEEK2 = textwrap.dedent(
    """\
    [meeting]
    date = 2026-11-17

    [[incidents]]
    case_number = "26-7001"
    occurred_at = 2026-11-07T23:40:00
    type = "homicide"
    location = "900 block Other St"
    summary = "Victim died of his wounds."
    motive = "unknown"

    [[incidents.persons]]
    name = "V. Sample"
    role = "victim"
    dob = 2004-06-01
    """
)


def _minutes(database, tmp_path: Path, name: str) -> str:  # noqa: ANN001
    path = tmp_path / name
    build_minutes(database, "2026-11-10", Audience.full).save(path)
    return Docx.read(path).all_text()


def test_an_import_reusing_a_closed_meetings_case_leaves_its_minutes_and_review_as_they_were(
    database, tmp_path: Path  # noqa: ANN001
) -> None:
    (tmp_path / "week1.toml").write_text(WEEK1)
    (tmp_path / "week2.toml").write_text(WEEK2)
    import_files(database, [tmp_path / "week1.toml"])
    with database.session() as s:
        meeting = s.exec(select(Meeting)).one()
        [item] = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    meetings.start_meeting(database, meeting.id, version=None)
    meetings.close_meeting(database, meeting.id, version=None)
    before = _minutes(database, tmp_path, "before.docx")
    detail_before = items.item_detail(database, item.id)

    import_files(database, [tmp_path / "week2.toml"])

    with database.session() as s:  # the incident itself moved on, for later meetings
        incident = s.exec(select(Incident).where(Incident.case_number == "26-7001")).one()
    assert (incident.location, incident.type.value) == ("900 block Other St", "homicide")
    after = _minutes(database, tmp_path, "after.docx")
    assert "300 block Fictional Rd" in before and "W. Example" in before
    assert after == before
    with database.session() as s:
        [row] = items.agenda_rows(s, meeting.id)
    assert (row.location, row.type) == ("300 block Fictional Rd", "non_fatal")
    detail_after = items.item_detail(database, item.id)
    assert detail_after.incident.location == "300 block Fictional Rd"
    assert [(p.name, p.role.value, p.group) for p in detail_after.persons] == [
        (p.name, p.role.value, p.group) for p in detail_before.persons
    ] == [("V. Sample", "victim", None), ("W. Example", "suspect", "Fictional Crew")]


def test_an_open_meeting_reads_the_incident_as_it_is(database, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "week1.toml").write_text(WEEK1)
    (tmp_path / "week2.toml").write_text(WEEK2)
    import_files(database, [tmp_path / "week1.toml"])
    import_files(database, [tmp_path / "week2.toml"])
    with database.session() as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 1)).one()
        [item] = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    assert item.record is None
    assert items.item_detail(database, item.id).incident.location == "900 block Other St"
