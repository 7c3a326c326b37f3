"""Importing an agenda from the TUI (issue 6): pick the file, read every problem, fix and re-read, preview, apply.

The analyst's week as a new user would do it: week 4's CSV imported from the
keyboard, a wrongly linked person fixed, the incidents reordered, and the
pre-read exported.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlmodel import func, select
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import AGENDAS
from tests.tui_helpers import suggestions_settled, type_text, until
from vip_tui.agenda.importer import import_files
from vip_tui.agenda.parse import parse_agenda
from vip_tui.app import make_app
from vip_tui.db import open_database
from vip_tui.models import AuditLog, Dissemination, Meeting, Person
from vip_tui.screens.agenda_builder import AgendaBuilderScreen
from vip_tui.screens.agenda_import import AgendaImportScreen
from vip_tui.services import agenda_builder as ab
from vip_tui.widgets.person_suggest import PersonPicker

SIZE = (120, 36)
WEEK4 = "week4-2026-12-01.csv"


async def settle(pilot: Pilot) -> None:
    """Like tui_helpers.settle, but the file tree's loader is a worker that never ends: it is not waited for."""
    app = pilot.app
    for _ in range(3):
        busy = [w for w in app.workers if w.group != "_loader" and not w.is_finished]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch) -> Path:
    """~/agendas with week 4's CSV, and the current folder is ~ (so the picker opens on ~/agendas)."""
    home = Path.home()
    (home / "agendas").mkdir(exist_ok=True)
    shutil.copy(AGENDAS / WEEK4, home / "agendas" / WEEK4)
    (home / "agendas" / "notes.txt").write_text("not an agenda")
    monkeypatch.chdir(home)
    return home / "agendas"


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """Weeks 1 to 3 known; week 4 still to import."""
    db = open_database(str(tmp_path / "vip.db"), user="analyst", clock=clock)
    import_files(db, sorted(AGENDAS.glob("week*.toml")))
    yield db
    db.dispose()


def _break(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace("2026-11-26T21:40:00", "2026-11-31T21:40:00").replace(",homicide,", ",homicde,")
    path.write_text(text, encoding="utf-8")


async def _open_import(app, pilot) -> AgendaImportScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(app.screen, AgendaImportScreen), "the import screen")
    await settle(pilot)
    return app.screen


async def _pick(pilot: Pilot, row: int) -> None:
    """Move the tree's cursor to ``row`` (0: the folder itself) and choose it."""
    tree = pilot.app.screen.query_one("#import-tree")
    tree.move_cursor_to_line(row)
    await pilot.press("enter")
    await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
    await settle(pilot)


def _problem_lines(screen) -> list[str]:  # noqa: ANN001
    text = str(screen.query_one("#import-preview").render())
    return [line[2:] for line in text.splitlines() if line.startswith(("✗ ", "! "))]


async def test_the_picker_lists_only_agenda_files(database, folder: Path) -> None:  # noqa: ANN001
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_import(app, pilot)
        tree = screen.query_one("#import-tree")
        assert [n.data.path.name for n in tree.root.children] == [WEEK4]
        assert tree.border_title == "~/agendas"
        await pilot.press("backspace")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        assert Path(tree.path) == folder.parent


