"""Work done after a response is sent (tracker.after_response.AfterResponse): on SQLite, a request
that may have written checkpoints the write-ahead log into the database file, so no later
commit has to; a read does not, and a failure is only logged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, text
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tracker.after_response import AfterResponse


def _engine(path: Path):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _wal(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")  # only ours, in this test

    return engine


def _write(engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
        conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "y" * 500}] * n)


def test_a_write_request_checkpoints_the_log_after_its_response(tmp_path):
    db = tmp_path / "app.sqlite"
    engine = _engine(db)
    _write(engine, 1)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":
            _write(engine, 2000)  # about a megabyte, in the log only
        return Response("ok")(environ, start_response)

    client = Client(AfterResponse(app, engine, checkpoint_every=0.0))
    # buffered: the response is read and closed, as a server does once it is sent
    assert client.get("/", buffered=True).status_code == 200
    assert db.stat().st_size == size  # a read: nothing to copy
    assert client.post("/", buffered=True).status_code == 200
    assert db.stat().st_size > size + 500_000  # the log is in the database file now
    engine.dispose()


def test_no_checkpoint_for_postgresql_or_a_read(tmp_path):
    pg_like = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert AfterResponse(lambda e, s: [], pg_like).engine is None
    engine = _engine(tmp_path / "app.sqlite")
    calls = []
    middleware = AfterResponse(lambda e, s: [], engine, checkpoint_every=0.0)
    middleware._checkpoint = lambda: calls.append(1)  # type: ignore[method-assign]
    for method in ("GET", "HEAD", "POST"):
        body = middleware({"REQUEST_METHOD": method}, lambda *a: None)
        getattr(body, "close", lambda: None)()
    assert calls == [1]
    engine.dispose()
