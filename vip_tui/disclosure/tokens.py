"""Protected tokens: how text is folded into words, and the index that finds protected words in it.

The ground of the disclosure layer (:mod:`vip_tui.disclosure`): the partner
edition's leak scan, the release review's hits and presentation mode's
masking all find protected strings with the same :class:`ProtectedIndex`.

How strings are compared: as sequences of words. Text is folded (Unicode
compatibility decomposition, accents and other combining marks dropped, case
folded, invisible format characters such as zero-width spaces and soft hyphens
dropped, Cyrillic and Greek look-alikes of Latin letters read as Latin) and
cut into runs of letters and digits; everything else separates words. A
protected string matches whole words only, so "Al" never matches inside
"Alvarez", and "Okonkwo-Pratt's" still matches "Okonkwo-Pratt".

What is protected, for every person on file (fail-closed: nothing is "best
effort", everything below is in the scan):

- **every name part**: each word of the name on its own ("Jamal", "Okonkwo",
  "Pratt" and the middle name of "Jamal T. Okonkwo-Pratt"), so a first name
  alone, a surname alone in any case, a shortened double surname and a name
  with or without a middle initial all match; the whole name and each
  hyphenated or apostrophised part as written ("okonkwo pratt"); the joined
  form of each such part ("OkonkwoPratt", "ONeal");
- **aliases** (``Person.aliases``), exactly like names;
- **the date of birth** in any common writing: ISO ``2002-03-14``, US
  ``3/14/2002``, ``03/14/02``, ``03-14-2002``, day first ``14/03/2002``, long
  ``14 March 2002``, ``March 14, 2002``, ``March 14th 2002``, abbreviated
  ``Mar 14 2002`` / ``14 Mar 02``, compact ``20020314`` (and ``03142002``).
  A two-digit year matches a date of birth in either century;
- **the records id**: its words ("mni 55821"), its joined form ("MNI55821")
  and each of its digit runs ("55821", and without leading zeros).

Minimum lengths, decided only where a token cannot identify anyone:

- a name or alias part of a single letter (an initial: "J.") is not protected
  alone (it still counts inside the whole name); a name part made only of
  digits is not protected alone;
- a digit run of a records id shorter than three digits is not protected
  alone (one of at most a hundred values: every count, hour and age would
  match it); the whole id, with its prefix, still is, when it has three
  letters and digits or more;
- a law-enforcement-only note's whole text is protected as one more layer
  when it has two words and eight letters or more.

Everything else is protected at any length, including two-letter surnames
("Ms. Wu") and common words that happen to be names ("Will", "Black"): such a
hit is resolved in the release review by "not this person", never by a
weaker scan.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..sanitize import clean

Words = tuple[str, ...]

# --------------------------------------------------------------------------- folding


# Cyrillic and Greek letters that look like Latin ones ("Jаmal" with a Cyrillic а): compared as
# the Latin letter, so a look-alike cannot carry a name past the scan.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝ" "АВЕКМНОРСТХІЈЅ" "αεικνορτυχ" "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdhlqw" "abekmhopctxijs" "aeikvoptux" "abehikmnoptyxz",
)


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """``ch`` as compared: "" if it vanishes, else word characters (folded) and spaces (separators)."""
    if unicodedata.category(ch) == "Cf" or unicodedata.combining(ch):
        return ""
    ch = ch.translate(_CONFUSABLES)
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        for f in c.casefold():
            if unicodedata.combining(f):
                continue
            out.append(f if f.isalnum() else " ")
    return "".join(out)


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of ``text``, folded, with the span of the original text each covers."""
    if text.isascii():
        # Same result as the general path, many times faster for the usual case
        # (ASCII lower-casing keeps every character where it was).
        return [(m.group(), m.start(), m.end()) for m in _ASCII_WORD.finditer(text.lower())]
    out: list[tuple[str, int, int]] = []
    buf: list[str] = []
    start = end = 0
    for i, ch in enumerate(text):
        piece = _fold_char(ch)
        if not piece:
            if buf:
                end = i + 1  # a combining mark belongs to the word it follows
            continue
        for c in piece:
            if c == " ":
                if buf:
                    out.append(("".join(buf), start, end))
                    buf = []
            else:
                if not buf:
                    start = i
                buf.append(c)
                end = i + 1
    if buf:
        out.append(("".join(buf), start, end))
    return out


def words(text: str) -> Words:
    """The folded words of ``text``."""
    if text.isascii():
        return tuple(_ASCII_WORD.findall(text.lower()))
    return tuple(t for t, _, _ in tokens(text))


def _letters(seq: Words) -> int:
    return len("".join(seq))


