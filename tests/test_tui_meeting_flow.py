"""A whole meeting run from the keyboard alone, then the database checked against what was typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import select

from tests.tui_helpers import REVIEW_DATE, meeting_id, sample_database, settle, type_text
from vip_tui.app import make_app
from vip_tui.demo_history import seed_history
from vip_tui.enums import ActionStatus, Attendance, MeetingStatus, NotificationStatus, ReviewStatus, Role
from vip_tui.models import ActionItem, Agency, Note, Notification, Person
from vip_tui.services import attendance, items, meetings, old_business

# Short texts: the Pilot takes about 50 ms a key, and the point is the path, not the length.
NOTES = ["TMC to answer", "No group link", "Witness door", "CA16 blames TMC", "Known to PPD", "To NIBIN"]


async def test_a_whole_meeting_from_the_keyboard(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = sample_database(tmp_path, clock)
    seed_history(database)
    mid = meeting_id(database)
    before_old = {(r.kind, r.ref): r for r in old_business.old_business(database, mid)}
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # Meetings: the week-3 meeting is the first upcoming one; s starts it and opens attendance.
        await pilot.press("s")
        await settle(pilot)
        assert type(app.screen).__name__ == "AttendanceScreen"
        invited = attendance.attendance(database, mid)
        keys = ["p"] * (len(invited) - 2) + ["r", "a"]
        await pilot.press(*keys)
        await settle(pilot)
        # A walk-in in a few keystrokes: name, agency by completion, role.
        await pilot.press("w")
        await type_text(pilot, "Dr. Q")
        await pilot.press("enter")
        await type_text(pilot, "VI")
        await pilot.press("right", "enter")
        await type_text(pilot, "Surgeon")
        await pilot.press("enter")
        await settle(pilot)

        # Old business: the first carried item done with an outcome; the open notification delivered.
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "OldBusinessScreen"
        rows = app.screen.rows
        first_action = next(i for i, r in enumerate(rows) if r.kind == "action")
        await pilot.press(*["j"] * first_action, "d", "o")
        await type_text(pilot, "Matched")
        await pilot.press("enter")
        await settle(pilot)
        rows = app.screen.rows
        notification = next(
            i for i, r in enumerate(rows) if r.kind == "notification" and r.status == NotificationStatus.assigned.value
        )
        await pilot.press(*["k"] * len(rows), *["j"] * notification, "s")
        await pilot.press("enter", "down", "enter")  # open the status list, first allowed: delivered
        await type_text(pilot, "With aunt")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OldBusinessScreen", str(app.screen.query_one("#form-error").render())

        # Review: every incident gets a note, an action item and a notification, then is marked discussed.
        await pilot.press("3")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
        for i, note in enumerate(NOTES):
            assert app.screen.current == i
            await pilot.press("e")
            await type_text(pilot, note)
            await pilot.press("escape")  # out of the editor, back to the pane it was entered from
            await pilot.press("a")
            await type_text(pilot, f"Do {i + 1}")
            await pilot.press("enter")
            await type_text(pilot, "RMP")
            await pilot.press("right", "enter", "enter")  # RMPD by completion; no owner
            await type_text(pilot, f"+{i + 3}")
            await pilot.press("enter")
            await settle(pilot)
            living = [j for j, p in enumerate(app.screen.detail.persons) if p.role != Role.victim]
            if living:
                for _ in range(6):  # tab to the persons (tab never enters the editor)
                    if app.focused is not None and app.focused.id == "persons":
                        break
                    await pilot.press("tab")
                assert app.focused is not None and app.focused.id == "persons"
                # The first person who is not a victim (a victim is asked about, a homicide victim refused).
                await pilot.press("home", *["down"] * living[0], "c", "enter")  # that person, the suggested reasons
                await type_text(pilot, "Sgt Ruiz")
                await pilot.press("enter", "enter")
                await type_text(pilot, "A. Bee")
                await pilot.press("enter")
                await type_text(pilot, "+2")
                await pilot.press("enter")
                await settle(pilot)
            await pilot.press("d")
            await settle(pilot)

        # Wrap-up: close.
        await pilot.press("4")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpScreen"
        await pilot.press("c", "y")
        await settle(pilot)

    # ---------------------------------------------------------------- what the database holds
    today = dt.date(2026, 11, 24)
    meeting = meetings.get_meeting(database, mid)
    assert meeting.status == MeetingStatus.closed
    statuses = [r.status for r in attendance.attendance(database, mid)]
    assert statuses.count(Attendance.present) == len(invited) - 2 + 1  # the walk-in is present
    assert statuses.count(Attendance.remote) == 1 and statuses.count(Attendance.absent) == 1
    walk_in = [r for r in attendance.attendance(database, mid) if r.walk_in]
    assert [(r.name, r.agency, r.role) for r in walk_in] == [("Dr. Q", "VIP", "Surgeon")]

    after_old = {(r.kind, r.ref): r for r in old_business.old_business(database, mid)}
    closed_here = {key: r for key, r in after_old.items() if r.closed_here}
    assert len(closed_here) == 2
    action = next(r for r in closed_here.values() if r.kind == "action")
    assert (action.status, action.outcome) == (ActionStatus.done.value, "Matched")
    delivered = next(r for r in closed_here.values() if r.kind == "notification")
    assert (delivered.status, delivered.outcome) == ("delivered", "With aunt")
    assert set(before_old) == set(after_old)

    rows = items.agenda(database, mid)
    assert all(r.review_status == ReviewStatus.discussed for r in rows)
    with database.session() as s:
        notes = s.exec(select(Note).where(Note.meeting_id == mid).order_by(Note.id)).all()
        assert [n.text for n in notes] == NOTES
        assert all(not n.le_only and n.author == "tester" for n in notes)
        actions = s.exec(
            select(ActionItem, Agency).join(Agency).where(ActionItem.meeting_id == mid).order_by(ActionItem.number)
        ).all()
        assert [(a.description, ag.short_name, a.due_date) for a, ag in actions] == [
            (f"Do {i + 1}", "RMPD", today + dt.timedelta(days=i + 3)) for i in range(6)
        ]
        assert [a.incident_id for a, _ in actions] == [r.incident_id for r in rows]
        notifications = s.exec(
            select(Notification, Person).join(Person).where(Notification.meeting_id == mid).order_by(Notification.number)
        ).all()
    def first_not_victim(row: items.AgendaRow) -> int | None:
        persons = items.item_detail(database, row.id, with_history=False).persons
        return next((p.person_id for p in persons if p.role != Role.victim), None)

    with_persons = [r for r in rows if first_not_victim(r) is not None]
    assert len(notifications) == len(with_persons)
    for (n, person), row in zip(notifications, with_persons):
        assert person.id == first_not_victim(row)  # the person highlighted
        assert (n.team_officer, n.team_outreach, n.due_date) == ("Sgt Ruiz", "A. Bee", today + dt.timedelta(days=2))
        assert n.status == NotificationStatus.proposed
    # Numbers run through the meeting: action, notification, action, notification...
    numbers = sorted([a.number for a, _ in actions] + [n.number for n, _ in notifications])
    assert numbers == list(range(1, len(numbers) + 1))
    assert meeting.number == 3 and REVIEW_DATE == meeting.date
