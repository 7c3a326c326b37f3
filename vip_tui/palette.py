"""The command palette's search: persons by name or records id, incidents by case number; VIP All In's
participants by name, at the services desk only (never while presenting)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

if TYPE_CHECKING:
    from .app import VipApp


class SearchProvider(Provider):
    """Type part of a name, a records id or a case number."""

    async def search(self, query: str) -> Hits:
        from .services.search import search_cases, search_persons
        from .widgets import text

        app: VipApp = self.app  # type: ignore[assignment]
        if len(query.strip()) < 2:
            return
        # Off the event loop: the palette stays responsive on a large history.
        persons, cases = await asyncio.gather(
            asyncio.to_thread(search_persons, app.db, query, 12),
            asyncio.to_thread(search_cases, app.db, query, 8),
        )
        matcher = self.matcher(query)
        full = text.may_see(app, "person.record_id")  # records ids, dates of birth: never on the shared screen
        for hit in persons:
            label = text.name(app, hit.name)
            detail = " · ".join(
                text.safe(x) for x in (hit.record_id if full else None,
                                       f"dob {hit.dob}" if hit.dob and text.may_see(app, "person.dob") else None) if x
            )
            score = max(matcher.match(label), 0.5)
            yield Hit(score, _highlight(matcher, label), partial(app.open_person, hit.id), text=label,
                      help=Content(f"person{' · ' + detail if detail else ''}"))  # type: ignore[arg-type]
        for participant_id, name, detail in await _participants(app, query):
            label = text.safe(name)
            score = max(matcher.match(label), 0.5)
            yield Hit(score, _highlight(matcher, label), partial(_open_participant, app, participant_id), text=label,
                      help=Content(f"VIP All In participant · {text.safe(detail)}"))
        for incident_id, case_number, occurred_at in cases:
            case = text.safe(case_number)
            score = max(matcher.match(case), 0.5)
            yield Hit(score, _highlight(matcher, case), partial(app.open_case, incident_id), text=case,
                      help=f"incident of {occurred_at:%Y-%m-%d %H:%M}")


async def _participants(app: VipApp, query: str) -> list[tuple[int, str, str]]:
    """(participant id, name, coach and stage) of the episodes whose person's name holds ``query``'s words.

    Service records: only when the app's audience reads them (the services desk, not presenting).
    """
    from .disclosure import may_see

    if not may_see(app.audience, "services.records"):
        return []
    from .services.all_in import caseload

    rows = await asyncio.to_thread(caseload, app.db, status="all")
    words = query.casefold().split()
    newest: dict[int, tuple[int, str, str]] = {}
    for r in sorted(rows, key=lambda r: (r.exited_on is None, r.episode)):  # the open (else the latest) episode wins
        if all(w in r.person.casefold() for w in words):
            state = r.stage.label if r.exited_on is None else f"exited {r.exited_on.isoformat()}"
            newest[r.person_id] = (r.participant_id, r.person, f"coach {r.coach} · {state}")
    return list(newest.values())[:12]


def _open_participant(app: VipApp, participant_id: int) -> None:
    from .screens.participant import open_participant

    open_participant(app, participant_id)


def _highlight(matcher: Matcher, label: str) -> Content:
    """``label`` with the typed letters highlighted: the label is stored text, never read as markup."""
    content = Content(label)
    score, offsets = matcher.fuzzy_search.match(matcher.query, label)
    if not score:
        return content
    for offset in offsets:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
