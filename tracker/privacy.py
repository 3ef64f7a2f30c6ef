"""Detect personal identifiers in free text written by personligt ombud.

The tracker stores descriptions of *systemfel* (structural faults), which must never
identify a client. :func:`find_identifiers` scans a text and reports

* blocking findings – ``personnummer``, ``samordningsnummer``, ``email`` and ``phone`` –
  which must be removed before the text may be saved, and
* warnings – ``name`` (a known first name followed by a surname-like word) and
  ``address`` (a street name with a house number) – which the user is asked to check.

The rules are Swedish-specific and deliberately conservative about *numbers*: dates,
diarienummer, SFS numbers, amounts, times and statistics tables are common in the
reports and must not be mistaken for personnummer or phone numbers.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "BLOCKING_KINDS",
    "WARNING_KINDS",
    "Finding",
    "blocking",
    "find_identifiers",
    "first_names",
    "luhn_ok",
    "warnings",
]

BLOCKING_KINDS = frozenset({"personnummer", "samordningsnummer", "email", "phone"})
WARNING_KINDS = frozenset({"name", "address"})

# When two findings overlap, the one with the lower rank wins (blocking before warnings).
_RANK = {
    "personnummer": 0,
    "samordningsnummer": 0,
    "email": 1,
    "phone": 2,
    "address": 3,
    "name": 4,
}

_FIRST_NAMES_FILE = Path(__file__).resolve().parent / "data" / "first_names.txt"


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


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The bundled list of common Swedish first names (case-sensitive)."""
    names: set[str] = set()
    with _FIRST_NAMES_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            name = line.strip()
            if name and not name.startswith("#"):
                names.add(name)
    return frozenset(names)


# --------------------------------------------------------------------------------------
# personnummer / samordningsnummer
# --------------------------------------------------------------------------------------

# Separators between the date part and the four last digits: hyphen, en dash (word
# processors), plus (100 years or older), a space or no-break space, or nothing.
_PNR_SEP = r"[-\u2013+ \u00a0]?"
# Not glued to other digits, and not part of a longer number such as "1-800101-1234/5".
_NUM_BEFORE = r"(?<!\d)(?<!\d[-/.:,])"
_NUM_AFTER = r"(?!\d)(?![-/:.,]\d)"

_PNR12_RE = re.compile(
    _NUM_BEFORE
    + r"(?P<year>(?:18|19|20)\d\d)(?P<month>\d\d)(?P<day>\d\d)"
    + _PNR_SEP
    + r"(?P<last>\d{4})"
    + _NUM_AFTER
)
_PNR10_RE = re.compile(
    _NUM_BEFORE
    + r"(?P<yy>\d\d)(?P<month>\d\d)(?P<day>\d\d)"
    + _PNR_SEP
    + r"(?P<last>\d{4})"
    + _NUM_AFTER
)


def _date_kind(year: int, month: int, day: int) -> str | None:
    """Classify a birth date: real date, samordningsnummer date (day + 60), or neither."""
    if not 1 <= month <= 12:
        return None
    days_in_month = calendar.monthrange(year, month)[1]
    if 1 <= day <= days_in_month:
        return "personnummer"
    if 61 <= day <= 60 + days_in_month:
        return "samordningsnummer"
    return None


def _find_personnummer(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in _PNR12_RE.finditer(text):
        year = int(match["year"])
        kind = _date_kind(year, int(match["month"]), int(match["day"]))
        ten = match["year"][2:] + match["month"] + match["day"] + match["last"]
        if kind is not None and luhn_ok(ten):
            found.append(_finding(text, kind, match.start(), match.end()))
    for match in _PNR10_RE.finditer(text):
        # The century is unknown: check the date against 2000+YY, which gives Feb 29 in
        # every year divisible by four (1900 is the only such year that was not a leap
        # year, and tolerating it errs on the side of privacy).
        year = 2000 + int(match["yy"])
        kind = _date_kind(year, int(match["month"]), int(match["day"]))
        ten = match["yy"] + match["month"] + match["day"] + match["last"]
        if kind is not None and luhn_ok(ten):
            found.append(_finding(text, kind, match.start(), match.end()))
    return found


# --------------------------------------------------------------------------------------
# e-mail
# --------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+%'-])"
    r"[\w+%'-]+(?:\.[\w+%'-]+)*"  # local part (Unicode letters allowed)
    r"(?:@|[ \u00a0]?(?:\(at\)|\[at\]|\(a\)|\[a\])[ \u00a0]?)"
    r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*"  # domain labels
    r"\.[^\W\d_]{2,24}"  # top-level domain
    r"(?![\w-])",
    re.IGNORECASE,
)


