"""`tracker db copy` from SQLite to PostgreSQL, and backup and restore on PostgreSQL, each on
scratch databases `tracker_copy_<random>` (skipped when PostgreSQL is unreachable)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from tracker.demo import DEMO_PASSWORD
from tracker.ops.copy import nonempty_tables

from ..conftest import Factories, do_login
from .conftest import count, demo_app, rows, run

COMPARED = [
    "organisation",
    "user",
    "fault",
    "occurrence",
    "meeting",
    "audit_entry",
    "outbox_message",
]


def _tables() -> list[str]:
    return [t.name for t in SQLModel.metadata.sorted_tables]


def _full_tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return nonempty_tables(conn)
    finally:
        engine.dispose()


def _works(app, source) -> None:
    """Log in, open the fault list, and write new rows (the sequences continue)."""
    client = app.test_client()
    assert do_login(client, "ombud@demo.se", DEMO_PASSWORD).status_code == 302
    page = client.get("/faults/")
    assert page.status_code == 200
    assert rows(source, "fault")[0][3] in page.get_data(as_text=True)
    users_before = count(app, "user")
    audit_before = count(app, "audit_entry")
    user = Factories(app).user("ombud", "soderort", email="ny.efter.flytten@example.se")
    assert user.id == max(r[0] for r in rows(source, "user")) + 1
    assert count(app, "user") == users_before + 1 and count(app, "audit_entry") > audit_before
    assert do_login(app.test_client(), user.email).status_code == 302


def test_db_copy_from_sqlite_to_postgresql(make_app, pg_database):
    source = demo_app(make_app)
    url = pg_database()
    result = run(source, "db", "copy", "--to", url)
    assert result.exit_code == 0, result.output
    assert "Flytten är klar" in result.output
    assert "SKILJER" not in result.output
    target = make_app(url, migrated=False)
    for table in _tables():
        assert count(target, table) == count(source, table), table
        assert f"\n{table} " in result.output  # the table of counts names every table
    for table in COMPARED:
        assert rows(target, table) == rows(source, table), table
    _works(target, source)

    again = run(source, "db", "copy", "--to", url)  # the target has rows now
    assert again.exit_code != 0 and "inte tom" in again.output


def test_a_failed_copy_leaves_the_target_empty(make_app, pg_database, tmp_path):
    source = demo_app(make_app)
    db_file = source.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db_file) as conn:  # SQLite keeps a title PostgreSQL refuses (> 200)
        conn.execute(
            "UPDATE fault SET title = ? WHERE id = (SELECT max(id) FROM fault)", ("x" * 300,)
        )
    url = pg_database()
    result = run(source, "db", "copy", "--to", url)
    assert result.exit_code != 0
    assert "Flytten avbröts" in result.output and "rullades" in result.output
    assert _full_tables(url) == []  # not one row, though earlier tables had gone in
    with sqlite3.connect(db_file) as conn:
        conn.execute("UPDATE fault SET title = 'Rättad titel' WHERE length(title) = 300")
    retry = run(source, "db", "copy", "--to", url)  # as the message says: fix and run again
    assert retry.exit_code == 0, retry.output


@pytest.mark.parametrize("fmt", ["auto", "portable"])
def test_postgresql_backup_and_restore(make_app, pg_database, tmp_path, fmt):
    if fmt == "auto" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    source = demo_app(make_app, pg_database())
    out = tmp_path / ("kopia.pgdump" if fmt == "auto" else "kopia.zip")
    made = run(source, "backup", "--format", fmt, "--out", str(out))
    assert made.exit_code == 0, made.output
    assert ("pg_dump" if fmt == "auto" else "portabel zip") in made.output
    assert out.stat().st_size > 0 and not list(tmp_path.glob(".*.part"))

    target = make_app(pg_database())  # migrated but empty: still counts as empty
    restored = run(target, "restore", str(out))
    assert restored.exit_code == 0, restored.output
    assert "SKILJER" not in restored.output and "Återläsningen är klar" in restored.output
    for table in _tables():
        assert count(target, table) == count(source, table), table
    for table in COMPARED:
        assert rows(target, table) == rows(source, table), table
    _works(target, source)

    refused = run(target, "restore", str(out))
    assert refused.exit_code != 0 and "inte tom" in refused.output


def test_a_sqlite_backup_restores_into_postgresql(make_app, pg_database, tmp_path):
    source = demo_app(make_app)
    assert run(source, "backup", "--out", str(tmp_path / "k.sqlite")).exit_code == 0
    target = make_app(pg_database(), migrated=False)
    restored = run(target, "restore", str(tmp_path / "k.sqlite"))
    assert restored.exit_code == 0, restored.output
    for table in ["fault", "occurrence", "user"]:
        assert rows(target, table) == rows(source, table), table


def test_a_pg_dump_backup_is_refused_by_sqlite(make_app, pg_database, tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    source = make_app(pg_database())
    assert run(source, "backup", "--out", str(tmp_path / "k.pgdump")).exit_code == 0
    result = run(make_app(), "restore", str(tmp_path / "k.pgdump"))
    assert result.exit_code != 0 and "bara läsas tillbaka i PostgreSQL" in result.output
    assert Path(tmp_path / "k.pgdump").exists()
