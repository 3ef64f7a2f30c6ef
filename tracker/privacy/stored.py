"""Re-scan of stored text: every marked free-text column, with the current rules.

Text saved before a rule existed is found here and can be fixed. A finding names the
table, the row, the column, the kind and the position, and shows the matched text masked
(all but the last two characters): the list itself must not spread the identifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, MetaData, Table, select
from sqlalchemy.orm import Session

from . import blocking, find_identifiers, mask
from .backstop import free_text_columns

__all__ = ["REDACTED", "StoredFinding", "scan", "scan_table"]

REDACTED = "(text borttagen: innehöll uppgifter som kan identifiera en person)"
# Only text with a digit or an @-like sign can hold a blocking identifier (every
# identity number and phone number has digits, every e-mail address an "at"): a cheap
# filter that keeps the full scan for the few texts that need it.
_MAYBE = re.compile(r"[\d@\uff20\ufe6b]|&#|[(\[{]\s*(?:at|a|snabel-?a)\s*[)\]}]", re.IGNORECASE)
_BATCH = 2000


@dataclass(frozen=True)
class StoredFinding:
    table: str
    row_id: int
    column: str
    kind: str
    start: int
    masked: str
    org_id: int | None


def _org_column(metadata: MetaData, table: Table) -> tuple[Any, Any] | None:
    """(expression of the row's organisation, join) or None for rows of no organisation."""
    if "org_id" in table.c:
        return table.c.org_id, None
    if table.name == "organisation":
        return table.c.id, None
    # A required link first: fault_event.fault_id, not the optional other_fault_id.
    for fk in sorted(table.foreign_keys, key=lambda k: (bool(k.parent.nullable), k.parent.name)):
        parent = fk.column.table
        if "org_id" in parent.c:
            return parent.c.org_id, (parent, fk.parent == fk.column)
    return None


def scan_table(
    session: Session,
    metadata: MetaData,
    table: Table,
    column: Column[Any],
    org_id: int | None,
    *,
    row_id: int | None = None,
) -> Iterator[StoredFinding]:
    org = _org_column(metadata, table)
    if org is None and org_id is not None:
        return  # rows of no organisation (staff names) belong to the whole installation
    org_expr = org[0] if org else None
    query = select(table.c.id, column, *([org_expr] if org_expr is not None else []))
    if org and org[1] is not None:
        query = query.select_from(table.join(org[1][0], org[1][1]))
    query = query.where(column != "").order_by(table.c.id)
    if org_id is not None and org_expr is not None:
        query = query.where(org_expr == org_id)
    if row_id is not None:
        query = query.where(table.c.id == row_id)
    # Closed even when the caller stops early (a server-side cursor on PostgreSQL).
    with session.execute(query.execution_options(yield_per=_BATCH)) as result:
        for row in result:
            text = row[1]
            if not text or not _MAYBE.search(text):
                continue
            for f in blocking(find_identifiers(text)):
                yield StoredFinding(
                    table=table.name,
                    row_id=row[0],
                    column=column.name,
                    kind=f.kind,
                    start=f.start,
                    masked=mask(f.text),
                    org_id=row[2] if org_expr is not None else None,
                )


def scan(session: Session, metadata: MetaData, *, org_id: int | None = None) -> list[StoredFinding]:
    """Every blocking finding in stored free text (of one organisation, or of all)."""
    found: list[StoredFinding] = []
    for table_name, column in free_text_columns(metadata):
        found += scan_table(session, metadata, metadata.tables[table_name], column, org_id)
    return found
