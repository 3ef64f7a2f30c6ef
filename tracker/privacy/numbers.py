"""Identity numbers, e-mail addresses and phone numbers (blocking findings).

The detectors run on normalised text (see normalise.py): digits are ASCII, dashes are
"-", spaces are " ". They are deliberately conservative about *numbers*: dates,
diarienummer, SFS numbers, amounts, times and statistics tables are common in the reports
and must not be mistaken for personnummer or phone numbers.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

from .findings import Finding, luhn_ok
from .findings import finding as _finding

# --------------------------------------------------------------------------------------
# personnummer / samordningsnummer
# --------------------------------------------------------------------------------------

# Runs on normalised text (see normalise.py): digits are ASCII, dashes are "-", spaces " ".
# Separators between the date part and the last four digits: "-", "+" (100 years or
# older), ".", "/", "_" – each possibly with spaces around it – or spaces alone.
_PNR_SEP = r"(?P<sep>(?:[ ]{0,2}[-+./_]){1,3}[ ]{0,2}|[ ]{1,2})"
# Not glued to other digits, and not part of a longer number such as "1-800101-1234/5".
_NUM_BEFORE = r"(?<!\d)(?<!\d[-/.:,])"
_NUM_AFTER = r"(?!\d)(?![-/:.,]\d)"
# A date may itself be written with inner separators ("81-12-18", "1981 12 18"): the same
# one between each part. Spaced parts must not continue a row of numbers ("3 81 12 18").
_INNER = r"(?P<inner>[-./ ]?)"

_PNR12_RE = re.compile(
    _NUM_BEFORE
    + r"(?P<year>(?:18|19|20)\d\d)"
    + _INNER
    + r"(?P<month>\d\d)(?P=inner)(?P<day>\d\d)"
    + rf"(?:{_PNR_SEP})?"
    + r"(?P<last>\d{4})"
    + _NUM_AFTER
)
_PNR10_RE = re.compile(
    _NUM_BEFORE
    + r"(?P<yy>\d\d)"
    + _INNER
    + r"(?P<month>\d\d)(?P=inner)(?P<day>\d\d)"
    + rf"(?:{_PNR_SEP})?"
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


def _pnr_kind(match: re.Match[str], year: int, yy: str) -> str | None:
    """A date followed by four digits behind a separator, or a date written with inner
    separators, is an identity number whatever its check digit: a mistyped number still
    identifies a person. A bare run of 10 or 12 digits needs the Luhn digit, so that
    organisation numbers, amounts and references keep passing."""
    kind = _date_kind(year, int(match["month"]), int(match["day"]))
    if kind is None:
        return None
    if match["inner"] and not match["sep"]:
        return None  # "81-12-189876": a date glued to digits is something else
    before = match.string[max(0, match.start() - 2) : match.start()]
    if match["inner"] == " " and len(before) == 2 and before[0].isdigit() and before[1] == " ":
        return None  # "3 81 12 18 9876" continues a row of numbers
    valid = luhn_ok(yy + match["month"] + match["day"] + match["last"])
    if "year" in match.re.groupindex and match["inner"] and not match["sep"].strip():
        # "2022-03-15 2023", "2022-03-15 0046 70…": an ISO date and the next number.
        return kind if valid else None
    if match["sep"]:
        return kind
    return kind if valid else None


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match, overlapping ones included: a rejected candidate ("12 45 92 02 29")
    must not swallow the real number that starts inside it."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        yield match
        pos = match.start() + 1


def find_personnummer(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in _matches(_PNR12_RE, text):
        kind = _pnr_kind(match, int(match["year"]), match["year"][2:])
        if kind is not None:
            found.append(_finding(text, kind, match.start(), match.end()))
    for match in _matches(_PNR10_RE, text):
        # The century is unknown: check the date against 2000+YY, which gives Feb 29 in
        # every year divisible by four (1900 is the only such year that was not a leap
        # year, and tolerating it errs on the side of privacy).
        kind = _pnr_kind(match, 2000 + int(match["yy"]), match["yy"])
        if kind is not None:
            found.append(_finding(text, kind, match.start(), match.end()))
    return found


# --------------------------------------------------------------------------------------
# e-mail
# --------------------------------------------------------------------------------------

# Written-out forms: "anna (at) example (dot) se", "anna[at]example.se", "anna @ example.se".
_AT = r"(?:[ ]{0,2}@[ ]{0,2}|[ ]?[(\[{][ ]?(?:at|a|snabel-?a)[ ]?[)\]}][ ]?)"
_DOT = r"(?:\.|[ ]?[(\[{][ ]?(?:dot|punkt)[ ]?[)\]}][ ]?)"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL_RE = re.compile(
    r"(?<![\w.+%'-])"
    r"[\w+%'-]+(?:\.[\w+%'-]+)*"  # local part (Unicode letters allowed)
    + _AT
    + _LABEL
    + rf"(?:{_DOT}{_LABEL})*"  # domain labels
    + _DOT
    + r"[^\W\d_]{2,24}"  # top-level domain
    r"(?![\w-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[Finding]:
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
    r"(?P<body>\d+(?:(?:\)[ \u00a0]?|[ \u00a0]?[-\u2013./][ \u00a0]?|[ \u00a0])\d+){0,5})"
)
_PHONE_TOKEN_RE = re.compile(r"\d+")
_SUBSCRIBER_SEPARATORS = frozenset({"", "-", "."})
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
    if separators[0].strip() == "/" and len(nsn) < 8:
        return False  # "0543/2012" is a diarienummer; "08/123 45 67" a phone number
    if any(sep.strip(" \u00a0") not in _SUBSCRIBER_SEPARATORS for sep in separators[1:]):
        return False
    if len(rest) == 1:
        return 2 <= len(rest[0]) <= 8
    return all(2 <= len(group) <= 4 for group in rest)


def find_phones(text: str) -> list[Finding]:
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
