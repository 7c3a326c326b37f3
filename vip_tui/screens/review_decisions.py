"""The decisions taken on the incident under review: the keys that record, correct and remove them.

a (action item), c (custom notification), r (referral), S (the partners'
summary), and the decisions list's E/x: each builds its form from the item
on screen and writes through the screen's ordered write lane
(screens/decision_forms.py). A closed meeting says why these keys do nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual import on

from ..enums import Role
from ..services import agenda_builder as concurrent
from ..services import decisions as dsvc
from ..services import attendance, items
from ..widgets import text as shown
from ..widgets.decisions import DecisionList
from ..widgets.dialogs import ConfirmDialog, Field
from ..widgets.persons_panel import PersonsPanel
from . import decision_forms
from .review_part import ReviewPart


class ReviewDecisions(ReviewPart):
    """The decisions' half of :class:`~vip_tui.screens.review.ReviewScreen` (a screen class, so @on applies)."""

    def _highlighted_person(self) -> items.PersonRow | None:
        return None if self.detail is None else self.persons.current

    def _person_options(self) -> list[tuple[str, int]]:
        assert self.detail is not None
        return [(decision_forms.person_label(self, p.name, p.role), p.person_id) for p in self.detail.persons]

    def _killed(self) -> frozenset[int]:
        """The homicide victims of the current incident: nobody can deliver them a notification."""
        assert self.detail is not None
        if self.detail.incident.type.value != "homicide":
            return frozenset()
        return frozenset(p.person_id for p in self.detail.persons if p.role == Role.victim)

    def _today(self) -> dt.date:
        return self.app.now().date()

    def _decide(self, title: str, fields: list[Field], record: Callable[[dict[str, Any]], object]) -> None:
        """Ask with a form, then record the decision through ``record`` and redraw the item.

        A refusal opens the form again with what was typed (screens/decision_forms.py).
        """
        decision_forms.ask(self, title, fields, record, self._reload_item)

    def action_partner_summary(self) -> None:
        if self.detail is None or self._say_closed():
            return
        item_id, incident = self.detail.item.id, self.detail.incident
        if self.app.presenting:
            self.notify("Partner summaries are written with presentation mode off (F2)", severity="warning")
            return
        self._decide(
            f"Summary for partners · {incident.case_number}",
            [Field("partner_summary", "What partners may read of this incident (no names; empty: none)",
                   value=getattr(incident, "partner_summary", None) or "")],
            lambda v: concurrent.set_partner_summary(self.app.db, item_id, v.get("partner_summary"),
                                                     version=getattr(incident, "version", None)),
        )

    def action_add_action(self) -> None:
        if self.detail is None or self._say_closed():
            return
        incident = self.detail.incident
        self._decide(
            f"Action item · {incident.case_number}",
            decision_forms.action_fields(attendance.agency_short_names(self.app.db),
                                         dsvc.team_suggestions(self.app.db, self.meeting_id)),
            lambda v: dsvc.add_action_item(
                self.app.db, self.meeting_id, v["description"], incident_id=incident.id,
                owner_agency=v.get("agency"), owner_name=v.get("owner"), due_date=v.get("due"),
            ),
        )

    def action_propose_notification(self) -> None:
        person = self._person_to_act_on("notify")
        if person is None or self.detail is None:
            return
        who = shown.name(self.app, person.name)
        if person.person_id in self._killed():
            self.notify(f"{who} is the homicide victim of {shown.safe(self.detail.incident.case_number)}: "
                        "a notification cannot be delivered to them. Highlight a relative or an associate "
                        "(↓ in the persons) and press c.", severity="warning", timeout=8, markup=False)
            return
        if person.role == Role.victim:
            self.app.push_screen(
                ConfirmDialog(f"{who} is the victim in this incident. Propose a notification for them?"),
                lambda yes: self._notification_form(person) if yes else None,
            )
            return
        self._notification_form(person)

    def _notification_form(self, person: items.PersonRow) -> None:
        if self.detail is None:
            return
        incident = self.detail.incident
        history = self.detail.histories.get(person.person_id)
        reasons = ", ".join(f.label for f in history.flags) if history else ""
        self._decide(
            f"Custom notification for {shown.name(self.app, person.name)} · {incident.case_number}",
            decision_forms.notification_fields(
                self._person_options(), dsvc.team_suggestions(self.app.db, self.meeting_id),
                {"person": person.person_id, "reasons": reasons or f"{person.role.label} in {incident.case_number}"},
                killed=self._killed(),
            ),
            lambda v: dsvc.propose_notification(
                self.app.db, self.meeting_id, v["person"], incident_id=incident.id, reasons=v.get("reasons") or "",
                team_officer=v.get("officer"), team_community_voice=v.get("voice"), team_outreach=v.get("outreach"),
                due_date=v.get("due"),
            ),
        )

    def action_add_referral(self) -> None:
        person = self._person_to_act_on("refer")
        if person is None or self.detail is None:
            return
        incident = self.detail.incident
        self._decide(
            f"Referral · {incident.case_number}",
            decision_forms.referral_fields(self._person_options(), {"person": person.person_id}),
            lambda v: dsvc.add_referral(
                self.app.db, v["person"], v["service"], provider=v.get("provider"), meeting_id=self.meeting_id,
                incident_id=incident.id,
            ),
        )

    def _person_to_act_on(self, verb: str) -> items.PersonRow | None:
        if self.detail is None or self._say_closed():
            return None
        person = self._highlighted_person()
        if person is None:
            self.notify(f"No person on this incident to {verb}", severity="warning")
        return person

    def _decisions_closed(self) -> bool:
        if self.read_only_now:
            self.notify("This meeting is closed: its decisions are corrected as amendments, from the wrap-up (4)",
                        severity="warning", timeout=6)
        return self.read_only_now

    @on(DecisionList.Edit)
    def _edit_decision(self, event: DecisionList.Edit) -> None:
        if not self._decisions_closed():
            decision_forms.edit(self, event.decision.kind, event.decision.id, self._reload_item,
                                meeting_id=self.meeting_id)

    @on(DecisionList.Delete)
    def _delete_decision(self, event: DecisionList.Delete) -> None:
        if not self._decisions_closed():
            d = event.decision
            decision_forms.delete(self, d.kind, d.id, d.version, decision_forms.describe(self, d), self._reload_item)

    def action_view_person(self) -> None:
        person = self._highlighted_person()
        if person is not None:
            self.app.open_person(person.person_id)

    @on(PersonsPanel.ProfileRequested)
    def _person_picked(self, event: PersonsPanel.ProfileRequested) -> None:
        self.app.open_person(event.person_id)
