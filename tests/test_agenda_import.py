"""Agenda import (SPEC §4): all or nothing, idempotent, people matched across weeks; on both backends."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import AGENDAS
from vip_tui.agenda.importer import import_files
from vip_tui.agenda.problems import AgendaErrors
from vip_tui.enums import MeetingStatus, Role
from vip_tui.models import (
    Agency,
    AgendaItem,
    AuditLog,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Person,
)

SAMPLES = sorted(AGENDAS.glob("week*"))


def _count(database, model) -> int:  # noqa: ANN001
    with database.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _counts(database) -> dict[str, int]:  # noqa: ANN001
    return {
        m.__name__: _count(database, m)
        for m in (Meeting, Incident, Person, Involvement, AgendaItem, Agency, MeetingAttendance)
    }


def _person(database, name_key: str) -> list[Person]:  # noqa: ANN001
    with database.session() as s:
        return list(s.exec(select(Person).where(Person.name_key == name_key)).all())


def _roles(database, person: Person) -> list[tuple[str, Role]]:  # noqa: ANN001
    with database.session() as s:
        rows = s.exec(
            select(Incident.case_number, Involvement.role)
            .join(Involvement, Involvement.incident_id == Incident.id)
            .where(Involvement.person_id == person.id)
            .order_by(Incident.occurred_at)
        ).all()
    return list(rows)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


MINIMAL = """
    [meeting]
    date = 2026-12-08

    [[incidents]]
    case_number = "26-0100001"
    occurred_at = 2026-12-03T21:10:00
    type = "non_fatal"
    location = "100 block Example St"
    summary = "first telling"

      [[incidents.persons]]
      name = "{name}"
      role = "victim"
      dob = 2001-02-03
