"""Wrap-up: what this meeting decided, what is still loose, closing the meeting and exporting the minutes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..enums import MeetingStatus
from ..services.attendance import agency_short_names
from ..services.decisions import DecisionRow
from ..services.guard import ReviewError
from ..services.meetings import close_meeting, get_meeting
from ..services.old_business import OldBusinessRow
from ..services.wrap_up import Loose, WrapUp, wrap_up
from ..widgets import text as shown
from ..widgets.decisions import WordsList
from ..widgets.dialogs import ConfirmDialog, Field, FormDialog
from . import decision_forms
from .base import COMMON_BINDINGS, STAGE_BINDINGS, MeetingStageScreen
from .old_business import KIND_WORDS, WIDE, Col, cell, fit_columns, theme_colour

DECISION_COLUMNS = (
    Col("ref", "Ref", 7),
    Col("kind", "Kind", 12, wide_only=True),
    Col("what", "What", None, minimum=20),
    Col("owner", "Owner/team", 24),
    Col("due", "Due", 10),
    Col("status", "Status", 19),
)
CLOSED_COLUMNS = (
    Col("ref", "Ref", 7),
    Col("kind", "Kind", 12, wide_only=True),
    Col("what", "What", None, weight=3, minimum=20),
    Col("status", "Status", 19),
    Col("outcome", "Outcome", None, weight=2, minimum=10),
)
DECISION_KINDS = {**KIND_WORDS, "referral": "referral"}
EDITING_ACTIONS = frozenset({"close"})


def warning_lines(summary: WrapUp) -> list[Loose]:
    """The warnings to show: the cases still pending on one line (enter goes to the first), so the list stays short."""
    lines = [w for w in summary.loose if w.kind != "case"]
    cases = [w for w in summary.loose if w.kind == "case"]
    numbers = [r.case_number for r in summary.pending_items]
    if len(cases) == 1:
        lines.append(cases[0])
    elif cases:
        lines.append(Loose(f"{len(cases)} cases were not discussed (still pending): {', '.join(numbers)}", "case",
                           cases[0].id))
    return lines


class WrapUpScreen(MeetingStageScreen, inherit_bindings=False):
    """Stage 4: the decisions of the meeting, its loose ends, close and export."""

    STAGE = "wrap_up"

    HELP = """
## Wrap-up

Everything this meeting decided (action items, custom notifications,
referrals) and the old business it closed. The **warnings** list what is
still loose: action items without an owner or a due date, notifications
without a team or a due date, cases on the agenda not yet discussed. `enter`
on a warning opens what it is about: the decision's form, filled in, or the
review of the case still pending. `E` (or `enter`) on a decision corrects it
with the same checks as recording it; `x` removes one recorded by mistake
(asks first; one with a history, a delivery attempt say, is refused with the
reason). Both are written to the audit log. Or close the meeting as it is.

`c` closes the meeting: its timers stop and it becomes read-only (later
corrections are amendments with a reason). `e` writes the minutes in both
versions, the full one for law enforcement and the partner edition (released text only) for
partners, and records who they go to. The partner minutes are written only
when the **release review** (`R`) has nothing left unresolved: every passage
they would print released, given a partner wording, or withheld.

While presenting, the persons named in decisions show as initials.

