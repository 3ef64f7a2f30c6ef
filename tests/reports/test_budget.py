"""Building one organisation's year: a constant number of SQL statements (at most 20)
whatever the number of faults."""

from __future__ import annotations

from datetime import date

from flask import g

from tests.faults.bulk import bulk_load
from tracker import db
from tracker.reports.build import build
from tracker.reports.writing import to_markdown

BUDGET = 20


def test_report_statements_do_not_grow_with_faults(app, make, count_queries):
    small, large = make.org("liten", "PO Liten"), make.org("stor", "PO Stor")
    bulk_load(app, "liten", 10, 60)
    bulk_load(app, "stor", 600, 6000)
    year = date.today().year - 1
    results = []
    with app.app_context():
        g.memberships = []
        for org in (small, large):
            count_queries.reset()
            md = to_markdown(build(db.session(), [org], year))
            results.append(count_queries.count)
            assert md.count("\n- **") > 0
    assert results[0] == results[1] and results[1] <= BUDGET, results
