"""`tracker backup`: a consistent copy of the database while the app runs, and the nightly
backup with retention (configuration BACKUP_DIR and BACKUP_KEEP).

Three formats, told apart by their first bytes (tracker.ops.restore reads all three):
- SQLite: a database file written by SQLite's online backup API (one step, so a snapshot).
- PostgreSQL with `pg_dump` on the PATH: pg_dump's custom format.
- PostgreSQL without it (or `--format portable`): a zip of one JSON-lines file per table in
  the order of the foreign keys, plus manifest.json (schema version, rows per table), all
  read in one REPEATABLE READ transaction.
A backup is written beside its destination and renamed when complete, so a file with the
backup's name is never half written."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Date, DateTime, Table
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator

from .copy import (
    OpsError,
    count_rows,
    data_tables,
    is_internal,
    libpq_url,
    plan_tables,
    reading_engine,
    revision_of,
    source_batches,
)

log = logging.getLogger(__name__)
PORTABLE = "tracker-portable"
SUFFIX = {"sqlite": ".sqlite", "pg_dump": ".pgdump", "portable": ".zip"}
KIND_WORDS = {
    "sqlite": "SQLite-fil (SQLites backup-API)",
    "pg_dump": "pg_dump, eget format (--format=custom)",
    "portable": "portabel zip (en JSON-rad per rad, tabell för tabell)",
}


@dataclass
class Backup:
    path: Path
    kind: str  # sqlite | pg_dump | portable
    counts: dict[str, int]


def sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise OpsError("En databas i minnet kan inte säkerhetskopieras.")
    return Path(database)


def _partial(out: Path) -> Path:
    return out.with_name(f".{out.name}.part")


def backup(app: Flask, out: Path, fmt: str = "auto") -> Backup:
    url: str = app.config["DATABASE_URL"]
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        if fmt == "portable":
            return _portable(url, out)
        return _sqlite(sqlite_file(url), out)
    if fmt == "portable" or (fmt == "auto" and shutil.which("pg_dump") is None):
        return _portable(url, out)
    return _pg_dump(url, out)


def _sqlite(db_file: Path, out: Path) -> Backup:
    if not db_file.exists():
        raise OpsError(f"Databasfilen {db_file} finns inte.")
    part = _partial(out)
    part.unlink(missing_ok=True)
    src = sqlite3.connect(db_file, timeout=15)
    dst = sqlite3.connect(part)
    try:
        src.backup(dst)  # all pages in one step: a consistent snapshot, writers go on (WAL)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise OpsError("Kopian klarade inte SQLites kontroll (quick_check).")
        counts = sqlite_counts(dst)
    finally:
        dst.close()
        src.close()
    os.replace(part, out)
    return Backup(out, "sqlite", counts)


def sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per data table of a SQLite file, in the order of the models' foreign keys."""
    names = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not is_internal(r[0])
    }
    ordered = [t.name for t in data_tables() if t.name in names]
    ordered += sorted(names - set(ordered))
    sql = 'SELECT count(*) FROM "{}"'  # a table name read from the file's own catalogue
    return {n: conn.execute(sql.format(n)).fetchone()[0] for n in ordered}


def tool(name: str) -> str:
    """The full path of a PostgreSQL client program (pg_dump, pg_restore)."""
    found = shutil.which(name)
    if found is None:
        raise OpsError(f"Programmet {name} finns inte (Debian: apt install postgresql-client).")
    return found


def pg_env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def _pg_dump(url: str, out: Path) -> Backup:
    dsn, password = libpq_url(url)
    part = _partial(out)
    done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [tool("pg_dump"), "--format=custom", f"--file={part}", f"--dbname={dsn}"],
        env=pg_env(password),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        part.unlink(missing_ok=True)
        raise OpsError(
            f"pg_dump misslyckades: {done.stderr.strip()[:500]}\n"
            "Prova `tracker backup --format portable`."
        )
    os.replace(part, out)
    return Backup(out, "pg_dump", pg_dump_counts(out))


