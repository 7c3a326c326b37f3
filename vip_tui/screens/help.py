"""`?`: every key of the current screen, with what it does, and the screen's help text."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def class_bindings(node_type: type[DOMNode]) -> BindingsMap:
    """The bindings a class declares, merged down its hierarchy the way Textual merges them.

    From public pieces only (each class's own ``BINDINGS``, ``BindingsMap``):
    a base's key is replaced by a subclass's binding of the same key, and a
    class declared with ``inherit_bindings=False`` starts afresh (the flag is
    recorded by :class:`vip_tui.screens.base.VipScreen`; Textual keeps it
    privately).
    """
    keys: dict[str, list[Binding]] = {}
    for base in reversed(node_type.__mro__):
        if not (isinstance(base, type) and issubclass(base, DOMNode)):
            continue
        if not base.__dict__.get("INHERIT_BINDINGS", True):
            keys.clear()
        keys.update(BindingsMap(base.__dict__.get("BINDINGS", [])).key_to_bindings)
    return BindingsMap.from_keys(keys)


def declared_bindings(node: DOMNode) -> dict[str, tuple[Binding, list[str]]]:
    """action -> (its binding, every key for it), as ``node``'s classes declare them and the keymap changed them.

    Read from the classes, not from what is enabled right now, so help and the
    palette list every key even when it does not apply at this moment. The
    keymap is the one given to the app's ``set_keymap`` (config.toml's
    ``[keymap]``), applied the way Textual applies it.
    """
    bindings = class_bindings(type(node))
    keymap = getattr(node.app, "keymap", None)
    if keymap:
        bindings.apply_keymap(keymap)
    actions: dict[str, tuple[Binding, list[str]]] = {}
    for key_bindings in bindings.key_to_bindings.values():
        for binding in key_bindings:
            if not binding.description:
                continue
            first, keys = actions.setdefault(binding.action, (binding, []))
            display = node.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    return actions


def binding_ids() -> dict[str, Binding]:
    """Every binding id a keymap may name -> its binding: the app's, every screen's and every widget's.

    Imports every screen and widget module (about a tenth of a second): only
    when there is a keymap to check, or ``vip config keys`` asks.
    """
    import importlib
    import pkgutil

    from .. import screens, widgets

    importlib.import_module("vip_tui.app")  # VipApp's own
    for package in (screens, widgets):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found: dict[str, Binding] = {}
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)
    return dict(sorted(found.items()))


def keymap_clashes(keymap: Mapping[str, str]) -> list[str]:
    """Each key the keymap gives to a binding that another binding of the same screen has and keeps.

    Textual gives the key to the keymap's binding and drops it from the other
    without a word when that one has an id (all of vip's do): say so.
    """
    told: list[str] = []
    classes: list[type] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if not cls.__module__.startswith("vip_tui.") or "BINDINGS" not in cls.__dict__:
            continue
        bindings = class_bindings(cls)
        for binding in [b for bs in bindings.key_to_bindings.values() for b in bs]:
            for key in keymap.get(binding.id or "", "").split(","):
                for other in bindings.key_to_bindings.get(key.strip(), []):
                    line = f"keymap: {binding.id} takes {key.strip()} from {other.id or other.action}"
                    if other.id != binding.id and other.id not in keymap and line not in told:
                        told.append(line)
    return told


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
