"""Stored text is never markup and never reaches the terminal raw (issue 12 items 4 and 5), on every screen.

A corpus of click actions, markup, escape sequences and a bidi override is
written into titles, names, aliases, summaries, notes and decisions through
the models and services; the Pilot then walks every screen and the palette,
clicking where the text shows, and checks that the literal text is shown
(control characters as visible pictures), the app still runs and
presentation mode did not change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import AGENDAS
from tests.tui_helpers import REVIEW_DATE, meeting_id, sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.models import Attendee, Incident, Meeting, Person
from vip_tui.names import name_key
from vip_tui.sanitize import for_terminal
from vip_tui.services import decisions, items

QUIT = "[@click=app.quit]Quit now[/]"
TOGGLE = "[@click=app.toggle_presentation]Toggle[/]"
BOLD = "[b]bold words"
CLEAR = "Clear\x1b[2J here"
TITLE = "Set\x1b]0;pwned\x07 title"
BIDI = "Bidi \u202eevil"
SIZE = (160, 50)


def on_screen(app) -> list[str]:  # noqa: ANN001
    """The lines the terminal shows now, as text."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def where(app, text: str) -> tuple[int, int] | None:  # noqa: ANN001
    """Where ``text`` shows on screen (column, row), as the terminal would draw it."""
    shown = for_terminal(text)
    for row, line in enumerate(on_screen(app)):
        col = line.find(shown)
        if col >= 0:
            return col, row
    return None


async def shows_and_survives_a_click(pilot, text: str) -> None:  # noqa: ANN001
    """``text`` is on screen literally; clicking it runs nothing: the app runs, presentation mode is unchanged."""
    app = pilot.app
    spot = where(app, text)
    for _ in range(100):  # a table filled by a worker is drawn on a later frame: wait for it, not for a time
        if spot is not None:
            break
        await pilot.pause()
        spot = where(app, text)
    assert spot is not None, f"{for_terminal(text)!r} not on screen:\n" + "\n".join(on_screen(app))
    presenting = app.presenting
    screen = app.screen
    col, row = spot
    await pilot.click(offset=(col + 1, row))
    await settle(pilot)
    assert app.is_running and app.return_code is None
    assert app.presenting == presenting
    if app.screen is not screen:  # a click on a row may open it (a profile, a stage): that is the row's own action
        await pilot.press("escape")
        await settle(pilot)


@pytest.fixture
def hostile(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    database = sample_database(tmp_path, clock)
    mid = meeting_id(database)
    earlier = meeting_id(database, dt.date(2026, 11, 17))
    first = items.agenda(database, mid)[0]
    detail = items.item_detail(database, first.id, with_history=False)
    # The first person is the homicide victim: no notification for them (issue 13 item 7), so the second is notified.
    quitter, clearer = detail.persons[1].person_id, detail.persons[0].person_id
    with database.transaction() as s:
        s.get(Meeting, mid).title = QUIT
        s.get(Meeting, earlier).title = TOGGLE
        incident = s.get(Incident, first.incident_id)
        incident.summary = BOLD
        incident.motive = BIDI
        incident.location = TITLE
        s.get(Person, quitter).name = QUIT
        s.get(Person, quitter).name_key = name_key(QUIT)  # found by the palette's search
        person = s.get(Person, clearer)
        person.name = CLEAR
        person.aliases = [TITLE]
        attendee = s.exec(__import__("sqlmodel").select(Attendee)).first()
        attendee.name = BOLD
    items.save_note(database, first.id, TOGGLE, version=None)
    decisions.add_action_item(database, earlier, QUIT, owner_agency="RMPD", due_date=dt.date(2026, 11, 20))
    decisions.add_action_item(database, mid, TOGGLE, incident_id=first.incident_id, owner_agency="RMPD")
    decisions.propose_notification(database, mid, quitter, incident_id=first.incident_id, reasons=BOLD,
                             due_date=dt.date(2026, 11, 30))
    decisions.add_referral(database, clearer, "housing", provider=BIDI, meeting_id=mid, incident_id=first.incident_id)
    return SimpleNamespace(db=database, id=mid, quitter=quitter, clearer=clearer)


async def test_hostile_text_is_shown_literally_on_every_screen_and_clicking_it_does_nothing(hostile) -> None:  # noqa: ANN001
    app = make_app(hostile.db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Meetings: the titles are table cells.
        for text in (QUIT, TOGGLE):
            await shows_and_survives_a_click(pilot, text)
        # The meeting's stages.
        app.open_stage(hostile.id, "attendance")
        await settle(pilot)
        await shows_and_survives_a_click(pilot, BOLD)
        app.open_stage(hostile.id, "old_business")
        await settle(pilot)
        await shows_and_survives_a_click(pilot, QUIT)
        app.open_stage(hostile.id, "review")
        await settle(pilot)
        for text in (BOLD, BIDI, TITLE, CLEAR, TOGGLE):
            await shows_and_survives_a_click(pilot, text)
        assert where(app, QUIT) is not None
        app.open_stage(hostile.id, "wrap_up")
        await settle(pilot)
        await shows_and_survives_a_click(pilot, TOGGLE)
        await pilot.press("escape")  # back to the meetings list
        await settle(pilot)
        # The boards, the profile, the builder, the figures and the import screen.
        await pilot.press("N")
        await settle(pilot)
        await shows_and_survives_a_click(pilot, QUIT)
        await pilot.press("escape")
        await settle(pilot)
        app.open_person(hostile.clearer)
        await settle(pilot)
        for text in (CLEAR, TITLE, BIDI):  # the name, the alias (full view), the referral's provider
            await shows_and_survives_a_click(pilot, text)
        await pilot.press("escape")
        await settle(pilot)
        from vip_tui.screens.agenda_builder import AgendaBuilderScreen

        app.push_screen(AgendaBuilderScreen(hostile.id))
        await settle(pilot)
        for text in (QUIT, CLEAR):
            await shows_and_survives_a_click(pilot, text)
        app.pop_screen()
        await settle(pilot)
        from vip_tui.screens.agenda_import import AgendaImportScreen
        from vip_tui.screens.figures import FiguresScreen

        for screen in (FiguresScreen(), AgendaImportScreen(AGENDAS)):  # no stored text of these: they open and close
            app.push_screen(screen)
            await pilot.pause()
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, type(screen))
            app.pop_screen()
            await pilot.pause()
        # The palette: a person's name as a hit.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Quit now")
        for _ in range(50):  # the palette searches in the background: wait until its hit shows
            if where(app, QUIT) is not None:
                break
            await pilot.pause(0.05)
        await shows_and_survives_a_click(pilot, QUIT)
        assert app.is_running and not app.presenting


async def test_presenting_the_palette_shows_no_records_id_or_birth_date(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = sample_database(tmp_path, clock)
    first = items.agenda(database, meeting_id(database, REVIEW_DATE))[0]
    person = items.item_detail(database, first.id, with_history=False).persons[1]
    assert person.record_id
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, person.name.split()[-1][:5])
        await settle(pilot)
        text = "\n".join(on_screen(app))
        assert "person" in text  # the hit is there, as initials
        for part in (*person.name.replace("-", " ").split(), person.record_id):
            assert part not in text, part
        if person.dob:
            assert person.dob.isoformat() not in text
