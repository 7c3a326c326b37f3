"""The configuration file: the default database, the documents folder, the theme and the keymap.

A TOML file, ``config.toml`` in the user config folder (``vip config path``
prints where), or the file ``--config FILE`` (or ``VIP_CONFIG``) names::

    database = "~/vip/vip.db"            # or postgresql+psycopg://vip@host/vip
    documents = "~/Documents/vip"        # where documents go when no path is given
    theme = "textual-light"
    desk = "services"                    # VIP All In program staff: the caseload (default: full)

    [keymap]                             # binding id = key(s), as posting and harlequin do it
    "review.note" = "ctrl+e"

Precedence: ``--db`` / ``VIP_DB`` > the file > the default database;
``VIP_DOCUMENTS_DIR`` > the file > ``<Documents>/vip``. A relative path in
the file is taken from the file's folder. ``--desk`` / ``VIP_DESK`` > the
file > ``full``.

Never fatal: a mistake in the file (bad TOML, an unknown key, a wrong type)
is a :class:`Problem` naming the file, the line and the key, and the rest of
the file still applies; a line TOML cannot read is left out and the file is
read again without it. Themes and binding ids are the TUI's to know (this
module never imports Textual): :meth:`Config.checked` takes them and reports
the unknown ones the same way.

A dataclass rather than pydantic-settings (STYLE 3): it is read before every
command, and importing pydantic costs more than the whole of this module.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import locations

KEYS = ("database", "documents", "theme", "desk", "keymap")
TEXT_KEYS = ("database", "documents", "theme", "desk")
# Who reads at this desk (vip_tui.disclosure): `services` reads VIP All In's service records.
DESKS = ("full", "services")


@dataclass(frozen=True)
class Problem:
    """One mistake in the file: where it is and what to fix."""

    path: Path
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Config:
    """What the file says, once read; every value None (or empty) when the file says nothing of it."""

    path: Path
    found: bool = False
    database: str | None = None
    documents: Path | None = None
    theme: str | None = None
    desk: str | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)  # "theme", "keymap.review.note" -> line
    problems: tuple[Problem, ...] = ()

    def where(self, key: str) -> str:
        """``file:line`` of ``key``, for ``vip config show``."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)

    def checked(self, *, themes: Collection[str], binding_ids: Collection[str]) -> Config:
        """This config without an unknown theme or binding id, each one reported as a problem."""
        problems = list(self.problems)
        theme = self.theme
        if theme is not None and theme not in themes:
            problems.append(self._problem("theme", f"unknown theme {theme!r}{_did_you_mean(theme, themes)}; "
                                                   f"the themes: {', '.join(sorted(themes))}"))
            theme = None
        keymap = {}
        for binding_id, keys in self.keymap.items():
            if binding_id in binding_ids:
                keymap[binding_id] = keys
            else:
                problems.append(self._problem(
                    f"keymap.{binding_id}",
                    f"no key has this binding id{_did_you_mean(binding_id, binding_ids)}; "
                    "`vip config keys` lists them",
                ))
        return dataclasses.replace(self, theme=theme, keymap=keymap, problems=tuple(problems))

    def _problem(self, key: str, message: str) -> Problem:
        return Problem(self.path, self.lines.get(key), key, message)


def load(path: Path | None = None) -> Config:
    """The configuration in ``path`` (default: :func:`vip_tui.locations.config_path`); never raises.

    No file at the default place is no configuration; a file named with
    ``--config`` that is not there is a problem (the defaults apply).
    """
    named = path is not None
    path = path if path is not None else locations.config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not named:
            return Config(path)
        return Config(path, problems=(Problem(path, None, None, "file not found; the defaults apply"),))
    except UnicodeDecodeError:
        return Config(path, found=True, problems=(Problem(path, None, None, "is not UTF-8 text; the defaults apply"),))
    except OSError as exc:
        if not named and not os.path.isfile(path):  # a config folder vip may not look into: no file it can know of
            return Config(path)
        reason = "is a folder" if isinstance(exc, IsADirectoryError) else f"cannot be read ({exc.strerror})"
        return Config(path, problems=(Problem(path, None, None, f"{reason}; the defaults apply"),))
    return parse(path, text)


