"""The bare Textual app start-up is compared with: Header + DataTable + Footer, the history's 260 meetings.

    python bench/bare_app.py 2026-11-24     # the first row's date (what bench.startup waits for)

Run as a script by the same interpreter as the installed ``vip`` console
script (which is itself a small script), in the same pseudo-terminal: what
``vip`` takes beyond this is what vip adds (its imports, opening the
database, reading and drawing the meetings). Imports nothing but Textual.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

ROWS = 260  # the five-year history's meetings
COLUMNS = ("Date", "No.", "Status", "Title", "Items", "Open actions", "Open notifications")


class Bare(App[None]):
    def __init__(self, first_date: str) -> None:
        super().__init__()
        self.first_date = first_date

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_row(self.first_date, str(ROWS), "in progress", "Weekly Shooting Review", "60", "19", "6")
        for n in range(ROWS - 1, 0, -1):
            table.add_row(f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}", str(n), "closed", "Weekly Shooting Review",
                          str(n % 30), str(n % 7), str(n % 5))


if __name__ == "__main__":
    Bare(sys.argv[1]).run()
