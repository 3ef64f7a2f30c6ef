"""Concurrent writers on the embedded SQLite database never see "database is locked"."""

import multiprocessing as mp

import pytest
from sqlmodel import func, select

from tests.conftest import is_postgres
from tracker import create_app
from tracker.accounts.models import LoginAttempt

WRITERS = 4
WRITES = 25


def _writer(config: dict, n: int, queue) -> None:
    try:
        app = create_app(config)
        from tracker import db

        for i in range(WRITES):
            with app.app_context(), db.transaction() as s:
                # read, then write in the same transaction: the classic lock-upgrade trap
                s.exec(select(func.count()).select_from(LoginAttempt)).one()
                s.add(LoginAttempt(email=f"w{n}-{i}@example.se", success=False))
        queue.put("ok")
    except Exception as exc:  # reported to the parent, which fails the test
        queue.put(repr(exc))


def test_concurrent_writers_do_not_fail(app, session):
    if is_postgres(app):
        pytest.skip("SQLite locking only; PostgreSQL has row-level locking")
    config = dict(app.config)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(config, n, queue)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    queue.close()
    queue.join_thread()
    assert results == ["ok"] * WRITERS
    assert session.exec(select(func.count()).select_from(LoginAttempt)).one() == WRITERS * WRITES
