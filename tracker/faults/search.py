"""Full-text search over fault titles, descriptions, summaries and narratives, behind one
function: FTS5 on SQLite, the 'swedish' text-search configuration on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select, text
from sqlmodel import Session, col

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
    hits = "fault_fts MATCH :match AND org_id = :org AND rowid % 2 = {}"
    fault_hit = (
        select(text("rowid / 2"))
        .select_from(text("fault_fts"))
        .where(text(hits.format(0)).bindparams(match=match, org=org_id))
    )
    occurrence_hit = select(Occurrence.fault_id).where(
        col(Occurrence.id).in_(
            select(text("rowid / 2"))
            .select_from(text("fault_fts"))
            .where(text(hits.format(1)).bindparams(match=match, org=org_id))
        )
    )
    return fault_hit.union(occurrence_hit)  # type: ignore[return-value]


# SQLite: one FTS5 row per fault (rowid 2 × id: ref, title, description, summary) and per
# narrative (rowid 2 × id + 1), so every save replaces one row found by its rowid, and a
# merge needs no reindexing (a narrative's fault is looked up through the occurrence).
_REPLACE = "INSERT OR REPLACE INTO fault_fts (rowid, org_id, body) VALUES (:r, :o, :b)"
_DROP = "DELETE FROM fault_fts WHERE rowid = :r"


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_fault(session: Session, fault: Fault) -> None:
    if not _sqlite(session) or fault.id is None:
        return
    body = "\n".join([fault.ref, fault.title, fault.description, fault.report_summary])
    session.execute(text(_REPLACE), {"r": 2 * fault.id, "o": fault.org_id, "b": body})


def index_occurrence(session: Session, occ: Occurrence) -> None:
    if not _sqlite(session) or occ.id is None:
        return
    if occ.narrative.strip():
        session.execute(text(_REPLACE), {"r": 2 * occ.id + 1, "o": occ.org_id, "b": occ.narrative})
    else:
        session.execute(text(_DROP), {"r": 2 * occ.id + 1})


def reindex(session: Session, fault_id: int) -> None:
    """Refresh a fault's row and all its narratives (after text was removed in bulk)."""
    if not _sqlite(session):
        return
    fault = session.get(Fault, fault_id)
    if fault is None:
        session.execute(text(_DROP), {"r": 2 * fault_id})
        return
    index_fault(session, fault)
    for occ in session.scalars(select(Occurrence).where(Occurrence.fault_id == fault_id)).all():
        index_occurrence(session, occ)


def rebuild(session: Session, org_id: int | None = None) -> None:
    """Rebuild the SQLite index from the base rows (bulk import, restore, recompute)."""
    if not _sqlite(session):
        return
    params = {"o": org_id}
    session.execute(text("DELETE FROM fault_fts WHERE :o IS NULL OR org_id = :o"), params)
    session.execute(
        text(
            "INSERT INTO fault_fts (rowid, org_id, body) SELECT 2 * id, org_id, "
            "ref || char(10) || title || char(10) || description || char(10) || report_summary "
            "FROM fault WHERE :o IS NULL OR org_id = :o"
        ),
        params,
    )
    session.execute(
        text(
            "INSERT INTO fault_fts (rowid, org_id, body) SELECT 2 * id + 1, org_id, narrative "
            "FROM occurrence WHERE narrative != '' AND (:o IS NULL OR org_id = :o)"
        ),
        params,
    )
