"""`?`: every key of the current screen, with what it does, and the screen's help text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def declared_bindings(node: DOMNode) -> dict[str, tuple[Binding, list[str]]]:
    """action -> (its binding, every key for it), as Textual merges ``node``'s class BINDINGS.

    Read from the classes, not from what is enabled right now, so help and the
    palette list every key even when it does not apply at this moment.
    """
    actions: dict[str, tuple[Binding, list[str]]] = {}
    # Textual's own merge of the class hierarchy (inherit_bindings, overrides):
    # what help shows is exactly what the keys do.
    merged = type(node)._merge_bindings()  # noqa: SLF001
    for bindings in merged.key_to_bindings.values():
        for binding in bindings:
            if not binding.description:
                continue
            first, keys = actions.setdefault(binding.action, (binding, []))
            display = node.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    return actions


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every binding of ``screen`` and then of the app."""
    rows: list[tuple[str, str]] = []
    for node in (screen, screen.app):
        rows += [(", ".join(keys), b.description) for b, keys in declared_bindings(node).values()]
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys and help of the screen it was opened from."""

    BINDINGS: list[BindingType] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close help", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        help_text = getattr(self.target, "HELP", "") or ""
        lines = [help_text.strip(), "", "| key | does |", "| --- | --- |"]
        for keys, description in screen_keys(self.target):
            lines.append(f"| `{keys}` | {description} |")
        lines += ["", "Press `escape` to close."]
        with VerticalScroll():
            yield Markdown("\n".join(lines))
