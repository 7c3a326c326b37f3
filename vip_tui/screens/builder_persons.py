"""The agenda builder's keys on persons: add, edit, relink, merge, unmerge, open the profile.

A part of :class:`~vip_tui.screens.agenda_builder.AgendaBuilderScreen`, kept
apart so the screen reads in one sitting; every write goes through the
screen's ordered write lane, as its other keys do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..services import agenda_builder as ab
from ..services.merge import MergeRecord, merge_persons, merges_into, unmerge
from ..services.guard import ServiceError
from ..widgets import text as shown
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog
from ..widgets.person_suggest import CompactForm, FormField, PersonChoice, PersonPicker

if TYPE_CHECKING:
    from .agenda_builder import AgendaBuilderScreen

    _Builder = AgendaBuilderScreen
else:
    _Builder = object


class PersonKeys(_Builder):
    """A mixin of AgendaBuilderScreen: the keys that act on the highlighted person (or add one to an incident)."""

    def _groups(self) -> list[str]:
        if self.draft is None:
            return []
        return sorted({p.group for i in self.draft.items for p in i.persons if p.group})

    def action_add_person(self) -> None:
        item = self._current_item()
        if item is None or self.closed:
            return
        added: list[int] = []

        async def save(choice: PersonChoice) -> str | None:
            try:
                added.append(await self.written(
                    ab.add_person, self.app.db, item.id, choice.values, choice.person_id, choice.person_version
                ))
            except ServiceError as exc:
                return self._refused(exc)
            return None

        def closed(choice: PersonChoice | None) -> None:
            if choice is not None and added:
                self.reload(f"inv:{added[-1]}")
                self.notify(f"{shown.name(self.app, choice.values.get('name', ''))} added to {item.case_number}: "
                            f"{'linked to ' + shown.name(self.app, choice.label) if choice.person_id else 'new person record'}",
                            timeout=5, markup=False)

        self.app.push_screen(
            PersonPicker(f"Add a person to {item.case_number}", "add", save, groups=self._groups()),
            closed,
        )

    def _edit_person(self, item: ab.ItemLine, p: ab.PersonLine) -> None:
        others = len(p.elsewhere)
        note = ("name, dob and record_id are the person's own: they change in every incident of this person"
                + (f" ({others} other{'s' * (others != 1)})." if others else "."))
        fields = [
            FormField("name", "name", p.name, True),
            FormField("role", "role", p.role.value, True, "victim | suspect | witness | associate | person_of_interest",
                      [r for r in ("victim", "suspect", "witness", "associate", "person_of_interest")]),
            FormField("dob", "dob (date of birth)", p.dob.isoformat() if p.dob else "", False, "2002-03-14"),
            FormField("record_id", "record_id (records id)", p.record_id or "", False, "MNI-55821"),
            FormField("group", "group", p.group or "", False, "Example Crew", self._groups()),
            FormField("notes", "notes", p.notes or ""),
        ]
        # Aliases are for the full view only: not even their field shows while presenting.
        with_aliases = shown.may_see(self.app, "person.aliases")
        if with_aliases:
            fields.insert(1, FormField("aliases", "aliases (separate with , or ;)", ", ".join(p.aliases), False,
                                       "Slim; J-Money"))

        def save(values: dict[str, str]) -> None:
            person = {k: v for k, v in values.items() if k != "aliases"}
            aliases = ab.check_aliases(values.get("aliases")) if with_aliases else None
            ab.update_involvement(self.app.db, p.involvement_id, p.version, p.person_version, person)
            if aliases is not None:
                # The same form, checked against the person's version by update_involvement just before.
                ab.set_aliases(self.app.db, p.involvement_id, "; ".join(aliases), person_version=None)

        self.app.push_screen(
            CompactForm(
                f"{shown.name(self.app, p.name)} in {item.case_number}", fields,
                self._form_save(save),
                note=note,
            ),
            lambda values: self.reload(f"inv:{p.involvement_id}") if values is not None else None,
        )

    def action_relink(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj

        async def save(choice: PersonChoice) -> str | None:
            try:
                await self.written(
                    ab.relink_involvement, self.app.db, p.involvement_id, p.version, choice.person_id, choice.values
                )
            except ServiceError as exc:
                return self._refused(exc)
            return None

        def closed(choice: PersonChoice | None) -> None:
            if choice is not None:
                self.reload(f"inv:{p.involvement_id}")
                self.notify(f"{item.case_number}: the {p.role.label} is now linked to "
                            f"{shown.name(self.app, choice.label)}", timeout=6, markup=False)

        self.app.push_screen(
            PersonPicker(
                f"Link the {p.role.label} of {item.case_number} to another person record", "link", save,
                # Not the records id: it is the record's being left, and no new record may share it.
                values={**p.form_values(), "record_id": ""}, exclude=[p.person_id],
                note=f"Now linked to {shown.name(self.app, p.name)}. Pick the right record, or keep "
                     "New person to make one from the values above.",
            ),
            closed,
        )

    def action_merge(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj

        def closed(choice: PersonChoice | None) -> None:
            if choice is None or choice.person_id is None:
                return
            question = (
                f"Merge {shown.name(self.app, p.name)}'s record into {shown.name(self.app, choice.label)}?\n\n"
                "Every involvement, notification, referral and group moves to the record kept; "
                "u on that person undoes it."
            )
            self.app.push_screen(
                ConfirmDialog(question),
                lambda yes: yes and self._attempt(
                    lambda: merge_persons(self.app.db, choice.person_id, p.person_id,  # type: ignore[arg-type]
                                          survivor_version=choice.person_version, absorbed_version=p.person_version),
                    select=f"item:{item.id}", done="Merged: {0.absorbed} into {0.survivor} ({0.summary})",
                ),
            )

        self.app.push_screen(
            PersonPicker(
                f"Merge {shown.name(self.app, p.name)} into another record of the same person", "merge",
                lambda _choice: None, values=p.form_values(), exclude=[p.person_id],
                note="Pick the record to keep; this one is merged into it (and can be unmerged with u).",
            ),
            closed,
        )

    def action_unmerge(self) -> None:
        kind, obj = self.highlighted()
        if kind != "person" or self.closed:
            return
        item, p = obj
        merges = merges_into(self.app.db, p.person_id)
        if not merges:
            self.notify(f"No record was merged into {shown.name(self.app, p.name)}'s", severity="warning")
            return

        def undo(merge: MergeRecord) -> None:
            question = (
                f"Undo the merge of {shown.name(self.app, merge.absorbed)} into {shown.name(self.app, merge.survivor)} "
                f"({merge.at:%Y-%m-%d %H:%M} by {merge.user}; it moved {merge.summary})?\n\n"
                "What it moved goes back; what came later stays."
            )
            self.app.push_screen(ConfirmDialog(question), lambda yes: yes and self._attempt(
                lambda: unmerge(self.app.db, merge.id, version=merge.version), select=f"item:{item.id}",
                done="Merge undone: {0.absorbed} stands on its own again"))

        if len(merges) == 1:
            undo(merges[0])
            return
        options = [(f"{shown.name(self.app, m.absorbed)} · {m.at:%Y-%m-%d %H:%M} · {m.summary}", m.id) for m in merges]

        def picked(values: dict | None) -> None:
            if values and values.get("merge"):
                undo(next(m for m in merges if m.id == values["merge"]))

        self.app.push_screen(
            FormDialog("Which merge to undo?", [Field("merge", "Merge", kind="select", options=options, required=True)],
                       today=self.app.now().date()),
            picked,
        )

    def action_view_person(self) -> None:
        kind, obj = self.highlighted()
        if kind == "person":
            self.app.open_person(obj[1].person_id)
