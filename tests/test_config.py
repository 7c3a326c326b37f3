"""The configuration file (issue 14 item 6): read, precedence, every kind of mistake never fatal, the keymap in the TUI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import AGENDAS
from tests.tui_helpers import sample_database, settle, until
from vip_tui import config, locations
from vip_tui.app import make_app
from vip_tui.cli import main

SAMPLE = str(sorted(AGENDAS.glob("week*"))[0])


def vip(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def config_file() -> Path:
    """config.toml where vip looks for it (the test's own config folder, see conftest)."""
    path = locations.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _show(out: str) -> dict[str, tuple[str, str]]:
    """``vip config show``'s table: setting -> (value, from)."""
    rows = {}
    for line in out.splitlines()[2:]:
        name, value, source = re.split(r"\s{2,}", line.strip())
        rows[name] = (value, source)
    return rows


# --------------------------------------------------------------------------- where, and what is read


def test_config_path_is_in_the_user_config_folder_and_config_overrides_it(tmp_path: Path) -> None:
    code, out, err = vip("config", "path")
    assert code == 0, err
    assert out.strip() == str(Path(os.environ["XDG_CONFIG_HOME"]) / "vip-tui" / "config.toml")
    assert vip("--config", str(tmp_path / "mine.toml"), "config", "path")[1].strip() == str(tmp_path / "mine.toml")
    assert vip("config", "path", env={"VIP_CONFIG": str(tmp_path / "env.toml")})[1].strip() == str(tmp_path / "env.toml")


def test_every_key_is_read(config_file: Path) -> None:
    config_file.write_text(
        'database = "data/vip.db"\ndocuments = "~/papers"\ntheme = "nord"\n\n'
        '[keymap]\n"review.notes" = "ctrl+e"\nmeetings.figures = "F, ctrl+g"\n'
    )
    read = config.load()
    assert read.problems == ()
    assert read.database == str(config_file.parent / "data" / "vip.db")  # relative to the file's folder
    assert read.documents == Path.home() / "papers"
    assert read.theme == "nord"
    assert read.keymap == {"review.notes": "ctrl+e", "meetings.figures": "F,ctrl+g"}
    assert read.where("keymap.meetings.figures") == f"{config_file}:7"


def test_no_file_is_no_configuration_and_says_nothing() -> None:
    code, out, err = vip("config", "show")
    assert (code, err) == (0, "")
    shown = _show(out)
    assert shown["database"] == (f"sqlite:///{locations.default_db_path()}", "default")
    assert shown["theme"] == ("textual-dark", "default")


# --------------------------------------------------------------------------- precedence


def test_db_and_vip_db_win_over_the_file_which_wins_over_the_default(config_file: Path, tmp_path: Path) -> None:
    config_file.write_text(f'database = "{tmp_path / "from-file.db"}"\n')
    assert _show(vip("config", "show")[1])["database"] == (f"sqlite:///{tmp_path / 'from-file.db'}", f"{config_file}:1")
    env = {"VIP_DB": str(tmp_path / "from-env.db")}
    assert _show(vip("config", "show", env=env)[1])["database"] == (f"sqlite:///{tmp_path / 'from-env.db'}", "VIP_DB")
    shown = _show(vip("--db", str(tmp_path / "flag.db"), "config", "show", env=env)[1])
    assert shown["database"] == (f"sqlite:///{tmp_path / 'flag.db'}", "--db")


def test_commands_use_the_files_database(config_file: Path, tmp_path: Path) -> None:
    config_file.write_text(f'database = "{tmp_path / "from-file.db"}"\n')
    code, _out, err = vip("agenda", "import", SAMPLE)
    assert code == 0, err
    assert (tmp_path / "from-file.db").exists() and not locations.default_db_path().exists()
    code, out, err = vip("meetings")
    assert code == 0 and "2026-11-10" in out, err


def test_documents_follow_the_file_unless_vip_documents_dir_says_otherwise(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.write_text(f'documents = "{tmp_path / "papers"}"\n')
    shown = _show(vip("config", "show")[1])
    assert shown["documents"] == (os.environ["VIP_DOCUMENTS_DIR"], "VIP_DOCUMENTS_DIR")
    monkeypatch.delenv("VIP_DOCUMENTS_DIR")
    assert _show(vip("config", "show")[1])["documents"] == (str(tmp_path / "papers"), f"{config_file}:1")
    assert locations.documents_dir() == tmp_path / "papers"


# --------------------------------------------------------------------------- mistakes: told, never fatal


MISTAKES = {
    "bad TOML": ('theme = "nord\n', 1, "theme", "not valid TOML"),
    "unknown key": ('databse = "x.db"\n', 1, "databse", "unknown key (did you mean 'database'?)"),
    "wrong type": ("documents = 3\n", 1, "documents", "should be text in quotes, not a number"),
    "empty": ('theme = " "\n', 1, "theme", "is empty"),
    "unknown theme": ('theme = "nrod"\n', 1, "theme", "unknown theme 'nrod' (did you mean 'nord'?)"),
    "unknown binding id": ('[keymap]\n"review.note" = "ctrl+e"\n', 2, "keymap.review.note",
                           "no key has this binding id (did you mean 'review.notes'?)"),
    "keys not text": ('[keymap]\n"review.notes" = 5\n', 2, "keymap.review.notes", "should be the key(s) in quotes"),
    "keymap not a table": ('keymap = "ctrl+e"\n', 1, "keymap", "should be a table"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_is_named_by_file_line_and_key_and_the_rest_still_applies(
    mistake: str, config_file: Path, tmp_path: Path
) -> None:
    text, line, key, message = MISTAKES[mistake]
    config_file.write_text(f'database = "{tmp_path / "kept.db"}"\n' + "\n" * 2 + text)
    code, out, err = vip("config", "show")
    assert code == 0
    assert f"vip: {config_file}:{line + 3}: {key}: {message}" in err, err
    assert _show(out)["database"] == (f"sqlite:///{tmp_path / 'kept.db'}", f"{config_file}:1")
    assert "Traceback" not in err


def test_other_commands_tell_the_files_mistakes_on_stderr_and_run(config_file: Path) -> None:
    config_file.write_text('thme = "nord"\n')
    code, out, err = vip("agenda", "check", SAMPLE)
    assert code == 0 and out.startswith("ok:")
    assert err == f"vip: {config_file}:1: thme: unknown key (did you mean 'theme'?); " \
                  "the keys are database, documents, theme, desk and [keymap]; left out\n"


def test_a_bad_line_is_left_out_and_the_lines_after_it_are_read(config_file: Path) -> None:
    config_file.write_text('theme = nord\n[keymap]\n"review.notes" = "ctrl+e"\n')
    read = config.load()
    assert [(p.line, p.key) for p in read.problems] == [(1, "theme")]
    assert read.theme is None and read.keymap == {"review.notes": "ctrl+e"}


@pytest.mark.parametrize("content", [b"\xff\xfe not text", None])
def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "config.toml"
    if content is None:
        path.mkdir()  # a folder where the file should be
    else:
        path.write_bytes(content)
    code, out, err = vip("--config", str(path), "agenda", "check", SAMPLE)
    assert code == 0 and out.startswith("ok:")
    assert err.startswith(f"vip: {path}: ") and "the defaults apply" in err


def test_a_config_named_but_missing_is_told() -> None:
    code, _out, err = vip("--config", "/nonexistent/vip.toml", "agenda", "check", SAMPLE)
    assert code == 0 and err == "vip: /nonexistent/vip.toml: file not found; the defaults apply; left out\n"


# --------------------------------------------------------------------------- the TUI


async def test_the_keymap_changes_a_key_and_help_shows_it(tmp_path: Path, clock, config_file: Path) -> None:  # noqa: ANN001
    from vip_tui.screens.figures import FiguresScreen
    from vip_tui.screens.help import HelpScreen, screen_keys
    from vip_tui.screens.meetings import MeetingsScreen

    config_file.write_text('[keymap]\nmeetings.figures = "ctrl+g"\n')
    app = make_app(sample_database(tmp_path, clock))
    app.use_config(config.load())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        await pilot.press("f")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert ("^g", "Figures") in screen_keys(app.screen)
        assert not any(keys == "f" for keys, _ in screen_keys(app.screen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        markdown = app.screen.query_one("Markdown").source
        assert "| `^g` | Figures |" in markdown and "| `f` | Figures |" not in markdown
        await pilot.press("escape")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: isinstance(app.screen, FiguresScreen), "figures")
        assert not app._notifications  # noqa: SLF001 - nothing to tell


async def test_mistakes_are_told_in_a_notification_and_the_rest_applies(tmp_path: Path, clock, config_file: Path) -> None:  # noqa: ANN001
    config_file.write_text('theme = "nord"\nlayout = "wide"\n[keymap]\n"meetings.figure" = "ctrl+g"\n'
                           'meetings.refresh = "R"\n')
    app = make_app(sample_database(tmp_path, clock))
    app.use_config(config.load())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "nord" and app.keymap == {"meetings.refresh": "R"}
        told = [n.message for n in app._notifications]  # noqa: SLF001
        assert len(told) == 1
        assert f"{config_file}:2: layout: unknown key" in told[0]
        assert f"{config_file}:4: keymap.meetings.figure: no key has this binding id (did you mean 'meetings.figures'?)" in told[0]


async def test_a_key_taken_from_another_binding_is_told(tmp_path: Path, clock, config_file: Path) -> None:  # noqa: ANN001
    from vip_tui.screens.figures import FiguresScreen

    config_file.write_text('[keymap]\nmeetings.figures = "n"\n')  # n was meetings.new's
    app = make_app(sample_database(tmp_path, clock))
    app.use_config(config.load())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FiguresScreen), "figures")
        told = [n.message for n in app._notifications]  # noqa: SLF001
        assert told == ["keymap: meetings.figures takes n from meetings.new"]


def test_config_show_tells_a_key_taken_from_another_binding(config_file: Path) -> None:
    config_file.write_text('[keymap]\nmeetings.figures = "n"\n')
    code, out, err = vip("config", "show")
    assert code == 0 and _show(out)["keymap meetings.figures"] == ("n", f"{config_file}:2")
    assert err == f"vip: {config_file}: keymap: meetings.figures takes n from meetings.new\n"


def test_vip_opens_the_tui_with_the_file(config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    config_file.write_text('theme = "nord"\n')
    seen: list[object] = []

    class _App:
        def use_config(self, settings: config.Config) -> None:
            seen.append(settings.theme)

        def run(self) -> None:
            seen.append("run")

    monkeypatch.setattr(gc, "disable", lambda: None)  # vip turns the collector off for the TUI's start
    monkeypatch.setattr("vip_tui.app.make_app", lambda database, desk="full": (seen.append(database.url), _App())[1])
    code, _out, err = vip("--db", str(tmp_path / "tui.db"))
    assert code == 0, err
    assert seen == [f"sqlite:///{tmp_path / 'tui.db'}", "nord", "run"]


def test_the_desk_comes_from_the_option_the_environment_or_the_file_and_a_wrong_one_is_told(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    desks: list[str] = []

    class _App:
        def use_config(self, settings: config.Config) -> None:
            pass

        def run(self) -> None:
            pass

    monkeypatch.setattr(gc, "disable", lambda: None)
    monkeypatch.setattr("vip_tui.app.make_app", lambda database, desk="full": (desks.append(desk), _App())[1])
    db = str(tmp_path / "tui.db")
    assert vip("--db", db)[0] == 0
    config_file.write_text('desk = "services"\n')
    assert vip("--db", db)[0] == 0
    assert _show(vip("config", "show")[1])["desk"] == ("services", f"{config_file}:1")
    assert vip("--db", db, "--desk", "full")[0] == 0
    assert _show(vip("--desk", "full", "config", "show")[1])["desk"] == ("full", "--desk")
    assert _show(vip("config", "show", env={"VIP_DESK": "full"})[1])["desk"] == ("full", "VIP_DESK")
    assert desks == ["full", "services", "full"]

    config_file.write_text('desk = "police"\n')  # never fatal: told, and the default (full) applies
    code, out, err = vip("config", "show")
    assert code == 0 and _show(out)["desk"] == ("full", "default")
    assert f"{config_file}:1: desk: should be one of full, services, not 'police'; left out" in err
    assert vip("--desk", "police", "meetings")[0] == 2
