"""``vip config path``, ``vip config show`` and ``vip config keys``: the configuration file (vip_tui.config).

``show`` checks the file's theme and binding ids against the TUI's, which
imports the screens (and so Textual) inside the command, the way ``vip``
itself imports the app only to run it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from .common import Context, echo, echo_table, pass_ctx

if TYPE_CHECKING:
    from ..config import Config


@click.group("config")
def config() -> None:
    """The configuration file: where it is, what it sets, the keys it may remap."""


@config.command("path")
@pass_ctx
def config_path(ctx: Context) -> None:
    """Print where the configuration file is (or would be): the user config folder, or --config FILE."""
    echo(str(ctx.config.path if ctx.config else _default().path))


@config.command("show")
@pass_ctx
def config_show(ctx: Context) -> None:
    """Print each setting in effect and where it comes from; the file's mistakes go to stderr (never fatal)."""
    from .. import locations
    from ..db import display_url, resolve_url

    settings = _checked(ctx.config or _default())
    file_state = "" if settings.found else " (not found: the defaults apply)"
    rows = [("setting", "value", "from"), ("file", f"{settings.path}{file_state}", "--config / VIP_CONFIG" if
                                           settings.path != locations.config_path() else "default")]
    if ctx.db:
        source = "--db" if ctx.db != locations.env_database() else locations.DB_ENV
    else:
        source = settings.where("database") if settings.database else "default"
    try:
        database = display_url(resolve_url(ctx.db_in_effect))
    except Exception as exc:  # a bad URL: shown as given, with why  # noqa: BLE001
        database = f"{ctx.db_in_effect} ({exc})"
    rows.append(("database", database, source))
    if os.environ.get(locations.DOCUMENTS_ENV, "").strip():
        source = locations.DOCUMENTS_ENV
    else:
        source = settings.where("documents") if settings.documents else "default"
    rows.append(("documents", str(locations.documents_dir()), source))
    rows.append(("theme", settings.theme or "textual-dark", settings.where("theme") if settings.theme else "default"))
    if ctx.desk_option:
        source = "--desk" if ctx.desk_option != os.environ.get("VIP_DESK") else "VIP_DESK"
    else:
        source = settings.where("desk") if settings.desk else "default"
    rows.append(("desk", ctx.desk, source))
    for binding_id, keys in sorted(settings.keymap.items()):
        rows.append((f"keymap {binding_id}", keys, settings.where(f"keymap.{binding_id}")))
    echo_table(rows)
    for problem in settings.problems:
        echo(f"vip: {problem}; left out", err=True)
    if settings.keymap:
        from ..screens.help import keymap_clashes

        for clash in keymap_clashes(settings.keymap):
            echo(f"vip: {settings.path}: {clash}", err=True)


@config.command("keys")
@pass_ctx
def config_keys(ctx: Context) -> None:
    """List every binding id a [keymap] may name, with its key(s) as the file leaves them and what it does."""
    from ..screens.help import binding_ids

    keymap = _checked(ctx.config or _default()).keymap
    rows = [("binding id", "keys", "does")]
    rows += [(binding_id, keymap.get(binding_id, binding.key), binding.description or binding.action)
             for binding_id, binding in binding_ids().items()]
    echo_table(rows)


def _default() -> Config:
    from .. import config as settings

    return settings.load()


def _checked(settings: Config) -> Config:
    """The file's theme and binding ids checked against the TUI's (Textual's themes, every screen's keys)."""
    if not (settings.theme or settings.keymap):
        return settings
    from textual.theme import BUILTIN_THEMES

    from ..screens.help import binding_ids

    return settings.checked(themes=BUILTIN_THEMES, binding_ids=binding_ids() if settings.keymap else ())
