"""The release review (SPEC §7): every passage the partner minutes would print, decided one by one.

Opened from the wrap-up with `R`. Each passage shows where it is, its state
and its text with every protected token highlighted (a name part, an alias,
a date of birth, a records id of a person on file). The partner edition is
written only when none is left unresolved; what is decided here is read back
by the export (:mod:`vip_tui.services.release`).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..enums import ReleaseDecision
from ..services import release as svc
from ..services.guard import ReviewError
from ..widgets import text as shown
from ..widgets.dialogs import Field, FormDialog
from .base import COMMON_BINDINGS, VipScreen

HIT_STYLE = "bold reverse red"  # a protected token: the reason the passage cannot go as it is
EXEMPT_STYLE = "underline dim"  # marked "not this person"
HIDDEN_WHILE_PRESENTING = (
    "The release review shows what is protected, so it is not shown while presenting. Press F2 to stop presenting."
)


def state_of(p: svc.Passage) -> str:
    """undecided / released / edited / withheld / stale (decided on a text that has changed since) / goes.

    "goes": a fact or text written for partners, with no protected token,
    which needs no decision.
    """
    if p.decision is not None:
        return p.decision.value
    if p.version is not None:
        return "stale"
    return "goes" if p.resolved and not p.needs_release else "undecided"


def highlighted(p: svc.Passage) -> Text:
    """The text that would go, with each protected token highlighted (exempted ones underlined)."""
    source = p.scanned
    t = Text()
    pos = 0
    for hit in sorted(p.hits, key=lambda h: h.start):
        if hit.start < pos:
            continue
        t.append(shown.safe(source[pos:hit.start]))
        t.append(shown.safe(source[hit.start:hit.end]), style=EXEMPT_STYLE if hit.exempt else HIT_STYLE)
        pos = hit.end
    t.append(shown.safe(source[pos:]))
    return t


class ReleaseReviewScreen(VipScreen, inherit_bindings=False):
    """Every passage of the partner edition: release, edit the partner wording, or withhold."""

    HELP = """
## Release review

Every stored text the **partner minutes** would print, in document order:
where it is, its state and its text, each protected token (a name part, an
alias, a date of birth or a records id of a person on file) highlighted.

Text written for law enforcement (notes, action and decision wording) goes
to partners only once released. Structured facts and text written for
partners go as they are, unless they hold a protected token.

