"""Who a typed person may be: known persons like the one being typed, best first, and why.

The agenda builder's person form asks :func:`suggest_persons` as the
analyst types (widgets/person_suggest.py); a records id that matches
is certain, a date of birth counts with the name's likeness, a name alone is
compared on its normalised key (difflib, word order ignored).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col, select

from ..db import Database
from ..models import Incident, Involvement, Person
from ..names import name_key


@dataclass(frozen=True)
class Suggestion:
    """A known person who may be the one being typed, and why."""

    person_id: int
    version: int
    name: str
    dob: dt.date | None
    record_id: str | None
    score: float  # 0..1
    reason: str
    incidents: int = 0
    last_case: str | None = None


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, 0..1, on their normalised keys; word order does not matter."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    direct = difflib.SequenceMatcher(None, ka, kb).ratio()
    ordered = difflib.SequenceMatcher(None, " ".join(sorted(ka.split())), " ".join(sorted(kb.split()))).ratio()
    # "Maria Ibanez" against "Maria Jose Ibanez": every typed word is in the record.
    wa, wb = set(ka.split()), set(kb.split())
    covered = len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
    return max(direct, ordered, 0.9 * covered if covered >= 1.0 and min(len(wa), len(wb)) >= 2 else 0.0)


def suggest_persons(
    db: Database,
    name: str = "",
    *,
    dob: dt.date | str | None = None,
    record_id: str | None = None,
    exclude: Sequence[int] = (),
    limit: int = 8,
) -> list[Suggestion]:
    """Known persons that may be the one typed, best first.

    A records id that matches is certain; a matching date of birth counts
    with the name's likeness; otherwise the name alone (difflib on the
    normalised names, word order ignored). Merged (absorbed) records are
    never offered: their survivor is. Candidates are narrowed in SQL by the
    typed words, so the cost does not grow with thousands of persons.
    """
    key = name_key(name or "")
    if isinstance(dob, str):
        try:
            dob = dt.date.fromisoformat(dob.strip()) if dob.strip() else None
        except ValueError:
            dob = None
    record_id = (record_id or "").strip() or None
    words = [w for w in key.split() if len(w) >= 3]
    conditions = [col(Person.name_key).contains(w[:5], autoescape=True) for w in words]
    if key:
        conditions.append(col(Person.name_key).startswith(key[:3], autoescape=True))
    if dob is not None:
        conditions.append(Person.dob == dob)
    if record_id:
        conditions.append(func.lower(Person.record_id) == record_id.casefold())
    if not conditions:
        return []
    with db.session() as s:
        candidates = s.exec(
            select(Person).where(col(Person.merged_into_id).is_(None), sa.or_(*conditions)).limit(500)
        ).all()
        scored: list[tuple[float, str, Person]] = []
        for c in candidates:
            if c.id in exclude:
                continue
            likeness = name_similarity(key, c.name_key) if key else 0.0
            if record_id and c.record_id and c.record_id.casefold() == record_id.casefold():
                score, reason = 1.0, "same records id"
            elif dob is not None and c.dob == dob:
                score = 0.55 + 0.45 * likeness
                reason = "same name and date of birth" if likeness == 1.0 else (
                    "same date of birth, similar name" if likeness >= 0.6 else "same date of birth")
            elif record_id and c.record_id:
                score, reason = 0.5 * likeness, f"similar name, another records id ({c.record_id})"
            elif dob is not None and c.dob is not None:
                score, reason = 0.6 * likeness, f"similar name, born {c.dob.isoformat()}"
            else:
                score, reason = 0.85 * likeness, "same name" if likeness == 1.0 else "similar name"
            if score >= 0.45:
                scored.append((score, reason, c))
        scored.sort(key=lambda t: (-t[0], t[2].name_key, t[2].id))
        scored = scored[:limit]
        ids = [c.id for _, _, c in scored]
        counts: dict[int, tuple[int, str]] = {}
        if ids:
            for pid, n, last in s.exec(
                select(Involvement.person_id, func.count(func.distinct(Involvement.incident_id)), func.max(Incident.case_number))
                .join(Incident, Incident.id == Involvement.incident_id)
                .where(col(Involvement.person_id).in_(ids))
                .group_by(Involvement.person_id)
            ).all():
                counts[pid] = (n, last)
        return [
            Suggestion(c.id, c.version, c.name, c.dob, c.record_id, round(score, 3), reason,  # type: ignore[arg-type]
                       *counts.get(c.id, (0, None)))
            for score, reason, c in scored
        ]
