"""The organisation's data version: raised once in every transaction that writes any of
the organisation's rows, so that what is computed from the data (the annual report) can be
kept between requests and is recomputed as soon as anything changes.

Every ORM write of a row with an `org_id` (and of the organisation itself) counts, as does
a bulk UPDATE/INSERT/DELETE through the session: in a request it counts for the current
organisation, outside one (CLI, jobs, imports) for every organisation. The raise happens
before the flush writes anything, so the organisation's row is always the first one a
writer locks (no lock-order deadlocks between writers of the same organisation), and it
commits or rolls back with the data.

Occurrences are the exception, as they are written all day: a write of an occurrence (and
of the counts kept from it, tracker.faults.derived) raises the version of its year in
`data_year_version` instead, so a report of another year stays valid. A model says so with
`__dataversion_year__` (the date attribute that gives the year); a model whose rows nothing
is computed from (the audit log) says `__dataversion_skip__`. Such a write also raises the
organisation's `occurrence_version`, so `(data_version, occurrence_version)` – read with the
organisation on every request, no statement of its own – changes with any of its data: the
key of `cached()` for what is computed from all of it (dashboard, meeting statistics)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy import event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from .orgs.models import DataYearVersion, Organisation

_DONE = "dataversion_done"
_DONE_YEARS = "dataversion_years_done"
ALL = -1  # "every organisation"
ANY_YEAR = 0  # in the years done: the organisation's occurrence_version was raised
CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()
T = TypeVar("T")


def org_key(org: Organisation) -> tuple[Any, ...]:
    """What changes whenever anything of the organisation's data changes (no statement: the
    organisation is read on every request). created_at too: SQLite may give a new
    organisation the id of a deleted one."""
    return (org.id, org.created_at.isoformat(), org.data_version, org.occurrence_version)


def data_key(org: Organisation) -> tuple[Any, ...]:
    """What changes whenever the organisation's data other than its occurrences (and the
    counts kept from them) changes: the key of what is computed without reading either –
    meetings, action items, proposals, the catalogue – so that logging an occurrence,
    written all day, leaves it kept."""
    return (org.id, org.created_at.isoformat(), org.data_version)


def cached(kind: str, key: tuple[Any, ...], compute: Callable[[], T], size: int = CACHE_SIZE) -> T:
    """`compute()`, kept in this process under `key` (which must hold every version the
    result depends on, e.g. `org_key(org)` and the day) while it is among the `size` most
    recently used of its kind. One cache per application: another app may have another
    database. The result must be plain values, never ORM objects (they belong to a session)."""
    caches: dict[str, OrderedDict[tuple[Any, ...], Any]]
    caches = current_app.extensions.setdefault("derived_cache", {})
    with _CACHE_LOCK:
        cache = caches.setdefault(kind, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            hit: T = cache[key]
            return hit
    result = compute()
    with _CACHE_LOCK:
        cache[key] = result
        while len(cache) > size:
            cache.popitem(last=False)
    return result


def forget(kind: str, key: tuple[Any, ...]) -> None:
    """Drop what `cached` keeps under (kind, key), if anything."""
    caches: dict[str, OrderedDict[tuple[Any, ...], Any]]
    caches = current_app.extensions.setdefault("derived_cache", {})
    with _CACHE_LOCK:
        caches.get(kind, OrderedDict()).pop(key, None)


def _org_of(obj: Any) -> int | None:
    if isinstance(obj, Organisation):
        return obj.id
    org_id = getattr(obj, "org_id", None)
    return org_id if isinstance(org_id, int) else None


def _raise(session: OrmSession, org_ids: set[int]) -> None:
    done: set[int] = session.info.setdefault(_DONE, set())
    if ALL in done:
        return
    todo = org_ids - done
    if not todo:
        return
    stmt = update(Organisation).values(data_version=Organisation.data_version + 1)
    if ALL not in todo:
        stmt = stmt.where(Organisation.id.in_(sorted(todo)))  # type: ignore[union-attr]
    session.connection().execute(stmt, execution_options={"dataversion_own": True})
    done |= todo


def raise_years(session: OrmSession, org_id: int, years: set[int]) -> None:
    """Raise the organisation's version of each of `years`, once per transaction."""
    done: set[tuple[int, int]] = session.info.setdefault(_DONE_YEARS, set())
    todo = sorted(y for y in years if (org_id, y) not in done)
    if not todo:
        return
    table: Any = DataYearVersion.__table__  # type: ignore[attr-defined]
    rows = [{"org_id": org_id, "year": y, "version": 1} for y in todo]
    dialect = session.get_bind().dialect.name
    if (org_id, ANY_YEAR) not in done:
        # the organisation's row stays the first one a writer locks (see above); its
        # `occurrence_version` says that some year of it changed
        session.connection().execute(
            update(Organisation)
            .where(Organisation.id == org_id)  # type: ignore[arg-type]
            .values(occurrence_version=Organisation.occurrence_version + 1),
            execution_options={"dataversion_own": True},
        )
        done.add((org_id, ANY_YEAR))
    stmt: Any = (postgresql if dialect == "postgresql" else sqlite).insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["org_id", "year"], set_={"version": table.c.version + 1}
    )
    session.connection().execute(stmt, execution_options={"dataversion_own": True})
    done.update((org_id, y) for y in todo)


