"""The floor of a key: a bare Textual app drawing the same widgets with the same content, already in memory.

vip's screen is copied as it stands once it has drawn (:func:`snapshot`):
every widget becomes the nearest Textual class (a ``DecisionList`` an
``OptionList``, a ``PaceBar`` a ``Static``...) under vip's class name, so
that vip's stylesheet and the widgets' default CSS lay it out the same, with
the content it showed (text, options, rows, titles, classes, display). The
floor app (:func:`floor_app`) draws those copies; a key moves it from one
copy to the next by updating only the widgets whose content differs, as a
hand-written app holding every item in memory would. What the floor takes
is Textual's own layout and paint; what vip takes beyond it is vip's
(reading the database, building the content, its own bookkeeping).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, OptionList, Static, TextArea


@dataclass
class Node:
    """One widget of a screen as it was drawn."""

    cls: type[Widget]  # the floor's class: the nearest Textual class, named as vip's
    id: str | None
    classes: frozenset[str]
    display: bool
    titles: tuple[Any, Any]
    content: Any  # by kind: Static content, OptionList options and highlight, TextArea text, DataTable rows
    kwargs: dict[str, Any] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def walk(self, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Node]]:
        yield path, self
        for i, child in enumerate(self.children):
            yield from child.walk((*path, i))


_CLASSES: dict[tuple[type, type], type] = {}


def _textual_base(cls: type) -> type:
    return next(c for c in cls.__mro__ if c.__module__.startswith("textual."))


def _floor_class(cls: type) -> type:
    """A Textual class under ``cls``'s name and default CSS, without vip's behaviour."""
    base = _textual_base(cls)
    if base is cls:
        return cls
    if cls.render is not base.render and not issubclass(base, (Static, OptionList, TextArea, DataTable)):
        base = Static  # a widget that draws itself: its drawing is copied as content
    key = (cls, base)
    if key not in _CLASSES:
        _CLASSES[key] = type(cls.__name__, (base,), {"DEFAULT_CSS": getattr(cls, "DEFAULT_CSS", ""),
                                                      "__module__": __name__})
    return _CLASSES[key]


def _is_container(widget: Widget) -> bool:
    """A widget whose children are the screen's (not one Textual composes for itself, as a Header's)."""
    base = _textual_base(type(widget))
    return base is Widget or base.__module__ == "textual.containers"


def _same(a: Any, b: Any) -> bool:
    """Whether two contents show the same (Content, rich Text and str compare by text and styles)."""
    return type(a) is type(b) and _look(a) == _look(b)


def _look(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_look(v) for v in value)
    if hasattr(value, "plain") and hasattr(value, "spans"):
        return value.plain, repr(value.spans), repr(getattr(value, "style", None))
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _content(widget: Widget) -> Any:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, OptionList):
        return [(o.prompt, o.id, o.disabled) for o in widget.options], widget.highlighted
    if isinstance(widget, DataTable):
        return ([c.label for c in widget.ordered_columns],
                [widget.get_row_at(i) for i in range(widget.row_count)], widget.cursor_row)
    if isinstance(widget, Static):
        return widget.content
    if type(widget).render is not _textual_base(type(widget)).render:
        return widget.render()
    return None


def snapshot(screen: Screen) -> Node:
    """The screen's widgets as drawn now (to build the floor from)."""

    def node(widget: Widget) -> Node:
        kwargs: dict[str, Any] = {}
        if isinstance(widget, Footer):
            kwargs = {"compact": widget.compact, "show_command_palette": widget.show_command_palette}
        elif isinstance(widget, TextArea):
            kwargs = {"soft_wrap": widget.soft_wrap, "show_line_numbers": widget.show_line_numbers,
                      "read_only": widget.read_only}
        elif isinstance(widget, DataTable):
            kwargs = {"cursor_type": widget.cursor_type, "zebra_stripes": widget.zebra_stripes}
        leaf = not _is_container(widget) or _content(widget) is not None
        return Node(
            _floor_class(type(widget)), widget.id, frozenset(widget.classes), widget.display,
            (widget.border_title, widget.border_subtitle), _content(widget), kwargs,
            [] if leaf else [node(child) for child in widget.children],
        )

    root = Node(type(screen), screen.id, frozenset(screen.classes), True, (screen.title, screen.sub_title), None,
                children=[node(child) for child in screen.children])
    focused = screen.focused
    paths = {id(w): path for path, w in _widgets(screen, root).items()}
    root.kwargs["focus"] = paths.get(id(focused)) if focused is not None else None
    return root


