"""What each audience may see of a record: decided here and nowhere else (SPEC §2, §7, §9).

The audiences (:class:`~vip_tui.enums.Audience`):

- ``full``: law enforcement, prosecution and supervision: everything, with
  law-enforcement-only notes marked as such;
- ``partner``: community and service agencies: structured facts, role labels
  instead of persons, and free text only where the release review released
  it (:mod:`vip_tui.services.release`);
- ``screen``: presentation mode on a shared screen: initials and role labels,
  no records ids, dates of birth or aliases, law-enforcement-only notes
  hidden, protected tokens in free text masked;
- ``services``: VIP All In program staff (SPEC §9; ``vip --desk services``):
  the meeting as its members read it, with names, but no law-enforcement-only
  notes, records ids, dates of birth, aliases or involvement notes; and,
  alone, the service records of their own compartment.

Screens, the palette, the person picker, the minutes, the agenda pre-read
and the CLI ask the functions below; none masks on its own. The safe answer
is the default: a field this module does not know is not shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..enums import Audience, NoteVisibility
from ..names import initials
from .tokens import ProtectedIndex

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "Audience",
    "ProtectedIndex",
    "may_see",
    "person_name",
    "note_shown",
    "free_text",
    "mask",
    "screen_index",
    "protected_index",
]

_FULL = frozenset({Audience.full})
# What the meeting reads: law enforcement, the shared screen (masked) and the program's staff, who attend it.
_FULL_SCREEN = frozenset({Audience.full, Audience.screen, Audience.services})
_STAFF = frozenset({Audience.full, Audience.services})

# What of a record each audience may read as stored. Anything not listed is
# shown to nobody: the safe outcome is the default.
FIELDS: dict[str, frozenset[Audience]] = {
    # persons
    "person.name": _STAFF,  # screen: initials; partner: role labels (person_name)
    "person.record_id": _FULL,
    "person.dob": _FULL,
    "person.aliases": _FULL,
    "person.notes": _FULL,  # an involvement's notes: law enforcement's words
    "person.flags": _FULL_SCREEN,  # "victim in the last 90 days": the reason text is masked on screen
    # incidents: structured facts go to everyone
    "incident.facts": frozenset(Audience),
    "incident.summary": _FULL_SCREEN,  # masked on screen
    "incident.motive": _FULL_SCREEN,
    "incident.nibin_leads": _FULL_SCREEN,
    "incident.partner_summary": frozenset({Audience.full, Audience.screen, Audience.partner}),  # partner: once released
    # decisions: kinds, owners, due dates and statuses go to everyone
    "decision.facts": frozenset(Audience),
    "action.description": frozenset({Audience.full, Audience.screen, Audience.partner}),  # partner: once released
    "action.outcome": _FULL_SCREEN,
    "notification.reasons": _FULL_SCREEN,  # partners see that a notification is planned, not why
    "notification.outcome": _FULL_SCREEN,
    "notification.services": _FULL_SCREEN,  # services offered and accepted: outreach's notes
    "referral.facts": frozenset(Audience),  # service, provider, status
    "referral.note": _FULL_SCREEN,
    # amendments of a closed meeting (services/amendments.py): partners read which record and field changed,
    # the values only of fields in "decision.facts" and attendance, never why or who
    "meeting.attendance": frozenset(Audience),  # who attended from which agency (names: passages for partners)
    "amendment.reason": _FULL_SCREEN,
    "amendment.user": _FULL_SCREEN,
    "amendment.note": _FULL_SCREEN,  # a note's text or visibility was amended: law enforcement's record
    # VIP All In service records: a compartment of their own (SPEC §9)
    "services.records": frozenset({Audience.services}),
    "services.enrolled_since": frozenset(Audience),
    # The peer coach just typed into the enrollment form, said back to the desk that typed it (never the shared screen)
    "services.coach_entered": _STAFF,
}


def may_see(audience: Audience | str, field: str) -> bool:
    """Whether ``audience`` may be shown ``field`` (a key of :data:`FIELDS`) at all."""
    return Audience(audience) in FIELDS.get(field, frozenset())


def person_name(name: str, audience: Audience | str) -> str:
    """How a person's name shows to ``audience``: in full, as initials, or not at all."""
    audience = Audience(audience)
    if audience in (Audience.full, Audience.services):
        return name
    if audience == Audience.screen:
        return initials(name)
    return "[name withheld]"


