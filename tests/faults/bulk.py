"""Bulk test data: thousands of faults and occurrences for one organisation, in seconds.

The rows go in with SQLAlchemy Core executemany on the models' Table objects (so the
column types' processors run: UTCDateTime needs aware datetimes), not through the ORM
services, which would flush, audit and reindex one row at a time. Used by the query
budget tests (tests/faults/test_budgets.py) and the timing script
(benchmarks/bench_faults.py); works on SQLite and PostgreSQL.

    org = make.org("stor")
    data = bulk_load(app, "stor", faults=2000, occurrences=20000)
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Table, select, text
from sqlmodel import Session

from tracker.faults import search
from tracker.faults.derived import recompute_all
from tracker.faults.models import (
    CONSEQUENCES,
    GENDERS,
    LEVELS,
    STATUSES,
    Fault,
    FaultAuthority,
    FaultEvent,
    FaultTheme,
    Occurrence,
    Theme,
)
from tracker.orgs.models import Authority, Organisation

SUBJECTS = (
    "Sjukpenning",
    "Bostadstillägg",
    "Försörjningsstöd",
    "Färdtjänst",
    "Vårdplanering",
    "Aktivitetsersättning",
    "Boendestöd",
    "Godmanskap",
    "Hemtjänst",
    "Läkarintyg",
    "Arbetsträning",
    "Skuldsanering",
)
PROBLEMS = (
    "dröjer i månader",
    "avslås utan motivering",
    "kräver e-legitimation",
    "ges utan tolk",
    "handläggs av ständigt nya handläggare",
    "faller mellan huvudmännen",
    "kräver besök på plats",
    "kommer bara som brev på papper",
)
WHO = ("Klienten", "Personen", "Hen", "Den enskilde", "Sökanden")
WHAT = (
    "väntade på beslut",
    "fick inget svar",
    "skickades vidare",
    "fick fel information",
    "blev utan ersättning",
    "kunde inte logga in",
    "nekades hjälp att fylla i ansökan",
)
WHEN = (
    "i fyra månader",
    "trots påminnelser",
    "efter flera samtal",
    "under sommaren",
    "utan förklaring",
    "för tredje gången",
)


@dataclass(frozen=True)
class BulkData:
    org_id: int
    faults: int
    occurrences: int
    refs: list[str]  # in insertion order
    busiest_ref: str  # the fault with the most occurrences
    busiest_count: int


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(WHO)} {rng.choice(WHAT)} {rng.choice(WHEN)}."


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8, 0), tzinfo=UTC) + timedelta(
        seconds=rng.randint(0, 9 * 3600)
    )


def bulk_load(
    app: Flask,
    org_slug: str,
    faults: int,
    occurrences: int,
    seed: int = 1,
    *,
    user_ids: Sequence[int | None] = (),
) -> BulkData:
    """Insert `faults` faults (refs SF-YYYY-NNN over the last three years) and `occurrences`
    occurrences (observed over the last three years, skewed so a few faults have many) into
    the existing organisation `org_slug`, with some themes and other authorities, one
    "created" event per fault and, on SQLite, the full-text rows (PostgreSQL gets ANALYZE).
    Occurrences are logged by one of `user_ids` at random (None in it, or none given: no
    author). Deterministic for a given `seed` and day."""
    assert faults >= 1 and occurrences >= 0
    rng = random.Random(seed)
    engine = app.extensions["db_engine"]
    now = datetime.now(UTC)
    today = min(now.date(), date.today())
    oldest = today - timedelta(days=3 * 365)
    years = [today.year - k for k in range(3)]
    fault_t: Table = Fault.__table__  # type: ignore[attr-defined]
    occ_t: Table = Occurrence.__table__  # type: ignore[attr-defined]

    with engine.begin() as conn:
        org = conn.execute(
            select(Organisation.id, Organisation.age_bands).where(Organisation.slug == org_slug)
        ).one()
        org_id: int = org.id
        age_bands = [b.strip() for b in org.age_bands.split(",") if b.strip()]
        authority_ids = list(
            conn.scalars(
                select(Authority.id).where(Authority.org_id == org_id).order_by(Authority.id)
            )
        )
        theme_ids = list(
            conn.scalars(select(Theme.id).where(Theme.org_id == org_id).order_by(Theme.id))
        )
        assert authority_ids and theme_ids, f"organisation {org_slug} has no catalogues"

        # ---- faults -------------------------------------------------------------------
        numbers: Counter[int] = Counter()
        fault_rows: list[dict[str, Any]] = []
        for i in range(faults):
            year = years[i % len(years)]
            numbers[year] += 1
            first = max(date(year, 1, 1), oldest)
            last = min(date(year, 12, 31), today)
            created = _moment(rng, first + timedelta(days=rng.randint(0, (last - first).days)))
            created = min(created, now)
            fault_rows.append(
                {
                    "org_id": org_id,
                    "ref": f"SF-{year}-{numbers[year]:03d}",
                    "title": f"{SUBJECTS[i % len(SUBJECTS)]} {rng.choice(PROBLEMS)}",
                    "description": _sentence(rng) if rng.random() < 0.7 else "",
                    "primary_authority_id": rng.choice(authority_ids),
                    "level": rng.choice((None, *LEVELS)),
                    "status": rng.choices(STATUSES, weights=(6, 3, 2, 1, 1))[0],
                    "report_summary": _sentence(rng) if rng.random() < 0.1 else "",
                    "duplicate_of_id": None,
                    "created_by_id": None,
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }
            )
        conn.execute(fault_t.insert(), fault_rows)
        refs_and_ids = conn.execute(select(Fault.ref, Fault.id).where(Fault.org_id == org_id))
        id_by_ref: dict[str, int] = dict(refs_and_ids.all())
        fault_ids = [id_by_ref[r["ref"]] for r in fault_rows]

        # ---- themes, other authorities, history -----------------------------------------
        theme_rows = [
            {"fault_id": fid, "theme_id": tid}
            for fid in fault_ids
            for tid in rng.sample(theme_ids, rng.choices((0, 1, 2), weights=(3, 5, 2))[0])
        ]
        if theme_rows:
            conn.execute(FaultTheme.__table__.insert(), theme_rows)  # type: ignore[attr-defined]
        other_rows = []
        for fid, row in zip(fault_ids, fault_rows, strict=True):
            other = rng.choice(authority_ids)
            if rng.random() < 0.2 and other != row["primary_authority_id"]:
                other_rows.append({"fault_id": fid, "authority_id": other})
        if other_rows:
            conn.execute(FaultAuthority.__table__.insert(), other_rows)  # type: ignore[attr-defined]
        conn.execute(
            FaultEvent.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "fault_id": fid,
                    "at": row["created_at"],
                    "actor_id": None,
                    "kind": "created",
                    "from_status": None,
                    "to_status": "ny",
                    "other_fault_id": None,
                    "comment": "",
                }
                for fid, row in zip(fault_ids, fault_rows, strict=True)
            ],
        )

        # ---- occurrences: a long tail, a few faults with many ----------------------------
        ranks = list(range(faults))
        rng.shuffle(ranks)
        weights = [1.0 / (rank + 1) for rank in ranks]
        picks = rng.choices(range(faults), weights=weights, k=occurrences)
        counts = Counter(picks)
        narratives: dict[int, list[str]] = defaultdict(list)
        occ_rows: list[dict[str, Any]] = []
        for idx in picks:
            observed = today - timedelta(days=rng.randint(0, (today - oldest).days))
            narrative = _sentence(rng) if rng.random() < 0.8 else ""
            narratives[idx].append(narrative)
            stamp = min(_moment(rng, observed), now)
            occ_rows.append(
                {
                    "org_id": org_id,
                    "fault_id": fault_ids[idx],
                    "observed_on": observed,
                    "narrative": narrative,
                    "gender": rng.choice((None, *GENDERS)),
                    "age_band": rng.choice([None, *age_bands]),
                    "consequences": ",".join(
                        rng.sample(CONSEQUENCES, rng.choices((0, 1, 2), weights=(4, 4, 2))[0])
                    ),
                    "logged_by_id": rng.choice(user_ids) if user_ids else None,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        if occ_rows:
            conn.execute(occ_t.insert(), occ_rows)

    # The counts the services keep on write, rebuilt as `tracker db recompute` does.
    with Session(engine) as s:
        recompute_all(s, org_id)
        search.rebuild(s, org_id)  # SQLite's FTS5 rows; PostgreSQL indexes expressions
        s.commit()

    if engine.dialect.name == "postgresql":
        # What autovacuum would do within a minute in production. Without statistics the
        # planner takes the new tables for empty and nests loops over both occurrence
        # aggregates of the fault list: seconds instead of milliseconds.
        with engine.begin() as conn:
            conn.execute(
                text("ANALYZE fault, occurrence, fault_theme, fault_authority, fault_month")
            )

    busiest, busiest_count = (
        min(counts.items(), key=lambda kv: (-kv[1], kv[0])) if counts else (0, 0)
    )
    return BulkData(
        org_id=org_id,
        faults=faults,
        occurrences=occurrences,
        refs=[r["ref"] for r in fault_rows],
        busiest_ref=fault_rows[busiest]["ref"],
        busiest_count=busiest_count,
    )


def clear_search_index(app: Flask) -> None:
    """Empty SQLite's fault_fts: the test fixtures' wipe clears the model tables only, and
    SQLite reuses ids, so stale search rows would match another test's new faults."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM fault_fts"))


__all__ = ["BulkData", "bulk_load", "clear_search_index"]
