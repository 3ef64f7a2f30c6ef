"""The organisation's data version: raised once in every transaction that writes any of
the organisation's rows, so that what is computed from the data (the annual report) can be
kept between requests and is recomputed as soon as anything changes.

Every ORM write of a row with an `org_id` (and of the organisation itself) counts, as does
a bulk UPDATE/INSERT/DELETE through the session: in a request it counts for the current
organisation, outside one (CLI, jobs, imports) for every organisation. The raise happens
before the flush writes anything, so the organisation's row is always the first one a
writer locks (no lock-order deadlocks between writers of the same organisation), and it
commits or rolls back with the data."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from .orgs.models import Organisation

_DONE = "dataversion_done"
ALL = -1  # "every organisation"


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


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    orgs = {
        org
        for obj in (*session.new, *session.dirty, *session.deleted)
        if (org := _org_of(obj)) is not None
        and (obj not in session.dirty or session.is_modified(obj, include_collections=False))
    }
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
