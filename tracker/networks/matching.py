"""Suggestions of shared faults of different organisations that look like the same
systemfel: the same authority (by name – each organisation keeps its own catalogue) and
similar words in title and report summary.

The words are cut as the project's search matches them – lower case, words of two letters
or more, matched by their beginning (tracker.faults.search: `ord*`) – here the first five
letters, so "handläggningstid" and "handläggningstider" agree. The organisation's full-text
index is not used: it also holds descriptions and narratives, which are never shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from sqlmodel import Session, select

from ..faults.models import Fault
from ..orgs.models import Organisation
from . import sharing
from .models import NetworkMatchDismissal
from .sharing import SharedFault

_WORD = re.compile(r"\w+", re.UNICODE)
PREFIX = 5
MIN_SCORE = 0.25
MAX_FAULTS = 3000  # a network this large gets the newest faults' suggestions
# Small words that say nothing about which fault it is.
STOP = frozenset(
    [
        "och",
        "att",
        "det",
        "som",
        "för",
        "med",
        "till",
        "från",
        "inte",
        "har",
        "kan",
        "ska",
        "den",
        "ett",
        "en",
        "på",
        "av",
        "är",
        "om",
        "vid",
        "eller",
        "utan",
        "efter",
        "under",
        "mellan",
    ]
)


def stems(text: str) -> frozenset[str]:
    return frozenset(
        w[:PREFIX] for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP
    )


def similarity(a: SharedFault, b: SharedFault) -> float:
    """Jaccard of the title stems, with the summaries counted at half weight."""
    ta, tb = stems(a.title), stems(b.title)
    title = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
    sa, sb = stems(a.report_summary), stems(b.report_summary)
    summary = len(sa & sb) / len(sa | sb) if sa and sb else 0.0
    return title if not (sa and sb) else (2 * title + summary) / 3


@dataclass
class Suggestion:
    a: SharedFault
    b: SharedFault
    score: float


def suggestions(
    session: Session, network_id: int, orgs: list[Organisation], *, limit: int = 30
) -> list[Suggestion]:
    """The best pairs neither linked already nor judged not the same (two statements,
    then Python)."""
    if len(orgs) < 2:
        return []
    dismissed = {
        (a, b)
        for a, b in session.exec(
            select(NetworkMatchDismissal.fault_a_id, NetworkMatchDismissal.fault_b_id).where(
                NetworkMatchDismissal.network_id == network_id
            )
        ).all()
    }
    rows = session.exec(
        sharing.projection_select(network_id, orgs)
        .order_by(Fault.last_observed_on.desc().nulls_last(), Fault.id.desc())  # type: ignore[union-attr]
        .limit(MAX_FAULTS)
    ).all()
    faults = sharing.to_shared(rows)
    orgs_in: dict[int, set[int]] = {}
    for f in faults:
        if f.network_fault_id:
            orgs_in.setdefault(f.network_fault_id, set()).add(f.org_id)

    def group_orgs(f: SharedFault) -> set[int]:
        return orgs_in[f.network_fault_id] if f.network_fault_id else {f.org_id}

    by_authority: dict[str, list[SharedFault]] = {}
    for f in faults:
        by_authority.setdefault(f.authority.casefold().strip(), []).append(f)
    found: list[Suggestion] = []
    for group in by_authority.values():
        for a, b in combinations(group, 2):
            if group_orgs(a) & group_orgs(b):  # one organisation twice, or linked already
                continue
            if (min(a.id, b.id), max(a.id, b.id)) in dismissed:
                continue
            score = similarity(a, b)
            if score >= MIN_SCORE:
                first, second = sorted((a, b), key=lambda f: (f.org_name, f.id))
                found.append(Suggestion(first, second, score))
    found.sort(key=lambda s: (-s.score, s.a.id, s.b.id))
    return found[:limit]