def _find_emails(text: str) -> list[Finding]:
    return [_finding(text, "email", m.start(), m.end()) for m in _EMAIL_RE.finditer(text)]


# --------------------------------------------------------------------------------------
# phone numbers
# --------------------------------------------------------------------------------------

# A phone candidate is a trunk prefix ("0", "(0", "+46", "0046", "+46 (0)") followed by
# digit groups. The prefix is consumed by the regex, so the groups hold the national
# significant number (NSN), which is validated and possibly shortened in Python.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?<!\d[-/.:,\u2013])"
    r"(?P<lead>"
    r"(?:\+|\b00)46(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])?(?:\(0\)[ \u00a0]?)?"
    r"|\(0"
    r"|\b0"
    r")"
    r"(?=[1-9])"
    r"(?P<body>\d+(?:(?:\)[ \u00a0]?|[ \u00a0]?[-\u2013][ \u00a0]?|[ \u00a0])\d+){0,5})"
)
_PHONE_TOKEN_RE = re.compile(r"\d+")
_PLAIN_SUBSCRIBER_SEPARATORS = frozenset({" ", "\u00a0", "-"})
# A preceding 1-3 digit group separated by a space: the candidate may continue an amount
# written with thousands separators ("2 029 410", "1 012 345 678 kr").
_AMOUNT_BEFORE_RE = re.compile(r"(?:^|[^\d])\d{1,3}[ \u00a0]$")
# Two-digit area codes (after the trunk 0): the geographic ones, 010, 020 and the 07x
# mobile and service ranges.
_TWO_DIGIT_AREA_CODES = frozenset(
    {"10", "11", "13", "16", "18", "19", "20", "21", "23", "26", "31", "33", "35", "36"}
    | {"40", "42", "44", "46", "54", "60", "63", "90"}
    | {f"7{d}" for d in range(10)}
)
_PHONE_AFTER_RE = re.compile(r"[/:.,]\d")


def _valid_nsn(tokens: list[str], separators: list[str], lead: str) -> bool:
    """Check digit groups (without trunk 0 / country code) for a Swedish number shape."""
    nsn = "".join(tokens)
    if not 7 <= len(nsn) <= 9:
        return False
    if nsn.startswith("8") and len(nsn) < 8:  # Stockholm: 08 + 7-8 digits
        return False
    if nsn.startswith("7") and len(nsn) != 9:  # mobile / 07x service numbers
        return False
    if len(tokens) == 1:
        return not lead.startswith("(")
    area, rest = tokens[0], tokens[1:]
    if not 1 <= len(area) <= 3:
        return False
    if len(area) == 1 and area != "8":  # 8 (Stockholm) is the only one-digit area code
        return False
    if lead.startswith("(") != separators[0].startswith(")"):
        return False
    if any(sep not in _PLAIN_SUBSCRIBER_SEPARATORS for sep in separators[1:]):
        return False
    if len(rest) == 1:
        return 2 <= len(rest[0]) <= 8
    return all(2 <= len(group) <= 4 for group in rest)


def _find_phones(text: str) -> list[Finding]:
    found: list[Finding] = []
    pos = 0
    while True:
        match = _PHONE_RE.search(text, pos)
        if match is None:
            return found
        lead = match["lead"]
        body_start = match.start("body")
        token_matches = list(_PHONE_TOKEN_RE.finditer(match["body"]))
        tokens = [t.group() for t in token_matches]
        separators = [
            match["body"][a.end() : b.start()]
            for a, b in zip(token_matches, token_matches[1:], strict=False)
        ]
        accepted_end: int | None = None
        # Longest run of leading groups that looks like a phone number; later groups may
        # belong to something else (a second number, a table column).
        longest = 0
        digits = 0
        for token in tokens:
            digits += len(token)
            if digits > 9:  # no Swedish NSN is longer
                break
            longest += 1
        for count in range(longest, 0, -1):
            if not _valid_nsn(tokens[:count], separators[: count - 1], lead):
                continue
            end = body_start + token_matches[count - 1].end()
            if _PHONE_AFTER_RE.match(text, end):
                break
            if lead == "0" and _looks_like_amount(
                text, match.start(), tokens[:count], separators, found
            ):
                break
            accepted_end = end
            break
        if accepted_end is None:
            pos = match.start() + 1
        else:
            found.append(_finding(text, "phone", match.start(), accepted_end))
            pos = accepted_end


