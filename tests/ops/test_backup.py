"""`tracker backup` and `tracker restore` on SQLite, and the nightly backup's retention."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.demo import DEMO_PASSWORD
from tracker.ops.backup import backup_into, nightly

from ..conftest import do_login
from .conftest import count, demo_app, rows, run

COMPARED = ["organisation", "user", "fault", "occurrence", "meeting", "audit_entry"]


def _writer(db_file: Path, stop: threading.Event, done: list[int]) -> None:
    """Another connection writing all the time: two rows per transaction."""
    conn = sqlite3.connect(db_file, timeout=15, isolation_level=None)
    try:
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            for _ in range(2):
                conn.execute(
                    "INSERT INTO audit_entry (at, action) VALUES (?, 'test.write')",
                    (datetime.now(UTC).replace(tzinfo=None).isoformat(" "),),
                )
            conn.execute("COMMIT")
            done[0] += 1
    finally:
        conn.close()


def _writes(db_file: Path) -> int:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "SELECT count(*) FROM audit_entry WHERE action = 'test.write'"
        ).fetchone()[0]


def test_backup_while_writing_then_restore_into_empty_database(make_app, tmp_path):
    source = demo_app(make_app)
    db_file = Path(source.config["DATABASE_URL"].removeprefix("sqlite:///"))
    stop, done = threading.Event(), [0]
    writer = threading.Thread(target=_writer, args=(db_file, stop, done))
    writer.start()
    try:
        while done[0] < 20:
            threading.Event().wait(0.01)
        result = run(source, "backup", "--out", str(tmp_path / "kopia.sqlite"))
        at_backup = done[0]
        while done[0] < at_backup + 20:  # the writer was never blocked by the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "SQLites backup-API" in result.output
    backup_file = tmp_path / "kopia.sqlite"
    with sqlite3.connect(backup_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    in_backup = _writes(backup_file)
    assert 40 <= in_backup < _writes(db_file)
    assert in_backup % 2 == 0  # a snapshot: never half of a transaction

    target = make_app(migrated=False)
    restored = run(target, "restore", str(backup_file))
    assert restored.exit_code == 0, restored.output
    assert "Återläsningen är klar" in restored.output
    assert "SKILJER" not in restored.output
    assert "fault " in restored.output and " ok" in restored.output
    assert _writes(Path(target.config["DATABASE_URL"].removeprefix("sqlite:///"))) == in_backup
    with sqlite3.connect(backup_file) as conn:
        conn.execute("DELETE FROM audit_entry WHERE action = 'test.write'")
    for table in ["organisation", "user", "fault", "occurrence", "meeting"]:
        assert rows(target, table) == rows(source, table), table

    # the restored installation works: log in, the fault list, search (the FTS index came along)
    client = target.test_client()
    assert do_login(client, "ombud@demo.se", DEMO_PASSWORD).status_code == 302
    page = client.get("/faults/")
    assert page.status_code == 200
    first_title = rows(source, "fault")[0][3]
    assert first_title in page.get_data(as_text=True)


def test_restore_refuses_a_database_that_has_rows(make_app, tmp_path):
    source = demo_app(make_app)
    assert run(source, "backup", "--out", str(tmp_path / "b.sqlite")).exit_code == 0
    before = count(source, "fault")
    result = run(source, "restore", str(tmp_path / "b.sqlite"))
    assert result.exit_code != 0
    assert "Måldatabasen är inte tom" in result.output
    assert "organisation" in result.output
    assert count(source, "fault") == before

    other = demo_app(make_app)  # a portable backup is refused the same way
    assert (
        run(source, "backup", "--format", "portable", "--out", str(tmp_path / "b.zip")).exit_code
        == 0
    )
    refused = run(other, "restore", str(tmp_path / "b.zip"))
    assert refused.exit_code != 0 and "inte tom" in refused.output


def test_restore_refuses_a_file_that_is_no_backup(make_app, tmp_path):
    target = make_app()
    junk = tmp_path / "anteckningar.txt"
    junk.write_text("inget här")
    result = run(target, "restore", str(junk))
    assert result.exit_code != 0
    assert "ingen säkerhetskopia" in result.output


def test_portable_backup_round_trip_on_sqlite(make_app, tmp_path):
    source = demo_app(make_app)
    made = run(source, "backup", "--format", "portable", "--out", str(tmp_path / "p.zip"))
    assert made.exit_code == 0, made.output
    assert "portabel zip" in made.output
    target = make_app()  # a migrated, empty database counts as empty
    restored = run(target, "restore", str(tmp_path / "p.zip"))
    assert restored.exit_code == 0, restored.output
    assert "SKILJER" not in restored.output
    for table in COMPARED:
        assert rows(target, table) == rows(source, table), table
    client = target.test_client()
    assert do_login(client, "samordnare@demo.se", DEMO_PASSWORD).status_code == 302
    word = rows(source, "fault")[0][3].split()[0]
    hit = client.get("/faults/", query_string={"q": word})  # the search index was rebuilt
    assert hit.status_code == 200 and rows(source, "fault")[0][3] in hit.get_data(as_text=True)


def test_nightly_backup_keeps_the_newest(make_app, tmp_path):
    folder = tmp_path / "kopior"
    app = demo_app(make_app)
    assert nightly(app) is None  # BACKUP_DIR unset: nothing
    app.config.update(BACKUP_DIR=str(folder), BACKUP_KEEP=3)
    start = datetime(2026, 11, 1, 2, 40, tzinfo=UTC)
    for day in range(4):  # four earlier nights
        backup_into(app, folder, now=start + timedelta(days=day))
    (folder / "anteckningar.txt").write_text("inte en kopia")
    newest = nightly(app)
    assert newest is not None and newest.exists()
    kept = sorted(p.name for p in folder.glob("tracker-*"))
    assert kept == ["tracker-20261103-024000.sqlite", "tracker-20261104-024000.sqlite", newest.name]
    assert (folder / "anteckningar.txt").exists()  # other files are left alone
    with sqlite3.connect(newest) as conn:
        assert conn.execute("SELECT count(*) FROM fault").fetchone()[0] == count(app, "fault")


def test_the_scheduler_runs_the_nightly_backup(make_app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from tracker.scheduler import _scheduler

    job = _scheduler(BackgroundScheduler, make_app()).get_job("backup")
    assert job is not None and "hour='2'" in str(job.trigger)


def test_restore_with_differing_counts_fails_and_leaves_nothing(make_app, tmp_path):
    import json
    import zipfile

    source = demo_app(make_app)
    good = tmp_path / "p.zip"
    assert run(source, "backup", "--format", "portable", "--out", str(good)).exit_code == 0
    bad = tmp_path / "fel.zip"  # a backup whose manifest promises one fault more than it holds
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "manifest.json":
                manifest = json.loads(data)
                for t in manifest["tables"]:
                    t["rows"] += t["name"] == "fault"
                data = json.dumps(manifest).encode()
            zout.writestr(item, data)
    target = make_app()
    result = run(target, "restore", str(bad))
    assert result.exit_code != 0
    assert "SKILJER" in result.output and "Antalet rader skiljer sig" in result.output
    fault_line = next(line for line in result.output.splitlines() if line.startswith("fault "))
    assert "SKILJER" in fault_line
    assert count(target, "fault") == 0 and count(target, "organisation") == 0  # rolled back
    assert run(target, "restore", str(good)).exit_code == 0  # still empty: a good one goes in
