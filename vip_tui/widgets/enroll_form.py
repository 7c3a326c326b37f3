"""Enroll a person in VIP All In (issue 15 item 1): the peer coach, the date, the cadence.

One form from every entry point (a delivered notification on the
notifications board, an accepted referral on the referrals board, the
person's profile). It stays open while the enrollment is written in the
screen's ordered lane: a refusal (already enrolled since a date, a
notification not delivered, a date in the future) is shown under the form
with everything typed kept; success closes it and says "Enrolled NAME in
VIP All In (coach X)".

Enrolling records only the fact, at either desk (full or services): the
services desk then does the intake. The coach is echoed back only to the
desk that typed it (``services.coach_entered``), never to a shared screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from ..db import StorageError
from ..enums import EnrollSource
from ..services import all_in
from ..services.guard import ServiceError
from . import text as shown
from .dialogs import Field, FormDialog

if TYPE_CHECKING:
    from ..screens.base import VipScreen

# Returns the message to show under the form (it stays open), or None (it closes).
EnrollSave = Callable[[dict[str, Any]], Awaitable[str | None]]

HINT = "enter: next field · → accepts a coach · ctrl+s: enroll · esc: cancel"


def _cadence_ok(value: str) -> str | None:
    try:
        float(value)
    except ValueError:
        return f'"{value}" is not a number: contacts per week, like 1, 2 or 0.5'
    return None


def enroll_fields(coaches: Sequence[str], today: dt.date) -> list[Field]:
    return [
        Field("coach", "Peer coach", required=True, suggestions=list(coaches),
              placeholder="who will work with them (→ accepts a coach)"),
        Field("on", "Enrolled on", kind="date", value=today.isoformat(), placeholder="2026-11-20; empty: today"),
        Field("cadence", "Contacts per week", value="1", check=_cadence_ok, placeholder="1, 2, 0.5 (every 2 weeks)"),
    ]


class EnrollForm(FormDialog):
    """The enrollment form; ``save(values)`` writes and answers a refusal to show, or None to close."""

    def __init__(
        self, title: str, *, coaches: Sequence[str], today: dt.date, save: EnrollSave, note: str | None = None,
    ) -> None:
        super().__init__(title, enroll_fields(coaches, today), today=today, hint=note and f"{note}\n{HINT}" or HINT)
        self.save = save
        self._saving = False

    def show_error(self, message: str | None) -> None:
        # Messages quote what was typed and stored: plain text, never markup.
        self.query_one("#form-error", Static).update(Text(shown.safe(message or "")))

    def action_submit(self) -> None:
        if self._saving:
            return  # a second ctrl+s while the first is being written
        values, problems = self.values()
        if problems:
            self.show_error("\n".join(problems))
            return
        self._saving = True
        self.run_worker(self._save(values), group="enroll", exit_on_error=False)

    async def _save(self, values: dict[str, Any]) -> None:
        try:
            message = await self.save(values)
        except Exception as exc:  # noqa: BLE001 - an unexpected failure is said under the form, never lost
            self.log.error(exc)
            message = f"Not enrolled: {exc}"
        finally:
            self._saving = False
        if message:
            self.show_error(message)
            return
        self.dismiss(values)


def open_enroll(
    screen: VipScreen,
    person_id: int,
    person_name: str,
    *,
    source: EnrollSource,
    notification_id: int | None = None,
    referral_id: int | None = None,
    origin: str | None = None,
    on_done: Callable[[], None] | None = None,
) -> EnrollForm:
    """Open the enrollment form for ``person_id`` on ``screen``; the write goes through the screen's lane.

    ``origin`` says where it comes from in the title ("from notification 3-2").
    """
    app = screen.app
    db = app.db
    today = app.now().date()
    name = shown.name(app, person_name)

    async def save(values: dict[str, Any]) -> str | None:
        try:
            await screen.written(
                all_in.enroll, db, person_id, coach=values["coach"], source=source, on=values.get("on"),
                cadence=float(values.get("cadence") or 1), notification_id=notification_id, referral_id=referral_id,
            )
        except (ServiceError, StorageError) as exc:
            return f"Not enrolled: {exc}"
        return None

    def done(values: dict[str, Any] | None) -> None:
        if values is None:
            return
        from .. import disclosure

        said_back = disclosure.may_see(app.audience, "services.coach_entered")  # not on a shared screen
        coach = f" (coach {shown.safe(values['coach'])})" if said_back else ""
        screen.notify(f"Enrolled {name} in VIP All In{coach}", markup=False)
        if on_done is not None:
            on_done()

    title = f"Enroll {name} in VIP All In" + (f" · {origin}" if origin else "")
    form = EnrollForm(title, coaches=all_in.coaches(db), today=today, save=save,
                      note="Records the enrollment only; the services desk does the intake.")
    app.push_screen(form, done)
    return form
