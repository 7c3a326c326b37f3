"""The agenda builder from the keyboard (issue 6): a whole agenda from nothing, persons linked not duplicated,
merges, the pre-read, and how it looks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select
from textual.binding import Binding
from textual.widgets import Input, Markdown

from tests.tui_helpers import meeting_id, sample_database, settle, suggestions_settled, type_text, until
from vip_tui.agenda.parse import parse_agenda
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.enums import IncidentType, Role
from vip_tui.models import Dissemination, Person, PersonMerge
from vip_tui.screens.agenda_builder import AgendaBuilderScreen
from vip_tui.screens.help import HelpScreen
from vip_tui.services import agenda_builder as ab
from vip_tui.widgets.person_suggest import CompactForm, PersonPicker

SIZE = (120, 36)
WEEK3 = dt.date(2026, 11, 24)
WEEK4 = dt.date(2026, 12, 1)


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    yield db
    db.dispose()


async def open_builder(app, pilot, date: dt.date = WEEK3) -> AgendaBuilderScreen:  # noqa: ANN001
    await settle(pilot)
    app.push_screen(AgendaBuilderScreen(meeting_id(app.db, date)))
    await settle(pilot)
    assert isinstance(app.screen, AgendaBuilderScreen)
    return app.screen


async def fill(pilot, *values: str) -> None:  # noqa: ANN001
    """Type each value into the form's next field (enter moves on; the last enter saves)."""
    for value in values:
        await pilot.press("ctrl+u")
        await type_text(pilot, value)
        await pilot.press("enter")
    await settle(pilot)


