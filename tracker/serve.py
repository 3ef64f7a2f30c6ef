"""`tracker serve`: the production server – gunicorn with settings fit for this app.

Sync workers (the app does short, database-bound requests; a slow client is the reverse
proxy's to buffer), 2 × CPUs + 1 of them up to 8 unless told, a 60 s timeout (the annual
report's Word or PDF file is the slowest answer), workers restarted after a few thousand
requests (a leak cannot grow for ever), the access log on standard output with the request
id, and – with METRICS_ENABLED – one metrics folder shared by the workers. The settings
that gunicorn reads from its config module are in `tracker/gunicorn_conf.py`."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_command(bind: str, workers: int, timeout: int) -> list[str]:
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        "python:tracker.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "tracker.wsgi:app",
    ]


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Adress:port.")
@click.option("--workers", type=int, default=None, help="Antal processer (2 × CPU + 1, högst 8).")
@click.option("--timeout", type=int, default=60, show_default=True, help="Sekunder per begäran.")
@click.option(
    "--proxies",
    type=int,
    default=None,
    help="Antal betrodda proxyservrar framför (X-Forwarded-For/-Proto); annars inställningen.",
)
@with_appcontext
def serve_command(bind: str, workers: int | None, timeout: int, proxies: int | None) -> None:
    """Kör webbservern för drift (gunicorn)."""
    config = current_app.config
    if not config.get("SECRET_KEY") or config.get("DEBUG"):
        raise click.ClickException(
            "Sätt TRACKER_SECRET_KEY och kör utan TRACKER_DEBUG i drift (se docs/deploy.md)."
        )
    env = dict(os.environ)
    if proxies is not None:
        env["TRACKER_PROXY_FIX_HOPS"] = str(proxies)
    if config.get("METRICS_ENABLED"):
        folder = Path(tempfile.gettempdir()) / f"tracker-metrics-{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)  # counts start again with the server
        folder.mkdir(mode=0o700)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    cmd = gunicorn_command(bind, workers or default_workers(), timeout)
    click.echo(f"Startar: {' '.join(cmd[1:])}", err=True)
    os.execve(cmd[0], cmd, env)  # noqa: S606 - our own gunicorn, replaces this process
