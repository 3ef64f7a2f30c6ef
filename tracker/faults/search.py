"""Full-text search over fault titles, descriptions, summaries and narratives, behind one
function: FTS5 on SQLite, the 'swedish' text-search configuration on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select, text
from sqlmodel import Session

from .models import Fault, Occurrence

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(query: str) -> list[str]:
    return [w for w in _WORD.findall(query.lower()) if len(w) > 1][:8]


def matching_fault_ids(session: Session, org_id: int, query: str) -> Select[tuple[int]]:
    """A SELECT of the ids of the organisation's faults matching every word (prefixes too)."""
    words = _words(query)
    if not words:
        return select(Fault.id).where(Fault.org_id == org_id)
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery("swedish", " & ".join(f"{w}:*" for w in words))
        fault_doc = func.to_tsvector(
            "swedish", Fault.title + " " + Fault.description + " " + Fault.report_summary
        )
        # Two lookups joined by UNION, so each can use its expression index.
        narrative_hit = select(Occurrence.fault_id).where(
            Occurrence.org_id == org_id,
            func.to_tsvector("swedish", Occurrence.narrative).op("@@")(tsq),
        )
        return (
            select(Fault.id)
            .where(Fault.org_id == org_id, fault_doc.op("@@")(tsq))
            .union(narrative_hit)
        )
    match = " AND ".join(f'"{w}"*' for w in words)
    return (
        select(text("fault_id"))
        .select_from(text("fault_fts"))
        .where(text("fault_fts MATCH :match AND org_id = :org").bindparams(match=match, org=org_id))
    )


def reindex(session: Session, fault_id: int) -> None:
    """Refresh one fault's search document (SQLite only; PostgreSQL indexes expressions)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    fault = session.get(Fault, fault_id)
    session.execute(text("DELETE FROM fault_fts WHERE fault_id = :id"), {"id": fault_id})
    if fault is None:
        return
    narratives = session.scalars(
        select(Occurrence.narrative).where(Occurrence.fault_id == fault_id)
    ).all()
    body = "\n".join([fault.ref, fault.title, fault.description, fault.report_summary, *narratives])
    session.execute(
        text("INSERT INTO fault_fts (fault_id, org_id, body) VALUES (:f, :o, :b)"),
        {"f": fault_id, "o": fault.org_id, "b": body},
    )
