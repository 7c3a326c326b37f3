"""Finding a person or a case from anywhere (the command palette, the boards)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import select

from ..db import Database
from ..models import AgendaItem, Incident, Meeting, Person
from ..names import name_key


@dataclass(frozen=True)
class PersonHit:
    id: int
    name: str
    record_id: str | None
    dob: dt.date | None


def search_persons(db: Database, text: str, limit: int = 20) -> list[PersonHit]:
    """Persons whose name contains ``text`` (normalised) or whose records id starts with it."""
    key = name_key(text)
    if not key:
        return []
    stmt = (
        select(Person.id, Person.name, Person.record_id, Person.dob)
        .where(Person.merged_into_id.is_(None))
        .where(or_(Person.name_key.contains(key, autoescape=True), Person.record_id.istartswith(text.strip(), autoescape=True)))
        .order_by(Person.name_key)
        .limit(limit)
    )
    with db.session() as s:
        return [PersonHit(*row) for row in s.exec(stmt).all()]


def search_cases(db: Database, text: str, limit: int = 20) -> list[tuple[int, str, dt.datetime]]:
    """Incidents whose case number contains ``text``: (incident id, case number, occurred at)."""
    text = text.strip()
    if not text:
        return []
    stmt = (
        select(Incident.id, Incident.case_number, Incident.occurred_at)
        .where(Incident.case_number.contains(text, autoescape=True))
        .order_by(Incident.occurred_at.desc())
        .limit(limit)
    )
    with db.session() as s:
        return [tuple(r) for r in s.exec(stmt).all()]  # type: ignore[misc]


def latest_review_of(db: Database, incident_id: int) -> tuple[int, int] | None:
    """(meeting id, agenda item id) of the latest meeting that has this incident on its agenda."""
    stmt = (
        select(AgendaItem.meeting_id, AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.incident_id == incident_id)
        .order_by(Meeting.date.desc())
        .limit(1)
    )
    with db.session() as s:
        row = s.exec(stmt).first()
    return (row[0], row[1]) if row else None
