"""The protected tokens and the leak scan: matching rules, the scan's reach, arbitrary Unicode."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.export_helpers import DATE, Docx, build_sample, release_for_partners
from vip_tui.db import open_database
from vip_tui.export import LeakError, export_minutes
from vip_tui.export.redact import (
    WITHHELD,
    Labels,
    Marks,
    ProtectedIndex,
    Redactor,
    Said,
    name_variants,
    own_vocabulary,
    scan_document,
    words,
)
from vip_tui.export.sanitize import clean
from vip_tui.enums import NoteVisibility
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
        ("Ibáñez, María-José said", ["Ibáñez", "María-José"]),
        ("María Ibáñez", ["María", "Ibáñez"]),
        ("Mari\u0301a-Jose\u0301 Iba\u0301n\u0303ez", ["Mari\u0301a-Jose\u0301 Iba\u0301n\u0303ez"]),  # decomposed
        ("María\u200b-José Ibá\u00adñez", ["María\u200b-José Ibá\u00adñez"]),  # zero-width space, soft hyphen
        ("the victim.María José Ibáñez's car", ["María José Ibáñez"]),
        ("María José Ibáñezito", ["María José"]),
        ("José Ibáñez", ["José", "Ibáñez"]),  # every name part alone
        ("mariajose and MariaJosé", ["mariajose", "MariaJosé"]),  # the hyphen dropped
        ("Mariano Joseph Ibanezz", []),  # whole words only
    ],
)
def test_names_match_whole_words_ignoring_case_accents_and_punctuation(text: str, found: list[str]) -> None:
    assert _found(_index("María-José Ibáñez"), text) == found


def test_only_single_letters_and_numbers_are_too_short_to_protect() -> None:
    assert name_variants("Al") == {("al",)}
    assert name_variants("J. B.") == {("j", "b")}  # initials alone identify no one; the pair still counts
    assert name_variants("2026") == frozenset()
    assert name_variants("Bo Li") == {("bo", "li"), ("bo",), ("li",)}
    assert ("oneal",) in name_variants("Shauna O'Neal") and ("neal",) in name_variants("Shauna O'Neal")
    index = _index("Al", "Bo Li")
    assert _found(index, "Alvarez et al. and Al met Bobo Lin; Bo Li left; Ms. Li") == ["al", "Al", "Bo Li", "Li"]


def test_records_ids_dates_of_birth_and_le_notes() -> None:
    index = ProtectedIndex()
    index.add_person(1, "Luis Ocampo-Reyna", "MNI-57744", dt.date(2000, 3, 9))
    index.add_person(2, "X", "7", None)  # too short to protect
    index.add_le_note("CI says he has the gun")
    index.add_le_note("ok")  # too short to protect
    index.add_le_note("09:02 10:41")  # numbers only: would collide with times
    text = (
        "id mni 57744, MNI57744 or 57744; born 2000-03-09 or 03/09/2000 or 3/9/00 or 9 March 2000 or "
        "Mar 9th, 2000 or 20000309; ci says he has the gun; ok 7 X 09:02 10:41 on 2000-03-10"
    )
    assert [(m.token, m.describe()) for m in index.find(text)] == [
        ("mni 57744", 'the records id of "Luis Ocampo-Reyna"'),
        ("mni57744", 'the records id of "Luis Ocampo-Reyna"'),
        ("57744", 'the records id of "Luis Ocampo-Reyna"'),
        ("2000 03 09", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("03 09 2000", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("3 9 00", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("9 march 2000", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("mar 9th 2000", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("20000309", 'the date of birth of "Luis Ocampo-Reyna"'),
        ("ci says he has the gun", 'the law-enforcement-only note "CI says he has the gun"'),
    ]


def test_aliases_are_protected_like_names() -> None:
    index = ProtectedIndex()
    index.add_person(1, "Dario Venn", None, None, ["Lil Smoke", "D-Money"])
    assert [(m.token, m.describe()) for m in index.find("lil smoke and DMoney, Smoke")] == [
        ("lil smoke", 'an alias of "Dario Venn"'),
        ("dmoney", 'an alias of "Dario Venn"'),
        ("smoke", 'an alias of "Dario Venn"'),
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
    assert matches[1].describe() == 'a name part of "Ana Ruiz" and 1 other'


def test_the_partner_redactor_prints_only_released_passages() -> None:
    class P:
        def __init__(self, goes: str | None, exempt: frozenset[str] = frozenset()) -> None:
            self.goes, self.exempt_tokens = goes, exempt

    labels = Labels({}, {}, {})
    r = Redactor(labels, {"a": P("Canvass\x01 the block", frozenset({"block"})), "b": P(None)})
    said = r.said("a", "ignored")
    assert isinstance(said, Said) and said == "Canvass the block" and said.exempt == {"block"}
    assert r.said("b", "Named Person") == WITHHELD
    assert r.said("c", "not a passage") is None
    with pytest.raises(RuntimeError, match="never printed in the partner edition"):
        r.text("law enforcement's summary")
    full = Redactor(labels, None)
    assert full.said("a", "Ben Bell\x01") == "Ben Bell" and full.text("Ben Bell\x01") == "Ben Bell"


def test_staff_sharing_a_surname_stands_only_where_it_was_marked_not_this_person() -> None:
    index = _index("Nayeli Toscano")
    document = docx.Document()
    marked = document.add_paragraph("Det. A. Toscano attended")
    document.add_paragraph("Toscano again")
    leaks = scan_document(document, index, Marks({}, {marked._p: frozenset({"toscano"})}, {}))
    assert [(leak.what, leak.where) for leak in leaks] == [
        ('"toscano", a name part of "Nayeli Toscano"', "the body")
    ]


def test_the_documents_own_words_are_not_leaks_but_stored_text_printed_plainly_is() -> None:
    index = _index("Do Van", "Quill Homicide")
    document = docx.Document()
    p = document.add_paragraph("Do not forward. Homicide")
    plain = document.add_paragraph("Van was there")
    own = {p._p: ["Do not forward. ", "Homicide"], plain._p: ["Van was there"]}
    leaks = scan_document(document, index, Marks({}, {}, own))
    assert [leak.what for leak in leaks] == ['"van", a name part of "Do Van"']


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
    assert all(leak.what == '"luis ocampo reyna", a name part of "Luis Ocampo-Reyna"' for leak in leaks)
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
        ('"luis ocampo reyna", a name part of "Luis Ocampo-Reyna"', f"the part {theme.partname}")
    ]


# --------------------------------------------------------------------------- arbitrary Unicode

# Text as users and imports produce it: any code point that can be stored
# (control characters included; lone surrogates cannot reach the database).
TEXT = st.text(max_size=60)


def test_arbitrary_unicode_in_names_and_notes(tmp_path: Path, clock) -> None:
    db = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    build_sample(db)
    out = tmp_path / "out"
    out.mkdir()
    runs = itertools.count()  # a file the log says was sent is never replaced: a new name each example
    # python-docx's template text ("<ScaleCrop>false</ScaleCrop>"): in every document, not ours.
    docx.Document().save(str(tmp_path / "empty.docx"))
    template = set(words(Docx.read(tmp_path / "empty.docx").all_text()))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(victim=TEXT, witness=TEXT, note=TEXT, le_note=st.text(max_size=200), summary=TEXT)
    # Found by this test: the subject's name is also the whole text of an LE-only note.
    @example(victim="Quincy Adamsworth", witness="", note="", le_note="Quincy Adamsworth", summary="")
    @example(victim="", witness="Nell\x00 Quist\x1b", note="\x0b", le_note="CI\x07 says Nell Quist", summary="\x1f")
    @example(victim="Do", witness="Minutes Victim", note="", le_note="", summary="")  # the document's own words
    @example(victim="", witness="FALSE", note="", le_note="", summary="")  # the template's own words
    @example(victim="0A", witness="0A", note="", le_note="", summary="")  # the same name as the subject
    def exports(victim: str, witness: str, note: str, le_note: str, summary: str) -> None:
        with db.transaction() as s:
            persons = {p.name_key: p for p in s.exec(select(Person)).all()}
            persons["zebulon quarrington"].name = victim
            persons["philippa drummond yates"].name = witness
            for n in s.exec(select(Note)).all():
                n.text = f"{note} {witness} {victim} ." if not n.le_only else le_note
                if not n.le_only:
                    n.visibility = NoteVisibility.partners
            for incident in s.exec(select(Incident)).all():
                incident.summary = f"{summary} {witness} ."
                incident.partner_summary = f"{summary} {witness} ."
        run = next(runs)
        export_minutes(db, DATE, "full", out / f"full-{run}.docx")
        release_for_partners(db)
        try:
            partner = Docx.read(export_minutes(db, DATE, "partner", out / f"partner-{run}.docx"))
        except LeakError:
            return  # refused, nothing written: safe
        # Nothing of the witness's name but the document's own words ("Victim 1", "Minutes of").
        # (The victim is named in their own notification and referral: what the witness shares with them may stand.)
        own = own_vocabulary() | template
        victims = name_variants(victim)
        found = [
            m.token
            for m in _index(witness).find(partner.all_text())
            if not all(w in own for w in m.seq) and m.seq not in victims
        ]
        assert found == [], found

    try:
        exports()
    finally:
        db.dispose()