"""


# --------------------------------------------------------------------------- the samples


def test_the_four_sample_weeks_import_as_one_coherent_month(database) -> None:  # noqa: ANN001
    report = import_files(database, SAMPLES)
    counts = _counts(database)
    assert counts["Meeting"] == 4
    assert counts["Incident"] == counts["AgendaItem"] == 24
    assert [what for _, _, what in report.meetings] == ["created"] * 4
    with database.session() as s:
        numbers = [m.number for m in s.exec(select(Meeting).order_by(Meeting.date))]
        assert numbers == [1, 2, 3, 4]
        assert all(m.status == MeetingStatus.draft for m in s.exec(select(Meeting)))

    # Known by records id in week 2, only by a differently written name + dob in week 4's CSV.
    [ibanez] = _person(database, "maria jose ibanez")
    assert ibanez.record_id == "MNI-62075"
    assert [role for _, role in _roles(database, ibanez)] == [Role.associate, Role.victim]

    # Known by name + dob first, by records id later: one person, id filled in.
    [halvorsen] = _person(database, "trey halvorsen")
    assert halvorsen.record_id == "MNI-63390"
    assert len(_roles(database, halvorsen)) == 4

    # A victim who returns as a suspect.
    [rendon] = _person(database, "tobias rendon hale")
    roles = [role for _, role in _roles(database, rendon)]
    assert roles[0] == Role.victim and Role.suspect in roles[1:]


def test_reimporting_the_same_agendas_changes_nothing(database) -> None:  # noqa: ANN001
    import_files(database, SAMPLES)
    before = _counts(database)
    audit_before = _count(database, AuditLog)
    report = import_files(database, SAMPLES)
    assert _counts(database) == before
    assert _count(database, AuditLog) == audit_before  # not even a no-op update
    assert [what for _, _, what in report.meetings] == ["updated"] * 4
    assert report.lines()[-1] == "no changes: the database already holds these agendas"


def test_every_imported_row_is_audited_under_the_user(database) -> None:  # noqa: ANN001
    import_files(database, SAMPLES[:1])
    with database.session() as s:
        rows = s.exec(select(AuditLog.entity, AuditLog.user, AuditLog.action)).all()
    entities = {entity for entity, _, _ in rows}
    assert {"meeting", "incident", "person", "involvement", "agenda_item", "agency"} <= entities
    assert {user for _, user, _ in rows} == {"tester"}
    assert _count(database, Incident) == sum(1 for e, _, _ in rows if e == "incident")


# --------------------------------------------------------------------------- all or nothing


def test_one_bad_file_means_nothing_is_imported(database, tmp_path: Path) -> None:  # noqa: ANN001
    bad = write(tmp_path, "bad.toml", MINIMAL.format(name="C. Example").replace('"non_fatal"', '"nonfatal"'))
    with pytest.raises(AgendaErrors) as info:
        import_files(database, [*SAMPLES, bad])
    assert any("bad.toml" in str(p) and "type" in str(p) for p in info.value.problems)
    assert _counts(database) == dict.fromkeys(_counts(database), 0)
    assert _count(database, AuditLog) == 0


def test_a_refusal_during_the_write_rolls_back_every_file(database, tmp_path: Path) -> None:  # noqa: ANN001
    import_files(database, SAMPLES[:1])
    with database.transaction() as s:
        s.exec(select(Meeting)).one().status = MeetingStatus.closed
    before = _counts(database)
    later = write(tmp_path, "later.toml", MINIMAL.format(name="C. Example"))
    with pytest.raises(AgendaErrors, match="closed"):
        import_files(database, [later, SAMPLES[0]])  # the good one first: it must be undone too
    assert _counts(database) == before


# --------------------------------------------------------------------------- in place


def test_reimport_updates_in_place(database, tmp_path: Path) -> None:  # noqa: ANN001
    first = write(tmp_path, "week.toml", MINIMAL.format(name="C. Example"))
    import_files(database, [first])
    second = write(
        tmp_path,
        "week.toml",
        MINIMAL.format(name="C. Example").replace("first telling", "second telling")
        + '\n      [[incidents.persons]]\n      name = "D. Example"\n      role = "witness"\n',
    )
    report = import_files(database, [second])
    assert _count(database, Incident) == 1
    assert _count(database, Person) == 2
    with database.session() as s:
        assert s.exec(select(Incident.summary)).one() == "second telling"
    assert report.updated["incident"] == 1
    assert report.created["person"] == 1

    # Dropping a person from the incident in the file drops the involvement, not the person.
    import_files(database, [write(tmp_path, "week.toml", MINIMAL.format(name="C. Example"))])
    assert _count(database, Involvement) == 1
    assert _count(database, Person) == 2


@pytest.mark.parametrize(
    "spelling",
    ["c example", "C.  EXAMPLE", "Ç. Éxample", "C.\u2010Example", "C. Example ", "c-example"],
)
def test_spelling_variants_are_the_same_person(database, tmp_path: Path, spelling: str) -> None:  # noqa: ANN001
    import_files(database, [write(tmp_path, "a.toml", MINIMAL.format(name="C. Example"))])
    other = MINIMAL.format(name=spelling).replace("2026-12-08", "2026-12-15").replace("26-0100001", "26-0100002")
    import_files(database, [write(tmp_path, "b.toml", other)])
    assert _count(database, Person) == 1
    assert _count(database, Involvement) == 2


def test_a_different_record_id_is_a_different_person_even_with_the_same_name(database, tmp_path: Path) -> None:  # noqa: ANN001
    one = MINIMAL.format(name="C. Example") + '      record_id = "MNI-1"\n'
    two = (
        MINIMAL.format(name="C. Example").replace("2026-12-08", "2026-12-15").replace("26-0100001", "26-0100002")
        + '      record_id = "MNI-2"\n'
    )
    import_files(database, [write(tmp_path, "a.toml", one), write(tmp_path, "b.toml", two)])
    assert sorted(p.record_id for p in _person(database, "c example")) == ["MNI-1", "MNI-2"]


def test_a_name_without_dob_or_record_id_is_not_linked_across_incidents(database, tmp_path: Path) -> None:  # noqa: ANN001
    one = MINIMAL.format(name="C. Example").replace("      dob = 2001-02-03\n", "")
    two = one.replace("2026-12-08", "2026-12-15").replace("26-0100001", "26-0100002")
    import_files(database, [write(tmp_path, "a.toml", one)])
    import_files(database, [write(tmp_path, "a.toml", one)])  # the same incident again: same person
    assert _count(database, Person) == 1
    import_files(database, [write(tmp_path, "b.toml", two)])  # another incident: not assumed
    assert _count(database, Person) == 2


def test_aliases_and_partner_summaries_come_in_from_toml_and_csv_and_merge_on_reimport(database, tmp_path: Path) -> None:  # noqa: ANN001
    week1 = tmp_path / "week1.toml"
    week1.write_text(
        textwrap.dedent(
            """\
            [meeting]
            date = 2026-11-17

            [[incidents]]
            case_number = "26-5001"
            occurred_at = 2026-11-14T21:00:00
            type = "non_fatal"
            location = "100 block Fictional Ave"
            partner_summary = "A young man was hurt near a park."

            [[incidents.persons]]
            name = "Q. Example"
            role = "victim"
            dob = 2003-02-01
            aliases = ["Q-Dog", "Little Q"]
            """
        )
    )
    week2 = tmp_path / "week2.csv"
    week2.write_text(
        "meeting_date,case_number,occurred_at,type,location,person_name,person_role,person_dob,person_aliases\n"
        "2026-11-24,26-5002,2026-11-21T22:00:00,non_fatal,200 block Fictional Ave,Q. Example,suspect,2003-02-01,"
        "little q; Quinny\n"
    )
    import_files(database, [week1])
    import_files(database, [week2])
    [person] = _person(database, "q example")
    assert person.aliases == ["Q-Dog", "Little Q", "Quinny"]  # a union: "little q" is "Little Q"

    # Re-importing week 1 without its partner summary keeps the one on file.
    week1.write_text(week1.read_text().replace('partner_summary = "A young man was hurt near a park."\n', ""))
    import_files(database, [week1])
    with database.session() as s:
        incident = s.exec(select(Incident).where(Incident.case_number == "26-5001")).one()
    assert incident.partner_summary == "A young man was hurt near a park."
    [person] = _person(database, "q example")
    assert person.aliases == ["Q-Dog", "Little Q", "Quinny"]


def test_aliases_are_held_to_the_name_limits(tmp_path: Path) -> None:
    from vip_tui.agenda.parse import parse_agenda

    path = tmp_path / "week.csv"
    path.write_text(
        "meeting_date,case_number,occurred_at,type,location,person_name,person_role,person_aliases\n"
        f"2026-11-24,26-1,2026-11-21T22:00:00,non_fatal,x,Q. Example,victim,ok;{'A' * 201}\n"
    )
    _, problems = parse_agenda(path)
    assert [str(p) for p in problems] == [
        f'week.csv:2: person_aliases: "{"A" * 57}…" is 201 characters; the most is 200'
    ]
