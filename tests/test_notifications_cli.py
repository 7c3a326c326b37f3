"""``vip notifications``: the board as a table; exit codes 0 / 1 (refused) / 2 (usage)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.tui_helpers import sample_database
from vip_tui.cli import Context, main
from vip_tui.commands.notifications import notifications
from vip_tui.demo_history import seed_history


class _TestContext(Context):
    """The CLI context with the test's database (fixed clock and user) instead of opening one."""

    def __init__(self, database) -> None:  # noqa: ANN001
        super().__init__(database.url, "tester")
        self.database = database

    def open(self):  # noqa: ANN201
        return self.database


@pytest.fixture
def database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    db = sample_database(tmp_path, clock)
    seed_history(db)
    yield db
    db.dispose()


def vip(database, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _TestContext(database)

    root.add_command(notifications)
    result = CliRunner().invoke(root, ["notifications", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _refs(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["ref", "person", "status", "due"]
    assert set(lines[1]) <= {"-", " "}
    return [line.split()[0] for line in lines[2:-1]]


def test_lists_every_notification_open_ones_first(database) -> None:  # noqa: ANN001
    code, out, err = vip(database)
    assert code == 0, err
    assert _refs(out) == ["1-9", "2-4", "2-2", "2-5", "2-6", "1-4", "1-7", "1-10", "1-11", "1-3", "1-5"]
    first = out.splitlines()[2]
    for cell in ("1-9", "Tobias Rendón-Hale", "assigned", "2026-11-13", "11 d", "Southeast",
                 "Sgt. L. Ferreira, Coach M. Armijo, A. Brooks-Tafoya", "3", "2026-11-19 not home"):
        assert cell in first, cell
    assert out.splitlines()[-1] == "11 notifications, 3 overdue (as of 2026-11-24)"
    delivered = next(line for line in out.splitlines() if line.startswith("1-3 "))
    assert "Delivered at home with his mother present" in delivered


def test_overdue_answers_who_is_overdue(database) -> None:  # noqa: ANN001
    code, out, _ = vip(database, "--overdue")
    assert code == 0
    assert _refs(out) == ["1-9", "2-4", "2-2"]
    assert out.splitlines()[-1] == "3 notifications, 3 overdue (as of 2026-11-24)"


@pytest.mark.parametrize(
    ("args", "refs"),
    [
        (["--status", "refused"], ["1-7"]),
        (["--status", "OPEN"], ["1-9", "2-4", "2-2", "2-5", "2-6"]),
        (["--status", "closed", "--area", "northeast"], ["1-10", "1-11"]),
        (["--area", "Southwest"], ["2-4", "1-7"]),
        (["--team", "Coach M. Armijo"], ["1-9", "2-4", "1-4"]),
        (["--due-this-week"], ["2-5", "2-6"]),
    ],
)
def test_filters(database, args: list[str], refs: list[str]) -> None:  # noqa: ANN001
    code, out, err = vip(database, *args)
    assert code == 0, err
    assert _refs(out) == refs


def test_nothing_matching_says_so(database) -> None:  # noqa: ANN001
    code, out, _ = vip(database, "--status", "delivered", "--area", "Foothills")
    assert code == 0
    assert out.strip() == "no notifications match: status delivered · area Foothills"


def test_an_unknown_area_is_refused_with_the_known_ones(database) -> None:  # noqa: ANN001
    code, out, err = vip(database, "--area", "Downtown")
    assert code == 1 and out == ""
    assert err.strip() == ("vip: unknown area command 'Downtown'; known: Foothills, Northeast, Northwest, Southeast, "
                           "Southwest, Valley")
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--status", "lost"], ["--overdue", "--due-this-week"], ["--sideways"]])
def test_usage_errors_exit_2(database, args: list[str]) -> None:  # noqa: ANN001
    code, _, err = vip(database, *args)
    assert code == 2
    assert "Traceback" not in err


def test_an_empty_database(tmp_path: Path, clock) -> None:  # noqa: ANN001
    db = sample_database(tmp_path, clock)
    code, out, _ = vip(db)
    assert (code, out.strip()) == (0, "no notifications")
    db.dispose()


def test_through_the_vip_command_on_a_database_file(database, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """``vip --db FILE notifications``, as registered in cli.py (registered here if it is not yet)."""
    if "notifications" not in main.commands:
        monkeypatch.setitem(main.commands, "notifications", notifications)
    # The real clock runs here: ask for something that does not depend on today.
    result = CliRunner().invoke(main, ["--db", database.url, "notifications", "--status", "refused"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[2:-1]] == ["1-7"]
