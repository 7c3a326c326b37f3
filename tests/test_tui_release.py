"""The release review in the TUI (issue 11 item 3): from the wrap-up, every passage decided, then read back."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select
from textual.widgets import Input, OptionList, Static

from tests.tui_helpers import meeting_id, sample_database, settle
from vip_tui.app import make_app
from vip_tui.enums import ReleaseDecision
from vip_tui.models import Incident, PartnerRelease, ReleaseExemption
from vip_tui.screens.release import ReleaseReviewScreen
from vip_tui.services import agenda_builder as ab
from vip_tui.services import decisions, items, release
from vip_tui.widgets.dialogs import FormDialog

SIZE = (120, 36)


@pytest.fixture
def meeting(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The 2026-11-24 sample meeting with four passages that need a decision (fictional people)."""
    database = sample_database(tmp_path, clock)
    mid = meeting_id(database)
    rows = items.agenda(database, mid)
    first = items.item_detail(database, rows[0].id, with_history=False)
    victim = first.persons[0].name  # a person on file: every part of the name is protected
    surname = victim.split()[-1]
    ab.set_partner_summary(database, rows[0].id, f"{victim.split()[0]} was hurt; the family asked for support", version=None)
    action = decisions.add_action_item(database, mid, f"Visit the {surname} family with the outreach team",
                                 incident_id=first.incident.id, owner_agency="CVI")
    clean = decisions.add_action_item(database, mid, "Hold the vigil planning call", incident_id=first.incident.id,
                                owner_agency="CVI")
    note = items.save_note(database, rows[0].id, f"Meet at the corner of {surname} Street", visibility="partners", version=None)
    token = " ".join(surname.casefold().replace("-", " ").split())  # as an exemption stores it
    return SimpleNamespace(db=database, id=mid, item=rows[0].id, incident=first.incident.id, victim=victim,
                           surname=surname, token=token, action=action.id, clean=clean.id, note=note)


def _screen(app) -> ReleaseReviewScreen:  # noqa: ANN001
    assert isinstance(app.screen, ReleaseReviewScreen)
    return app.screen


def _summary(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#release-summary", Static).render())


async def _go_to(pilot, key: str) -> None:  # noqa: ANN001
    screen = _screen(pilot.app)
    screen.query_one("#passages", OptionList).highlighted = [p.key for p in screen.passages].index(key)
    await pilot.pause()


async def _open_review(app, pilot, m) -> None:  # noqa: ANN001
    await settle(pilot)
    app.open_stage(m.id, "wrap_up")
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)


