"""Measure the key pages on the national data set, over HTTP against gunicorn.

    .venv/bin/python benchmarks/run.py --db URL             # a database national.py filled
    .venv/bin/python benchmarks/run.py --scale 0.05 --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
                                                            # build and measure (make bench)

Measuring a database: start gunicorn with two workers on a free local port, log in over
HTTP (standard library only) as the samordnare of the largest organisation (most
occurrences) and of the smallest, and for each key page take up to --samples timed requests,
each right after a /healthz and a /readyz request, so both floors are sampled under the
same conditions all through the run – the reads with no write between them (steady), the
writes, then the reads again each right after a POST /log (after a write: what is kept per
process until the organisation's data changes is computed again). A page's p50 and p95
are printed as multiples of that /healthz p50 (liveness: no database), and its p95 also
as a multiple of the /readyz p50 (one round trip to the database – what /healthz did when
the targets were set): the ratios cancel the machine's speed and the HTTP overhead and can
be compared across machines and runs. Slow pages stop after --budget seconds (at least
--min-samples requests). The statements per request are counted in-process (Flask test
client, SQLAlchemy before_cursor_execute, BEGIN/COMMIT/ROLLBACK not counted), as
benchmarks/bench_faults.py does. Then throughput: requests/s of /healthz, /readyz and /faults/
with --threads concurrent clients for --seconds each.

Building (--scale): generate the data set with benchmarks/national.py in a new SQLite file
under bench/ (deleted afterwards unless --keep) and, with --pg ADMIN_URL, in a new
PostgreSQL database tracker_bench_<random> (dropped afterwards), and measure each.

POST /log really logs an occurrence on the busiest fault (one per sample): the measured
database grows by a few dozen rows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks import national  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.demo import DEMO_PASSWORD  # noqa: E402

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
NARRATIVE = "Klienten väntade på beslut i fyra månader trots påminnelser."


# ---- what to measure --------------------------------------------------------------------------


@dataclass
class Target:
    """One organisation and the objects its pages are measured on."""

    label: str
    slug: str
    email: str
    faults: int
    occurrences: int
    busiest_ref: str
    busiest_count: int
    filter_query: str
    meeting_id: int
    meeting_items: int
    year: int
    password: str = national.PASSWORD


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[Target], str]
    method: str = "GET"
    status: int = 200
    samples: int | None = None  # None: --samples
    after_write: bool = True  # also timed right after a write (see measure)


def log_form(t: Target, csrf: str) -> dict[str, Any]:
    """The quick-log form as a browser posts it: an occurrence on an existing fault."""
    return {
        "csrf_token": csrf,
        "mode": "existing",
        "fault_ref": t.busiest_ref,
        "new_title": "",
        "new_authority_id": "0",
        "observed_on": date.today().isoformat(),
        "narrative": NARRATIVE,
        "gender": "kvinna",
        "age_band": "",
        "consequences": ["inkomstbortfall"],
        "confirm_anonymous": "y",
    }


PAGES = [
    Page("Dashboard `/`", lambda t: "/"),
    Page("Fault list `/faults/`", lambda t: "/faults/"),
    Page("Fault list filtered `/faults/?q=…&status=…`", lambda t: f"/faults/?{t.filter_query}"),
    Page("Busiest fault `/faults/<ref>`", lambda t: f"/faults/{t.busiest_ref}"),
    Page("Quick log `GET /log`", lambda t: "/log"),
    Page("Quick log `POST /log` (saves an occurrence)", lambda t: "/log", "POST", 302),
    Page("Meeting `/meetings/<id>`", lambda t: f"/meetings/{t.meeting_id}"),
    Page("Agenda `/meetings/<id>/agenda.md`", lambda t: f"/meetings/{t.meeting_id}/agenda.md"),
    Page("Annual report `/reports/<year>`", lambda t: f"/reports/{t.year}", after_write=False),
    Page(
        "Annual report `/reports/<year>.docx`",
        lambda t: f"/reports/{t.year}.docx",
        samples=10,
        after_write=False,
    ),
    Page(
        "CSV export `/faults/export.csv`",
        lambda t: "/faults/export.csv",
        samples=15,
        after_write=False,
    ),
]


def discover(url: str, password: str = national.PASSWORD) -> list[Target]:
    """The largest organisation (most occurrences) and the smallest, from the data."""
    engine = create_engine(url)
    year = date.today().year - 1
    targets = []
    try:
        with engine.connect() as c:
            per_org = c.execute(
                text("SELECT org_id, count(*) FROM occurrence GROUP BY org_id ORDER BY 2 DESC, 1")
            ).all()
            if not per_org:
                raise SystemExit(f"{url}: no occurrences - fill it with benchmarks/national.py")
            for label, (org_id, n_occ) in (("largest", per_org[0]), ("smallest", per_org[-1])):
                slug = c.execute(
                    text("SELECT slug FROM organisation WHERE id = :o"), {"o": org_id}
                ).scalar_one()
                email = c.execute(
                    text(
                        'SELECT u.email FROM "user" u JOIN membership m ON m.user_id = u.id '
                        "WHERE m.org_id = :o AND m.role = 'samordnare' ORDER BY u.id"
                    ),
                    {"o": org_id},
                ).scalar_one()
                n_faults = c.execute(
                    text("SELECT count(*) FROM fault WHERE org_id = :o"), {"o": org_id}
                ).scalar_one()
                fault_id, count = c.execute(
                    text(
                        "SELECT fault_id, count(*) FROM occurrence WHERE org_id = :o "
                        "GROUP BY fault_id ORDER BY 2 DESC, 1 LIMIT 1"
                    ),
                    {"o": org_id},
                ).one()
                ref, title, status = c.execute(
                    text("SELECT ref, title, status FROM fault WHERE id = :f"), {"f": fault_id}
                ).one()
                meeting = c.execute(
                    text(
                        "SELECT meeting_id, count(*) FROM agenda_item WHERE org_id = :o "
                        "GROUP BY meeting_id ORDER BY 2 DESC, 1 DESC LIMIT 1"
                    ),
                    {"o": org_id},
                ).one()
                query = urlencode({"q": title.split()[0].lower(), "status": status})
                targets.append(
                    Target(
                        label,
                        slug,
                        email,
                        n_faults,
                        n_occ,
                        ref,
                        count,
                        query,
                        meeting[0],
                        meeting[1],
                        year,
                        password,
                    )
                )
    finally:
        engine.dispose()
    return targets


# ---- statements, in-process -------------------------------------------------------------------


def count_statements(url: str, targets: list[Target]) -> dict[tuple[str, str], int]:
    app: Flask = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_hex(16),
            "DATABASE_URL": url,
            "SERVER_NAME": None,
        }
    )
    engine = app.extensions["db_engine"]
    n = [0]

    def on_execute(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            n[0] += 1

    out: dict[tuple[str, str], int] = {}
    try:
        for t in targets:
            client = app.test_client()
            m = _CSRF.search(client.get("/login").get_data(as_text=True))
            assert m, "no CSRF token on /login"
            resp = client.post(
                "/login",
                data={"email": t.email, "password": t.password, "csrf_token": m.group(1)},
            )
            assert resp.status_code == 302, f"in-process login as {t.email}: {resp.status_code}"
            csrf = _CSRF.search(client.get("/log").get_data(as_text=True))
            assert csrf
            event.listen(engine, "before_cursor_execute", on_execute)
            try:
                for page in [Page("/healthz", lambda t: "/healthz"), *PAGES]:
                    for counted in (False, True):  # the first request warms up
                        n[0] = 0
                        if page.method == "POST":
                            resp = client.post(page.path(t), data=log_form(t, csrf.group(1)))
                        else:
                            resp = client.get(page.path(t))
                        resp.get_data()
                        if resp.status_code != page.status:
                            raise SystemExit(
                                f"{page.method} {page.path(t)}: {resp.status_code}, "
                                f"expected {page.status}"
                            )
                        if counted:
                            out[(t.label, page.name)] = n[0]
            finally:
                event.remove(engine, "before_cursor_execute", on_execute)
    finally:
        engine.dispose()
    return out


# ---- HTTP -----------------------------------------------------------------------------------


class Client:
    """A browser's worth of HTTP: one connection per request (gunicorn's sync workers close
    them), the cookies it was given."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def request(
        self, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            for header in resp.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return resp.status, data
        finally:
            conn.close()

    def login(self, email: str, password: str = national.PASSWORD) -> str:
        """Log in; return the CSRF token for later forms."""
        status, page = self.request("GET", "/login")
        m = _CSRF.search(page.decode())
        assert status == 200 and m, f"GET /login: {status}"
        form = {"email": email, "password": password, "csrf_token": m.group(1)}
        status, _ = self.request("POST", "/login", form)
        assert status == 302, f"login as {email}: {status}"
        status, page = self.request("GET", "/log")
        m = _CSRF.search(page.decode())
        assert status == 200 and m, f"GET /log after login: {status}"
        return m.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, url: str, workers: int = 2) -> None:
        self.url = url
        self.workers = workers
        self.port = free_port()
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-gunicorn-")
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = dict(os.environ)
        env.update(
            {
                "TRACKER_DATABASE_URL": self.url,
                "TRACKER_SECRET_KEY": secrets.token_hex(32),
                "TRACKER_INSTANCE_PATH": self.tmp.name,  # no instance config.py of the checkout
                "TRACKER_SESSION_COOKIE_SECURE": "false",  # plain HTTP on 127.0.0.1
                "TRACKER_REMEMBER_COOKIE_SECURE": "false",
            }
        )
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),  # the venv's
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "900",
            "--log-level",
            "warning",
            "tracker.wsgi:app",
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 - our own command
        deadline = time.monotonic() + 60
        while True:
            try:
                if Client(self.port).request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)

    def __exit__(self, *_exc: Any) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.tmp.cleanup()