def _distinctive(seq: Words) -> bool:
    """Long enough, and not only numbers, to be told apart from ordinary words."""
    return _letters(seq) >= 3 and not all(w.isdigit() for w in seq)


def _part_alone(word: str) -> bool:
    """Whether one word of a name may identify someone on its own (not an initial, not a number)."""
    return len(word) >= 2 and not word.isdigit()


@lru_cache(maxsize=1 << 17)  # a pure function of the name; the partner index asks for every person's
def name_variants(name: str) -> frozenset[Words]:
    """The word sequences under which ``name`` (or an alias) is recognised.

    The whole name; each whitespace-separated part as written ("okonkwo
    pratt") and joined ("okonkwopratt", "oneal"); each word of two
    characters or more that is not a number.
    """
    text = clean(name)
    seq = words(text)
    if not seq:
        return frozenset()
    variants: set[Words] = set()
    if len(seq) > 1 or _part_alone(seq[0]):
        variants.add(seq)
    for part in text.split():
        part_words = words(part)
        if len(part_words) > 1:
            variants.add(part_words)
            joined = "".join(part_words)
            if _part_alone(joined):
                variants.add((joined,))
    variants.update((w,) for w in seq if _part_alone(w))
    return frozenset(variants)


def subject_variants(name: str) -> frozenset[Words]:
    """What of a subject's name may stand in their own entry: every variant of the name."""
    return name_variants(name)


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
MONTHS: dict[str, int] = {}
for _n, _month in enumerate(_MONTH_NAMES, 1):
    MONTHS[_month] = _n
    MONTHS[_month[:3]] = _n
MONTHS["sept"] = 9
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


def _day(word: str) -> int | None:
    m = _ORDINAL.match(word)
    return int(m.group(1)) if m else None


def _years(word: str) -> tuple[int, ...]:
    if not word.isdigit():
        return ()
    if len(word) == 4:
        return (int(word),)
    if len(word) == 2:
        yy = int(word)
        return (1900 + yy, 2000 + yy)
    return ()


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def dates_at(seen: Sequence[str], i: int) -> Iterator[tuple[dt.date, int]]:
    """Every date that the words starting at ``seen[i]`` can be read as, with the number of words it takes."""
    w = seen[i]
    n = len(seen)
    if w.isdigit():
        if len(w) == 8:  # compact: 20020314, or 03142002
            for y, m, d in ((w[:4], w[4:6], w[6:]), (w[4:], w[:2], w[2:4])):
                found = _date(int(y), int(m), int(d))
                if found:
                    yield found, 1
        if i + 2 < n:
            b, c = seen[i + 1], seen[i + 2]
            if b.isdigit() and c.isdigit() and len(b) <= 2:
                if len(w) == 4 and len(c) <= 2:  # ISO
                    found = _date(int(w), int(b), int(c))
                    if found:
                        yield found, 3
                if len(w) <= 2:  # US month first, or day first
                    for y in _years(c):
                        for m, d in ((int(w), int(b)), (int(b), int(w))):
                            found = _date(y, m, d)
                            if found:
                                yield found, 3
    if i + 2 < n:
        a, b, c = w, seen[i + 1], seen[i + 2]
        day, month = _day(a), MONTHS.get(b)
        if day is not None and month is not None:  # 14 March 2002
            for y in _years(c):
                found = _date(y, month, day)
                if found:
                    yield found, 3
        month, day = MONTHS.get(a), _day(b)
        if day is not None and month is not None:  # March 14, 2002
            for y in _years(c):
                found = _date(y, month, day)
                if found:
                    yield found, 3


@lru_cache(maxsize=1 << 17)  # a pure function of the id, asked for every person's like name_variants
def record_id_variants(record_id: str) -> frozenset[Words]:
    """A records id's words, its joined form and its digit runs of three digits or more."""
    if record_id.isascii() and record_id.isprintable():  # nearly all: the same words, without the detours
        seq = tuple(_ASCII_WORD.findall(record_id.lower()))
    else:
        seq = words(clean(record_id))
    if _letters(seq) < 3:
        return frozenset()  # "7": one of a handful of values, identifies no one
    out: set[Words] = {seq}
    joined = "".join(seq)
    out.add((joined,))
    for run in re.findall(r"\d+", joined):
        for r in (run, run.lstrip("0")):
            if len(r) >= 3:
                out.add((r,))
    return frozenset(out)


# --------------------------------------------------------------------------- the index


