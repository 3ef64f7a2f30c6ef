"""The quick log's fault picker: which faults match what the ombud typed, most relevant first.

One function, `rank`, behind both the search-as-you-type suggestions (JSON) and the list of
candidates shown without JavaScript. It is one SQL statement whatever the data size: every
match is a condition with a weight, the score is their sum, and the order is

1. the reference typed exactly,
2. the score – the reference's start, the title (a word starting with what was typed above
   the same letters inside a word, the whole phrase above single words), the authority's
   name, the full-text index (description, summary, narratives),
3. recurrence: occurrences in the organisation's recurrence window,
4. recency: the last observed occurrence, then the last change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, or_
from sqlmodel import Session, col

from ..orgs.context import current_org, scoped_with
from ..orgs.models import Authority
from . import derived, search
from .models import Fault
from .services import Recurrence

MAX_QUERY = 200  # characters of the search text that are used
MIN_QUERY = 2
_MAX_WORDS = 6
_WORD = re.compile(r"\w+", re.UNICODE)

# Weights: a higher tier always outranks any sum of the lower ones that can co-occur.
EXACT_REF = 100_000
REF_START = 20_000
REF_INSIDE = 5_000
PHRASE_TITLE_START = 900
PHRASE_WORD_START = 600
PHRASE_INSIDE = 250
WORD_TITLE_START = 120
WORD_START = 100
WORD_INSIDE = 30
AUTHORITY_WORD_START = 40
AUTHORITY_INSIDE = 12
FULL_TEXT = 20

# Upper-case letters SQLite's lower() leaves alone (it folds ASCII only), and the
# punctuation that separates words in a title.
_UPPER = {"Å": "å", "Ä": "ä", "Ö": "ö", "É": "é", "Ü": "ü", "Æ": "æ", "Ø": "ø"}
_SEPARATORS = "()/-,.:;”“\"'–"


@dataclass(frozen=True)
class Pick:
    """One fault the picker offers: what a person needs to recognise it."""

    fault: Fault
    authority: str
    count: int  # occurrences in all

    @property
    def ref(self) -> str:
        return self.fault.ref

    @property
    def title(self) -> str:
        return self.fault.title


def clean_query(text: str | None) -> str:
    """The search text as used: at most MAX_QUERY characters, spacing collapsed."""
    return " ".join((text or "")[:MAX_QUERY].split())


def _fold(expr: Any) -> Any:
    """Lower case on both databases, with word separators turned into spaces and a space in
    front, so that ' word%' finds a word's start anywhere (also the first word)."""
    for upper, lower in _UPPER.items():
        expr = func.replace(expr, upper, lower)
    expr = func.lower(expr)
    for sep in _SEPARATORS:
        expr = func.replace(expr, sep, " ")
    return literal(" ") + expr


def _fold_text(text: str) -> str:
    folded = text.lower()
    for sep in _SEPARATORS:
        folded = folded.replace(sep, " ")
    return " ".join(folded.split())


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(text: str, words: list[str], fts: Any) -> list[tuple[Any, int]]:
    ref = func.upper(Fault.ref)
    ref_text = _like(text.upper())
    title = _fold(Fault.title)
    authority = _fold(Authority.name)
    conds: list[tuple[Any, int]] = [
        (ref == text.upper(), EXACT_REF),
        (ref.like(f"{ref_text}%", escape="\\"), REF_START),
    ]
    if len(text) >= 3:
        conds.append((ref.like(f"%{ref_text}%", escape="\\"), REF_INSIDE))
    phrase = _fold_text(text)
    if len(words) > 1 and phrase:
        p = _like(phrase)
        conds += [
            (title.like(f" {p}%", escape="\\"), PHRASE_TITLE_START),
            (title.like(f"% {p}%", escape="\\"), PHRASE_WORD_START),
            (title.like(f"%{p}%", escape="\\"), PHRASE_INSIDE),
        ]
    for word in words:
        w = _like(word)
        conds += [
            (title.like(f" {w}%", escape="\\"), WORD_TITLE_START),
            (title.like(f"% {w}%", escape="\\"), WORD_START),
            (title.like(f"%{w}%", escape="\\"), WORD_INSIDE),
            (authority.like(f"% {w}%", escape="\\"), AUTHORITY_WORD_START),
            (authority.like(f"%{w}%", escape="\\"), AUTHORITY_INSIDE),
        ]
    if words:
        conds.append((col(Fault.id).in_(fts), FULL_TEXT))
    return conds


def rank(session: Session, text: str | None, *, limit: int = 8) -> list[Pick]:
    """The current organisation's faults (not merged duplicates) matching `text`, most
    relevant first – in one statement."""
    text = clean_query(text)
    if len(text) < MIN_QUERY:
        return []
    org = current_org()
    assert org.id is not None
    words = [w for w in _WORD.findall(text.lower()) if len(w) >= MIN_QUERY][:_MAX_WORDS]
    conds = _conditions(text, words, search.matching_fault_ids(session, org.id, text))
    score = sum((case((c, w), else_=0) for c, w in conds), start=literal(0))
    recent = derived.recent_counts(org.id, Recurrence.of(org).since())
    recent_n = func.coalesce(recent.c.n, 0)
    q = (
        scoped_with(Fault, Authority.name, recent_n)
        .join(Authority, Authority.id == Fault.primary_authority_id)
        .outerjoin(recent, recent.c.fault_id == Fault.id)
        .where(col(Fault.duplicate_of_id).is_(None), or_(*(c for c, _w in conds)))
        .order_by(
            score.desc(),
            recent_n.desc(),
            col(Fault.last_observed_on).desc().nulls_last(),
            col(Fault.updated_at).desc(),
            col(Fault.id).desc(),
        )
        .limit(limit)
    )
    return [
        Pick(fault=f, authority=a, count=f.occurrence_count) for f, a, _n in session.exec(q).all()
    ]


def chosen(session: Session, ref: str | None) -> Pick | None:
    """The fault a reference names (a merged duplicate: the fault it was merged into), with
    what the picker shows about it – or None."""
    ref = (ref or "").strip()[:MAX_QUERY]
    if not ref:
        return None
    rows = session.exec(
        scoped_with(Fault, Authority.name)
        .join(Authority, Authority.id == Fault.primary_authority_id)
        .where(func.upper(Fault.ref) == ref.upper())
    ).all()
    if not rows:
        return None
    fault, authority = rows[0]
    if fault.duplicate_of_id is not None:
        merged = session.exec(
            scoped_with(Fault, Authority.name)
            .join(Authority, Authority.id == Fault.primary_authority_id)
            .where(Fault.id == fault.duplicate_of_id)
        ).first()
        if merged is None:
            return None
        fault, authority = merged
    return Pick(fault=fault, authority=authority, count=fault.occurrence_count)