def note_shown(visibility: NoteVisibility | str, audience: Audience | str) -> bool:
    """Whether a note of ``visibility`` is shown to ``audience`` (partner: still subject to release)."""
    visibility, audience = NoteVisibility(visibility), Audience(audience)
    if audience == Audience.full:
        return True
    if audience in (Audience.screen, Audience.services):  # program staff attend the meeting; LE-only is not theirs
        return visibility != NoteVisibility.le_only
    return visibility == NoteVisibility.partners


def mask(text: str, index: ProtectedIndex) -> str:
    """``text`` with every protected token replaced: names by their initials, the rest by a marker."""
    out: list[str] = []
    pos = 0
    for m in index.find(text):
        out.append(text[pos : m.start])
        kind = m.items[0].kind
        if kind in ("name", "alias"):
            out.append(initials(text[m.start : m.end]) or "[name]")
        elif kind == "dob":
            out.append("[date of birth]")
        elif kind == "record_id":
            out.append("[records id]")
        else:
            out.append("[withheld]")
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def free_text(text: str | None, audience: Audience | str, index: ProtectedIndex | None = None) -> str:
    """Stored free text as ``audience`` may read it.

    Full and services: as written. Screen: protected tokens masked (``index``
    is required). Partner: never through here: partner text comes only from
    the release review, so this refuses rather than guess.
    """
    audience = Audience(audience)
    s = text or ""
    if audience in (Audience.full, Audience.services):
        return s
    if audience == Audience.screen:
        if index is None:
            raise ValueError("the screen audience needs the protected index to mask free text")
        return mask(s, index)
    raise ValueError("free text reaches partners only through the release review")


def persons_stamp(session: Session) -> tuple:
    """What changes whenever a person is added, removed or changed, here or in another process: the index's freshness."""
    import sqlalchemy as sa

    from ..models import Person

    persons = Person.__table__  # type: ignore[attr-defined]
    count = sa.select(sa.func.count(), sa.func.max(persons.c.id), sa.func.sum(persons.c.version))
    return tuple(session.connection().execute(count).one())


def screen_index(session: Session) -> ProtectedIndex:
    """Every person on file, for masking free text on the shared screen (see :func:`protected_index`)."""
    return protected_index(session)


def protected_index(session: Session, le_notes: Iterable[str] = ()) -> ProtectedIndex:
    """Every person on file (names, aliases, records ids, dates of birth) and ``le_notes``' texts.

    One Core statement on the session's connection: 20,000 persons in a
    five-year history, and ORM rows would cost several times as much.
    """
    import gc

    import sqlalchemy as sa

    from ..models import Person

    table = Person.__table__  # type: ignore[attr-defined]
    # Dates of birth and aliases as the driver gives them: SQLAlchemy's own date and JSON processing
    # of 20,000 rows cost more than the rest of the index (most alias lists are "[]").
    columns = (
        table.c.id,
        table.c.name,
        table.c.record_id,
        sa.type_coerce(table.c.dob, sa.String),
        sa.type_coerce(table.c.aliases, sa.String),
    )
    # Tens of thousands of small objects: the cyclic GC would rescan them (and the cached index)
    # over and over while they are made (none are cyclic).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        connection = session.connection()
        rows = [tuple(row) for row in connection.execute(sa.select(*columns))]
        key = connection.engine.url.render_as_string(hide_password=False)
        cached = _INDEXES.get(key)
        if cached is not None and cached[0] == rows:
            index = cached[1]  # every person exactly as when it was built: the same protection
        else:
            index = ProtectedIndex()
            index.add_persons([_person_row(*row) for row in rows])
            _INDEXES[key] = (rows, index)
        extra = ProtectedIndex()
        for text in le_notes:
            extra.add_le_note(text)
        if extra:
            index = index.with_extra(extra)
    finally:
        if was_enabled:
            gc.enable()
    return index


# The last index built per database, with the person rows it was built from. Reused only when a
# fresh read of every row is equal, so it can never protect less than a new one (issue 11: the
# partner export of a five-year history rebuilt 100,000 sequences each time).
_INDEXES: dict[str, tuple[list[tuple], ProtectedIndex]] = {}


def _person_row(person_id: int, name: str, record_id: str | None, dob: object, aliases: object) -> tuple:
    if isinstance(dob, str):
        dob = dt.date.fromisoformat(dob[:10])
    if isinstance(aliases, str):
        aliases = json.loads(aliases) if aliases not in ("[]", "null", "") else None
    return (person_id, name, record_id, dob, aliases or None)
