"""The release review: what of a meeting's stored text goes into its partner edition (SPEC §7).

Each stored string the partner minutes may print is a :class:`Passage`
(:mod:`vip_tui.disclosure.passages` lists them). Per passage the facilitator
releases it, edits it into partner wording, or withholds it; a protected
token found in it (:class:`Hit`) may be marked "not this person" (a
:class:`~vip_tui.models.ReleaseExemption` row, audited like every row). A
decision holds for the text it was taken on: once the stored text changes
(``source_hash``), the passage is undecided again; an exemption holds for the
text its hit was found in.

The partner edition is written only when every passage is resolved
(:func:`unresolved` is empty); the export checks it again, and the leak scan
checks the finished document.

Writes are version-checked: ``version`` is the version of the decision the
screen showed (None: it showed no decision). If another instance decided
since, the write is refused with :class:`StaleRelease` and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from ..db import Database
from ..disclosure import protected_index
from ..disclosure.passages import Source, partner_sources
from ..disclosure.tokens import ProtectedIndex
from ..enums import ReleaseDecision
from ..models import Meeting, PartnerRelease, ReleaseExemption
from ..sanitize import clean
from .guard import STALE, ReviewError, StaleEdit

if TYPE_CHECKING:
    from sqlmodel import Session

    from ..export.data import MeetingData

__all__ = [
    "Hit",
    "Passage",
    "ReleaseError",
    "StaleRelease",
    "edit",
    "not_this_person",
    "passages",
    "release",
    "release_all_clean",
    "unresolved",
    "withhold",
]

class ReleaseError(ReviewError):
    """A release decision refused; the message says what to do."""


class StaleRelease(ReleaseError, StaleEdit):
    """Another instance decided this passage since it was loaded; nothing was written."""


@dataclass(frozen=True)
class Hit:
    """A protected token in a passage."""

    start: int  # span in the passage's text (in partner_text when the passage is edited)
    end: int
    token: str  # the matching words, folded, joined by " " (the key an exemption stores)
    what: str  # for the facilitator (full audience): 'a name part of "…"', 'the date of birth of "…"'
    exempt: bool  # marked "not this person" for this passage's current text


@dataclass(frozen=True)
class Passage:
    """One stored text of the partner edition with its decision and hits."""

    key: str
    meeting_id: int
    where: str
    field: str
    text: str
    needs_release: bool
    decision: ReleaseDecision | None  # None: undecided, or decided on a text that has changed since
    partner_text: str | None  # the partner wording, when edited
    hits: tuple[Hit, ...]  # in the text that would go (partner_text if edited, else text)
    version: int | None  # of the PartnerRelease row, for version-checked writes

    @property
    def scanned(self) -> str:
        """The text that would go, in which the hits were found."""
        if self.decision == ReleaseDecision.edited and self.partner_text is not None:
            return self.partner_text
        return self.text

    @property
    def open_hits(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if not h.exempt)

    @property
    def resolved(self) -> bool:
        """Withheld, or (released, edited, or text written for partners) with no unexempted hit."""
        if self.decision == ReleaseDecision.withheld:
            return True
        if self.needs_release and self.decision is None:
            return False
        return not self.open_hits

    @property
    def goes(self) -> str | None:
        """What the partner edition prints; None when withheld or not (yet) allowed to go."""
        if self.decision == ReleaseDecision.withheld or not self.resolved:
            return None
        return self.scanned

    @property
    def exempt_tokens(self) -> frozenset[str]:
        return frozenset(h.token for h in self.hits if h.exempt)

    def problem(self) -> str:
        """Why it is unresolved, in words (empty when resolved)."""
        if self.resolved:
            return ""
        tokens = sorted({f'"{h.token}"' for h in self.open_hits})
        if tokens:
            return "protected: " + ", ".join(tokens)
        return "law-enforcement wording: release, edit or withhold it"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- reading


def load(session: Session, meeting_id: int, *, data: MeetingData | None = None,
         index: ProtectedIndex | None = None) -> list[Passage]:  # fmt: skip
    """The passages of a meeting through ``session`` (the export reuses its data and index)."""
    data, index = _context(session, meeting_id, data, index)
    # Core rows: a 60-incident meeting has some 1,500 decisions, and ORM objects cost ten times as much.
    pr, ex = PartnerRelease.__table__, ReleaseExemption.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    decisions = {
        r.passage: r
        for r in connection.execute(
            sa.select(pr.c.passage, pr.c.source_hash, pr.c.decision, pr.c.partner_text, pr.c.version).where(
                pr.c.meeting_id == meeting_id
            )
        )
    }
    exemptions: dict[str, set[tuple[str, str]]] = {}
    for passage, digest, token in connection.execute(
        sa.select(ex.c.passage, ex.c.source_hash, ex.c.token).where(ex.c.meeting_id == meeting_id)
    ):
        exemptions.setdefault(passage, set()).add((digest, token))
    return [_passage(meeting_id, src, decisions.get(src.key), exemptions.get(src.key, set()), index)
            for src in partner_sources(data)]  # fmt: skip


def _context(
    session: Session, meeting_id: int, data: MeetingData | None = None, index: ProtectedIndex | None = None
) -> tuple[MeetingData, ProtectedIndex]:
    """The meeting's data and the protected index its passages are scanned with."""
    from ..export.data import load_meeting

    if data is None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise ReleaseError(f"no meeting with id {meeting_id}")
        data = load_meeting(session, meeting.date)
    if index is None:
        index = protected_index(session, (n.text for n in data.le_notes()))
    return data, index


