"""`tracker restore FILE`: a backup (any of tracker.ops.backup's formats) into the configured
database, which must be empty; then the rows per table are compared with the backup's."""

from __future__ import annotations

import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, inspect

from . import backup as bk
from .copy import (
    Counts,
    OpsError,
    code_head,
    count_rows,
    is_internal,
    libpq_url,
    load_into,
    reading_engine,
    require_empty,
    revision_of,
    source_batches,
)

_COUNT = "SELECT count(*) FROM {}"  # a quoted table name from the database's catalogue


def kind_of(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"PGDMP"):
        return "pg_dump"
    if head.startswith(b"PK"):
        return "portable"
    raise OpsError(f"{path} är ingen säkerhetskopia som tracker känner igen.")


def restore(app: Flask, path: Path, echo: Callable[[str], None]) -> Counts:
    if not path.is_file():
        raise OpsError(f"Filen {path} finns inte.")
    kind = kind_of(path)
    target: Engine = app.extensions["db_engine"]
    dialect = target.dialect.name
    echo(f"Säkerhetskopians format: {bk.KIND_WORDS[kind]}.")
    if kind == "sqlite" and dialect == "sqlite":
        counts = _sqlite_file(app, path, target)
    elif kind == "sqlite":  # a SQLite backup into PostgreSQL: the same as `db copy`
        source = reading_engine(f"sqlite:///{path.resolve()}")
        try:
            with source.connect() as src, src.begin():
                _same_schema(app, revision_of(src))
                counts = load_into(
                    app,
                    target,
                    lambda tables: count_rows(src, tables),
                    lambda t: source_batches(src, t),
                    echo,
                )
        finally:
            source.dispose()
    elif kind == "pg_dump":
        if dialect != "postgresql":
            raise OpsError("En pg_dump-kopia kan bara läsas tillbaka i PostgreSQL.")
        counts = _pg_restore(path, target)
    else:
        with zipfile.ZipFile(path) as zf:
            manifest = bk.portable_manifest(zf)
            _same_schema(app, str(manifest.get("revision") or ""))
            listed = {t["name"]: int(t["rows"]) for t in manifest["tables"]}
            counts = load_into(
                app,
                target,
                lambda tables: {**{t.name: 0 for t in tables}, **listed},
                lambda t: bk.portable_batches(zf, t),
                echo,
            )
    if counts.ok:
        with target.connect() as conn:
            behind = revision_of(conn) != code_head(app)
        if behind:  # an older backup (SQLite file, pg_dump): its schema is brought up to date
            from .. import migrate

            echo("Uppgraderar schemat till programmets version (Alembic) …")
            migrate.upgrade(app)
    return counts


def _same_schema(app: Flask, revision: str) -> None:
    head = code_head(app)
    if revision != head:
        raise OpsError(
            f"Säkerhetskopian har schemaversion {revision or 'ingen'}, programmet {head}. "
            "Läs tillbaka den med den version av programmet som gjorde den och kör sedan "
            "`tracker db upgrade`."
        )


def _actual(target: Engine, names: list[str]) -> dict[str, int]:
    with target.connect() as conn:
        present = set(inspect(conn).get_table_names())
        prep = conn.dialect.identifier_preparer
        return {
            n: int(conn.exec_driver_sql(_COUNT.format(prep.quote(n))).scalar_one())
            for n in names
            if n in present
        }


def _sqlite_file(app: Flask, path: Path, target: Engine) -> Counts:
    """SQLite into SQLite: the backup API again, page by page into the empty target file;
    the schema comes with the file (Alembic then brings an older one up to date)."""
    require_empty(target)
    target.dispose()  # no pooled connection of ours holds the file while it is replaced
    src = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        expected = bk.sqlite_counts(src)
        dst = sqlite3.connect(bk.sqlite_file(app.config["DATABASE_URL"]), timeout=15)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return Counts(expected=expected, actual=_actual(target, list(expected)))


def _pg_restore(path: Path, target: Engine) -> Counts:
    require_empty(target)
    expected = bk.pg_dump_counts(path)
    dsn, password = libpq_url(target.url.render_as_string(hide_password=False))
    done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [
            bk.tool("pg_restore"),
            "--clean",  # drops the empty tables a `tracker db upgrade` may have made
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(path),
        ],
        env=bk.pg_env(password),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise OpsError(
            f"pg_restore misslyckades och ändrade ingenting (en transaktion): "
            f"{done.stderr.strip()[:800]}"
        )
    target.dispose()
    names = [n for n in expected if not is_internal(n)]
    return Counts(expected=expected, actual=_actual(target, names))
