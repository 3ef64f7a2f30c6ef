"""Running in production: request ids, JSON log lines, Prometheus metrics and `tracker serve`
(a real gunicorn in a subprocess)."""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import g

from tracker import scheduler
from tracker.observe import _RequestIdFilter, json_formatter

ROOT = Path(__file__).resolve().parent.parent
TRACKER = [sys.executable, "-c", "import sys; from tracker.cli import main; sys.exit(main())"]


def test_every_answer_has_its_own_request_id(app, client, monkeypatch) -> None:
    a = client.get("/healthz").headers["X-Request-ID"]
    b = client.get("/login").headers["X-Request-ID"]
    assert a and b and a != b
    # a client's own id is not taken over …
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] != "abc-123"
    # … a trusted proxy's is (and only a plain one)
    monkeypatch.setitem(app.config, "PROXY_FIX_HOPS", 1)
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    odd = client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    assert odd.headers["X-Request-ID"] != "x" * 200


def test_a_json_log_line_carries_the_request_id(app) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(_RequestIdFilter())
    log = logging.getLogger("tracker.test_observe")
    log.addHandler(handler)
    try:
        with app.test_request_context("/"):
            g.request_id = "r-42"
            log.warning("utskicket misslyckades: %d", 3)
        log.warning("utanför en begäran")
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "utskicket misslyckades: 3" and first["request_id"] == "r-42"
    assert first["level"] == "WARNING" and first["logger"] == "tracker.test_observe"
    assert second["request_id"] == "-"


def test_metrics_are_off_unless_enabled_and_only_for_the_scraper(app, client, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    client.get("/healthz")
    client.get("/login")
    page = client.get("/metrics")  # from the host itself
    assert page.status_code == 200 and page.mimetype == "text/plain"
    text = page.get_data(as_text=True)
    assert 'tracker_request_duration_seconds_count{endpoint="main.healthz",method="GET"}' in text
    assert 'tracker_outbox_messages{status="queued"}' in text
    # from elsewhere: refused; with a token: only with the token
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=remote).status_code == 403
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "hemlig-nyckel")
    assert client.get("/metrics").status_code == 403
    auth = {"Authorization": "Bearer hemlig-nyckel"}
    assert client.get("/metrics", headers=auth, environ_base=remote).status_code == 200
    wrong = {"Authorization": "Bearer fel"}
    assert client.get("/metrics", headers=wrong, environ_base=remote).status_code == 403


def test_the_schedulers_last_pass_is_a_metric(app, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    before = time.time()
    scheduler.tick(app)
    text = client.get("/metrics").get_data(as_text=True)
    line = next(
        x
        for x in text.splitlines()
        if x.startswith("tracker_scheduler_last_run_timestamp")
        and 'job="digests"' in x
        and 'result="ok"' in x
    )
    assert float(line.rsplit(" ", 1)[1]) >= before - 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode()
    finally:
        conn.close()


@pytest.mark.skipif(os.name != "posix", reason="gunicorn")
def test_tracker_serve_runs_gunicorn_with_json_logs_and_shared_metrics(tmp_path) -> None:
    env = dict(
        os.environ,
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite'}",
        TRACKER_SECRET_KEY="x" * 40,
        TRACKER_INSTANCE_PATH=str(tmp_path),
        TRACKER_METRICS_ENABLED="true",
        TRACKER_LOG_FORMAT="json",
    )
    env.pop("TRACKER_DEBUG", None)
    subprocess.run([*TRACKER, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    out = (tmp_path / "out.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - our own command
        [*TRACKER, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, _body = _get(port, "/healthz")
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "out.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert status == 200
        rid = headers["X-Request-ID"]
        for _ in range(10):  # spread over both workers
            _get(port, "/healthz")
        status, _h, metrics = _get(port, "/metrics")
        assert status == 200
        count = next(
            line
            for line in metrics.splitlines()
            if line.startswith("tracker_request_duration_seconds_count")
            and 'endpoint="main.healthz"' in line
        )
        assert float(count.rsplit(" ", 1)[1]) == 11  # both workers' requests, summed
        time.sleep(0.5)
        lines = [
            json.loads(x)
            for x in (tmp_path / "out.log").read_text().splitlines()
            if x.startswith("{")
        ]
        access = [x for x in lines if x.get("logger") == "gunicorn.access"]
        assert any(rid in x["message"] and "/healthz" in x["message"] for x in access)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        out.close()
