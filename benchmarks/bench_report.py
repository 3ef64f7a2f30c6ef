"""Time the annual report build: the demo data, and 2,000 faults / 20,000 occurrences.

.venv/bin/python benchmarks/bench_report.py [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlmodel import select  # noqa: E402

from tests.faults.bulk import bulk_load  # noqa: E402
from tracker import create_app, db, migrate  # noqa: E402
from tracker.demo import load_demo  # noqa: E402
from tracker.orgs import services as orgs  # noqa: E402
from tracker.orgs.models import Organisation  # noqa: E402
from tracker.reports.build import build  # noqa: E402
from tracker.reports.writing import to_markdown  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{tmp}/bench.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
    migrate.upgrade(app)
    statements = []
    event.listen(
        app.extensions["db_engine"], "before_cursor_execute", lambda *a: statements.append(a[2])
    )
    with app.app_context():
        s = db.session()
        load_demo(s)
        orgs.create_org(s, slug="stor", name="PO Stor")
        s.commit()
    bulk_load(app, "stor", 2000, 20000)
    rows = []
    for slug, year in (("soderort", date.today().year), ("stor", date.today().year - 1)):
        times = []
        with app.app_context():
            g.memberships = []
            s = db.session()
            org = s.exec(select(Organisation).where(Organisation.slug == slug)).one()
            for _ in range(7):
                statements.clear()
                t = time.perf_counter()
                md = to_markdown(build(s, [org], year))
                times.append(time.perf_counter() - t)
        rows.append(
            (slug, year, len(statements), statistics.median(times) * 1000, md.count("\n- **"))
        )
    print("| organisation | year | statements | median ms | faults in report |")
    print("|---|---|--:|--:|--:|")
    for slug, year, n, ms, faults in rows:
        print(f"| {slug} | {year} | {n} | {ms:.0f} | {faults} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
