"""Health checks and database outages: /healthz never asks the database, /readyz does; an
outage is a 503 page in Swedish with Retry-After and one log line per failure, and the app
recovers by itself when the database returns."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from tracker import create_app, migrate

from .conftest import PG_ENV, Factories, do_login, fresh_database, make_config

UNAVAILABLE = "Tjänsten är tillfälligt otillgänglig"


def test_healthz_answers_without_the_database(app, client, count_queries) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}
    assert count_queries.count == 0


def test_readyz_checks_the_database(app, client) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app on a PostgreSQL database of its own, so the test can take it away."""
    with fresh_database(tmp_path) as url:
        app = create_app(make_config(url, tmp_path))
        migrate.upgrade(app)
        yield app, url
        app.extensions["db_engine"].dispose()


def outage_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_outage_page(resp: Any) -> None:
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "30"
    html = resp.get_data(as_text=True)
    assert UNAVAILABLE in html and 'lang="sv"' in html
    assert "Traceback" not in html


def logged_in(app: Flask) -> Any:
    client = app.test_client()
    user = Factories(app).user("samordnare")
    assert do_login(client, user.email).status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_sqlite_file_gone_is_a_503_and_recovers(tmp_path, caplog) -> None:
    """SQLite: the database file cannot be opened (runs on every test database)."""
    url = f"sqlite:///{tmp_path / 'db' / 'tracker.sqlite'}"
    (tmp_path / "db").mkdir()
    app = create_app(make_config(url, tmp_path))
    migrate.upgrade(app)
    client = logged_in(app)
    try:
        # The database file becomes unreachable (its folder moved away).
        shutil.move(tmp_path / "db", tmp_path / "away")
        app.extensions["db_engine"].dispose()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            assert_outage_page(client.get("/"))
            assert_outage_page(client.get("/faults/"))
            probe = app.test_client()  # a load balancer: no session
            ready = probe.get("/readyz")
            health = probe.get("/healthz")
        assert ready.status_code == 503 and ready.get_json()["status"] == "unavailable"
        assert health.status_code == 200
        records = outage_records(caplog)
        assert len(records) == 3  # one line per failed request, none for /healthz
        assert all(r.exc_info is None for r in records)
        assert "unable to open database file" in records[0].getMessage()
        # Back: the next request works without a restart.
        shutil.move(tmp_path / "away", tmp_path / "db")
        assert client.get("/").status_code == 200
        assert client.get("/readyz").status_code == 200
    finally:
        app.extensions["db_engine"].dispose()


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason="needs PostgreSQL")
def test_postgres_dropped_connections_and_outage_recover(pg_app, caplog) -> None:
    import psycopg

    app, url = pg_app
    name = make_url(url).database
    admin = make_url(os.environ[PG_ENV]).set(drivername="postgresql")
    admin_dsn = admin.render_as_string(hide_password=False)
    client = logged_in(app)

    def terminate(conn: Any) -> int:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchall()
        )

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        # Every pooled connection is killed: pre-ping replaces them, no request fails.
        assert terminate(conn) >= 1
        caplog.clear()
        assert client.get("/").status_code == 200
        assert client.get("/faults/").status_code == 200
        # The database refuses connections: a clean 503, one line per request.
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            terminate(conn)
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                assert_outage_page(client.get("/"))
                assert_outage_page(client.get("/faults/"))
                probe = app.test_client()  # a load balancer: no session
                assert probe.get("/readyz").status_code == 503
                assert probe.get("/healthz").status_code == 200
            records = outage_records(caplog)
            assert len(records) == 3 and all(r.exc_info is None for r in records)
        finally:
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        # Back: the same process and pool serve again.
        assert client.get("/").status_code == 200
        assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}
