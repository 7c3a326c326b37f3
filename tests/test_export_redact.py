"""Partner redaction and the leak scan: matching rules, the scan's reach, arbitrary Unicode."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.export_helpers import DATE, Docx, build_sample
from vip_tui.db import open_database
from vip_tui.export import export_minutes
from vip_tui.export.redact import (
    Labels,
    ProtectedIndex,
    Redactor,
    name_variants,
    scan_document,
    subject_variants,
    words,
)
from vip_tui.export.sanitize import clean
from vip_tui.models import Incident, Note, Person

# --------------------------------------------------------------------------- sanitising


def test_clean_keeps_what_xml_can_carry() -> None:
    assert clean("a\x00b\x01c\td\ne\r\nf\rg") == "abc\td\ne\nf\ng"
    assert clean("line\x0bbreak\x0cpage") == "line\nbreak\npage"
    assert clean("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean("non\ufffe\uffffchar\x7f\x9f") == "nonchar"
    assert clean("Ibáñez 🙂 中文") == "Ibáñez 🙂 中文"
    assert clean(None) == ""


def test_python_docx_accepts_cleaned_text() -> None:
    nasty = "".join(chr(c) for c in range(0x20)) + "\ud800\udfff\ufffe\uffff"
    document = docx.Document()
    with pytest.raises(ValueError):
        document.add_paragraph(nasty)
    document.add_paragraph(clean(nasty))


# --------------------------------------------------------------------------- matching


def _index(*names: str) -> ProtectedIndex:
    index = ProtectedIndex()
    for i, name in enumerate(names, 1):
        index.add_person(i, name, None, None)
    return index


def _found(index: ProtectedIndex, text: str) -> list[str]:
    return [text[m.start : m.end] for m in index.find(text)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("maria jose ibanez was there", ["maria jose ibanez"]),
        ("MARÍA-JOSÉ IBÁÑEZ", ["MARÍA-JOSÉ IBÁÑEZ"]),
        ("Ibáñez, María-José said", ["Ibáñez, María-José"]),
        ("María Ibáñez", ["María Ibáñez"]),
        ("Mari\u0301a-Jose\u0301 Iba\u0301n\u0303ez", ["Mari\u0301a-Jose\u0301 Iba\u0301n\u0303ez"]),  # decomposed
        ("María\u200b-José Ibá\u00adñez", ["María\u200b-José Ibá\u00adñez"]),  # zero-width space, soft hyphen
        ("the victim.María José Ibáñez's car", ["María José Ibáñez"]),
        ("María José Ibáñezito", []),
        ("José Ibáñez", []),  # a surname alone is not recognised (documented)
    ],
)
def test_names_match_whole_words_ignoring_case_accents_and_punctuation(text: str, found: list[str]) -> None:
    assert _found(_index("María-José Ibáñez"), text) == found


def test_short_and_numeric_names_are_not_protected() -> None:
    assert name_variants("Al") == frozenset()
    assert name_variants("J. B.") == frozenset()
    assert name_variants("2026") == frozenset()
    assert name_variants("Bo Li") == {("bo", "li"), ("li", "bo")}
    index = _index("Al", "Bo Li")
    assert _found(index, "Alvarez et al. and Al met Bobo Lin; Bo Li left") == ["Bo Li"]


def test_records_ids_dates_of_birth_and_le_notes() -> None:
    index = ProtectedIndex()
    index.add_person(1, "Luis Ocampo-Reyna", "MNI-57744", dt.date(2000, 3, 9))
    index.add_person(2, "X", "7", None)  # too short to protect
    index.add_le_note("CI says he has the gun")
    index.add_le_note("ok")  # too short to protect
    index.add_le_note("09:02 10:41")  # numbers only: would collide with times
    text = "id mni 57744, born 2000-03-09 or 03/09/2000 or 3/9/2000; ci says he has the gun; ok 7 X 09:02 10:41"
    assert [m.describe() for m in index.find(text)] == [
        'the records id "MNI-57744"',
        "the date of birth 2000-03-09",
        "the date of birth 2000-03-09",
        "the date of birth 2000-03-09",
        'the law-enforcement-only note "CI says he has the gun"',
    ]


def test_shared_names_keep_every_owner_once_and_the_longest_name_wins() -> None:
    index = ProtectedIndex()
    index.add_persons([
        (1, "Ana Ruiz", None, None),
        (2, "Ana Ruiz", None, None),
        (1, "Ana Ruiz", None, dt.date(2001, 2, 3)),  # the same person again, now with a date of birth
        (3, "Ana Ruiz Soto", None, None),
    ])
    matches = list(index.find("Ana Ruiz Soto met Ana Ruiz, born 2001-02-03"))
    assert [(m.seq, [(p.kind, p.person_id) for p in m.items]) for m in matches] == [
        (("ana", "ruiz", "soto"), [("name", 3)]),
        (("ana", "ruiz"), [("name", 1), ("name", 2)]),
        (("2001", "02", "03"), [("dob", 1)]),
    ]


def test_redactor_uses_labels_and_keeps_allowed_names() -> None:
    class Inv:
        def __init__(self, id: int, person_id: int, role: str) -> None:
            from vip_tui.enums import Role

            self.id, self.person_id, self.role = id, person_id, Role(role)

    class Item:
        def __init__(self, incident_id: int, involvements: list[Inv]) -> None:
            self.incident_id = incident_id
            self.incident = type("I", (), {"id": incident_id, "involvements": involvements})()

    labels = Labels.for_items(
        [Item(10, [Inv(1, 1, "associate"), Inv(2, 2, "victim"), Inv(3, 3, "victim")]), Item(20, [Inv(4, 4, "witness")])]
    )
    index = ProtectedIndex()
    for pid, name in ((1, "Ann Ames"), (2, "Ben Bell"), (3, "Cal Cole"), (4, "Dee Dunn"), (5, "Eve Ennis")):
        index.add_person(pid, name, None, None)
    r = Redactor(labels, index)
    assert r.text("Ann Ames, Ben Bell and Cal Cole", incident_id=10) == "Associate 1, Victim 1 and Victim 2"
    assert r.text("Dee Dunn saw Ben Bell", incident_id=10) == "Witness 1 of incident 2 saw Victim 1"
    assert r.text("Eve Ennis\x00 called", incident_id=20) == "[name withheld] called"
    assert (
        r.text("Ben Bell and Ann Ames", incident_id=10, allow=name_variants("Ben Bell")) == "Ben Bell and Associate 1"
    )
    assert Redactor(labels, None).text("Ben Bell\x01") == "Ben Bell"


def test_surnames_alone_are_redacted_best_effort_but_not_scanned() -> None:
    labels = Labels(
        persons={},
        by_incident={(10, 1): "Victim 1", (10, 2): "Witness 1", (10, 3): "Witness 2"},
        first_seen={1: (1, "Victim 1"), 2: (1, "Witness 1"), 3: (1, "Witness 2")},
    )
    index = ProtectedIndex()
    for pid, name in ((1, "Luis Ocampo-Reyna"), (2, "Nayeli Toscano"), (3, "Adrián Toscano"), (4, "Bo Li")):
        index.add_person(pid, name, None, None)
        index.add_surname(pid, name)
    r = Redactor(labels, index)
    assert r.text("Ocampo-Reyna's car; OCAMPO REYNA; ocampo-reyna", incident_id=10) == (
        "Victim 1's car; Victim 1; ocampo-reyna"
    )
    assert r.text("the Toscano family", incident_id=10) == "the [name withheld] family"  # two Toscanos
    assert r.text("Li and Bo Li", incident_id=10) == "Li and [name withheld]"  # "Li": too short alone
    assert r.text("Ocampo-Reyna called", allow=subject_variants("Luis Ocampo-Reyna")) == "Ocampo-Reyna called"
    document = docx.Document()
    document.add_paragraph("Det. A. Toscano attended")  # staff sharing a surname: no refusal
    assert scan_document(document, index, {}) == []


# --------------------------------------------------------------------------- the scan's reach


def test_scan_reaches_every_part_and_honours_allowed_entries() -> None:
    index = _index("Luis Ocampo-Reyna")
    document = docx.Document()
    document.add_heading("1. Homicide", 2)
    allowed = document.add_paragraph("Notification for Luis Ocampo-Reyna")
    document.add_paragraph("Luis ")
    document.paragraphs[-1].add_run("Ocampo-Reyna")  # split across runs: still found
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "nested Luis Ocampo-Reyna"
    section = document.sections[0]
    section.header.paragraphs[0].text = "header Luis Ocampo-Reyna"
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0].text = "footer Luis Ocampo-Reyna"
    document.core_properties.title = "Luis Ocampo-Reyna"
    leaks = scan_document(document, index, {allowed._p: name_variants("Luis Ocampo-Reyna")})
    wheres = sorted(leak.where for leak in leaks)
    assert all(leak.what == 'the name "Luis Ocampo-Reyna"' for leak in leaks)
    assert len(wheres) == 5, wheres
    assert 'the body under "1. Homicide"' in wheres
    assert 'the body under "1. Homicide", in a table' in wheres
    assert "the document properties" in wheres
    assert any(w.startswith("a page header") for w in wheres)
    assert any(w.startswith("a page footer") for w in wheres)


def test_a_template_part_is_read_once_it_differs_from_the_template() -> None:
    """Parts kept as the template's bytes are skipped (issue 7); any change to one is read again."""
    index = _index("Luis Ocampo-Reyna")
    document = docx.Document()
    assert scan_document(document, index, {}) == []
    theme = next(p for p in document.part.package.iter_parts() if str(p.partname).startswith("/word/theme/"))
    theme._blob = theme.blob.replace(b"</a:theme>", b'<x:note xmlns:x="urn:x">Luis Ocampo-Reyna</x:note></a:theme>')
    leaks = scan_document(document, index, {})
    assert [(leak.what, leak.where) for leak in leaks] == [
        ('the name "Luis Ocampo-Reyna"', f"the part {theme.partname}")
    ]


