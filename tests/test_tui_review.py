"""Incident review: moving through the agenda, notes saved as typed, decisions, marks, presentation mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import OptionList, TextArea

from tests.tui_helpers import meeting_id, sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.enums import ReviewStatus
from vip_tui.models import ActionItem, AgendaItem, Note, Notification, Referral
from vip_tui.screens.review import SAVE_DELAY, ReviewScreen
from vip_tui.services import decisions as decisions_svc
from vip_tui.services import items, meetings


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    meetings.start_meeting(db, meeting_id(db), version=None)
    yield db
    db.dispose()


async def open_review(app, pilot) -> ReviewScreen:  # noqa: ANN001
    app.open_stage(meeting_id(app.db), "review")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def notes_of(database, case_number: str) -> list[Note]:  # noqa: ANN001
    from vip_tui.models import Incident

    with database.session() as s:
        return list(
            s.exec(
                select(Note)
                .join(AgendaItem, AgendaItem.id == Note.agenda_item_id)
                .join(Incident, Incident.id == AgendaItem.incident_id)
                .where(Incident.case_number == case_number)
                .order_by(Note.id)
            ).all()
        )


async def test_next_previous_and_jump(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert screen.current == 0
        assert screen.detail.incident.case_number == "26-0091044"
        await pilot.press("n")
        await settle(pilot)
        assert screen.detail.incident.case_number == "26-0091097"
        await pilot.press("p", "p")  # cannot go before the first item
        await settle(pilot)
        assert screen.current == 0
        await pilot.press("g")
        await type_text(pilot, "1213")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.detail.incident.case_number == "26-0091213"
        assert screen.current == 3


async def test_the_persons_show_their_history_and_flags(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        persons = screen.query_one("#persons", OptionList)
        suspect = str(persons.get_option_at_index(1).prompt)
        assert "Tobias Rendón-Hale" in suspect
        assert "earlier victim, now a suspect" in suspect
        assert "victim in the last 90 days" in suspect
        victim = str(persons.get_option_at_index(0).prompt)
        assert "involved in 3+ incidents" in victim
        assert "earlier: 2026-11-15 26-0090802 person of interest" in victim


async def test_notes_are_saved_as_you_type_without_any_save_key(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(app, pilot)
        await pilot.press("e")
        await type_text(pilot, "Vigil retaliation likely")
        await pilot.pause(SAVE_DELAY + 0.3)  # the autosave timer, no key pressed
        assert [n.text for n in notes_of(database, "26-0091044")] == ["Vigil retaliation likely"]
        await type_text(pilot, ". Call ATF.")
        await pilot.press("escape", "n")  # leaving the item saves at once
        await settle(pilot)
        assert [n.text for n in notes_of(database, "26-0091044")] == ["Vigil retaliation likely. Call ATF."]
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one("#notes", TextArea).text == "Vigil retaliation likely. Call ATF."


async def test_a_note_can_be_marked_law_enforcement_only_and_a_new_note_started(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(app, pilot)
        await pilot.press("e")
        await type_text(pilot, "CI says the car is at his cousin's")
        await pilot.press("ctrl+l", "ctrl+n")
        await type_text(pilot, "Family asked for help")
        await pilot.press("escape")
        await settle(pilot)
        notes = notes_of(database, "26-0091044")
        assert [(n.text, n.le_only) for n in notes] == [
            ("CI says the car is at his cousin's", True),
            ("Family asked for help", False),
        ]


async def test_decisions_from_the_keyboard(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        # Action item: description, agency with completion (right arrow accepts), owner, due in 7 days.
        await pilot.press("a")
        await type_text(pilot, "Pull doorbell video")
        await pilot.press("enter")
        await type_text(pilot, "RM")
        await pilot.press("right", "enter")
        await type_text(pilot, "Det. R. Quintana")
        await pilot.press("enter")
        await type_text(pilot, "+7")
        await pilot.press("enter")
        await settle(pilot)
        # Custom notification for the highlighted person (the suspect, second in the list).
        await pilot.press("tab")  # agenda -> persons
        await pilot.press("down", "c")  # the person is chosen already; the cursor is in the reasons
        await pilot.press("enter")  # keep the suggested reasons
        await type_text(pilot, "Sgt. L. Ferreira")
        await pilot.press("enter")
        await type_text(pilot, "Pastor Example")
        await pilot.press("enter", "enter")
        await type_text(pilot, "fri")
        await pilot.press("enter")
        await settle(pilot)
        # Referral for the same person.
        await pilot.press("r")
        await type_text(pilot, "peer support")
        await pilot.press("enter")
        await type_text(pilot, "VIP All In")
        await pilot.press("enter")
        await settle(pilot)
        decisions = str(screen.query_one("#decisions").render())
    with database.session() as s:
        [action] = s.exec(select(ActionItem)).all()
        [notification] = s.exec(select(Notification)).all()
        [referral] = s.exec(select(Referral)).all()
    assert (action.description, action.owner_name, action.due_date) == (
        "Pull doorbell video", "Det. R. Quintana", dt.date(2026, 12, 1)
    )
    assert action.number == 1 and notification.number == 2
    assert notification.team_officer == "Sgt. L. Ferreira"
    assert notification.team_community_voice == "Pastor Example"
    assert notification.due_date == dt.date(2026, 11, 27)  # the Friday after Tue 24 Nov
    assert "earlier victim, now a suspect" in notification.reasons
    assert (referral.service, referral.provider, referral.person_id) == ("peer support", "VIP All In", notification.person_id)
    assert "3-1 Pull doorbell video" in decisions
    assert "3-2 Notify Tobias Rendón-Hale" in decisions


async def test_a_bad_due_date_or_agency_is_explained_and_nothing_is_saved(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(app, pilot)
        await pilot.press("a")
        await type_text(pilot, "Check cameras")
        await pilot.press("enter")
        await type_text(pilot, "NOPE")
        await pilot.press("enter", "enter")
        await type_text(pilot, "someday")
        await pilot.press("enter")
        error = str(app.screen.query_one("#form-error").render())
        assert "Owner agency: unknown agency" in error
        assert 'Due: "someday" is not a date' in error
        await pilot.press("escape")
    with database.session() as s:
        assert s.exec(select(ActionItem)).all() == []


async def test_marking_moves_on_and_the_pace_follows(database, clock) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        clock.advance(minutes=14)  # two minutes over the 12 budgeted
        await pilot.press("d")
        await settle(pilot)
        assert screen.current == 1
        pace = str(screen.query_one("#pace").render())
        assert "Item 2 of 6" in pace and "1 of 6 done" in pace and "2 min behind" in pace
        budget = screen.rows[1].minutes
        clock.advance(minutes=1)
        await pilot.press("f")  # deferred after a minute: the rest of its budget is time won back
        await settle(pilot)
        pace = str(screen.query_one("#pace").render())
    rows = items.agenda(database, meeting_id(database))
    assert [r.review_status for r in rows[:3]] == [ReviewStatus.discussed, ReviewStatus.deferred, ReviewStatus.pending]
    assert rows[0].elapsed_seconds == 14 * 60
    assert "Item 3 of 6" in pace and "2 of 6 done" in pace
    assert f"{budget - 1 - 2} min ahead" in pace


async def test_presentation_mode_masks_names_and_hides_le_only_notes(database) -> None:  # noqa: ANN001
    first = items.agenda(database, meeting_id(database))[0]
    items.save_note(database, first.id, "Informant: the shooter drives a grey sedan", visibility="le_only", version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert screen.query_one("#notes", TextArea).display
        await pilot.press("f2")
        await pilot.pause()
        assert app.title.startswith("PRESENTING")
        persons = screen.query_one("#persons", OptionList)
        prompt = str(persons.get_option_at_index(1).prompt)
        assert "T. R. H." in prompt and "Rendón" not in prompt and "MNI-" not in prompt
        assert not screen.query_one("#notes", TextArea).display
        await pilot.press("f2")
        await pilot.pause()
        assert "Tobias Rendón-Hale" in str(persons.get_option_at_index(1).prompt)
        assert screen.query_one("#notes", TextArea).display


async def test_a_closed_meeting_is_read_only(database) -> None:  # noqa: ANN001
    meetings.close_meeting(database, meeting_id(database), version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert screen.has_class("-closed")
        assert screen.query_one("#notes", TextArea).read_only
        await pilot.press("a", "d")
        await settle(pilot)
        assert not any(isinstance(s, object) and type(s).__name__ == "FormDialog" for s in app.screen_stack)
    assert all(r.review_status == ReviewStatus.pending for r in items.agenda(database, meeting_id(database)))


def test_review_screen_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_review(app, pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_review_screen_looks_right_at_80x24(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_review(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_presentation_mode_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_review(app, pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.clear_notifications()  # the toast shows or has gone depending on the machine's speed: never in the picture
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


async def test_ctrl_l_cycles_who_reads_the_note_and_the_list_says_it(database) -> None:  # noqa: ANN001
    from vip_tui.enums import NoteVisibility

    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        editor = screen.query_one("#notes", TextArea)
        assert str(editor.border_title).startswith("Note · members")
        await pilot.press("e")
        await type_text(pilot, "Family asked for a vigil permit")
        seen = []
        for _ in range(3):
            await pilot.press("ctrl+l")
            await settle(pilot)
            seen.append((str(editor.border_title), notes_of(database, "26-0091044")[0].visibility))
        assert seen == [
            ("Note · LAW ENFORCEMENT ONLY", NoteVisibility.le_only),
            ("Note · for partners", NoteVisibility.partners),
            ("Note · members", NoteVisibility.members),
        ]
        await pilot.press("ctrl+l", "ctrl+l", "ctrl+n")  # for partners, then a new note
        await type_text(pilot, "Second note")
        await pilot.press("escape")
        await settle(pilot)
        earlier = str(screen.query_one("#earlier-notes").render())
        assert "[for partners] Family asked for a vigil permit" in earlier
    assert [(n.text, n.visibility) for n in notes_of(database, "26-0091044")] == [
        ("Family asked for a vigil permit", NoteVisibility.partners),
        ("Second note", NoteVisibility.members),
    ]


async def test_presenting_masks_names_typed_into_free_text(database) -> None:  # noqa: ANN001
    """Issue 11: motives, notes and decisions naming a person on file show initials on the shared screen."""
    from vip_tui.models import Incident

    first = items.agenda(database, meeting_id(database))[0]
    with database.transaction() as s:
        incident = s.get(Incident, first.incident_id)
        incident.motive = "retaliation for the homicide of Tobias Rendón-Hale"
    items.save_note(database, first.id, "tobias rendon hale's cousin drives a grey sedan", version=None)
    decisions_svc.add_action_item(database, meeting_id(database), "Ask Rendón-Hale's family about the car",
                        incident_id=first.incident_id, owner_agency="RMPD")
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("ctrl+n")  # the note shows in the list, not the editor
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        shown = " ".join(str(screen.query_one(w).render()) for w in ("#facts", "#earlier-notes", "#decisions"))
        persons = " ".join(str(o.prompt) for o in screen.query_one("#persons", OptionList)._options)
        for part in ("Tobias", "Rendón", "Hale", "tobias", "rendon", "MNI-"):
            assert part not in shown + persons, part
        assert "T. R. H." in shown
        await pilot.press("f2")
        await settle(pilot)
        assert "Tobias Rendón-Hale" in str(screen.query_one("#facts").render())


async def test_presenting_the_note_in_the_editor_shows_masked_and_e_starts_a_new_one(database) -> None:  # noqa: ANN001
    """The latest note sits in the editor: on the shared screen it is shown through the disclosure layer too."""
    from textual.widgets import TextArea

    first = items.agenda(database, meeting_id(database))[0]
    items.save_note(database, first.id, "tobias rendon hale's cousin drives a grey sedan, MNI 60417", version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        editor = screen.query_one("#notes", TextArea)
        assert editor.text.startswith("tobias rendon hale's cousin")  # the facilitator's own view: as written
        await pilot.press("f2")
        await settle(pilot)
        masked = screen.query_one("#note-masked")
        assert not editor.display and masked.display
        text = str(masked.render())
        assert "T. R. H." in text and "grey sedan" in text
        for part in ("tobias", "rendon", "hale", "60417"):
            assert part not in text.lower(), part
        await pilot.press("e")  # typing on the shared screen: a new note, never the stored one unmasked
        await settle(pilot)
        assert editor.display and screen.focused is editor and editor.text == ""
        await pilot.press(*"canvass planned")
        await pilot.press("escape")
        await settle(pilot)
        assert not editor.display and "canvass planned" in str(masked.render())
        await pilot.press("f2")
        await settle(pilot)
        assert editor.display and not masked.display
    with database.session() as s:
        texts = [n.text for n in items.load_item_detail(s, first.id).notes]
    assert texts == ["tobias rendon hale's cousin drives a grey sedan, MNI 60417", "canvass planned"]


def test_an_item_whose_clock_started_draws_the_same(database) -> None:  # noqa: ANN001
    """Starting the item's clock bumps its version; the reload after a move must not redraw the item for it."""
    first = items.agenda(database, meeting_id(database))[0]  # the fixture started the meeting
    before = items.item_detail(database, first.id)
    assert items.enter_item(database, first.id) is not None
    after = items.item_detail(database, first.id)
    assert after.item.version != before.item.version
    assert after.shows_the_same_as(before)
