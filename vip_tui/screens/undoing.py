"""`u` on the boards and in old business: undo the last change made on that screen.

A screen makes each write with :meth:`UndoLast.recorded`, in its ordered
write lane; ``u`` reverts the last one recorded (services/undo.py) and says
what was undone; pressed again, the one before (an attempt, then the status
it led to). Changes act at once instead of asking first: a slip costs one
key, not a question per change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding

from ..services.guard import ServiceError
from ..services.undo import Change, recording, undo
from ..widgets import text as shown

if TYPE_CHECKING:
    from textual.screen import Screen

    _Screen = Screen
else:
    _Screen = object

T = TypeVar("T")

UNDO_BINDING = Binding("u", "undo", "Undo", id="undo.last", show=False,
                       tooltip="Undo the last change made on this screen")


class UndoLast(_Screen):
    """A mixin: the screen provides ``load()`` (reload its rows); ``u`` undoes its last change."""

    _changes: list[Change] | None = None
    KEEP = 20  # changes remembered per screen

    def load(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def recorded(self, what: str, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``fn`` in the screen's ordered write lane, its writes recorded as this screen's last change.

        Recorded in the writing thread (the record is a context variable of
        that thread); a refused write raises here and is not remembered.
        """

        def run() -> tuple[T, Change]:
            with recording(what) as change:
                result = fn(*args, **kwargs)
            return result, change

        result, change = await self.written(run)  # type: ignore[attr-defined]
        if change.steps:
            self._changes = [*(self._changes or [])[-(self.KEEP - 1):], change]
        return result

    async def action_undo(self) -> None:
        if not self._changes:
            self.notify("Nothing to undo: no change was made on this screen since it opened", severity="warning")
            return
        change = self._changes.pop()
        try:
            await self.written(undo, self.app.db, change)  # type: ignore[attr-defined]
        except ServiceError as exc:
            self.notify(f"Not undone: {shown.safe(exc)}", severity="error", markup=False)
            self.load()
            return
        self.notify(f"Undone: {shown.safe(change.what)}", markup=False)
        self.load()
