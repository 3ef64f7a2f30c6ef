"""The load test (`make load`): Locust's users (benchmarks/locustfile.py) against
`tracker serve` on a fresh demo database, SQLite and PostgreSQL, then the check that every
write the app acknowledged is in the database exactly once (benchmarks/load_check.py).

    .venv/bin/python benchmarks/load.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/load.py --pg '' --users 10 --duration 30s    # SQLite, short

For each database: a new SQLite file in a temporary folder, or the PostgreSQL database
--pg-name (default tracker_load) dropped and created through the --pg admin URL; `tracker db
upgrade` and `tracker demo` (this checkout's CLI); `tracker serve` on a free local port
(gunicorn, its default workers unless --workers; plain-HTTP cookies); Locust headless
(`-u --users -r --spawn-rate -t --duration`) in a subprocess; the server stopped; the
markers counted. Prints per database a Markdown table per request type (requests, failures,
p50, p95, max, req/s), the errors and the exactly-once table, and exits non-zero on any
failed request, any 5xx in the server's log, or any missing, duplicated or misplaced
write. The server's log of a run with errors is kept under bench/ (git-ignored).

Requires Locust: `make load` installs it (`pip install -e '.[load]'`)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load_check  # noqa: E402

# this checkout's `tracker` command (the installed script may be another checkout's)
TRACKER = [sys.executable, "-c", "import sys; from tracker.cli import main; sys.exit(main())"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def base_env(url: str, instance: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TRACKER_DATABASE_URL=url,
        TRACKER_SECRET_KEY=secrets.token_hex(32),
        TRACKER_INSTANCE_PATH=instance,  # no instance config.py of the checkout
        TRACKER_SESSION_COOKIE_SECURE="false",  # plain HTTP on 127.0.0.1
        TRACKER_REMEMBER_COOKIE_SECURE="false",
        PYTHONPATH=str(ROOT),  # gunicorn imports this checkout's tracker
    )
    env.pop("TRACKER_DEBUG", None)
    return env


def prepare(url: str, env: dict[str, str]) -> None:
    for args in (["db", "upgrade"], ["demo"]):
        log(f"  tracker {' '.join(args)}")
        subprocess.run([*TRACKER, *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


@dataclass
class Run:
    label: str
    stats: dict[str, Any]  # what load_support.record_final_stats wrote
    server_errors: list[str]
    check: load_check.CheckResult
    server_log: Path | None
    load_before: str = ""

    @property
    def failed_requests(self) -> int:
        return int(self.stats["total"]["failures"])

    @property
    def exceptions(self) -> int:
        return sum(int(x["n"]) for x in self.stats["exceptions"])

    @property
    def failed(self) -> bool:
        return bool(
            self.failed_requests or self.exceptions or self.server_errors or self.check.failed
        )


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("tracker serve did not start")
        time.sleep(0.3)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful, finishes requests in flight
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def server_errors(server_log: Path) -> list[str]:
    """5xx answers in gunicorn's access log, and the last line of each traceback."""
    text = server_log.read_text(encoding="utf-8", errors="replace")
    bad = [line for line in text.splitlines() if re.search(r'" 5\d\d ', line)]
    for chunk in text.split("Traceback (most recent call last):")[1:]:
        last = next((ln for ln in chunk.splitlines()[1:] if ln and not ln[0].isspace()), "?")
        bad.append(f"traceback: {last}")
    return bad


def run_one(label: str, url: str, args: argparse.Namespace, work: Path) -> Run:
    instance = work / f"instance-{label.split()[0].lower()}"
    instance.mkdir()
    env = base_env(url, str(instance))
    log(f"{label}: demo data")
    prepare(url, env)
    port = free_port()
    serve = [*TRACKER, "serve", "--bind", f"127.0.0.1:{port}"]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    tag = label.split()[0].lower()
    server_log, writes, stats_file = (
        work / f"{tag}-server.log",
        work / f"{tag}-writes.jsonl",
        work / f"{tag}-locust.json",
    )
    with server_log.open("wb") as out:
        proc = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_ready(port, proc)
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        log(f"{label}: tracker serve on port {port}; locust {args.users} users, {args.duration}")
        locust = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", args.duration, "--stop-timeout", "20", "--only-summary",
            "--host", f"http://127.0.0.1:{port}", "--exit-code-on-error", "0",
        ]  # fmt: skip
        lenv = dict(env, LOAD_WRITES=str(writes), LOAD_STATS=str(stats_file))
        done = subprocess.run(locust, cwd=ROOT, env=lenv, capture_output=True, text=True)  # noqa: S603
        (work / f"{tag}-locust.out").write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode != 0 or not stats_file.exists():
            log(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"{label}: locust exited with {done.returncode}")
    finally:
        stop(proc)
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    log(f"{label}: checking the writes")
    result = load_check.check(url, load_check.read_writes(writes))
    run = Run(label, stats, server_errors(server_log), result, None, load_before)
    if run.failed:
        kept = ROOT / "bench" / f"load-{tag}-{os.getpid()}"
        kept.mkdir(parents=True, exist_ok=True)
        for p in work.glob(f"{tag}-*"):
            shutil.copy(p, kept / p.name)
        run.server_log = kept / server_log.name
    return run


