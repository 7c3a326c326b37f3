"""The App: a shell that holds the database and pushes the first screen."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from .db import Clock, Database, open_database
from .screens.meetings import MeetingsScreen


class VipApp(App[None]):
    TITLE = "vip"
    SUB_TITLE = "weekly shooting review"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
    ]

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.db = database

    def on_mount(self) -> None:
        self.push_screen(MeetingsScreen())

    def on_unmount(self) -> None:
        self.db.dispose()


def make_app(db: Database | str | None, *, clock: Clock | None = None, user: str | None = None) -> VipApp:
    """Build the app for ``vip`` and for the tests (a Database, or a path/URL to open)."""
    database = db if isinstance(db, Database) else open_database(db, user=user, clock=clock)
    return VipApp(database)
