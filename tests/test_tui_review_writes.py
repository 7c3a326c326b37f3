"""Issue 14: the review writes off the UI thread, in key order, and loses nothing typed.

Every write of the review (the item's clock, marks, notes) runs in the
screen's ordered write lane: a database held by another connection no longer
holds the screen up, the next key still sees the previous write, and what was
typed right before the screen goes (a stage key, quit) is written before it
does. Both backends; data from the fictional sample agendas.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.test_busy import Lock, lock, messages, sample  # noqa: F401  (fixtures)
from tests.tui_helpers import meeting_id, press_at_once, settle, type_text, until
from vip_tui.app import BUSY, make_app
from vip_tui.db import Database
from vip_tui.enums import ReviewStatus
from vip_tui.models import Note
from vip_tui.services import items, meetings


def _notes(database: Database, item: int) -> list[str]:
    with database.session() as s:
        return [n.text for n in s.exec(select(Note).where(Note.agenda_item_id == item).order_by(Note.id))]


@pytest.fixture
def started(sample: Database) -> Database:
    """The sample database, its meeting of 2026-11-24 in progress (the review's clocks run)."""
    meetings.start_meeting(sample, meeting_id(sample), version=None)
    return sample


async def _review(app, pilot):  # noqa: ANN001, ANN202
    app.open_stage(meeting_id(app.db), "review")
    await settle(pilot)
    assert type(app.screen).__name__ == "ReviewScreen"
    return app.screen


async def test_the_screen_moves_on_while_the_note_waits_for_a_locked_database(started, lock) -> None:  # noqa: ANN001
    sample = started
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _review(app, pilot)
        first = screen.rows[0].id
        lock.take()
        await pilot.press("e")
        await type_text(pilot, "Canvass the block")
        await press_at_once(pilot, "escape", "n")  # the save waits for the lock; the keys do not
        assert screen.current == 1 and screen.focused is not screen.editor
        assert screen.editor.text == ""  # n was a command, not a letter of the note
        await until(pilot, lambda: BUSY in messages(app), "the busy message")
        assert _notes(sample, first) == []
        lock.release()
        await until(pilot, lambda: _notes(sample, first) == ["Canvass the block"], "the note to be saved")
        await settle(pilot)
        assert app.return_code is None


async def test_a_mark_then_a_note_on_the_next_item_land_in_order(started) -> None:  # noqa: ANN001
    sample = started
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _review(app, pilot)
        first, second = screen.rows[0].id, screen.rows[1].id
        await press_at_once(pilot, "d", "e", "w", "i", "t", "n", "e", "s", "s", "escape", "p")
        assert screen.current == 0
        assert screen.rows[0].review_status == ReviewStatus.discussed  # the reload after the mark shows it
    assert [r.review_status for r in items.agenda(sample, meeting_id(sample))[:2]] == [
        ReviewStatus.discussed, ReviewStatus.pending,
    ]
    assert _notes(sample, first) == [] and _notes(sample, second) == ["witness"]


@pytest.mark.parametrize("leave", ["stage key", "quit"])
async def test_a_note_typed_right_before_the_screen_goes_is_saved(started, leave) -> None:  # noqa: ANN001
    app = make_app(started)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _review(app, pilot)
        first = screen.rows[0].id
        if leave == "stage key":
            await press_at_once(pilot, "e", "V", "i", "g", "i", "l", "escape", "4")
            assert type(app.screen).__name__ == "WrapUpScreen"
        else:
            await pilot.press("e")
            await type_text(pilot, "Vigil")
            await pilot.press("ctrl+q")
    assert _notes(started, first) == ["Vigil"]
