"""``vip agenda check``, ``vip agenda import`` and ``vip agenda export`` (SPEC §5).

The group and its two file commands live here; ``agenda export`` is a
document, written by :mod:`vip_tui.commands.export` with the minutes, and
added to the group below.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import Context, count, echo, fail, pass_ctx, refusals
from .export import agenda_export


@click.group()
def agenda() -> None:
    """Check and import agenda files (TOML or CSV)."""


agenda.add_command(agenda_export)

# readable=False: vip checks each file itself, to say what it is instead (exit 1, not click's exit 2).
FILES = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))


def _existing(files: tuple[Path, ...]) -> None:
    """Every agenda file is a readable regular file, or exit 1 naming what each one is instead."""
    import stat

    problems = []
    for f in files:
        try:
            mode = f.stat().st_mode
        except FileNotFoundError:
            problems.append(f"{f}: file not found")
            continue
        except OSError as exc:
            problems.append(f"{f}: cannot be read ({exc.strerror})")
            continue
        if stat.S_ISDIR(mode):
            problems.append(f"{f}: is a folder; give the agenda files inside it (e.g. {f}/*.toml)")
        elif not stat.S_ISREG(mode):
            problems.append(f"{f}: is not a regular file (a FIFO, device or socket); give an agenda file")
        elif not os.access(f, os.R_OK):
            problems.append(f"{f}: cannot be read (permission denied); ask for read access or copy it")
    if len(problems) == 1:
        fail(problems[0])
    if problems:
        for problem in problems:
            echo(problem, err=True)
        fail(f"{count(problems, 'file')} cannot be used; nothing was changed")


@agenda.command("check")
@FILES
def agenda_check(files: tuple[Path, ...]) -> None:
    """Validate agenda files only; print every problem; exit 1 if any."""
    from ..agenda.parse import parse_agendas

    _existing(files)
    agendas, problems = parse_agendas(files)
    for problem in problems:
        echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        fail(f"{count(errors, 'problem')} in {count(files, 'file')}")
    incidents = sum(len(a.incidents) for a in agendas)
    echo(f"ok: {count(files, 'file')}, {count(agendas, 'meeting')}, {incidents} incidents")


@agenda.command("import")
@FILES
@pass_ctx
def agenda_import(ctx: Context, files: tuple[Path, ...]) -> None:
    """Validate and import agenda files: all or nothing; re-import updates in place."""
    from ..agenda.importer import TerminalProgress, import_files

    _existing(files)
    database = ctx.open(create=True)
    with refusals():
        report = import_files(database, files, progress=TerminalProgress())
    for warning in report.warnings:
        echo(str(warning), err=True)
    for line in report.lines():
        echo(line)
