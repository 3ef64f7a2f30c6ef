"""gunicorn's settings for `tracker serve` (`--config python:tracker.gunicorn_conf`).

The access log goes to standard output with the request id the app sets on every response
(X-Request-ID); with TRACKER_LOG_FORMAT=json both of gunicorn's logs are JSON lines like the
app's. A dead worker's metric files are let go (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
from typing import Any

accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500

if os.environ.get("TRACKER_LOG_FORMAT", "").strip('"') == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "out": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["out"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["out"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["out"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
