"""A person's profile (issue 5 item 3): the whole story, masked while presenting, and the keys that act on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Markdown

from tests.tui_helpers import palette_hits, sample_database, settle, type_text, until
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import ReferralStatus, Role
from vip_tui.models import Referral
from vip_tui.screens.help import HelpScreen
from vip_tui.screens.notifications import NotificationsScreen
from vip_tui.screens.person import PersonScreen
from vip_tui.screens.referrals import ReferralsScreen
from vip_tui.services import search
from vip_tui.services.persons import person_profile
from vip_tui.widgets.dialogs import FormDialog

SIZE = (120, 36)


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


def _id(database, name: str) -> int:  # noqa: ANN001
    [hit] = search.search_persons(database, name)
    return hit.id


async def _open(app, pilot, name: str) -> PersonScreen:  # noqa: ANN001
    await settle(pilot)
    app.open_person(_id(app.db, name))
    await settle(pilot)
    assert isinstance(app.screen, PersonScreen)
    return app.screen


def _text(screen: PersonScreen) -> str:
    return str(screen.query_one("#profile").render())


def test_the_profile_holds_every_involvement_in_time_order_and_the_follow_up(database, clock) -> None:  # noqa: ANN001
    profile = person_profile(database, _id(database, "Ashby-Coles"), as_of=clock())
    # Associate, associate, victim, associate, person of interest: every week of the samples, oldest first.
    assert [(x.occurred_at.date().isoformat(), x.role) for x in profile.involvements] == [
        ("2026-11-04", Role.associate), ("2026-11-07", Role.associate), ("2026-11-11", Role.victim),
        ("2026-11-21", Role.associate), ("2026-11-25", Role.person_of_interest),
    ]
    assert all(x.location and x.case_number.startswith("26-009") for x in profile.involvements)
    assert [x.meeting_dates for x in profile.involvements] == [
        (dt.date(2026, 11, 10),), (dt.date(2026, 11, 10),), (dt.date(2026, 11, 17),), (dt.date(2026, 11, 24),),
        (dt.date(2026, 12, 1),)]
    assert [f.code for f in profile.history.flags] == ["recent_victim", "associate_of_recent_victim", "repeat"]
    assert all(f.reason for f in profile.history.flags)
    oduya = next(a for a in profile.associates if a.name == "Marcus Oduya")
    assert oduya.shared_incidents == 2 and oduya.shared_groups == ("Tamarisk Court",)
    [n] = profile.notifications
    assert (n.ref, n.status.value, n.services_accepted) == ("1-3", "delivered", "peer support")
    assert [a.result.value for a in n.attempts] == ["not_home", "delivered"]
    assert {(r.service, r.status) for r in profile.referrals} == {
        ("peer support", ReferralStatus.engaged), ("job training", ReferralStatus.offered)}


async def test_the_profile_screen_shows_the_story(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, "Ashby-Coles")
        text = _text(screen)
        for expected in (
            "Dante Ashby-Coles", "MNI-61852 · born 2004-02-11 · groups: Tamarisk Court",
            "victim in the last 90 days — victim in 26-0090553 on 2026-11-11 (13 days before)",
            "Involvements (5)", "2026-11-11  26-0090553  victim",
            "Associates (12)", "Luis Ocampo-Reyna — 3 shared incidents; last 2026-11-25",
            "Notifications (1)", "1-3    delivered · due 2026-11-14 · closed 2026-11-10, reported at meeting 2 (2026-11-17)",
            "services offered: peer support, job training · accepted: peer support",
            "outcome: Delivered at home with his mother present; accepted peer support",
            "· 2026-11-10 17:30 not home · door hanger left — nobody answered",
            "Referrals (2)", "peer support — VIP All In · engaged since 2026-11-16",
        ):
            assert expected in text, expected
        # Involvements in time order.
        assert text.index("2026-11-04  26-0090118") < text.index("2026-11-11  26-0090553") < text.index("2026-11-25")


async def test_the_aliases_are_in_the_profiles_first_frame_and_the_footer_is_built_once_per_textual_ask(
    database,  # noqa: ANN001
) -> None:
    # Issue 14: the aliases came from a second worker after the profile was drawn, and
    # the screen asked for its keys once more than Textual does, rebuilding the footer.
    from textual.widgets import Footer

    from vip_tui.models import Person

    pid = _id(database, "Ashby-Coles")
    with database.transaction() as s:
        s.get(Person, pid).aliases = ["Dee Cee"]
    app = make_app(database)
    first: list[str] = []
    asked: list[str] = []
    original_refresh, original_changed = PersonScreen._compositor_refresh, Footer.bindings_changed

    def compositor_refresh(screen) -> None:  # noqa: ANN001
        if not first:
            first.append(_text(screen))
        original_refresh(screen)

    def bindings_changed(footer, screen) -> None:  # noqa: ANN001
        if isinstance(screen, PersonScreen):
            asked.append("keys")
        original_changed(footer, screen)

    PersonScreen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    Footer.bindings_changed = bindings_changed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, "Ashby-Coles")
    finally:
        del PersonScreen._compositor_refresh
        Footer.bindings_changed = original_changed  # type: ignore[method-assign]
    assert first and "also known as Dee Cee" in first[0], first
    # Textual asks three times for a pushed screen (focus, the stack, the first idle); a bare Screen too.
    assert len(asked) == 3, asked


async def test_presenting_hides_the_name_and_identifiers_on_the_profile(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, "Ashby-Coles")
        await pilot.press("f2")
        await settle(pilot)
        text = _text(screen)
        for hidden in ("Dante", "Ashby-Coles", "MNI-61852", "2004-02-11", "Luis Ocampo-Reyna"):
            assert hidden not in text, hidden
        assert text.startswith("D. A. C.") and "L. O. R. — 3 shared incidents" in text
        # Flag reasons name associates: masked too.
        assert "associate in 26-0091213 on 2026-11-21, where M. O. was the victim" in text and "Oduya" not in text
        assert "Ashby" not in screen.sub_title


async def test_refer_directly_from_the_profile(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, "Solórzano")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "mentoring")
        await pilot.press("enter")
        await type_text(pilot, "Big Brothers Rio Mesa")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert "mentoring — Big Brothers Rio Mesa · offered since 2026-11-24" in _text(screen)
    with database.session() as s:
        r = s.exec(select(Referral).where(Referral.service == "mentoring")).one()
        assert (r.notification_id, r.meeting_id, r.status) == (None, None, ReferralStatus.offered)


async def test_the_profile_opens_the_persons_notifications_and_referrals(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        profile = await _open(app, pilot, "Pemberton-Ruiz")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["2-5", "1-11"]
        assert app.screen.sub_title == "Notifications for Jarrett Pemberton-Ruiz"
        await pilot.press("F")  # clearing the other filters keeps the person
        await settle(pilot)
        assert table.row_count == 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is profile
        await app.workers.wait_for_complete()

    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        profile = await _open(app, pilot, "Nayeli Toscano")
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        table = app.screen.query_one(DataTable)
        assert {str(table.get_row_at(i)[1]) for i in range(table.row_count)} == {"victim services", "relocation"}
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is profile


async def test_the_palette_finds_a_person_by_records_id(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "MNI-5973")
        await until(pilot, lambda: palette_hits(app) > 0, "a hit in the palette")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert _text(app.screen).startswith("Marcus Oduya\nMNI-59730")


async def test_every_profile_key_is_in_its_help(database) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, "Oduya")
        bindings = [b for bs in PersonScreen._merge_bindings().key_to_bindings.values() for b in bs]  # noqa: SLF001
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        for b in bindings:
            assert f"| {b.description} |" in text
        await pilot.press("escape")
        assert app.screen is screen


def _snap(app, name: str, *keys: str):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open(app, pilot, name)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        app.clear_notifications()
        await pilot.pause()

    return run_before


def test_person_profile_with_follow_up_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    # Scrolled to the end: notifications with their attempts, and referrals.
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, "Ashby-Coles", "end"))


def test_person_profile_presenting_looks_right(snap_compare, database) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app, "Rendón-Hale", "f2"))
