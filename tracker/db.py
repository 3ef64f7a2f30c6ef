"""Engine, per-request session and the column types shared by all models.

SQLite is tuned for a small multi-user web app: WAL so readers never block the
writer, a busy timeout so writers queue instead of failing, foreign keys on, and
write transactions that take the write lock at BEGIN (BEGIN IMMEDIATE) so two
writers never deadlock on a lock upgrade ("database is locked").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from .privacy import backstop as _backstop  # noqa: F401 – registers the flush guard

log = logging.getLogger("tracker.outage")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _write_intent() -> bool:
    """Outside a request (CLI, jobs) and on unsafe methods we expect to write."""
    return not (has_request_context() and request.method in SAFE_METHODS)


def make_engine(url: str, *, busy_timeout_ms: int = 15000, connect_timeout_s: int = 5) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent() else "BEGIN")

        return engine
    # pool_pre_ping: a connection the server dropped (a restart, pg_terminate_backend) is
    # replaced at checkout instead of failing the request, so the pool recovers by itself.
    # connect_timeout: while the server is away a request waits seconds, not minutes.
    connect_args = {} if "connect_timeout" in url else {"connect_timeout": connect_timeout_s}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    # Closed at the end of every request and of every app context (CLI, jobs).
    app.teardown_request(_close_session)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    eng: Engine = current_app.extensions["db_engine"]
    return eng


def session() -> Session:
    """The session of this request or app context; committed by the caller."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    s: Session = g.db_session
    return s


def _close_session(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        try:
            s.rollback()
            s.close()
        except SQLAlchemyError:  # the database went away: the connection is dropped
            s.invalidate()


def ping(*, timeout_s: float) -> bool:
    """One round trip to the database, cut off after `timeout_s` (readiness check)."""
    eng = engine()
    try:
        with eng.connect() as conn:
            if eng.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
                conn.exec_driver_sql("SELECT 1")
            else:  # reads the file's schema page: an unreadable file fails here
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        return True
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        log.warning("readiness: database unavailable: %s", reason)
        return False


@contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work outside a request: commit on success, roll back on error."""
    s = session()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
