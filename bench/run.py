"""The benchmark on a five-year history (issues 7 and 14), each figure next to its baseline and bar.

    python -m bench.run                      # SQLite (generates the history first if missing)
    python -m bench.run --postgres           # the same on a throwaway PostgreSQL server
    python -m bench.run --all --repeat 7     # both, more runs each

Every figure is a median (and, where the bar asks for it, a 95th percentile)
of several runs in this one process run, next to a baseline measured in the
same run on the same machine: start-up against a bare Textual app started
the same way (bench/startup.py), a key against its floor, a bare Textual app
drawing the same widgets with the same content (bench/floor.py). These
machines are noisy, so compare ratios and medians, never single runs. See
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import math
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REVIEW_SIZE = (120, 36)
# A folder to write the last frame of each vip screen and of its floor to (SVG), to see they draw the same.
SCREENS = os.environ.get("VIP_BENCH_SCREENS")


def keep_screen(app: Any, name: str) -> None:
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        app.save_screenshot(f"{name}.svg", SCREENS)


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    name: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    bar: str = "—"
    ok: bool | None = None
    note: str = ""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def p95(xs: Sequence[float]) -> float:
    """Nearest-rank 95th percentile."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def table(rows: list[Row], title: str) -> str:
    head = ["measurement", "result", "baseline", "ratio", "bar", "met"]
    body = [[r.name, r.value, r.baseline, r.ratio, r.bar, {True: "yes", False: "**NO**", None: "—"}[r.ok]] for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    fmt = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    lines = [f"### {title}", "", fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(b) for b in body]
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import sqlalchemy
    import textual

    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Textual {textual.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


# --------------------------------------------------------------------------- a clock on the meeting day


class MeetingDayClock:
    """Real time passing, but starting on the morning of the last meeting (the history's 'now')."""

    def __init__(self, start: dt.datetime) -> None:
        self.offset = start - dt.datetime.now()

    def __call__(self) -> dt.datetime:
        return (dt.datetime.now() + self.offset).replace(microsecond=0)


# --------------------------------------------------------------------------- 1. start-up


def measure_startup(url: str, first_date: dt.date, repeat: int, *, bar: bool = True) -> Row:
    """The installed ``vip`` in a pseudo-terminal to its first rows, against the bare app the same way."""
    from .startup import measure

    r = measure(url, first_date.isoformat(), repeat)
    return Row(
        "start-up: `vip --db …` in a 120x36 pty to the meetings rows on screen",
        f"{ms(median(r.vip))} (runs: {', '.join(f'{x * 1000:.0f}' for x in r.vip)})",
        f"{ms(median(r.bare))} bare Textual (runs: {', '.join(f'{x * 1000:.0f}' for x in r.bare)})",
        f"{r.ratio:.2f}x",
        "≤ 1.6x" if bar else "— (reported beside SQLite's)",
        r.ratio <= 1.6 if bar else None,
        "the installed console script and bench/bare_app.py (Header + DataTable + Footer, 260 rows) run by the "
        "same python in the same pty, alternated, one warm-up pair not counted; from the fork to the newest "
        "meeting's date written to the terminal",
    )


# --------------------------------------------------------------------------- 2-4. in the TUI


async def _wait(event: asyncio.Event, what: str, timeout: float = 30) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        raise RuntimeError(f"timed out waiting for {what}") from None


def _key(app: Any, key: str, character: str | None) -> None:
    """A key press as the terminal driver delivers it (Pilot.press adds 20 ms idle waits of its own)."""
    from textual import events

    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def _quiet(app: Any, pilot: Any) -> None:
    """Let everything finish between two timed actions (not timed)."""
    from textual.worker import WorkerCancelled

    for _ in range(100):
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue  # an exclusive worker replaced by a newer one: wait for the others
    await pilot.pause()


class Frames:
    """The first frame a screen composes after its data arrived ("drawn"), and when all is quiet ("settled").

    ``drawn``: the data handler (``_show``, ``_show_item``...) ran and the
    screen's compositor has since rendered a frame: what the user sees holds
    the data. ``settled``: Textual's after-refresh callbacks have run too
    (follow-on work such as the footer rebuilding its keys is done).
    """

    def __init__(self) -> None:
        from textual.screen import Screen

        self._original = Screen._compositor_refresh
        self._armed: dict[int, list[Callable[[], None]]] = {}
        frames = self

        def compositor_refresh(screen: Any) -> None:
            frames._original(screen)
            for hook in frames._armed.pop(id(screen), ()):
                hook()

        Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]

    def close(self) -> None:
        from textual.screen import Screen

        Screen._compositor_refresh = self._original  # type: ignore[method-assign]

    def start(self) -> "Timing":
        return Timing(self)


class Timing:
    def __init__(self, frames: Frames) -> None:
        self.frames = frames
        self.t0 = time.perf_counter()
        self.drawn_at: float | None = None
        self.settled_at: float | None = None
        self._drawn = asyncio.Event()
        self._settled = asyncio.Event()

    def shown(self, screen: Any) -> None:
        """Call right after the screen's data handler ran."""

        def drawn() -> None:
            self.drawn_at = time.perf_counter() - self.t0
            self._drawn.set()

        def settled() -> None:
            self.settled_at = time.perf_counter() - self.t0
            self._settled.set()

        self.frames._armed.setdefault(id(screen), []).append(drawn)
        screen.call_after_refresh(settled)

    def checked(self, after: Timing | None) -> None:
        """The reload found the screen already right: done now, or when ``after`` (the first frame) is drawn."""
        done = time.perf_counter() - self.t0

        def settle() -> None:
            assert after is not None and after.drawn_at is not None and after.settled_at is not None
            self.drawn_at = max(done, after.drawn_at + after.t0 - self.t0)
            self.settled_at = max(done, after.settled_at + after.t0 - self.t0)
            self._drawn.set()
            self._settled.set()

        if after is None:
            self.drawn_at = self.settled_at = done
            self._drawn.set()
            self._settled.set()
        else:
            asyncio.get_running_loop().create_task(self._after(after, settle))

    @staticmethod
    async def _after(first: Timing, then: Callable[[], None]) -> None:
        await first._settled.wait()
        then()

    async def wait(self, what: str) -> tuple[float, float]:
        await _wait(self._drawn, what)
        await _wait(self._settled, what)
        assert self.drawn_at is not None and self.settled_at is not None
        return self.drawn_at, self.settled_at


def _unpainted(screen: Any) -> set[Any]:
    """Widgets of ``screen`` with a repaint, layout or scroll asked for and not yet drawn."""
    return {
        w for w in screen.walk_children(with_self=True)
        if w._repaint_required or w._layout_required or w._scroll_required
    }


# --------------------------------------------------------------------------- the floor of a key


async def floor_keys(shots: list[Any], screen_class: type, keys: list[str], label: str = "") -> list[float]:
    """The floor of a key: the bare app moving from each snapshot to the next on the same keys, key to drawn."""
    from vip_tui.app import VipApp

    from .floor import Floor, floor_app, floor_screen

    floor = Floor(shots)
    app = floor_app(_css_path(VipApp), VipApp.TITLE)
    times: list[float] = []
    pending: dict[str, Timing] = {}

    def step(screen: Any) -> None:
        floor.advance()
        pending.pop("t").shown(screen)

    frames = Frames()
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            actions = {b.action: step for b in _bindings_of(screen_class) if set(keys) & set(b.key.split(","))}
            screen = floor_screen(shots[0], _bindings_of(screen_class), actions)
            await app.push_screen(screen)
            await _quiet(app, pilot)
            floor.bind(screen)
            await _quiet(app, pilot)
            for key in keys:
                pending["t"] = t = frames.start()
                _key(app, key, key)
                d, _ = await t.wait(f"floor {key}")
                times.append(d)
                await _quiet(app, pilot)
            keep_screen(app, f"floor-{screen_class.__name__}{label}")
    finally:
        frames.close()
    return times


async def floor_push(shot: Any, screen_class: type, repeat: int, label: str = "") -> list[float]:
    """The floor of opening a screen: the bare app pushing a screen of the same widgets and content, to drawn."""
    from vip_tui.app import VipApp

    from .floor import floor_app, floor_screen

    app = floor_app(_css_path(VipApp), VipApp.TITLE)
    times: list[float] = []
    frames = Frames()
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            await _quiet(app, pilot)
            for i in range(repeat + 1):
                screen = floor_screen(shot, _bindings_of(screen_class), {})
                t = frames.start()
                app.push_screen(screen)
                t.shown(screen)
                d, _ = await t.wait("floor screen")
                if i:  # as vip's: the first is not counted
                    times.append(d)
                if i == repeat:
                    keep_screen(app, f"floor-{screen_class.__name__}{label}")
                app.pop_screen()
                await _quiet(app, pilot)
    finally:
        frames.close()
    return times


def _bindings_of(screen_class: type) -> list[Any]:
    from textual.binding import Binding

    return [b for b in screen_class.BINDINGS if isinstance(b, Binding)]


def _css_path(app_class: type) -> Path:
    import inspect

    return Path(inspect.getfile(app_class)).with_name(app_class.CSS_PATH)


def ratio_row(name: str, vip: Sequence[float], floor: Sequence[float], bars: dict[str, float], note: str) -> Row:
    """vip's times against the floor's: median (and p95 where a bar asks for it), absolute times beside."""
    ratios = {"median": median(vip) / median(floor), "p95": p95(vip) / p95(floor)}
    shown = [f"{k} {ms({'median': median, 'p95': p95}[k](vip))}" for k in ("median", "p95")]
    base = [f"{k} {ms({'median': median, 'p95': p95}[k](floor))}" for k in ("median", "p95")]
    return Row(
        name,
        ", ".join(shown),
        "floor " + ", ".join(base),
        ", ".join(f"{ratios[k]:.2f}x" for k in ("median", "p95") if k in bars) or "—",
        ", ".join(f"{k} ≤ {v:g}x" for k, v in bars.items()),
        all(ratios[k] <= v for k, v in bars.items()),
        note,
    )


async def tui_review(url: str, meeting_id: int, presses: int, clock: Callable[[], dt.datetime]) -> dict[str, Any]:
    """``n``/``p`` through the meeting's agenda: key press to the new item drawn with the persons' histories."""
    from vip_tui.app import make_app
    from vip_tui.screens.review import ReviewScreen

    from .floor import snapshot

    app = make_app(url, clock=clock, user="bench")
    shots: list[Any] = []  # the screen as drawn before the first press and after each (for the floor)
    keys: list[str] = []
    drawn: dict[str, list[float]] = {"n": [], "p": []}
    fresh: list[float] = []  # a load started by the key press checked against the screen, drawn where it differed
    settled: list[float] = []  # the first frame's after-refresh callbacks run
    frames = Frames()
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            await _quiet(app, pilot)
            app.open_stage(meeting_id, "review")
            for _ in range(100):
                await _quiet(app, pilot)
                if isinstance(app.screen, ReviewScreen) and app.screen.detail is not None:
                    break
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.detail is not None, "review screen did not load"
            n_items = len(screen.rows)
            timing: dict[str, Any] = {}
            original = screen._show_item

            def show_item(detail: Any, *args: Any, **kwargs: Any) -> None:
                before = _unpainted(screen)
                original(detail, *args, **kwargs)
                if detail.item.id != timing.get("id"):
                    return
                first = timing.pop("t", None)
                if first is not None:  # the item's data on screen, however it got there
                    first.shown(screen)
                if not kwargs.get("prefetched"):  # a screen that draws a copy loaded ahead reloads it
                    fresh = timing.pop("fresh", None)
                    if fresh is None:
                        pass
                    elif _unpainted(screen) - before:
                        fresh.shown(screen)  # the reload changed what is shown: settled when that is drawn
                    else:
                        fresh.checked(after=timing.get("first"))  # nothing to draw: settled once the first frame is out


            screen._show_item = show_item  # type: ignore[method-assign]  # load_item looks it up on the instance
            shots.append(snapshot(screen))
            direction = "n"
            for _ in range(presses):
                current = screen.current or 0
                if direction == "n" and current >= n_items - 1:
                    direction = "p"
                elif direction == "p" and current <= 0:
                    direction = "n"
                nxt = current + (1 if direction == "n" else -1)
                timing["id"] = screen.rows[nxt].id
                timing["t"] = timing["first"] = t = frames.start()
                timing["fresh"] = f = frames.start()
                _key(app, direction, direction)
                d, ds = await t.wait(f"item {nxt + 1}")
                fd, fs = await f.wait(f"item {nxt + 1} reloaded")
                assert screen.detail is not None and screen.detail.item.id == timing["id"]
                timing.clear()
                drawn[direction].append(d)
                settled.append(ds)
                fresh.append(max(fd, fs))
                await _quiet(app, pilot)
                keys.append(direction)
                shots.append(snapshot(screen))
            keep_screen(app, "vip-ReviewScreen")
    finally:
        frames.close()
    return {"times": drawn, "fresh": fresh, "settled": settled, "items": n_items, "shots": shots, "keys": keys}


async def tui_profile_and_search(
    url: str, person_id: int, queries: list[str], typed: list[str], repeat: int, clock: Callable[[], dt.datetime]
) -> dict[str, Any]:
    """A person's profile (push to drawn); the palette's person search (provider, and key to hits drawn)."""
    from textual.command import CommandInput, CommandPalette

    from vip_tui.app import make_app
    from vip_tui.palette import SearchProvider
    from vip_tui.screens.person import PersonScreen

    from .floor import snapshot

    app = make_app(url, clock=clock, user="bench")
    shot: Any = None  # the profile as drawn (for the floor)
    profile: list[float] = []
    profile_settled: list[float] = []
    provider_times: list[float] = []
    provider_hits: list[int] = []
    palette_times: list[float] = []
    palette_settled: list[float] = []
    involvements = 0
    frames = Frames()
    original_show = PersonScreen._show
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            await _quiet(app, pilot)
            # -- profile
            current: dict[str, Any] = {}

            def show(self: PersonScreen, data: Any) -> None:
                original_show(self, data)
                if current.get("t") is not None:
                    current.pop("t").shown(self)

            PersonScreen._show = show  # type: ignore[method-assign]
            for i in range(repeat + 1):
                current["t"] = t = frames.start()
                app.open_person(person_id)
                d, s = await t.wait("the profile")
                screen = app.screen
                assert isinstance(screen, PersonScreen) and screen.profile is not None
                involvements = len(screen.profile.involvements)
                if i:  # the first open pays for compiling the statements once per process
                    profile.append(d)
                    profile_settled.append(s)
                if i == repeat:
                    await _quiet(app, pilot)
                    shot = snapshot(screen)
                    keep_screen(app, "vip-PersonScreen")
                app.pop_screen()
                await _quiet(app, pilot)
            PersonScreen._show = original_show  # type: ignore[method-assign]

            # -- the provider's search, as the palette calls it
            provider = SearchProvider(app.screen)
            for i in range(repeat + 1):
                for q in queries:
                    t0 = time.perf_counter()
                    hits = [h async for h in provider.search(q)]
                    elapsed = time.perf_counter() - t0
                    if i:
                        provider_times.append(elapsed)
                        provider_hits.append(len(hits))

            # -- the palette itself: a key typed, to the hits drawn
            if typed:
                app.action_command_palette()
                await _quiet(app, pilot)
                palette = app.screen
                assert isinstance(palette, CommandPalette)
                field = palette.query_one(CommandInput)
                wanted: dict[str, Any] = {}
                original_refresh = palette._refresh_command_list

                def refresh(command_list: Any, commands: Any, clear_current: bool) -> None:
                    original_refresh(command_list, commands, clear_current)
                    # The search of this very text (an earlier one may still be finishing).
                    if wanted.get("t") is not None and field.value == wanted["text"]:
                        wanted.pop("t").shown(palette)

                palette._refresh_command_list = refresh  # type: ignore[method-assign]
                for i in range(repeat + 1):
                    for text in typed:
                        field.value = ""
                        await _quiet(app, pilot)
                        for n, ch in enumerate(text, 1):
                            if n < 2:  # one letter: the person search does not start yet
                                _key(app, "space" if ch == " " else ch, ch)
                                await _quiet(app, pilot)
                                continue
                            wanted["text"] = text[:n]
                            wanted["t"] = t = frames.start()
                            _key(app, "space" if ch == " " else ch, ch)
                            d, s = await t.wait(f"palette hits for {text[:n]!r}")
                            if i:
                                palette_times.append(d)
                                palette_settled.append(s)
                            await _quiet(app, pilot)
                app.pop_screen()
    finally:
        PersonScreen._show = original_show  # type: ignore[method-assign]
        frames.close()
    return {
        "profile": profile,
        "profile_shot": shot,
        "profile_settled": profile_settled,
        "involvements": involvements,
        "provider": provider_times,
        "provider_hits": provider_hits,
        "palette": palette_times,
        "palette_settled": palette_settled,
    }


# --------------------------------------------------------------------------- 5. minutes export


def measure_export(url: str, date: dt.date, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    from vip_tui.db import open_database
    from vip_tui.export import build_minutes, export_minutes

    from . import plain_docx

    rows = []
    db = open_database(url, user="bench", clock=clock)
    out = Path(tempfile.mkdtemp(prefix="vip-bench-export-"))
    try:
        for audience in ("full", "partner"):
            content = plain_docx.extract(build_minutes(db, date, audience))
            export_minutes(db, date, audience, out / f"warm-{audience}.docx")  # compile the statements once; not counted
            vip, plain = [], []
            for i in range(repeat):
                t0 = time.perf_counter()
                export_minutes(db, date, audience, out / f"vip-{audience}-{i}.docx")
                vip.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                plain_docx.write(content, out / f"plain-{audience}-{i}.docx")
                plain.append(time.perf_counter() - t0)
            ratio = median(vip) / median(plain)
            rows.append(
                Row(
                    f"minutes export, {audience} edition, 60 incidents",
                    ms(median(vip)),
                    f"{ms(median(plain))} plain python-docx",
                    f"{ratio:.2f}x",
                    "≤ 1.5x",
                    ratio <= 1.5,
                    f"{content.paragraphs} paragraphs, {content.tables} tables, {content.cells} cells"
                    if audience == "full" else "",
                )
            )
    finally:
        db.dispose()
        shutil.rmtree(out, ignore_errors=True)
    return rows


# --------------------------------------------------------------------------- 6. import


class Copies:
    """Fresh copies of the benchmark database for the import (which changes it)."""

    def __init__(self, url: str) -> None:
        from vip_tui.db import resolve_url

        self.url = resolve_url(url)
        self.made: list[str] = []

    def new(self) -> str:
        from sqlalchemy.engine import make_url

        u = make_url(self.url)
        if u.get_backend_name() == "sqlite":
            src = Path(u.database)
            dest = Path(tempfile.mkdtemp(prefix="vip-bench-import-")) / "copy.db"
            a, b = sqlite3.connect(f"file:{src}?mode=ro", uri=True), sqlite3.connect(dest)
            a.backup(b)
            b.close()
            a.close()
            os.chmod(dest, 0o600)
            self.made.append(str(dest))
            return str(dest)
        import psycopg

        name = f"bench_import_{len(self.made)}_{os.getpid()}"
        with psycopg.connect(
            host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True
        ) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            # A template must have no sessions: close what the earlier measurements left
            # (an app's worker thread may still hold a connection after the app exited).
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (u.database,),
            )
            for attempt in range(50):  # autovacuum may be visiting the template for a moment
                try:
                    con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{u.database}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.2)
        self.made.append(name)
        return u.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        from sqlalchemy.engine import make_url

        u = make_url(self.url)
        for made in self.made:
            if u.get_backend_name() == "sqlite":
                shutil.rmtree(Path(made).parent, ignore_errors=True)
            else:
                import psycopg

                with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres",
                                     autocommit=True) as con:
                    con.execute(f'DROP DATABASE IF EXISTS "{made}"')
        self.made = []


