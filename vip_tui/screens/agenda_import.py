"""Importing an agenda file from the TUI: pick it, see every problem, fix and re-read, preview, apply.

The file picker is Textual's DirectoryTree showing folders and ``.toml`` /
``.csv`` files only, under a path box where a path can be typed or pasted
(``~`` understood, completed from the folder as it is typed; a folder moves
the tree there, a file is read at once). Choosing a file reads and validates it (the same
``parse_agendas`` as ``vip agenda check``) and, when it has no error, runs a
dry run of the import (``import_files(..., dry_run=True)``: the real import
in a transaction that is rolled back) to show what would be created and
updated, and how each person would be linked. ``r`` reads the file again
after it was fixed in an editor; ``a`` applies the import.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Footer, Header, Input, Static
from textual.worker import get_current_worker

from ..widgets import text as shown
from .base import COMMON_BINDINGS, VipScreen

AGENDA_SUFFIXES = (".toml", ".csv")


class AgendaTree(DirectoryTree):
    """Folders and agenda files (TOML, CSV); hidden entries left out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tree.up"),
    ]

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if _agenda_entry(p)]


def _agenda_entry(p: Path) -> bool:
    return not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in AGENDA_SUFFIXES)


class PathSuggester(Suggester):
    """Completes the last part of a typed path from its folder: folders and agenda files, as typed (``~`` kept).

    Relative paths are read from ``base()`` (the folder the tree shows). One
    folder listing per keystroke, no cache: the folder may change meanwhile.
    """

    def __init__(self, base: Callable[[], Path]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith("/"):
            return None
        head, _, stem = value.rpartition("/")
        folder = Path(head or ("/" if value.startswith("/") else ".")).expanduser()
        if not folder.is_absolute():
            folder = self.base() / folder
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                           if p.name.startswith(stem) and _agenda_entry(p))
        except OSError:
            return None
        return value[: len(value) - len(stem)] + names[0] if names else None


@dataclass
class Checked:
    """What reading one file found: its problems, and the dry run's report when it had no error."""

    path: Path
    problems: list = field(default_factory=list)  # agenda.problems.Problem
    report: object | None = None  # agenda.importer.ImportReport
    refused: str | None = None  # the dry run itself was refused (a closed meeting, say)
    applied: bool = False
    meeting_id: int | None = None
    agendas: list = field(default_factory=list)  # agenda.schema.Agenda, as read for the preview

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.refused is None and self.report is not None