`r` releases the passage as written, `e` writes a partner wording instead
(checked again), `w` withholds it. `n` marks a highlighted token as **not
this person** (a street or a staff member sharing a surname; recorded in the
audit log). `A` releases every passage with no protected token left. The
line at the top says how many remain: the partner minutes are written only
when none does.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "release", "Release", id="release.release", tooltip="The passage goes to partners as written"),
        Binding("w", "withhold", "Withhold", id="release.withhold", tooltip="The passage does not go to partners"),
        Binding("e", "edit", "Edit wording", id="release.edit",
                tooltip="Write what partners read instead (checked for protected tokens again)"),
        Binding("n", "not_this_person", "Not this person", id="release.exempt",
                tooltip="A highlighted token does not mean the person on file (recorded in the audit log)"),
        Binding("A", "release_clean", "Release all clean", id="release.clean",
                tooltip="Release every undecided passage with no protected token"),
        Binding("u", "next_unresolved", "Next open", id="release.next", tooltip="Go to the next unresolved passage"),
        Binding("j", "cursor_down", "Down", show=False, id="release.down"),
        Binding("k", "cursor_up", "Up", show=False, id="release.up"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    ReleaseReviewScreen #release-summary { height: auto; padding: 0 1; text-style: bold; background: $warning 25%; }
    ReleaseReviewScreen #release-summary.-clear { background: $success 25%; }
    ReleaseReviewScreen #passages { height: 1fr; border: round $panel-lighten-2; }
    ReleaseReviewScreen #passages:focus { border: round $primary; }
    ReleaseReviewScreen #release-detail {
        /* A fixed band: were it to grow with the highlighted passage's hits, the list above would
           shrink after scrolling to it, and the passage just moved to could end up out of view. */
        height: 7; overflow-y: auto; padding: 0 1; border-top: solid $primary-darken-3; color: $text-muted;
    }
    """

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.passages: list[svc.Passage] = []
        self._writing = threading.Lock()  # decisions one at a time, as the keys came

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the passages of the partner minutes…", id="release-summary")
        yield OptionList(id="passages")
        yield Static("", id="release-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Release review · partner minutes"
        self.query_one("#passages", OptionList).focus()
        self.load()

    def cursor_list(self) -> OptionList:
        return self.query_one("#passages", OptionList)

    # ------------------------------------------------------------------ loading and drawing

    @work(thread=True, exclusive=True, exit_on_error=False, group="release-load")
    def load(self, select_key: str | None = None) -> None:
        found = svc.passages(self.app.db, self.meeting_id)
        self.app.call_from_thread(self._show, found, select_key)

    def _show(self, found: list[svc.Passage], select_key: str | None = None) -> None:
        keep = select_key or (self.current().key if self.current() else None)
        self.passages = found
        self._draw(keep)

    def _draw(self, select_key: str | None = None) -> None:
        listing = self.query_one("#passages", OptionList)
        summary = self.query_one("#release-summary", Static)
        listing.clear_options()
        if self.app.presenting:
            summary.update(Text(HIDDEN_WHILE_PRESENTING))
            self.query_one("#release-detail", Static).update("")
            return
        open_ = [p for p in self.passages if not p.resolved]
        n = len(open_)
        if n:
            line = (f"{n} of {len(self.passages)} passage{'s' * (len(self.passages) != 1)} unresolved: "
                    "the partner minutes are not written until none is")
        else:
            line = f"All {len(self.passages)} passages resolved: the partner minutes can be written"
        summary.update(Text(line))
        summary.set_class(not n, "-clear")
        listing.add_options([Option(self._prompt(p), id=p.key) for p in self.passages])
        if not self.passages:
            listing.add_option(Option(Text("This meeting has nothing for the partner minutes yet.", style="dim"),
                                      disabled=True))
            return
        keys = [p.key for p in self.passages]
        listing.highlighted = keys.index(select_key) if select_key in keys else 0
        self._draw_detail()

    def _prompt(self, p: svc.Passage) -> Text:
        t = Text()
        state = state_of(p)
        if p.resolved:
            t.append("✓ ", style="bold green")
        else:
            t.append("! ", style="bold red")
        t.append(f"{state:<9} ", style="bold" if not p.resolved else "")
        t.append(shown.safe(f"{p.where} · {p.field}"), style="bold")
        if p.needs_release:
            t.append(" · law-enforcement wording", style="italic")
        t.append("\n   ")
        t.append_text(highlighted(p))
        return t

    def current(self) -> svc.Passage | None:
        if not self.passages:
            return None
        index = self.query_one("#passages", OptionList).highlighted
        return self.passages[index] if index is not None and index < len(self.passages) else None

    def _draw_detail(self) -> None:
        p = self.current()
        detail = self.query_one("#release-detail", Static)
        if p is None or self.app.presenting:
            detail.update("")
            return
        t = Text()
        if p.decision == ReleaseDecision.edited:
            t.append("Partner wording replaces: ", style="bold")
            t.append(shown.safe(p.text) + "\n", style="strike")
        if state_of(p) == "stale":
            t.append("The text changed since it was decided: decide again.\n", style="bold yellow")
        for i, hit in enumerate(p.hits, 1):
            t.append(f"{i}. ", style="bold")
            t.append(shown.safe(p.scanned[hit.start:hit.end]), style=EXEMPT_STYLE if hit.exempt else HIT_STYLE)
            t.append(f" — {shown.safe(hit.what)}")
            t.append(" · not this person\n" if hit.exempt else "\n", style="dim")
        if not p.hits:
            t.append("No protected token in this passage. ", style="dim")
        problem = p.problem()
        t.append(shown.safe(problem) if problem else "Resolved: " + ("withheld" if p.goes is None else "goes as shown"),
                 style="bold red" if problem else "green")
        detail.update(t)

    @on(OptionList.OptionHighlighted, "#passages")
    def _highlighted(self) -> None:
        self._draw_detail()
        # Once laid out: a passage of several lines is shown whole, not just its first line.
        self.call_after_refresh(self.query_one("#passages", OptionList).scroll_to_highlight)

    def present_mode_changed(self, presenting: bool) -> None:
        self._draw()

    # ------------------------------------------------------------------ deciding

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("release", "withhold", "edit", "not_this_person", "release_clean") and self.app.presenting:
            return None
        if action == "not_this_person":
            p = self.current()
            return True if p is not None and any(not h.exempt for h in p.hits) else None
        return True

    @work(thread=True, group="release-write", exit_on_error=False)
    def _decided(self, write: Any, what: str) -> None:
        """Run a decision off the UI thread (it reads every person on file), one at a time, in key order."""
        from ..db import DatabaseBusy

        with self._writing:
            try:
                p: svc.Passage = write()
            except (ReviewError, DatabaseBusy) as exc:
                self.app.call_from_thread(self._refused, exc)
                return
        self.app.call_from_thread(self._show_decided, p, what)

    def _refused(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", timeout=8, markup=False)
        self.load()

    def _show_decided(self, p: svc.Passage, what: str) -> None:
        """The passage as it is now, and what became of it."""
        self.passages = [p if x.key == p.key else x for x in self.passages]
        self._draw(p.key)
        if p.resolved:
            self.notify(f"{p.field} ({p.where}): {what}", timeout=3)
        else:
            self.notify(f"{p.field} ({p.where}): {what}, still unresolved: {p.problem()}", severity="warning",
                        timeout=6)

    def action_release(self) -> None:
        p = self.current()
        if p is not None:
            self._decided(lambda: svc.release(self.app.db, self.meeting_id, p.key, version=p.version), "released")

    def action_withhold(self) -> None:
        p = self.current()
        if p is not None:
            self._decided(lambda: svc.withhold(self.app.db, self.meeting_id, p.key, version=p.version), "withheld")

    def action_edit(self) -> None:
        p = self.current()
        if p is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values:
                self._decided(lambda: svc.edit(self.app.db, self.meeting_id, p.key, values["wording"],
                                               version=p.version), "partner wording saved")

        self.app.push_screen(
            FormDialog(
                f"Partner wording · {p.where} · {p.field}",
                [Field("wording", "What partners read instead (no names, dates of birth or records ids)",
                       value=p.partner_text or p.text, required=True)],
                today=self.app.now().date(),
                hint="checked for protected tokens again · ctrl+s: save · escape: cancel",
            ),
            done,
        )

    def action_not_this_person(self) -> None:
        p = self.current()
        if p is None:
            return
        open_hits = [h for h in p.hits if not h.exempt]
        if not open_hits:
            return
        tokens = list(dict.fromkeys(h.token for h in open_hits))
        if len(tokens) == 1:
            self._exempt(p, tokens[0])
            return
        options = [(f'"{h.token}" — {h.what}', h.token) for h in {h.token: h for h in open_hits}.values()]

        def done(values: dict[str, Any] | None) -> None:
            if values and values.get("token"):
                self._exempt(p, values["token"])

        self.app.push_screen(
            FormDialog("Not this person: which token?",
                       [Field("token", "Token", kind="select", options=options, required=True)],
                       today=self.app.now().date()),
            done,
        )

    def _exempt(self, p: svc.Passage, token: str) -> None:
        self._decided(lambda: svc.not_this_person(self.app.db, self.meeting_id, p.key, token),
                      f'"{token}" marked not this person')

    def action_release_clean(self) -> None:
        self._release_clean()

    @work(thread=True, group="release-write", exit_on_error=False)
    def _release_clean(self) -> None:
        from ..db import DatabaseBusy

        with self._writing:
            try:
                count = svc.release_all_clean(self.app.db, self.meeting_id)
            except (ReviewError, DatabaseBusy) as exc:
                self.app.call_from_thread(self._refused, exc)
                return
        self.app.call_from_thread(
            self.notify, f"{count} passage{'s' * (count != 1)} with no protected token released", timeout=4
        )
        self.app.call_from_thread(self.load)

    def action_next_unresolved(self) -> None:
        if not self.passages:
            return
        listing = self.query_one("#passages", OptionList)
        start = (listing.highlighted or 0) + 1
        order = list(range(start, len(self.passages))) + list(range(0, start))
        for i in order:
            if not self.passages[i].resolved:
                listing.highlighted = i
                return
        self.notify("No passage is left unresolved", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()
