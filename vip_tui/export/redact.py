"""The partner edition's passages and the leak scan that checks the finished document (SPEC §7).

The partner edition of the minutes never carries a person's name, alias,
date of birth or records id, nor law enforcement's free text. Two
independent layers make sure of it:

1. **Release, not redaction.** Persons appear as role labels numbered per
   role within each incident ("Victim 1", "Associate 2"). Stored text is
   printed only as a passage of the release review
   (:mod:`vip_tui.services.release`): what it let through, as a
   :class:`Said` span that carries the tokens marked "not this person" in
   it. Law enforcement's free text (summaries, motives, notes not made
   visible to partners, notification reasons, outcomes) is never printed.
   The subject of a notification or referral is named inside that entry
   alone: the builder registers the entry's paragraph or table row as the one
   place where that name may stand.
2. **The leak scan after building.** :func:`scan_document` walks every XML
   part of the finished package (body, tables at any depth, headers and
   footers of every section, document properties, and any other part) with
   the protected tokens of :mod:`vip_tui.disclosure.tokens` (every name part,
   alias, date-of-birth form and records id digit run of every person on
   file) and reports every hit except: the subject's name inside its own
   entry, an exempted token inside its own passage's paragraph or cell, and
   the document's own wording (a word of the program's headings and labels
   that is also someone's name, such as "Do" in "Do not forward", counted
   per paragraph). A finding means the document is not written at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..disclosure.tokens import (  # noqa: F401  (re-exported for the export modules and tests)
    Match,
    Protected,
    ProtectedIndex,
    Words,
    name_variants,
    subject_variants,
    tokens,
    words,
)
from ..disclosure import free_text
from ..enums import Audience, Role
from ..sanitize import clean
from .errors import Leak

if TYPE_CHECKING:
    from docx.document import Document

    from ..models import AgendaItem, Involvement
    from ..services.release import Passage

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


# --------------------------------------------------------------------------- passages

WITHHELD = "[withheld]"


class Said(str):
    """Stored text the release review let through, with the tokens marked "not this person" in it.

    The document writer registers ``exempt`` on the paragraph the text goes
    into: the leak scan lets those tokens stand there and nowhere else.
    """

    exempt: frozenset[str]

    def __new__(cls, text: str, exempt: frozenset[str] = frozenset()) -> Said:
        obj = super().__new__(cls, text)
        obj.exempt = exempt
        return obj

    def map(self, change: Callable[[str], str]) -> Said:
        """The same passage, reworded by ``change`` (a full stop added)."""
        return Said(change(str(self)), self.exempt)


class Redactor:
    """How one audience sees stored text: cleaned for XML always; for partners, only as released.

    ``passages`` (by key) is None for the full (law-enforcement) edition.
    """

    def __init__(self, labels: Labels, passages: Mapping[str, Passage] | None) -> None:
        self.labels = labels
        self.passages = passages

    @property
    def partner(self) -> bool:
        return self.passages is not None

    @property
    def audience(self) -> Audience:
        return Audience.partner if self.passages is not None else Audience.full

    def text(self, text: object, *, incident_id: int | None = None, allow: frozenset[Words] = frozenset()) -> str:
        """Law enforcement's free text, for the full edition only."""
        if self.passages is not None:
            raise RuntimeError("law enforcement's free text is never printed in the partner edition")
        return free_text(clean(text), Audience.full)

    def said(self, key: str, full: object = None) -> str | None:
        """The passage ``key`` as this audience reads it: None if there is no such text.

        Full edition: ``full`` (the stored text) as written. Partner edition:
        what the release review let through, or :data:`WITHHELD`.
        """
        if self.passages is None:
            return clean(full) if full is not None and str(full).strip() else None
        passage = self.passages.get(key)
        if passage is None:
            return None
        goes = passage.goes
        return WITHHELD if goes is None else Said(clean(goes), passage.exempt_tokens)


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


def _marked(p: Any, key: object, marks: Mapping[Any, frozenset[Any]]) -> bool:
    """Whether ``key`` is in the marks of ``p`` or of an element around it (its table row, its cell)."""
    el = p
    while el is not None:
        found = marks.get(el)
        if found is not None and key in found:
            return True
        el = el.getparent()
    return False


@dataclass
class Marks:
    """What the writer recorded for the scan: where names, exempted tokens and its own words may stand."""

    allowed: Mapping[Any, frozenset[Words]]  # paragraph or row -> a subject's name variants
    exempt: Mapping[Any, frozenset[str]]  # paragraph -> tokens marked "not this person" in its passages
    own: Mapping[Any, list[str]]  # paragraph -> the document's own wording in it (not stored text)
    furniture: tuple[str, ...] = ()  # the wording of headers, footers and properties
    facts: frozenset[str] = frozenset()  # words of structured facts printed as such (case numbers)