# --------------------------------------------------------------------------- arbitrary Unicode

# Text as users and imports produce it: any code point that can be stored
# (control characters included; lone surrogates cannot reach the database).
TEXT = st.text(max_size=60)


def _exact(name: str) -> str | None:
    """The name as printed, when it is protectable and has word characters at both ends."""
    printed = clean(name).strip()
    if not name_variants(name) or not (printed[:1].isalnum() and printed[-1:].isalnum()):
        return None
    return printed


def test_arbitrary_unicode_in_names_and_notes(tmp_path: Path, clock) -> None:
    db = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    build_sample(db)
    out = tmp_path / "out"
    out.mkdir()
    runs = itertools.count()
    # The document's own words ("Minutes", "Victim", "none", "Page"...): a person
    # named like one of them is refused by design, so such names are not drawn.
    vocabulary = " " + " ".join(words(Docx.read(export_minutes(db, DATE, "partner", out)).all_text())) + " "

    def ordinary(text: str) -> bool:
        return any(f" {' '.join(v)} " in vocabulary for v in name_variants(text) | {words(clean(text))} if v)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(victim=TEXT, witness=TEXT, note=TEXT, le_note=st.text(max_size=200), summary=TEXT)
    # Found by this test: the subject's name is also the whole text of an LE-only note.
    @example(victim="Quincy Adamsworth", witness="", note="", le_note="Quincy Adamsworth", summary="")
    @example(victim="", witness="Nell\x00 Quist\x1b", note="\x0b", le_note="CI\x07 says Nell Quist", summary="\x1f")
    def exports(victim: str, witness: str, note: str, le_note: str, summary: str) -> None:
        assume(not (ordinary(victim) or ordinary(witness) or ordinary(le_note)))
        with db.transaction() as s:
            persons = {p.name_key: p for p in s.exec(select(Person)).all()}
            persons["zebulon quarrington"].name = victim
            persons["philippa drummond yates"].name = witness
            for n in s.exec(select(Note)).all():
                n.text = f"{note} {witness} {victim} ." if not n.le_only else le_note
            for incident in s.exec(select(Incident)).all():
                incident.summary = f"{summary} {witness} ."
        run = next(runs)  # a file the log says was sent is never replaced: a new name each example
        export_minutes(db, DATE, "full", out / f"full-{run}.docx")
        partner = Docx.read(export_minutes(db, DATE, "partner", out / f"partner-{run}.docx"))
        text = "\n".join(f" {line} " for line in partner.all_text().splitlines())
        printed = _exact(witness)
        if printed and not (name_variants(witness) & name_variants(victim)):
            assert f" {printed} " not in text
        le = clean(le_note).strip()
        # (An LE-only note that is just the subject's name may stand in the subject's entries.)
        if len(words(le)) >= 2 and sum(map(len, words(le))) >= 8 and words(le) not in name_variants(victim):
            assert le not in text

    try:
        exports()
    finally:
        db.dispose()
