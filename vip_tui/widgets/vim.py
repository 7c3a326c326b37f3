"""Tables, lists and trees that also move with vim's keys: j/k down and up, g/G first and last.

Declared once here (STYLE.md 9; posting's ``widgets/datatable.py``) instead of
on every screen: a screen uses ``VimTable``/``VimList``/``VimTree`` and its
own bindings stay its own keys. The bindings are hidden (the arrows are the
keys help teaches) and carry ids, so a keymap in the config file can move them.

A screen whose own ``g``/``G`` must answer while the list has focus (the
review's ``g`` jumps to an incident) makes the widget with ``first_last=False``:
the widget then declines those two actions and the key goes on to the screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable, DirectoryTree, OptionList

VIM_BINDINGS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="vim.down"),
    Binding("k", "cursor_up", "Up", show=False, id="vim.up"),
    Binding("g", "vim_first", "First", show=False, id="vim.first"),
    Binding("G", "vim_last", "Last", show=False, id="vim.last"),
]
_FIRST_LAST = {"vim_first", "vim_last"}


class _VimKeys:
    """Declines g/G when made with ``first_last=False``, so the screen's own binding answers them."""

    first_last: bool = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _FIRST_LAST and not self.first_last:
            return False  # not handled here: Textual tries the next binding up the chain
        return super().check_action(action, parameters)  # type: ignore[misc]


class VimTable(_VimKeys, DataTable):
    BINDINGS: ClassVar[list[BindingType]] = VIM_BINDINGS

    def __init__(self, *args: object, first_last: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.first_last = first_last

    def action_vim_first(self) -> None:
        self.action_scroll_top()

    def action_vim_last(self) -> None:
        self.action_scroll_bottom()


class VimList(_VimKeys, OptionList):
    BINDINGS: ClassVar[list[BindingType]] = VIM_BINDINGS

    def __init__(self, *args: object, first_last: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.first_last = first_last

    def action_vim_first(self) -> None:
        self.action_first()

    def action_vim_last(self) -> None:
        self.action_last()


class VimDirectoryTree(_VimKeys, DirectoryTree):
    BINDINGS: ClassVar[list[BindingType]] = VIM_BINDINGS

    def action_vim_first(self) -> None:
        self.move_cursor_to_line(0)

    def action_vim_last(self) -> None:
        self.move_cursor_to_line(self.last_line)
