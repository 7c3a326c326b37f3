"""Two people at once (issue 6): two instances on one database, SQLite file or PostgreSQL server.

The analyst edits the agenda in one instance while the facilitator has the
meeting open in another: the facilitator's screen picks the change up within
a few seconds, and when both edit the same record the second write is refused
with a message instead of silently overwriting the first.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select
from textual.widgets import Input, OptionList, TextArea

from tests.conftest import AGENDAS, FixedClock
from tests.tui_helpers import settle, type_text
from vip_tui import db as dbmod
from vip_tui.agenda.importer import import_files
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.models import Incident, Meeting, Note
from vip_tui.screens.agenda_builder import AgendaBuilderScreen
from vip_tui.screens.review import POLL_SECONDS, STALE_NOTE, ReviewScreen
from vip_tui.services import agenda_builder as ab
from vip_tui.services import guard, items, meetings
from vip_tui.widgets.person_suggest import CompactForm

WEEK3 = dt.date(2026, 11, 24)


@pytest.fixture
def two(db_url: str, clock: FixedClock):  # noqa: ANN201
    """The sample agendas in one database, opened twice: the analyst's instance and the facilitator's."""
    analyst = open_database(db_url, user="analyst", clock=clock)
    import_files(analyst, sorted(AGENDAS.glob("week*")))
    facilitator = open_database(db_url, user="facilitator", clock=clock)
    meeting = meetings.meeting_by_date(analyst, WEEK3)
    yield analyst, facilitator, meeting.id
    analyst.dispose()
    facilitator.dispose()


def _first_item(database, meeting_id: int) -> ab.ItemLine:  # noqa: ANN001
    return ab.load_agenda(database, meeting_id).items[0]


# --------------------------------------------------------------------------- the services


def test_the_second_write_to_a_record_is_refused_not_overwritten(two) -> None:  # noqa: ANN001
    analyst, facilitator, meeting = two
    mine = _first_item(analyst, meeting)
    theirs = _first_item(facilitator, meeting)
    ab.update_incident(facilitator, theirs.id, theirs.version, theirs.incident_version,
                       {**theirs.form_values(), "motive": "theirs"})
    with pytest.raises(guard.StaleEdit) as info:
        ab.update_incident(analyst, mine.id, mine.version, mine.incident_version, {**mine.form_values(), "motive": "mine"})
    assert str(info.value) == f"case {mine.case_number} was changed by someone else since you opened it; reloaded"
    assert _first_item(analyst, meeting).motive == "theirs"
    # Reloaded, the analyst's next try goes through.
    fresh = _first_item(analyst, meeting)
    ab.update_incident(analyst, fresh.id, fresh.version, fresh.incident_version, {**fresh.form_values(), "motive": "mine"})
    assert _first_item(facilitator, meeting).motive == "mine"


def test_a_race_inside_one_transaction_is_caught_by_the_version_column(two) -> None:  # noqa: ANN001
    """The check and the UPDATE are not atomic; the version in the UPDATE's WHERE closes the gap."""
    analyst, facilitator, meeting = two
    item = _first_item(analyst, meeting)
    with pytest.raises(guard.StaleEdit, match="changed by someone else"):
        with ab._writing(analyst, f"case {item.case_number}") as s:  # noqa: SLF001
            incident = s.get(Incident, item.incident_id)
            assert incident.version == item.incident_version
            with facilitator.transaction() as other:
                other.get(Incident, item.incident_id).motive = "theirs"
            incident.motive = "mine"
    with facilitator.session() as s:
        assert s.get(Incident, item.incident_id).motive == "theirs"


def test_a_stale_note_is_refused_and_a_deleted_one_rewritten(two) -> None:  # noqa: ANN001
    analyst, facilitator, meeting = two
    item = _first_item(analyst, meeting).id
    note, version = ab.save_note(facilitator, item, "first words", note_id=None, version=None)
    ab.save_note(analyst, item, "first words, and theirs", note_id=note, version=version)
    with pytest.raises(guard.StaleEdit, match="this note was changed by someone else"):
        ab.save_note(facilitator, item, "first words, and mine", note_id=note, version=version)
    items.delete_note(analyst, note, version=None)
    again, _ = ab.save_note(facilitator, item, "written again", note_id=note, version=version + 1)
    # (SQLite may hand the freed id out again: what matters is that the words are there.)
    with facilitator.session() as s:
        assert s.get(Note, again).text == "written again"


