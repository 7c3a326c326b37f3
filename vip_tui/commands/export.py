"""``vip minutes export``, ``vip agenda export`` and ``vip disseminations`` (SPEC §5, §7).

Plain click commands, loaded by ``vip_tui.cli`` when one is asked for
(``agenda export`` joins the group in :mod:`vip_tui.commands.agenda`). They
take the :class:`~vip_tui.commands.common.Context` from click's context
object (``pass_obj``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..enums import DisseminationMethod, Edition
from .common import FORCE, Refused, echo, refusals, working

if TYPE_CHECKING:
    from .common import Context

OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (or a folder to write the default name into). "
    "Default: the vip folder in your Documents (VIP_DOCUMENTS_DIR), created if needed.",
)
TO = click.option("--to", "to_agency", metavar="AGENCY", help="Short name of the receiving agency (logged).")
RECEIVER = click.option("--receiver", metavar="TEXT", help="Receiver that is not a known agency (logged).")
METHOD = click.option(
    "--method",
    type=click.Choice(DisseminationMethod.values()),
    default=None,
    help="How it is sent (logged). Default: email with a receiver, else other.",
)


@contextmanager
def _refused() -> Iterator[None]:
    """An export's refusal (bad date, unknown agency, unresolved passages, leak) as exit 1 with its message."""
    from ..export import ExportError
    from ..sanitize import for_terminal
    from ..services.guard import ReviewError

    with refusals():
        try:
            yield
        except (ExportError, ReviewError) as exc:
            raise Refused(for_terminal(str(exc))) from exc


@click.group("minutes")
def minutes() -> None:
    """Write meeting minutes as Word documents."""


@minutes.command("export")
@click.argument("date")
@click.option(
    "--audience",
    type=click.Choice(Edition.values()),  # the documents' two editions, not every audience
    default=Edition.full.value,
    show_default=True,
    help="full: law enforcement; partner: community and service partners (only what the release review let through).",
)
@OUTPUT
@TO
@RECEIVER
@METHOD
@FORCE
@click.pass_obj
def minutes_export(
    ctx: Context,
    date: str,
    audience: str,
    output: Path | None,
    to_agency: str | None,
    receiver: str | None,
    method: str | None,
    force: bool,
) -> None:
    """Write the minutes of the meeting held on DATE (YYYY-MM-DD) and log the dissemination.

    The default file name carries the date and audience:
    minutes-2026-11-24-partner.docx. The partner edition is written only when
    every passage of the release review is resolved (see `vip minutes
    passages`); otherwise, or if any protected name part, alias, date of
    birth or records id would appear in it, it is refused (exit 1), each
    unresolved passage is listed and nothing is written.
    """
    from ..export import export_minutes

    database = ctx.open()
    with _refused(), working(f"writing the {audience} minutes of {date}"):
        path = export_minutes(
            database, date, audience, output, to_agency, receiving=receiver, method=method, force=force
        )
    echo(f"wrote {path}")


@minutes.command("passages")
@click.argument("date")
@click.pass_obj
def minutes_passages(ctx: Context, date: str) -> None:
    """List every passage of the partner minutes of DATE: its decision and protected hits (read-only).

    For the facilitator: the hits name whose name, alias, date of birth or
    records id matched. Decide them in the release review (wrap-up), or
    release the clean ones with `vip minutes release DATE --clean`.
    """
    from ..export.data import find_meeting
    from ..sanitize import for_terminal
    from ..services.release import passages

    database = ctx.open()
    with _refused():
        with database.session() as s:
            meeting_id = find_meeting(s, date).id
        found = passages(database, meeting_id)
    if not found:
        click.echo("the partner minutes of this meeting print no stored text")
        return
    for p in found:
        decision = p.decision.label if p.decision else ("undecided" if p.needs_release else "goes if clean")
        state = "ok" if p.resolved else "UNRESOLVED"
        click.echo(for_terminal(f"[{state}] {p.where}, {p.field}: {decision} ({p.key})"))
        click.echo("    " + for_terminal(p.scanned.replace("\n", " ")))
        for h in p.hits:
            mark = " (not this person)" if h.exempt else ""
            click.echo(for_terminal(f'    hit "{h.token}": {h.what}{mark}'))
    left = sum(1 for p in found if not p.resolved)
    click.echo(f"{len(found)} passages, {left} unresolved")


