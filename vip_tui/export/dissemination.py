"""Writing a document and logging its dissemination (SPEC §2): both or neither.

Criminal-justice information-sharing rules ask for a log of who received
which document, when, how and from whom. Every export is logged, including
one written to a file without a named receiver (method ``other``, receiver
not recorded), so the log also shows copies that exist on someone's disk.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import true as sa_true
from sqlmodel import Session, col, select

from ..db import Database
from ..enums import AgencyKind, Audience, DisseminationMethod, Edition
from ..models import Agency, Amendment, Dissemination, Meeting
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
    """Where to write: ``path``, ``default_name`` inside it if it is a folder, or in the documents folder.

    Without a path the documents folder (:func:`vip_tui.locations.documents_dir`,
    created if needed) is used, never the current folder.
    """
    if path is None or str(path) == "":
        from ..locations import documents_dir

        try:
            return documents_dir(create=True) / default_name
        except OSError as exc:
            raise ExportError(
                f"cannot create the documents folder {documents_dir()}: {exc.strerror or exc}; "
                "give a folder with --output"
            ) from None
    target = Path(path).expanduser()
    if target.is_dir():
        return target / default_name
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: the folder {target.parent} does not exist")
    return target


# Who may receive what (issue 11 item 7): per agency kind, the (document, edition) pairs it may be sent.
_FULL_DOCUMENTS = frozenset({("minutes", Edition.full), ("agenda", Edition.full)})
_PARTNER_DOCUMENTS = frozenset({("minutes", Edition.partner)})
RECEIVES: dict[AgencyKind, frozenset[tuple[str, Edition]]] = {
    AgencyKind.law_enforcement: _FULL_DOCUMENTS,
    AgencyKind.prosecution: _FULL_DOCUMENTS,
    AgencyKind.supervision: _FULL_DOCUMENTS,
    AgencyKind.service: _PARTNER_DOCUMENTS,
    AgencyKind.community: _PARTNER_DOCUMENTS,
}
RULE = (
    "law enforcement, prosecution and supervision agencies receive the full minutes and the pre-read agenda; "
    "service and community agencies receive the partner minutes only"
)


class NotAllowed(ExportError):
    """The receiving agency may not receive this document; nothing was written or logged."""


def _document_words(kind: str, edition: Edition) -> str:
    if kind == "agenda":
        return "the pre-read agenda"
    return f"the {edition.value} edition of the minutes"


def check_receiver(
    agency: Agency | None, kind: str, audience: Audience | Edition | str, receiving: str | None = None
) -> None:
    """Refuse (:class:`NotAllowed`) a document that ``agency``'s kind may not receive (see :data:`RECEIVES`).

    An agency with no kind recorded receives nothing: the safe answer. A
    free-text receiver (``--receiver``) alone has no kind that could be
    checked, so it may be sent the partner minutes only; with ``--to`` it
    names who in that agency receives, and the agency's kind decides.
    """
    edition = Edition(Audience(audience).value) if Audience(audience) in (Audience.full, Audience.partner) else None
    if agency is None:
        if receiving and (kind, edition) != ("minutes", Edition.partner):
            raise NotAllowed(
                f'"{receiving}" is not a known agency, so it may receive the partner minutes only; {RULE}. '
                "Name the receiving agency with --to (its kind decides; --receiver may add who in it). "
                "Nothing was written or logged."
            )
        return
    if agency.kind is None:
        raise NotAllowed(
            f"{agency.short_name} has no agency kind recorded, so it may receive nothing; {RULE}. "
            "Record its kind (law_enforcement, prosecution, supervision, service or community) in an agenda file. "
            "Nothing was written or logged."
        )
    if edition is None or (kind, edition) not in RECEIVES.get(AgencyKind(agency.kind), frozenset()):
        what = _document_words(kind, edition or Edition.full)
        raise NotAllowed(
            f"{agency.short_name} is a {AgencyKind(agency.kind).label.lower()} agency and may not receive {what}: "
            f"{RULE}. Nothing was written or logged."
        )


def _already_sent(session: Session, target: Path, but: int | None = None) -> bool:
    """Whether the dissemination log (but row ``but``) points at ``target``: its resolved path, or the same file."""
    resolved = str(target.resolve())
    others = col(Dissemination.id) != but if but is not None else sa_true()
    if session.exec(select(Dissemination.id).where(Dissemination.file_name == resolved, others).limit(1)).first():
        return True
    if not target.exists():
        return False
    names = session.exec(
        select(Dissemination.file_name).where(col(Dissemination.file_name).isnot(None), others)
    ).all()
    for name in set(names):
        try:
            if name and os.path.samefile(name, target):
                return True
        except OSError:
            continue
    return False


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
    force: bool = False,
) -> Path:
    """Save ``document`` to ``path`` and record its dissemination in one step.

    Refused before anything is written when ``agency`` may not receive this
    document (:func:`check_receiver`), when ``path`` is a file the log says was
    sent (even with ``force``: write a new file name), and by the rules of
    :mod:`vip_tui.outputs` (never the database, nothing replaced without
    ``force``). The file appears whole or not at all (written beside the
    target, then linked into place), only together with its dissemination
    record, which holds its SHA-256.
    """
    from ..outputs import OutputRefused, check_output, place, write_temporary

    check_receiver(agency, kind, audience, receiving.strip() if receiving else None)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    receiving = receiving.strip() if receiving and receiving.strip() else None
    if method is None:
        method = DisseminationMethod.email if (agency or receiving) else DisseminationMethod.other
    protected = db.files()
    sent = ExportError(
        f"{path} was sent (the dissemination log points at it), so it is never replaced, "
        "not even with --force; write a new file name (-o). Nothing was written."
    )
    with db.session() as s:
        if _already_sent(s, path):
            raise sent  # before the work of writing
    try:
        check_output(path, force=force, protected=protected)
        temporary = write_temporary(path, data)
    except OutputRefused as exc:
        raise ExportError(str(exc)) from None
    resolved = str(path.resolve())
    placed = False
    try:
        with db.transaction() as s:
            row = Dissemination(
                meeting_id=meeting_id,
                document=kind,
                audience=Edition(audience.value),
                receiving_agency_id=agency.id if agency else None,
                receiving=receiving[:200] if receiving else None,
                method=DisseminationMethod(method),
                sent_by=(sent_by or db.user)[:100],
                sent_at=db.now(),
                file_name=resolved if len(resolved) <= FILE_NAME_MAX else path.name[:FILE_NAME_MAX],
                sha256=hashlib.sha256(data).hexdigest(),
            )
            s.add(row)
            s.flush()  # holds the write lock (SQLite): a row logged meanwhile is seen now
            if force and _already_sent(s, path, but=row.id):
                raise sent
            place(temporary, path, force=force, protected=protected)
            placed = True
    except OutputRefused as exc:
        raise ExportError(str(exc)) from None
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
    sha256: str | None = None  # of the file as written; None in rows logged before hashes were kept
    version: int = 1  # of the minutes: 1 + the meeting's amendments made by then (services/amendments.py)


class FileCheck(enum.Enum):
    """What :func:`verify_file` found at a logged file's path."""

    same = "same"  # the file holds what was sent
    changed = "CHANGED"  # a file is there, but not the one sent
    missing = "missing"  # no file there (moved, deleted, never kept)
    unknown = "no hash"  # logged before hashes were kept: nothing to compare


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(row: DisseminationRow) -> FileCheck:
    """Whether the file a log row points at still holds what was sent (its SHA-256 recomputed)."""
    if not row.sha256:
        return FileCheck.unknown
    if not row.file_name:
        return FileCheck.missing
    try:
        if not Path(row.file_name).is_file():
            return FileCheck.missing
        return FileCheck.same if file_sha256(row.file_name) == row.sha256 else FileCheck.changed
    except OSError:
        return FileCheck.missing


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
        # Each amendment makes the minutes a new version; the document's heading counts the same way.
        amended: dict[int, list[dt.datetime]] = {}
        for meeting_id, at in s.exec(
            select(Amendment.meeting_id, Amendment.at).where(
                col(Amendment.meeting_id).in_({d.meeting_id for d, *_ in rows})
            )
        ).all():
            amended.setdefault(meeting_id, []).append(at)

    def version(d: Dissemination) -> int:
        if d.document != "minutes":
            return 1
        return 1 + sum(1 for at in amended.get(d.meeting_id, ()) if at <= d.sent_at)  # type: ignore[arg-type]

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
            sha256=d.sha256,
            version=version(d),
        )
        for d, date, number, agency in rows
    ]
