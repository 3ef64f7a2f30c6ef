"""Read side: the lists and pages, each a fixed number of statements whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, func, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..dataversion import cached, org_key
from ..orgs.context import in_current_org, scoped, scoped_with
from ..orgs.models import Authority, Organisation
from . import derived, search
from .models import (
    Fault,
    FaultAuthority,
    FaultEvent,
    FaultMonth,
    FaultRelation,
    FaultTheme,
    Occurrence,
    Theme,
)
from .services import Recurrence, recent_count_subquery

SORTS = ("count", "last", "new")


@dataclass
class FaultFilters:
    q: str = ""
    authority_id: int | None = None
    huvudman: str = ""
    status: str = ""
    level: str = ""
    theme_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    recurring: bool = False
    sort: str = "last"


@dataclass
class FaultRow:
    fault: Fault
    authority: str
    huvudman: str
    count: int
    last_seen: date | None
    recurring: bool
    themes: list[str] = field(default_factory=list)


def authorities(session: Session) -> list[Authority]:
    return list(session.exec(scoped(Authority).order_by(Authority.position, Authority.name)).all())


def themes(session: Session) -> list[Theme]:
    return list(session.exec(scoped(Theme).order_by(Theme.name)).all())


def fault_list(
    session: Session, org: Organisation, flt: FaultFilters, *, page: int | None, size: int
) -> tuple[list[FaultRow], int]:
    """One page of the register (`page` None: every row, for the export). The count in the
    recurrence window is joined in only where it filters or every row is wanted; for a page
    it is read for that page's faults alone (an index range per fault)."""
    assert org.id is not None
    rec = Recurrence.of(org)
    joined = flt.recurring or page is None
    recent = recent_count_subquery(org.id, rec.since()) if joined else None
    n = col(Fault.occurrence_count)
    last = col(Fault.last_observed_on)
    q = (
        scoped_with(
            Fault,
            Authority.name,
            Authority.huvudman,
            n,
            last,
            func.coalesce(recent.c.n, 0) if recent is not None else literal(0),
        )
        .join(Authority, Authority.id == Fault.primary_authority_id)
        .where(col(Fault.duplicate_of_id).is_(None))
    )
    if recent is not None:
        q = q.outerjoin(recent, recent.c.fault_id == Fault.id)
    if flt.authority_id:
        q = q.where(
            or_(
                Fault.primary_authority_id == flt.authority_id,
                exists().where(
                    FaultAuthority.fault_id == Fault.id,
                    FaultAuthority.authority_id == flt.authority_id,
                ),
            )
        )
    if flt.huvudman:
        q = q.where(Authority.huvudman == flt.huvudman)
    if flt.status:
        q = q.where(Fault.status == flt.status)
    if flt.level:
        q = q.where(Fault.level == flt.level)
    if flt.theme_id:
        q = q.where(
            exists().where(FaultTheme.fault_id == Fault.id, FaultTheme.theme_id == flt.theme_id)
        )
    if flt.date_from or flt.date_to:
        conds = [Occurrence.fault_id == Fault.id]
        if flt.date_from:
            conds.append(Occurrence.observed_on >= flt.date_from)
        if flt.date_to:
            conds.append(Occurrence.observed_on <= flt.date_to)
        q = q.where(exists().where(and_(*conds)))
    if flt.recurring and recent is not None:
        q = q.where(func.coalesce(recent.c.n, 0) >= rec.threshold)
    if flt.q.strip():
        q = q.where(col(Fault.id).in_(search.matching_fault_ids(session, org.id, flt.q)))
    order = {
        "count": [n.desc(), col(Fault.id).desc()],
        "new": [col(Fault.created_at).desc(), col(Fault.id).desc()],
    }.get(flt.sort, [last.desc().nulls_last(), col(Fault.id).desc()])
    total = 0
    if page is not None:
        # the number of matches comes with the page (a window over the whole result), so
        # the filters and the search run once
        paged = q.add_columns(func.count().over()).order_by(*order)
        rows_total = session.exec(paged.offset((page - 1) * size).limit(size)).all()
        found = [tuple(r[:6]) for r in rows_total]
        if rows_total:
            total = rows_total[0][6]
        elif page > 1:  # past the end: the count alone
            total = session.exec(select(func.count()).select_from(q.subquery())).one()
    else:
        found = list(session.exec(q.order_by(*order)).all())
    if not joined and found:
        window = derived.recent_counts(org.id, rec.since(), fault_ids=[f.id for f, *_r in found])
        counts = dict(session.exec(select(window.c.fault_id, window.c.n)).all())
        found = [(f, a, h, cnt, lst, counts.get(f.id, 0)) for f, a, h, cnt, lst, _z in found]
    rows = [FaultRow(f, a, h, cnt, lst, rc >= rec.threshold) for f, a, h, cnt, lst, rc in found]
    if page is None:
        total = len(rows)
    _attach_themes(session, rows)
    return rows, total