def report(run: Run, args: argparse.Namespace) -> str:
    spawned = run.stats["users"]
    users = ", ".join(f"{n} {k.lower()}" for k, n in sorted(spawned.items(), key=lambda x: -x[1]))
    lines = [
        f"### {run.label}",
        "",
        f"{args.users} users ({users or '?'}), spawn rate {args.spawn_rate:g}/s, {args.duration}; "
        f"load average (1, 5, 15 min) when Locust started: {run.load_before}.",
        "",
        "| request | requests | failures | p50 ms | p95 ms | max ms | req/s "
        "| after the logins: requests | p50 ms | p95 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    rows = sorted(run.stats["entries"], key=lambda r: (r["name"], r["method"]))
    for r in [*rows, {**run.stats["total"], "method": "", "name": ""}]:
        name = f"{r['method']} `{r['name']}`" if r["name"] else "**all**"
        lines.append(
            f"| {name} | {r['requests']:,} | {r['failures']} | {r['p50']:,.0f} "
            f"| {r['p95']:,.0f} | {r['max']:,.0f} | {r['rps']:.2f} | {r['after_logins']:,} | "
            + (
                f"{r['after_p50']:,.0f} | {r['after_p95']:,.0f} |"
                if r["after_logins"]
                else "– | – |"
            )
        )
    lines += [
        "",
        f"The last login was answered {run.stats['logins_done_after_s']:g} s into the run; "
        "the last three columns count only the requests that started after it.",
    ]
    lines += [
        "",
        f"Errors: {run.failed_requests} failed requests (target 0), {run.exceptions} "
        f"exceptions in the users' tasks, {len(run.server_errors)} server errors (5xx or "
        "tracebacks in the server's log).",
    ]
    for e in run.stats["errors"][:10]:
        lines.append(f"- {e['method']} `{e['name']}` × {e['n']}: {e['error']}")
    for x in run.stats["exceptions"][:5]:
        lines.append(f"- task exception × {x['n']}: {x['message']}")
    lines += [f"- server: {e}" for e in run.server_errors[:10]]
    if run.server_log:
        lines.append(f"- logs kept in `{run.server_log.parent.relative_to(ROOT)}/`")
    lines += ["", load_check.markdown(run.check), ""]
    return "\n".join(lines)


def database_version(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect():
            return ".".join(map(str, engine.dialect.server_version_info or ()))
    finally:
        engine.dispose()


def machine(args: argparse.Namespace, pg_url: str | None) -> str:
    import locust

    from tracker.serve import default_workers

    facts = [
        f"{os.cpu_count()} CPUs ({platform.machine()})",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if pg_url:
        facts.append(f"PostgreSQL {database_version(pg_url)}")
    facts += [
        f"Locust {locust.__version__}",
        f"gunicorn {args.workers or default_workers()} workers",
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    ]
    return "Machine: " + " · ".join(facts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL admin URL ('' = SQLite only)",
    )
    ap.add_argument("--pg-name", default="tracker_load", help="scratch database (tracker_load)")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--spawn-rate", type=float, default=10)
    ap.add_argument("--duration", default="5m", help="Locust's --run-time (5m, 30s, …)")
    ap.add_argument("--workers", type=int, default=0, help="gunicorn workers (tracker serve's)")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    ap.add_argument("--out", help="also write the report to this file")
    args = ap.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.pg_name):
        ap.error("--pg-name: lower-case letters, digits and _ only")

    from sqlalchemy.engine import make_url

    facts = machine(args, args.pg or None)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as tmp:
        work = Path(tmp)
        if not args.no_sqlite:
            url = f"sqlite:///{work / 'load.sqlite'}"
            runs.append(run_one(f"SQLite {sqlite3.sqlite_version}", url, args, work))
            log(report(runs[-1], args))
        if args.pg:
            import psycopg

            admin = make_url(args.pg)
            libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
            name = args.pg_name
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            url = admin.set(database=name).render_as_string(hide_password=False)
            try:
                label = f"PostgreSQL {database_version(url)}"
                runs.append(run_one(label, url, args, work))
                log(report(runs[-1], args))
            finally:
                if not args.keep:
                    with psycopg.connect(libpq, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    head = [
        "## Load test",
        "",
        facts,
        "",
        f"Command: `.venv/bin/python benchmarks/load.py --users {args.users} "
        f"--spawn-rate {args.spawn_rate:g} --duration {args.duration}`",
        "",
    ]
    text = "\n".join(head + [report(r, args) for r in runs])
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    failed = [r.label for r in runs if r.failed]
    if failed:
        log(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
