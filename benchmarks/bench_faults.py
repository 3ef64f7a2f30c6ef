"""Time the fault pages on a small and a large organisation and count their SQL statements.

    .venv/bin/python benchmarks/bench_faults.py                       # temporary SQLite file
    .venv/bin/python benchmarks/bench_faults.py --db postgresql+psycopg://postgres@127.0.0.1/bench_tmp

--db must name an EMPTY database: it is migrated and filled, never dropped. The script
creates two organisations side by side (10 faults / 50 occurrences and, by default,
2,000 faults / 20,000 occurrences, loaded with tests/faults/bulk.py), logs in as each one's
samordnare through the Flask test client (no network, no web server: this measures the
application and the database, not HTTP) and prints a markdown table: statements per request
for each organisation, and the median response time of --runs requests after two warm-ups.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from tests.faults.bulk import BulkData, bulk_load  # noqa: E402
from tracker import create_app, migrate  # noqa: E402
from tracker.accounts import services as accounts  # noqa: E402
from tracker.faults.models import Fault  # noqa: E402
from tracker.orgs import services as orgs  # noqa: E402

PASSWORD = uuid.uuid4().hex  # a throwaway account in a throwaway database
BUDGET = 12
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class Tenant:
    label: str
    client: FlaskClient
    data: BulkData
    filter_query: str


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Tenant], str]
    budgeted: bool = True


PAGES = [
    Page("Fault list", lambda t: "/faults/"),
    Page("Fault list, filter + search + sort=count", lambda t: f"/faults/?{t.filter_query}"),
    Page("Fault page (most occurrences)", lambda t: f"/faults/{t.data.busiest_ref}"),
    Page("Quick log", lambda t: "/log"),
    Page("Quick log for a fault", lambda t: f"/log?fault={t.data.busiest_ref}"),
    Page("Dashboard", lambda t: "/"),
    Page("CSV export (not budgeted)", lambda t: "/faults/export.csv", budgeted=False),
]


class Counter:
    def __init__(self, app: Flask) -> None:
        self.n = 0
        event.listen(app.extensions["db_engine"], "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.n += 1


def setup_tenant(
    app: Flask, label: str, slug: str, faults: int, occurrences: int
) -> tuple[Tenant, float]:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        org = orgs.create_org(s, slug=slug, name=f"PO {label}")
        user = accounts.create_user(
            s,
            email=f"samordnare@{slug}.example.se",
            name=f"Samordnare {label}",
            password=PASSWORD,
            actor_id=None,
            org_id=None,
        )
        assert org.id is not None and user.id is not None
        orgs.set_membership(s, user_id=user.id, org_id=org.id, role="samordnare", actor_id=None)
        s.commit()
    started = time.perf_counter()
    data = bulk_load(app, slug, faults, occurrences, user_ids=(user.id, None))
    load_seconds = time.perf_counter() - started
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    m = _CSRF.search(login_page)
    assert m, "no CSRF token on /login"
    resp = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": m.group(1)}
    )
    assert resp.status_code == 302, f"login failed: {resp.status_code}"
    with app.extensions["db_engine"].connect() as conn:
        title, status, authority_id = conn.execute(
            select(Fault.title, Fault.status, Fault.primary_authority_id).where(
                Fault.org_id == data.org_id, Fault.ref == data.busiest_ref
            )
        ).one()
    query = urlencode(
        {
            "q": title.split()[0].lower(),
            "status": status,
            "authority": authority_id,
            "from": (date.today() - timedelta(days=3 * 365)).isoformat(),
            "sort": "count",
        }
    )
    return Tenant(label, client, data, query), load_seconds


def measure(tenant: Tenant, page: Page, counter: Counter, runs: int) -> tuple[int, float]:
    """(statements of one request, median milliseconds over `runs` requests)."""
    url = page.url(tenant)
    for _ in range(2):  # warm up: template compilation, statement cache
        resp = tenant.client.get(url)
        assert resp.status_code == 200, f"{url}: {resp.status_code}"
    counter.n = 0
    tenant.client.get(url)
    statements = counter.n
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        resp = tenant.client.get(url)
        resp.get_data()
        times.append((time.perf_counter() - started) * 1000)
    return statements, statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", help="URL of an empty database (default: a temporary SQLite file)")
    ap.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
    ap.add_argument("--faults", type=int, default=2000)
    ap.add_argument("--occurrences", type=int, default=20000)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        os.environ["TRACKER_INSTANCE_PATH"] = tmp
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app(
            {
                "TESTING": True,  # plain-HTTP cookies for the test client
                "SECRET_KEY": uuid.uuid4().hex,
                "DATABASE_URL": url,
                "SERVER_NAME": None,
            }
        )
        engine = app.extensions["db_engine"]
        try:
            migrate.upgrade(app)
            small, small_load = setup_tenant(app, "Liten", "bench-liten", 10, 50)
            large, large_load = setup_tenant(
                app, "Stor", "bench-stor", args.faults, args.occurrences
            )
            counter = Counter(app)
            rows = []
            over = []
            for page in PAGES:
                s_n, s_ms = measure(small, page, counter, args.runs)
                l_n, l_ms = measure(large, page, counter, args.runs)
                if page.budgeted and (s_n != l_n or l_n > BUDGET):
                    over.append(page.name)
                rows.append((page.name, s_n, l_n, s_ms, l_ms))
        finally:
            engine.dispose()

    version = ".".join(map(str, engine.dialect.server_version_info or ()))
    print(
        f"Database: {engine.dialect.name} {version}"
        f" · Python {platform.python_version()} · {platform.machine()} · "
        f"{os.cpu_count()} CPUs · {date.today().isoformat()}"
    )
    print(
        f"Bulk load: {args.faults} faults / {args.occurrences} occurrences in {large_load:.1f} s "
        f"(10 / 50 in {small_load:.2f} s); median of {args.runs} requests after 2 warm-ups"
    )
    print()
    print(
        "| Page | Statements, 10 faults | Statements, "
        f"{args.faults:,} faults | Median ms, 10 faults | Median ms, {args.faults:,} faults |"
    )
    print("|---|--:|--:|--:|--:|")
    for name, s_n, l_n, s_ms, l_ms in rows:
        print(f"| {name} | {s_n} | {l_n} | {s_ms:.1f} | {l_ms:.1f} |")
    if over:
        print(f"\nOVER BUDGET ({BUDGET}, constant): {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
