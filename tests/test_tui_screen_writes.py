"""The screens' writes run in their ordered write lane: off the UI thread, one at a time, in the order of the keys."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.tui_helpers import meeting_id, press_at_once, sample_database, settle
from vip_tui.app import make_app
from vip_tui.enums import Attendance
from vip_tui.services import attendance as attendance_svc

SIZE = (120, 36)


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    yield db
    db.dispose()


def _spy(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[tuple[bool, object]]:
    """Wrap ``module.name``: each call notes whether it ran on the UI (main) thread, and its first argument after db."""
    calls: list[tuple[bool, object]] = []
    real = getattr(module, name)

    def spy(db, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append((threading.current_thread() is threading.main_thread(), args[0] if args else None))
        return real(db, *args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


async def test_attendance_marks_typed_at_once_are_written_off_the_ui_thread_in_key_order(
    database, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    from vip_tui.screens import attendance as screen_module

    calls = _spy(monkeypatch, screen_module, "set_attendance")
    app = make_app(database)
    third = meeting_id(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_stage(third, "attendance")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = attendance_svc.attendance(database, third)
        await press_at_once(pilot, "p", "r", "a", "p")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert table.cursor_row == 4
    assert [on_ui for on_ui, _ in calls] == [False] * 4  # never on the UI thread
    assert [ident for _, ident in calls] == [r.id for r in rows[:4]]  # one a row, in the order of the keys
    now = attendance_svc.attendance(database, third)
    assert [r.status for r in now[:5]] == [
        Attendance.present, Attendance.remote, Attendance.absent, Attendance.present, Attendance.invited,
    ]


async def test_starting_a_meeting_is_written_off_the_ui_thread(database, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from vip_tui.services import meetings as meetings_module

    calls = _spy(monkeypatch, meetings_module, "start_meeting")
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen.__class__.__name__ == "AttendanceScreen"
    assert [on_ui for on_ui, _ in calls] == [False]
