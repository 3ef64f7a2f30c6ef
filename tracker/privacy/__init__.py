"""Detect personal identifiers in free text written by personligt ombud.

The tracker stores descriptions of *systemfel* (structural faults), which must never
identify a client. :func:`find_identifiers` scans a text and reports

* blocking findings – ``personnummer``, ``samordningsnummer``, ``email`` and ``phone`` –
  which must be removed before the text may be saved, and
* warnings – ``name`` (a known first name followed by a surname-like word) and
  ``address`` (a street name with a house number) – which the user is asked to check.

Every scan runs on normalised text (:mod:`.normalise`: other Unicode digits and dashes,
zero-width characters, soft hyphens, HTML entities, Markdown and HTML markup), once as
typed and once with the markup a reader would not see removed; findings point at, and
quote, the span of the text as the user typed it.
"""

from __future__ import annotations

import bisect

from .findings import (
    BLOCKING_KINDS,
    RANK,
    WARNING_KINDS,
    Finding,
    blocking,
    luhn_ok,
    warnings,
)
from .normalise import Normalised, normalise
from .numbers import find_emails, find_personnummer, find_phones
from .words import find_addresses, find_names, first_names

__all__ = [
    "BLOCKING_KINDS",
    "WARNING_KINDS",
    "Finding",
    "blocking",
    "find_identifiers",
    "first_names",
    "luhn_ok",
    "mask",
    "warnings",
]

_DETECTORS = (find_personnummer, find_emails, find_phones, find_addresses, find_names)


def _candidates(source: str, variant: Normalised) -> list[Finding]:
    found: list[Finding] = []
    for detect in _DETECTORS:
        for f in detect(variant.text):
            start, end = variant.source_span(f.start, f.end)
            found.append(Finding(f.kind, start, end, source[start:end], f.blocking))
    return found


def find_identifiers(text: str) -> list[Finding]:
    """Find personal identifiers in ``text``.

    Returns non-overlapping findings sorted by start, with ``start``/``end``/``text`` in
    ``text`` as given. Where candidates overlap, blocking kinds win over warnings
    (personnummer/samordningsnummer, then e-mail, then phone), and among equals the
    longer, then the earlier candidate wins.
    """
    if not text:
        return []
    plain, stripped = normalise(text)
    candidates = set(_candidates(text, plain))
    if stripped.text != plain.text:
        candidates.update(_candidates(text, stripped))
    ordered = sorted(candidates, key=lambda f: (RANK[f.kind], f.start - f.end, f.start))
    accepted: list[Finding] = []  # kept sorted by start; non-overlapping, so ends too
    starts: list[int] = []
    for candidate in ordered:
        index = bisect.bisect_right(starts, candidate.start)
        if index > 0 and accepted[index - 1].end > candidate.start:
            continue
        if index < len(accepted) and accepted[index].start < candidate.end:
            continue
        accepted.insert(index, candidate)
        starts.insert(index, candidate.start)
    return accepted


def mask(text: str, keep: int = 2) -> str:
    """``text`` with all but its last ``keep`` characters replaced by "•", for lists of
    findings that must not show the identifier itself."""
    if len(text) <= keep:
        return "•" * len(text)
    return "•" * (len(text) - keep) + text[-keep:]
