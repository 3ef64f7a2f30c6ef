"""Fixtures: a migrated database (SQLite, or PostgreSQL with TRACKER_TEST_DATABASE_URL),
the app, a client, factories, `login(role)` and a SQL statement counter."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

from tracker import create_app, migrate
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.faults import services as faults
from tracker.faults.models import Fault
from tracker.orgs import services as orgs
from tracker.orgs.models import Authority, Organisation

PASSWORD = "rätt-lösenord-123"
PG_ENV = "TRACKER_TEST_DATABASE_URL"


# ---- databases ---------------------------------------------------------------------------


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file, or a PostgreSQL database created and dropped
    by this run so parallel runs never collide."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield f"sqlite:///{tmp_dir / ('t-' + uuid.uuid4().hex[:8] + '.sqlite')}"
        return
    import psycopg

    url = make_url(base)
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_config(database_url: str, tmp_dir: Path, **extra: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "SERVER_NAME": None,
    }
    cfg.update(extra)
    return cfg


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def _app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    os.environ["TRACKER_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app(make_config(database_url, tmp_path_factory.getbasetemp()))
    migrate.upgrade(app)
    yield app
    app.extensions["db_engine"].dispose()


def _wipe(app: Flask) -> None:
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
        if engine.dialect.name == "sqlite":  # the FTS5 search table is not a model
            conn.execute(text("DELETE FROM fault_fts"))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    _wipe(_app)
    yield _app  # no app context is pushed: each request gets its own, as in production
    _wipe(_app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The test's own view of the database, on a plain engine: its reads never take
    SQLite's write lock, so it can stay open while the app under test writes."""
    engine = create_engine(app.config["DATABASE_URL"])
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


# ---- factories ---------------------------------------------------------------------------


class Factories:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._n = 0

    def _session(self) -> Session:
        return Session(self.app.extensions["db_engine"], expire_on_commit=False)

    def org(self, slug: str = "soderort", name: str | None = None) -> Organisation:
        with self._session() as s:
            existing = s.exec(select(Organisation).where(Organisation.slug == slug)).first()
            if existing:
                return existing
            org = orgs.create_org(s, slug=slug, name=name or f"PO {slug.title()}")
            s.commit()
            return org

    def user(
        self,
        role: str = "ombud",
        org: str | Organisation | None = "soderort",
        email: str | None = None,
        password: str = PASSWORD,
    ) -> User:
        self._n += 1
        o = None if org is None else org if isinstance(org, Organisation) else self.org(org)
        with self._session() as s:
            user = accounts.create_user(
                s,
                email=email or f"{role}{self._n}@example.se",
                name=f"{role.title()} {self._n}",
                password=password,
                actor_id=None,
                org_id=None,
            )
            if o is not None:
                assert o.id is not None and user.id is not None
                orgs.set_membership(s, user_id=user.id, org_id=o.id, role=role, actor_id=None)
            s.commit()
            return user

    def fault(
        self,
        org: str = "soderort",
        title: str = "Långa handläggningstider",
        authority: str = "Försäkringskassan",
        occurrences: int = 0,
        observed_on: date | None = None,
        actor: User | None = None,
        description: str = "",
        narrative: str = "",
    ) -> Fault:
        o = self.org(org)
        with self._session() as s:
            auth = s.exec(
                select(Authority).where(Authority.org_id == o.id, Authority.name == authority)
            ).one()
            f = faults.create_fault(
                s,
                org_id=o.id or 0,
                actor_id=actor.id if actor else None,
                title=title,
                description=description,
                primary_authority_id=auth.id or 0,
            )
            for i in range(occurrences):
                faults.log_occurrence(
                    s,
                    fault=f,
                    actor_id=actor.id if actor else None,
                    observed_on=observed_on or date.today() - timedelta(days=i),
                    narrative=narrative,
                )
            s.commit()
            return f


@pytest.fixture
def make(app: Flask) -> Factories:
    return Factories(app)


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    m = _CSRF.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2)


def post(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    form_url: str | None = None,
    **kw: Any,
) -> Any:
    """POST like a browser: with the CSRF token of the page that shows the form."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kw)


def do_login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return post(client, "/login", {"email": email, "password": password, **extra})


@pytest.fixture
def login(client: FlaskClient, make: Factories) -> Callable[..., User]:
    def _login(role: str = "ombud", org: str = "soderort") -> User:
        user = make.user(role, org)
        resp = do_login(client, user.email)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return user

    return _login


# ---- query budgets -----------------------------------------------------------------------


class StatementCounter:
    """Statements sent to the database. `reset()` also forgets what the application keeps
    per process (tracker.dataversion.cached), so a budget is checked at its worst: the
    first request after a change."""

    def __init__(self, app: Flask | None = None) -> None:
        self.statements: list[str] = []
        self.app = app

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()
        if self.app is not None:
            self.app.extensions.pop("derived_cache", None)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[StatementCounter]:
    counter = StatementCounter(app)
    engine = app.extensions["db_engine"]

    def _on_execute(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _on_execute)
    yield counter
    event.remove(engine, "before_cursor_execute", _on_execute)


def is_postgres(app: Flask) -> bool:
    return str(app.config["DATABASE_URL"]).startswith("postgresql")


__all__ = [
    "PASSWORD",
    "Factories",
    "csrf_token",
    "do_login",
    "fresh_database",
    "is_postgres",
    "make_config",
    "post",
    "text",
]