def _attach_themes(session: Session, rows: list[FaultRow]) -> None:
    if not rows:
        return
    by_fault: dict[int, list[str]] = defaultdict(list)
    for fid, name in session.exec(
        select(FaultTheme.fault_id, Theme.name)
        .join(Theme, Theme.id == FaultTheme.theme_id)
        .where(col(FaultTheme.fault_id).in_([r.fault.id for r in rows]))
        .order_by(Theme.name)
    ).all():
        by_fault[fid].append(name)
    for r in rows:
        r.themes = by_fault.get(r.fault.id or 0, [])


@dataclass
class FaultPage:
    fault: Fault
    primary: Authority
    others: list[Authority]
    themes: list[Theme]
    occurrences: list[tuple[Occurrence, str | None]]
    more: bool
    total: int
    recent: int
    last_seen: date | None
    recurring: bool
    monthly: list[tuple[int, int, int]]  # (year, month, count)
    related: list[Fault]
    events: list[tuple[FaultEvent, str | None, str | None]]


def fault_page(
    session: Session,
    org: Organisation,
    fault: Fault,
    *,
    occurrence_limit: int = 50,
    before: tuple[date, int] | None = None,
) -> FaultPage:
    assert fault.id is not None
    rec = Recurrence.of(org)
    since = rec.since()
    linked = select(FaultAuthority.authority_id).where(FaultAuthority.fault_id == fault.id)
    auths = session.exec(
        scoped(Authority)
        .where(or_(Authority.id == fault.primary_authority_id, col(Authority.id).in_(linked)))
        .order_by(Authority.name)
    ).all()
    primary = next(a for a in auths if a.id == fault.primary_authority_id)
    theme_rows = session.exec(
        scoped(Theme)
        .join(FaultTheme, FaultTheme.theme_id == Theme.id)
        .where(FaultTheme.fault_id == fault.id)
        .order_by(Theme.name)
    ).all()
    recent_q = derived.recent_counts(org.id or 0, since, fault_id=fault.id)
    recent = session.exec(select(func.coalesce(func.sum(recent_q.c.n), 0))).one()
    q = (
        select(Occurrence, User.name)
        .outerjoin(User, User.id == Occurrence.logged_by_id)
        .where(Occurrence.fault_id == fault.id)  # the fault is scoped: so are its occurrences
    )
    if before is not None:  # keyset: older than the last one shown
        q = q.where(
            or_(
                Occurrence.observed_on < before[0],
                and_(Occurrence.observed_on == before[0], col(Occurrence.id) < before[1]),
            )
        )
    occs = session.exec(
        q.order_by(col(Occurrence.observed_on).desc(), col(Occurrence.id).desc()).limit(
            occurrence_limit + 1
        )
    ).all()
    monthly = [
        (m.year, m.month, int(c))
        for m, c in session.exec(
            select(FaultMonth.month, FaultMonth.n)
            .where(FaultMonth.fault_id == fault.id, FaultMonth.n > 0)
            .order_by(FaultMonth.month)
        ).all()
    ]
    rel_ids = (
        select(FaultRelation.other_id)
        .where(FaultRelation.fault_id == fault.id)
        .union(select(FaultRelation.fault_id).where(FaultRelation.other_id == fault.id))
    )
    related = list(
        session.exec(scoped(Fault).where(col(Fault.id).in_(rel_ids)).order_by(Fault.ref)).all()
    )
    other = aliased(Fault)
    events = session.exec(
        select(FaultEvent, User.name, other.ref)
        .outerjoin(User, User.id == FaultEvent.actor_id)
        .outerjoin(other, other.id == FaultEvent.other_fault_id)
        .where(FaultEvent.fault_id == fault.id)
        .order_by(FaultEvent.at, FaultEvent.id)
    ).all()
    return FaultPage(
        fault=fault,
        primary=primary,
        others=[a for a in auths if a is not primary],
        themes=list(theme_rows),
        occurrences=list(occs[:occurrence_limit]),
        more=len(occs) > occurrence_limit,
        total=fault.occurrence_count,
        recent=int(recent),
        last_seen=fault.last_observed_on,
        recurring=recent >= rec.threshold,
        monthly=monthly,
        related=related,
        events=list(events),
    )


def monthly_series(
    monthly: list[tuple[int, int, int]], *, months: int = 24, today: date
) -> list[tuple[int, int, int]]:
    """The last `months` calendar months, zero-filled, oldest first."""
    counts = {(y, m): c for y, m, c in monthly}
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        out.append((y, m, counts.get((y, m), 0)))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


