"""A hostile corpus against the partner edition (issue 11): every way a person on file was named in
partner minutes before, typed into every kind of passage, through the service layer and the CLI.

Each case must end either unresolved (the CLI exits 1 naming the passage and the token, and writes
nothing) or withheld (the file is written without it). None may come out in a partner file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tests.export_helpers import DATE, T0, Docx, Sample, build_sample, release_for_partners
from vip_tui.cli import main
from vip_tui.db import Database, open_database
from vip_tui.enums import NoteVisibility
from vip_tui.models import ActionItem, Agency, Attendee, Incident, Meeting, Note, Notification, Person, Referral
from vip_tui.names import name_key
from vip_tui.services import release as rel

# Fictional persons on file besides the sample's, each with what makes them hard.
PERSONS = [
    ("Jamal T. Okonkwo-Pratt", dt.date(2003, 6, 9), "MNI-61234", []),  # middle initial, double surname
    ("Shauna O'Neal", None, None, []),  # apostrophe
    ("Lin Wu", None, "204417", []),  # two-letter surname, records id without prefix
    ("Dario Venn", None, None, ["Lil Smoke"]),  # an alias
    ("Harlan Quillen", None, None, []),  # last week's homicide victim: on file, not in this meeting
    ("Renée Belváz", None, None, []),  # accents
]


def _add_persons(db: Database) -> None:
    with db.transaction() as s:
        for name, dob, record_id, aliases in PERSONS:
            s.add(Person(name=name, name_key=name_key(name), dob=dob, record_id=record_id, aliases=aliases))


Setter = Callable[[Session, Sample, str], None]


def _partner_summary(s: Session, sample: Sample, text: str) -> None:
    s.get(Incident, sample.ids["first"]).partner_summary = text  # type: ignore[union-attr]


def _partner_note(s: Session, sample: Sample, text: str) -> None:
    s.add(Note(meeting_id=sample.ids["meeting"], agenda_item_id=sample.ids["item1"], text=text,
               visibility=NoteVisibility.partners, created_at=T0, updated_at=T0))  # fmt: skip


def _action(s: Session, sample: Sample, text: str) -> None:
    action = s.exec(select(ActionItem).where(ActionItem.meeting_id == sample.ids["meeting"])).one()
    action.description = text


def _meeting(field: str) -> Setter:
    def set_it(s: Session, sample: Sample, text: str) -> None:
        setattr(s.get(Meeting, sample.ids["meeting"]), field, text)

    return set_it


def _agency_name(s: Session, sample: Sample, text: str) -> None:
    s.exec(select(Agency).where(Agency.short_name == "CVI")).one().name = text


def _attendee_role(s: Session, sample: Sample, text: str) -> None:
    s.exec(select(Attendee).where(Attendee.name == "N. Pellworth")).one().role = text


def _incident_location(s: Session, sample: Sample, text: str) -> None:
    s.get(Incident, sample.ids["first"]).location = text  # type: ignore[union-attr]


def _referral_provider(s: Session, sample: Sample, text: str) -> None:
    s.exec(select(Referral)).one().provider = text


def _team(s: Session, sample: Sample, text: str) -> None:
    s.exec(select(Notification).where(Notification.meeting_id == sample.ids["meeting"])).one().team_outreach = text


def _owner(s: Session, sample: Sample, text: str) -> None:
    _ = sample
    action = s.exec(select(ActionItem).where(ActionItem.description == "Canvass Central Ave for cameras")).one()
    action.owner_name = text


# (category, where it is typed, the text, the token the scan must find in it)
CASES: list[tuple[str, Setter, str, str]] = [
    ("first name alone", _partner_summary, "Jamal was shot near the park.", "jamal"),
    ("surname in lower case", _partner_note, "the okonkwo family asked for a visit", "okonkwo"),
    ("shortened double surname", _partner_summary, "Okonkwo's cousin was hit.", "okonkwo"),
    ("other half of a double surname", _action, "Call Pratt's mother", "pratt"),
    ("hyphen dropped", _partner_note, "OkonkwoPratt is at home", "okonkwopratt"),
    ("apostrophe dropped", _partner_summary, "ONeal was a witness.", "oneal"),
    ("middle initial", _action, "Visit Jamal Q. Okonkwo-Pratt", "jamal"),
    ("same middle initial", _action, "Visit Jamal T. Okonkwo-Pratt", "jamal t okonkwo pratt"),
    ("two-letter surname", _partner_note, "Ms. Wu came to the vigil.", "wu"),
    ("alias", _partner_summary, "Known as Lil Smoke on the block.", "lil smoke"),
    ("earlier week's surname", _partner_summary, "Tension since the Quillen homicide.", "quillen"),
    ("DOB, long", _partner_note, "born 9 June 2003", "9 june 2003"),
    ("DOB, month first", _partner_note, "born June 9, 2003", "june 9 2003"),
    ("DOB, abbreviated", _partner_note, "DOB Jun 9th 2003", "jun 9th 2003"),
    ("DOB, US short", _partner_note, "dob 6/9/03", "6 9 03"),
    ("DOB, US dashes", _partner_note, "dob 06-09-2003", "06 09 2003"),
    ("DOB, ISO", _partner_note, "dob 2003-06-09", "2003 06 09"),
    ("DOB, compact", _partner_note, "ref 20030609", "20030609"),
    ("records id without prefix", _partner_note, "file MNI61234 closed", "mni61234"),
    ("records id digit run", _action, "Pull record 61234", "61234"),
    ("records id, bare number", _partner_summary, "Person 204417 was arrested.", "204417"),
    ("surname in the meeting title", _meeting("title"), "Okonkwo review", "okonkwo"),
    ("surname in the meeting location", _meeting("location"), "Quillen Hall", "quillen"),
    ("name in the facilitator", _meeting("facilitator"), "Lin Wu", "lin wu"),
    ("surname in an agency's name", _agency_name, "Okonkwo-Pratt Family Services", "okonkwo pratt"),
    ("surname in an attendee's role", _attendee_role, "liaison to the Wu family", "wu"),
    ("name in an incident's location", _incident_location, "outside O'Neal's store", "o neal"),
    ("name in a referral provider", _referral_provider, "Belvaz Counseling", "belvaz"),
    ("accents folded", _partner_note, "RENEE came by", "renee"),
    ("zero-width space inside", _partner_note, "Ja\u200bmal came by", "jamal"),
    ("full-width letters", _partner_note, "\uff2a\uff41\uff4d\uff41\uff4c came by", "jamal"),
    ("Cyrillic look-alike letters", _partner_note, "J\u0430m\u0430l c\u0430me by", "jamal"),
    ("Greek look-alike capitals", _partner_summary, "\u039f\u039a\u039f\u039dKW\u039f's son", "okonkwo"),
    ("name in a notification team", _team, "Harlan Quillen", "harlan quillen"),
    ("name as an action owner", _owner, "Shauna O'Neal", "shauna o neal"),
]


@pytest.fixture
def world(tmp_path: Path, clock) -> tuple[str, Database, Sample]:  # noqa: ANN001
    url = str(tmp_path / "vip.db")
    db = open_database(url, user="tester", clock=clock)
    sample = build_sample(db)
    _add_persons(db)
    release_for_partners(db)  # the sample's own passages decided: only the hostile one is left
    yield url, db, sample
    db.dispose()


def _export(url: str, folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--db", url, "minutes", "export", DATE.isoformat(), "--audience", "partner", "-o", str(folder)]
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("category, setter, text, token", CASES, ids=[c[0] for c in CASES])
def test_each_hostile_case_is_refused_then_withheld(
    world: tuple[str, Database, Sample], tmp_path: Path, category: str, setter: Setter, text: str, token: str
) -> None:
    url, db, sample = world
    meeting_id = sample.ids["meeting"]
    with db.transaction() as s:
        setter(s, sample, text)
    # Text written for law enforcement is released on purpose: the hit must still stop it.
    for p in rel.passages(db, meeting_id):
        if p.needs_release and p.decision is None:
            rel.release(db, meeting_id, p.key, version=p.version)

    # The service: the passage is unresolved, with the hit named for the facilitator.
    left = rel.unresolved(db, meeting_id)
    assert len(left) == 1, [(p.key, p.text) for p in left]
    passage = left[0]
    assert passage.text == text and token in [h.token for h in passage.hits], passage.hits
    assert passage.goes is None

    # The CLI: exit 1, the passage and the token listed, nothing written.
    out = tmp_path / "out"
    out.mkdir()
    code, output = _export(url, out)
    assert code == 1, output
    assert f"{passage.where}, {passage.field}: protected:" in output and f'"{token}"' in output
    assert "Traceback" not in output
    assert list(out.iterdir()) == []

    # Withheld, it goes nowhere; the edition is written without it.
    rel.withhold(db, meeting_id, passage.key, version=passage.version)
    code, output = _export(url, out)
    assert code == 0, output
    written = Docx.read(next(out.iterdir())).all_text()
    assert text not in written
    start, end = passage.hits[0].start, passage.hits[0].end
    assert text[start:end] not in written, category


def test_not_this_person_lets_a_street_through_and_only_there(
    world: tuple[str, Database, Sample], tmp_path: Path
) -> None:
    url, db, sample = world
    meeting_id = sample.ids["meeting"]
    with db.transaction() as s:
        _partner_summary(s, sample, "Shots near Quillen Ave and Wu Park.")
        _partner_note(s, sample, "Quillen Ave residents asked for a meeting.")
    summary = next(p for p in rel.unresolved(db, meeting_id) if p.field == "partner summary")
    rel.not_this_person(db, meeting_id, summary.key, "quillen")
    rel.not_this_person(db, meeting_id, summary.key, "wu")
    assert [p.field for p in rel.unresolved(db, meeting_id)] == ["note"]  # the other passage still counts
    out = tmp_path / "out"
    out.mkdir()
    assert _export(url, out)[0] == 1
    note = rel.unresolved(db, meeting_id)[0]
    rel.not_this_person(db, meeting_id, note.key, "quillen")
    code, output = _export(url, out)
    assert code == 0, output
    text = Docx.read(next(out.iterdir())).all_text()
    assert "Shots near Quillen Ave and Wu Park." in text and "Quillen Ave residents" in text


def test_cli_lists_passages_and_releases_the_clean_ones(tmp_path: Path, clock) -> None:  # noqa: ANN001
    url = str(tmp_path / "vip.db")
    db = open_database(url, user="tester", clock=clock)
    build_sample(db)
    db.dispose()
    runner = CliRunner()
    listed = runner.invoke(main, ["--db", url, "minutes", "passages", DATE.isoformat()])
    assert listed.exit_code == 0, listed.output
    assert "[UNRESOLVED] old business, action 46-2: undecided" in listed.output
    assert 'hit "orrin blackwood tesh": a name part of "Orrin Blackwood-Tesh"' in listed.output
    assert listed.output.rstrip().endswith("unresolved")
    released = runner.invoke(main, ["--db", url, "minutes", "release", DATE.isoformat(), "--clean"])
    assert released.exit_code == 0, released.output
    assert released.output.strip().endswith("; 1 left for the release review")
    refused = runner.invoke(main, ["--db", url, "minutes", "release", DATE.isoformat()])
    assert refused.exit_code == 1 and "--clean" in refused.output
    bad = runner.invoke(main, ["--db", url, "minutes", "passages", "2026-13-01"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