class StatusProgress:
    """An import's progress (``agenda.importer.Progress``) on the import screen's status line.

    Called on the worker's thread; ``show`` is called at most every ``every``
    seconds (and at each new phase), so a 7,000-incident backfill does not
    flood the UI thread with messages.
    """

    def __init__(self, show: Callable[[str], None], *, every: float = 0.2) -> None:
        self.show = show
        self.every = every
        self.total = self.count = 0
        self._drawn = 0.0

    def phase(self, what: str) -> None:
        self._draw(what, force=True)

    def start(self, total: int) -> None:
        self.total, self.count = total, 0
        self._draw(f"importing incidents: 0 of {total:,}", force=True)

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.total:
            self._draw(f"importing incidents: {self.count:,} of {self.total:,} ({100 * self.count // self.total}%)")

    def done(self) -> None:
        pass

    def _draw(self, line: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._drawn >= self.every:
            self._drawn = now
            self.show(line)


def check_file(db, path: Path, *, apply_to: Checked | None = None, progress: object | None = None) -> Checked:  # noqa: ANN001
    """Validate ``path`` and dry-run its import; never raises for a bad file.

    With ``apply_to`` (a preview), the agendas read for that preview are
    imported for real: what is applied is what was previewed, even if the
    file changed since (``r`` reads it again).
    """
    from ..agenda.importer import import_agendas
    from ..agenda.parse import parse_agendas
    from ..agenda.problems import AgendaErrors
    from ..db import DatabaseBusy
    from ..services.meetings import meeting_by_date

    if apply_to is not None:
        agendas, problems = apply_to.agendas, [p for p in apply_to.problems if p.severity != "error"]
    else:
        agendas, problems = parse_agendas([path])
    checked = Checked(path, list(problems), agendas=list(agendas))
    if checked.errors or not agendas:
        return checked
    try:
        report = import_agendas(db, agendas, dry_run=apply_to is None, progress=progress)  # type: ignore[arg-type]
    except AgendaErrors as exc:
        checked.refused = "\n".join(str(p) for p in exc.problems)
        checked.problems.extend(exc.problems)
        return checked
    except DatabaseBusy as exc:  # another import held the lock past the wait: nothing was changed
        checked.refused = str(exc)
        return checked
    if apply_to is None:
        # The file's own warnings; the import adds its own (an item kept because it was discussed).
        report.warnings = [p for p in problems if p.severity != "error"] + report.warnings
    checked.report = report
    checked.applied = apply_to is not None
    meeting = meeting_by_date(db, agendas[0].meeting.date)
    checked.meeting_id = meeting.id if meeting else None
    return checked


class AgendaImportScreen(VipScreen, inherit_bindings=False):
    """Pick an agenda file, read its problems or the preview of its import, apply it."""

    HELP = """
## Import an agenda

Pick a TOML or CSV agenda file in the tree (`↑`/`↓` move, `enter` opens a
folder or reads a file, `backspace` goes to the parent folder), or type or
paste its path in the path box above the tree (`/` goes there; `~` is your
home folder; `→` accepts the completion offered; `enter` reads the file, or
moves the tree to a folder; a relative path is read from the tree's folder).
The file is checked at once:

- if it has problems, every one is listed with its line and field; fix the
  file in your editor and press `r` to read it again. Nothing is imported
  while any error remains (warnings do not stop an import);
- if it is sound, the preview lists what the import would create and update,
  and how each person would be linked to someone already known: check the
  links before applying. `a` applies the import.

After the import, `o` opens the meeting in the agenda builder, where a wrong
link is fixed with `l` and the order changed with `K`/`J`.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,f5", "reread", "Re-read", id="import.reread", tooltip="Read the file again (after fixing it)"),
        Binding("a", "apply", "Import", id="import.apply", tooltip="Apply the import previewed"),
        Binding("o", "open_builder", "Open builder", id="import.open",
                tooltip="Open the imported meeting in the agenda builder"),
        Binding("backspace", "parent", "Parent folder", id="import.parent"),
        Binding("slash", "focus_path", "Path", id="import.path", tooltip="Type or paste the path of an agenda file"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    AgendaImportScreen #import-left { width: 44; }
    AgendaImportScreen #import-path { width: 100%; }
    AgendaImportScreen #import-tree { width: 100%; height: 1fr; border: round $panel-lighten-2;
                                      border-title-color: $text-muted; }
    AgendaImportScreen #import-tree:focus { border: round $primary; }
    AgendaImportScreen #import-status { padding: 0 1; height: auto; text-style: bold; }
    AgendaImportScreen #import-status.-error { color: $error; }
    AgendaImportScreen #import-status.-ok { color: $success; }
    AgendaImportScreen #import-preview-box { height: 1fr; border: round $panel-lighten-2; border-title-color: $text-muted; }
    AgendaImportScreen #import-preview { padding: 0 1; }
    """

    state: reactive[str] = reactive("empty", bindings=True)  # empty | reading | problems | preview | applied

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        if folder is None:
            # Where agendas usually are: an agendas/ folder here, else here (backspace goes up).
            folder = Path.cwd() / "agendas" if (Path.cwd() / "agendas").is_dir() else Path.cwd()
        self.folder = folder.resolve()
        self.checked: Checked | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="import-left"):
                yield Input(placeholder="path of a file or folder (/)", id="import-path",
                            suggester=PathSuggester(lambda: Path(self.query_one(AgendaTree).path)))
                yield AgendaTree(self.folder, id="import-tree")
            with Vertical():
                yield Static("Pick an agenda file (.toml or .csv) on the left and press enter.", id="import-status")
                with VerticalScroll(id="import-preview-box"):
                    yield Static("", id="import-preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Import an agenda"
        tree = self.query_one(AgendaTree)
        tree.border_title = _shown(self.folder)
        tree.focus()
        self.query_one("#import-preview-box").border_title = "Preview"

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return True if self.state == "preview" else None
        if action == "reread":
            return True if self.checked is not None and self.state != "reading" else None
        if action == "open_builder":
            return True if self.state == "applied" else False
        return True

    # ------------------------------------------------------------------ picking

    @on(DirectoryTree.FileSelected)
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.read(Path(event.path))

    def action_focus_path(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        """A typed or pasted path: a file is read at once, a folder moves the tree there; anything else is said."""
        event.stop()
        typed = event.value.strip()
        status = self.query_one("#import-status", Static)
        if not typed:
            return
        tree = self.query_one(AgendaTree)
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = Path(tree.path) / path
        problem = None
        if path.is_dir():
            tree.path = path.resolve()
            tree.border_title = _shown(Path(tree.path))
            event.input.value = ""
            tree.focus()
            return
        if not path.exists():
            problem = f"{typed}: no such file or folder; check the path (~ is your home folder)"
        elif not path.is_file():
            problem = f"{typed}: not a regular file; give an agenda file (.toml or .csv)"
        elif path.suffix.lower() not in AGENDA_SUFFIXES:
            problem = f"{typed}: not an agenda file; give a .toml or .csv file"
        if problem is not None:
            status.update(Text(shown.safe(problem)))
            status.set_classes("-error")
            return
        self.read(path.resolve())

    def action_parent(self) -> None:
        tree = self.query_one(AgendaTree)
        parent = Path(tree.path).resolve().parent
        if parent != Path(tree.path).resolve():
            tree.path = parent
            tree.border_title = _shown(parent)

    def action_reread(self) -> None:
        if self.checked is not None:
            self.read(self.checked.path)

    def action_apply(self) -> None:
        if self.state == "preview" and self.checked is not None:
            self.read(self.checked.path, apply=True)

    def action_open_builder(self) -> None:
        if self.checked is not None and self.checked.meeting_id is not None:
            from .agenda_builder import AgendaBuilderScreen

            self.app.switch_screen(AgendaBuilderScreen(self.checked.meeting_id))

    # ------------------------------------------------------------------ reading

    def read(self, path: Path, *, apply: bool = False) -> None:
        self.state = "reading"
        status = self.query_one("#import-status", Static)
        status.set_classes("")
        status.update(Text(f"{'Importing' if apply else 'Reading'} {shown.safe(path.name)}…"))
        self._work(path, apply)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def _work(self, path: Path, apply: bool) -> None:
        verb = "Importing" if apply else "Reading"

        def show(line: str) -> None:
            self.app.call_from_thread(self._progress, f"{verb} {shown.safe(path.name)}: {line}")

        checked = check_file(self.app.db, path, apply_to=self.checked if apply else None, progress=StatusProgress(show))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, checked)

    def _progress(self, line: str) -> None:
        if self.state == "reading":
            self.query_one("#import-status", Static).update(Text(line))

    def _show(self, checked: Checked) -> None:
        self.checked = checked
        status = self.query_one("#import-status", Static)
        box = self.query_one("#import-preview-box")
        preview = self.query_one("#import-preview", Static)
        name = shown.safe(checked.path.name)
        text = Text()
        if checked.problems:
            # As `vip agenda check` prints them: file, line, field, what is wrong.
            for p in checked.problems:
                text.append("✗ " if p.severity == "error" else "! ", style="bold red" if p.severity == "error" else "bold yellow")
                text.append(f"{shown.free(self.app, str(p))}\n", style="red" if p.severity == "error" else "yellow")
            text.append("\n")
        if checked.errors:
            self.state = "problems"
            count = len(checked.errors)
            status.update(Text(f"{name}: {count} problem{'s' * (count != 1)}; nothing can be imported until "
                               "every one is fixed. Fix the file, then press r to read it again."))
            status.set_classes("-error")
            box.border_title = "Problems"
            preview.update(text)
            return
        if checked.report is None:  # refused as a whole (the database was busy): nothing was changed
            self.state = "problems"
            status.update(Text(f"{name}: {shown.safe(checked.refused or 'not imported')}. Press r to try again."))
            status.set_classes("-error")
            return
        report = checked.report
        if checked.applied:
            self.app.persons_changed()  # the shared screen masks the persons just imported too
            self.state = "applied"
            status.update(Text(f"{name} imported. Press o to open the meeting in the agenda builder."))
            status.set_classes("-ok")
            box.border_title = "Imported"
        else:
            self.state = "preview"
            warn = f" ({len(report.warnings)} warning{'s' * (len(report.warnings) != 1)})" if report.warnings else ""
            status.update(Text(f"{name} is sound{warn}. Check the preview, then press a to import it."))
            status.set_classes("-ok")
            box.border_title = "Preview: nothing is written until you press a"
        for line in report.lines():
            text.append(shown.free(self.app, line) + "\n", style="bold")
        if report.details:
            text.append("\n")
            for line in report.details:
                style = "yellow" if "linked to known" in line else ("green" if line.endswith(("new", "new person")) else "")
                text.append(f"• {shown.free(self.app, line)}\n", style=style)
        preview.update(text)


def _shown(folder: Path) -> str:
    """A folder as people write it: ~ for the home folder."""
    try:
        return f"~/{folder.relative_to(Path.home())}".rstrip("/.")
    except ValueError:
        return str(folder)