def measure_import(url: str, repeat: int, incidents: int, clock: Callable[[], dt.datetime]) -> Row:
    from vip_tui.agenda.importer import import_files
    from vip_tui.db import open_database

    from .agenda_file import known_persons, write_agenda
    from .queries import statements

    folder = Path(tempfile.mkdtemp(prefix="vip-bench-agenda-"))
    path = folder / "week-2026-12-01.toml"
    src = open_database(url, user="bench", clock=clock)
    persons = write_agenda(path, date=dt.date(2026, 12, 1), incidents=incidents,
                           known=known_persons(src.engine, incidents * 2, seed=3))
    src.dispose()
    copies = Copies(url)
    times: list[float] = []
    sent = 0
    try:
        for i in range(repeat):
            db = open_database(copies.new(), user="bench", clock=clock)
            try:
                with statements(db.engine) as st:
                    t0 = time.perf_counter()
                    import_files(db, [path])
                    times.append(time.perf_counter() - t0)
                sent = len(st)
            finally:
                db.dispose()
            copies.drop()
    finally:
        copies.drop()
        shutil.rmtree(folder, ignore_errors=True)
    return Row(
        f"import of a {incidents}-incident agenda (TOML)",
        f"{ms(median(times))} (runs: {', '.join(f'{x:.2f}' for x in times)} s)",
        "—",
        "—",
        "< 2 s",
        median(times) < 2.0,
        f"{persons} persons in the file, about half already on file; {sent} SQL statements",
    )


