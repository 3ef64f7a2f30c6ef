"""The backstop at persistence: no identifier is written into a free-text column.

Forms run the guard field by field and answer with friendly messages. This listener makes
"no identifier is ever stored" true by construction, whatever code path writes: every
column marked ``info={"privacy": "free_text"}`` (``tracker.models_base.FREE_TEXT``) is
scanned when a new row is flushed or the column of an existing row changed, and a blocking
finding refuses the whole flush with :class:`IdentifierRefused`. Text stored before the
current rules is left alone until it is edited (``tracker privacy scan`` finds it).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from sqlalchemy import Column, MetaData, event, inspect
from sqlalchemy.orm import Mapper, Session

from . import Finding, blocking, find_identifiers

__all__ = ["IdentifierRefused", "free_text_columns", "is_free_text"]


class IdentifierRefused(ValueError):
    """A flush would have stored a blocking identifier. Carries where, never the text."""

    def __init__(self, table: str, column: str, findings: list[Finding]) -> None:
        self.table = table
        self.column = column
        self.kinds = sorted({f.kind for f in findings})
        self.findings = findings
        super().__init__(f"{table}.{column}: {', '.join(self.kinds)}")


def is_free_text(column: Any) -> bool:
    return isinstance(column, Column) and column.info.get("privacy") == "free_text"


def free_text_columns(metadata: MetaData) -> Iterator[tuple[str, Column[Any]]]:
    """(table name, column) for every marked column, in a stable order."""
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            if is_free_text(column):
                yield table.name, column


@cache
def _marked_attributes(mapper: Mapper[Any]) -> tuple[tuple[str, str, str], ...]:
    """(attribute key, table, column) of the mapper's free-text columns."""
    out = []
    for prop in mapper.column_attrs:
        for column in prop.columns:
            if is_free_text(column):
                out.append((prop.key, str(getattr(column.table, "name", "")), column.name))
    return tuple(out)


def check_object(obj: Any, *, new: bool) -> None:
    state = inspect(obj)
    for key, table, column in _marked_attributes(state.mapper):
        if not new and not state.attrs[key].history.has_changes():
            continue
        value = getattr(obj, key)
        if isinstance(value, str) and value:
            found = blocking(find_identifiers(value))
            if found:
                raise IdentifierRefused(table, column, found)


@event.listens_for(Session, "before_flush")
def _refuse_identifiers(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        check_object(obj, new=True)
    for obj in session.dirty:
        check_object(obj, new=False)
