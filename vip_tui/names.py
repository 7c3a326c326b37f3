"""Normalising names so that the same person is found however a file spells them."""

from __future__ import annotations

import re
import unicodedata

# Hyphens, dashes and the minus sign all join name parts the same way.
_JOINERS = re.compile(r"[\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d_]")
# Apostrophes and full stops are dropped: O'Neil = O’Neil = ONeil, "C. Example" = "C Example".
_DROPPED = re.compile(r"[.'\u2018\u2019\u02bc`´]")
_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form of ``name`` used for matching: case, accents, spacing and hyphen variants removed.

    >>> name_key("  Ana-Lucía   BARRÓN ") == name_key("ana lucia barron")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _JOINERS.sub(" ", text)
    text = _DROPPED.sub("", text)
    return _SPACES.sub(" ", text).strip().casefold()


def initials(name: str) -> str:
    """``Ana-Lucía Barrón`` -> ``A. L. B.``: how presentation mode shows a person."""
    parts = [p for p in _SPACES.split(_JOINERS.sub(" ", _DROPPED.sub("", name))) if p]
    return " ".join(f"{p[0].upper()}." for p in parts)