# --------------------------------------------------------------------------- 7. figures


def measure_figures(url: str, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    if importlib.util.find_spec("vip_tui.screens.figures") is None:
        return [Row("figures screen", "not measured", bar="< 200 ms", ok=None,
                    note="vip_tui/screens/figures.py does not exist yet: a gap, not a pass")]
    return asyncio.run(_figures(url, repeat, clock))


async def _figures(url: str, repeat: int, clock: Callable[[], dt.datetime]) -> list[Row]:
    """The figures opened as `f` opens them (12 weeks), then `w` cycling 12 → 26 → 52 weeks; each to drawn."""
    from vip_tui.app import make_app
    from vip_tui.screens.figures import FiguresScreen

    from .floor import snapshot

    app = make_app(url, clock=clock, user="bench")
    opens: list[float] = []
    opened: Any = None  # the figures as opened (for the floor)
    presses: list[float] = []
    shots: list[Any] = []  # before the first `w` and after each (for the floor)
    current: dict[str, Any] = {}
    original = FiguresScreen._show

    def show(self: FiguresScreen, figures: Any) -> None:
        original(self, figures)
        if current.get("t") is not None:
            current.pop("t").shown(self)

    FiguresScreen._show = show  # type: ignore[method-assign]
    frames = Frames()
    try:
        async with app.run_test(size=REVIEW_SIZE) as pilot:
            await _quiet(app, pilot)
            for i in range(repeat + 1):
                current["t"] = t = frames.start()
                app.open_figures()
                d, _ = await t.wait("the figures")
                if i:  # the first open compiles the statements once per process
                    opens.append(d)
                if i < repeat:
                    app.pop_screen()
                await _quiet(app, pilot)
            opened = snapshot(app.screen)
            keep_screen(app, "vip-FiguresScreen")
            shots.append(opened)
            for i in range(repeat * 3):
                current["t"] = t = frames.start()
                _key(app, "w", "w")
                d, _ = await t.wait("the figures for other weeks")
                await _quiet(app, pilot)
                if i >= 3:  # the first round compiles the statements for 26 and 52 weeks
                    presses.append(d)
                shots.append(snapshot(app.screen))
            keep_screen(app, "vip-FiguresScreen-w")
    finally:
        FiguresScreen._show = original  # type: ignore[method-assign]
        frames.close()
    floor_open = await floor_push(opened, FiguresScreen, repeat)
    floor_w = (await floor_keys(shots, FiguresScreen, ["w"] * (len(shots) - 1), label="-w"))[3:]
    note = "floor: the same widgets and content drawn by a bare Textual app"
    return [
        ratio_row("figures screen: `f` to the figures drawn (12 weeks)", opens, floor_open, {"median": 1.5},
                  f"{len(opens)} opens; {note}"),
        ratio_row("figures screen: `w` to the next weeks drawn (12 → 26 → 52)", presses, floor_w, {"median": 1.5},
                  f"{len(presses)} presses; {note}"),
    ]


# --------------------------------------------------------------------------- the suite


@dataclass
class Subject:
    url: str
    meeting_id: int
    meeting_date: dt.date
    profile_person_id: int
    label: str


def find_subject(url: str, label: str) -> Subject:
    """The 60-incident meeting in progress and the person with exactly 20 involvements (the generator's)."""
    import sqlalchemy as sa

    from vip_tui.db import open_database

    db = open_database(url, user="bench")
    try:
        with db.engine.connect() as con:
            meeting_id, date = con.execute(
                sa.text("SELECT id, date FROM meeting ORDER BY date DESC LIMIT 1")
            ).one()
            # Person 1 is the generator's profile person; any other with exactly 20 will do.
            person_id = con.execute(
                sa.text(
                    "SELECT person_id FROM involvement GROUP BY person_id "
                    "HAVING COUNT(DISTINCT incident_id) = 20 ORDER BY person_id LIMIT 1"
                )
            ).scalar_one()
    finally:
        db.dispose()
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return Subject(url, meeting_id, date, person_id, label)


def search_terms(url: str, seed: int) -> tuple[list[str], list[str]]:
    """Queries as people type them: parts of names, a full name, a records id prefix, a case number part."""
    import random

    import sqlalchemy as sa

    from vip_tui.db import open_database

    db = open_database(url, user="bench")
    try:
        with db.engine.connect() as con:
            names = [r[0] for r in con.execute(sa.text("SELECT name FROM person ORDER BY id")).all()]
    finally:
        db.dispose()
    rng = random.Random(seed)
    ascii_names = [n for n in names if n.isascii() and "-" not in n]
    picks = rng.sample(ascii_names, 4)
    last = [p.split()[-1] for p in picks]
    queries = [last[0][:2], last[1][:3], last[2], picks[3], "MNI-4", "26-008"]
    typed = [picks[0].split()[-1][:5].lower(), picks[1].lower()[:9]]
    return queries, typed


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def run_suite(subject: Subject, args: argparse.Namespace) -> list[Row]:
    url, repeat = subject.url, args.repeat
    clock = MeetingDayClock(dt.datetime.combine(subject.meeting_date, dt.time(9, 30)))
    only = set(args.only.split(",")) if args.only else None
    want = lambda name: only is None or name in only  # noqa: E731
    rows: list[Row] = []

    def step(name: str) -> None:
        print(f"  [{subject.label}] {name}…", file=sys.stderr, flush=True)

    if want("startup"):
        step("start-up")
        rows.append(measure_startup(url, subject.meeting_date, max(repeat, 7), bar=subject.label == "SQLite"))
    if want("review"):
        step("review next/previous")
        from vip_tui.screens.review import ReviewScreen

        result = asyncio.run(tui_review(url, subject.meeting_id, args.presses, clock))
        both = result["times"]["n"] + result["times"]["p"]
        floor = asyncio.run(floor_keys(result["shots"], ReviewScreen, result["keys"]))
        rows.append(
            ratio_row(
                f"review: n/p to the item drawn with histories ({len(both)} presses, {result['items']} items)",
                both, floor, {"median": 1.5, "p95": 2.0},
                "floor: the same widgets with the same content, drawn by a bare Textual app on the same keys; "
                + "; ".join(f"{d}: median {ms(median(result['times'][d]))}, p95 {ms(p95(result['times'][d]))}"
                            for d in "np" if result["times"][d]) + "; "
                f"max {ms(max(both))}; settled (that frame's after-refresh callbacks run): median "
                f"{ms(median(result['settled']))}, p95 {ms(p95(result['settled']))}; the copy loaded after "
                f"the press checked against the screen and drawn where it differed: median "
                f"{ms(median(result['fresh']))}, p95 {ms(p95(result['fresh']))}",
            )
        )
    if want("profile") or want("search"):
        step("profile and palette search")
        queries, typed = search_terms(url, args.seed)
        result = asyncio.run(
            tui_profile_and_search(url, subject.profile_person_id, queries, typed, max(repeat, 5) * 2, clock)
        )
        if want("profile"):
            from vip_tui.screens.person import PersonScreen

            floor = asyncio.run(floor_push(result["profile_shot"], PersonScreen, len(result["profile"])))
            rows.append(
                ratio_row(
                    f"person profile ({result['involvements']} involvements): open to drawn",
                    result["profile"], floor, {"median": 1.5},
                    f"person id {subject.profile_person_id}, {len(result['profile'])} opens; floor: the same widgets "
                    "and content pushed by a bare Textual app; settled (footer rebuilt too): median "
                    f"{ms(median(result['profile_settled']))}",
                )
            )
        if want("search"):
            rows.append(
                Row(
                    "palette person search: key to hits drawn (20,000 persons)",
                    f"{ms(median(result['palette']))} (p95 {ms(p95(result['palette']))})",
                    bar="< 50 ms",
                    ok=median(result["palette"]) < 0.050,
                    note=f"typed {typed!r} key by key; {len(result['palette'])} keys timed; settled: median "
                         f"{ms(median(result['palette_settled']))}",
                )
            )
            rows.append(
                Row(
                    "palette SearchProvider.search alone",
                    f"{ms(median(result['provider']))} (p95 {ms(p95(result['provider']))})",
                    bar="< 50 ms",
                    ok=median(result["provider"]) < 0.050,
                    note=f"queries {queries!r}; hits per query up to {max(result['provider_hits'])}",
                )
            )
    if want("export"):
        step("minutes export")
        rows += measure_export(url, subject.meeting_date, repeat, clock)
    if want("import"):
        step("agenda import")
        rows.append(measure_import(url, max(3, repeat // 2), args.import_incidents, clock))
    if want("figures"):
        step("figures")
        rows += measure_figures(url, max(repeat, 5) * 2, clock)
    if want("caseload"):
        step("VIP All In caseload")
        from .caseload import measure_caseload

        rows += measure_caseload(url, max(repeat, 5) * 2, clock)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    from . import generate as gen

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", metavar="PATH_OR_URL", help="an existing generated history (default: generate one)")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server instead")
    parser.add_argument("--all", action="store_true", help="run on SQLite, then on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--presses", type=int, default=100, help="n/p presses in the review (default 100)")
    parser.add_argument("--import-incidents", type=int, default=500, help="incidents in the imported agenda")
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="comma-separated: startup,review,profile,search,export,import,figures,caseload")
    args = parser.parse_args(argv)

    outputs = [f"Machine: {machine()}", f"Command: python -m bench.run {' '.join(argv or sys.argv[1:])}".rstrip()]
    if not args.postgres or args.all:
        url = args.db or str(gen.default_db_path(args.years, args.seed))
        if args.db is None and Path(url).exists() and not gen.has_participants(url):
            print(f"{url}: made before VIP All In (issue 15); generating it again", file=sys.stderr)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url}{suffix}").unlink(missing_ok=True)
        if args.db is None and not Path(url).exists():
            g = gen.generate(url, years=args.years, seed=args.seed)
            gen.report(g)
        # The suite writes (the review moves the clock, exports log disseminations):
        # it runs on a copy, so every run starts from the generated history.
        copies = Copies(url)
        try:
            before = load()
            rows = run_suite(find_subject(copies.new(), "SQLite"), args)
        finally:
            copies.drop()
        outputs.append(table(rows, f"SQLite ({args.years:g}-year history, seed {args.seed})")
                       + f"\n\n({before} at the start, {load()} at the end)")
        print(outputs[-1], flush=True)
    if args.postgres or args.all:
        sys.path.insert(0, str(REPO))
        from tests.pg import PgServer, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found")
        server = PgServer.start(bin_dir)
        try:
            url = server.create_database()
            g = gen.generate(url, years=args.years, seed=args.seed)
            gen.report(g)
            import psycopg

            with psycopg.connect(f"host=127.0.0.1 port={server.port} user=vip dbname=postgres") as con:
                version = con.execute("SHOW server_version").fetchone()[0]
            before = load()
            rows = run_suite(find_subject(url, "PostgreSQL"), args)
            outputs.append(table(rows, f"PostgreSQL {version} ({args.years:g}-year history, seed {args.seed}, "
                                       f"local server, fsync off)")
                           + f"\n\n({before} at the start, {load()} at the end)")
            print(outputs[-1], flush=True)
        finally:
            server.stop()
    print()
    print("\n\n".join(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