def form_error(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#form-error").render())


# --------------------------------------------------------------------------- a whole agenda from nothing


async def test_a_whole_agenda_from_nothing_with_the_keyboard(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = open_database(str(tmp_path / "vip.db"), user="analyst", clock=clock)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A meeting for a date, from the meetings screen.
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CompactForm)
        await fill(pilot, "2026-12-08", "Weekly Shooting Review", "Real Time Crime Center", "Lt. A. Example",
                   "09:00", "45")
        builder = app.screen
        assert isinstance(builder, AgendaBuilderScreen)
        assert "No incidents yet" in str(builder.query_one("#builder-agenda").get_option_at_index(0).prompt)

        # First incident; a bad date-time first, worded as an import words it.
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "26-0099101", "2026-12-03T25:10", "non", "1600 block Calle Cerro Azul SW", "Southwest",
                   "20", "Two shot in a parked car", "Group conflict", "open", "immediate", "N-2026-0418",
                   "Two people hurt in a parked car")
        assert isinstance(app.screen, CompactForm)
        expected = _import_message(tmp_path, "occurred_at", "2026-12-03T25:10")
        assert form_error(app) == (f"occurred_at: {expected}\n"
                                   'type: "non" is not one of homicide, non_fatal, shots_fired, other')
        app.screen.query_one("#f-occurred_at", Input).value = "2026-12-03T01:20"
        app.screen.query_one("#f-type", Input).value = "non_fatal"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder

        # Its persons: two new people.
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PersonPicker)
        await fill(pilot, "Luis Example-Reyna", "victim", "2000-03-09", "MNI-90001", "Cerro Azul 16", "Driver")
        assert app.screen is builder
        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, "Dana Example", "witness", "", "", "", "")

        # A second incident, and the victim of the first is suggested when typed again: linked, not duplicated.
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "26-0099102", "2026-12-05T22:15", "shots_fired", "3900 block Tamarisk Ct SE", "Southeast",
                   "", "", "", "", "", "", "")
        await pilot.press("p")
        await settle(pilot)
        await type_text(pilot, "luis example reyna")
        await pilot.press("enter")
        await type_text(pilot, "person_of_interest")
        await pilot.press("enter")
        await type_text(pilot, "2000-03-09")
        await until(pilot, lambda: suggestions_settled(app), "suggestions")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        assert picker.chosen() is not None and picker.chosen().name == "Luis Example-Reyna"
        await pilot.press("ctrl+s")
        await settle(pilot)

        # Budgets: the second incident has none yet; the total is shown against the meeting's length.
        assert "20 of 45 min" in str(builder.query_one("#builder-budget").render())
        await _highlight(pilot, builder, "26-0099102")
        await pilot.press("b")
        await settle(pilot)
        await fill(pilot, "30")
        budget = str(builder.query_one("#builder-budget").render())
        assert "50 of 45 min · 5 min over" in budget
        # ... and the later incident goes first.
        await pilot.press("K")
        await settle(pilot)

        # Invitees, one of them from an agency typed with completion.
        await pilot.press("i")
        await settle(pilot)
        await fill(pilot, "Det. B. Example", "RMPD", "Homicide")
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, "SA C. Example")
        await pilot.press("enter")
        await type_text(pilot, "RM")
        await pilot.press("right", "enter")
        await pilot.press("enter")
        await settle(pilot)

        # Ready.
        await pilot.press("r")
        await settle(pilot)
        assert "READY" in str(builder.query_one("#builder-meeting").render())

    draft = ab.load_agenda(database, builder.meeting_id)
    m = draft.meeting
    assert (m.date, m.title, m.location, m.facilitator, m.start_time, m.minutes, m.agenda_ready) == (
        dt.date(2026, 12, 8), "Weekly Shooting Review", "Real Time Crime Center", "Lt. A. Example", dt.time(9, 0), 45,
        True)
    assert [(i.position, i.case_number, i.type, i.minutes) for i in draft.items] == [
        (1, "26-0099102", IncidentType.shots_fired, 30), (2, "26-0099101", IncidentType.non_fatal, 20)]
    first = draft.items[1]
    assert (first.occurred_at, first.area_command, first.summary, first.motive, first.nibin_leads) == (
        dt.datetime(2026, 12, 3, 1, 20), "Southwest", "Two shot in a parked car", "Group conflict", ("N-2026-0418",))
    assert (first.case_status.value, first.retaliation_risk.value) == ("open", "immediate")
    assert (first.partner_summary, draft.items[0].partner_summary) == ("Two people hurt in a parked car", None)
    assert [(p.name, p.role, p.dob, p.record_id, p.group, p.notes) for p in first.persons] == [
        ("Luis Example-Reyna", Role.victim, dt.date(2000, 3, 9), "MNI-90001", "Cerro Azul 16", "Driver"),
        ("Dana Example", Role.witness, None, None, None, None),
    ]
    [poi] = draft.items[0].persons
    assert (poi.person_id, poi.role) == (first.persons[0].person_id, Role.person_of_interest)
    with database.session() as s:
        assert s.exec(select(func.count()).select_from(Person)).one() == 2
    assert [(r.agency, r.name, r.role) for r in draft.invitees] == [
        ("RMPD", "Det. B. Example", "Homicide"), ("RMPD", "SA C. Example", None)]
    database.dispose()


def _import_message(tmp_path: Path, column: str, value: str) -> str:
    path = tmp_path / "same.csv"
    path.write_text(f"meeting_date,case_number,occurred_at,type,location\n2026-12-08,26-1,{value},other,x\n",
                    encoding="utf-8")
    _, problems = parse_agenda(path)
    return next(p.message for p in problems if p.field == column)


async def _highlight(pilot, builder: AgendaBuilderScreen, case: str) -> None:  # noqa: ANN001
    listing = builder.query_one("#builder-agenda")
    for _ in range(listing.option_count):
        kind, obj = builder.highlighted()
        if kind == "item" and obj.case_number == case:
            return
        await pilot.press("j")
    raise AssertionError(f"{case} not on the agenda")


# --------------------------------------------------------------------------- editing in place