@minutes.command("release")
@click.argument("date")
@click.option("--clean", "clean_only", is_flag=True, help="Release every undecided passage without protected text.")
@click.pass_obj
def minutes_release(ctx: Context, date: str, clean_only: bool) -> None:
    """Release passages of the partner minutes of DATE without the TUI (only --clean for now).

    Passages with a protected hit are left to the release review (release,
    edit, withhold, or "not this person" per hit).
    """
    from ..export.data import find_meeting
    from ..services.release import release_all_clean, unresolved

    if not clean_only:
        raise Refused("say what to release: --clean releases every undecided passage without protected text")
    database = ctx.open()
    with _refused():
        with database.session() as s:
            meeting_id = find_meeting(s, date).id
        count = release_all_clean(database, meeting_id)
        left = len(unresolved(database, meeting_id))
    click.echo(f"released {count} passage{'' if count == 1 else 's'}; {left} left for the release review")


@click.command("export")
@click.argument("date")
@OUTPUT
@TO
@RECEIVER
@METHOD
@FORCE
@click.pass_obj
def agenda_export(
    ctx: Context,
    date: str,
    output: Path | None,
    to_agency: str | None,
    receiver: str | None,
    method: str | None,
    force: bool,
) -> None:
    """Write the pre-read agenda of the meeting on DATE (YYYY-MM-DD) and log the dissemination."""
    from ..export import export_agenda

    database = ctx.open()
    with _refused(), working(f"writing the agenda of {date}"):
        path = export_agenda(database, date, output, to_agency, receiving=receiver, method=method, force=force)
    echo(f"wrote {path}")


@click.command("disseminations")
@click.argument("date", required=False)
@click.option(
    "--verify",
    is_flag=True,
    help="Recompute the SHA-256 of each logged file still on disk and say whether it is the one sent "
    "(exit 1 if any was changed).",
)
@click.pass_obj
def disseminations(ctx: Context, date: str | None, verify: bool) -> None:
    """List who received which document, when and how, with the file's SHA-256 (first 12 digits); only DATE's meeting if given."""
    from ..export import FileCheck, list_disseminations, verify_file
    from .common import echo_table, fail

    database = ctx.open()
    with _refused():
        rows = list_disseminations(database, date)
    if not rows:
        echo("no documents exported yet" + (f" for the meeting of {date}" if date else ""))
        return
    header = ("when", "meeting", "document", "audience", "to", "method", "by", "sha256")
    checks = [verify_file(r) for r in rows] if verify else []
    table: list[tuple[str, ...]] = [(*header, *(("file check",) if verify else ()), "file")]
    for i, r in enumerate(rows):
        table.append(
            (
                f"{r.sent_at:%Y-%m-%d %H:%M}",
                r.meeting_date.isoformat(),
                r.document + (f" v{r.version}" if r.version > 1 else ""),  # a new version after amendments
                r.audience.value,
                r.receiving or "(not recorded)",
                r.method.label,
                r.sent_by,
                r.sha256[:12] if r.sha256 else "-",
                *((checks[i].value,) if verify else ()),
                r.file_name or "",
            )
        )
    echo_table(table)
    if verify:
        counts = {c: checks.count(c) for c in FileCheck}
        echo(
            f"{counts[FileCheck.same]} same as sent, {counts[FileCheck.changed]} changed since sent, "
            f"{counts[FileCheck.missing]} not on this disk, {counts[FileCheck.unknown]} logged without a hash"
        )
        if counts[FileCheck.changed]:
            fail(f"{counts[FileCheck.changed]} file(s) differ from what the log says was sent")
