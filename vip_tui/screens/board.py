"""What the notifications and referrals boards share: a DataTable of rows keyed "<letter><id>"."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widgets import DataTable

from .base import VipScreen


class BoardScreen(VipScreen):
    """A list screen: redrawn on resize and in presentation mode, the detail follows the cursor.

    Subclasses set ``rows`` (objects with an ``id``), ``_loaded`` and ``_width``
    and provide ``render_rows(current_id)``, ``_update_detail()`` and ``action_person()``.
    """

    rows: list[Any]
    _loaded: bool
    _width: int

    def on_resize(self) -> None:
        if self._loaded and self.size.width != self._width:
            self.render_rows(self._current_id())

    def present_mode_changed(self, presenting: bool) -> None:
        if self._loaded:
            self.render_rows(self._current_id())

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_person()

    def _current_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key[1:]) if key else None

    def current_row(self) -> Any:
        current = self._current_id()
        return next((r for r in self.rows if r.id == current), None)