class Protected(NamedTuple):
    """One protected string and whose it is.

    A named tuple rather than a dataclass: the partner index makes one per
    person on file (20,000 in a five-year history), and a frozen dataclass
    costs ten times as much to create (issue 7).
    """

    kind: str  # "name", "alias", "dob", "record_id" or "le_note"
    shown: str  # the person's name as written in the database (the note's text for le_note), for messages
    person_id: int | None = None

    def describe(self) -> str:
        if self.kind == "name":
            return f'a name part of "{self.shown}"'
        if self.kind == "alias":
            return f'an alias of "{self.shown}"'
        if self.kind == "dob":
            return f'the date of birth of "{self.shown}"'
        if self.kind == "record_id":
            return f'the records id of "{self.shown}"'
        snippet = self.shown if len(self.shown) <= 40 else self.shown[:39] + "…"
        return f'the law-enforcement-only note "{snippet}"'


@dataclass(frozen=True)
class Match:
    """A protected sequence found in a text: its span and what it protects."""

    start: int
    end: int
    seq: Words
    items: tuple[Protected, ...]

    @property
    def token(self) -> str:
        """The matching words, folded, joined by a space: what a "not this person" exemption names."""
        return " ".join(self.seq)

    def describe(self) -> str:
        first = self.items[0].describe()
        others = len({p.person_id for p in self.items}) - 1
        return first + (f" and {others} other{'s' if others > 1 else ''}" if others > 0 else "")


PersonRow = tuple  # (id, name, records id, date of birth[, aliases])
_shown = lru_cache(maxsize=1 << 17)(clean)


def _person_sequences(persons: Iterable[PersonRow]) -> Iterator[tuple[Words, Protected]]:
    """The protected sequences of each person: name and alias variants, records id."""
    new = tuple.__new__  # Protected made in C: NamedTuple's own __new__ is Python, and this runs 40,000 times
    for row in persons:
        person_id, name, record_id = row[0], row[1], row[2]
        shown = _shown(name)
        variants = name_variants(name)
        if variants:
            item = new(Protected, ("name", shown, person_id))
            for seq in variants:
                yield seq, item
        if record_id:
            item = new(Protected, ("record_id", shown, person_id))
            for seq in record_id_variants(record_id):
                yield seq, item
        aliases = row[4] if len(row) > 4 else None
        if aliases:
            item = new(Protected, ("alias", shown, person_id))
            for alias in aliases:
                for seq in name_variants(str(alias)):
                    yield seq, item


_MEMO_SIZE = 50_000


def _merged(first: tuple[Match, ...], second: tuple[Match, ...]) -> tuple[Match, ...]:
    """Two indexes' matches in one text, left to right, the longer first where they overlap."""
    out: list[Match] = []
    for m in sorted(first + second, key=lambda m: (m.start, m.start - m.end)):
        if not out or m.start >= out[-1].end:
            out.append(m)
    return tuple(out)


