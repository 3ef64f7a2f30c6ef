"""Seeing the app run: a request id on every request, in every log line and in the
response (`X-Request-ID`); log lines as JSON (LOG_FORMAT = "json", python-json-logger);
and Prometheus metrics at /metrics (METRICS_ENABLED, the maintained prometheus_client):
request latency per endpoint, the outbox's queue and failures, the scheduler's last pass.

/metrics answers 404 while off; when on, it wants `Authorization: Bearer <METRICS_TOKEN>`
or, without a token configured, a request from the host itself. Under gunicorn with
several workers `tracker serve` sets PROMETHEUS_MULTIPROC_DIR, so a scrape sums all
workers."""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select
from sqlmodel import Field, SQLModel

from .models_base import utc_field
from .timeutil import utcnow

REQUEST_ID = "X-Request-ID"
_ID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

REQUEST_SECONDS = Histogram(
    "tracker_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "tracker_requests", "Requests answered, by endpoint and status.", ["endpoint", "status"]
)


class SchedulerRun(SQLModel, table=True):
    """The scheduler's last pass per job, for /metrics (the scheduler is another process,
    possibly on another host)."""

    __tablename__ = "scheduler_run"

    job: str = Field(primary_key=True, max_length=40)
    last_run_at: datetime = utc_field()
    last_ok_at: datetime | None = utc_field(default_now=False, nullable=True)


def beat(session: Any, job: str, *, ok: bool) -> None:
    """Record a pass of `job` (the caller commits)."""
    now = utcnow()
    row = session.get(SchedulerRun, job) or SchedulerRun(job=job, last_run_at=now)
    row.last_run_at = now
    if ok:
        row.last_ok_at = now
    session.add(row)


# ---- request id and logs ----------------------------------------------------------------


def request_id() -> str:
    return str(g.get("request_id", "-")) if has_request_context() else "-"


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def _install_logging(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") != "json" or getattr(logging, "_tracker_json", False):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter())
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logging._tracker_json = True  # type: ignore[attr-defined]  # once per process


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(REQUEST_ID, "")
    # only a trusted proxy's id is taken over; a client's could be anything
    trusted = int(current_app.config.get("PROXY_FIX_HOPS") or 0) > 0
    g.request_id = given if trusted and _ID_OK.match(given) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID] = request_id()
    started = g.get("request_started")
    # nothing recorded while the metrics are off: no work on every request for nobody
    if (
        started is not None
        and current_app.config.get("METRICS_ENABLED")
        and request.endpoint != "observe.metrics"
    ):
        endpoint = request.endpoint or "none"
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(endpoint, str(response.status_code)).inc()
    return response


# ---- /metrics ---------------------------------------------------------------------------


class _Collector:
    """Read at each scrape: the outbox and the scheduler's passes, installation-wide."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from . import db
        from .outbox import OutboxMessage

        queue = GaugeMetricFamily(
            "tracker_outbox_messages", "E-mails in the outbox by status.", labels=["status"]
        )
        last = GaugeMetricFamily(
            "tracker_scheduler_last_run_timestamp_seconds",
            "When the scheduler last ran a job (Unix time).",
            labels=["job", "result"],
        )
        s = db.session()
        status: Any = OutboxMessage.status
        counts: dict[str, int] = {
            str(k): int(n) for k, n in s.execute(select(status, func.count()).group_by(status))
        }
        for status in ("queued", "sending", "sent", "failed"):
            queue.add_metric([status], float(counts.get(status, 0)))
        for run in s.execute(select(SchedulerRun)).scalars():
            last.add_metric([run.job, "run"], run.last_run_at.timestamp())
            if run.last_ok_at is not None:
                last.add_metric([run.job, "ok"], run.last_ok_at.timestamp())
        yield queue
        yield last


def _allowed(app: Flask) -> bool:
    token = str(app.config.get("METRICS_TOKEN") or "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.remote_addr in ("127.0.0.1", "::1")


def _metrics_view(app: Flask) -> Any:
    def metrics() -> Response:
        if not app.config.get("METRICS_ENABLED"):
            abort(404)
        if not _allowed(app):
            abort(403)
        registry: Any = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        scrape = CollectorRegistry()
        scrape.register(_Collector())
        body = generate_latest(registry) + generate_latest(scrape)
        return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0])

    return metrics


def init_app(app: Flask) -> None:
    _install_logging(app)
    # first of the before-request functions: even a refused request has its id
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "observe.metrics", _metrics_view(app))