def _own_counts(index: ProtectedIndex, texts: Iterable[str], facts: frozenset[str]) -> Counter[str]:
    """How many times each protected token stands in the document's own wording ``texts``.

    Only tokens made of the program's own words (:func:`own_vocabulary`),
    short numbers (years, counts, meeting numbers) and the words of the
    structured facts registered with the writer (case numbers); never a date
    of birth.
    """
    vocabulary = own_vocabulary()

    def own(m: Match) -> bool:
        if any(p.kind == "dob" for p in m.items):
            return False
        return all(w in vocabulary or w in facts or (w.isdigit() and len(w) <= 4) for w in m.seq)

    return Counter(m.token for text in texts for m in index.find(text) if own(m))


def _constants(code: Any, doc: str | None = None) -> Iterator[str]:
    """The string constants of ``code`` and the code nested in it, docstrings left out (they hold examples)."""
    for const in code.co_consts:
        if isinstance(const, str):
            if const != doc:
                yield const
        elif hasattr(const, "co_consts"):
            yield from _constants(const, _docstring(const))


def _docstring(code: Any) -> str | None:
    first = code.co_consts[0] if code.co_consts else None
    return first if isinstance(first, str) else None


@lru_cache(maxsize=1)
def own_vocabulary() -> frozenset[str]:
    """Every word the documents' own wording can hold: the string constants of the modules that write
    them, the labels of the vocabularies they print, month and day names.

    Read from the code itself, so that text from the database can never be
    taken for the document's own wording: a protected token the scan finds is
    excused as "ours" only if each of its words is one of these (or a number
    in a formatted fact) and the paragraph's own spans hold it.
    """
    import inspect

    from .. import enums
    from ..disclosure.tokens import MONTHS
    from . import agenda, document, format, minutes, sections

    texts: list[str] = list(MONTHS)
    for module in (agenda, document, format, minutes, sections, __import__(__name__, fromlist=["_"])):
        for name, value in vars(module).items():
            if name.startswith("__") or inspect.ismodule(value):
                continue
            if getattr(value, "__module__", module.__name__) != module.__name__:
                continue  # imported from elsewhere
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (tuple, list, dict)):
                texts += [str(v) for v in (value.values() if isinstance(value, dict) else value)]
            elif inspect.isfunction(value):
                texts += _constants(value.__code__, value.__doc__)
            elif inspect.isclass(value):
                for member in vars(value).values():
                    func = getattr(member, "fget", None) or getattr(member, "__func__", None) or member
                    if inspect.isfunction(func):
                        texts += _constants(func.__code__, func.__doc__)
    for value in vars(enums).values():
        if inspect.isclass(value) and issubclass(value, enums.Enum):
            for member in value:  # type: ignore[var-annotated]
                texts += [str(member.value), str(getattr(member, "label", ""))]
    return frozenset(w for text in texts for w in words(text))


def scan_document(
    document: Document, index: ProtectedIndex, marks: Marks | Mapping[Any, frozenset[Words]]
) -> list[Leak]:
    """Every protected string in any XML part of ``document``, except where :class:`Marks` allows it.

    ``marks.allowed`` maps paragraph (``w:p``) or table-row (``w:tr``) elements
    to the name variants that may appear inside them; ``marks.exempt`` maps
    paragraphs to tokens exempted in the passages they hold; a hit whose
    token is the document's own wording in that paragraph (``marks.own``) is
    not a leak, as many times as that wording holds it. Paragraph text is read
    as Word shows it (runs joined); text outside paragraphs (document
    properties, drawing text) is read element by element, except the
    template's own boilerplate (see :func:`_template_text`); for the same
    reason a part still byte for byte as python-docx's template has it
    (theme, font table) is not read at all.
    """
    if not isinstance(marks, Marks):
        marks = Marks(marks, {}, {})
    leaks: dict[tuple[str, str], Leak] = {}

    def report(m: Match, where: str) -> None:
        leak = Leak(f'"{m.token}", {m.describe()}', where)
        leaks.setdefault((leak.what, leak.where), leak)

    furniture = _own_counts(index, marks.furniture, marks.facts)
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
            own: Counter[str] | None = None
            for m in index.find(_paragraph_text(p)):
                if _marked(p, m.seq, marks.allowed) or _marked(p, m.token, marks.exempt):
                    continue
                if own is None:
                    own = _own_counts(index, marks.own.get(p, ()), marks.facts) if part is main else Counter(furniture)
                if own[m.token] > 0:
                    own[m.token] -= 1
                    continue
                report(m, contexts.get(p, default_where))
        # Text outside WordprocessingML paragraphs: document properties, drawing text, custom XML.
        template = _template_text()
        for item in _loose_text(part, root):
            if item not in template:
                for m in index.find(item[2]):
                    if furniture[m.token] <= 0:
                        report(m, default_where)
    return list(leaks.values())