def lock_organisation(session: Session, org_id: int) -> bool:
    """On PostgreSQL, take the organisation's row lock (FOR NO KEY UPDATE, the lock the
    raise above takes) in the caller's transaction and return True: every writer of the
    organisation's rows takes it first, so until this transaction ends no other can commit
    a write of them, and what is read after it (again: `populate_existing` or
    `session.refresh`, as the ORM keeps what it read before) is what is committed. For a
    read-modify-write that must not overwrite a save it did not see (an optimistic version
    check). On SQLite it does nothing and returns False: a writing request holds the
    database's write lock from its BEGIN IMMEDIATE (tracker.db), before it read anything."""
    if session.connection().dialect.name != "postgresql":
        return False
    session.exec(
        select(Organisation.id).where(Organisation.id == org_id).with_for_update(key_share=True)
    ).one()
    return True


def year_versions(session: Session, org_ids: list[int], years: list[int]) -> tuple[Any, ...]:
    """The organisations' versions of these years (0 where nothing was written yet), in
    one statement: with their data versions, the key of what is computed from a year."""
    found = {
        (o, y): v
        for o, y, v in session.exec(
            select(DataYearVersion.org_id, DataYearVersion.year, DataYearVersion.version).where(
                col(DataYearVersion.org_id).in_(org_ids), col(DataYearVersion.year).in_(years)
            )
        )
    }
    return tuple(found.get((o, y), 0) for o in org_ids for y in years)


def _years_of(obj: Any, attr: str) -> set[int]:
    """The years a row of a year-versioned model was in before and after this flush."""
    years = {d.year for d in (getattr(obj, attr, None),) if d is not None}
    history = inspect(obj).attrs[attr].history
    years |= {d.year for d in history.deleted or () if d is not None}
    return years


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    orgs: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        org = _org_of(obj)
        if org is None or getattr(obj, "__dataversion_skip__", False):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        year_attr = getattr(obj, "__dataversion_year__", None)
        if year_attr is not None:
            raise_years(session, org, _years_of(obj, year_attr))
        else:
            orgs.add(org)
    if orgs:
        _raise(session, orgs)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get("dataversion_own"):
        return
    org = None
    if has_request_context():
        current = g.get("org")
        org = getattr(current, "id", None)
    _raise(state.session, {org if isinstance(org, int) else ALL})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(session: Session, *_a: Any) -> None:
    session.info.pop(_DONE, None)
    session.info.pop(_DONE_YEARS, None)