async def test_from_the_wrap_up_every_passage_is_decided_and_read_back(meeting, tmp_path: Path) -> None:  # noqa: ANN001
    app = make_app(meeting.db)
    summary_key = f"incident:{meeting.incident}:partner_summary"
    action_key, clean_key, note_key = f"action:{meeting.action}", f"action:{meeting.clean}", f"note:{meeting.note}"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "wrap_up")
        await settle(pilot)
        # The export refuses first, saying how many and where; nothing is written.
        await pilot.press("e")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-folder", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        refusal = [n.message for n in app._notifications if n.severity == "error"][-1]
        assert refusal.startswith("The minutes were not written: 4 passages of the partner minutes are not resolved")
        assert f"incident {items.agenda(meeting.db, meeting.id)[0].case_number}, partner summary" in refusal
        assert not list(tmp_path.glob("*.docx"))

        await pilot.press("R")
        await settle(pilot)
        screen = _screen(app)
        assert _summary(app).startswith("4 of ")
        shown = {p.key: p for p in screen.passages}
        assert {k for k, p in shown.items() if not p.resolved} == {summary_key, action_key, clean_key, note_key}
        # The protected token is highlighted in the list, in the passage's own words.
        prompt = screen.query_one("#passages", OptionList).get_option(action_key).prompt
        assert any(meeting.surname in prompt.plain[s.start:s.end] and "reverse" in str(s.style) for s in prompt.spans)

        # A releases the one with no protected token (law-enforcement wording without a name).
        await pilot.press("A")
        await settle(pilot)
        assert _summary(app).startswith("3 of ")

        # The partner summary names the victim's first name: a new partner wording, checked again.
        await _go_to(pilot, summary_key)
        await pilot.press("e")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-wording", Input).value = f"{meeting.surname} was hurt"  # still protected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not {p.key: p for p in _screen(app).passages}[summary_key].resolved
        assert _summary(app).startswith("3 of ")
        await pilot.press("e")
        app.screen.query_one("#f-wording", Input).value = "A young man was hurt; the family asked for support"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _summary(app).startswith("2 of ")

        # The action names the family: withheld.
        await _go_to(pilot, action_key)
        await pilot.press("w")
        await settle(pilot)

        # The note's "Street" is not the person: not this person, then released.
        await _go_to(pilot, note_key)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert _summary(app).startswith("All ")
        assert not release.unresolved(meeting.db, meeting.id)

    with meeting.db.session() as s:
        rows = {r.passage: (r.decision, r.partner_text) for r in s.exec(select(PartnerRelease))}
        exempt = [(e.passage, e.token, e.decided_by) for e in s.exec(select(ReleaseExemption))]
    assert rows[summary_key] == (ReleaseDecision.edited, "A young man was hurt; the family asked for support")
    assert rows[action_key] == (ReleaseDecision.withheld, None)
    assert rows[clean_key] == (ReleaseDecision.released, None)
    assert rows[note_key] == (ReleaseDecision.released, None)
    assert exempt == [(note_key, meeting.token, "tester")]


async def test_not_this_person_asks_which_hit_when_there_are_several(meeting) -> None:  # noqa: ANN001
    first = meeting.victim.split()[0]
    note = items.save_note(meeting.db, meeting.item, f"{first} and {meeting.surname} Street", visibility="partners", version=None)
    app = make_app(meeting.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(app, pilot, meeting)
        await _go_to(pilot, f"note:{note}")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        from textual.widgets import Select

        choices = [str(label) for label, _ in app.screen.query_one("#f-token", Select)._options]
        assert len(choices) == 2 and any(meeting.token in c for c in choices)
        app.screen.query_one("#f-token", Select).value = meeting.token
        await pilot.press("ctrl+s")
        await settle(pilot)
        passage = {p.key: p for p in _screen(app).passages}[f"note:{note}"]
        assert [h.token for h in passage.hits if h.exempt] == [meeting.token]
        assert not passage.resolved  # the first name still stops it


async def test_the_release_review_is_not_shown_while_presenting(meeting) -> None:  # noqa: ANN001
    app = make_app(meeting.db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(app, pilot, meeting)
        await pilot.press("f2")
        await settle(pilot)
        assert "not shown while presenting" in _summary(app)
        assert _screen(app).query_one("#passages", OptionList).option_count == 0
        await pilot.press("w")  # refused while presenting: nothing decided
        await settle(pilot)
    with meeting.db.session() as s:
        assert not s.exec(select(PartnerRelease)).all()


async def test_a_partner_summary_is_written_from_the_review(meeting) -> None:  # noqa: ANN001
    app = make_app(meeting.db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "review")
        await settle(pilot)
        facts = str(app.screen.query_one("#facts", Static).render())
        assert "for partners: " in facts
        await pilot.press("S")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-partner_summary", Input).value = "Two people were hurt near a park"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "for partners: Two people were hurt near a park" in str(app.screen.query_one("#facts", Static).render())
    with meeting.db.session() as s:
        assert s.get(Incident, meeting.incident).partner_summary == "Two people were hurt near a park"


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_release_review_looks_right(snap_compare, meeting, size: tuple[int, int]) -> None:  # noqa: ANN001
    app = make_app(meeting.db)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_review(app, pilot, meeting)
        await _go_to(pilot, f"action:{meeting.action}")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
