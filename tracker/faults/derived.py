"""Counts kept on write, so pages never aggregate an organisation's occurrences.

- `fault.occurrence_count` and `fault.last_observed_on`;
- `fault_month`: occurrences per fault and calendar month (the chart, the dashboard's
  counts per authority, and the recurrence window);
- `fault_consequence_month`: the same per consequence code (the annual report).

Every write of an occurrence (log, edit of its date, move by a merge) updates them in the
same transaction, with statements that add to the stored value (never read-modify-write),
so parallel writers cannot lose a count. `recompute_all` rebuilds everything from the base
rows – after a bulk import or a restore (`tracker db recompute`) – and a test proves that it
equals what the writes maintained.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from ..dataversion import raise_years
from .models import CONSEQUENCES, Fault, FaultConsequenceMonth, FaultMonth, Occurrence

# The counts kept for an occurrence raise the version of its year, not the organisation's
# (tracker.dataversion): the caller names the years, the statements are not counted again.
_YEAR_COUNTED = {"dataversion_own": True}


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _upsert(session: Session, model: Any, keys: list[str], values: dict[str, Any]) -> None:
    """Add values["n"] to the row with these keys (insert it when missing), atomically."""
    table: Any = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        stmt: Any = postgresql.insert(table).values(values)
    else:
        stmt = sqlite.insert(table).values(values)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={"n": table.c.n + stmt.excluded.n})
    session.execute(stmt, execution_options=_YEAR_COUNTED)


def _upsert_month(session: Session, *, fault_id: int, org_id: int, month: date, delta: int) -> None:
    values = {"fault_id": fault_id, "org_id": org_id, "month": month, "n": delta}
    _upsert(session, FaultMonth, ["fault_id", "month"], values)


def _upsert_consequences(
    session: Session, *, fault_id: int, org_id: int, month: date, codes: list[str], delta: int
) -> None:
    for code in sorted(set(codes)):
        values = {"fault_id": fault_id, "org_id": org_id, "month": month, "code": code, "n": delta}
        _upsert(session, FaultConsequenceMonth, ["fault_id", "month", "code"], values)


def occurrence_added(
    session: Session,
    *,
    fault_id: int,
    org_id: int,
    observed_on: date,
    consequences: list[str] | None = None,
) -> None:
    raise_years(session, org_id, {observed_on.year})
    _upsert_month(session, fault_id=fault_id, org_id=org_id, month=month_of(observed_on), delta=1)
    _upsert_consequences(
        session,
        fault_id=fault_id,
        org_id=org_id,
        month=month_of(observed_on),
        codes=consequences or [],
        delta=1,
    )
    last = col(Fault.last_observed_on)
    session.execute(
        update(Fault)
        .where(col(Fault.id) == fault_id)
        .values(
            occurrence_count=col(Fault.occurrence_count) + 1,
            last_observed_on=case((last.is_(None) | (last < observed_on), observed_on), else_=last),
        ),
        execution_options=_YEAR_COUNTED,
    )


def occurrence_changed(
    session: Session,
    *,
    fault_id: int,
    org_id: int,
    before: date,
    after: date,
    consequences_before: list[str],
    consequences_after: list[str],
) -> None:
    """An occurrence's date or consequences were edited."""
    raise_years(session, org_id, {before.year, after.year})
    month_before, month_after = month_of(before), month_of(after)
    if month_before != month_after:
        _upsert_month(session, fault_id=fault_id, org_id=org_id, month=month_before, delta=-1)
        _upsert_month(session, fault_id=fault_id, org_id=org_id, month=month_after, delta=1)
    if month_before != month_after or set(consequences_before) != set(consequences_after):
        for month, codes, delta in (
            (month_before, consequences_before, -1),
            (month_after, consequences_after, 1),
        ):
            _upsert_consequences(
                session, fault_id=fault_id, org_id=org_id, month=month, codes=codes, delta=delta
            )
    if before != after:
        _refresh_last(session, fault_id)


def _refresh_last(session: Session, fault_id: int) -> None:
    """The fault's last observation (the caller has raised the years' versions)."""
    latest = (
        select(func.max(Occurrence.observed_on))
        .where(col(Occurrence.fault_id) == fault_id)
        .scalar_subquery()
    )
    session.execute(
        update(Fault).where(col(Fault.id) == fault_id).values(last_observed_on=latest),
        execution_options=_YEAR_COUNTED,
    )


def recompute_faults(session: Session, fault_ids: list[int]) -> None:
    """Rebuild the counts of some faults from their occurrences (after a merge moved them)."""
    if not fault_ids:
        return
    session.execute(delete(FaultMonth).where(col(FaultMonth.fault_id).in_(fault_ids)))
    session.execute(
        delete(FaultConsequenceMonth).where(col(FaultConsequenceMonth.fault_id).in_(fault_ids))
    )
    _insert_months(session, col(Occurrence.fault_id).in_(fault_ids))
    _update_faults(session, col(Fault.id).in_(fault_ids))


def recompute_all(session: Session, org_id: int | None = None) -> None:
    """Rebuild every count (of one organisation, or of all) from the base rows."""
    if org_id is None:
        session.execute(delete(FaultMonth))
        session.execute(delete(FaultConsequenceMonth))
        _insert_months(session, literal_column("1") == 1)
        _update_faults(session, literal_column("1") == 1)
    else:
        session.execute(delete(FaultMonth).where(col(FaultMonth.org_id) == org_id))
        session.execute(
            delete(FaultConsequenceMonth).where(col(FaultConsequenceMonth.org_id) == org_id)
        )
        _insert_months(session, col(Occurrence.org_id) == org_id)
        _update_faults(session, col(Fault.org_id) == org_id)