In a **closed** meeting, `m` amends the highlighted decision: choose the
field, correct its value (it starts as it stands), say why. The amendment is
kept with who and when, listed under **Amendments** here and in the minutes,
and the next export of the minutes is a new version. Attendance and notes are
amended with `vip amend` on the command line.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "close", "Close meeting", id="wrap_up.close",
                tooltip="Close the meeting: from then on it is read-only"),
        Binding("e", "export", "Export minutes", id="wrap_up.export",
                tooltip="Write the full and the partner minutes (Word) and record the dissemination"),
        Binding("R", "release_review", "Release review", id="wrap_up.release",
                tooltip="Decide what of this meeting's text goes into the partner minutes"),
        # Out of the footer (it would push out the stage keys and ?): the tables' titles say them.
        Binding("E", "edit_decision", "Edit", id="wrap_up.edit", show=False,
                tooltip="Correct the highlighted decision (enter on a warning opens what it is about)"),
        Binding("x", "remove_decision", "Remove", id="wrap_up.remove", show=False,
                tooltip="Remove the highlighted decision, recorded by mistake (asks first)"),
        Binding("m", "amend", "Amend…", id="wrap_up.amend",
                tooltip="Correct the highlighted decision of this closed meeting, with a reason"),
        Binding("j", "cursor_down", "Down", show=False, id="wrap_up.down"),
        Binding("k", "cursor_up", "Up", show=False, id="wrap_up.up"),
        *STAGE_BINDINGS,
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    WrapUpScreen #wrap-state { height: 1; padding: 0 1; text-style: bold; }
    WrapUpScreen #wrap-state.-closed { color: $warning; }
    WrapUpScreen #wrap-warnings {
        height: auto; max-height: 40%; margin: 0 1; padding: 0 1;
        border: round $error; border-title-color: $error; border-title-style: bold;
    }
    WrapUpScreen #wrap-warnings.-clear { border: round $success; border-title-color: $success; }
    WrapUpScreen .section { height: 1; padding: 0 1; margin-top: 1; text-style: bold; color: $text-primary; }
    WrapUpScreen #wrap-tables { height: 1fr; }
    WrapUpScreen Footer.-compact FooterLabel { margin: 0 1 0 0; }
    WrapUpScreen Footer.-compact KeyGroup.-compact { padding-left: 0; }
    WrapUpScreen .none { height: 1; padding: 0 2; color: $text-muted; }
    """

    closed: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, meeting_id: int, **_: Any) -> None:
        super().__init__(meeting_id)
        self.summary: WrapUp | None = None
        self.meeting_date = None
        self.agencies: list[str] = []
        self._width = 0
        self.amendments: list[Any] | None = None  # a closed meeting's, as last shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="wrap-state")
        yield WordsList(id="wrap-warnings")
        with Vertical(id="wrap-tables"):
            yield Static("Decided in this meeting", id="decisions-title", classes="section")
            yield DataTable(id="decisions", cursor_type="row", zebra_stripes=True)
            yield Static("No decisions yet.", id="decisions-none", classes="none")
            yield Static("Old business closed at this meeting", id="closed-title", classes="section")
            yield DataTable(id="closed-old", cursor_type="row", zebra_stripes=True)
            yield Static("None.", id="closed-none", classes="none")
        # Compact and without ^p (it works, help lists it): `? Help` stays on an
        # 80-column screen once the closed meeting adds `m Amend…`.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for name in ("#decisions-none", "#closed-none"):
            self.query_one(name).display = False
        # Inline, because app.tcss gives every DataTable `height: 1fr`, which
        # would outrank this screen's DEFAULT_CSS: each table is as tall as its
        # rows (set by _fill), the header alone until they are loaded.
        for name, most in (("#decisions", "65%"), ("#closed-old", "35%")):
            table = self.query_one(name, DataTable)
            table.styles.height = 1
            table.styles.max_height = most
        self.load()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="wrap_up")
    def load(self) -> None:
        try:
            meeting = get_meeting(self.app.db, self.meeting_id)
            summary = wrap_up(self.app.db, self.meeting_id)
            agencies = agency_short_names(self.app.db)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the screen stays usable
            self.notify(f"Could not load the wrap-up: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, meeting, summary, agencies)

    def show(self, meeting: Any, summary: WrapUp, agencies: list[str]) -> None:
        self.closed = meeting.status == MeetingStatus.closed
        self.meeting_date = meeting.date
        self.agencies = agencies
        self.summary = summary
        self.sub_title = f"Meeting {meeting.number} · {meeting.date:%a %d %b %Y} · wrap-up"
        state = self.query_one("#wrap-state", Static)
        if self.closed:
            at = meeting.closed_at.strftime("%H:%M") if meeting.closed_at else "?"
            state.update(f"Closed at {at} — read-only · m amends the highlighted decision, with a reason")
        else:
            decided = len(summary.decisions)
            state.update(
                f"{meeting.status.label.capitalize()} · {decided} decision{'s' * (decided != 1)} · "
                f"{len(summary.pending_items)} case{'s' * (len(summary.pending_items) != 1)} not yet discussed"
            )
        state.set_class(self.closed, "-closed")
        self.render_summary()

    def render_summary(self) -> None:
        summary = self.summary
        if summary is None:
            return
        self._width = self.size.width or self.app.size.width
        wide = self._width >= WIDE
        warnings = self.query_one("#wrap-warnings", OptionList)
        keep = warnings.highlighted
        warnings.clear_options()
        if summary.warnings:
            warnings.border_title = f"Warnings ({len(summary.warnings)})"
            warnings.border_subtitle = "enter: fix it"
            warnings.add_options([
                # Numbered: one decision may have two warnings (no owner, no due date).
                Option(Text(f"• {shown.free(self.app, w.text)}"), id=f"{w.kind}:{w.id}:{n}")
                for n, w in enumerate(warning_lines(summary))
            ])
            warnings.highlighted = min(keep or 0, warnings.option_count - 1)
        else:
            warnings.border_title = "Warnings"
            warnings.border_subtitle = None
            warnings.add_option(
                Option(Text("No warnings", style=f"bold {theme_colour(self, 'success')}"), disabled=True)
            )
        warnings.set_class(not summary.warnings, "-clear")
        # Nothing to fix (or a closed meeting, amended from its decisions): the
        # list is not a stop for tab, j/k move in the decisions.
        warnings.can_focus = bool(summary.warnings) and not self.closed
        if not warnings.can_focus and self.focused is warnings:
            self.query_one("#decisions", DataTable).focus()

        decisions = self.query_one("#decisions", DataTable)
        rows = [(f"{d.kind}:{d.id}", self._decision_values(d)) for d in summary.decisions]
        self._fill(decisions, fit_columns(DECISION_COLUMNS, self._width, [v for _k, v in rows], wide=wide), rows)
        keys = "" if self.closed or not summary.decisions else " · enter/E edit · x remove"
        self.query_one("#decisions-title", Static).update(f"Decided in this meeting ({len(summary.decisions)}){keys}")
        decisions.display = bool(summary.decisions)
        self.query_one("#decisions-none").display = not summary.decisions

        closed = self.query_one("#closed-old", DataTable)
        rows = [(f"{r.kind}:{r.id}", self._closed_values(r)) for r in summary.closed_old_business]
        self._fill(closed, fit_columns(CLOSED_COLUMNS, self._width, [v for _k, v in rows], wide=wide), rows)
        self.query_one("#closed-title", Static).update(
            f"Old business closed at this meeting ({len(summary.closed_old_business)})"
        )
        closed.display = bool(summary.closed_old_business)
        self.query_one("#closed-none").display = not summary.closed_old_business

    @staticmethod
    def _fill(table: DataTable, cols: list[tuple[Col, int]], rows: list[tuple[str, dict[str, Any]]]) -> None:
        cursor = table.cursor_row
        table.clear(columns=True)
        for col, width in cols:
            table.add_column(col.label, key=col.key, width=width)
        for key, values in rows:
            table.add_row(*(cell(values[c.key], w) for c, w in cols), key=key)
        # As tall as its rows plus the header (max-height still caps it), set
        # here rather than left to "height: auto": Textual caches a widget's box
        # model by container size, not by its virtual size, so an auto-height
        # table filled while a layout was pending could be laid out again from
        # the cached, empty, height and vanish (1 run in 8 on a busy machine).
        table.styles.height = len(rows) + 1
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def _decision_values(self, d: DecisionRow) -> dict[str, Any]:
        missing = theme_colour(self, "warning")
        return {
            "ref": d.ref,
            "kind": DECISION_KINDS.get(d.kind, d.kind),
            "what": shown.free(self.app, d.text),
            "owner": shown.free(self.app, d.owner) or (Text("unassigned", style=missing) if d.kind != "referral" else ""),
            "due": d.due_date.isoformat() if d.due_date else (Text("no date", style=missing) if d.kind != "referral" else ""),
            "status": d.status.replace("_", " "),
        }

    def _closed_values(self, r: OldBusinessRow) -> dict[str, Any]:
        return {
            "ref": r.ref,
            "kind": KIND_WORDS.get(r.kind, r.kind),
            "what": shown.free(self.app, r.text),
            "status": r.status.replace("_", " "),
            "outcome": shown.free(self.app, r.outcome),
        }

    def on_resize(self) -> None:
        if self.summary is not None and self.size.width != self._width:
            self.render_summary()

    def present_mode_changed(self, presenting: bool) -> None:
        self.render_summary()
        if self.amendments is not None:  # free text too: masked on the shared screen
            self.show_amendments(self.amendments)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITING_ACTIONS and self.closed:
            return None
        if action == "amend" and not self.closed:
            return False  # an open meeting's records are changed directly
        return super().check_action(action, parameters)

    def action_close(self) -> None:
        if self.summary is None or self.meeting_date is None:
            return
        count = len(self.summary.warnings)
        question = f"Close the meeting of {self.meeting_date.isoformat()}?\n\n"
        if count:
            question += f"{count} warning{'s' * (count != 1)} still stand{'s' * (count == 1)} (see the list). "
        else:
            question += "Nothing is unassigned or undated. "
        question += "A closed meeting is read-only."
        self.app.push_screen(ConfirmDialog(question), self._close_answered)

    def _close_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        try:
            meeting = close_meeting(
                self.app.db, self.meeting_id, version=self.summary.meeting_version if self.summary else None
            )
        except ReviewError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.load()  # what changed meanwhile, so the next close is of what the facilitator has seen
            return
        at = meeting.closed_at.strftime("%H:%M") if meeting.closed_at else ""
        self.notify(f"Meeting closed at {at}. Press e to export the minutes.")
        self.closed = True
        self.load()

    def action_export(self) -> None:
        if self.meeting_date is None:
            return
        from ..locations import documents_dir_for_form  # the documents folder, never the current one (issue 13)
        example = "short name, e.g. " + (self.agencies[0] if self.agencies else "RMPD") + "; optional"
        # One receiver per version: the full minutes are law-enforcement sensitive,
        # so a partner agency must never be logged as having received them.
        fields = [
            Field("to_full", "Full minutes (law enforcement) go to", suggestions=self.agencies,
                  check=self._known_agency, placeholder=example),
            Field("to_partner", "Partner minutes (released text only) go to", suggestions=self.agencies,
                  check=self._known_agency, placeholder=example),
            Field("folder", "Folder", value=str(documents_dir_for_form()), required=True,
                  check=lambda v: None if Path(v).expanduser().is_dir() else "no such folder"),
        ]
        hint = (
            "Writes both versions as Word files and logs who receives each.\n"
            "→ accepts a suggestion · ctrl+s: export · escape: cancel"
        )
        self.app.push_screen(
            FormDialog(f"Export the minutes of {self.meeting_date.isoformat()}", fields,
                       today=self.app.now().date(), hint=hint),
            self._export_asked,
        )

    def _known_agency(self, short_name: str) -> str | None:
        if short_name.casefold() in {a.casefold() for a in self.agencies}:
            return None
        return f"unknown agency; known: {', '.join(self.agencies)}"

    def _export_asked(self, values: dict[str, Any] | None) -> None:
        if values is None:
            return
        self.notify("Writing the minutes…", timeout=2)
        receivers = {"full": values.get("to_full"), "partner": values.get("to_partner")}
        self.export(receivers, Path(values["folder"]).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, receivers: dict[str, str | None], folder: Path) -> None:
        written: dict[str, Path] = {}
        from ..services.release import unresolved

        open_ = unresolved(self.app.db, self.meeting_id)
        if open_:
            # Nothing is written, the full minutes neither: both versions go out together.
            shown_at_most = 6
            where = "\n".join(f"  {p.where}, {p.field}: {p.problem()}" for p in open_[:shown_at_most])
            more = f"\n  … and {len(open_) - shown_at_most} more" if len(open_) > shown_at_most else ""
            n = len(open_)
            self.notify(
                f"The minutes were not written: {n} passage{'s' * (n != 1)} of the partner minutes "
                f"{'are' if n != 1 else 'is'} not resolved:\n{where}{more}\nPress R for the release review.",
                severity="error", timeout=20,
            )
            return
        try:
            from ..export.minutes import export_minutes

            # Partner first: if its redaction check refuses, nothing at all is written.
            for audience in ("partner", "full"):
                written[audience] = export_minutes(
                    self.app.db, self.meeting_date, audience, path=folder, to_agency=receivers.get(audience),
                    sent_by=None,
                )
        except ImportError:
            self.notify("The minutes export is not available in this version", severity="error")
            return
        except Exception as exc:  # noqa: BLE001 - a leak refusal or a write error, said in words
            done = "".join(f"\n{a} minutes were written: {p}" for a, p in written.items())
            self.notify(f"{exc}{done}", severity="error", timeout=20, markup=False)
            return
        lines = [
            f"{audience}: {written[audience]}" + (f" (to {receivers[audience]})" if receivers.get(audience) else "")
            for audience in ("full", "partner")
        ]
        self.notify("Minutes written:\n" + "\n".join(lines), timeout=12, markup=False)

    def action_release_review(self) -> None:
        from .release import ReleaseReviewScreen

        self.app.push_screen(ReleaseReviewScreen(self.meeting_id))

    def cursor_list(self) -> DataTable | OptionList:
        focused = self.focused
        return focused if isinstance(focused, (DataTable, OptionList)) else self.query_one("#decisions", DataTable)

    # ------------------------------------------------------------------ correcting decisions (issue 13 item 1)

    def _decision(self, key: str | None) -> DecisionRow | None:
        kind, _, ident = (key or "").partition(":")
        decisions = self.summary.decisions if self.summary else []
        return next((d for d in decisions if (d.kind, str(d.id)) == (kind, ident)), None)

    def _highlighted_decision(self) -> DecisionRow | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count:
            return None
        return self._decision(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _correctable(self, decision: DecisionRow | None) -> bool:
        if self.closed:
            self.notify("This meeting is closed: its decisions are corrected as amendments, with a reason (m)",
                        severity="warning", timeout=6)
            return False
        if decision is None:
            self.notify("No decision here to correct", severity="warning")
            return False
        return True

    def action_edit_decision(self) -> None:
        decision = self._highlighted_decision()
        if self._correctable(decision):
            assert decision is not None
            decision_forms.edit(self, decision.kind, decision.id, self.load, meeting_id=self.meeting_id)

    def action_remove_decision(self) -> None:
        decision = self._highlighted_decision()
        if self._correctable(decision):
            assert decision is not None
            decision_forms.delete(self, decision.kind, decision.id, decision.version,
                                  decision_forms.describe(self, decision), self.load)

    @on(DataTable.RowSelected, "#decisions")
    def _decision_chosen(self) -> None:
        # enter: the correction the meeting allows, an edit while open, an amendment once closed.
        self.action_amend() if self.closed else self.action_edit_decision()

    @on(OptionList.OptionSelected, "#wrap-warnings")
    def _warning_chosen(self, event: OptionList.OptionSelected) -> None:
        """enter on a warning: the form of the decision it is about, or the review of the case still pending."""
        kind, ident, _n = (event.option.id or "::").split(":")
        if kind == "case":
            self.app.open_stage(self.meeting_id, "review", agenda_item_id=int(ident))
            return
        decision = self._decision(f"{kind}:{ident}")
        if self._correctable(decision):
            assert decision is not None
            decision_forms.edit(self, decision.kind, decision.id, self.load, meeting_id=self.meeting_id)

    # ------------------------------------------------------------------ amendments (closed meeting)

    def action_amend(self) -> None:
        """``m``: the amendment form for the highlighted decision of this closed meeting."""
        if not self.closed or self.summary is None:
            return
        if self.app.presenting:
            self.notify("Amending shows the records as stored: leave presentation mode first.", severity="warning")
            return
        table = self.query_one("#decisions", DataTable)
        if self.focused is self.query_one("#closed-old", DataTable):
            self.notify("Old business is amended in the wrap-up of the meeting that decided it.", markup=False)
            return
        if not self.summary.decisions or table.row_count == 0:
            self.notify("This meeting decided nothing to amend (attendance and notes: vip amend).", markup=False)
            return
        from textual.coordinate import Coordinate

        from ..services.amendments import DECISION_ENTITIES, record_state

        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value or ""
        kind, _, raw_id = key.partition(":")
        try:
            state = record_state(self.app.db, self.meeting_id, DECISION_ENTITIES[kind], int(raw_id))
        except (ReviewError, KeyError, ValueError) as exc:
            self.notify(f"Cannot amend that row: {exc}", severity="error", markup=False)
            return
        from .amend import AmendDialog

        def save(field: str, value: str, reason: str) -> str | None:
            from ..services.amendments import amend
            from ..services.guard import StaleEdit

            now = dialog.state
            if dialog.specs[field].kind == "date" and value.strip():
                from ..widgets.dialogs import parse_due

                try:  # as the forms that create a decision read a date: 2026-12-04, +7, 2w, fri
                    value = parse_due(value, self.app.now().date()).isoformat()  # type: ignore[union-attr]
                except ValueError as exc:
                    return f"New value: {exc}"
            try:
                amend(self.app.db, self.meeting_id, now.entity, now.id, {field: value}, reason, version=now.version)
            except StaleEdit as exc:
                try:  # what the other instance wrote becomes the value before; what was typed stays
                    dialog.state = record_state(self.app.db, self.meeting_id, now.entity, now.id)
                except ReviewError:
                    return str(exc)
                before = dialog.state.values.get(field) or "(none)"
                return f"{exc}: the {field.replace('_', ' ')} now reads {before}; ctrl+s amends it to what you typed"
            except ReviewError as exc:
                return str(exc)
            except Exception as exc:  # noqa: BLE001 - a busy or failing database, said in words; the form stays
                return f"not saved: {exc}"
            return None

        def done(written: bool | None) -> None:
            if written:
                self.notify(f"Amended {state.ref}. The next minutes export is a new version.", markup=False)
                self.load()
                self.load_amendments()

        dialog = AmendDialog(state, save, agencies=self.agencies)
        self.app.push_screen(dialog, done)

    def watch_closed(self, closed: bool) -> None:
        if closed:
            self.load_amendments()

    @work(thread=True, exclusive=True, exit_on_error=False, group="amendments")
    def load_amendments(self) -> None:
        from ..services.amendments import list_amendments

        try:
            rows = list_amendments(self.app.db, self.meeting_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the screen stays usable
            self.notify(f"Could not load the amendments: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_amendments, rows)

    def show_amendments(self, rows: list[Any]) -> None:
        """The Amendments list under the tables: when, who, which record and field, before → after, why."""
        self.amendments = rows
        tables = self.query_one("#wrap-tables", Vertical)
        if not self.query("#amendments-list"):
            listing = Static("", id="amendments-list")
            listing.styles.padding = (0, 1, 0, 2)  # as the tables' rows
            tables.mount(Static("Amendments", id="amendments-title", classes="section"), listing)
        self.query_one("#amendments-title", Static).update(f"Amendments ({len(rows)})")
        lines = [
            f"{r.at:%Y-%m-%d %H:%M} · {r.user} · {r.record} · {r.label}: "
            f"{shown.free(self.app, r.change)} · why: {shown.free(self.app, r.reason)}"
            for r in rows
        ]
        self.query_one("#amendments-list", Static).update(Text("\n".join(lines) or "None."))
