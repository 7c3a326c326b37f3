"""The review's fire-and-forget writes (note saves, the item's clock), in the screen's ordered write lane.

A note save is queued with the text and readers the note had when it was
asked for; the lane writes it to the note its :class:`NoteSlot` names at that
moment (a save queued behind the first one writes to the note the first one
created). Nothing typed is lost:

- a note changed by another instance since it was loaded is not
  overwritten: what was typed is written as a new note;
- a busy database is waited out (the app's BUSY retry) with the text kept;
  a newer save of the same note makes an older one waiting so unnecessary;
- the screen going away (another stage, quit) writes every write still
  queued before it goes (:meth:`PendingWrites.drain`): Textual cancels a
  screen's workers as it unmounts, and a cancelled save would be lost.
  Each write is claimed once, by the lane or by drain, so none runs twice.

No Textual code runs in the lane: the outcome comes back to the screen as
the worker's result, on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..db import DatabaseBusy
from ..services import items
from ..services import guard
from ..widgets.notes_editor import NoteSlot

if TYPE_CHECKING:
    from ..db import Database

# How long the screen, going away, waits for a write already being written (it may be waiting for the lock).
DRAIN_SECONDS = 30.0


@dataclass(eq=False)
class Pending:
    """One write: ``write`` returns its outcome (saved · kept as new · not even new · refused · busy · done)."""

    write: Callable[[Pending], str]
    slot: NoteSlot | None = None  # a note save: the note, and the text and readers it is saved with
    text: str = ""
    claimed: bool = False  # by the lane or by drain, whichever comes first
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str = ""
    error: Exception | None = None


class PendingWrites:
    """The writes asked for and not yet written, in order."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: list[Pending] = []
        self._claim = threading.Lock()

    def note(self, slot: NoteSlot, text: str) -> Pending:
        """A save of ``text`` to the note of ``slot``, with the readers it has now."""
        visibility = slot.visibility

        def save(job: Pending) -> str:
            return _save_note(self.db, job, visibility)

        job = Pending(save, slot, text)
        self.pending.append(job)
        return job

    def other(self, write: Callable[[], object]) -> Pending:
        """Any other write; its failure is its own to handle (the outcome is "done")."""

        def run(_job: Pending) -> str:
            write()
            return "done"

        job = Pending(run)
        self.pending.append(job)
        return job

    def run(self, job: Pending) -> Pending:
        """In the write lane: write ``job`` unless :meth:`drain` already did."""
        with self._claim:
            if job.claimed:
                return job
            job.claimed = True
        try:
            job.outcome = job.write(job)
        finally:
            job.done.set()
        return job

    def finished(self, job: Pending) -> None:
        """On the UI thread, once its outcome is handled: no longer pending (unless it is to be tried again)."""
        if job.outcome != "busy" and job in self.pending:
            self.pending.remove(job)

    def again(self, job: Pending) -> bool:
        """A save that met a busy database, to be tried again: False when a newer save of its note is queued."""
        later = self.pending[self.pending.index(job) + 1:] if job in self.pending else []
        if job not in self.pending or any(j.slot is job.slot for j in later):
            if job in self.pending:
                self.pending.remove(job)
            return False
        with self._claim:
            job.claimed, job.done, job.outcome = False, threading.Event(), ""
        return True

    def drain(self) -> None:
        """The screen goes: every write still pending is written now, in order, on this thread."""
        for job in list(self.pending):
            with self._claim:
                mine = not job.claimed or job.outcome == "busy"  # a busy one waits for its retry: written now
                job.claimed = True
            if mine:
                try:
                    job.outcome = job.write(job)
                except Exception as exc:  # noqa: BLE001  (the screen is gone: nobody to tell, the app must close)
                    job.outcome, job.error = "failed", exc
                finally:
                    job.done.set()
            else:
                job.done.wait(DRAIN_SECONDS)
        self.pending.clear()


def _save_note(db: Database, job: Pending, visibility: object) -> str:
    slot = job.slot
    assert slot is not None
    try:
        slot.note_id, slot.version = items.save_note(
            db, slot.item_id, job.text, note_id=slot.note_id, version=slot.version, visibility=visibility,
        )
        return "saved"
    except guard.StaleEdit:
        # The note was changed in another instance: theirs stays, what was typed here becomes a new note.
        try:
            slot.note_id, slot.version = items.save_note(
                db, slot.item_id, job.text, note_id=None, version=None, visibility=visibility,
            )
        except guard.ServiceError as exc:
            job.error = exc  # not even a new note (the meeting closed meanwhile)
            return "not even new"
        return "kept as new"
    except guard.ServiceError as exc:
        job.error = exc
        return "refused"
    except DatabaseBusy:
        return "busy"
