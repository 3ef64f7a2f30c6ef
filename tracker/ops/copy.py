"""Rows from one database into another: the move of a whole installation from SQLite to
PostgreSQL (`tracker db copy`) and the restore of a portable backup.

The target must be empty; its schema comes from Alembic, the rows go in by SQLAlchemy Core
(not the ORM, so the audit log's append-only guard, the privacy backstop and the data-version
hooks, which judge new writes, do not touch rows that already exist) in the order of the
foreign keys, in batches, in ONE transaction: a failure rolls everything back and leaves the
target as empty as it was. The counts per table are compared before the commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from .. import db, migrate

BATCH = 1000
# Tables that are not data: Alembic's bookkeeping and SQLite's FTS5 index (rebuilt from rows).
INTERNAL_PREFIXES = ("alembic_version", "fault_fts", "sqlite_")


class OpsError(RuntimeError):
    """A refusal or failure with a message for the person at the terminal (Swedish)."""


class NotEmpty(OpsError):
    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        shown = ", ".join(tables[:8]) + (" …" if len(tables) > 8 else "")
        super().__init__(
            f"Måldatabasen är inte tom (rader i {shown}). Återläsning och flytt görs bara till "
            "en tom databas: skapa en ny databas, eller töm den här om du är säker på att "
            "ingenting i den behövs."
        )


@dataclass
class Counts:
    """Rows per table in the source and in the target."""

    expected: dict[str, int]
    actual: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(self.actual.get(name) == n for name, n in self.expected.items())

    def table(self) -> str:
        width = max([len("tabell")] + [len(n) for n in self.expected])
        lines = [f"{'tabell':<{width}}  {'källa':>9}  {'mål':>9}", "-" * (width + 22)]
        for name, n in self.expected.items():
            got = self.actual.get(name)
            mark = "ok" if got == n else "SKILJER"
            shown = "–" if got is None else str(got)
            lines.append(f"{name:<{width}}  {n:>9}  {shown:>9}  {mark}")
        return "\n".join(lines)


def data_tables() -> list[Table]:
    """Every model's table, parents before children (the import registers all models)."""
    import tracker.models  # noqa: F401

    return list(SQLModel.metadata.sorted_tables)


def plan_tables(conn: Connection) -> list[Table]:
    """The data tables of a database in the order of its foreign keys: the models' tables
    (their types turn SQLite's stored values into Python ones), and a table the database
    has that no imported model describes, as the database itself describes it."""
    models = {t.name: t for t in data_tables()}
    found = MetaData()
    found.reflect(conn)
    return [models.get(t.name, t) for t in found.sorted_tables if not is_internal(t.name)]


def is_internal(name: str) -> bool:
    return name.startswith(INTERNAL_PREFIXES)


def libpq_url(url: str) -> tuple[str, str | None]:
    """A SQLAlchemy PostgreSQL URL as libpq takes it (pg_dump, pg_restore), and the password
    apart so that it goes in PGPASSWORD, not on a command line other users can read."""
    u = make_url(url)
    password = u.password
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), (
        str(password) if password is not None else None
    )


def reading_engine(url: str) -> Engine:
    """An engine for a consistent read while the app runs: on SQLite a deferred BEGIN (a
    snapshot in WAL mode that never takes the write lock), on PostgreSQL a read-only
    REPEATABLE READ transaction."""
    if not url.startswith("sqlite"):
        return create_engine(url, isolation_level="REPEATABLE READ").execution_options(
            postgresql_readonly=True
        )
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=15000")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def nonempty_tables(conn: Connection) -> list[str]:
    """The tables of the target that hold rows (Alembic's own and SQLite's index aside)."""
    present = {n for n in inspect(conn).get_table_names() if not is_internal(n)}
    order = [t.name for t in data_tables()]  # parents first: the message names organisation
    names = [n for n in order if n in present] + sorted(present - set(order))
    prep = conn.dialect.identifier_preparer
    return [n for n in names if conn.exec_driver_sql(_ANY_ROW.format(prep.quote(n))).first()]


_ANY_ROW = "SELECT 1 FROM {} LIMIT 1"  # a quoted table name from the database's catalogue


def require_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        full = nonempty_tables(conn)
    if full:
        raise NotEmpty(full)


def code_head(app: Flask) -> str:
    heads = ScriptDirectory.from_config(migrate.alembic_config(app)).get_heads()
    return ",".join(sorted(heads))


