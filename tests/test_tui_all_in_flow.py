"""Issue 15's flow from the keyboard: a delivered notification on the board, enrollment, then on the participant
screen an intake, three contacts and a stage change, every step read back from the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import FIXED_NOW
from tests.tui_helpers import sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import ContactMethod, EnrollSource, NeedDomain, NeedLevel, Stage
from vip_tui.models import Contact, Participant
from vip_tui.screens.caseload import CaseloadScreen
from vip_tui.screens.meetings import MeetingsScreen
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.participant import ParticipantScreen
from vip_tui.services import all_in
from vip_tui.widgets.dialogs import FormDialog
from vip_tui.widgets.enroll_form import EnrollForm

SIZE = (120, 36)
DELIVERED = "1-3"  # a delivered notification of the sample history (Dante Ashby-Coles, fictional)
COACH = "Rosa Quintanilla"


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


async def contact(pilot, how_downs: int, minutes: str, note: str) -> None:  # noqa: ANN001
    """c, then how (``how_downs`` down the list from in person), when (now), minutes, note; ctrl+s."""
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormDialog)
    if how_downs:
        await pilot.press("shift+tab", "enter", *["down"] * how_downs, "enter")
        await settle(pilot)
    await pilot.press("enter", "backspace")  # past when (now) to minutes
    await type_text(pilot, minutes)
    await pilot.press("tab")
    await type_text(pilot, note)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ParticipantScreen)


async def test_from_a_delivered_notification_to_enrollment_intake_three_contacts_and_a_stage(database) -> None:  # noqa: ANN001
    app = make_app(database, desk="services")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        # The notifications board: to the delivered notification, enroll.
        await pilot.press("N")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, NotificationsScreen)
        refs = [r.ref for r in board.rows]
        await pilot.press(*["k"] * len(refs), *["j"] * refs.index(DELIVERED))
        await settle(pilot)
        row = board.current_row()
        assert row.ref == DELIVERED
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EnrollForm)
        await type_text(pilot, COACH)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is board
        with database.session() as s:
            p = s.exec(select(Participant).where(Participant.person_id == row.person_id)).one()
        assert (p.source, p.notification_id, p.coach, p.stage, p.enrolled_on) == (
            EnrollSource.notification, row.id, COACH, Stage.engaging, FIXED_NOW.date())

        # Back to the meetings screen, the caseload, the new participant.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        names = [r.person for r in app.screen.rows]
        await pilot.press(*["k"] * len(names), *["j"] * names.index(row.person), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen) and screen.participant_id == p.id

        # The intake: housing urgent, employment some, the rest none.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-need_housing").value = "urgent: sleeping in his car"
        form.query_one("#f-need_employment").value = "some: wants warehouse work"
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = all_in.participant_view(database, p.id)
        levels = {n.domain: (n.level, n.note) for n in view.needs.needs}
        assert levels[NeedDomain.housing] == (NeedLevel.urgent, "sleeping in his car")
        assert levels[NeedDomain.employment] == (NeedLevel.some, "wants warehouse work")
        assert sum(1 for lv, _ in levels.values() if lv == NeedLevel.none) == 10

        # Three contacts: in person, phone, an attempt.
        await contact(pilot, 0, "50", "intake at the hospital")
        await contact(pilot, 1, "15", "called about the shelter bed")
        await contact(pilot, 3, "0", "not at the shelter")
        with database.session() as s:
            made = s.exec(select(Contact).where(Contact.participant_id == p.id).order_by(Contact.id)).all()
        assert [(c.method, c.minutes, c.note, c.by) for c in made] == [
            (ContactMethod.in_person, 50, "intake at the hospital", "tester"),
            (ContactMethod.phone, 15, "called about the shelter bed", "tester"),
            (ContactMethod.attempt, 0, "not at the shelter", "tester"),
        ]

        # The stage: engaging -> planning (the first offered).
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = all_in.participant_view(database, p.id)
        assert (view.row.stage, view.row.stage_on, view.row.contacts) == (Stage.planning, FIXED_NOW.date(), 2)
        assert "planning since 2026-11-24" in str(screen.query_one("#pv-head").render())
