"""A finding of the guard, and the small helpers around it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BLOCKING_KINDS = frozenset({"personnummer", "samordningsnummer", "email", "phone"})
WARNING_KINDS = frozenset({"name", "address"})

# When two findings overlap, the one with the lower rank wins (blocking before warnings).
RANK = {
    "personnummer": 0,
    "samordningsnummer": 0,
    "email": 1,
    "phone": 2,
    "address": 3,
    "name": 4,
}


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text; ``text`` is ``source[start:end]``."""

    kind: str
    start: int
    end: int
    text: str
    blocking: bool


def luhn_ok(digits: str) -> bool:
    """Return True if ``digits`` (ASCII digits only) passes the Luhn mod-10 check.

    The last digit is the check digit. For a 10-digit personnummer ``YYMMDDNNNC`` this is
    the Swedish rule: weights 2-1-2-1-... on the first nine digits, starting with 2.
    Anything that is not a non-empty string of ASCII digits gives False.
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that must stop the text from being saved."""
    return [f for f in findings if f.blocking]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings the user should check but may keep (names, addresses)."""
    return [f for f in findings if not f.blocking]


def finding(text: str, kind: str, start: int, end: int) -> Finding:
    return Finding(
        kind=kind,
        start=start,
        end=end,
        text=text[start:end],
        blocking=kind in BLOCKING_KINDS,
    )
