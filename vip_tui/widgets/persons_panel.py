"""The persons of the incident under review: role, name as the audience may read it, flags and history.

The panel draws what it is given (:meth:`PersonsPanel.show`) and draws it
again, masked or not, when what the audience may see changes: the screen
binds ``presenting``/``shown_as`` to it (data_bind), it does not reach in.
``enter`` (or a click) posts :class:`PersonsPanel.ProfileRequested`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .. import disclosure
from ..enums import Role
from ..services.items import ItemDetail, PersonRow
from . import text as shown
from .vim import VimList

ROLE_LABEL = {
    Role.victim: "VICTIM",
    Role.suspect: "SUSPECT",
    Role.witness: "WITNESS",
    Role.associate: "ASSOCIATE",
    Role.person_of_interest: "PERSON OF INTEREST",
}


def enrolled_words(since: dt.date) -> str:
    """The one line of VIP All In the review and the profile show, to every audience (``services.enrolled_since``)."""
    return f"enrolled in VIP All In since {since.isoformat()}"


class PersonsPanel(VimList):
    """One option a person; the highlight stays on the same person while the same item is drawn again."""

    presenting: reactive[bool] = reactive(False, init=False, repaint=False)
    shown_as: reactive[int] = reactive(0, init=False, repaint=False)

    @dataclass
    class ProfileRequested(Message):
        person_id: int

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, first_last=False)
        self.detail: ItemDetail | None = None
        self._item_id: int | None = None  # the item whose persons are drawn (the highlight stays on it)

    def on_mount(self) -> None:
        self.border_title = "Persons"
        self.border_subtitle = "enter profile · c notify · r refer"

    @property
    def current(self) -> PersonRow | None:
        """The highlighted person (the first while none is), or None when the incident has nobody recorded."""
        if self.detail is None or not self.detail.persons:
            return None
        return self.detail.persons[self.highlighted or 0]

    def watch_shown_as(self) -> None:
        if self.detail is not None:
            self.show(self.detail)

    def _prompt(self, p: PersonRow) -> Text:
        assert self.detail is not None
        h = self.detail.histories.get(p.person_id)
        t = Text()
        t.append(f"{ROLE_LABEL[p.role]:<9} ", style="bold")
        t.append(shown.name(self.app, p.name), style="bold")
        extra = []
        if p.record_id and shown.may_see(self.app, "person.record_id"):
            extra.append(shown.safe(p.record_id))
        if p.dob and shown.may_see(self.app, "person.dob"):
            extra.append(f"dob {p.dob.isoformat()}")
        if p.group:
            extra.append(shown.free(self.app, p.group))
        if extra:
            t.append("  " + " · ".join(extra), style="dim")
        if h is not None:
            for flag in h.flags:
                t.append("\n   ⚑ ", style="bold red")
                t.append(flag.label, style="bold")
                if flag.reason:
                    t.append(f" — {shown.free(self.app, flag.reason)}", style="dim")
            if h.past:
                past = ", ".join(
                    f"{x.occurred_at:%Y-%m-%d} {shown.safe(x.case_number)} {x.role.label}" for x in h.past[:3]
                )
                more = f" (+{len(h.past) - 3} more)" if len(h.past) > 3 else ""
                t.append(f"\n   earlier: {past}{more}", style="")
            else:
                t.append("\n   no earlier reviews", style="dim")
            for n in h.open_notifications:
                due = f", due {n.due_date:%Y-%m-%d}" if n.due_date else ""
                t.append(f"\n   open notification {shown.safe(n.ref)}: {n.status.label}{due}", style="yellow")
        since = self.detail.enrolled.get(p.person_id)
        if since is not None and disclosure.may_see(self.app.audience, "services.enrolled_since"):
            t.append(f"\n   {enrolled_words(since)}", style="green")
        if p.notes and shown.may_see(self.app, "person.notes"):
            t.append(f"\n   {shown.safe(p.notes)}", style="italic dim")
        return t

    def show(self, detail: ItemDetail) -> None:
        """Draw ``detail``'s persons; the same item drawn again (a save, a reload) keeps the highlighted person."""
        keep = None
        if self._item_id == detail.item.id and self.highlighted is not None:
            keep = self.get_option_at_index(self.highlighted).id
        self.detail, self._item_id = detail, detail.item.id
        self.clear_options()
        # One add: each add_option resizes the list and asks for a layout of its own.
        self.add_options([Option(self._prompt(p), id=str(p.person_id)) for p in detail.persons])
        if not detail.persons:
            self.add_option(Option(Text("no persons recorded", style="dim"), disabled=True))
            return
        ids = [str(p.person_id) for p in detail.persons]
        self.highlighted = ids.index(keep) if keep in ids else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ProfileRequested(int(event.option.id)))