class ProtectedIndex:
    """Every protected word sequence and date, found in text in one pass over its words.

    Sequences are kept by their words; for each first word, the lengths of the
    sequences that start with it, so :meth:`find` tries one dictionary lookup
    per length at each word instead of comparing every sequence that shares a
    first name ("maria ...": hundreds in a five-year history). Dates of birth
    are kept as dates: :meth:`find` reads every date written in the text
    (:func:`dates_at`) and looks it up.
    """

    def __init__(self) -> None:
        # What each sequence protects: one item, or an ordered set of them when
        # several share it (one dict per sequence would cost a third of the build).
        self._items: dict[Words, Protected | dict[Protected, None]] = {}
        self._lengths: dict[str, set[int]] = {}  # first word -> lengths of the sequences starting with it
        self._longest_first: dict[str, tuple[int, ...]] = {}  # the same, sorted; filled as words are met
        self._dobs: dict[dt.date, list[Protected]] = {}
        self._dob_years: frozenset[str] | None = None  # the years of the dates of birth, as written
        self._memo: dict[str, tuple[Match, ...]] = {}  # text -> what find() found in it
        self._extra: ProtectedIndex | None = None  # searched too (with_extra)

    def __bool__(self) -> bool:
        return bool(self._items or self._dobs)

    def add(self, seq: Words, item: Protected) -> None:
        if seq:
            self._add_all(((seq, item),))

    def add_person(
        self,
        person_id: int,
        name: str,
        record_id: str | None,
        dob: dt.date | None,
        aliases: Sequence[str] | None = None,
    ) -> None:
        self.add_persons(((person_id, name, record_id, dob, aliases),))

    def add_persons(self, persons: Iterable[PersonRow]) -> None:
        """Protect each (id, name, records id, date of birth[, aliases]); all but the name may be None."""
        rows = persons if isinstance(persons, (list, tuple)) else list(persons)
        self._add_all(_person_sequences(rows))
        dobs = self._dobs
        for row in rows:
            dob = row[3]
            if dob is not None:
                item = Protected("dob", clean(row[1]), row[0])
                dobs[dob] = [*dobs.get(dob, ()), item]  # a new list: copies share the old one
                self._dob_years = None
                self._memo = {}

    def _add_all(self, pairs: Iterable[tuple[Words, Protected]]) -> None:
        if self._extra is not None:
            raise RuntimeError("an index made by with_extra shares its tables: add to a new index instead")
        # One loop with local names: the partner index adds 200,000 sequences
        # for a five-year history, and a method call per sequence doubled its time.
        items, lengths = self._items, self._lengths
        for seq, item in pairs:
            found = items.get(seq)
            if found is None:
                items[seq] = item
                known = lengths.get(seq[0])
                if known is None:
                    lengths[seq[0]] = {len(seq)}
                elif len(seq) not in known:
                    lengths[seq[0]] = known | {len(seq)}  # a new set: copies share the old one (copy())
            elif type(found) is dict:
                if item not in found:
                    items[seq] = {**found, item: None}  # a new dict, as above
            elif found != item:
                items[seq] = {found: None, item: None}
        self._longest_first = {}
        self._memo = {}

    def with_extra(self, extra: ProtectedIndex) -> ProtectedIndex:
        """This index and ``extra`` searched together, this one unchanged (nothing may be added to the result).

        Shares this index's tables and what it remembered: the person index is built once and reused
        (:func:`vip_tui.disclosure.protected_index`), a meeting's law-enforcement-only notes come on top.
        """
        other = copy.copy(self)
        other._extra = extra
        return other

    def add_le_note(self, text: str) -> None:
        shown = clean(text).strip()
        seq = words(shown)
        if len(seq) >= 2 and _letters(seq) >= 8 and _distinctive(seq):
            self.add(seq, Protected("le_note", shown))

    def _lengths_of(self, first: str) -> tuple[int, ...]:
        """Lengths of the sequences starting with ``first``, longest first (longest match wins)."""
        lengths = self._longest_first.get(first)
        if lengths is None:
            lengths = self._longest_first[first] = tuple(sorted(self._lengths.get(first, ()), reverse=True))
        return lengths

    def _might_date(self, seen: Sequence[str]) -> bool:
        """Whether ``seen`` may hold a date of birth: a word that is the year of one (four or two
        digits), or eight digits (a compact date). Most text has none: no date is read then."""
        if not self._dobs:
            return False
        years = self._dob_years
        if years is None:
            years = self._dob_years = frozenset(
                y for dob in self._dobs for y in (f"{dob.year:04d}", f"{dob.year % 100:02d}")
            )
        return any(w in years or (len(w) == 8 and w.isdigit()) for w in seen)

    def find(self, text: str) -> tuple[Match, ...]:
        """Every protected sequence or date in ``text``, left to right, longest first, not overlapping.

        Remembered per text (a pure function of the text and this index, which only ever grows and
        then forgets): a document repeats its dates, statuses and owners hundreds of times, and the
        release review and the leak scan read the same passages.
        """
        memo = self._memo
        found = memo.get(text)
        if found is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            found = memo[text] = tuple(self._find(text))
        if self._extra is not None:
            more = self._extra.find(text)
            if more:
                found = _merged(found, more)
        return found

    def _find(self, text: str) -> Iterator[Match]:
        seen_words = words(text)
        dates = self._might_date(seen_words)
        if not dates and self._lengths.keys().isdisjoint(seen_words):
            return  # no word of it starts anything protected: most table cells
        toks = tokens(text)
        seen = [t[0] for t in toks]
        n = len(seen)
        i = 0
        dobs, lengths = self._dobs, self._lengths
        while i < n:
            if dates and (seen[i][:1].isdigit() or seen[i] in MONTHS):
                taken = 0
                owners: list[Protected] = []
                for date, k in dates_at(seen, i):
                    if date in dobs and k >= taken:
                        if k > taken:
                            owners = []
                        taken = k
                        owners += [p for p in dobs[date] if p not in owners]
                if owners:
                    yield Match(toks[i][1], toks[i + taken - 1][2], tuple(seen[i : i + taken]), tuple(owners))
                    i += taken
                    continue
            if seen[i] in lengths:
                for k in self._lengths_of(seen[i]):
                    if i + k > n:
                        continue
                    found = self._items.get(tuple(seen[i : i + k]))
                    if found is None:
                        continue
                    items = tuple(found) if type(found) is dict else (found,)
                    yield Match(toks[i][1], toks[i + k - 1][2], seq=tuple(seen[i : i + k]), items=items)
                    i += k
                    break
                else:
                    i += 1
            else:
                i += 1