class RecurringFault(NamedTuple):
    id: int
    ref: str
    title: str


RECURRING_KEPT = 15  # the most any page lists (the meeting's statistics)


def recurring_faults(
    session: Session, org: Organisation, *, limit: int
) -> tuple[list[tuple[RecurringFault, int]], int]:
    """The `limit` faults that recur most (N occurrences within M months) but are neither
    escalated nor closed, with their recent count, most frequent first – and how many such
    faults there are in all. Kept per process until the organisation's data or the day
    changes, the same list for the dashboard, the meeting's statistics and the digest."""
    if limit > RECURRING_KEPT:
        return _recurring_faults(session, org, limit=limit)
    key = (org_key(org), Recurrence.of(org).since())
    found, total = cached(
        "recurring", key, lambda: _recurring_faults(session, org, limit=RECURRING_KEPT)
    )
    return found[:limit], total


def _recurring_faults(
    session: Session, org: Organisation, *, limit: int
) -> tuple[list[tuple[RecurringFault, int]], int]:
    """Only the columns a list shows, in one statement."""
    assert org.id is not None
    rec = Recurrence.of(org)
    recent = recent_count_subquery(org.id, rec.since())
    q = (
        select(Fault.id, Fault.ref, Fault.title, recent.c.n, func.count().over())
        .join(recent, recent.c.fault_id == Fault.id)
        .where(
            in_current_org(Fault),
            recent.c.n >= rec.threshold,
            col(Fault.status).in_(["ny", "bekraftad"]),
            col(Fault.duplicate_of_id).is_(None),
        )
        .order_by(recent.c.n.desc(), col(Fault.id))
        .limit(limit)
    )
    rows = session.exec(q).all()
    found = [(RecurringFault(fid, ref, title), int(n)) for fid, ref, title, n, _t in rows]
    return found, (int(rows[0][4]) if rows else 0)


def recurring_not_escalated(
    session: Session, org: Organisation, *, limit: int = 10
) -> list[tuple[RecurringFault, int]]:
    return recurring_faults(session, org, limit=limit)[0]


def dashboard(session: Session, org: Organisation, user_id: int) -> dict[str, Any]:
    assert org.id is not None
    rec = Recurrence.of(org)
    mine = session.exec(
        scoped_with(Occurrence, Fault.ref, Fault.title)
        .join(Fault, Fault.id == Occurrence.fault_id)
        .where(Occurrence.logged_by_id == user_id)
        .order_by(col(Occurrence.created_at).desc())
        .limit(8)
    ).all()
    key = (org_key(org), date.today())
    per_authority = cached("dashboard", key, lambda: _per_authority(session, org))
    return {
        "mine": mine,
        "recurring": recurring_not_escalated(session, org, limit=10),
        "per_authority": per_authority,
        "threshold": rec.threshold,
        "months": rec.months,
    }


def _per_authority(session: Session, org: Organisation) -> list[tuple[str, int]]:
    """This year's occurrences per primary authority, from the monthly counts: summed per
    fault first (an index range of the organisation's months), so that only one row per
    fault is joined to its authority."""
    year_start = date(date.today().year, 1, 1)
    per_fault = (
        select(col(FaultMonth.fault_id), func.sum(FaultMonth.n).label("n"))
        .where(in_current_org(FaultMonth), FaultMonth.month >= year_start)
        .group_by(col(FaultMonth.fault_id))
        .subquery()
    )
    total = func.sum(per_fault.c.n)
    per_authority = session.exec(
        select(Authority.name, total)
        .select_from(per_fault)
        # the organisation's own rows named too: PostgreSQL then reads them by index
        # instead of hashing every organisation's faults and authorities
        .join(Fault, and_(col(Fault.id) == per_fault.c.fault_id, in_current_org(Fault)))
        .join(
            Authority,
            and_(Authority.id == Fault.primary_authority_id, in_current_org(Authority)),
        )
        .group_by(Authority.name)
        .having(total > 0)
        .order_by(total.desc(), Authority.name)
    ).all()
    return [(name, int(n)) for name, n in per_authority]


def same_title(session: Session, title: str) -> Fault | None:
    """The organisation's fault (not a merged duplicate) whose title is `title`, ignoring
    case and spacing: a new fault must not repeat one that exists."""
    wanted = " ".join(title.split()).lower()
    if not wanted:
        return None
    return session.exec(
        scoped(Fault).where(
            func.lower(func.trim(Fault.title)) == wanted, col(Fault.duplicate_of_id).is_(None)
        )
    ).first()


def find_by_ref(session: Session, ref: str) -> Fault | None:
    return session.exec(scoped(Fault).where(func.upper(Fault.ref) == ref.strip().upper())).first()