def test_an_older_database_gets_the_version_columns_on_open(db_url: str, clock: FixedClock) -> None:
    engine = dbmod.make_engine(dbmod.resolve_url(db_url))
    dbmod._migrate(engine, "0001_initial")  # noqa: SLF001
    with engine.begin() as con:
        con.execute(sa.text("INSERT INTO meeting (date, number, status, agenda_ready, last_item_number) "
                            "VALUES ('2026-11-10', 1, 'draft', false, 0)"))
    engine.dispose()
    database = open_database(db_url, user="tester", clock=clock)
    try:
        with database.session() as s:
            assert s.exec(select(Meeting.version)).one() == 1
        meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 10))
        ab.update_meeting(database, meeting.id, 1, {"date": "2026-11-10", "minutes": "90"})
        assert ab.load_agenda(database, meeting.id).meeting.version == 2
    finally:
        database.dispose()


# --------------------------------------------------------------------------- two apps


async def _eventually(pilot, condition, limit: float = 4 * POLL_SECONDS) -> float:  # noqa: ANN001
    """Wait (in real time: the poll is a real timer) until ``condition()`` holds; return the seconds waited.

    The screen polls every POLL_SECONDS, so the change normally shows after
    one poll; the limit leaves room for a loaded test machine.
    """
    waited = 0.0
    while not condition():
        if waited > limit:
            raise AssertionError(f"the change did not show within {limit} s")
        await pilot.pause(0.1)
        waited += 0.1
    await settle(pilot)
    return waited


async def test_the_facilitator_sees_the_analysts_change_within_seconds(two) -> None:  # noqa: ANN001
    analyst_db, facilitator_db, meeting = two
    meetings.start_meeting(facilitator_db, meeting, version=None)
    analyst, facilitator = make_app(analyst_db), make_app(facilitator_db)
    async with analyst.run_test(size=(120, 36)) as a, facilitator.run_test(size=(120, 36)) as f:
        facilitator.open_stage(meeting, "review")
        await settle(f)
        screen = facilitator.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.current == 0
        before = [r.case_number for r in screen.rows]
        current_case = before[0]

        analyst.push_screen(AgendaBuilderScreen(meeting))
        await settle(a)
        builder = analyst.screen
        # The analyst moves the first incident down, adds a person to it and changes its budget, by keys.
        await a.press("J")
        await settle(a)
        await a.press("p")
        await settle(a)
        await type_text(a, "Quinn Example")
        await a.press("enter")
        await type_text(a, "witness")
        await a.press("ctrl+s")
        await settle(a)
        assert builder.highlighted()[0] == "person"  # the new person is highlighted
        while builder.highlighted()[0] != "item":
            await a.press("k")
        await settle(a)
        assert builder.highlighted()[1].case_number == current_case
        await a.press("b", "ctrl+u")
        await type_text(a, "25")
        await a.press("enter")
        await settle(a)

        expected = [before[1], before[0], *before[2:]]
        waited = await _eventually(
            f, lambda: [r.case_number for r in screen.rows] == expected
            and screen.detail is not None and screen.detail.item.minutes == 25
            and "Quinn Example" in [p.name for p in screen.detail.persons],
        )
        assert waited >= 0.0
        after = [r.case_number for r in screen.rows]
        assert after == expected
        # The facilitator stays on the incident they were on, now second.
        assert screen.current == 1 and screen.rows[1].case_number == current_case
        assert screen.detail.item.minutes == 25
        assert "Quinn Example" in [p.name for p in screen.detail.persons]
        assert any("changed in another instance" in n.message for n in facilitator._notifications)