def _one(session: Session, meeting_id: int, src: Source, index: ProtectedIndex) -> Passage:
    """One passage as the database has it now: its decision row and exemptions only."""
    row = session.exec(
        select(PartnerRelease).where(PartnerRelease.meeting_id == meeting_id, PartnerRelease.passage == src.key)
    ).first()
    exempt = {
        (e.source_hash, e.token)
        for e in session.exec(
            select(ReleaseExemption).where(ReleaseExemption.meeting_id == meeting_id, ReleaseExemption.passage == src.key)
        ).all()
    }
    return _passage(meeting_id, src, row, exempt, index)


def _passage(
    meeting_id: int, src: Source, row: Any, exempt: set[tuple[str, str]], index: ProtectedIndex
) -> Passage:
    decision = partner_text = None
    if row is not None and row.source_hash == text_hash(src.text):
        decision = ReleaseDecision(row.decision)
        partner_text = row.partner_text if decision == ReleaseDecision.edited else None
    scanned = partner_text if partner_text is not None else src.text
    digest = text_hash(scanned)
    hits = tuple(
        Hit(m.start, m.end, m.token, m.describe(), (digest, m.token) in exempt) for m in index.find(scanned)
    )
    return Passage(
        key=src.key,
        meeting_id=meeting_id,
        where=src.where,
        field=src.field,
        text=src.text,
        needs_release=src.needs_release,
        decision=decision,
        partner_text=partner_text,
        hits=hits,
        version=row.version if row is not None else None,
    )


def passages(db: Database, meeting_id: int) -> list[Passage]:
    """Every passage of the meeting's partner edition, in document order."""
    with db.session() as s:
        return load(s, meeting_id)


def unresolved(db: Database, meeting_id: int) -> list[Passage]:
    """The passages that still stop the partner edition, in document order."""
    return [p for p in passages(db, meeting_id) if not p.resolved]


# --------------------------------------------------------------------------- deciding


def _find(s: Session, meeting_id: int, key: str) -> tuple[Passage, Callable[[], Passage]]:
    """The passage ``key`` now, and how to read it again after a write (that passage alone, same index)."""
    data, index = _context(s, meeting_id)
    for src in partner_sources(data):
        if src.key == key:
            return _one(s, meeting_id, src, index), lambda: _one(s, meeting_id, src, index)
    raise ReleaseError(f"the passage {key} is not in the partner edition of this meeting (any more); reloaded")


