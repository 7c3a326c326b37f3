"""The App: a shell that holds the database, presentation mode and the first screen."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.dom import DOMNode
from textual.screen import Screen

from .enums import Audience
from .palette import SearchProvider
from .sanitize import for_terminal

if TYPE_CHECKING:
    from textual.binding import Keymap
    from textual.notifications import SeverityLevel

    from .config import Config
    from .db import Clock, Database
    from .disclosure import ProtectedIndex


GC_OFF_AT_MOST = 10.0  # seconds: see make_app

# Busy is not a crash (issue 12 item 7): a write that meets another process's
# lock waits this long, then the key's action is tried again every
# BUSY_RETRY seconds with BUSY on screen, for BUSY_GIVE_UP seconds at most.
BUSY = "database busy — retrying"
LOCK_WAIT_MS = 250
BUSY_RETRY = 0.5
BUSY_GIVE_UP = 120.0


class VipApp(App[None]):
    TITLE = "vip"
    SUB_TITLE = "weekly shooting review"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    # Presentation mode (SPEC §6): the shared screen's audience (vip_tui.disclosure decides what it sees).
    presenting: reactive[bool] = reactive(False)
    # Bumped when what the screens may show changes (presentation mode toggled, the
    # names on file loaded for masking): every VipScreen watches it and redraws.
    shown_as: reactive[int] = reactive(0, init=False)
    COMMANDS = App.COMMANDS | {SearchProvider}

    def __init__(self, database: Database, *, desk: Audience | str = Audience.full) -> None:
        super().__init__()
        self.db = database
        # Who reads at this desk (`vip --desk`): full (law enforcement) or services (VIP All In program
        # staff, who alone read the service records of SPEC §9). Presentation mode overrides both.
        self.desk = Audience(desk)
        if self.desk not in (Audience.full, Audience.services):
            raise ValueError(f"a desk is full or services, not {desk}")
        self.warmed_up = False
        self._busy_since: float | None = None  # when the first of the writes waiting for the lock met it
        self._busy_told = 0.0
        self._busy_waiting = 0  # writes to try again
        database.limit_lock_wait(LOCK_WAIT_MS)
        # Every person on file, for masking free text on the shared screen: built
        # off the UI thread when presenting turns on (0.25 s on five years of
        # history), kept while the persons on file stay the same.
        self.protected: ProtectedIndex | None = None
        self._protected_stamp: tuple | None = None

    # ---------------------------------------------------------------- busy database

    async def run_action(
        self, action: str | object, default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key's action: one that meets a busy database is tried again, with BUSY on screen, not a crash.

        A refused write changed nothing (its transaction rolled back, the
        screen's state is as before), so running the action again is the
        same key pressed again once the lock is released.
        """
        from .db import DatabaseBusy

        try:
            return await super().run_action(action, default_namespace, namespaces)  # type: ignore[arg-type]
        except DatabaseBusy:
            if default_namespace is None or default_namespace.is_attached:
                self.retry_when_free(lambda: self.run_action(action, default_namespace, namespaces))
            return True

    def retry_when_free(self, retry: Callable[[], Awaitable[object] | object]) -> None:
        """Show BUSY (again every few seconds) and call ``retry`` in BUSY_RETRY seconds; give up after BUSY_GIVE_UP.

        ``retry`` calls this again if the database is still busy; once every
        waiting write went through, the screen says so.
        """
        now = time.monotonic()
        if self._busy_since is None:
            self._busy_since = now
        elif now - self._busy_since > BUSY_GIVE_UP:
            self._busy_since, self._busy_waiting = None, 0
            self.notify(f"The database stayed busy for {BUSY_GIVE_UP:.0f} s; that change was not made. Try again.",
                        severity="error", timeout=15)
            return
        if now - self._busy_told >= 4:
            self._busy_told = now
            self.notify(BUSY, severity="warning", timeout=4)
        self._busy_waiting += 1

        async def again() -> None:
            self._busy_waiting -= 1
            result = retry()
            if isinstance(result, Awaitable):
                await result
            if self._busy_waiting == 0 and self._busy_since is not None:
                self._busy_since, self._busy_told = None, 0.0
                self.notify("Database free again; saved", timeout=3)

        # Through the app's message queue, as a key press is, not in the timer's own task.
        self.set_timer(BUSY_RETRY, lambda: self.call_later(again))

    def _handle_exception(self, error: Exception) -> None:
        # A busy database met outside a key's action (a dialog's answer, a
        # worker): not a crash; the change was not made and the user is told.
        from textual.worker import WorkerFailed

        from .db import is_busy

        cause = error.error if isinstance(error, WorkerFailed) else error
        if is_busy(cause):
            self.notify("Database busy: that change was not made (another vip is writing). Try again in a moment.",
                        severity="error", timeout=8)
            return
        super()._handle_exception(error)

    def get_default_screen(self) -> Screen:
        from .screens.meetings import MeetingsScreen

        return MeetingsScreen()

    def warm_up(self) -> None:
        """Once the first screen shows: load the ORM in the background, then freeze the start-up heap."""
        if not self.warmed_up:
            self.warmed_up = True
            self._warm_up()

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        # The first screen was read without SQLAlchemy (services/meeting_list.py):
        # the engine, its first connection and the ORM are made here, after the
        # first frame, so that the first key does not wait for them.
        try:
            self.db.warm_up()
        finally:
            # The ~150,000 objects of the imports live as long as the app: without
            # this, every full collection walks them all (80-200 ms, measured), a
            # pause in the middle of a key press every few presses (issue 7).
            gc.freeze()
            gc.enable()  # off since make_app

    def on_mount(self) -> None:
        # Should the first screen never show its rows (a database gone away),
        # the collector must not stay off for the rest of the session.
        self.set_timer(GC_OFF_AT_MOST, gc.enable)
        self._apply_config()

    # ---------------------------------------------------------------- configuration (vip_tui.config)

    config: Config | None = None
    keymap: Keymap = {}  # what set_keymap was given, for help (Textual keeps it privately); replaced, never changed

    def use_config(self, config: Config) -> None:
        """Apply the configuration file's theme and keymap when the app starts."""
        self.config = config

    def _apply_config(self) -> None:
        """Theme and keymap from the file; a mistake is told in a notification and left out, never fatal."""
        config = self.config
        if config is None:
            return
        config = config.checked(themes=self.available_themes, binding_ids=config.keymap)  # ids: below
        if config.theme:
            self.theme = config.theme
        if config.keymap:
            # Applied at once (an id no binding has changes nothing); checked in the background, since
            # knowing every binding id means importing every screen and the services behind them.
            self.set_keymap(config.keymap)
            self._check_keymap(config)
        elif config.problems:
            self._tell_config(config, [])

    @work(thread=True, exit_on_error=False, group="config")
    def _check_keymap(self, config: Config) -> None:
        from .screens.help import binding_ids, keymap_clashes

        checked = config.checked(themes=(config.theme,) if config.theme else (), binding_ids=binding_ids())
        self.call_from_thread(self._keymap_checked, checked, keymap_clashes(checked.keymap))

    def _keymap_checked(self, config: Config, clashes: list[str]) -> None:
        if dict(config.keymap) != self.keymap:
            self.set_keymap(config.keymap)  # without the ids no binding has, so help never lists them
        self._tell_config(config, clashes)

    def _tell_config(self, config: Config, clashes: list[str]) -> None:
        told = [f"{p}; left out" for p in config.problems] + clashes
        if told:
            self.notify("\n".join(told), title=config.path.name, severity="warning", timeout=12)

    def set_keymap(self, keymap: Keymap) -> None:
        self.keymap = dict(keymap)
        super().set_keymap(keymap)

    def update_keymap(self, keymap: Keymap) -> None:
        self.keymap = {**self.keymap, **keymap}
        super().update_keymap(keymap)

    def on_unmount(self) -> None:
        gc.enable()
        self.db.dispose()

    def now(self):  # noqa: ANN201
        return self.db.now()

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (screens' too): messages quote stored text, so never markup, never raw controls."""
        super().notify(for_terminal(message), title=for_terminal(title), severity=severity, timeout=timeout,
                       markup=False)

    # -------------------------------------------------------------- presentation mode

    @property
    def audience(self) -> Audience:
        """Who is reading the screen now: the shared screen while presenting, else the desk."""
        return Audience.screen if self.presenting else self.desk

    def watch_presenting(self, presenting: bool) -> None:
        self.set_class(presenting, "-presenting")
        # The title shows on every screen (screens set only their sub-title).
        self.title = "PRESENTING · initials only, LE-only notes hidden ·" if presenting else self.TITLE
        if presenting:
            self._load_protected()
        self.shown_as += 1

    def persons_changed(self) -> None:
        """Persons were imported, added or renamed: the masking index is built again before it is used."""
        self.protected = None
        self._protected_stamp = None
        if self.presenting:
            self._load_protected()
            self.shown_as += 1

    @work(thread=True, exclusive=True, exit_on_error=False, group="protected-index")
    def _load_protected(self) -> None:
        from textual.worker import get_current_worker

        from .disclosure import persons_stamp, screen_index

        with self.db.session() as s:
            stamp = persons_stamp(s)
            if stamp == self._protected_stamp and self.protected is not None:
                return
            self.call_from_thread(self._protected_ready, None, None)  # hidden, not shown unmasked, meanwhile
            index = screen_index(s)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._protected_ready, index, stamp)

    def _protected_ready(self, index: ProtectedIndex | None, stamp: tuple | None) -> None:
        if index is None and self.protected is None:
            return
        self.protected, self._protected_stamp = index, stamp
        self.shown_as += 1

    def action_toggle_presentation(self) -> None:
        self.presenting = not self.presenting
        self.notify("Presentation mode on" if self.presenting else "Presentation mode off", timeout=2)

    # -------------------------------------------------------------- navigation

    def open_stage(self, meeting_id: int, stage: str, **kwargs: object) -> None:
        """Show one stage of a meeting: on top of the meetings list, replacing any other stage."""
        from .screens.base import MeetingStageScreen
        from .screens.stages import stage_screen

        screen = stage_screen(stage, meeting_id, **kwargs)
        if isinstance(self.screen, MeetingStageScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_person(self, person_id: int) -> None:
        """Show a person's profile: loaded first, then shown with its data.

        Loaded under a screen being built, every statement waited for the
        drawing (the GIL): 107 ms on PostgreSQL against 36 ms this way (issue 7).
        """
        self._open_person(person_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open-person")
    def _open_person(self, person_id: int) -> None:
        from textual.worker import get_current_worker

        from .services.persons import person_profile

        try:
            profile = person_profile(self.db, person_id, as_of=self.now())
        except Exception:  # noqa: BLE001  (the screen loads again and reports it)
            profile = None
        if not get_current_worker().is_cancelled:  # another person was asked for meanwhile
            self.call_from_thread(self._push_person, person_id, profile)

    def _push_person(self, person_id: int, profile: object) -> None:
        from .screens.person import PersonScreen

        self.push_screen(PersonScreen(person_id, profile=profile))  # type: ignore[arg-type]

    def open_figures(self) -> None:
        """Show the program figures: loaded first, then shown with its data, as a profile is.

        Loaded under the screen being built, the statements waited for the
        drawing: 190-330 ms to the figures drawn against 45-75 ms for the
        same load alone (issue 14, `python -m bench.run --only figures`).
        """
        self._open_figures()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open-figures")
    def _open_figures(self) -> None:
        from textual.worker import get_current_worker

        from .services.figures import WEEK_CHOICES, program_figures

        try:
            figures = program_figures(self.db, today=self.now().date(), weeks=WEEK_CHOICES[0])
        except Exception:  # noqa: BLE001  (the screen loads again and reports it)
            figures = None
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._push_figures, figures)

    def _push_figures(self, figures: object) -> None:
        from .screens.figures import FiguresScreen

        self.push_screen(FiguresScreen(figures=figures))  # type: ignore[arg-type]

    def open_case(self, incident_id: int) -> None:
        """Go to the latest review of an incident."""
        from .services.search import latest_review_of

        found = latest_review_of(self.db, incident_id)
        if found is None:
            self.notify("That incident is on no meeting's agenda", severity="warning")
            return
        meeting_id, agenda_item_id = found
        self.open_stage(meeting_id, "review", agenda_item_id=agenda_item_id)

    # -------------------------------------------------------------- help and palette

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every key of the current screen as a command, then the app's own."""
        from .screens.help import declared_bindings

        for action, (binding, keys) in declared_bindings(screen).items():
            if action in ("back", "app.help"):
                continue
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip + ' · ' if binding.tooltip else ''}key: {', '.join(keys)}",
                lambda action=action: screen.run_action(action),
            )
        yield from super().get_system_commands(screen)


def make_app(
    db: Database | str | None, *, clock: Clock | None = None, user: str | None = None,
    desk: Audience | str = Audience.full,
) -> VipApp:
    """Build the app for ``vip`` and for the tests (a Database, or a path/URL to open)."""
    # The cyclic collector is off until the first screen shows its rows
    # (VipApp._warm_up then freezes the start-up heap and turns it back on):
    # the imports behind the database and the first screen make some 150,000
    # objects that live as long as the app, and collections rescanning them
    # while they are made cost 30-45 ms of a 300-350 ms start (issue 7,
    # ``python -m bench.run --only startup``). Nothing they make is garbage.
    gc.disable()
    try:
        from .db import Database, open_database  # SQLAlchemy: imported here, not with the app

        database = db if isinstance(db, Database) else open_database(db, user=user, clock=clock)
    except BaseException:
        gc.enable()
        raise
    return VipApp(database, desk=desk)
