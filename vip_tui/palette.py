"""The command palette's search: persons by name or records id, incidents by case number."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import VipApp


class SearchProvider(Provider):
    """Type part of a name, a records id or a case number."""

    async def search(self, query: str) -> Hits:
        from .services.review import search_cases, search_persons

        app: VipApp = self.app  # type: ignore[assignment]
        if len(query.strip()) < 2:
            return
        # Off the event loop: the palette stays responsive on a large history.
        persons, cases = await asyncio.gather(
            asyncio.to_thread(search_persons, app.db, query, 12),
            asyncio.to_thread(search_cases, app.db, query, 8),
        )
        matcher = self.matcher(query)
        for hit in persons:
            label = app.person_name(hit.name)
            detail = " · ".join(x for x in (hit.record_id, f"dob {hit.dob}" if hit.dob and not app.presenting else None) if x)
            score = max(matcher.match(label), 0.5)
            yield Hit(score, matcher.highlight(label), partial(app.open_person, hit.id), text=label,
                      help=f"person{' · ' + detail if detail else ''}")
        for incident_id, case_number, occurred_at in cases:
            score = max(matcher.match(case_number), 0.5)
            yield Hit(score, matcher.highlight(case_number), partial(app.open_case, incident_id), text=case_number,
                      help=f"incident of {occurred_at:%Y-%m-%d %H:%M}")