def _looks_like_amount(
    text: str, start: int, tokens: list[str], separators: list[str], found: list[Finding]
) -> bool:
    """True for "2 029 410 08": a 3-digit group continuing a number written before it.

    Only called for a national number written directly after "<1-3 digits><space>". Then a
    first group of three digits ("0" + two) followed by a space is read as a thousands
    group, unless the two digits are a real two-digit area code and the groups are not
    all thousands-like ("15 070 123 45 67" is a phone number after a date).
    """
    if not _AMOUNT_BEFORE_RE.search(text, max(0, start - 5), start):
        return False
    if found and found[-1].end == start - 1:  # a list of phone numbers separated by spaces
        return False
    if len(tokens[0]) != 2 or not separators or separators[0] not in (" ", "\u00a0"):
        return False
    if tokens[0] not in _TWO_DIGIT_AREA_CODES:
        return True
    spaced = all(sep in (" ", "\u00a0") for sep in separators[: len(tokens) - 1])
    return spaced and all(len(group) == 3 for group in tokens[1:])


# --------------------------------------------------------------------------------------
# addresses (warning)
# --------------------------------------------------------------------------------------

_STREET_SUFFIXES = (
    "gatan", "gata", "gränden", "gränd", "vägen", "väg", "torget", "torg", "backen",
    "stigen", "allén", "allé", "planen", "plan", "leden", "gången", "kajen", "esplanaden",
    "promenaden", "platsen", "stråket", "slingan",
)  # fmt: skip
_STREET_SUFFIX_ALT = "|".join(sorted(_STREET_SUFFIXES, key=len, reverse=True))
_CAP = r"[A-ZÅÄÖÉÜ]"
_LOW = r"[a-zåäöéèüáíóúæøç]"
_ADDRESS_RE = re.compile(
    r"(?<![\w-])"
    rf"(?P<street>{_CAP}{_LOW}*(?:-{_LOW}+)*(?:{_STREET_SUFFIX_ALT})"
    rf"|{_CAP}{_LOW}+[ \u00a0](?:väg|gata|gränd|allé))"
    r"[ \u00a0]+"
    r"(?P<number>[1-9]\d{0,2}(?:[-\u2013][1-9]\d{0,2})?(?:[ \u00a0]?[A-Ha-h](?!\w))?)"
    r"(?!\d)(?![.,:/%]\d)(?![ \u00a0]?%)"
    r"(?P<postal>,?[ \u00a0]+[1-9]\d{2}[ \u00a0]?\d{2}(?!\d)"
    rf"(?:[ \u00a0]+{_CAP}\w+(?:-{_CAP}\w+)*)?)?"
)


def _find_addresses(text: str) -> list[Finding]:
    return [_finding(text, "address", m.start(), m.end()) for m in _ADDRESS_RE.finditer(text)]


# --------------------------------------------------------------------------------------
# names (warning)
# --------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")
_HSPACE_RE = re.compile(r"[ \t\u00a0]{1,3}")
_MAX_NAME_WORDS = 5  # "Anna Maria Lovisa von Platen"
_NAME_PARTICLES = frozenset(
    {"af", "al", "bin", "da", "de", "del", "der", "di", "el", "ibn", "la", "van", "von"}
)

