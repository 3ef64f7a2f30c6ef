"""Rules for faults and occurrences. Keyword-only; each writes its audit entry and flushes,
the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..orgs.models import Organisation
from ..timeutil import utcnow
from . import derived, search, updates
from .models import (
    DEFAULT_THEMES,
    Fault,
    FaultAuthority,
    FaultEvent,
    FaultRelation,
    FaultTheme,
    Occurrence,
    Theme,
)

# Which statuses a fault may move to; åtgärdad and avskriven reopen to bekräftad.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "ny": ("bekraftad", "eskalerad", "atgardad", "avskriven"),
    "bekraftad": ("eskalerad", "atgardad", "avskriven"),
    "eskalerad": ("atgardad", "avskriven"),
    "atgardad": ("bekraftad",),
    "avskriven": ("bekraftad",),
}


class VersionConflict(Exception):
    def __init__(self, current: Fault) -> None:
        super().__init__(current.ref)
        self.current = current


class RuleError(ValueError):
    """A request the rules refuse; the message is shown to the user."""


def seed_themes(session: Session, org_id: int) -> None:
    for name in DEFAULT_THEMES:
        session.add(Theme(org_id=org_id, name=name))
    session.flush()


def _next_ref(session: Session, org_id: int, year: int) -> str:
    prefix = f"SF-{year}-"
    # Longest first, then highest: "SF-2026-1000" comes after "SF-2026-999".
    last = session.exec(
        select(Fault.ref)
        .where(Fault.org_id == org_id, col(Fault.ref).startswith(prefix))
        .order_by(func.length(Fault.ref).desc(), col(Fault.ref).desc())
        .limit(1)
    ).first()
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def _event(
    session: Session, fault: Fault, actor_id: int | None, kind: str, **kw: Any
) -> FaultEvent:
    assert fault.id is not None
    event = FaultEvent(fault_id=fault.id, actor_id=actor_id, kind=kind, **kw)
    session.add(event)
    return event


def create_fault(
    session: Session,
    *,
    org_id: int,
    actor_id: int | None,
    title: str,
    primary_authority_id: int,
    description: str = "",
    other_authority_ids: list[int] | None = None,
    level: str | None = None,
    theme_ids: list[int] | None = None,
    report_summary: str = "",
    created_on: date | None = None,
) -> Fault:
    year = (created_on or utcnow().date()).year
    for _attempt in range(5):
        fault = Fault(
            org_id=org_id,
            ref=_next_ref(session, org_id, year),
            title=title.strip(),
            description=description.strip(),
            primary_authority_id=primary_authority_id,
            level=level or None,
            report_summary=report_summary.strip(),
            created_by_id=actor_id,
        )
        try:
            with session.begin_nested():
                session.add(fault)
                session.flush()
            break
        except IntegrityError:  # two writers took the same number (PostgreSQL); take the next
            continue
    else:  # pragma: no cover - five collisions in a row
        raise RuleError("could not allocate a reference")
    _set_links(session, fault, other_authority_ids or [], theme_ids or [])
    _event(session, fault, actor_id, "created", to_status="ny")
    audit_log(
        session,
        "fault.created",
        actor_id=actor_id,
        org_id=org_id,
        object_type="fault",
        object_id=fault.id,
    )
    session.flush()
    search.index_fault(session, fault)
    return fault


def _set_links(
    session: Session, fault: Fault, authority_ids: list[int], theme_ids: list[int]
) -> None:
    assert fault.id is not None
    session.exec(delete(FaultAuthority).where(col(FaultAuthority.fault_id) == fault.id))
    session.exec(delete(FaultTheme).where(col(FaultTheme.fault_id) == fault.id))
    for aid in sorted(set(authority_ids) - {fault.primary_authority_id}):
        session.add(FaultAuthority(fault_id=fault.id, authority_id=aid))
    for tid in sorted(set(theme_ids)):
        session.add(FaultTheme(fault_id=fault.id, theme_id=tid))


def change_status(
    session: Session, *, fault: Fault, actor_id: int | None, to: str, comment: str = ""
) -> None:
    if to not in TRANSITIONS.get(fault.status, ()):
        raise RuleError(to)
    event = _event(
        session,
        fault,
        actor_id,
        "status",
        from_status=fault.status,
        to_status=to,
        comment=comment.strip(),
    )
    fault.status = to
    fault.version += 1
    fault.updated_at = utcnow()
    session.add(fault)
    audit_log(
        session,
        f"fault.status_{to}",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="fault",
        object_id=fault.id,
    )
    session.flush()
    updates.status_changed(session, fault=fault, event=event, actor_id=actor_id)


def log_occurrence(
    session: Session,
    *,
    fault: Fault,
    actor_id: int | None,
    observed_on: date,
    narrative: str = "",
    gender: str | None = None,
    age_band: str | None = None,
    consequences: list[str] | None = None,
) -> Occurrence:
    assert fault.id is not None
    occ = Occurrence(
        org_id=fault.org_id,
        fault_id=fault.id,
        observed_on=observed_on,
        narrative=narrative.strip(),
        gender=gender or None,
        age_band=age_band or None,
        consequences=",".join(consequences or []),
        logged_by_id=actor_id,
    )
    session.add(occ)
    session.flush()
    derived.occurrence_added(
        session,
        fault_id=fault.id,
        org_id=fault.org_id,
        observed_on=observed_on,
        consequences=occ.consequence_list,
    )
    audit_log(
        session,
        "occurrence.created",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="occurrence",
        object_id=occ.id,
    )
    search.index_occurrence(session, occ)
    return occ


def update_occurrence(
    session: Session,
    *,
    occ: Occurrence,
    actor_id: int | None,
    observed_on: date,
    narrative: str,
    gender: str | None,
    age_band: str | None,
    consequences: list[str],
) -> None:
    before, consequences_before = occ.observed_on, occ.consequence_list
    occ.observed_on = observed_on
    occ.narrative = narrative.strip()
    occ.gender = gender or None
    occ.age_band = age_band or None
    occ.consequences = ",".join(consequences)
    occ.updated_at = utcnow()
    session.add(occ)
    audit_log(
        session,
        "occurrence.edited",
        actor_id=actor_id,
        org_id=occ.org_id,
        object_type="occurrence",
        object_id=occ.id,
    )
    session.flush()
    derived.occurrence_changed(
        session,
        fault_id=occ.fault_id,
        org_id=occ.org_id,
        before=before,
        after=observed_on,
        consequences_before=consequences_before,
        consequences_after=occ.consequence_list,
    )
    search.index_occurrence(session, occ)


def merge_into(session: Session, *, fault: Fault, into: Fault, actor_id: int | None) -> int:
    """Mark `fault` a duplicate of `into`: its occurrences move, its reference redirects."""
    if fault.id == into.id or into.duplicate_of_id is not None:
        raise RuleError("merge")
    if fault.org_id != into.org_id:
        raise RuleError("merge")
    moved = session.exec(
        update(Occurrence).where(col(Occurrence.fault_id) == fault.id).values(fault_id=into.id)
    ).rowcount
    # Earlier duplicates of this fault now point at the survivor too.
    session.exec(
        update(Fault).where(col(Fault.duplicate_of_id) == fault.id).values(duplicate_of_id=into.id)
    )
    _event(
        session,
        fault,
        actor_id,
        "merged_into",
        other_fault_id=into.id,
        from_status=fault.status,
        to_status="avskriven",
    )
    _event(session, into, actor_id, "merged_from", other_fault_id=fault.id)
    fault.duplicate_of_id = into.id
    fault.status = "avskriven"
    fault.version += 1
    session.add(fault)
    audit_log(
        session,
        "fault.merged",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="fault",
        object_id=fault.id,
    )
    session.flush()
    derived.recompute_faults(session, [fault.id or 0, into.id or 0])
    return int(moved or 0)


def relate(session: Session, *, fault: Fault, other: Fault, actor_id: int | None) -> None:
    if fault.id == other.id or fault.org_id != other.org_id:
        raise RuleError("relate")
    a, b = sorted([fault.id or 0, other.id or 0])
    if session.get(FaultRelation, (a, b)) is None:
        session.add(FaultRelation(fault_id=a, other_id=b))
        _event(session, fault, actor_id, "related", other_fault_id=other.id)
        audit_log(
            session,
            "fault.related",
            actor_id=actor_id,
            org_id=fault.org_id,
            object_type="fault",
            object_id=fault.id,
        )
        session.flush()


def unrelate(session: Session, *, fault: Fault, other: Fault, actor_id: int | None) -> None:
    a, b = sorted([fault.id or 0, other.id or 0])
    rel = session.get(FaultRelation, (a, b))
    if rel is not None:
        session.delete(rel)
        audit_log(
            session,
            "fault.unrelated",
            actor_id=actor_id,
            org_id=fault.org_id,
            object_type="fault",
            object_id=fault.id,
        )
        session.flush()


@dataclass(frozen=True)
class Recurrence:
    threshold: int
    months: int

    @classmethod
    def of(cls, org: Organisation) -> Recurrence:
        return cls(org.recurrence_threshold, org.recurrence_months)

    def since(self, today: date | None = None) -> date:
        today = today or utcnow().date()
        return today - timedelta(days=round(self.months * 30.44))


def recent_count_subquery(org_id: int, since: date) -> Any:
    """Occurrences per fault since `since`: (fault_id, n), for joining into lists – from the
    monthly counts kept on write, plus the first partial month."""
    return derived.recent_counts(org_id, since)
