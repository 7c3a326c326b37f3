"""Undo the last change a screen made, from what the audit hook recorded of it.

A screen wraps a write in :func:`recording` and keeps the :class:`Change` it
gives back; ``u`` calls :func:`undo`, which reverts it in one transaction:
updated columns set back, created rows deleted, deleted rows inserted again.
Each row must still be as the change left it (its version): if someone edited
it since, the undo is refused and nothing is written. The undo is itself
written through the audited session, so the audit log shows it.

An undo instead of a confirmation keeps the meeting moving: ``d`` acts at
once and a slip costs one key.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..db import RECORDING, Database
from .guard import GONE, STALE, ReviewError, StaleEdit, writing

# Never set back: the version moves on by itself, and the row keeps its key.
_KEPT = frozenset({"version"})


@dataclass(frozen=True)
class Step:
    """One audited row change: ``action`` create | update | delete (or statement: not undoable)."""

    action: str
    entity: str
    entity_id: str | None
    changes: dict[str, Any]
    version: int | None


@dataclass
class Change:
    """What one screen action wrote, worded for the message that says it was undone."""

    what: str = ""
    steps: list[Step] = field(default_factory=list)


@contextmanager
def recording(what: str = "") -> Iterator[Change]:
    """Collect the rows committed by the writes made in the block into a :class:`Change`.

    Only committed transactions count; a write that was refused adds nothing.
    """
    sink: list[dict[str, Any]] = []
    token = RECORDING.set(sink)
    change = Change(what)
    try:
        yield change
    finally:
        RECORDING.reset(token)
        change.steps.extend(
            Step(r["action"], r["entity"], r["entity_id"], r.get("changes") or {}, r.get("version")) for r in sink
        )


def _model(entity: str) -> Any:
    from sqlmodel import SQLModel

    for mapper in SQLModel._sa_registry.mappers:  # noqa: SLF001 - the one registry of the models
        if getattr(mapper.local_table, "name", None) == entity:
            return mapper.class_
    raise ReviewError(f"cannot undo a change to {entity}")


def _value(column: sa.Column[Any], value: Any) -> Any:
    """A value as the audit log wrote it (JSON) back as the column holds it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    try:
        python = kind.python_type
    except NotImplementedError:
        return value
    if python is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if python is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if python is dt.time and isinstance(value, str):
        return dt.time.fromisoformat(value)
    if isinstance(python, type) and issubclass(python, enum.Enum):
        return python(value)
    return value


def _key(model: Any, entity_id: str | None) -> tuple[Any, ...]:
    if entity_id is None:
        raise ReviewError("this change cannot be undone")
    columns = sa.inspect(model).primary_key
    parts = entity_id.split(",")
    return tuple(_value(c, p) if c.type.python_type is not int else int(p) for c, p in zip(columns, parts))


def undo(db: Database, change: Change) -> Change:
    """Revert ``change`` in one transaction; refused (StaleEdit) if any of its rows changed since.

    Returns the change the undo itself made (undoing that redoes).
    """
    if not change.steps:
        raise ReviewError("nothing to undo")
    if any(step.action == "statement" for step in change.steps):
        raise ReviewError(f"{change.what or 'this change'} cannot be undone")
    what = change.what or "the last change"
    with recording(f"undo of {what}") as redo, writing(db, what) as s:
        # Each row as the change left it (its last step: a row may be flushed twice in one change).
        last: dict[tuple[str, str | None], Step] = {(step.entity, step.entity_id): step for step in change.steps}
        for step in last.values():
            model = _model(step.entity)
            obj = s.get(model, _key(model, step.entity_id))
            if step.action == "delete":
                if obj is not None:
                    raise StaleEdit(f"{what} {STALE}")
            elif obj is None:
                raise StaleEdit(f"{what} {GONE}")
            elif step.version is not None and getattr(obj, "version", None) != step.version:
                raise StaleEdit(f"{what} {STALE}")
        for step in reversed(change.steps):
            model = _model(step.entity)
            columns = sa.inspect(model).columns
            obj = s.get(model, _key(model, step.entity_id))
            if step.action == "delete":
                values = {k: _value(columns[k], v) for k, v in step.changes.items() if k in columns and k not in _KEPT}
                s.add(model(**values))
            elif step.action == "create":
                s.delete(obj)
            elif step.action == "update":
                for name, (old, _new) in step.changes.items():
                    if name in columns and name not in _KEPT:
                        setattr(obj, name, _value(columns[name], old))
            s.flush()
    return redo
