"""Writing a document and logging its dissemination (SPEC §2): both or neither.

Criminal-justice information-sharing rules ask for a log of who received
which document, when, how and from whom. Every export is logged, including
one written to a file without a named receiver (method ``other``, receiver
not recorded), so the log also shows copies that exist on someone's disk.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from ..db import Database
from ..enums import Audience, DisseminationMethod
from ..models import Agency, Dissemination, Meeting
from .data import find_meeting
from .errors import ExportError, UnknownAgency

if TYPE_CHECKING:
    from docx.document import Document

FILE_NAME_MAX = 500


def find_agency(session: Session, short_name: str | None) -> Agency | None:
    """The agency with ``short_name`` (any case); refused with the list of known short names."""
    if short_name is None or not short_name.strip():
        return None
    agencies = session.exec(select(Agency)).all()
    wanted = short_name.strip().casefold()
    for agency in agencies:
        if agency.short_name.casefold() == wanted:
            return agency
    known = ", ".join(sorted(a.short_name for a in agencies)) or "none yet"
    raise UnknownAgency(
        f'no agency with the short name "{short_name}"; known agencies: {known}. Name another receiver with --receiver.'
    )


def output_path(path: Path | str | None, default_name: str) -> Path:
    """Where to write: ``path``, ``default_name`` inside it if it is a folder, or in the current folder."""
    if path is None or str(path) == "":
        return Path.cwd() / default_name
    target = Path(path).expanduser()
    if target.is_dir():
        return target / default_name
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: the folder {target.parent} does not exist")
    return target


def _write_temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new owner-only file next to ``target`` (the documents hold criminal-justice data)."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def publish(
    db: Database,
    document: Document,
    *,
    meeting_id: int,
    kind: str,
    audience: Audience,
    path: Path,
    agency: Agency | None,
    receiving: str | None,
    method: DisseminationMethod | str | None,
    sent_by: str | None,
) -> Path:
    """Save ``document`` to ``path`` and record its dissemination in one step.

    The file appears whole or not at all (written beside the target, then
    renamed), and only together with its dissemination record.
    """
    buffer = io.BytesIO()
    document.save(buffer)
    receiving = receiving.strip() if receiving and receiving.strip() else None
    if method is None:
        method = DisseminationMethod.email if (agency or receiving) else DisseminationMethod.other
    resolved = str(path.resolve())
    try:
        temporary = _write_temporary(path, buffer.getvalue())
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    placed = False
    try:
        with db.transaction() as s:
            s.add(
                Dissemination(
                    meeting_id=meeting_id,
                    document=kind,
                    audience=audience,
                    receiving_agency_id=agency.id if agency else None,
                    receiving=receiving[:200] if receiving else None,
                    method=DisseminationMethod(method),
                    sent_by=(sent_by or db.user)[:100],
                    sent_at=db.now(),
                    file_name=resolved if len(resolved) <= FILE_NAME_MAX else path.name[:FILE_NAME_MAX],
                )
            )
            s.flush()
            os.replace(temporary, path)
            placed = True
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        if placed:
            path.unlink(missing_ok=True)  # written but not logged: take it back
        raise
    return path


@dataclass(frozen=True)
class DisseminationRow:
    """One line of the dissemination log."""

    sent_at: dt.datetime
    meeting_date: dt.date
    meeting_number: int
    document: str
    audience: Audience
    receiving: str | None  # agency short name and/or free text; None: not recorded
    method: DisseminationMethod
    sent_by: str
    file_name: str | None


def list_disseminations(db: Database, meeting_date: dt.date | str | None = None) -> list[DisseminationRow]:
    """The dissemination log, newest first; only one meeting's if ``meeting_date`` is given (one statement)."""
    with db.session() as s:
        stmt = (
            select(Dissemination, col(Meeting.date), col(Meeting.number), col(Agency.short_name))
            .join(Meeting, col(Dissemination.meeting_id) == Meeting.id)
            .outerjoin(Agency, col(Dissemination.receiving_agency_id) == Agency.id)
            .order_by(col(Dissemination.sent_at).desc(), col(Dissemination.id).desc())
        )
        if meeting_date is not None:
            stmt = stmt.where(Dissemination.meeting_id == find_meeting(s, meeting_date).id)
        rows = s.exec(stmt).all()
    return [
        DisseminationRow(
            sent_at=d.sent_at,
            meeting_date=date,
            meeting_number=number,
            document=d.document,
            audience=d.audience,
            receiving=" — ".join(p for p in (agency, d.receiving) if p) or None,
            method=d.method,
            sent_by=d.sent_by,
            file_name=d.file_name,
        )
        for d, date, number, agency in rows
    ]
