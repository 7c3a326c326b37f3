"""The notes half of the incident review: the editor's keys, its look while presenting, and its saves.

``e`` enters the editor with the cursor after the note (``ctrl+n``: a new
note), ``escape`` leaves it for the pane it was entered from, ``ctrl+l``
changes who may read the note. Saves go to the screen's ordered write lane as
pending writes (screens/review_writes.py); their outcome comes back here, on
the UI thread: a note changed elsewhere is kept as a new one, a busy database
is waited out with the text kept.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerState

from .. import disclosure
from ..enums import NoteVisibility
from ..widgets import text as shown
from ..widgets.item_panes import EarlierNotes
from ..widgets.notes_editor import NotesEditor
from .review_part import ReviewPart
from .review_writes import Pending, PendingWrites

STALE_NOTE = (
    "This note was changed by someone else since you opened it; reloaded. "
    "What you typed is kept as a new note."
)


class ReviewNotes(ReviewPart):
    """The notes' half of :class:`~vip_tui.screens.review.ReviewScreen` (a screen class, so @on applies)."""

    editor: NotesEditor
    earlier: EarlierNotes
    _pending: PendingWrites | None = None  # the writes asked for and not yet written (on_mount)
    _focus_before_editor: Widget | None = None  # where escape returns to from the editor

    def _reset_editor(self, agenda_item_id: int, *, fresh: bool = False) -> None:
        self.editor.reset(agenda_item_id, fresh=fresh)
        self._draw_note_state()

    def _draw_note_state(self) -> None:
        editor = self.editor
        masked = self.query_one("#note-masked", Static)
        hide = not disclosure.note_shown(editor.visibility, shown.audience(self.app))
        # On the shared screen the editor shows only what is being typed now (e starts a new
        # note there); the note it holds is shown through the disclosure layer, masked.
        preview = not hide and self.app.presenting and self.focused is not editor
        editor.display = not hide and not preview
        masked.display = preview
        title = editor.draw_title(hide)
        if preview:
            masked.border_title, masked.border_subtitle = title, "e new note"
            masked.update(Text(shown.free(self.app, editor.text)))
        if hide:
            self.earlier.show_hidden(title)

    @on(NotesEditor.SaveDue)
    def _autosave(self) -> None:
        """The typing pause's save (a busy database is waited out with the text kept: issue 12 item 7)."""
        if self.is_attached:
            self.flush_note()

    def flush_note(self) -> None:
        """Save the editor's text, in the write lane, if it changed (a note is created on the first key)."""
        text = self.editor.take_unsaved()
        if text is None or self.editor.slot is None:
            return
        self._queue(self.pending.note(self.editor.slot, text))

    @property
    def pending(self) -> PendingWrites:
        assert self._pending is not None
        return self._pending

    def _queue(self, job: Pending) -> Worker[Pending]:
        return self.write(self.pending.run, job)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # VipScreen's handler runs too (Textual calls each class's own): a failure is told there, once.
        result = event.worker.result if event.state == WorkerState.SUCCESS else None
        if isinstance(result, Pending) and event.worker not in (self._awaited_writes or ()):
            self._saved(result)

    def _saved(self, job: Pending) -> None:
        """A write's outcome, on the UI thread: said, and the item reloaded where the note changed meanwhile."""
        self.pending.finished(job)
        if job.outcome == "kept as new":
            self.notify(STALE_NOTE, severity="warning", timeout=8)
            self._reload_item()
        elif job.outcome == "not even new":
            self.notify(f"{shown.safe(job.error)}. Your text is still in the editor.", severity="error", timeout=10,
                        markup=False)
            self.editor.not_saved(job.slot, job.text)
        elif job.outcome == "refused":
            self.notify(shown.safe(job.error), severity="error", markup=False)
        elif job.outcome == "busy":
            self.app.retry_when_free(lambda: self._save_again(job))

    async def _save_again(self, job: Pending) -> None:
        """The BUSY retry of a save: waited for, so the all-clear is said only once it is written."""
        if not self.is_attached or not self.pending.again(job):
            return
        try:
            await self.written(self.pending.run, job)
        except WorkerCancelled:  # the screen went meanwhile: it wrote the save as it went (on_unmount)
            return
        self._saved(job)

    def action_edit_notes(self) -> None:
        if self.read_only_now:
            self._say_closed()  # the note can still be read (and scrolled) in the editor
        elif self.app.presenting and not self.editor.dirty and not self.editor.fresh:
            # The note the editor holds would show unmasked to the room: type a new one instead.
            self.action_new_note()
            return
        self._enter_editor()
        # After the last word, never in front of the note (issue 13).
        self.editor.move_cursor(self.editor.document.end)
        self.call_after_refresh(self.editor.scroll_cursor_visible)  # once laid out: it may just have been shown

    def action_new_note(self) -> None:
        if self.editor.slot is None or self._say_closed():
            return
        self.flush_note()
        self._reset_editor(self.editor.slot.item_id, fresh=True)
        self._reload_item()
        self._enter_editor()

    def _enter_editor(self) -> None:
        if self.focused is not self.editor:
            self._focus_before_editor = self.focused
        self.editor.display = True
        self.editor.can_focus = True
        # Focus now, not on the next tick (Widget.focus waits for one): the next key typed must land here.
        self.set_focus(self.editor)

    def _leave_editor(self) -> None:
        """escape: save, and back to the pane the editor was entered from, at once.

        At once: a key pressed right after escape is already queued, and must
        reach that pane as a command, not the editor as text.
        """
        self.flush_note()
        back = self._focus_before_editor
        if back is None or not back.is_attached or back is self.editor:
            back = self.persons
        self.editor.can_focus = False
        self.set_focus(back)
        self.call_after_refresh(self._draw_note_state)  # presenting: once focus has left, the masked view

    @on(events.DescendantBlur, "#notes")
    def _left_editor(self) -> None:
        """Focus left the editor another way (tab, a click): tab passes it by again, and what was typed is saved."""
        if self.focused is not self.editor:
            self.editor.can_focus = False
            self.flush_note()

    @on(events.Click, "#notes")
    def _clicked_editor(self) -> None:
        """A click on the editor enters it, as e does (tab passes it by, so a click would not focus it)."""
        if self.focused is not self.editor:
            self.action_edit_notes()

    def action_cycle_visibility(self) -> None:
        if self.editor.slot is None or self._say_closed():
            return
        visibility = self.editor.cycle_visibility()
        self.flush_note()
        self._draw_note_state()
        self.notify({
            NoteVisibility.le_only: "Note for law enforcement only: never shown to partners or while presenting",
            NoteVisibility.members: "Note for the members: not in the partner minutes",
            NoteVisibility.partners: "Note for partners: in the partner minutes once released",
        }[visibility], timeout=3)

    def action_leave_editor(self, to: str = "back") -> None:
        if to == "back":
            self._leave_editor()
        else:  # tab / shift+tab: the next pane has focus at once; the editor saves as it loses it (_left_editor)
            self.action_cycle_pane(1 if to == "next" else -1)