def pg_dump_counts(path: Path) -> dict[str, int]:
    """Rows per table in a pg_dump archive: its data as COPY blocks, one line per row."""
    proc = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
        [tool("pg_restore"), "--data-only", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None
    counts: dict[str, int] = {}
    current: str | None = None
    for line in proc.stdout:
        if current is None:
            if line.startswith("COPY "):
                name = line.split(" ", 2)[1].split(".")[-1].strip('"')
                current = name
                counts.setdefault(name, 0)
        elif line.rstrip("\n") == "\\.":
            current = None
        else:
            counts[current] += 1
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise OpsError(f"pg_restore kunde inte läsa {path}: {err.strip()[:500]}")
    return {n: c for n, c in counts.items() if not is_internal(n)}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} in a portable backup")


def _portable(url: str, out: Path) -> Backup:
    part = _partial(out)
    engine = reading_engine(url)
    try:
        with (
            engine.connect() as conn,
            conn.begin(),
            zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf,
        ):
            tables = plan_tables(conn)
            counts = count_rows(conn, tables)
            for t in tables:
                with zf.open(f"tables/{t.name}.jsonl", "w") as fh:
                    for rows in source_batches(conn, t):
                        fh.write(
                            "".join(
                                json.dumps(r, default=_json_default, ensure_ascii=False) + "\n"
                                for r in rows
                            ).encode()
                        )
            manifest = {
                "format": PORTABLE,
                "version": 1,
                "revision": revision_of(conn),
                "dialect": conn.dialect.name,
                "created_at": datetime.now(UTC).isoformat(),
                "tables": [{"name": n, "rows": c} for n, c in counts.items()],
            }
            zf.writestr("manifest.json", json.dumps(manifest, indent=1))
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    os.replace(part, out)
    return Backup(out, "portable", counts)


def portable_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise OpsError("Zip-filen är ingen säkerhetskopia från tracker (manifest.json).") from exc
    if manifest.get("format") != PORTABLE:
        raise OpsError("Zip-filen är ingen säkerhetskopia från tracker.")
    return manifest


def portable_batches(zf: zipfile.ZipFile, table: Table) -> Iterator[list[dict[str, Any]]]:
    """A table's rows from a portable backup, with dates and times as Python values again."""
    name = f"tables/{table.name}.jsonl"
    if name not in zf.namelist():
        return
    convert: dict[str, Callable[[str], Any]] = {}
    for c in table.columns:
        kind = c.type.impl if isinstance(c.type, TypeDecorator) else c.type
        if isinstance(kind, DateTime):
            convert[c.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            convert[c.name] = date.fromisoformat
    batch: list[dict[str, Any]] = []
    with zf.open(name) as fh:
        for raw in fh:
            row = json.loads(raw)
            for col, fn in convert.items():
                if isinstance(row.get(col), str):
                    row[col] = fn(row[col])
            batch.append(row)
            if len(batch) >= 1000:
                yield batch
                batch = []
    if batch:
        yield batch


# ---- the nightly backup ------------------------------------------------------------------


def nightly(app: Flask) -> Path | None:
    """The scheduler's nightly job: a backup into BACKUP_DIR (nothing when it is unset),
    then only the newest BACKUP_KEEP backups are kept."""
    folder = str(app.config.get("BACKUP_DIR") or "").strip()
    if not folder:
        return None
    try:
        made = backup_into(app, Path(folder))
        removed = prune(Path(folder), int(app.config.get("BACKUP_KEEP") or 7))
        log.info("backup: %s written, %d old removed", made.path.name, len(removed))
        return made.path
    except Exception:  # retried the next night; the log says why
        log.exception("nightly backup failed")
        return None


def backup_into(app: Flask, folder: Path, now: datetime | None = None) -> Backup:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    url: str = app.config["DATABASE_URL"]
    kind = (
        "sqlite"
        if url.startswith("sqlite")
        else ("pg_dump" if shutil.which("pg_dump") else "portable")
    )
    return backup(app, folder / f"tracker-{stamp}{SUFFIX[kind]}")


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups made by the nightly job (by their names'
    timestamps); other files in the folder are left alone."""
    ours = sorted(
        p
        for p in folder.glob("tracker-*")
        if p.suffix in SUFFIX.values() and p.name[8:23].replace("-", "").isdigit()
    )
    old = ours[: max(len(ours) - max(keep, 1), 0)]
    for p in old:
        p.unlink()
    return old
