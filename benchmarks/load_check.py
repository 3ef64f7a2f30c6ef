"""After a load test: is every write the app acknowledged in the database exactly once?

benchmarks/locustfile.py writes one JSON line per write attempt (kind, marker, place, ack,
status). Here every marker found in the database – in the column its kind writes – is
counted, with where it was found:

- acknowledged and found once, in the place the app's redirect named: fine;
- acknowledged and not found: **missing** (a lost write);
- found more than once: **duplicated** (one acknowledged write stored twice);
- found once but elsewhere than acknowledged: **misplaced**;
- found but never acknowledged (the answer was an error, a timeout, or the run stopped
  before it came): reported, not a failure – the user did not learn that it was saved.

A minutes marker is counted within the text (the users append sentences to one item's
discussion), so a save that overwrote another acknowledged save shows as a missing marker.
No locust import: tests/test_load_check.py runs it on a real database."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from benchmarks.load_support import MARKER_RE

# kind → (what the users did, the statement giving (text, place) of every candidate row)
KINDS: dict[str, tuple[str, str]] = {
    "occurrence": (
        "occurrence (`POST /log`)",
        "SELECT o.narrative, org.slug, f.ref FROM occurrence o "
        "JOIN fault f ON f.id = o.fault_id JOIN organisation org ON org.id = o.org_id "
        "WHERE o.narrative LIKE '%lasttest%'",
    ),
    "fault": (
        "new fault (`POST /log`, new)",
        "SELECT f.title, org.slug, f.ref FROM fault f "
        "JOIN organisation org ON org.id = f.org_id WHERE f.title LIKE '%lasttest%'",
    ),
    "minutes": (
        "minutes (`POST /meetings/<id>/minutes/edit`)",
        "SELECT a.discussion, 'item', a.id FROM agenda_item a WHERE a.discussion LIKE '%lasttest%'",
    ),
    "action": (
        "action item (`POST /agenda-items/<id>/actions`)",
        "SELECT ai.title, 'item', ai.agenda_item_id FROM action_item ai "
        "WHERE ai.title LIKE '%lasttest%'",
    ),
}


def place_of(prefix: str, key: Any) -> str:
    return f"item-{key}" if prefix == "item" else f"{prefix}/{key}"


@dataclass
class KindResult:
    attempted: int = 0
    acknowledged: int = 0
    exactly_once: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    unacknowledged_present: list[str] = field(default_factory=list)
    refused: Counter[int] = field(default_factory=Counter)  # status of unacknowledged tries

    @property
    def failed(self) -> bool:
        return bool(self.missing or self.duplicated or self.misplaced)


@dataclass
class CheckResult:
    kinds: dict[str, KindResult]

    @property
    def failed(self) -> bool:
        return any(k.failed for k in self.kinds.values())


def read_writes(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def found_markers(rows: Iterable[tuple[str | None, Any, Any]]) -> dict[str, list[str]]:
    """marker → the place of each time it occurs (twice in one text counts twice)."""
    found: dict[str, list[str]] = defaultdict(list)
    for value, prefix, key in rows:
        for m in MARKER_RE.findall(value or ""):
            found[m].append(place_of(prefix, key))
    return found


def check(url: str, writes: list[dict[str, Any]]) -> CheckResult:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = {kind: conn.execute(text(sql)).all() for kind, (_l, sql) in KINDS.items()}
    finally:
        engine.dispose()
    return compare(writes, {kind: found_markers(r) for kind, r in rows.items()})


def compare(writes: list[dict[str, Any]], found: dict[str, dict[str, list[str]]]) -> CheckResult:
    kinds = {kind: KindResult() for kind in KINDS}
    acked: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for w in writes:
        r = kinds[w["kind"]]
        r.attempted += 1
        if w["ack"]:
            r.acknowledged += 1
            acked[w["kind"]][w["marker"]] = w["place"]
        else:
            r.refused[int(w.get("status") or 0)] += 1
    for kind, r in kinds.items():
        places = found.get(kind, {})
        for mark, place in acked[kind].items():
            where = places.get(mark, [])
            if not where:
                r.missing.append(mark)
            elif len(where) > 1:
                r.duplicated.append(f"{mark} ×{len(where)}")
            elif where[0] != place:
                r.misplaced.append(f"{mark}: acknowledged {place}, stored {where[0]}")
            else:
                r.exactly_once += 1
        for mark, where in places.items():
            if mark not in acked[kind]:
                r.unacknowledged_present.append(mark)
                if len(where) > 1:
                    r.duplicated.append(f"{mark} ×{len(where)} (not acknowledged)")
    return CheckResult(kinds)


def markdown(result: CheckResult) -> str:
    lines = [
        "| write | attempted | acknowledged | exactly once | missing | duplicated "
        "| misplaced | present, not acknowledged | not acknowledged (status × n) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for kind, r in result.kinds.items():
        refused = ", ".join(f"{s or 'no answer'} × {n}" for s, n in sorted(r.refused.items()))
        lines.append(
            f"| {KINDS[kind][0]} | {r.attempted} | {r.acknowledged} | {r.exactly_once} "
            f"| {len(r.missing)} | {len(r.duplicated)} | {len(r.misplaced)} "
            f"| {len(r.unacknowledged_present)} | {refused or '–'} |"
        )
    verdict = "**FAILED**" if result.failed else "every acknowledged write is stored exactly once"
    lines += ["", f"Exactly once: {verdict}."]
    for kind, r in result.kinds.items():
        for label, items in (
            ("missing", r.missing),
            ("duplicated", r.duplicated),
            ("misplaced", r.misplaced),
        ):
            if items:
                lines.append(f"- {kind} {label}: {', '.join(items[:10])}")
    return "\n".join(lines)
