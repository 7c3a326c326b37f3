"""Partner redaction (SPEC §7) and the leak scan that checks it.

The partner edition of the minutes never carries a person's name, date of
birth or records id, nor a law-enforcement-only note. Two independent layers
make sure of it:

1. **Redaction while building.** Persons appear as role labels numbered per
   role within each incident ("Victim 1", "Associate 2"). Every piece of free
   text (summaries, motives, notes, action items, outcomes, reasons...) goes
   through :meth:`Redactor.text`, which replaces each protected string with a
   label ("Victim 1", "Victim 1 of incident 3") or a "withheld" marker.
   The subject of a notification or referral may be named inside that entry
   alone: the entry's text is redacted with the subject's name allowed, and
   the builder registers the entry's paragraph or table row as the one place
   where that name may stand (even if the name also happens to be some other
   protected string, such as the whole text of a law-enforcement-only note).
2. **The leak scan after building.** :func:`scan_document` walks every XML
   part of the finished package (body, tables at any depth, headers and
   footers of every section, document properties, and any other part) and
   reports every protected string outside the registered entries. A finding
   means the document is not written at all.

What is protected:

- the name of every person in the database, not only those of this meeting:
  summaries routinely name earlier victims ("follows the 11-21 shooting of
  ..."), and those names must not reach partners either;
- the records id of every person in the database;
- the date of birth of every person the document is about (involved in the
  meeting's incidents, or subject of a notification or referral in it), as
  ISO ``2002-03-14`` (the form the full edition prints) and as ``03/14/2002``
  and ``3/14/2002``. Dates of birth of the whole database would collide with
  ordinary dates in notes;
- the text of every law-enforcement-only note of the meeting.

How strings are compared: as sequences of words. Text is folded (Unicode
compatibility decomposition, accents and other combining marks dropped, case
folded, invisible format characters such as zero-width spaces and soft hyphens
dropped) and cut into runs of letters and digits; everything else separates
words. A protected string matches only whole words, so "Al" never matches
inside "Alvarez" and "Ocampo-Reyna's" still matches "Ocampo-Reyna". A name
matches in its written order, in any rotation ("Ocampo-Reyna, Luis") and as
first plus last word ("Maria Ibanez" for "María José Ibáñez"); a surname or
nickname alone is not part of the guarantee.

Surnames alone are redacted on a best-effort basis: the last part of the name
of each person the document is about ("Ocampo-Reyna" in "Ocampo-Reyna's car"),
at least four letters long, when written with a capital. They are not part of
the leak scan, because staff and attendees share surnames with persons on
file ("Det. M. Garcia" and a "Maria Garcia") and a scan for them would refuse
legitimate minutes; earlier weeks' persons named by surname alone are not
recognised at all. A note that names people that way belongs in a
law-enforcement-only note.

Strings too short to tell apart from ordinary words are not protected, so
that they cannot cause false alarms: names and records ids with fewer than
three letters or digits in all, names and law-enforcement-only notes made of
numbers only (a stray "2026", "09 02"), and law-enforcement-only notes with
fewer than two words or eight letters and digits. Such names are still never
printed by the partner edition's own structure (which shows role labels
only); they are just not searched for in free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..disclosure.tokens import (  # noqa: F401  (re-exported for the export modules and tests)
    Match,
    Protected,
    ProtectedIndex,
    Words,
    dob_variants,
    name_variants,
    subject_variants,
    surname,
    tokens,
    words,
)
from ..enums import Role
from .errors import Leak
from ..sanitize import clean

if TYPE_CHECKING:
    from docx.document import Document

    from ..models import AgendaItem, Involvement

# --------------------------------------------------------------------------- labels

ROLE_ORDER: tuple[Role, ...] = (Role.victim, Role.suspect, Role.person_of_interest, Role.associate, Role.witness)
ROLE_WORDS: dict[Role, str] = {
    Role.victim: "Victim",
    Role.suspect: "Suspect",
    Role.person_of_interest: "Person of interest",
    Role.associate: "Associate",
    Role.witness: "Witness",
}


@dataclass
class Labels:
    """Role labels of the persons of a meeting, numbered per role within each incident.

    Both editions use the same labels, so "Victim 1" in a note means the same
    person to a partner and to a detective.
    """

    persons: dict[int, list[tuple[Involvement, str]]]  # incident id -> involvements in label order
    by_incident: dict[tuple[int, int], str]  # (incident id, person id) -> label
    first_seen: dict[int, tuple[int, str]]  # person id -> (incident position, label)

    @classmethod
    def for_items(cls, items: Iterable[AgendaItem]) -> Labels:
        persons: dict[int, list[tuple[Involvement, str]]] = {}
        by_incident: dict[tuple[int, int], str] = {}
        first_seen: dict[int, tuple[int, str]] = {}
        for position, item in enumerate(items, 1):
            incident = item.incident
            assert incident is not None and incident.id is not None
            counters: dict[Role, int] = {}
            labelled = []
            for inv in sorted(incident.involvements, key=lambda i: (ROLE_ORDER.index(i.role), i.id or 0)):
                counters[inv.role] = counters.get(inv.role, 0) + 1
                label = f"{ROLE_WORDS[inv.role]} {counters[inv.role]}"
                labelled.append((inv, label))
                assert inv.person_id is not None
                by_incident.setdefault((incident.id, inv.person_id), label)
                first_seen.setdefault(inv.person_id, (position, label))
            persons[incident.id] = labelled
        return cls(persons, by_incident, first_seen)

    def of(self, person_id: int, incident_id: int | None = None) -> str | None:
        """How to refer to a person without naming them; None if they are in none of the incidents."""
        if incident_id is not None and (incident_id, person_id) in self.by_incident:
            return self.by_incident[(incident_id, person_id)]
        if person_id in self.first_seen:
            position, label = self.first_seen[person_id]
            return f"{label} of incident {position}"
        return None


# --------------------------------------------------------------------------- redaction

WITHHELD = {
    "name": "[name withheld]",
    "surname": "[name withheld]",
    "dob": "[date of birth withheld]",
    "record_id": "[records id withheld]",
    "le_note": "[law-enforcement-only text withheld]",
}


class Redactor:
    """How one audience sees free text: cleaned for XML always, redacted for partners.

    ``index`` is None for the full (law-enforcement) edition.
    """

    def __init__(self, labels: Labels, index: ProtectedIndex | None) -> None:
        self.labels = labels
        self.index = index

    @property
    def partner(self) -> bool:
        return self.index is not None

    def text(self, text: object, *, incident_id: int | None = None, allow: frozenset[Words] = frozenset()) -> str:
        """``text`` safe for this audience; names in ``allow`` (variants of a subject's name) stay."""
        s = clean(text)
        if self.index is None:
            return s
        out: list[str] = []
        pos = 0
        for m in self.index.find(s):
            # The subject's name stands in its entry even if it is also some other protected string.
            if m.start < pos or m.seq in allow:
                continue
            out.append(s[pos : m.start])
            out.append(self._replacement(m, incident_id))
            pos = m.end
        out.append(s[pos:])
        return "".join(out)

    def _replacement(self, m: Match, incident_id: int | None) -> str:
        persons = {p.person_id for p in m.items if p.kind in ("name", "surname") and p.person_id is not None}
        if not persons:
            return WITHHELD[m.items[0].kind]
        # A label only when it is clear who is meant: the one such person in
        # this incident, else the one in the meeting. Shared names ("the
        # Toscano family") are withheld rather than guessed.
        here = [pid for pid in persons if (incident_id, pid) in self.labels.by_incident]
        known = [pid for pid in persons if pid in self.labels.first_seen]
        for candidates in (here, known):
            if len(candidates) == 1:
                return self.labels.of(candidates[0], incident_id) or WITHHELD["name"]
            if candidates:
                break
        return WITHHELD["name"]


# --------------------------------------------------------------------------- the scan

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = (f"{_W}t", f"{_W}delText", f"{_W}tab", f"{_W}br", f"{_W}cr")
_HEADING_STYLES = re.compile(r"^(Heading\d|Title)$")


def _paragraph_text(p: Any) -> str:
    return "".join((el.text or "") if el.tag in (f"{_W}t", f"{_W}delText") else " " for el in p.iter(*_TEXT_TAGS))


def _xml_root(part: Any) -> Any:
    """The live XML tree of a part, or a parse of its bytes; None for binary parts."""
    element = getattr(part, "_element", None)
    if element is not None:
        return element
    if "xml" not in part.content_type:
        return None
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(part.blob, parser)
    except etree.XMLSyntaxError:
        return None


def _body_contexts(root: Any) -> dict[Any, str]:
    """For each paragraph of the main document: where it is, by the heading it falls under."""
    body = root.find(f"{_W}body")
    contexts: dict[Any, str] = {}
    if body is None:
        return contexts
    heading = None
    for child in body:
        if child.tag == f"{_W}p":
            style = child.find(f"{_W}pPr/{_W}pStyle")
            if style is not None and _HEADING_STYLES.match(style.get(f"{_W}val", "")):
                heading = _paragraph_text(child).strip()
        where = f'the body under "{heading}"' if heading else "the body"
        if child.tag == f"{_W}tbl":
            where += ", in a table"
        for p in child.iter(f"{_W}p"):
            contexts[p] = where
    return contexts


def _part_where(partname: str) -> str:
    if "/header" in partname:
        return f"a page header ({partname})"
    if "/footer" in partname:
        return f"a page footer ({partname})"
    if partname == "/docProps/core.xml":
        return "the document properties"
    return f"the part {partname}"


@lru_cache(maxsize=1)
def _foreign_with_text() -> Any:
    """An XPath for elements outside the WordprocessingML namespace that hold text."""
    from lxml import etree

    return etree.XPath(f"//*[namespace-uri() != '{_W[1:-1]}'][text()]")


def _loose_text(part: Any, root: Any) -> Iterator[tuple[str, str, str]]:
    """(part name, tag, text) of every text node outside WordprocessingML paragraphs."""
    partname = str(part.partname)
    # XPath picks the candidates in C: iterating the 37,000 elements of a
    # 60-incident body in Python cost the partner export 25 ms (issue 7).
    for el in _foreign_with_text()(root):
        if el.text and el.text.strip():
            yield partname, el.tag, el.text


@lru_cache(maxsize=1)
def _template_text() -> frozenset[tuple[str, str, str]]:
    """The boilerplate text python-docx's template carries (``<ScaleCrop>false</ScaleCrop>``...).

    A person called "False" or "Normal" must not make every partner export
    fail: text identical to the template's, in the same part and element,
    cannot hold anything of ours and is not searched.
    """
    from docx import Document as new_document

    package = new_document().part.package
    return frozenset(
        item
        for part in package.iter_parts()
        if (root := _xml_root(part)) is not None
        for item in _loose_text(part, root)
    )


@lru_cache(maxsize=1)
def _template_blobs() -> dict[str, bytes]:
    """The parts python-docx copies from its template as bytes and never changes (theme, fonts...)."""
    from docx import Document as new_document

    package = new_document().part.package
    return {str(part.partname): part.blob for part in package.iter_parts() if getattr(part, "_element", None) is None}


def _allowed(p: Any, m: Match, allowed: Mapping[Any, frozenset[Words]]) -> bool:
    el = p
    while el is not None:
        seqs = allowed.get(el)
        if seqs is not None and m.seq in seqs:
            return True
        el = el.getparent()
    return False


def scan_document(document: Document, index: ProtectedIndex, allowed: Mapping[Any, frozenset[Words]]) -> list[Leak]:
    """Every protected string in any XML part of ``document``, except names inside their allowed entries.

    ``allowed`` maps paragraph (``w:p``) or table-row (``w:tr``) elements to the
    name variants that may appear inside them. Paragraph text is read as Word
    shows it (runs joined); text outside paragraphs (document properties,
    drawing text) is read element by element, except the template's own
    boilerplate (see :func:`_template_text`); for the same reason a part still
    byte for byte as python-docx's template has it (theme, font table) is not
    read at all.
    """
    leaks: dict[tuple[str, str], Leak] = {}

    def report(m: Match, where: str) -> None:
        leak = Leak(m.describe(), where)
        leaks.setdefault((leak.what, leak.where), leak)

    main = document.part
    for part in main.package.iter_parts():
        partname = str(part.partname)
        if getattr(part, "_element", None) is None and _template_blobs().get(partname) == part.blob:
            continue  # the template's own bytes, as every new document has them: nothing of ours
        root = _xml_root(part)
        if root is None:
            continue
        contexts = _body_contexts(root) if part is main else {}
        default_where = _part_where(partname)
        for p in root.iter(f"{_W}p"):
            for m in index.find(_paragraph_text(p)):
                if not (m.surname_only or _allowed(p, m, allowed)):
                    report(m, contexts.get(p, default_where))
        # Text outside WordprocessingML paragraphs: document properties, drawing text, custom XML.
        template = _template_text()
        for item in _loose_text(part, root):
            if item not in template:
                for m in index.find(item[2]):
                    if not m.surname_only:
                        report(m, default_where)
    return list(leaks.values())
