"""Likely person names and street addresses (warnings the user is asked to check)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .findings import Finding
from .findings import finding as _finding

_FIRST_NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "first_names.txt"


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


def find_addresses(text: str) -> list[Finding]:
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


def find_names(text: str) -> list[Finding]:
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