def parse(path: Path, text: str) -> Config:
    """``text`` (the file at ``path``) read as a configuration; see :func:`load`."""
    data, problems = _read_toml(path, text)
    lines = _key_lines(text)
    values: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key), key, message))

    for key, value in data.items():
        if key not in KEYS:
            problem(key, f"unknown key{_did_you_mean(key, KEYS)}; the keys are database, documents, theme, desk and [keymap]")
        elif key in TEXT_KEYS:
            if not isinstance(value, str):
                problem(key, f"should be text in quotes, not {_kind(value)}")
            elif not value.strip():
                problem(key, "is empty; give a value or leave the line out")
            elif key == "desk" and value.strip() not in DESKS:
                problem(key, f"should be one of {', '.join(DESKS)}, not {value.strip()!r}")
            else:
                values[key] = value.strip()
        elif not isinstance(value, dict):
            problem(key, f"should be a table ([keymap] with lines like \"review.note\" = \"ctrl+e\"), not {_kind(value)}")
        else:
            keymap = {}
            for binding_id, keys in _flat(value):
                if not isinstance(keys, str) or not keys.strip():
                    problem(f"keymap.{binding_id}", "should be the key(s) in quotes, e.g. \"ctrl+e\" or \"f5,ctrl+r\"")
                else:
                    keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
            values["keymap"] = keymap
    at_line = {line: key for key, line in reversed(lines.items())}
    problems = [dataclasses.replace(p, key=at_line.get(p.line)) if p.key is None and p.line else p for p in problems]
    problems.sort(key=lambda p: p.line or 0)
    if "database" in values and "://" not in values["database"]:
        values["database"] = str(_from(path, values["database"]))
    if "documents" in values:
        values["documents"] = _from(path, values["documents"])
    return Config(path, found=True, lines=lines, problems=tuple(problems), **values)


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], list[Problem]]:
    """The TOML document, leaving out each line TOML cannot read (reported) and reading the rest again."""
    import tomllib

    problems: list[Problem] = []
    rows = text.splitlines()
    for _attempt in range(len(rows) + 1):
        try:
            return tomllib.loads("\n".join(rows)), problems
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = re.search(r"\(at line (\d+), column \d+\)", message)
            line = int(found.group(1)) if found else len(rows)
            reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
            problems.append(Problem(path, line or None, None, f"not valid TOML ({reason}); this line is left out"))
            if not 1 <= line <= len(rows) or not rows[line - 1].strip():
                break
            rows[line - 1] = ""
    problems.append(Problem(path, None, None, "cannot be read as TOML; the defaults apply"))
    return {}, problems


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key (``theme``, ``keymap``, ``keymap.review.note``): the first that names it."""
    table = ""
    lines: dict[str, int] = {}
    for number, row in enumerate(text.splitlines(), 1):
        if header := _HEADER.match(row):
            table = header.group(1).strip("\"'")
            lines.setdefault(table, number)
        elif key := _KEY.match(row):
            name = key.group(1)
            name = name[1:-1] if name[0] in "\"'" else name
            lines.setdefault(f"{table}.{name}" if table else name, number)
    return lines


def _flat(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``review.note = "ctrl+e"`` unquoted is a nested table in TOML: the binding id ``review.note`` all the same."""
    items = []
    for key, value in table.items():
        if isinstance(value, dict):
            items += _flat(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _from(path: Path, value: str) -> Path:
    """A path of the file: ``~`` expanded, relative to the file's folder."""
    return (path.parent / Path(value).expanduser()).absolute()


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"  # dates and times


def _did_you_mean(word: str, choices: Collection[str]) -> str:
    from difflib import get_close_matches  # only for a mistake: not on every start

    close = get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