def _insert_months(session: Session, where: Any) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        month: Any = cast(func.date_trunc("month", Occurrence.observed_on), Date)
    else:
        month = func.date(Occurrence.observed_on, "start of month")
    rows = (
        select(col(Occurrence.fault_id), col(Occurrence.org_id), month.label("month"), func.count())
        .where(where)
        .group_by(col(Occurrence.fault_id), col(Occurrence.org_id), month)
    )
    table: Any = FaultMonth.__table__  # type: ignore[attr-defined]
    session.execute(insert(table).from_select(["fault_id", "org_id", "month", "n"], rows))
    # Consequences are a comma-separated list: one grouped insert per code.
    padded = literal(",") + col(Occurrence.consequences) + literal(",")
    cons_table: Any = FaultConsequenceMonth.__table__  # type: ignore[attr-defined]
    for code in CONSEQUENCES:
        per_code = (
            select(
                col(Occurrence.fault_id),
                col(Occurrence.org_id),
                month.label("month"),
                literal(code).label("code"),
                func.count(),
            )
            .where(where, padded.like(f"%,{code},%"))
            .group_by(col(Occurrence.fault_id), col(Occurrence.org_id), month)
        )
        session.execute(
            insert(cons_table).from_select(["fault_id", "org_id", "month", "code", "n"], per_code)
        )


def _update_faults(session: Session, where: Any) -> None:
    count = (
        select(func.count())
        .where(col(Occurrence.fault_id) == Fault.id)
        .correlate(Fault)
        .scalar_subquery()
    )
    latest = (
        select(func.max(Occurrence.observed_on))
        .where(col(Occurrence.fault_id) == Fault.id)
        .correlate(Fault)
        .scalar_subquery()
    )
    session.execute(
        update(Fault).where(where).values(occurrence_count=count, last_observed_on=latest)
    )


def counts_between(
    org_id: int,
    start: date,
    end: date | None = None,
    *,
    fault_id: int | None = None,
    fault_ids: list[int] | None = None,
) -> Any:
    """Occurrences per fault observed from `start` to `end` (inclusive; None = no end), as a
    subquery (fault_id, n): the whole months inside from `fault_month`, the partial months at
    the edges from the occurrences (an index range of at most a month at each end).

    The subquery is built once per process for the same arguments: a statement is immutable
    and safe to share, and building this one (a union of up to three parts, grouped) costs
    more than running it for a small organisation."""
    return _counts_between(
        org_id, start, end, fault_id, None if fault_ids is None else tuple(fault_ids)
    )


@functools.lru_cache(maxsize=1024)
def _counts_between(
    org_id: int,
    start: date,
    end: date | None,
    fault_id: int | None,
    fault_ids: tuple[int, ...] | None,
) -> Any:
    lo = start if start.day == 1 else next_month(start)
    hi = None if end is None else month_of(end + timedelta(days=1))
    stop = None if end is None else end + timedelta(days=1)
    partial_ranges: list[tuple[date, date | None]] = []
    if hi is None or lo < hi:
        if start < lo:
            partial_ranges.append((start, lo))
        if hi is not None and stop is not None and hi < stop:
            partial_ranges.append((hi, stop))
        whole_months: tuple[date, date | None] | None = (lo, hi)
    else:  # start and end within one month
        partial_ranges.append((start, stop))
        whole_months = None
    parts: list[Any] = []
    if whole_months is not None:
        # `fault_ids` come from the organisation's own rows: by them, the index on
        # (fault_id, …) is the narrow one
        by_org = [] if fault_ids is not None else [col(FaultMonth.org_id) == org_id]
        q: Any = select(col(FaultMonth.fault_id), col(FaultMonth.n).label("n")).where(
            *by_org, col(FaultMonth.month) >= whole_months[0]
        )
        if whole_months[1] is not None:
            q = q.where(col(FaultMonth.month) < whole_months[1])
        if fault_id is not None:
            q = q.where(col(FaultMonth.fault_id) == fault_id)
        if fault_ids is not None:
            q = q.where(col(FaultMonth.fault_id).in_(fault_ids))
        parts.append(q)
    for first, until in partial_ranges:
        by_org = [] if fault_ids is not None else [col(Occurrence.org_id) == org_id]
        q = select(col(Occurrence.fault_id), func.count().label("n")).where(
            *by_org, col(Occurrence.observed_on) >= first
        )
        if until is not None:
            q = q.where(col(Occurrence.observed_on) < until)
        if fault_id is not None:
            q = q.where(col(Occurrence.fault_id) == fault_id)
        if fault_ids is not None:
            q = q.where(col(Occurrence.fault_id).in_(fault_ids))
        parts.append(q.group_by(col(Occurrence.fault_id)))
    both = union_all(*parts).subquery()
    return (
        select(both.c.fault_id, func.sum(both.c.n).label("n")).group_by(both.c.fault_id).subquery()
    )


def recent_counts(
    org_id: int, since: date, *, fault_id: int | None = None, fault_ids: list[int] | None = None
) -> Any:
    """Occurrences per fault observed on or after `since` (the recurrence window)."""
    return counts_between(org_id, since, fault_id=fault_id, fault_ids=fault_ids)
