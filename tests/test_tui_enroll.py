"""Enrolling in VIP All In from the keyboard (issue 15 item 1): the notifications board, the referrals board, a profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input

from tests.conftest import FIXED_NOW
from tests.tui_helpers import sample_database, settle, type_text, until
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import EnrollSource, ReferralStatus, Stage
from vip_tui.models import Participant, Referral
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.services import all_in
from vip_tui.services import notifications as follow
from vip_tui.widgets.enroll_form import EnrollForm

SIZE = (120, 36)
TODAY = FIXED_NOW.date()
DELIVERED = "1-3"  # Dante Ashby-Coles, delivered
TO_FAMILY = "1-10"  # Nayeli Toscano, delivered to family
ASSIGNED = "1-9"  # Tobias Rendón-Hale, assigned: not yet delivered


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas with the demo's history: notifications delivered, referrals accepted and engaged."""
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


def screen_text(app) -> str:  # noqa: ANN001
    """Everything drawn on the terminal now, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # noqa: SLF001


def notified(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]  # noqa: SLF001


def participants(database) -> list[Participant]:  # noqa: ANN001
    with database.session() as s:
        return list(s.exec(select(Participant).order_by(Participant.id)).all())


def _notification(database, ref: str) -> follow.NotificationRow:  # noqa: ANN001
    return next(r for r in follow.load_notifications(database, today=TODAY) if r.ref == ref)


async def board_at(app, pilot, ref: str) -> NotificationsScreen:  # noqa: ANN001
    """The notifications board with the cursor on ``ref``, moved there with j as a person would."""
    await settle(pilot)
    app.push_screen(NotificationsScreen())
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, NotificationsScreen)
    refs = [r.ref for r in screen.rows]
    await pilot.press(*["k"] * len(refs), *["j"] * refs.index(ref))
    await settle(pilot)
    assert screen.current_row().ref == ref
    return screen


async def fill(pilot, coach: str, *, cadence: str | None = None) -> None:  # noqa: ANN001
    """Type the coach, keep the date, optionally replace the cadence, and save with ctrl+s."""
    form = pilot.app.screen
    assert isinstance(form, EnrollForm)
    await type_text(pilot, coach)
    if cadence is not None:
        form.query_one("#f-cadence", Input).value = ""
        form.query_one("#f-cadence", Input).focus()
        await pilot.pause()
        await type_text(pilot, cadence)
    await pilot.press("ctrl+s")
    await settle(pilot)


# --------------------------------------------------------------------------- the notifications board


async def test_enroll_shows_in_the_footer_only_on_a_delivered_notification(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await board_at(app, pilot, ASSIGNED)
        assert "a" not in screen.active_bindings
        assert "Enroll" not in screen_text(app)
        await pilot.press("a")  # not delivered: the key does nothing
        await settle(pilot)
        assert app.screen is screen
        screen.action_enroll()  # reached anyway (the row changed under the key): told why not
        await settle(pilot)
        assert app.screen is screen
        assert ("1-9 is assigned: a person enrolls from a delivered notification (or from their profile)"
                in notified(app))
        for ref in (DELIVERED, TO_FAMILY):
            screen = await board_at(app, pilot, ref)
            assert screen.active_bindings["a"].enabled
            await until(pilot, lambda: "Enroll" in screen_text(app).splitlines()[-1], "Enroll in the footer")


async def test_a_delivered_notification_enrolls_the_person_and_says_so(database) -> None:  # noqa: ANN001
    n = _notification(database, DELIVERED)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await board_at(app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EnrollForm)
        assert "Enroll Dante Ashby-Coles in VIP All In · from notification 1-3" in screen_text(app)
        assert form.query_one("#f-on", Input).value == TODAY.isoformat()
        assert form.query_one("#f-cadence", Input).value == "1"
        await fill(pilot, "Coach Imani Vale", cadence="2")
        await until(pilot, lambda: app.screen is screen, "the form closes")
        assert "Enrolled Dante Ashby-Coles in VIP All In (coach Coach Imani Vale)" in notified(app)
    [p] = participants(database)
    assert (p.person_id, p.coach, p.source, p.notification_id, p.enrolled_on, p.cadence, p.stage) == (
        n.person_id, "Coach Imani Vale", EnrollSource.notification, n.id, TODAY, 2.0, Stage.engaging,
    )


async def test_a_person_already_enrolled_is_refused_under_the_form_and_the_typing_is_kept(database) -> None:  # noqa: ANN001
    n = _notification(database, DELIVERED)
    all_in.enroll(database, n.person_id, coach="Coach Ruth Amaro", on=TODAY.replace(day=2))
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await board_at(app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await fill(pilot, "Coach Imani Vale")
        await until(pilot, lambda: "already enrolled" in str(form.query_one("#form-error").render()), "the refusal")
        assert app.screen is form
        error = str(form.query_one("#form-error").render())
        assert f"Not enrolled: Dante Ashby-Coles is already enrolled, since {TODAY.replace(day=2).isoformat()}" in error
        assert form.query_one("#f-coach", Input).value == "Coach Imani Vale"
    assert len(participants(database)) == 1


async def test_a_bad_cadence_or_a_future_date_is_named_and_nothing_is_written(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await board_at(app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await fill(pilot, "Coach Imani Vale", cadence="often")
        assert "Contacts per week: \"often\" is not a number" in str(form.query_one("#form-error").render())
        form.query_one("#f-cadence", Input).value = "40"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "between" in str(form.query_one("#form-error").render()), "the cadence refusal")
        form.query_one("#f-cadence", Input).value = "1"
        form.query_one("#f-on", Input).value = "+3"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "in the future" in str(form.query_one("#form-error").render()), "the date refusal")
        assert app.screen is form
    assert participants(database) == []


async def test_markup_in_the_coach_is_shown_literally(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await board_at(app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-coach", Input).value = "[b]Vale[/b] [@click=app.quit]x[/]"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the form closes")
        assert "Enrolled Dante Ashby-Coles in VIP All In (coach [b]Vale[/b] [@click=app.quit]x[/])" in notified(app)
        assert app.is_running
    [p] = participants(database)
    assert p.coach == "[b]Vale[/b] [@click=app.quit]x[/]"


async def test_while_presenting_the_form_and_the_message_show_initials_and_no_coach(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await board_at(app, pilot, DELIVERED)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "Enroll D. A. C. in VIP All In · from notification 1-3" in screen_text(app)
        assert "Dante" not in screen_text(app)
        await fill(pilot, "Coach Imani Vale")
        await until(pilot, lambda: app.screen is screen, "the form closes")
        [message] = [m for m in notified(app) if m.startswith("Enrolled")]
        assert "Dante" not in message and "Imani" not in message and "coach" not in message


def test_the_enroll_form_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await board_at(pilot.app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Coach Imani Vale")
        await settle(pilot)

    assert snap_compare(make_app(database), terminal_size=SIZE, run_before=run_before)


def test_the_enroll_form_looks_right_at_80x24(snap_compare, database) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await board_at(pilot.app, pilot, DELIVERED)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(make_app(database), terminal_size=(80, 24), run_before=run_before)


# --------------------------------------------------------------------------- the referrals board


async def test_an_accepted_referral_enrolls_the_person_and_moves_on_to_engaged(database) -> None:  # noqa: ANN001
    from vip_tui.screens.referrals import ReferralsScreen

    accepted = next(r for r in follow.load_referrals(database) if r.status == ReferralStatus.accepted)
    offered = next(r for r in follow.load_referrals(database) if r.status == ReferralStatus.offered)
    app = make_app(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReferralsScreen())
        await settle(pilot)
        screen = app.screen
        ids = [r.id for r in screen.rows]
        await pilot.press(*["k"] * len(ids), *["j"] * ids.index(offered.id))
        await settle(pilot)
        assert "a" not in screen.active_bindings  # offered: not yet
        await pilot.press("k", *["j"] * ids.index(accepted.id))
        await settle(pilot)
        assert screen.current_row().id == accepted.id
        await until(pilot, lambda: "a Enroll" in screen_text(app).splitlines()[-1], "Enroll in the footer")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EnrollForm)
        assert f"Enroll {accepted.person} in VIP All In · from the referral to {accepted.service}" in screen_text(app)
        await fill(pilot, "Coach Imani Vale")
        await until(pilot, lambda: app.screen is screen, "the form closes")
        await settle(pilot)
        assert f"Enrolled {accepted.person} in VIP All In (coach Coach Imani Vale)" in notified(app)
        # The board shows the referral engaged now.
        assert screen.current_row().id == accepted.id and screen.current_row().status == ReferralStatus.engaged
        assert "engaged" in str(screen.query_one("#rf-detail").render())
    [p] = participants(database)
    assert (p.person_id, p.source, p.referral_id) == (accepted.person_id, EnrollSource.referral, accepted.id)
    with database.session() as s:
        assert s.get(Referral, accepted.id).status == ReferralStatus.engaged


# --------------------------------------------------------------------------- the profile


async def test_the_profile_enrolls_and_then_says_since_when_and_nothing_more(database) -> None:  # noqa: ANN001
    from vip_tui.screens.person import PersonScreen

    person_id = _notification(database, ASSIGNED).person_id  # Tobias Rendón-Hale: no delivered notification
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_person(person_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        assert "enrolled in VIP All In" not in screen_text(app)
        await until(pilot, lambda: "a Enroll" in screen_text(app).splitlines()[-1], "Enroll in the footer")
        await pilot.press("a")
        await settle(pilot)
        assert "Enroll Tobias Rendón-Hale in VIP All In" in screen_text(app)
        await fill(pilot, "Coach Imani Vale", cadence="0.5")
        await until(pilot, lambda: app.screen is screen, "the form closes")
        await until(pilot, lambda: f"enrolled in VIP All In since {TODAY.isoformat()}" in screen_text(app),
                    "the profile says it")
        assert "Enrolled Tobias Rendón-Hale in VIP All In (coach Coach Imani Vale)" in notified(app)
        text = screen_text(app)
        assert "Imani" not in text and "engaging" not in text.lower() and "0.5" not in text
        assert "a" not in screen.active_bindings  # enrolled: nothing more to do here
        screen.action_enroll()  # reached anyway (the row changed under the key): told why not
        await settle(pilot)
        assert f"Tobias Rendón-Hale is already enrolled in VIP All In, since {TODAY.isoformat()}" in notified(app)
        assert app.screen is screen
    [p] = participants(database)
    assert (p.person_id, p.source, p.cadence) == (person_id, EnrollSource.profile, 0.5)


@pytest.mark.parametrize("desk", ["full", "services"])
async def test_enrolling_is_allowed_at_either_desk(database, desk: str) -> None:  # noqa: ANN001
    app = make_app(database, desk=desk)
    async with app.run_test(size=SIZE) as pilot:
        screen = await board_at(app, pilot, TO_FAMILY)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "Coach Ruth Amaro")
        await until(pilot, lambda: app.screen is screen, "the form closes")
    [p] = participants(database)
    assert p.coach == "Coach Ruth Amaro" and p.source == EnrollSource.notification
