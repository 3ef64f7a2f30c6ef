"""Apps of their own for the operations tests: each on a database of its own (a SQLite file,
or a scratch PostgreSQL database `tracker_copy_<random>` dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker import create_app, migrate

from ..conftest import make_config

PG_BASE = os.environ.get(
    "TRACKER_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_admin() -> Any:
    import psycopg

    dsn = make_url(PG_BASE).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(dsn, autocommit=True, connect_timeout=3)


@pytest.fixture
def pg_database() -> Iterator[Callable[[], str]]:
    """Makes scratch PostgreSQL databases (skips when PostgreSQL is unreachable)."""
    try:
        _pg_admin().close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no PostgreSQL
        pytest.skip(f"PostgreSQL is unreachable: {exc}")
    made: list[str] = []

    def _new() -> str:
        name = f"tracker_copy_{uuid.uuid4().hex[:10]}"
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return make_url(PG_BASE).set(database=name).render_as_string(hide_password=False)

    yield _new
    with _pg_admin() as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """make_app(url=None, migrated=True, **config): an app on its own database."""
    apps: list[Flask] = []

    def _make(url: str | None = None, *, migrated: bool = True, **extra: Any) -> Flask:
        url = url or f"sqlite:///{tmp_path / ('ops-' + uuid.uuid4().hex[:8] + '.sqlite')}"
        app = create_app(make_config(url, tmp_path, **extra))
        if migrated:
            migrate.upgrade(app)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["db_engine"].dispose()


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def demo_app(make_app: Callable[..., Flask], url: str | None = None) -> Flask:
    app = make_app(url)
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    return app


def rows(app: Flask, table: str, order: str = "id") -> list[tuple[Any, ...]]:
    """A table's rows as plain values (times as UTC text), to compare two databases."""
    from sqlmodel import SQLModel

    names = ", ".join(f'"{c.name}"' for c in SQLModel.metadata.tables[table].columns)
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            sql = f'SELECT {names} FROM "{table}" ORDER BY {order}'  # noqa: S608
            got = conn.execute(text(sql)).all()
    finally:
        engine.dispose()
    return [tuple(_plain(v) for v in r) for r in got]


def _plain(value: Any) -> Any:
    from datetime import UTC, date, datetime

    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def count(app: Flask, table: str) -> int:
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608
    finally:
        engine.dispose()
