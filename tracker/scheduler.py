"""`tracker scheduler`: APScheduler 3 in its own process. The jobs hold no state – each
run computes what is due from the database – and only one scheduler runs at a time:
a PostgreSQL advisory lock (held across hosts), or on SQLite an flock on the file
`<database file>.scheduler.lock` beside the database, so two schedulers on one host share
the lock whatever their instance folders (SQLite is for one host; several hosts need
PostgreSQL)."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from flask import Flask

log = logging.getLogger(__name__)
LOCK_KEY = 0x5F5E_7AC4  # advisory lock id for "the systemfel scheduler"


class AlreadyRunning(RuntimeError):
    pass


def sqlite_lock_path(app: Flask) -> Path:
    """The lock file beside the SQLite database file, the same for every process that uses
    that file (the path resolved, symlinks included). An in-memory database is private to
    its process; its lock stays in the instance folder."""
    engine = app.extensions["db_engine"]
    database = engine.url.database or ""
    if database.startswith("file:"):  # a URI filename (`?uri=true`)
        database = database[len("file:") :].split("?", 1)[0]
    if not database or database == ":memory:" or "mode=memory" in str(engine.url):
        return Path(app.instance_path) / "scheduler.lock"
    db_file = Path(os.path.realpath(database))
    return db_file.with_name(db_file.name + ".scheduler.lock")


@contextmanager
def single_instance(app: Flask) -> Iterator[None]:
    engine = app.extensions["db_engine"]
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            got = conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar()
            conn.commit()
            if not got:
                raise AlreadyRunning
            yield
        finally:
            conn.close()  # ends the session and with it the advisory lock
        return
    path = sqlite_lock_path(app)
    handle: IO[str] = open(path, "a+")  # noqa: SIM115 - held for the scheduler's life
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise AlreadyRunning from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def tick(app: Flask) -> None:
    from .digests.jobs import run_once

    ok = False
    try:
        queued, sent = run_once(app)
        ok = True
        if queued or sent:
            log.info("digests: %d queued, %d sent", queued, sent)
    except Exception:  # a failed run is retried by the next one
        log.exception("digest run failed")
    _network_digests(app)
    _beat(app, "digests", ok=ok)


def _network_digests(app: Flask) -> None:
    """The network forums' agendas (tracker.networks.forum_digest); a failure is logged
    and retried by the next tick, and stops nothing else."""
    try:
        from . import db
        from .networks.forum_digest import queue_network_digests

        with app.app_context():
            queued = queue_network_digests(db.session())
        if queued:
            log.info("network digests: %d queued", queued)
    except Exception:
        log.exception("network digest run failed")


def _beat(app: Flask, job: str, *, ok: bool) -> None:
    """The pass's time for /metrics; never stops the scheduler."""
    from . import db
    from .observe import beat

    try:
        with app.app_context(), db.transaction() as s:
            beat(s, job, ok=ok)
    except Exception:
        log.exception("could not record the %s pass", job)


def gallring(app: Flask) -> None:
    """The daily retention pass: narratives of faults closed long enough ago."""
    from . import db
    from .faults.retention import purge

    try:
        with app.app_context(), db.transaction() as s:
            done = purge(s)
        for r in done:
            log.info("gallring: %d narratives in %s", r.occurrences, r.org.slug)
    except Exception:  # retried by the next daily run
        log.exception("gallring failed")
        _beat(app, "gallring", ok=False)
        return
    _beat(app, "gallring", ok=True)


def _scheduler(cls: Any, app: Flask) -> Any:
    sched = cls(timezone="Europe/Stockholm")
    interval = int(app.config.get("SCHEDULER_INTERVAL_SECONDS", 60))
    sched.add_job(
        tick,
        "interval",
        seconds=interval,
        args=[app],
        id="digests",
        max_instances=1,
        coalesce=True,
        next_run_time=_now(),
    )
    # Daily at night, and once at start so a scheduler that was down catches up.
    sched.add_job(
        gallring,
        "cron",
        hour=3,
        minute=20,
        args=[app],
        id="gallring",
        max_instances=1,
        coalesce=True,
        next_run_time=_now(),
    )
    # The nightly backup (tracker.ops.backup; does nothing unless BACKUP_DIR is set).
    sched.add_job("tracker.ops.backup:nightly", "cron", hour=2, minute=40, args=[app], id="backup")
    return sched


def _now() -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Stockholm"))


def run_blocking(app: Flask) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler

    with single_instance(app):
        _scheduler(BlockingScheduler, app).start()


def embed(app: Flask) -> None:
    """For `make run`: the dev server runs the scheduler in a thread, in the serving process
    only (the reloader's watcher process does not), and only if no other one holds the lock."""

    def _run() -> None:
        from apscheduler.schedulers.blocking import BlockingScheduler

        try:
            with single_instance(app):
                _scheduler(BlockingScheduler, app).start()
        except AlreadyRunning:
            log.warning("another scheduler is running; the dev server does not start one")

    threading.Thread(target=_run, name="scheduler", daemon=True).start()
