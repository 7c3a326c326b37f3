"""The ordered write lane every screen has (screens/base.py VipScreen.write): one at a time, in key order."""

from __future__ import annotations

import threading

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from vip_tui.screens.base import VipScreen
from vip_tui.widgets.vim import VimList, VimTable

from .tui_helpers import until


class Lane(VipScreen):
    BINDINGS = [Binding("w", "slow_then_fast", "w"), Binding("f", "fail", "f")]

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []
        self.gate = threading.Event()
        self.caught: list[str] = []

    def _slow(self) -> str:
        self.gate.wait(10)
        self.done.append("slow")
        return "slow"

    def _fast(self) -> str:
        self.done.append("fast")
        return "fast"

    def action_slow_then_fast(self) -> None:
        self.write(self._slow)
        self.write(self._fast)

    def _boom(self) -> None:
        raise ValueError("stale")

    async def action_fail(self) -> None:
        try:
            await self.written(self._boom)
        except ValueError as exc:
            self.caught.append(str(exc))


class LaneApp(App[None]):
    presenting = reactive(False)  # what VipScreen mirrors from VipApp
    shown_as = reactive(0)

    def on_mount(self) -> None:
        self.push_screen(Lane())


async def test_a_later_write_waits_for_the_earlier_one_and_the_screen_keeps_answering() -> None:
    app = LaneApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Lane)
        await pilot.press("w")
        await pilot.pause()
        assert screen.done == []  # the fast write did not overtake the slow one
        await pilot.press("f")  # the UI thread still answers keys meanwhile
        await until(pilot, lambda: screen.caught == ["stale"], "the failure reached the key")
        screen.gate.set()
        await app.workers.wait_for_complete()
        assert screen.done == ["slow", "fast"]


async def test_an_awaited_failure_reaches_the_caller_and_is_not_told_twice() -> None:
    app = LaneApp()
    async with app.run_test() as pilot:
        screen = app.screen
        screen.gate.set()
        await pilot.press("f")
        await until(pilot, lambda: screen.caught == ["stale"], "the failure reached the key")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [n for n in app._notifications if "Not saved" in n.message]  # noqa: SLF001


class Lists(App[None]):
    def compose(self):  # noqa: ANN201
        yield VimTable(id="table")
        yield VimList(*[f"option {i}" for i in range(30)], id="list")

    def on_mount(self) -> None:
        table = self.query_one(VimTable)
        table.add_column("n")
        for i in range(50):
            table.add_row(str(i))


async def test_tables_and_lists_move_with_j_k_g_G() -> None:
    app = Lists()
    async with app.run_test() as pilot:
        table, listing = app.query_one(VimTable), app.query_one(VimList)
        table.focus()
        await pilot.press("j", "j", "j", "k")
        assert table.cursor_row == 2
        await pilot.press("G")
        assert table.cursor_row == 49
        await pilot.press("g")
        assert table.cursor_row == 0
        listing.focus()
        await pilot.press("j", "j", "G", "k")
        assert listing.highlighted == 28
        await pilot.press("g")
        assert listing.highlighted == 0


class Leaving(Lane):
    BINDINGS = [Binding("w", "save_and_leave", "w")]

    def action_save_and_leave(self) -> None:
        # The common shape of a key: queue the write, leave the screen at once.
        self.write(self._slow)
        self.write(self._fast)
        self.app.pop_screen()


class LeavingApp(App[None]):
    presenting = reactive(False)
    shown_as = reactive(0)

    def on_mount(self) -> None:
        self.push_screen(Leaving())


async def test_writes_queued_as_the_screen_leaves_are_still_written_in_order() -> None:
    app = LeavingApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Leaving)
        await pilot.press("w")
        await until(pilot, lambda: not screen.is_attached, "the screen left")
        screen.gate.set()  # the first write was still waiting when Textual cancelled the screen's workers
        await until(pilot, lambda: screen.done == ["slow", "fast"], "both writes written, in order")


class Busy(Lane):
    BINDINGS = [Binding("w", "many", "w"), Binding("l", "load", "l")]
    loaded = False

    def action_many(self) -> None:
        self.write(self._slow)
        for _ in range(20):  # a fast typist's marks, queued behind a write waiting for the lock
            self.write(self._fast)

    def action_load(self) -> None:
        def load() -> None:
            self.loaded = True

        self.run_worker(load, thread=True)


class BusyApp(App[None]):
    presenting = reactive(False)
    shown_as = reactive(0)

    def on_mount(self) -> None:
        self.push_screen(Busy())


async def test_writes_waiting_in_the_lane_leave_the_loads_their_threads() -> None:
    app = BusyApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Busy)
        await pilot.press("w", "l")
        await until(pilot, lambda: screen.loaded, "the load ran while the writes waited")
        assert screen.done == []
        screen.gate.set()
        await until(pilot, lambda: len(screen.done) == 21, "every write written")