async def test_an_incident_is_edited_and_a_bad_value_keeps_the_form_open(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        case = builder.highlighted()[1].case_number
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-minutes", Input).value = "ten"
        form.query_one("#f-case_status", Input).value = "closed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form_error(app) == ('minutes: "ten" is not a whole number\n'
                                   'case_status: "closed" is not one of open, cleared_arrest, cleared_exceptional, unfounded')
        form.query_one("#f-minutes", Input).value = "14"
        form.query_one("#f-case_status", Input).value = "cleared_arrest"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder
        item = builder.highlighted()[1]
        assert (item.case_number, item.minutes, item.case_status.value) == (case, 14, "cleared_arrest")


async def test_incidents_move_with_ctrl_arrows_and_shift_jk(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        before = [i.case_number for i in builder.draft.items]
        await pilot.press("ctrl+down")
        await settle(pilot)
        assert [i.case_number for i in builder.draft.items] == [before[1], before[0], *before[2:]]
        assert builder.highlighted()[1].case_number == before[0]  # the moved incident stays highlighted
        await pilot.press("J", "J")
        await settle(pilot)
        assert [i.case_number for i in builder.draft.items][3] == before[0]
        await pilot.press("ctrl+up", "K", "K")
        await settle(pilot)
        assert [i.case_number for i in builder.draft.items] == before


async def test_removing_an_incident_asks_first(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot, WEEK4)
        first = builder.draft.items[0].case_number
        await pilot.press("x", "n")
        await settle(pilot)
        assert builder.draft.items[0].case_number == first
        await pilot.press("x", "y")
        await settle(pilot)
        assert first not in [i.case_number for i in builder.draft.items]


# --------------------------------------------------------------------------- persons


async def test_a_wrong_link_is_fixed_and_records_merged_and_unmerged(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot, WEEK4)
        # week 4's "maria jose ibanez" was linked to María-José Ibáñez by name and birth date.
        await _highlight_person(pilot, builder, "María-José Ibáñez")
        item, person = builder.highlighted()[1]
        known_id = person.person_id
        # The analyst learns she is someone else: l, keep "New person", save.
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Maria Jose Ibanez Soto")
        await until(pilot, lambda: suggestions_settled(app), "suggestions")
        await settle(pilot)
        while picker.chosen() is not None:
            await pilot.press("up")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder, form_error(app)
        item, person = builder.highlighted()[1]
        assert person.name == "Maria Jose Ibanez Soto" and person.person_id != known_id
        split_id = person.person_id

        # ... and then that it was her after all: m, pick the known record, confirm.
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        await pilot.press("ctrl+u")
        await type_text(pilot, "maria jose ibanez")
        await until(pilot, lambda: suggestions_settled(app), "suggestions")
        await settle(pilot)
        assert picker.chosen().person_id == known_id
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await _highlight_person(pilot, builder, "María-José Ibáñez")
        person = builder.highlighted()[1][1]
        assert person.person_id == known_id and person.merges == 1
        with database.session() as s:
            assert s.get(Person, split_id).merged_into_id == known_id

        # u undoes it.
        await pilot.press("u", "y")
        await settle(pilot)
        await _highlight_person(pilot, builder, "Maria Jose Ibanez Soto")
        with database.session() as s:
            assert s.get(Person, split_id).merged_into_id is None
            assert s.exec(select(PersonMerge)).one().undone_by == "tester"


async def _highlight_person(pilot, builder: AgendaBuilderScreen, name: str) -> None:  # noqa: ANN001
    listing = builder.query_one("#builder-agenda")
    await pilot.press("home")
    for _ in range(listing.option_count):
        kind, obj = builder.highlighted()
        if kind == "person" and obj[1].name == name:
            return
        await pilot.press("j")
    raise AssertionError(f"{name} not on the agenda")


async def test_person_keys_show_only_on_a_person(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        assert builder.check_action("move", (1,)) is True
        assert builder.check_action("merge", ()) is False
        await pilot.press("j")
        await settle(pilot)
        assert builder.highlighted()[0] == "person"
        assert builder.check_action("move", (1,)) is False
        assert builder.check_action("merge", ()) is True
        await pilot.press("tab")
        await settle(pilot)
        assert builder.highlighted()[0] == "invitee"
        assert builder.check_action("edit", ()) is True and builder.check_action("budget", ()) is False


# --------------------------------------------------------------------------- pre-read, help, closed meetings


async def test_the_pre_read_is_written_and_logged(database, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_builder(app, pilot)
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "ATF")
        await pilot.press("enter")
        app.screen.query_one("#f-folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert (out / "agenda-2026-11-24.docx").is_file()
    assert any("Pre-read written" in m for m in messages), messages
    with database.session() as s:
        d = s.exec(select(Dissemination)).one()
    assert (d.document, d.audience.value, d.sent_by) == ("agenda", "full", "tester")


async def test_every_key_is_in_help_with_an_id(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        bindings = [b for bs in AgendaBuilderScreen._merge_bindings().key_to_bindings.values() for b in bs]  # noqa: SLF001
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        for b in bindings:
            assert isinstance(b, Binding)
            if b.description and not b.action.startswith(("screen.copy", "app.focus")):
                assert b.id, b.key
                assert f"| {b.description} |" in text, b.description
        await pilot.press("escape")
        assert app.screen is builder
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingsScreen"


async def test_a_closed_meetings_agenda_is_read_only(database) -> None:  # noqa: ANN001
    from vip_tui.services import meetings

    meetings.close_meeting(database, meeting_id(database, WEEK3), version=None)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        assert builder.has_class("-closed")
        assert builder.check_action("add_incident", ()) is None
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is builder


# --------------------------------------------------------------------------- looks


def _snap(app, date: dt.date, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_builder(app, pilot, date)
        if keys:
            await pilot.press(*keys)
            # The suggestions come from a debounced worker: wait until the last key's are shown.
            await until(pilot, lambda: not isinstance(app.screen, PersonPicker) or app.screen.settled, "suggestions")
            await settle(pilot)
        await pilot.pause()

    return run_before


def test_builder_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, WEEK3, "j"))


def test_builder_looks_right_at_80x24(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_snap(app, WEEK4))


def test_person_suggestions_look_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    keys = ("p", *"maria ibanez".replace(" ", "\0"), "enter", *"victim", "enter", *"2004-07-16")
    keys = tuple("space" if k == "\0" else "minus" if k == "-" else k for k in keys)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, WEEK4, *keys))


def test_incident_form_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, WEEK4, "e", "ctrl+u", "ctrl+s"))


