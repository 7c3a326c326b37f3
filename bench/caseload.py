"""The VIP All In caseload on the five-year history (issue 15): under 100 ms from the key to the rows drawn.

    python -m bench.run --only caseload

Two measures, each a median of several runs:

- the service read alone, :func:`vip_tui.services.all_in.caseload` (the open
  caseload, and every episode with ``status="all"``), and one participant's
  :func:`~vip_tui.services.all_in.participant_view`;
- the user's path: at the services desk, on the meetings screen, the key
  bound to the caseload (found in ``MeetingsScreen.BINDINGS`` by its action)
  to the first frame the screen's compositor renders with the table's rows
  in it. Against its floor: a bare Textual app pushing a screen of the same
  widgets with the same content (bench/floor.py), as the figures and the
  profile are measured;
- then `o` on the caseload's first row to the participant screen drawn with
  the episode (reported against its floor; the issue sets no bar for it).

Until the caseload screen exists (``vip_tui.screens.caseload`` with a
``CaseloadScreen`` and a meetings-screen key to it) the screen row says it
was not measured: a gap, not a pass.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import time
from collections.abc import Callable
from typing import Any

from .run import REVIEW_SIZE, Frames, Row, _key, _quiet, floor_push, keep_screen, median, ms, p95

BAR = 0.100  # seconds: the bar for the caseload screen


def measure_caseload(url: str, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    rows = [*measure_reads(url, repeat, clock)]
    key = caseload_key()
    if key is None:
        rows.append(Row("caseload screen: key on the meetings screen to the rows drawn", "not measured", bar="< 100 ms",
                        ok=None, note="no vip_tui.screens.caseload.CaseloadScreen or no meetings-screen key to it "
                                      "yet: a gap, not a pass"))
        return rows
    rows += asyncio.run(_screen(url, key, repeat, clock))
    return rows


def caseload_key() -> str | None:
    """The meetings screen's key that opens the caseload, if the caseload screen exists."""
    if importlib.util.find_spec("vip_tui.screens.caseload") is None:
        return None
    from textual.binding import Binding

    from vip_tui.screens.meetings import MeetingsScreen

    for b in MeetingsScreen.BINDINGS:
        if isinstance(b, Binding) and "caseload" in b.action:
            return b.key.split(",")[0]
    return None


def measure_reads(url: str, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    """The service reads the caseload and the participant screen stand on, alone."""
    from vip_tui.db import open_database
    from vip_tui.services import all_in

    from .queries import statements

    db = open_database(url, user="bench", clock=clock)
    times: dict[str, list[float]] = {"open": [], "all": [], "view": []}
    try:
        open_ = all_in.caseload(db)  # compiles the statements once
        everyone = all_in.caseload(db, status="all")
        busiest = max(open_, key=lambda r: (r.contacts, r.participant_id))
        all_in.participant_view(db, busiest.participant_id)
        with statements(db.engine) as sent:
            all_in.caseload(db)
        for _ in range(max(repeat, 5) * 4):
            for name, call in (("open", lambda: all_in.caseload(db)),
                               ("all", lambda: all_in.caseload(db, status="all")),
                               ("view", lambda: all_in.participant_view(db, busiest.participant_id))):
                t0 = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - t0)
    finally:
        db.dispose()
    overdue = sum(1 for r in open_ if r.overdue)

    def row(name: str, what: list[float], note: str) -> Row:
        return Row(name, f"{ms(median(what))} (p95 {ms(p95(what))})", bar="< 100 ms", ok=median(what) < BAR, note=note)

    return [
        row(f"all_in.caseload: the open caseload ({len(open_)} participants, {overdue} overdue)", times["open"],
            f"{len(sent)} SQL statements; {len(times['open'])} runs"),
        row(f"all_in.caseload(status='all'): every episode ({len(everyone)})", times["all"],
            f"{len(times['all'])} runs"),
        row(f"all_in.participant_view ({busiest.contacts} contacts made)", times["view"],
            f"participant id {busiest.participant_id}; {len(times['view'])} runs"),
    ]


def _table_rows(screen: Any) -> int:
    from textual.widgets import DataTable

    return max((t.row_count for t in screen.query(DataTable)), default=0)