async def test_two_analysts_editing_one_incident_the_second_is_refused_in_the_form(two) -> None:  # noqa: ANN001
    first_db, second_db, meeting = two
    first, second = make_app(first_db), make_app(second_db)
    async with first.run_test(size=(120, 36)) as p1, second.run_test(size=(120, 36)) as p2:
        for app, pilot in ((first, p1), (second, p2)):
            app.push_screen(AgendaBuilderScreen(meeting))
            await settle(pilot)
        # Both open the first incident's form; the first saves a new motive.
        await p2.press("e")
        await settle(p2)
        await p1.press("e")
        await settle(p1)
        for pilot, app, text in ((p1, first, "theirs"), (p2, second, "mine")):
            app.screen.query_one("#f-motive", Input).value = text
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert not isinstance(first.screen, CompactForm)
        form = second.screen
        assert isinstance(form, CompactForm)  # still open, with what was typed
        error = str(form.query_one("#form-error").render())
        case = _first_item(first_db, meeting).case_number
        assert f"case {case} was changed by someone else since you opened it; reloaded" in error
        assert form.query_one("#f-motive", Input).value == "mine"
        assert _first_item(first_db, meeting).motive == "theirs"
        await p2.press("escape", "y")  # what was typed is given up: the form asks first
        await settle(p2)
        assert second.screen.draft.items[0].motive == "theirs"


async def test_a_note_changed_in_another_instance_keeps_what_was_typed(two) -> None:  # noqa: ANN001
    one_db, other_db, meeting = two
    meetings.start_meeting(one_db, meeting, version=None)
    one, other = make_app(one_db), make_app(other_db)
    async with one.run_test(size=(120, 36)) as p1, other.run_test(size=(120, 36)) as p2:
        one.open_stage(meeting, "review")
        await settle(p1)
        await p1.press("e")
        await type_text(p1, "Shots from a car")
        await p1.press("escape")
        await settle(p1)
        other.open_stage(meeting, "review")
        await settle(p2)
        assert other.screen.query_one("#notes", TextArea).text == "Shots from a car"
        # The first instance goes on typing in the same note; then the other one does.
        await p1.press("e", "end")
        await type_text(p1, ", grey sedan")
        await p1.press("escape")
        await settle(p1)
        await p2.press("e", "end")
        await type_text(p2, ", two men")
        await p2.press("escape")
        await settle(p2)
        notes = [n.message for n in other._notifications]
        assert STALE_NOTE in notes
        with one_db.session() as s:
            texts = sorted(n.text for n in s.exec(select(Note).where(Note.meeting_id == meeting)))
        assert texts == ["Shots from a car, grey sedan", "Shots from a car, two men"]
        # The other instance now writes to its own new note, and shows the first one as an earlier note.
        earlier = str(other.screen.query_one("#earlier-notes").render())
        assert "grey sedan" in earlier
        await p2.press("e", "end")
        await type_text(p2, ".")
        await p2.press("escape")
        await settle(p2)
        with one_db.session() as s:
            texts = sorted(n.text for n in s.exec(select(Note).where(Note.meeting_id == meeting)))
        assert texts == ["Shots from a car, grey sedan", "Shots from a car, two men."]


async def test_the_next_item_loaded_ahead_still_shows_a_change_made_meanwhile(two) -> None:  # noqa: ANN001
    """n/p draws the neighbour loaded ahead at once (issue 7), then the fresh copy wherever it differs."""
    analyst_db, facilitator_db, meeting = two
    meetings.start_meeting(facilitator_db, meeting, version=None)
    facilitator = make_app(facilitator_db)
    async with facilitator.run_test(size=(120, 36)) as f:
        facilitator.open_stage(meeting, "review")
        await settle(f)
        screen = facilitator.screen
        assert isinstance(screen, ReviewScreen) and screen.current == 0
        second = ab.load_agenda(analyst_db, meeting).items[1]
        assert second.id in screen._prefetched  # the next item is loaded ahead, as it was
        # Meanwhile, in the analyst's instance: a new motive and a note on the next item.
        ab.update_incident(analyst_db, second.id, second.version, second.incident_version,
                           {**second.form_values(), "motive": "dispute over a parking space"})
        items.save_note(analyst_db, second.id, "Witness saw a grey sedan leave north", version=None)
        await f.press("n")
        await settle(f)
        assert screen.current == 1
        facts = str(screen.query_one("#facts").render())
        assert "dispute over a parking space" in facts
        # The editor held only what was loaded: it now shows the note written elsewhere, at its version.
        assert screen.query_one("#notes", TextArea).text == "Witness saw a grey sedan leave north"
        await f.press("e", "end")
        await type_text(f, ", fast")
        await f.press("escape")
        await settle(f)
        with analyst_db.session() as s:
            texts = [n.text for n in s.exec(select(Note).where(Note.agenda_item_id == second.id))]
        assert texts == ["Witness saw a grey sedan leave north, fast"]  # written to that note, not a copy