async def test_aliases_are_edited_in_the_person_form_and_shown_in_the_full_view_only(database) -> None:  # noqa: ANN001
    from textual.widgets import Input, Static

    from vip_tui.models import Person
    from vip_tui.screens.person import PersonScreen

    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        builder = await open_builder(app, pilot)
        await pilot.press("j")  # the first incident's first person
        kind, (item, person) = builder.highlighted()
        assert kind == "person"
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CompactForm)
        app.screen.query_one("#f-aliases", Input).value = "Slim; J-Money, slim"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder
        assert "aliases: Slim, J-Money" in str(builder.query_one("#builder-detail", Static).render())
        await pilot.press("f2")  # presenting: no aliases, not even their field
        await settle(pilot)
        assert "Slim" not in str(builder.query_one("#builder-detail", Static).render())
        await pilot.press("e")
        await settle(pilot)
        assert not app.screen.query("#f-aliases")
        await pilot.press("escape", "f2")
        await settle(pilot)
        app.open_person(person.person_id)
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "also known as Slim, J-Money" in str(app.screen.query_one("#profile", Static).render())
        await pilot.press("f2")
        await settle(pilot)
        assert "Slim" not in str(app.screen.query_one("#profile", Static).render())
    with database.session() as s:
        assert s.get(Person, person.person_id).aliases == ["Slim", "J-Money"]
