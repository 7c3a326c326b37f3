"""Protected tokens: how text is folded into words, and the index that finds protected words in it.

The ground of the disclosure layer (:mod:`vip_tui.disclosure`): the partner
edition's leak scan, the release review's highlights and presentation mode's
masking all find protected strings with the same :class:`ProtectedIndex`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..sanitize import clean

Words = tuple[str, ...]

# --------------------------------------------------------------------------- folding


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """``ch`` as compared: "" if it vanishes, else word characters (folded) and spaces (separators)."""
    if unicodedata.category(ch) == "Cf" or unicodedata.combining(ch):
        return ""
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


@lru_cache(maxsize=1 << 17)  # a pure function of the name; the partner index asks for every person's
def name_variants(name: str) -> frozenset[Words]:
    """The word sequences under which ``name`` is recognised (empty if too short to protect)."""
    seq = words(clean(name))
    variants: set[Words] = set()
    if _distinctive(seq):  # rotations share their words, so one check covers them all
        variants.update(seq[k:] + seq[:k] for k in range(len(seq)))  # "Last, First" whatever the split
    if len(seq) >= 3 and _distinctive((seq[0], seq[-1])):
        variants.update({(seq[0], seq[-1]), (seq[-1], seq[0])})
    return frozenset(variants)


def surname(name: str) -> Words | None:
    """The last whitespace-separated part of ``name`` ("Ocampo-Reyna"), if it can stand alone safely."""
    parts = clean(name).split()
    if len(parts) < 2:
        return None
    seq = words(parts[-1])
    return seq if _letters(seq) >= 4 and _distinctive(seq) else None


def subject_variants(name: str) -> frozenset[Words]:
    """What of a subject's name may stand in their own entry: the name and the surname alone."""
    last = surname(name)
    return name_variants(name) | ({last} if last else frozenset())


def dob_variants(dob: dt.date) -> frozenset[Words]:
    """A date of birth as ISO and as US month/day/year, with and without leading zeros."""
    y, m, d = f"{dob.year:04d}", f"{dob.month:02d}", f"{dob.day:02d}"
    return frozenset({(y, m, d), (m, d, y), (str(dob.month), str(dob.day), y)})


# --------------------------------------------------------------------------- the index


class Protected(NamedTuple):
    """One protected string and whose it is.

    A named tuple rather than a dataclass: the partner index makes one per
    person on file (20,000 in a five-year history), and a frozen dataclass
    costs ten times as much to create (issue 7).
    """

    kind: str  # "name", "surname", "dob", "record_id" or "le_note"
    shown: str  # as written in the database, for messages
    person_id: int | None = None

    def describe(self) -> str:
        if self.kind == "name":
            return f'the name "{self.shown}"'
        if self.kind == "surname":
            return f'the surname of "{self.shown}"'
        if self.kind == "dob":
            return f"the date of birth {self.shown}"
        if self.kind == "record_id":
            return f'the records id "{self.shown}"'
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
    def surname_only(self) -> bool:
        return all(p.kind == "surname" for p in self.items)

    def describe(self) -> str:
        return self.items[0].describe()


def _person_sequences(
    persons: Iterable[tuple[int, str, str | None, dt.date | None]],
) -> Iterator[tuple[Words, Protected]]:
    """The protected sequences of each person: name variants, records id, date of birth."""
    new = tuple.__new__  # Protected made in C: NamedTuple's own __new__ is Python, and this runs 40,000 times
    for person_id, name, record_id, dob in persons:
        variants = name_variants(name)
        if variants:
            item = new(Protected, ("name", clean(name), person_id))
            for seq in variants:
                yield seq, item
        if record_id:
            seq = _record_id_words(record_id)
            if seq:
                yield seq, new(Protected, ("record_id", clean(record_id), person_id))
        if dob is not None:
            item = Protected("dob", dob.isoformat(), person_id)
            for seq in dob_variants(dob):
                yield seq, item


def _record_id_words(record_id: str) -> Words:
    """The words of a records id, or none if it is too short to protect."""
    if record_id.isascii() and record_id.isprintable():  # nearly all: the same words, without the detours
        seq = tuple(_ASCII_WORD.findall(record_id.lower()))
    else:
        seq = words(clean(record_id))
    return seq if sum(map(len, seq)) >= 3 else ()


class ProtectedIndex:
    """Every protected word sequence, found in text in one pass over its words.

    Sequences are kept by their words; for each first word, the lengths of the
    sequences that start with it, so :meth:`find` tries one dictionary lookup
    per length at each word instead of comparing every sequence that shares a
    first name ("maria ...": hundreds in a five-year history).
    """

    def __init__(self) -> None:
        # What each sequence protects: one item, or an ordered set of them when
        # several share it (one dict per sequence would cost a third of the build).
        self._items: dict[Words, Protected | dict[Protected, None]] = {}
        self._lengths: dict[str, set[int]] = {}  # first word -> lengths of the sequences starting with it
        self._longest_first: dict[str, tuple[int, ...]] = {}  # the same, sorted; filled as words are met

    def add(self, seq: Words, item: Protected) -> None:
        if seq:
            self._add_all(((seq, item),))

    def add_person(self, person_id: int, name: str, record_id: str | None, dob: dt.date | None) -> None:
        self.add_persons(((person_id, name, record_id, dob),))

    def add_persons(self, persons: Iterable[tuple[int, str, str | None, dt.date | None]]) -> None:
        """Protect each (id, name, records id, date of birth); the id and the date may be None."""
        self._add_all(_person_sequences(persons))

    def _add_all(self, pairs: Iterable[tuple[Words, Protected]]) -> None:
        # One loop with local names: the partner index adds 60,000 sequences
        # for a five-year history, and a method call per sequence doubled its time.
        items, lengths = self._items, self._lengths
        for seq, item in pairs:
            found = items.get(seq)
            if found is None:
                items[seq] = item
                known = lengths.get(seq[0])
                if known is None:
                    lengths[seq[0]] = {len(seq)}
                else:
                    known.add(len(seq))
            elif type(found) is dict:
                found[item] = None
            elif found != item:
                items[seq] = {found: None, item: None}
        self._longest_first.clear()

    def add_surname(self, person_id: int, name: str) -> None:
        """Redact the surname alone too (best effort, see the module docstring)."""
        last = surname(name)
        if last:
            self.add(last, Protected("surname", clean(name), person_id))

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

    def find(self, text: str) -> Iterator[Match]:
        """Every protected sequence in ``text``, left to right, longest first, not overlapping."""
        if self._lengths.keys().isdisjoint(words(text)):
            return  # no word of it starts anything protected: most table cells
        toks = tokens(text)
        seen = [t[0] for t in toks]
        n = len(seen)
        i = 0
        while i < n:
            for k in self._lengths_of(seen[i]) if seen[i] in self._lengths else ():
                if i + k > n:
                    continue
                found = self._items.get(tuple(seen[i : i + k]))
                if found is None:
                    continue
                items = tuple(found) if type(found) is dict else (found,)
                if all(p.kind == "surname" for p in items) and text[toks[i][1]].islower():
                    continue  # a surname alone counts only when written as one: "Black", not "black"
                yield Match(toks[i][1], toks[i + k - 1][2], seq=tuple(seen[i : i + k]), items=items)
                i += k
                break
            else:
                i += 1
