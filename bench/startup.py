"""The two start-up subjects, each run in a fresh interpreter by :mod:`bench.run`.

    python -m bench.startup vip PATH_OR_URL   # vip's meetings screen with its rows drawn
    python -m bench.startup bare              # Header + DataTable + Footer, the same rows

Each starts headless, stops at the first frame the screen composes after its
table got its rows, and prints one number: seconds from the moment the parent
spawned it (``VIP_BENCH_SPAWN``, wall clock) to that frame. Both take
the same route (``python -m``, ``App.run(headless=True)``) so the difference
between them is what vip adds: its imports, opening the database, loading
the meetings.

Nothing is imported at module level beyond the standard library: imports are
what is being measured.
"""

from __future__ import annotations

import os
import sys
import time

ROWS = 260  # the five-year history's meetings; the bare app shows as many rows


def _elapsed() -> float:
    return time.time() - float(os.environ.get("VIP_BENCH_SPAWN", time.time()))


def _exit_on_next_frame(app, screen) -> list[float]:  # noqa: ANN001
    """Record the time of the next frame ``screen`` composes, then exit the app."""
    from textual.screen import Screen

    ready: list[float] = []
    original = Screen._compositor_refresh

    def compositor_refresh(self) -> None:  # noqa: ANN001
        original(self)
        if self is screen and not ready:
            ready.append(_elapsed())
            app.exit()

    Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    return ready


def vip(url: str) -> float:
    from vip_tui.app import make_app

    app = make_app(url)
    original = app.get_default_screen

    def default_screen():  # noqa: ANN202
        screen = original()
        show = screen.show

        def shown(rows) -> None:  # noqa: ANN001
            show(rows)
            if not frames:
                frames.append(_exit_on_next_frame(app, screen))

        screen.show = shown  # the worker looks the method up on the instance
        return screen

    frames: list[list[float]] = []
    app.get_default_screen = default_screen  # type: ignore[method-assign]
    app.run(headless=True)
    return frames[0][0]


def bare() -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    frames: list[list[float]] = []

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for column in ("Date", "No.", "Status", "Title", "Items", "Open actions", "Open notifications"):
                table.add_column(column)
            for n in range(ROWS, 0, -1):
                table.add_row(f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}", str(n), "closed", "Weekly Shooting Review",
                              str(n % 30), str(n % 7), str(n % 5))
            frames.append(_exit_on_next_frame(self, self.screen))

    Bare().run(headless=True)
    return frames[0][0]


if __name__ == "__main__":
    which = sys.argv[1]
    seconds = vip(sys.argv[2]) if which == "vip" else bare()
    print(f"{seconds:.6f}")
