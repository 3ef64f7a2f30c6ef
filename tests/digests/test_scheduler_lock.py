"""One scheduler per database, whatever the instance folders: on SQLite the lock is a file
beside the database file, on PostgreSQL an advisory lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tracker import create_app
from tracker.meetings import services as meetings
from tracker.scheduler import AlreadyRunning, single_instance, sqlite_lock_path

from .conftest import SMTPServer
from .test_mail import setup_meeting

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="flock and signals as on servers")


def _app_in(folder: Path, database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(folder))
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url})


def test_two_instance_folders_share_one_lock_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_file = tmp_path / "data" / "tracker.sqlite"
    db_file.parent.mkdir()
    (tmp_path / "link").symlink_to(db_file.parent)  # another spelling of the same file
    first = _app_in(tmp_path / "inst-a", f"sqlite:///{db_file}", monkeypatch)
    second = _app_in(
        tmp_path / "inst-b", f"sqlite:///{tmp_path / 'link' / 'tracker.sqlite'}", monkeypatch
    )
    try:
        assert sqlite_lock_path(first) == sqlite_lock_path(second)
        assert sqlite_lock_path(first) == db_file.with_name("tracker.sqlite.scheduler.lock")
        with single_instance(first), pytest.raises(AlreadyRunning), single_instance(second):
            pass  # pragma: no cover - the lock is taken
        with single_instance(second):  # released when the first one ends
            pass
    finally:
        first.extensions["db_engine"].dispose()
        second.extensions["db_engine"].dispose()


def _scheduler_env(database_url: str, instance: Path, smtp: SMTPServer) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": "x",
        "TRACKER_MAIL_SERVER": "127.0.0.1",
        "TRACKER_MAIL_PORT": str(smtp.port),
        "TRACKER_INSTANCE_PATH": str(instance),
        "TRACKER_SCHEDULER_INTERVAL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",  # its output is read while it runs
    }


def _wait_for(smtp: SMTPServer, n: int, timeout: float = 40) -> None:
    end = time.monotonic() + timeout
    while len(smtp.handler.raw) < n and time.monotonic() < end:
        time.sleep(0.2)


def test_second_scheduler_with_another_instance_folder_runs_no_jobs(
    mail_app, make, smtp: SMTPServer, tmp_path: Path
) -> None:
    """Two `tracker scheduler` processes on the same database, each with its own instance
    folder: the second is refused (or, with --wait, waits) and runs jobs only once the
    first is gone."""
    url = mail_app.config["DATABASE_URL"]
    _org, forum, _meeting, _fault = setup_meeting(mail_app, make)
    cmd = [sys.executable, "-m", "tracker.cli", "scheduler"]

    def start(name: str, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
        out = tmp_path / f"{name}.out"
        with out.open("wb") as sink:  # a file, not a pipe: a full pipe would stall it
            proc = subprocess.Popen(
                [*cmd, *extra],
                env=_scheduler_env(url, tmp_path / name, smtp),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        return proc, out

    first, first_out = start("inst-a")
    waiting: subprocess.Popen[bytes] | None = None
    try:
        _wait_for(smtp, 2)
        assert len(smtp.handler.raw) == 2, first_out.read_text()  # the agenda, two contacts
        refused = subprocess.run(
            cmd, env=_scheduler_env(url, tmp_path / "inst-b", smtp), capture_output=True, timeout=60
        )
        assert refused.returncode != 0
        assert "En annan schemaläggare körs redan" in refused.stderr.decode()

        waiting, waiting_out = start("inst-c", "--wait")
        end = time.monotonic() + 30
        while "väntar" not in waiting_out.read_text() and time.monotonic() < end:
            time.sleep(0.2)
        assert "väntar" in waiting_out.read_text(), waiting_out.read_text()  # not running
        assert first.poll() is None, first_out.read_text()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    try:
        with Session(mail_app.extensions["db_engine"], expire_on_commit=False) as s:
            from tracker.meetings.models import Forum

            meetings.add_contact(
                s, forum=s.get(Forum, forum.id), actor_id=None, name="Ny", email="ny@example.se"
            )
            s.commit()
        _wait_for(smtp, 3)  # the waiting scheduler took over and sent the new agenda
        time.sleep(2)  # a few more passes: nothing is sent twice
    finally:
        if waiting is not None:
            waiting.send_signal(signal.SIGTERM)
            waiting.wait(timeout=30)
    assert sorted(m["To"] for m in smtp.handler.messages) == [
        "asa@example.se",
        "fk@example.se",
        "ny@example.se",
    ], waiting_out.read_text()
    if make_url(url).get_backend_name() == "sqlite":
        db_file = Path(make_url(url).database or "")
        assert db_file.with_name(db_file.name + ".scheduler.lock").exists()
        assert not (tmp_path / "inst-a" / "scheduler.lock").exists()