@dataclass
class Timing:
    page: Page
    times: list[float] = field(default_factory=list)
    spent: float = 0.0


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(
    port: int, t: Target, samples: int, min_samples: int, budget: float, log: Callable[[str], None]
) -> tuple[list[Timing], dict[str, Timing], list[float], list[float]]:
    """Three phases, each interleaved: /healthz, /readyz, page A, /healthz, /readyz, page B,
    … round after round. /healthz answers without the database; /readyz makes one round
    trip to it.

    1. *Steady*: the read pages with no write between them – how the pages answer most of
       the day (the largest organisation logs about 140 occurrences a working day).
    2. The writes (`POST /log`).
    3. *After a write*: each read page right after a `POST /log` of the same organisation
       (not timed), so what is kept per process until the data changes is computed again –
       the first view after every save. The report of last year, its Word file and the CSV
       are left out (a write of today does not change the first two)."""
    client = Client(port)
    csrf = client.login(t.email, t.password)
    timings = [Timing(p) for p in PAGES]

    def once(page: Page) -> float:
        path = page.path(t)
        form = log_form(t, csrf) if page.method == "POST" else None
        started = time.perf_counter()
        status, _body = client.request(page.method, path, form)
        elapsed = time.perf_counter() - started
        if status != page.status:
            raise SystemExit(f"{page.method} {path}: {status}, expected {page.status}")
        return elapsed

    health = Page("/healthz", lambda _t: "/healthz")
    ready = Page("/readyz", lambda _t: "/readyz")
    # warm both workers (templates, statement caches, what is kept): the writes first, as
    # they invalidate what the reads keep; each read page by two clients at once, three
    # times – a sequential client may be served by one worker only, and the other would
    # then build what it keeps during the timed phase
    for tm in timings:
        if tm.page.method == "POST":
            for _ in range(2):
                once(tm.page)
    second = Client(port, client.cookies)

    def in_parallel(page: Page) -> None:
        other = threading.Thread(target=second.request, args=("GET", page.path(t)))
        other.start()
        once(page)
        other.join()

    for tm in timings:
        if tm.page.method == "GET":
            for _ in range(3):
                in_parallel(tm.page)
    healthz: list[float] = []
    readyz: list[float] = []

    def sample(phase: str, group: list[Timing], before: Page | None = None) -> None:
        rnd = 0
        while True:
            active = [
                tm
                for tm in group
                if len(tm.times) < (tm.page.samples or samples)
                and (tm.spent < budget or len(tm.times) < min_samples)
            ]
            if not active:
                return
            for tm in active:
                if before is not None:
                    once(before)
                healthz.append(once(health))
                readyz.append(once(ready))
                dt = once(tm.page)
                tm.times.append(dt)
                tm.spent += dt
            rnd += 1
            if rnd % 5 == 0:
                log(f"    {t.slug}, {phase}: round {rnd}, {len(active)} pages still sampling")

    write = next(p for p in PAGES if p.method == "POST")
    sample("steady", [tm for tm in timings if tm.page.method == "GET"])
    sample("writes", [tm for tm in timings if tm.page.method == "POST"])
    after = {p.name: Timing(p) for p in PAGES if p.method == "GET" and p.after_write}
    sample("after a write", list(after.values()), before=write)
    return timings, after, healthz, readyz


