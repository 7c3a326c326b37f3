"""The audit hook: every create, update and delete made through a vip session is recorded in ``audit_log``.

Installed on the session factory by :class:`vip_tui.db.Database` when the first
session is asked for, so no call site has to remember to record anything.
Imported with that first session, not with ``vip_tui.db``: it needs the ORM
(about 150 ms), which the first screen does without (issue 14).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

from .enums import AuditAction

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def _identity(obj: Any) -> str | None:
    # Pending objects have no identity key yet in after_flush, but their
    # primary key attributes are already set.
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    if all(k is None for k in key):
        return None
    return ",".join(str(k) for k in key)


def _audit_rows(session: Session) -> list[dict[str, Any]]:
    from .models import AuditLog

    now = session.info["clock"]()
    user = session.info["user"]
    rows: list[dict[str, Any]] = []

    recording = "recorded" in session.info

    def row(action: AuditAction, obj: Any, changes: dict[str, Any]) -> None:
        rows.append(
            dict(
                at=now,
                user=user,
                action=action.value,
                entity=obj.__table__.name,
                entity_id=_identity(obj),
                changes=changes,
            )
        )
        if recording:
            # The row's version as this flush leaves it: an undo is refused if it moved on since.
            session.info["recorded"].append({**rows[-1], "version": getattr(obj, "version", None)})

    for obj in session.new:
        if isinstance(obj, AuditLog):
            continue
        mapper = sa.inspect(obj).mapper
        row(AuditAction.create, obj, {a.key: _jsonable(getattr(obj, a.key)) for a in mapper.column_attrs})
    for obj in session.dirty:
        if isinstance(obj, AuditLog) or not session.is_modified(obj, include_collections=False):
            continue
        state = sa.inspect(obj)
        changes = {}
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    changes[attr.key] = [_jsonable(old), _jsonable(new)]
        if changes:
            row(AuditAction.update, obj, changes)
    for obj in session.deleted:
        if isinstance(obj, AuditLog):
            continue
        mapper = sa.inspect(obj).mapper
        row(AuditAction.delete, obj, {a.key: _jsonable(getattr(obj, a.key)) for a in mapper.column_attrs})
    return rows


def _strip_nul(session: Session) -> None:
    """Drop NUL characters from text about to be written.

    PostgreSQL cannot store NUL in a text column, and pasted CAD or RMS text
    can carry one; stripping it here keeps both backends alike for every
    writer (TUI, import, CLI) instead of at each call site.
    """
    for obj in (*session.new, *session.dirty):
        for attr in sa.inspect(obj).mapper.column_attrs:
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(obj, attr.key, value.replace("\x00", ""))


def install(factory: sessionmaker) -> None:
    from .models import AuditLog

    @event.listens_for(factory, "before_flush")
    def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
        _strip_nul(session)

    @event.listens_for(factory, "after_flush")
    def _after_flush(session: Session, _ctx: Any) -> None:
        # after_flush still sees the pre-flush new/dirty/deleted sets and
        # attribute history, and new rows already have their ids.
        rows = _audit_rows(session)
        if rows:
            session.connection().execute(AuditLog.__table__.insert(), rows)

    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        # Only what was committed is handed to the recorder.
        if (sink := session.info.get("record_to")) is not None:
            sink.extend(session.info["recorded"])
        if "recorded" in session.info:
            session.info["recorded"] = []

    @event.listens_for(factory, "after_soft_rollback")
    def _after_rollback(session: Session, _previous: Any) -> None:
        if "recorded" in session.info:
            session.info["recorded"] = []

    @event.listens_for(factory, "do_orm_execute")
    def _bulk(orm_execute_state: Any) -> None:
        # Bulk UPDATE/DELETE statements bypass the unit of work; record them too.
        if not (orm_execute_state.is_update or orm_execute_state.is_delete):
            return
        session = orm_execute_state.session
        stmt = orm_execute_state.statement
        table = getattr(stmt, "table", None)
        name = getattr(table, "name", "?")
        if name == AuditLog.__tablename__:
            return
        action = AuditAction.update if orm_execute_state.is_update else AuditAction.delete
        if "recorded" in session.info:
            # A statement's rows are not known one by one: whatever recorded it cannot be undone.
            session.info["recorded"].append(dict(action="statement", entity=name, entity_id=None, changes={}))
        session.connection().execute(
            AuditLog.__table__.insert(),
            [
                dict(
                    at=session.info["clock"](),
                    user=session.info["user"],
                    action=action.value,
                    entity=name,
                    entity_id=None,
                    changes={"statement": str(stmt.compile(compile_kwargs={"literal_binds": False}))[:2000]},
                )
            ],
        )
