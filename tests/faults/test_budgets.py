"""Query budgets: the fault list, the fault page, the quick log and the dashboard issue a
constant number of SQL statements (at most BUDGET), whether the organisation has 10 faults
or 2,000 faults with 20,000 occurrences.

Both organisations are loaded once for the whole module (tests/faults/bulk.py), side by
side in one database; so these tests use the session-wide `_app` and wipe it themselves,
rather than the per-test `app` fixture that empties every table around each test.
The CSV export is deliberately not budgeted (it returns every row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text
from sqlmodel import SQLModel

from tests.conftest import Factories, StatementCounter, do_login
from tests.faults.bulk import BulkData, bulk_load, clear_search_index
from tracker.faults.models import Fault, FaultEvent, Occurrence

BUDGET = 12
SIZES = {"small": (10, 50), "large": (2000, 20000)}  # faults, occurrences


@dataclass
class Tenant:
    """One organisation of a given size, and a client logged in as its samordnare."""

    slug: str
    client: FlaskClient
    data: BulkData
    filter_query: str  # filters that match the busiest fault, its title word as search


def _wipe(app: Flask) -> None:
    with app.extensions["db_engine"].begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    clear_search_index(app)


def _filter_query(app: Flask, data: BulkData) -> str:
    """Filters (search word from the title, status, authority, date) that the busiest fault
    matches, so the filtered list is never empty (an empty page skips the themes query)."""
    with app.extensions["db_engine"].connect() as conn:
        title, status, authority_id = conn.execute(
            select(Fault.title, Fault.status, Fault.primary_authority_id).where(
                Fault.org_id == data.org_id, Fault.ref == data.busiest_ref
            )
        ).one()
    return urlencode(
        {
            "q": title.split()[0].lower(),
            "status": status,
            "authority": authority_id,
            "from": (date.today() - timedelta(days=3 * 365)).isoformat(),
            "sort": "count",
        }
    )


@pytest.fixture(scope="module")
def tenants(_app: Flask) -> Iterator[dict[str, Tenant]]:
    _wipe(_app)
    make = Factories(_app)
    try:
        out: dict[str, Tenant] = {}
        for size, (faults, occurrences) in SIZES.items():
            slug = f"budget-{size}"
            make.org(slug)
            user = make.user("samordnare", slug)
            # Half the occurrences are the user's own, so "my latest" on the dashboard fills.
            data = bulk_load(_app, slug, faults, occurrences, user_ids=(user.id, None))
            client = _app.test_client()
            assert do_login(client, user.email).status_code == 302
            out[size] = Tenant(slug, client, data, _filter_query(_app, data))
        yield out
    finally:
        _wipe(_app)


@pytest.fixture(scope="module")
def counter(_app: Flask) -> Iterator[StatementCounter]:
    """Like conftest's `count_queries`, for the module's lifetime."""
    counted = StatementCounter(_app)
    engine = _app.extensions["db_engine"]

    def _on_execute(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            counted.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _on_execute)
    yield counted
    event.remove(engine, "before_cursor_execute", _on_execute)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Tenant], str]
    shows: Callable[[Tenant, str], bool]  # the response has real content


PAGES = [
    Page(
        "fault_list",
        lambda t: "/faults/",
        lambda t, html: f"{t.data.faults} systemfel" in html and 'class="ref">SF-' in html,
    ),
    Page(
        "fault_list_filtered",
        lambda t: f"/faults/?{t.filter_query}",
        lambda t, html: f'class="ref">{t.data.busiest_ref}<' in html,
    ),
    Page(
        "fault_page",
        lambda t: f"/faults/{t.data.busiest_ref}",
        lambda t, html: (
            f'class="ref">{t.data.busiest_ref}<' in html
            and _plural(t.data.busiest_count, "förekomst totalt", "förekomster totalt") in html
        ),
    ),
    Page("quick_log", lambda t: "/log", lambda t, html: 'name="fault_ref"' in html),
    Page(
        "quick_log_for_fault",
        lambda t: f"/log?fault={t.data.busiest_ref.lower()}",
        lambda t, html: f'value="{t.data.busiest_ref}"' in html,
    ),
    Page(
        "dashboard",
        lambda t: "/",
        lambda t, html: (
            "Du har inte loggat något ännu." not in html and 'href="/faults/SF-' in html
        ),
    ),
]


def _measure(tenant: Tenant, counter: StatementCounter, page: Page) -> tuple[int, list[str]]:
    url = page.url(tenant)
    counter.reset()
    resp = tenant.client.get(url)
    statements = list(counter.statements)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, f"{tenant.slug} {url}: {resp.status_code}"
    assert page.shows(tenant, html), f"{tenant.slug} {url}: expected content missing"
    return len(statements), statements


def _listing(statements: list[str]) -> str:
    return "\n".join(f"  {i + 1}. {' '.join(s.split())[:160]}" for i, s in enumerate(statements))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_statement_budget_is_constant(
    tenants: dict[str, Tenant], counter: StatementCounter, page: Page
) -> None:
    small, small_sql = _measure(tenants["small"], counter, page)
    large, large_sql = _measure(tenants["large"], counter, page)
    detail = f"small:\n{_listing(small_sql)}\nlarge:\n{_listing(large_sql)}"
    assert small <= BUDGET, f"{page.name}: {small} statements (small org)\n{detail}"
    assert large <= BUDGET, f"{page.name}: {large} statements (large org)\n{detail}"
    assert large == small, f"{page.name}: {small} statements (small) vs {large} (large)\n{detail}"


def test_counts_are_stable_across_repeats(
    tenants: dict[str, Tenant], counter: StatementCounter
) -> None:
    """A second round gives the same numbers: nothing is cached in the first request only."""
    first = [_measure(tenants["large"], counter, p)[0] for p in PAGES]
    second = [_measure(tenants["large"], counter, p)[0] for p in PAGES]
    assert first == second


def test_bulk_data_is_what_the_budgets_assume(_app: Flask, tenants: dict[str, Tenant]) -> None:
    large = tenants["large"].data
    assert (large.faults, large.occurrences) == (2000, 20000)
    assert len(set(large.refs)) == 2000
    assert large.busiest_count > 200  # more than the fault page lists at once
    today = date.today()
    assert {int(r.split("-")[1]) for r in large.refs} == {today.year - k for k in range(3)}
    with _app.extensions["db_engine"].connect() as conn:
        n, first, last = conn.execute(
            select(
                func.count(), func.min(Occurrence.observed_on), func.max(Occurrence.observed_on)
            ).where(Occurrence.org_id == large.org_id)
        ).one()
        events = conn.scalar(
            select(func.count())
            .select_from(FaultEvent)
            .join(Fault, Fault.id == FaultEvent.fault_id)
            .where(Fault.org_id == large.org_id)
        )
        if conn.dialect.name == "sqlite":
            indexed = conn.scalar(
                text("SELECT count(*) FROM fault_fts WHERE org_id = :o AND rowid % 2 = 0"),
                {"o": large.org_id},
            )
            assert indexed == 2000
    assert n == 20000 and events == 2000
    assert today - timedelta(days=3 * 365) <= first <= last <= today
