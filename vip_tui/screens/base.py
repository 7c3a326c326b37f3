"""What every vip screen shares: help, back, presentation mode, and its keys in the palette."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, ClassVar, ParamSpec, TypeVar

from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed, WorkerState

if TYPE_CHECKING:
    from ..app import VipApp

P = ParamSpec("P")
T = TypeVar("T")

# The worker group of every screen's writes (VipScreen.write).
WRITES = "writes"


# Keys every screen has; shown in each screen's help. `?` is also a key in
# text fields, so F1 opens help from inside an editor.
COMMON_BINDINGS: list[BindingType] = [
    Binding("question_mark,f1", "app.help", "Help", id="common.help"),
    Binding("escape", "back", "Back", id="common.back", show=False),
    # Screen's own focus keys, restated: concrete screens do not inherit bindings.
    Binding("tab", "app.focus_next", "Next pane", id="common.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", id="common.focus_previous", show=False),
    Binding("ctrl+c,super+c", "screen.copy_text", "Copy selection", id="common.copy", show=False),
    Binding("f2", "app.toggle_presentation", "Presenting", id="common.present",
            tooltip="Presentation mode: initials only, law-enforcement-only notes hidden"),
]


class VipScreen(Screen[None]):
    """Base of the app's screens. Subclasses add BINDINGS and HELP."""

    BINDINGS: ClassVar[list[BindingType]] = list(COMMON_BINDINGS)

    app: "VipApp"
    # What the audience may see, mirrored from the app so the screen's widgets
    # take it with data_bind (state down): presenting, and a counter bumped
    # whenever what may be shown changed (mode toggled, masking index ready).
    presenting: reactive[bool] = reactive(False, repaint=False)
    shown_as: reactive[int] = reactive(0, repaint=False)
    # Shown in the help screen above the list of keys.
    HELP: ClassVar[str] = ""
    # Whether the class was declared with inherit_bindings (help.class_bindings reads it; Textual keeps it privately).
    INHERIT_BINDINGS: ClassVar[bool] = True

    def __init_subclass__(cls, inherit_bindings: bool = True, **kwargs: bool) -> None:
        cls.INHERIT_BINDINGS = inherit_bindings
        super().__init_subclass__(inherit_bindings=inherit_bindings, **kwargs)

    # The screen's write lane (see write), and its last write: set once it is written.
    _lane: ThreadPoolExecutor | None = None
    _write_tail: threading.Event | None = None
    _awaited_writes: weakref.WeakSet[Worker] | None = None

    def write(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Worker[T]:
        """Run ``fn`` (a service write) off the UI thread, after every write this screen asked for before.

        One ordered lane per screen: the writes of a screen run one at a time,
        in the order the keys asked for them, so a key's write never overtakes
        the previous key's, and whatever waits for a write sees every write
        before it too. The UI thread keeps drawing while a write waits for a
        busy database. A failure that nobody awaits (see :meth:`written`) is
        told: "Not saved: …".
        """
        if self._lane is None:
            self._lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vip-writes")
        done = threading.Event()
        self._write_tail = done  # set once this write (and so every one before it) is written

        def in_order() -> T:
            try:
                return fn(*args, **kwargs)
            finally:
                done.set()

        # Queued now, in key order, on the screen's one thread. The worker only
        # waits for it: Textual cancels a screen's workers as it unmounts, and a
        # write cancelled before it started would be lost; shielded, it is not.
        future = asyncio.wrap_future(self._lane.submit(in_order))

        async def landed() -> T:
            return await asyncio.shield(future)

        name = getattr(fn, "__name__", "write")
        return self.run_worker(landed(), name=name, group=WRITES, exit_on_error=False)

    def on_unmount(self) -> None:
        # The writes still queued are written (the lane's thread is joined at exit, never abandoned).
        if self._lane is not None:
            self._lane.shutdown(wait=False)

    async def written(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """:meth:`write`, waited for: its result, or the service's own exception (StaleEdit, DatabaseBusy…)."""
        return await self.outcome(self.write(fn, *args, **kwargs))

    async def outcome(self, worker: Worker[T]) -> T:
        """What a write started with :meth:`write` returned, or its own exception; its failure is the caller's to tell.

        For a key that must not wait for its write (the next key is handled at
        once) but tells how it went: ``self.run_worker(self.outcome(...))``.
        """
        if self._awaited_writes is None:
            self._awaited_writes = weakref.WeakSet()
        self._awaited_writes.add(worker)  # its failure is the caller's to tell, not on_worker_state_changed's
        try:
            return await worker.wait()
        except WorkerFailed as failed:
            raise failed.error from None

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers run with exit_on_error=False so one failed load never kills
        # the meeting; the failure is shown, not swallowed.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.log.error(event.worker.error)
            if event.worker.group != WRITES:
                self.notify(f"Could not load: {event.worker.error}", severity="error", timeout=8)
            elif event.worker not in (self._awaited_writes or ()):
                self.notify(f"Not saved: {event.worker.error}", severity="error", timeout=8)

    def on_screen_resume(self) -> None:
        # Nothing to do: Textual refreshes the bindings itself when the screen
        # stack changes. Refreshing here too rebuilt the footer's keys once more
        # per screen shown, and again per subclass that calls super() (Textual
        # already calls every class's handler): 20-40 ms per push (issue 7).
        pass

    def on_mount(self) -> None:
        # Every screen in the stack follows what the audience may see (vip_tui.disclosure).
        self.presenting, self.shown_as = self.app.presenting, self.app.shown_as
        self.watch(self.app, "shown_as", self._shown_as_changed, init=False)

    def _shown_as_changed(self, shown_as: int) -> None:
        self.presenting, self.shown_as = self.app.presenting, shown_as
        self.present_mode_changed(self.app.presenting)

    def present_mode_changed(self, presenting: bool) -> None:
        """Presentation mode was toggled or its masking became ready: redraw what shows persons or free text."""


# The four stages of a meeting, in the order the facilitator goes through them.
STAGES = ("attendance", "old_business", "review", "wrap_up")
STAGE_TITLES = {
    "attendance": "Attendance",
    "old_business": "Old business",
    "review": "Incident review",
    "wrap_up": "Wrap-up",
}


# One footer entry, "1234 Stage" (each key's own name is in help): the four names took half an
# 80-column footer and pushed `? Help` off it (issue 13).
STAGE_GROUP = Binding.Group("Stage", compact=True)
STAGE_BINDINGS: list[BindingType] = [
    Binding("1", "stage('attendance')", "Attendance", id="stage.attendance", group=STAGE_GROUP),
    Binding("2", "stage('old_business')", "Old business", id="stage.old_business", group=STAGE_GROUP),
    Binding("3", "stage('review')", "Review", id="stage.review", group=STAGE_GROUP),
    Binding("4", "stage('wrap_up')", "Wrap-up", id="stage.wrap_up", group=STAGE_GROUP),
]


# What a key that would change a closed meeting answers, instead of doing nothing in silence (issue 13).
CLOSED_MEETING = "This meeting is closed: corrections are amendments (wrap-up, m)"


class MeetingStageScreen(VipScreen):
    """A stage of one meeting. Keys 1–4 switch stages; escape goes back to the meetings list."""

    STAGE: ClassVar[str] = ""

    # Concrete stages declare `inherit_bindings=False` and list
    # [*their own, *STAGE_BINDINGS, *COMMON_BINDINGS], so the footer shows
    # their own keys first, where a narrow terminal still has room.
    BINDINGS: ClassVar[list[BindingType]] = [*STAGE_BINDINGS, *COMMON_BINDINGS]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stage" and parameters and parameters[0] == self.STAGE:
            return None  # shown greyed: this is where we are
        return True

    def say_closed(self, closed: bool) -> bool:
        """``closed``: tell why the key pressed does nothing, and return True; else False (the key goes on)."""
        if closed:
            self.notify(CLOSED_MEETING, severity="warning", timeout=4)
        return closed

    def action_stage(self, stage: str) -> None:
        if stage != self.STAGE:
            self.app.open_stage(self.meeting_id, stage)

    def action_back(self) -> None:
        self.app.pop_screen()