async def _screen(url: str, key: str, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    """The caseload opened from the meetings screen by its key, to the first frame drawn with its rows."""
    from textual.screen import Screen

    from vip_tui.app import make_app
    from vip_tui.screens.caseload import CaseloadScreen  # type: ignore[import-not-found,unused-ignore]
    from vip_tui.screens.meetings import MeetingsScreen

    from .floor import snapshot

    app = make_app(url, clock=clock, user="bench", desk="services")
    drawn: list[float] = []
    shown_rows = 0
    shot: Any = None
    timing: dict[str, float] = {}
    done = asyncio.Event()
    participant: dict[str, Any] = {}
    frames = Frames()  # patches Screen._compositor_refresh first: the hook below runs inside it
    original = Screen._compositor_refresh

    def compositor_refresh(screen: Any) -> None:
        original(screen)
        # The first frame of the caseload with its rows in the table: what the user sees holds the data.
        if "t0" in timing and isinstance(screen, CaseloadScreen) and _table_rows(screen):
            timing["drawn"] = time.perf_counter() - timing.pop("t0")
            done.set()

    Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            for _ in range(200):
                await _quiet(app, pilot)
                if isinstance(app.screen, MeetingsScreen) and _table_rows(app.screen):
                    break
            assert isinstance(app.screen, MeetingsScreen), "the meetings screen did not load"
            for i in range(repeat + 1):
                done.clear()
                timing["t0"] = time.perf_counter()
                _key(app, key, key)
                await asyncio.wait_for(done.wait(), 30)
                if i:  # the first open compiles the statements once per process
                    drawn.append(timing["drawn"])
                await _quiet(app, pilot)
                assert isinstance(app.screen, CaseloadScreen)
                shown_rows = _table_rows(app.screen)
                if i == repeat:
                    shot = snapshot(app.screen)
                    keep_screen(app, "vip-CaseloadScreen")
                    participant = await _participant(app, pilot, frames, repeat)
                app.pop_screen()
                await _quiet(app, pilot)
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]
        frames.close()
    floor = await floor_push(shot, CaseloadScreen, repeat)
    ratio = median(drawn) / median(floor)
    from vip_tui.screens.participant import ParticipantScreen  # type: ignore[import-not-found,unused-ignore]

    opened = participant["times"]
    floor_p = await floor_push(participant["shot"], ParticipantScreen, repeat, label="-participant")
    return [
        Row(
            f"caseload screen: `{key}` on the meetings screen to the rows drawn ({shown_rows} rows, services desk)",
            f"median {ms(median(drawn))}, p95 {ms(p95(drawn))}",
            f"floor median {ms(median(floor))}, p95 {ms(p95(floor))}",
            f"{ratio:.2f}x",
            "< 100 ms",
            median(drawn) < BAR,
            f"{len(drawn)} opens, the first not counted; drawn: the first frame the caseload's compositor renders "
            "with rows in its table; floor: the same widgets and content pushed by a bare Textual app",
        ),
        Row(
            f"participant screen: `o` on the caseload to the episode drawn ({participant['contacts']} contacts)",
            f"median {ms(median(opened))}, p95 {ms(p95(opened))}",
            f"floor median {ms(median(floor_p))}, p95 {ms(p95(floor_p))}",
            f"{median(opened) / median(floor_p):.2f}x",
            "—",
            None,
            f"{len(opened)} opens, the first not counted; drawn: the first frame after the participant's data "
            "is shown (ParticipantScreen._show); floor: the same widgets and content pushed by a bare Textual app",
        ),
    ]


async def _participant(app: Any, pilot: Any, frames: Frames, repeat: int) -> dict[str, Any]:
    """`o` on the caseload's first row: the participant screen pushed, read and drawn with the episode."""
    from vip_tui.screens.participant import ParticipantScreen  # type: ignore[import-not-found,unused-ignore]

    from .floor import snapshot

    times: list[float] = []
    current: dict[str, Any] = {}
    shot: Any = None
    contacts = 0
    original = ParticipantScreen._show

    def show(self: Any, view: Any) -> None:
        original(self, view)
        if current.get("t") is not None:
            current.pop("t").shown(self)

    ParticipantScreen._show = show  # type: ignore[method-assign]
    try:
        for i in range(repeat + 1):
            current["t"] = t = frames.start()
            _key(app, "o", "o")
            d, _ = await t.wait("the participant")
            if i:
                times.append(d)
            await _quiet(app, pilot)
            screen = app.screen
            assert isinstance(screen, ParticipantScreen) and screen.view is not None
            contacts = len(screen.view.contacts)
            if i == repeat:
                shot = snapshot(screen)
                keep_screen(app, "vip-ParticipantScreen")
            app.pop_screen()
            await _quiet(app, pilot)
    finally:
        ParticipantScreen._show = original  # type: ignore[method-assign]
    return {"times": times, "shot": shot, "contacts": contacts}
