"""What the list screens share: a DataTable of rows, redrawn on resize and in presentation mode.

:class:`RowTable` serves every such screen (old business too); :class:`BoardScreen`
adds what the notifications and referrals boards share on top: rows keyed
"<letter><id>", the detail following the cursor, enter opening the person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.widgets import DataTable

from .base import VipScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    _Screen = Screen
else:
    _Screen = object


class RowTable(_Screen):
    """A mixin for a screen listing ``rows`` in its one DataTable.

    The screen sets ``rows``, ``_loaded`` and ``_width`` (the width the table was
    last drawn for) and provides ``render_rows(keep)``, where ``keep`` is what
    :meth:`_kept` returns: the row to keep the cursor on.
    """

    rows: list[Any]
    _loaded: bool
    _width: int

    def render_rows(self, keep: Any = None) -> None:
        raise NotImplementedError

    def _kept(self) -> Any:
        return self._cursor_key()

    def on_resize(self) -> None:
        if self._loaded and self.size.width != self._width:
            self.render_rows(self._kept())

    def present_mode_changed(self, presenting: bool) -> None:
        if self._loaded:
            self.render_rows(self._kept())

    def _cursor_key(self) -> str | None:
        """The key of the row under the cursor, if there is a row."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


class BoardScreen(RowTable, VipScreen):
    """The notifications and referrals boards.

    Rows are objects with an ``id`` and a ``person_id``, keyed "<letter><id>" in
    the table; subclasses provide ``render_rows(current_id)`` and ``_update_detail()``.
    """

    def _kept(self) -> int | None:
        return self._current_id()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_person()

    def _current_id(self) -> int | None:
        key = self._cursor_key()
        return int(key[1:]) if key else None

    def current_row(self) -> Any:
        current = self._current_id()
        return next((r for r in self.rows if r.id == current), None)

    def _update_detail(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ keys

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_person(self) -> None:
        row = self.current_row()
        if row is not None:
            self.app.open_person(row.person_id)