def throughput(
    port: int, cookies: dict[str, str], path: str, threads: int, seconds: float
) -> float:
    done = [0] * threads
    errors: list[str] = []
    start = time.perf_counter() + 0.2
    stop = start + seconds

    def worker(i: int) -> None:
        client = Client(port, cookies)
        while time.perf_counter() < start:
            time.sleep(0.001)
        while time.perf_counter() < stop:
            status, _ = client.request("GET", path)
            if status != 200:
                errors.append(f"{path}: {status}")
                return
            done[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(done) / (time.perf_counter() - start)


# ---- the run --------------------------------------------------------------------------------


def database_label(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            version = ".".join(map(str, engine.dialect.server_version_info or ()))
            if engine.dialect.name == "postgresql":
                return f"PostgreSQL {version}"
            return f"SQLite {c.exec_driver_sql('select sqlite_version()').scalar()}"
    finally:
        engine.dispose()


Ratios = dict[str, tuple[float, float]]  # page → (p50×, p95×)


def run_database(
    url: str,
    args: argparse.Namespace,
    log: Callable[[str], None],
    *,
    password: str = national.PASSWORD,
    demo: bool = False,
) -> tuple[str, Ratios]:
    """Measure one filled database; return its markdown section and the ratios of its
    largest organisation. `demo`: the demo data (`make run`) – only its largest
    organisation, no throughput – for the national ÷ demo comparison."""
    label = database_label(url)
    targets = discover(url, password)
    if demo:
        targets = [Target(**{**vars(targets[0]), "label": "demo"})]
    log(f"  {label}: counting statements in-process")
    statements = count_statements(url, targets)
    lines = []
    ratios: Ratios = {}
    with Server(url) as server:
        for t in targets:
            log(f"  {label}: timing {t.slug} over HTTP")
            timings, after, healthz, readyz = measure(
                server.port, t, args.samples, args.min_samples, args.budget, log
            )
            base = statistics.median(healthz)
            ready = statistics.median(readyz)
            lines += [
                "",
                f"**{label}, {t.label} organisation `{t.slug}`** ({t.faults:,} faults, "
                f"{t.occurrences:,} occurrences; busiest fault {t.busiest_ref} with "
                f"{t.busiest_count:,}; meeting with {t.meeting_items} agenda items; report "
                f"{t.year}). `/healthz` p50 = {base * 1000:.1f} ms, `/readyz` p50 = "
                f"{ready * 1000:.1f} ms ({len(healthz)} samples each, interleaved). Steady: "
                "no write between the reads; after a write: each read right after a "
                "`POST /log` of the organisation.",
                "",
                "| page | p50× | p95× | p95 ÷ `/readyz` | after a write p50× / p95× "
                "| p50 ms | statements | samples |",
                "|---|--:|--:|--:|--:|--:|--:|--:|",
            ]
            for tm in timings:
                p50 = statistics.median(tm.times)
                cold = after.get(tm.page.name)
                cold_cell = (
                    f"{statistics.median(cold.times) / base:,.1f} / "
                    f"{pct(cold.times, 95) / base:,.1f}"
                    if cold is not None and cold.times
                    else "–"
                )
                lines.append(
                    f"| {tm.page.name} | {p50 / base:,.1f} | {pct(tm.times, 95) / base:,.1f} "
                    f"| {pct(tm.times, 95) / ready:,.1f} | {cold_cell} "
                    f"| {p50 * 1000:,.0f} | {statements[(t.label, tm.page.name)]} "
                    f"| {len(tm.times)} |"
                )
                if t is targets[0]:
                    ratios[tm.page.name] = (p50 / base, pct(tm.times, 95) / base)
        lines.append("")
        if demo:
            return "\n".join(lines), ratios
        big, small = targets[0], targets[-1]
        clients = {}
        for t in (big, small):
            c = Client(server.port)
            c.login(t.email, t.password)
            clients[t.slug] = c.cookies
        log(f"  {label}: throughput")
        rates = [
            ("`/healthz`", throughput(server.port, {}, "/healthz", args.threads, args.seconds)),
            ("`/readyz`", throughput(server.port, {}, "/readyz", args.threads, args.seconds)),
            *(
                (
                    f"`/faults/` ({t.label}, `{t.slug}`)",
                    throughput(
                        server.port, clients[t.slug], "/faults/", args.threads, args.seconds
                    ),
                )
                for t in (big, small)
            ),
        ]
        lines.append(
            f"Throughput, {label}, gunicorn 2 workers, {args.threads} client threads, "
            f"{args.seconds:g} s each: "
            + "; ".join(f"{name} {rate:,.1f} req/s" for name, rate in rates)
            + f" (`/faults/` of the largest at {100 * rates[2][1] / rates[0][1]:.0f}% of "
            f"`/healthz`, {100 * rates[2][1] / rates[1][1]:.0f}% of `/readyz`)."
        )
    return "\n".join(lines), ratios


def demo_database(url: str, log: Callable[[str], None]) -> None:
    """Fill an empty database with the demo data, as `make run` does."""
    # this checkout's `tracker` command (the installed script may be another checkout's)
    tracker = [sys.executable, "-c", "import sys; from tracker.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as instance:
        env = dict(
            os.environ,
            TRACKER_DATABASE_URL=url,
            TRACKER_SECRET_KEY=secrets.token_hex(16),
            TRACKER_INSTANCE_PATH=instance,
        )
        for cmd in ([*tracker, "db", "upgrade"], [*tracker, "demo"]):
            log(f"  demo data: {' '.join(cmd[3:])}")
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def measure_with_demo(
    url: str, demo_url: str | None, args: argparse.Namespace, log: Callable[[str], None]
) -> str:
    """The national data set, then (unless --no-demo) the demo data on the same kind of
    database, and the ratio of the two."""
    text, ratios = run_database(url, args, log)
    if demo_url is None:
        return text
    log("  measuring the demo data for national ÷ demo")
    demo_database(demo_url, log)
    demo_text, demo_ratios = run_database(demo_url, args, log, password=DEMO_PASSWORD, demo=True)
    return text + demo_text + versus_demo(database_label(url), ratios, demo_ratios)


def versus_demo(label: str, national_ratios: Ratios, demo_ratios: Ratios) -> str:
    """National ÷ demo: how much slower each page is at national scale than on the demo
    data, both as multiples of /healthz measured in the same run."""
    lines = [
        "",
        f"**{label}: national ÷ demo** (largest organisation at national scale against the "
        "largest of the demo data; target ≤ 1.5)",
        "",
        "| page | p50 | p95 |",
        "|---|--:|--:|",
    ]
    for page, (n50, n95) in national_ratios.items():
        d50, d95 = demo_ratios.get(page, (0.0, 0.0))
        if d50 and d95:
            lines.append(f"| {page} | {n50 / d50:.2f} | {n95 / d95:.2f} |")
    return "\n".join([*lines, ""])


def machine_facts(pg_url: str | None) -> str:
    facts = [
        f"{os.cpu_count()} CPUs ({platform.machine()})",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if pg_url:
        facts.append(database_label(pg_url))
    facts.append(date.today().isoformat())
    return "Machine: " + " · ".join(facts)


def build_and_run(args: argparse.Namespace, log: Callable[[str], None]) -> str:
    import psycopg

    sections = []
    generation = []
    if not args.no_sqlite:
        folder = ROOT / "bench"
        folder.mkdir(exist_ok=True)
        path = folder / f"national-{args.scale:g}-{os.getpid()}.sqlite"
        url = f"sqlite:///{path}"
        try:
            log(f"SQLite: generating scale {args.scale:g} into {path.relative_to(ROOT)}")
            summary = national.generate(url, args.scale, args.seed, log=log)
            generation.append(("SQLite", summary))
            log(f"SQLite: measuring ({summary['seconds']:.0f} s to generate)")
            demo = None if args.no_demo else f"sqlite:///{folder}/demo-{os.getpid()}.sqlite"
            sections.append(measure_with_demo(url, demo, args, log))
            log(sections[-1])  # not lost if the next database fails
        finally:
            if not args.keep:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                (folder / f"demo-{os.getpid()}.sqlite{suffix}").unlink(missing_ok=True)
            else:
                log(f"kept {path}")
    if args.pg:
        admin = make_url(args.pg)
        name = f"tracker_bench_{secrets.token_hex(4)}"
        libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
        demo_name = f"tracker_demo_{secrets.token_hex(4)}"
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            if not args.no_demo:
                conn.execute(f'CREATE DATABASE "{demo_name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)
        demo_url = admin.set(database=demo_name).render_as_string(hide_password=False)
        try:
            log(f"PostgreSQL: generating scale {args.scale:g} into {name}")
            summary = national.generate(url, args.scale, args.seed, log=log)
            generation.append(("PostgreSQL", summary))
            log(f"PostgreSQL: measuring ({summary['seconds']:.0f} s to generate)")
            sections.append(measure_with_demo(url, None if args.no_demo else demo_url, args, log))
            log(sections[-1])  # not lost if the next database fails
        finally:
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{demo_name}" WITH (FORCE)')
                if args.keep:
                    log(f"kept database {name}")
                else:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    head = [f"## National scale benchmark, scale {args.scale:g}", "", machine_facts(args.pg), ""]
    for db_name, s in generation:
        head.append(
            f"- {db_name}: generated {s['organisations']} organisations, {s['faults']:,} faults, "
            f"{s['occurrences']:,} occurrences, {s['meetings']:,} meetings, "
            f"{s['agenda_items']:,} agenda items, {s['escalations']:,} escalations "
            f"in {s['seconds']:.0f} s"
        )
    return "\n".join(head + sections)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", help="measure this database (filled by benchmarks/national.py)")
    ap.add_argument("--scale", type=float, help="build at this scale, then measure")
    ap.add_argument("--pg", default="", help="with --scale: PostgreSQL admin URL ('' = skip)")
    ap.add_argument("--no-sqlite", action="store_true", help="with --scale: skip SQLite")
    ap.add_argument("--keep", action="store_true", help="keep the built databases")
    ap.add_argument("--no-demo", action="store_true", help="with --scale: skip national ÷ demo")
    ap.add_argument(
        "--demo-db",
        default="",
        help="with --db: an EMPTY database (URL or SQLite file) to "
        "fill with the demo data and measure for national ÷ demo",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, default=30, help="timed requests per page (30)")
    ap.add_argument("--min-samples", type=int, default=5)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds per page (30)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0, help="per throughput run (10)")
    args = ap.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.db:
        pg = args.db if args.db.startswith("postgresql") else None
        demo_url = args.demo_db or None
        if demo_url and "://" not in demo_url:
            demo_url = f"sqlite:///{Path(demo_url).resolve()}"
        report = "\n".join([machine_facts(pg), measure_with_demo(args.db, demo_url, args, log)])
    elif args.scale:
        report = build_and_run(args, log)
    else:
        ap.error("give --db URL or --scale S")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