async def test_every_problem_is_listed_with_its_line_then_fixed_and_reread(database, folder: Path) -> None:  # noqa: ANN001
    path = folder / WEEK4
    _break(path)
    expected = [p for p in parse_agenda(path)[1] if p.severity == "error"]
    assert len(expected) == 2
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_import(app, pilot)
        await _pick(pilot, 1)
        assert screen.state == "problems"
        assert _problem_lines(screen) == [str(p) for p in expected]
        assert _problem_lines(screen)[0].startswith("week4-2026-12-01.csv:6: occurred_at: ")
        assert "2 problems; nothing can be imported" in str(screen.query_one("#import-status").render())
        assert screen.check_action("apply", ()) is None
        await pilot.press("a")
        await settle(pilot)
        with database.session() as s:
            assert s.exec(select(func.count()).select_from(Meeting)).one() == 3

        # Fixed in an editor; r reads it again.
        shutil.copy(AGENDAS / WEEK4, path)
        await pilot.press("r")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        assert screen.state == "preview"
        assert _problem_lines(screen) == []
        preview = str(screen.query_one("#import-preview").render())
        assert "week4-2026-12-01.csv: meeting 2026-12-01 created" in preview
        assert "created: " in preview and "6 incidents" in preview
        assert ("case 26-0091455: victim maria jose ibanez (born 2004-07-16): linked to known María-José Ibáñez "
                "(MNI-62075, born 2004-07-16) by name and date of birth") in preview
        with database.session() as s:
            assert s.exec(select(func.count()).select_from(Meeting)).one() == 3  # a preview writes nothing
            audit_before = s.exec(select(func.count()).select_from(AuditLog)).one()

        await pilot.press("a")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        assert screen.state == "applied"
        with database.session() as s:
            assert s.exec(select(func.count()).select_from(Meeting)).one() == 4
            assert s.exec(select(func.count()).select_from(AuditLog)).one() > audit_before
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, AgendaBuilderScreen)
        assert app.screen.draft.meeting.date == dt.date(2026, 12, 1)


async def test_the_analysts_week_from_the_keyboard(database, folder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    """Import week 4's CSV, fix a wrongly linked person, reorder the incidents, export the pre-read."""
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_import(app, pilot)
        await pilot.press("down", "enter")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        await pilot.press("a")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        builder = app.screen
        assert isinstance(builder, AgendaBuilderScreen)
        before = [i.case_number for i in builder.draft.items]

        # The shots-fired passenger "Kendrick Sayles" is wrongly linked: relink him to a new record typed afresh.
        while not (builder.highlighted()[0] == "person" and builder.highlighted()[1][1].name == "Kendrick Sayles"):
            await pilot.press("j")
        old_person = builder.highlighted()[1][1].person_id
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PersonPicker)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Kendrik Sayles")
        await pilot.press("enter", "ctrl+u")
        await type_text(pilot, "2004-01-07")
        await until(pilot, lambda: suggestions_settled(app), "suggestions")
        await settle(pilot)
        while app.screen.chosen() is not None:
            await pilot.press("up")
        await pilot.press("ctrl+s")
        await settle(pilot)
        person = builder.highlighted()[1][1]
        assert (person.name, person.dob) == ("Kendrik Sayles", dt.date(2004, 1, 7))
        assert person.person_id != old_person

        # Reorder: the homicide first.
        while not (builder.highlighted()[0] == "item" and builder.highlighted()[1].case_number == "26-0091690"):
            await pilot.press("k")
        for _ in range(4):
            await pilot.press("K")
        await settle(pilot)
        after = [i.case_number for i in builder.draft.items]
        assert after[0] == "26-0091690" and sorted(after) == sorted(before)

        # The pre-read.
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "RMPD")
        await pilot.press("enter")
        app.screen.query_one("#f-folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (out / "agenda-2026-12-01.docx").is_file()
    with database.session() as s:
        assert s.exec(select(Dissemination.document)).all() == ["agenda"]
        assert s.exec(select(Person).where(Person.name == "Kendrik Sayles")).one().dob == dt.date(2004, 1, 7)
    draft = ab.load_agenda(database, builder.meeting_id)
    assert [i.case_number for i in draft.items] == after
    assert [i.position for i in draft.items] == list(range(1, 7))


async def test_every_key_is_in_help_with_an_id(database, folder: Path) -> None:  # noqa: ANN001
    from textual.widgets import Markdown

    from vip_tui.screens.help import HelpScreen

    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_import(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        for bindings in AgendaImportScreen._merge_bindings().key_to_bindings.values():  # noqa: SLF001
            for b in bindings:
                if b.description and not b.action.startswith(("screen.copy", "app.focus")):
                    assert b.id and f"| {b.description} |" in text, b.description
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingsScreen"


# --------------------------------------------------------------------------- looks


def _snap(app, *, broken: Path | None = None):  # noqa: ANN001, ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_import(app, pilot)
        await _pick(pilot, 1)
        await pilot.pause()

    return run_before


def test_import_preview_looks_right(snap_compare, database, folder: Path) -> None:  # noqa: ANN001
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app))


