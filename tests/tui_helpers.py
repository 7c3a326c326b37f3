"""Shared pieces of the TUI tests: a database from the sample agendas and settling the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot

from tests.conftest import AGENDAS, FixedClock
from vip_tui.agenda.importer import import_files
from vip_tui.db import Database, open_database
from vip_tui.services import review as svc

REVIEW_DATE = dt.date(2026, 11, 24)


def sample_database(tmp_path: Path, clock: FixedClock) -> Database:
    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    import_files(database, sorted(AGENDAS.glob("week*")))
    return database


def meeting_id(database: Database, date: dt.date = REVIEW_DATE) -> int:
    meeting = svc.meeting_by_date(database, date)
    assert meeting is not None and meeting.id is not None
    return meeting.id


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and the screen has drawn what they loaded."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    keys = []
    for ch in text:
        keys.append({" ": "space", "\n": "enter", "-": "minus", ".": "full_stop", ",": "comma",
                     "+": "plus", ":": "colon", "/": "slash", "'": "apostrophe", "?": "question_mark",
                     "(": "left_parenthesis", ")": "right_parenthesis"}.get(ch, ch))
    await pilot.press(*keys)
