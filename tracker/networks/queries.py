"""Read side of the network pages, each a fixed number of statements whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from ..faults.models import Fault
from ..orgs.models import Authority, Organisation
from . import sharing
from .models import NetworkFaultLink
from .sharing import Group, SharedFault


@dataclass
class RegisterFilters:
    q: str = ""
    authority: str = ""
    status: str = ""
    org: str = ""


def _words(q: str) -> list[str]:
    return [w for w in q.lower().split() if w][:8]


def _filtered(base: Any, flt: RegisterFilters) -> Any:
    if flt.authority:
        # by name: each organisation keeps its own catalogue (as chosen, or in any case on
        # PostgreSQL; SQLite's lower() folds ASCII only)
        base = base.where(
            or_(
                col(Authority.name) == flt.authority,
                func.lower(Authority.name) == flt.authority.lower(),
            )
        )
    if flt.status:
        base = base.where(Fault.status == flt.status)
    if flt.org:
        base = base.where(Organisation.slug == flt.org)
    raw = col(Fault.title) + " " + col(Fault.report_summary)
    for word in _words(flt.q):
        # the shared fields only: the organisation's search (tracker.faults.search) also
        # reads descriptions and narratives, which are never shared. SQLite's lower() folds
        # ASCII only, so "återkrav" also looks for "Återkrav" and "ÅTERKRAV" as written.
        base = base.where(
            or_(
                func.lower(raw).contains(word, autoescape=True),
                raw.contains(word.capitalize(), autoescape=True),
                raw.contains(word.upper(), autoescape=True),
            )
        )
    return base


def group_key() -> Any:
    """One integer per row of the register: a network fault (odd) or a single fault (even)."""
    nf = col(NetworkFaultLink.network_fault_id)
    return case((nf.is_(None), col(Fault.id) * 2), else_=nf * 2 + 1)


def register(
    session: Session,
    network_id: int,
    orgs: list[Organisation],
    flt: RegisterFilters,
    *,
    page: int,
    size: int,
    year: int,
) -> tuple[list[Group], int]:
    """One page of the register's rows (network faults and single shared faults) that have
    a shared fault matching the filters: 4 statements."""
    if not orgs:
        return [], 0
    key = group_key().label("k")
    base = sharing.projection_select(network_id, orgs)
    keys_q = _filtered(base.with_only_columns(key, Fault.last_observed_on), flt).subquery()
    last = func.max(keys_q.c.last_observed_on)
    rows = session.exec(
        select(keys_q.c.k, func.count().over())
        .group_by(keys_q.c.k)
        .order_by(last.desc().nulls_last(), keys_q.c.k.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    if not rows:
        total = 0
        if page > 1:
            total = session.exec(
                select(func.count()).select_from(select(keys_q.c.k).group_by(keys_q.c.k).subquery())
            ).one()
        return [], total
    total = int(rows[0][1])
    wanted = [int(k) for k, _n in rows]
    found = _fetch(session, base, wanted)
    sharing.attach_details(session, found, year)
    groups = {(_key_of(g)): g for g in sharing.groups_of(found, sharing.small_limit(orgs))}
    return [groups[k] for k in wanted if k in groups], total


def _fetch(session: Session, base: Any, keys: list[int]) -> list[SharedFault]:
    return sharing.to_shared(
        session.exec(base.where(group_key().in_(keys)).order_by(Organisation.name, Fault.id)).all()
    )


def _key_of(g: Group) -> int:
    return g.network_fault_id * 2 + 1 if g.network_fault_id else g.first_id * 2


def filter_options(session: Session, network_id: int, orgs: list[Organisation]) -> list[str]:
    """The authorities of the shared faults, for the filter (one statement)."""
    if not orgs:
        return []
    sub = (
        sharing.shared_select(network_id, orgs, Authority.name)
        .join(Authority, col(Authority.id) == Fault.primary_authority_id)
        .subquery()
    )
    return [str(n) for n in session.exec(select(sub.c.name).distinct().order_by(sub.c.name)).all()]


def link_candidates(
    session: Session, network_id: int, orgs: list[Organisation], grp: Group, *, limit: int = 500
) -> list[SharedFault]:
    """Shared faults of the organisations not in `grp`, for linking by hand (one statement)."""
    taken = sorted({f.org_id for f in grp.faults})
    return sharing.to_shared(
        session.exec(
            sharing.projection_select(network_id, orgs)
            .where(col(Fault.org_id).not_in(taken))
            .order_by(Organisation.name, Fault.title, Fault.id)
            .limit(limit)
        ).all()
    )


def group_of_fault(
    session: Session, network_id: int, orgs: list[Organisation], fault_id: int, year: int
) -> Group | None:
    """The register row of a shared fault: its network fault with every shared fault of
    it, or the fault alone; None when the fault is not shared in the network (2 statements
    beside the details)."""
    base = sharing.projection_select(network_id, orgs)
    linked = select(NetworkFaultLink.network_fault_id).where(
        NetworkFaultLink.network_id == network_id, NetworkFaultLink.fault_id == fault_id
    )
    rows = session.exec(
        base.where(
            or_(col(Fault.id) == fault_id, col(NetworkFaultLink.network_fault_id).in_(linked))
        ).order_by(Organisation.name, Fault.id)
    ).all()
    found = sharing.to_shared(rows)
    if not any(f.id == fault_id for f in found):
        return None
    sharing.attach_details(session, found, year)
    mine = next(f for f in found if f.id == fault_id)
    if mine.network_fault_id is None:
        found = [mine]
    return sharing.groups_of(found, sharing.small_limit(orgs))[0]
