"""Issue 13: the review screen can be trusted with every key.

The notes editor is entered with e only, its cursor after the note; no key
is lost or misplaced around it; every pane is reached with tab and scrolled
with keys at 80x24 and 120x36; a closed meeting's keys say why they do nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from tests.test_tui_review import notes_of
from tests.tui_helpers import meeting_id, sample_database, type_text
from tests.tui_helpers import press_at_once
from tests.tui_helpers import settle
from vip_tui.app import make_app
from vip_tui.enums import ReviewStatus, RetaliationRisk
from vip_tui.models import Incident
from vip_tui.screens.base import CLOSED_MEETING
from vip_tui.screens.review import ReviewScreen
from vip_tui.services import decisions, items, meetings

FIRST = "26-0091044"
LONG_SUMMARY = " ".join(
    f"Part {n}: the caller heard several shots near the corner store and saw a grey sedan leave southbound;"
    for n in range(1, 9)
) + " the last words of the summary."
LONG_MOTIVE = "a dispute over a parked car that started at a birthday party and went on for weeks online"


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    meetings.start_meeting(db, meeting_id(db), version=None)
    yield db
    db.dispose()


@pytest.fixture
def busy_item(database):  # noqa: ANN001, ANN201
    """The first item with a long summary and motive, an immediate retaliation risk, five decisions, five notes."""
    meeting = meeting_id(database)
    first = items.agenda(database, meeting)[0]
    with database.transaction() as s:
        incident = s.get(Incident, first.incident_id)
        incident.summary = LONG_SUMMARY
        incident.motive = LONG_MOTIVE
        incident.retaliation_risk = RetaliationRisk.immediate
    persons = items.item_detail(database, first.id, with_history=False).persons
    due = dt.date(2026, 12, 1)
    decisions.add_action_item(database, meeting, "Pull the doorbell video from the block", incident_id=first.incident_id,
                        owner_agency="RMPD", owner_name="Det. R. Quintana", due_date=due)
    decisions.propose_notification(database, meeting, persons[1].person_id, incident_id=first.incident_id,
                             reasons="suspect with an earlier victimisation", team_officer="Ofc. M. Duran",
                             due_date=due)
    decisions.add_action_item(database, meeting, "Ask the lab about the NIBIN lead", incident_id=first.incident_id,
                        owner_agency="ATF", due_date=due)
    decisions.add_referral(database, persons[1].person_id, "peer support", provider="Eastside Outreach",
                     meeting_id=meeting, incident_id=first.incident_id)
    decisions.add_action_item(database, meeting, "Last decision: check the vigil permit", incident_id=first.incident_id,
                        owner_agency="RMPD", due_date=due)
    for n in range(1, 6):  # the last is in the editor, the four before it listed above the decisions
        items.save_note(database, first.id, f"Note {n} of the discussion", version=None)
    return database


async def open_review(app, pilot: Pilot) -> ReviewScreen:  # noqa: ANN001
    app.open_stage(meeting_id(app.db), "review")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def focus_by_tab(pilot: Pilot, pane) -> None:  # noqa: ANN001
    """tab until ``pane`` has focus: it must be reached within one round of the panes."""
    for _ in range(6):
        if pilot.app.screen.focused is pane:
            return
        await pilot.press("tab")
    assert pilot.app.screen.focused is pane


def persons_of(screen: ReviewScreen) -> OptionList:
    return screen.query_one("#persons", OptionList)


# ------------------------------------------------------------------- the notes editor


async def test_e_puts_the_cursor_after_the_note_and_typing_goes_on_from_there(database) -> None:  # noqa: ANN001
    first = items.agenda(database, meeting_id(database))[0]
    items.save_note(database, first.id, "Family asked for a vigil permit.\nCousin drives a grey sedan.", version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("e")
        editor = screen.query_one("#notes", TextArea)
        assert screen.focused is editor and editor.cursor_location == (1, len("Cousin drives a grey sedan."))
        await type_text(pilot, " Call ATF.")
        await pilot.press("escape")
        await settle(pilot)
    assert [n.text for n in notes_of(database, FIRST)] == [
        "Family asked for a vigil permit.\nCousin drives a grey sedan. Call ATF."
    ]


async def test_tab_never_enters_the_editor_and_a_j_after_tab_is_no_note(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        editor = screen.query_one("#notes", TextArea)
        seen = []
        for key in ["tab"] * 6 + ["shift+tab"] * 6:
            await pilot.press(key, "j")
            seen.append(screen.focused)
        await settle(pilot)
        assert editor not in seen and None not in seen
        assert {w.id for w in seen} >= {"agenda", "facts-pane", "persons"}
        assert editor.text == ""
    assert notes_of(database, FIRST) == []


async def test_a_key_right_after_escape_is_a_command_and_the_note_holds_what_was_typed(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        persons = persons_of(screen)
        persons.focus()
        await settle(pilot)
        assert persons.highlighted == 0
        await pilot.press("e")
        await type_text(pilot, "Vigil on Friday")
        await press_at_once(pilot, "escape", "j")  # j queued before escape is handled
        assert screen.focused is persons and persons.highlighted == 1
        await press_at_once(pilot, "e", "space", "x", "escape", "n")
        assert screen.detail.incident.case_number != FIRST and screen.current == 1
    assert [n.text for n in notes_of(database, FIRST)] == ["Vigil on Friday x"]


async def test_a_key_right_after_tab_out_of_the_editor_is_no_note(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        editor = screen.query_one("#notes", TextArea)
        await pilot.press("e")
        await type_text(pilot, "Canvass")
        await press_at_once(pilot, "tab", "j", "shift+tab", "k")
        assert screen.focused is not editor and screen.focused is not None
        assert editor.text == "Canvass"
    assert [n.text for n in notes_of(database, FIRST)] == ["Canvass"]


async def test_the_highlighted_person_stays_through_the_autosave_and_reloads(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        persons = persons_of(screen)
        persons.focus()
        await pilot.press("j", "j")
        assert persons.highlighted == 2
        await pilot.press("e")
        await type_text(pilot, "Brother came to the vigil")
        screen._autosave()  # noqa: SLF001  the typing pause's save, without waiting for it
        screen.poll_changes()  # and what another instance's poll redraws
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.focused is persons and persons.highlighted == 2
        await pilot.press("n", "p")  # another item and back: the first person again
        await settle(pilot)
        assert persons.highlighted == 0
    assert [n.text for n in notes_of(database, FIRST)] == ["Brother came to the vigil"]


async def test_a_click_on_the_editor_enters_it(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert await pilot.click("#notes")
        await settle(pilot)
        assert screen.focused is screen.query_one("#notes", TextArea)
        await type_text(pilot, "clicked")
        await pilot.press("escape")
        await settle(pilot)
    assert [n.text for n in notes_of(database, FIRST)] == ["clicked"]


async def test_escape_goes_back_to_the_pane_the_editor_was_entered_from(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("shift+tab")  # agenda -> the last pane: the incident (no earlier notes yet)
        assert screen.focused.id == "facts-pane"
        await pilot.press("e", "a", "escape")
        assert screen.focused.id == "facts-pane"
        await pilot.press("ctrl+n")
        await type_text(pilot, "second")
        await pilot.press("escape")
        assert screen.focused.id == "facts-pane"
        await settle(pilot)
    assert [n.text for n in notes_of(database, FIRST)] == ["a", "second"]


# ------------------------------------------------------------------- every pane reached and scrolled


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_pane_is_reached_by_tab_and_scrolled_by_keys(busy_item, size) -> None:  # noqa: ANN001
    app = make_app(busy_item)
    async with app.run_test(size=size) as pilot:
        screen = await open_review(app, pilot)
        await settle(pilot)
        facts = screen.query_one("#facts-pane")
        await focus_by_tab(pilot, facts)
        assert facts.max_scroll_y > 0  # the long summary does not fit: it scrolls
        await pilot.press("j")
        assert facts.scroll_y == 1
        for _ in range(facts.max_scroll_y + 2):
            await pilot.press("down")
        assert facts.scroll_y == facts.max_scroll_y
        assert "the last words of the summary." in "\n".join(
            strip.text for strip in screen._compositor.render_strips()  # noqa: SLF001
        )
        persons = persons_of(screen)
        await focus_by_tab(pilot, persons)
        last = persons.option_count - 1
        for _ in range(last):
            await pilot.press("j")
        assert persons.highlighted == last and persons.scroll_y > 0
        earlier = screen.query_one("#earlier-pane")
        await focus_by_tab(pilot, earlier)
        assert earlier.max_scroll_y > 0
        await pilot.press("j")
        assert earlier.scroll_y == 1
        await pilot.press("k")
        assert earlier.scroll_y == 0


async def test_the_footer_shows_help_and_the_stages_at_80_columns(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(app, pilot)
        await pilot.pause()
        footer = app.screen._compositor.render_strips()[-1].text  # noqa: SLF001
        assert "? Help" in footer and "1234" in footer, footer


# ------------------------------------------------------------------- a closed meeting


async def test_a_closed_meetings_keys_say_why_they_do_nothing(database) -> None:  # noqa: ANN001
    meetings.close_meeting(database, meeting_id(database), version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        for key in ("a", "d", "f", "c", "r", "S", "ctrl+n", "ctrl+l", "e"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert [n.message for n in app._notifications] == [CLOSED_MEETING], key  # noqa: SLF001
        editor = screen.query_one("#notes", TextArea)
        assert screen.focused is editor and editor.read_only  # e still opens the note to read it
        await pilot.press("x", "escape")
        assert len(app.screen_stack) == 2 and isinstance(app.screen, ReviewScreen)
    assert all(r.review_status == ReviewStatus.pending for r in items.agenda(database, meeting_id(database)))
    assert notes_of(database, FIRST) == []


# ------------------------------------------------------------------- how it looks


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_a_busy_item_looks_right(snap_compare, busy_item, size) -> None:  # noqa: ANN001
    app = make_app(busy_item)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_review(app, pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# ------------------------------------------------------------------- vim keys in the lists


async def test_j_moves_in_every_list_and_g_still_jumps_from_each(busy_item) -> None:  # noqa: ANN001
    """The agenda, persons and decisions move with j (VimList); their g is the review's jump, never "first"."""
    from vip_tui.widgets.dialogs import FormDialog

    app = make_app(busy_item)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        for pane in ("#agenda", "#persons", "#decisions"):
            widget = screen.query_one(pane, OptionList)
            await focus_by_tab(pilot, widget)
            before = widget.highlighted
            await pilot.press("j")
            assert widget.highlighted == before + 1, pane
            await pilot.press("g")
            assert isinstance(app.screen, FormDialog) and app.screen.form_title == "Jump to item", pane
            await pilot.press("escape")
            assert app.screen is screen and widget.highlighted == before + 1, pane
            if pane == "#agenda":
                await pilot.press("k")  # back to the current item's line