def _build(node: Node) -> Widget:
    widget = node.cls(*(_build(child) for child in node.children), id=node.id, classes=" ".join(node.classes),
                      **node.kwargs)
    _fill(widget, node, None)
    return widget


def _fill(widget: Widget, node: Node, before: Node | None, options: list[int] | None = None) -> None:
    """Show ``node``'s content in ``widget``, touching only what differs from ``before``.

    ``options``: an OptionList's options that differ (worked out beforehand), if as many as before.
    """
    if before is None or before.display != node.display:
        widget.display = node.display
    if before is None or before.classes != node.classes:
        widget.set_classes(" ".join(node.classes))
    if before is None or not _same(before.titles, node.titles):
        widget.border_title, widget.border_subtitle = node.titles
    if before is not None and _same(before.content, node.content):
        return
    content = node.content
    if isinstance(widget, TextArea):
        widget.load_text(content)
    elif isinstance(widget, OptionList):
        items, highlighted = content
        if before is not None and options is not None:
            for i in options:
                widget.replace_option_prompt_at_index(i, items[i][0])
        else:
            from textual.widgets.option_list import Option

            widget.set_options(Option(prompt, id=id_, disabled=disabled) for prompt, id_, disabled in items)
        widget.highlighted = highlighted
    elif isinstance(widget, DataTable):
        columns, rows, cursor = content
        widget.clear(columns=True)
        widget.add_columns(*columns)
        widget.add_rows(rows)
        widget.move_cursor(row=cursor)
    elif isinstance(widget, Static):
        widget.update(content if content is not None else "")


def _widgets(screen: Screen, root: Node) -> dict[tuple[int, ...], Widget]:
    """The screen's widget at each path of ``root`` (vip's screen or the floor's)."""
    found: dict[tuple[int, ...], Widget] = {}

    def walk(widget: Widget, node: Node, path: tuple[int, ...]) -> None:
        found[path] = widget
        for i, (child, child_node) in enumerate(zip(widget.children, node.children)):
            walk(child, child_node, (*path, i))

    walk(screen, root, ())
    return found


def floor_screen(root: Node, bindings: list[Any], actions: dict[str, Callable[[Screen], None]]) -> Screen:
    """A screen of ``root``'s widgets, vip's keys in its footer, ``actions`` its only behaviour."""
    namespace: dict[str, Any] = {
        "BINDINGS": [b for b in bindings if isinstance(b, Binding)],
        "DEFAULT_CSS": getattr(root.cls, "DEFAULT_CSS", ""),
        "__module__": __name__,
        "compose": lambda self: (_build(child) for child in root.children),
        **{f"action_{name}": action for name, action in actions.items()},
    }
    cls = type(root.cls.__name__, (Screen,), namespace)
    screen = cls(id=root.id, classes=" ".join(root.classes))
    screen.title, screen.sub_title = root.titles
    return screen


class Floor:
    """A sequence of snapshots of one screen, drawn one after the other by a key."""

    def __init__(self, shots: list[Node]) -> None:
        self.shots = shots
        self.at = 0
        self.widgets: dict[tuple[int, ...], Widget] = {}
        # What each key changes, worked out before any key is timed.
        self.changes = [self._changes(a, b) for a, b in zip(shots, shots[1:])]

    @staticmethod
    def _changes(before: Node, after: Node) -> list[tuple[tuple[int, ...], Node, Node, list[int] | None]]:
        was = dict(before.walk())
        changes = []
        for path, node in after.walk():
            old = was.get(path)
            if not path or old is None or (_same(node.content, old.content) and node.display == old.display
                                           and node.classes == old.classes and _same(node.titles, old.titles)):
                continue
            options = None
            if node.cls is not None and issubclass(node.cls, OptionList) and len(node.content[0]) == len(old.content[0]):
                options = [i for i, (a, b) in enumerate(zip(node.content[0], old.content[0])) if not _same(a, b)]
            changes.append((path, node, old, options))
        return changes

    def bind(self, screen: Screen) -> None:
        self.widgets = _widgets(screen, self.shots[0])
        focus = self.shots[0].kwargs.get("focus")
        if focus is not None and focus in self.widgets:
            self.widgets[focus].focus()

    def advance(self) -> None:
        """Draw the next snapshot (the timed work of the floor's key)."""
        for path, node, before, options in self.changes[self.at]:
            _fill(self.widgets[path], node, before, options)
        self.at += 1


def floor_app(css_path: Path, title: str) -> App[None]:
    """An app with vip's stylesheet and title and nothing else."""

    class FloorApp(App[None]):
        CSS_PATH = str(css_path)
        TITLE = title

    return FloorApp()
