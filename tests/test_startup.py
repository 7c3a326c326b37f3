"""Start-up (issue 14 item 1): what `vip` loads before its first screen shows the meetings.

The installed `vip` imports vip_tui.cli; opening an SQLite file and reading
the meetings list need neither SQLAlchemy nor the ORM, which are loaded in
the background once the rows are on screen (`python -m bench.run --only
startup` measures the time). Each import check runs in a fresh interpreter:
this one has long imported everything.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.generate import Plan, generate
from vip_tui.db import display_url, open_database, sqlite_file


def run_python(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


LOADED = """
def loaded():
    return {
        "sqlalchemy": "sqlalchemy" in sys.modules,
        "orm": "sqlalchemy.orm" in sys.modules,
        "models": "vip_tui.models" in sys.modules,
    }
"""


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "history.db"
    generate(str(path), plan=Plan.for_years(0.2, last_meeting_items=5), seed=11)
    return path


def test_importing_the_cli_loads_neither_the_orm_nor_the_models() -> None:
    loaded = run_python(f"""
        import json, sys
        {textwrap.indent(LOADED, " " * 8).strip()}
        import vip_tui.cli
        print(json.dumps(loaded()))
    """)
    assert not loaded["orm"] and not loaded["models"], loaded


def test_opening_an_sqlite_file_and_listing_its_meetings_loads_no_sqlalchemy(history: Path) -> None:
    result = run_python(f"""
        import json, sys
        {textwrap.indent(LOADED, " " * 8).strip()}
        from vip_tui.db import open_database
        from vip_tui.services.meeting_list import list_meetings
        db = open_database({str(history)!r})
        meetings = list_meetings(db)
        print(json.dumps({{"loaded": loaded(), "meetings": len(meetings), "first": meetings[0].date.isoformat()}}))
    """)
    assert result["loaded"] == {"sqlalchemy": False, "orm": False, "models": False}
    assert result["meetings"] > 5


def test_the_tui_shows_its_rows_before_sqlalchemy_and_loads_the_orm_after(history: Path) -> None:
    result = run_python(f"""
        import asyncio, json, sys
        {textwrap.indent(LOADED, " " * 8).strip()}
        from vip_tui.app import make_app
        from vip_tui.screens.meetings import MeetingsScreen

        seen = {{}}
        show = MeetingsScreen.show

        def shown(self, rows):
            show(self, rows)
            seen.setdefault("at the rows", {{**loaded(), "rows": self.query_one("DataTable").row_count}})

        MeetingsScreen.show = shown

        async def main():
            app = make_app({str(history)!r})
            async with app.run_test() as pilot:
                while "at the rows" not in seen:
                    await pilot.pause()
                while not app.warmed_up:  # asked for once the frame with the rows is drawn
                    await pilot.pause()
                await app.workers.wait_for_complete()  # the warm-up, in the background
                seen["warmed up"] = loaded()

        asyncio.run(main())
        print(json.dumps(seen))
    """)
    assert result["at the rows"]["rows"] > 5
    assert not result["at the rows"]["sqlalchemy"], result
    assert result["warmed up"] == {"sqlalchemy": True, "orm": True, "models": True}


def test_the_meetings_list_counts_what_the_models_count(db_url: str) -> None:
    import sqlalchemy as sa

    from vip_tui.enums import OPEN_NOTIFICATION_STATUSES, ActionStatus
    from vip_tui.models import ActionItem, AgendaItem, Meeting, Notification
    from vip_tui.services.meeting_list import list_meetings

    generate(db_url, plan=Plan.for_years(0.2, last_meeting_items=5), seed=11)
    db = open_database(db_url)
    try:
        with db.session() as s:
            def per_meeting(model, *where):  # noqa: ANN001, ANN002, ANN202
                stmt = sa.select(model.meeting_id, sa.func.count()).where(*where).group_by(model.meeting_id)
                return dict(s.execute(stmt).all())

            items = per_meeting(AgendaItem)
            actions = per_meeting(ActionItem, ActionItem.status == ActionStatus.open)
            notes = per_meeting(Notification, Notification.status.in_(OPEN_NOTIFICATION_STATUSES))
            expected = [
                (m.id, m.date, m.number, m.title, m.status, m.version,
                 items.get(m.id, 0), actions.get(m.id, 0), notes.get(m.id, 0))
                for m in s.scalars(sa.select(Meeting).order_by(Meeting.date.desc()))
            ]
        got = [(m.id, m.date, m.number, m.title, m.status, m.version, m.items, m.open_actions,
                m.open_notifications) for m in list_meetings(db)]
    finally:
        db.dispose()
    assert got == expected
    assert any(row[7] for row in got) and any(row[8] for row in got)  # open actions and notifications were counted


@pytest.mark.parametrize("path", [
    "/tmp/vip.db", "/home/a b/vip data/v.db", "relative.db", "/tmp/é ü/x.db", "/tmp/a%20b.db", "/tmp/a#b.db",
    "/tmp/a?mode=ro", "/tmp/x@y.db", "/tmp/c:d.db", ":memory:", "/tmp/it's (1).db", "/tmp/~u/a+b-c_d.db",
])
def test_an_sqlite_url_is_read_as_sqlalchemy_reads_it(path: str) -> None:
    from sqlalchemy.engine import make_url

    url = f"sqlite:///{path}"
    parsed = make_url(url)
    # Read without SQLAlchemy only where it reads the same file; otherwise SQLAlchemy reads it.
    assert sqlite_file(url) in (None, parsed.database)
    if sqlite_file(url) is not None:
        assert display_url(url) == parsed.render_as_string(hide_password=True)
    assert sqlite_file(f"postgresql+psycopg://u:secret@h/{path}") is None


def test_copies_of_a_database_share_one_engine(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "vip.db"))
    try:
        copy = dataclasses.replace(db, clock=db.clock)
        assert copy.engine is db.engine
    finally:
        db.dispose()