def _decide(
    db: Database, meeting_id: int, key: str, decision: ReleaseDecision, partner_text: str | None, version: int | None
) -> Passage:
    try:
        with db.transaction() as s:
            current, again = _find(s, meeting_id, key)
            row = s.exec(
                select(PartnerRelease).where(PartnerRelease.meeting_id == meeting_id, PartnerRelease.passage == key)
            ).first()
            if (row.version if row is not None else None) != version:
                raise StaleRelease(f"the decision on {current.field} ({current.where}) was {STALE}")
            if row is None:
                row = PartnerRelease(meeting_id=meeting_id, passage=key, source_hash="", decision=decision,
                                     decided_by=db.user, decided_at=db.now())  # fmt: skip
            row.source_hash = text_hash(current.text)
            row.decision = decision
            row.partner_text = partner_text
            row.decided_by = db.user
            row.decided_at = db.now()
            s.add(row)
            s.flush()
            return again()
    except (StaleDataError, IntegrityError):
        raise StaleRelease(f"the decision on {key} was {STALE}") from None


def release(db: Database, meeting_id: int, key: str, *, version: int | None) -> Passage:
    """The passage goes as written (once no unexempted hit is left in it)."""
    return _decide(db, meeting_id, key, ReleaseDecision.released, None, version)


def withhold(db: Database, meeting_id: int, key: str, *, version: int | None) -> Passage:
    """The passage does not go to partners."""
    return _decide(db, meeting_id, key, ReleaseDecision.withheld, None, version)


def edit(db: Database, meeting_id: int, key: str, partner_text: str, *, version: int | None) -> Passage:
    """The passage goes in ``partner_text`` instead (which is scanned like any text)."""
    text = clean(partner_text).strip()
    if not text:
        raise ReleaseError("the partner wording is empty: write it, or withhold the passage instead")
    return _decide(db, meeting_id, key, ReleaseDecision.edited, text, version)


def not_this_person(db: Database, meeting_id: int, key: str, token: str) -> Passage:
    """Mark a hit of the passage as not meaning anyone on file (a street, a staff member): audited."""
    token = " ".join(token.split()).casefold()
    try:
        with db.transaction() as s:
            current, again = _find(s, meeting_id, key)
            if token not in {h.token for h in current.hits}:
                found = ", ".join(sorted({f'"{h.token}"' for h in current.hits})) or "none"
                raise ReleaseError(f'"{token}" is not a protected token of this passage (its hits: {found})')
            digest = text_hash(current.scanned)
            exists = s.exec(
                select(ReleaseExemption).where(
                    ReleaseExemption.meeting_id == meeting_id,
                    ReleaseExemption.passage == key,
                    ReleaseExemption.source_hash == digest,
                    ReleaseExemption.token == token,
                )
            ).first()
            if exists is None:
                s.add(ReleaseExemption(meeting_id=meeting_id, passage=key, source_hash=digest, token=token,
                                       decided_by=db.user, decided_at=db.now()))  # fmt: skip
                s.flush()
            return again()
    except IntegrityError:
        raise StaleRelease(f"the passage {key} was {STALE}") from None


def release_all_clean(db: Database, meeting_id: int, *, withhold_rest: bool = False) -> int:
    """Release every undecided passage with no unexempted hit; the number released.

    ``withhold_rest``: withhold every other unresolved passage too, in the
    same transaction (generated histories and tests; a facilitator decides
    those one by one).
    """
    with db.transaction() as s:
        now: dt.datetime = db.now()
        existing = {
            r.passage: r for r in s.exec(select(PartnerRelease).where(PartnerRelease.meeting_id == meeting_id))
        }
        count = 0
        for p in load(s, meeting_id):
            if p.decision is None and not p.open_hits:
                decision = ReleaseDecision.released
                count += 1
            elif withhold_rest and not p.resolved:
                decision = ReleaseDecision.withheld
            else:
                continue
            row = existing.get(p.key) or PartnerRelease(
                meeting_id=meeting_id, passage=p.key, source_hash="", decision=decision,
                decided_by=db.user, decided_at=now,
            )  # fmt: skip
            row.source_hash = text_hash(p.text)
            row.decision = decision
            row.partner_text = None
            row.decided_by = db.user
            row.decided_at = now
            s.add(row)
        return count
