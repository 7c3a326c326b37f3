"""Stored text on screen: never markup, never raw control characters, and only what the audience may see.

One rule for every widget (issue 12 items 4 and 5): a string that came from
the database or an agenda file reaches a widget, a table cell, an option, a
palette hit, a notification or a title only as Rich ``Text`` / Textual
``Content`` built here (or as a plain string passed with ``markup=False``),
after :func:`vip_tui.sanitize.for_terminal`. An f-string of stored text into
markup is the bug this module exists to prevent.

What a person on the shared screen may read is decided by
:mod:`vip_tui.disclosure` alone; the helpers below only ask it for the app's
current audience (presentation mode: :attr:`Audience.screen`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from ..enums import Audience
from ..sanitize import for_terminal

if TYPE_CHECKING:
    from ..app import VipApp

# Shown, while presenting, in place of free text until the names on file are
# loaded for masking (a fraction of a second): hidden, never shown unmasked.
MASKING = "(hidden while the names on file load)"


def safe(text: object) -> str:
    """``text`` as a terminal may show it: control characters as visible pictures, bidi overrides removed."""
    return for_terminal(text)


def plain(text: object, style: str = "") -> Text:
    """Stored text as Rich ``Text``: shown literally, never read as markup."""
    return Text(for_terminal(text), style=style)


def content(text: object) -> Content:
    """Stored text as Textual ``Content`` (palette hits, help lines): shown literally."""
    return Content(for_terminal(text))


def audience(app: VipApp) -> Audience:
    """Who is looking: the shared screen while presenting, else the desk (full, or services: ``vip --desk``)."""
    return app.audience


def may_see(app: VipApp, field: str) -> bool:
    """Whether the current audience may see ``field`` (a key of ``disclosure.FIELDS``)."""
    from .. import disclosure  # not at start-up: the meetings list needs none of it (10 ms)

    return disclosure.may_see(audience(app), field)


def name(app: VipApp, person_name: str | None) -> str:
    """A person's name as the current audience may read it, terminal-safe."""
    from .. import disclosure

    return for_terminal(disclosure.person_name(person_name or "", audience(app)))


def free(app: VipApp, text: str | None) -> str:
    """Stored free text (a summary, a note, an action's words...) as the current audience may read it."""
    from .. import disclosure

    who = audience(app)
    if who == Audience.screen:
        index = app.protected
        if index is None:
            return MASKING if text else ""
        return for_terminal(disclosure.free_text(text, who, index))
    return for_terminal(disclosure.free_text(text, who))