def revision_of(conn: Connection) -> str:
    return ",".join(sorted(MigrationContext.configure(conn).get_current_heads()))


def upgrade_schema(app: Flask, engine: Engine, revision: str = "head") -> None:
    """Alembic on another database than the app's own, with the app's migrations."""
    cfg = migrate.alembic_config(app)
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, revision)


def count_rows(conn: Connection, tables: Iterable[Table]) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables
    }


def insert_rows(conn: Connection, table: Table, batches: Iterable[list[dict[str, Any]]]) -> int:
    """Insert the batches; a column that refers to its own table (a fault's duplicate_of)
    is filled afterwards, so a row may point at one inserted later."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    pk = list(table.primary_key.columns)
    later: dict[str, list[dict[str, Any]]] = {name: [] for name in own}
    n = 0
    for rows in batches:
        if not rows:
            continue
        for row in rows:
            for name in own:
                if row.get(name) is not None:
                    later[name].append({"_pk": row[pk[0].name], "_v": row[name]})
                    row[name] = None
        conn.execute(table.insert(), rows)
        n += len(rows)
    for name, pairs in later.items():
        stmt = (
            table.update()
            .where(pk[0] == bindparam("_pk"))
            .values({name: bindparam("_v")})
            .execution_options(synchronize_session=False)
        )
        for i in range(0, len(pairs), BATCH):
            conn.execute(stmt, pairs[i : i + BATCH])
    return n


def source_batches(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(yield_per=BATCH).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for part in result.partitions(BATCH):
        yield [dict(row._mapping) for row in part]


def reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL: every id sequence continues after the highest id copied (setval), so the
    next row the app inserts gets a new id. SQLite takes max(rowid) + 1 by itself."""
    if conn.dialect.name != "postgresql":
        return
    for t in tables:
        pk = list(t.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id":
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"),
            {"t": conn.dialect.identifier_preparer.quote(t.name)},
        ).scalar()
        if seq:
            conn.execute(
                text(
                    f"SELECT setval(:s, COALESCE((SELECT max(id) FROM "  # noqa: S608
                    f"{conn.dialect.identifier_preparer.quote(t.name)}), 0) + 1, false)"
                ),
                {"s": seq},
            )


def finish_target(conn: Connection, tables: list[Table]) -> None:
    """After the rows: the sequences on PostgreSQL, the search index on SQLite."""
    reset_sequences(conn, tables)
    if conn.dialect.name == "sqlite":
        from ..faults import search

        search.rebuild(Session(bind=conn))


def load_into(
    app: Flask,
    target: Engine,
    expected_of: Callable[[list[Table]], dict[str, int]],
    rows_of: Callable[[Table], Iterable[list[dict[str, Any]]]],
    echo: Callable[[str], None],
) -> Counts:
    """Schema by Alembic on the (empty) target, then every table's rows from `rows_of`, in
    one transaction committed only when every count matches `expected_of(tables)`."""
    require_empty(target)
    echo("Skapar schemat i måldatabasen (Alembic) …")
    upgrade_schema(app, target)
    conn = target.connect()
    try:
        with conn.begin() as trans:
            if conn.dialect.name == "postgresql":  # a time stored without zone is UTC
                conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            tables = plan_tables(conn)
            counts = Counts(expected=expected_of(tables))
            for t in tables:
                n = insert_rows(conn, t, rows_of(t))
                if n:
                    echo(f"  {t.name}: {n} rader")
            finish_target(conn, tables)
            counts.actual = count_rows(conn, tables)
            if not counts.ok:
                trans.rollback()
    finally:
        conn.close()
    return counts


def copy_database(app: Flask, to_url: str, echo: Callable[[str], None]) -> Counts:
    """Every row of the app's database into the empty database at `to_url`."""
    source_url = app.config["DATABASE_URL"]
    if make_url(to_url).render_as_string(False) == make_url(source_url).render_as_string(False):
        raise OpsError("Måldatabasen är samma som den inställda databasen.")
    target = db.make_engine(to_url)
    source = reading_engine(source_url)
    try:
        with source.connect() as src, src.begin():
            head, rev = code_head(app), revision_of(src)
            if rev != head:
                raise OpsError(
                    f"Den inställda databasen har schemaversion {rev or 'ingen'}, programmet "
                    f"{head}: kör `tracker db upgrade` först."
                )
            return load_into(
                app,
                target,
                lambda tables: count_rows(src, tables),
                lambda t: source_batches(src, t),
                echo,
            )
    finally:
        source.dispose()
        target.dispose()