def test_import_problems_look_right(snap_compare, database, folder: Path) -> None:  # noqa: ANN001
    _break(folder / WEEK4)
    app = make_app(database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_snap(app))


# --------------------------------------------------------------------------- long and busy imports (issue 12)


async def test_the_import_shows_its_progress_and_a_busy_database_is_a_message(
    database, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    import sqlite3

    from vip_tui.services import meetings

    lines: list[str] = []
    original = AgendaImportScreen._progress

    def recorded(self, line: str) -> None:  # noqa: ANN001
        lines.append(line)
        original(self, line)

    monkeypatch.setattr(AgendaImportScreen, "_progress", recorded)
    monkeypatch.setattr(meetings, "WRITE_LOCK_WAIT_SECONDS", 0.3)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_import(app, pilot)
        holder = sqlite3.connect(tmp_path / "vip.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another import holds the write lock
        try:
            await _pick(pilot, 1)
            status = str(screen.query_one("#import-status").render())
            assert "the database is busy" in status and "Press r to try again" in status
            assert screen.state == "problems" and app.is_running
        finally:
            holder.rollback()
            holder.close()
        await pilot.press("r")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", None) != "reading", "the file read")
        await settle(pilot)
        assert screen.state == "preview"
        assert any(line.startswith(f"Reading {WEEK4}: importing incidents: 0 of 6") for line in lines), lines
        assert f"Reading {WEEK4}: waiting for another import or edit to finish" in lines


def test_progress_reaches_the_status_line_at_most_every_few_tenths_of_a_second() -> None:
    from vip_tui.screens.agenda_import import StatusProgress

    shown: list[str] = []
    progress = StatusProgress(shown.append, every=3600)
    progress.phase("reading")
    progress.start(7000)
    for _ in range(7000):
        progress.advance()
    progress.phase("saving")
    assert shown == ["reading", "importing incidents: 0 of 7,000", "saving"]  # 7,000 advances, no flood
    StatusProgress(shown.append, every=0).advance()  # before start(): nothing to count
    assert shown[-1] == "saving"


# --------------------------------------------------------------------------- the path box (issue 13)


async def test_a_typed_path_with_completion_opens_the_preview(database, folder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    """Typed with ~ and a completion accepted by →, enter reads the file: no arrowing through a folder."""
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    shutil.copy(AGENDAS / WEEK4, elsewhere / WEEK4)
    app = make_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_import(app, pilot)
        await pilot.press("slash")
        box = screen.query_one("#import-path", Input)
        assert screen.focused is box
        # A bad path is named, and nothing is read.
        await type_text(pilot, "~/agendas/week9.toml")
        await pilot.press("enter")
        await settle(pilot)
        status = str(screen.query_one("#import-status").render())
        assert status == "~/agendas/week9.toml: no such file or folder; check the path (~ is your home folder)"
        assert screen.checked is None and screen.state == "empty"
        box.value = ""
        await type_text(pilot, "~/agendas/notes.txt")  # there, but not an agenda file: refused
        await pilot.press("enter")
        await settle(pilot)
        assert "not an agenda file" in str(screen.query_one("#import-status").render())
        # ~ and completion from the folder: "~/agendas/we" completes to week 4's file.
        box.value = ""
        await type_text(pilot, "~/agendas/we")
        await pilot.press("right")
        assert box.value == f"~/agendas/{WEEK4}"
        await pilot.press("enter")
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen.state == "preview"
        assert screen.checked.path == folder / WEEK4
        assert "week4-2026-12-01.csv: meeting 2026-12-01 created" in str(screen.query_one("#import-preview").render())
        # A pasted folder moves the tree there.
        await pilot.press("slash")
        box.value = str(elsewhere)
        await pilot.press("enter")
        await pilot.pause(0.2)
        await settle(pilot)
        tree = screen.query_one("#import-tree")
        assert Path(tree.path) == elsewhere and screen.focused is tree
