"""Gallring: an occurrence's narrative is deleted N months after its fault was closed.

The organisation setting ``narrative_retention_months`` (default 36, None = keep) says
how long. A closed fault is one whose status is åtgärdad or avskriven; the time counts
from the latest event that closed it, so a fault reopened and closed again starts over.
The narrative is replaced by a fixed text; date, coarse facts and counts stay, so
statistics and reports do not change. Each run is idempotent and computes what is due
from the database: a scheduler that was down catches up at its next run.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..orgs.models import Organisation
from .models import Fault, FaultEvent, Occurrence
from .search import reindex

PURGED = "(raderad enligt gallringsregel)"
CLOSED = ("atgardad", "avskriven")


def months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Purge:
    org: Organisation
    occurrences: int
    faults: list[str]  # refs, for the dry run's listing


def _expired(org: Organisation, months: int, today: date) -> Any:
    """(occurrence id, fault id) of narratives due for deletion in one organisation."""
    cutoff = months_before(today, months)
    closed_at = (
        select(FaultEvent.fault_id, func.max(FaultEvent.at).label("at"))
        .where(col(FaultEvent.to_status).in_(CLOSED))
        .group_by(FaultEvent.fault_id)
        .subquery()
    )
    return (
        select(Occurrence.id, Occurrence.fault_id)
        .join(Fault, col(Fault.id) == Occurrence.fault_id)
        .join(closed_at, closed_at.c.fault_id == Fault.id)
        .where(
            Occurrence.org_id == org.id,
            col(Fault.status).in_(CLOSED),
            closed_at.c.at < datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC),
            Occurrence.narrative != "",
            Occurrence.narrative != PURGED,
        )
    )


def purge(session: Session, *, today: date | None = None, dry_run: bool = False) -> list[Purge]:
    """Delete expired narratives in every organisation with a retention rule (flushes;
    the caller commits). With ``dry_run`` nothing changes: the result says what would go."""
    today = today or datetime.now(UTC).date()
    results: list[Purge] = []
    orgs = session.exec(
        select(Organisation)
        .where(col(Organisation.narrative_retention_months).is_not(None))
        .order_by(Organisation.slug)
    ).all()
    for org in orgs:
        rows = session.exec(_expired(org, org.narrative_retention_months or 0, today)).all()
        if not rows:
            continue
        fault_ids = sorted({fid for _oid, fid in rows})
        refs = list(
            session.exec(
                select(Fault.ref).where(col(Fault.id).in_(fault_ids)).order_by(Fault.ref)
            ).all()
        )
        results.append(Purge(org, len(rows), refs))
        if dry_run:
            continue
        ids = [oid for oid, _fid in rows]
        for start in range(0, len(ids), 500):
            session.execute(
                update(Occurrence)
                .where(col(Occurrence.id).in_(ids[start : start + 500]))
                .values(narrative=PURGED)
                .execution_options(synchronize_session=False)
            )
        for fid in fault_ids:
            reindex(session, fid)  # the search index must forget the text too
        audit_log(
            session,
            "privacy.narratives_purged",
            actor_id=None,
            org_id=org.id,
            object_type="organisation",
            object_id=org.id,
            count=len(rows),
        )
    session.flush()
    return results
