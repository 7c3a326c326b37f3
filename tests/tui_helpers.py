"""Shared pieces of the TUI tests: a database from the sample agendas and settling the screen."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App
from textual.pilot import Pilot

from tests.conftest import AGENDAS, FixedClock
from vip_tui.agenda.importer import import_files
from vip_tui.db import Database, open_database
from vip_tui.services import meetings

REVIEW_DATE = dt.date(2026, 11, 24)


def sample_database(tmp_path: Path, clock: FixedClock) -> Database:
    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    import_files(database, sorted(AGENDAS.glob("week*")))
    return database


def meeting_id(database: Database, date: dt.date = REVIEW_DATE) -> int:
    meeting = meetings.meeting_by_date(database, date)
    assert meeting is not None and meeting.id is not None
    return meeting.id


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and the screen has drawn what they loaded."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(3):
        for _attempt in range(10):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:  # a load replaced by a newer one (an exclusive worker): wait for that one
                await pilot.pause()
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    keys = []
    for ch in text:
        keys.append({" ": "space", "\n": "enter", "-": "minus", ".": "full_stop", ",": "comma",
                     "+": "plus", ":": "colon", "/": "slash", "'": "apostrophe", "?": "question_mark",
                     "(": "left_parenthesis", ")": "right_parenthesis"}.get(ch, ch))
    await pilot.press(*keys)


async def tables_drawn(pilot: Pilot) -> None:
    """Wait until every shown table's first row is on screen: rows a worker added are drawn a frame later."""
    from textual.widgets import DataTable

    app = pilot.app
    steady = 0
    for _ in range(100):
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        firsts = [  # the first row's first two cells, as the table draws them: side by side on one line
            [str(cell).strip() for cell in table.get_row_at(0)[:2]]
            for table in app.screen.query(DataTable)
            if table.display and table.row_count
        ]
        app.screen.refresh(layout=True)  # a table sized to its rows ("height: auto") is laid out again with them
        await pilot.pause()
        # Three frames in a row: a reload (the masking index, a poll) may clear and refill a table.
        side_by_side = [re.compile(r"\s+".join(re.escape(c) for c in cells if c)) for cells in firsts]
        steady = steady + 1 if all(any(p.search(line) for line in lines) for p in side_by_side) else 0
        if steady >= 3:
            return
        await pilot.pause()
    raise AssertionError(f"the tables of {type(app.screen).__name__} were not drawn with their rows")


async def until(pilot: Pilot, condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    """Let the app run until ``condition`` holds; fail naming ``what`` did not happen.

    The bound is only a backstop for a broken app: a loaded machine makes the
    wait longer, never the test wrong.
    """
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        await pilot.pause(0.02)


def palette_hits(app: App) -> int:
    """How many hits the open command palette lists (0 while it is still searching)."""
    from textual.command import CommandList, CommandPalette

    screen = app.screen
    return screen.query_one(CommandList).option_count if isinstance(screen, CommandPalette) else 0


def suggestions_settled(app: App) -> bool:
    """The person form on top shows the suggestions for what is typed (no lookup pending)."""
    return bool(getattr(app.screen, "settled", False))


async def press_at_once(pilot: Pilot, *keys: str) -> None:
    """Keys typed faster than the screen handles them: every one is queued before the first is handled."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, " " if key == "space" else key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)  # noqa: SLF001  (as Pilot.press does, without waiting between keys)
    await settle(pilot)