# Capitalised words that follow a first name without being a surname: authorities,
# organisations, places, and Swedish words that commonly start a sentence or heading.
_NOT_SURNAMES_TEXT = """
    Arbetsförmedlingen Arbetsförmedling Försäkringskassan Försäkringskassa Kronofogden
    Kronofogdemyndigheten Skatteverket Migrationsverket Pensionsmyndigheten Polisen
    Socialstyrelsen Socialtjänsten Socialtjänst Socialnämnden Socialförvaltningen
    Länsstyrelsen Förvaltningsrätten Förvaltningsrätt Kammarrätten Tingsrätten
    Samordningsförbundet Stadsmissionen Frälsningsarmén Kyrkan Region Regionen Landstinget
    Landsting Kommun Kommunen Kommuns Stad Staden Stadsdel Stadsdelen Stadsdelsförvaltning
    Stadsdelsförvaltningen Psykiatri Psykiatrin Psykiatrimottagning Psykiatrimottagningen
    Primärvård Primärvården Vårdcentral Vårdcentralen Sjukhus Sjukhuset Hälsocentral
    Öppenvård Öppenvården Slutenvård Slutenvården Boendestöd Personligt Personliga Ombud
    Ombudet Ombuden Sverige Sveriges Svenska Stockholm Stockholms Göteborg Göteborgs Malmö
    Uppsala Norrland Skåne Län Länet Universitet Högskola Sjukvård Sjukvården
    Januari Februari Mars April Maj Juni Juli Augusti September Oktober November December
    Måndag Tisdag Onsdag Torsdag Fredag Lördag Söndag
    Det Den De Dem Detta Denna Dessa Där Då Och Men Eller Som Att En Ett Jag Vi Han Hon
    Hen Ni Du Man Om Nu Efter Under Inom Med Mot För Till Från Vid Hos Genom Mellan Utan
    Sedan Även Också Inte Ej Har Hade Är Var Blev Kan Kunde Ska Skulle Vill Får Fick Bör
    Enligt Samt Varje Alla Många Flera Några Ingen Inga Hela Både Vilket Vilka Vad När
    Hur Varför Eftersom Dock Därför Ja Nej Tack Hej Hälsningar Mvh Vänliga
"""
_NOT_SURNAMES = frozenset(_NOT_SURNAMES_TEXT.split())


def _is_capitalised(word: str) -> bool:
    parts = re.split(r"[-'\u2019]", word)
    return all(len(p) >= 2 and p[0].isupper() and p[1:].islower() for p in parts)


def _is_first_name(word: str, names: frozenset[str]) -> bool:
    if word in names:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(part in names for part in parts)


def _find_names(text: str) -> list[Finding]:
    names = first_names()
    words = list(_WORD_RE.finditer(text))
    found: list[Finding] = []
    i = 0
    while i < len(words):
        word = words[i].group()
        if not _is_first_name(word, names):
            i += 1
            continue
        last: int | None = None
        j = i + 1
        while j < len(words) and _HSPACE_RE.fullmatch(text, words[j - 1].end(), words[j].start()):
            candidate = words[j].group()
            if (
                candidate in _NAME_PARTICLES
                and j + 1 < len(words)
                and _HSPACE_RE.fullmatch(text, words[j].end(), words[j + 1].start())
            ):
                j += 1  # "Anna von Platen": look at the word after the particle
                continue
            if not _is_capitalised(candidate) or candidate in _NOT_SURNAMES:
                break
            last = j
            if not _is_first_name(candidate, names) or j - i >= _MAX_NAME_WORDS - 1:
                break  # a surname ends the name
            j += 1  # another given name ("Anna Maria Svensson")
        if last is None:
            i += 1
            continue
        found.append(_finding(text, "name", words[i].start(), words[last].end()))
        i = last + 1
    return found


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------


def _finding(text: str, kind: str, start: int, end: int) -> Finding:
    return Finding(
        kind=kind,
        start=start,
        end=end,
        text=text[start:end],
        blocking=kind in BLOCKING_KINDS,
    )


def find_identifiers(text: str) -> list[Finding]:
    """Find personal identifiers in ``text``.

    Returns non-overlapping findings sorted by start. Where candidates overlap, blocking
    kinds win over warnings (personnummer/samordningsnummer, then e-mail, then phone),
    and among equals the longer, then the earlier candidate wins.
    """
    candidates = [
        *_find_personnummer(text),
        *_find_emails(text),
        *_find_phones(text),
        *_find_addresses(text),
        *_find_names(text),
    ]
    candidates.sort(key=lambda f: (_RANK[f.kind], f.start - f.end, f.start))
    accepted: list[Finding] = []  # kept sorted by start; non-overlapping, so ends too
    starts: list[int] = []
    for candidate in candidates:
        index = bisect.bisect_right(starts, candidate.start)
        if index > 0 and accepted[index - 1].end > candidate.start:
            continue
        if index < len(accepted) and accepted[index].start < candidate.end:
            continue
        accepted.insert(index, candidate)
        starts.insert(index, candidate.start)
    return accepted
