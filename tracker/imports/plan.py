"""What an import would do, computed before anything is written: the faults to create,
the occurrences per fault, the rows refused (row number, column, reason – never the cell's
text) and the rows imported before (their fingerprint is already stored)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..faults.forms import consequence_labels, gender_choices
from ..faults.models import NARRATIVE_MAX, Fault, Theme
from ..guard import kind_label
from ..orgs.models import Authority, Organisation
from ..privacy import Finding, find_identifiers
from ..timeutil import utcnow
from .fields import field_labels, fold
from .models import ImportFingerprint
from .parsing import Table, cell_text, parse_date
from .scan import scan_all
from .stored import withheld_findings

TITLE_MAX = 200
_SPLIT = re.compile(r"[,;/\n]+")
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_GENDER_WORDS = {
    "k": "kvinna",
    "kv": "kvinna",
    "kvinna": "kvinna",
    "m": "man",
    "man": "man",
    "annat": "annat",
    "ej angivet": "ej_angivet",
    "ej_angivet": "ej_angivet",
    "vill ej ange": "ej_angivet",
    "okänt": "ej_angivet",
}
# Catalogue fields hold authority and theme names: identifiers are refused there, a
# possible name is not (it always is one).
_CATALOGUE = ("myndighet", "tema")


@dataclass
class Refusal:
    row: int
    column: str
    reason: str


@dataclass
class Row:
    number: int
    fault_key: str
    observed_on: date
    authority_id: int
    narrative: str
    gender: str | None
    age_band: str | None
    consequences: list[str]
    theme_ids: list[int]
    fingerprint: str


@dataclass
class NewFault:
    key: str
    title: str
    authority_id: int
    other_authority_ids: set[int] = field(default_factory=set)
    theme_ids: set[int] = field(default_factory=set)


@dataclass
class Plan:
    rows_total: int = 0
    rows: list[Row] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    already_imported: int = 0
    new_faults: dict[str, NewFault] = field(default_factory=dict)
    existing: dict[str, Fault] = field(default_factory=dict)

    @property
    def refused_rows(self) -> int:
        return len({r.row for r in self.refused})

    def per_fault(self) -> Counter[str]:
        return Counter(r.fault_key for r in self.rows)


@dataclass
class Catalogue:
    """The organisation's authorities, themes and faults, loaded once per import."""

    org: Organisation
    authorities: list[Authority]
    themes: list[Theme]
    faults: dict[str, Fault]

    @classmethod
    def load(cls, session: Session, org: Organisation) -> Catalogue:
        auths = list(
            session.exec(
                select(Authority).where(Authority.org_id == org.id).order_by(col(Authority.name))
            )
        )
        themes = list(
            session.exec(select(Theme).where(Theme.org_id == org.id).order_by(col(Theme.name)))
        )
        all_faults = list(session.exec(select(Fault).where(Fault.org_id == org.id)))
        by_id = {f.id: f for f in all_faults}
        faults: dict[str, Fault] = {}
        for f in sorted(all_faults, key=lambda f: (f.duplicate_of_id is not None, f.id or 0)):
            survivor = by_id.get(f.duplicate_of_id, f) if f.duplicate_of_id else f
            faults.setdefault(fold(f.title), survivor)
        return cls(org, auths, themes, faults)

    def authority(self, text: str) -> Authority | None:
        exact = next((a for a in self.authorities if a.name == text), None)
        if exact is not None:
            return exact
        return next((a for a in self.authorities if fold(a.name) == fold(text)), None)


class _Checker:
    def __init__(self, cat: Catalogue, *, confirmed: bool) -> None:
        self.cat = cat
        self.confirmed = confirmed
        self.labels = field_labels()
        self._seen: dict[str, list[Finding]] = {}
        self.consequences = {fold(code): code for code in consequence_labels()}
        self.consequences |= {fold(label): code for code, label in consequence_labels().items()}
        self.genders = dict(_GENDER_WORDS)
        self.genders |= {fold(label): code for code, label in gender_choices() if code}
        self.bands = {_band_key(b): b for b in cat.org.age_band_list}
        self.themes = {fold(t.name): t for t in cat.themes}
        self.today = utcnow().date()

    def prefetch(self, texts: set[str]) -> None:
        self._seen.update(scan_all(texts))

    def findings(self, text: str) -> list[Finding]:
        withheld = withheld_findings(text)  # a cell the upload did not keep
        if withheld is not None:
            return withheld
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = find_identifiers(text) if text else []
        return found

    def guard(self, code: str, text: str) -> str | None:
        found = self.findings(text)
        blocking = [f for f in found if f.blocking]
        if blocking:
            return _(
                "Cellen innehåller %(what)s – inga uppgifter som kan identifiera en person "
                "får importeras.",
                what=kind_label(blocking[0].kind),
            )
        if found and not self.confirmed and code not in _CATALOGUE:
            return _(
                "Cellen kan innehålla %(what)s. Ta bort det, eller intyga att filen är "
                "avidentifierad.",
                what=kind_label(found[0].kind),
            )
        return None

    def observed_on(self, raw: Any) -> tuple[date | None, str | None]:
        text = cell_text(raw)
        if not text:
            return None, _("Datum saknas.")
        day = parse_date(raw)
        if day is None:
            return None, self.guard("datum", text) or _(
                "Datumet kunde inte läsas. Skriv det som 2024-03-15 eller 15/3/2024."
            )
        if day > self.today:
            return None, _("Datumet ligger i framtiden.")
        if day < date(2000, 1, 1):
            return None, _("Datumet är före år 2000.")
        return day, None

    def authority(self, text: str) -> tuple[Authority | None, str | None]:
        if not text:
            return None, _("Myndighet saknas.")
        found = self.cat.authority(text)
        if found is None:
            return None, self.guard("myndighet", text) or _(
                "Myndigheten finns inte i verksamhetens katalog. Välj en av: %(names)s.",
                names=", ".join(a.name for a in self.cat.authorities),
            )
        return found, None

    def gender(self, text: str) -> tuple[str | None, str | None]:
        if not text:
            return None, None
        code = self.genders.get(fold(text))
        if code is None:
            choices = ", ".join(label for code, label in gender_choices() if code)
            return None, _("Okänt kön. Välj en av: %(choices)s.", choices=choices)
        return code, None

    def age_band(self, text: str) -> tuple[str | None, str | None]:
        if not text:
            return None, None
        band = self.bands.get(_band_key(text))
        if band is None and text.isdigit():
            band = _band_of_age(int(text), list(self.bands.values()))
        if band is None:
            return None, _(
                "Åldern passar ingen av verksamhetens åldersgrupper: %(bands)s.",
                bands=", ".join(self.bands.values()),
            )
        return band, None

    def codes(self, text: str) -> tuple[list[str], str | None]:
        codes = []
        for part in _SPLIT.split(text):
            if not part.strip():
                continue
            code = self.consequences.get(fold(part))
            if code is None:
                return [], _(
                    "Okänd konsekvens. Välj bland: %(choices)s.",
                    choices=", ".join(consequence_labels().values()),
                )
            codes.append(code)
        return sorted(set(codes)), None

    def theme_ids(self, text: str) -> tuple[list[int], str | None]:
        ids = []
        for part in _SPLIT.split(text):
            if not part.strip():
                continue
            theme = self.themes.get(fold(part))
            if theme is None:
                return [], _(
                    "Okänt tema. Välj bland: %(choices)s.",
                    choices=", ".join(t.name for t in self.cat.themes),
                )
            ids.append(theme.id or 0)
        return sorted(set(ids)), None


def _band_key(text: str) -> str:
    return _DASHES.sub("–", fold(text)).replace(" ", "")


def _band_of_age(age: int, bands: list[str]) -> str | None:
    for band in bands:
        lo, _sep, hi = band.replace("+", "").partition("–")
        try:
            if int(lo) <= age and (not hi or age <= int(hi)):
                return band
        except ValueError:
            continue
    return None


def fingerprint(values: list[str]) -> str:
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()


def build_plan(
    session: Session,
    org: Organisation,
    table: Table,
    mapping: dict[str, int],
    *,
    confirmed: bool = False,
) -> Plan:
    cat = Catalogue.load(session, org)
    check = _Checker(cat, confirmed=confirmed)
    plan = Plan(rows_total=len(table.rows))
    labels = check.labels
    columns = [i for code, i in mapping.items() if code != "datum"]
    check.prefetch(
        {cell_text(cells[i]) for _n, cells in table.rows for i in columns if i < len(cells)}
    )
    seen: Counter[str] = Counter()
    for number, cells in table.rows:

        def cell(code: str, cells: list[Any] = cells) -> Any:
            i = mapping.get(code)
            return cells[i] if i is not None and i < len(cells) else None

        problems: list[tuple[str, str]] = []
        texts = {code: cell_text(cell(code)) for code in labels if code != "datum"}
        for code, text in texts.items():
            reason = check.guard(code, text) if text else None
            if reason:
                problems.append((code, reason))
        bad = {code for code, _r in problems}
        observed_on, reason = check.observed_on(cell("datum"))
        if reason:
            problems.append(("datum", reason))
        authority, reason = (
            (None, None) if "myndighet" in bad else check.authority(texts["myndighet"])
        )
        if reason:
            problems.append(("myndighet", reason))
        title = " ".join(texts["systemfel"].split())
        if not title and "systemfel" not in bad:
            problems.append(("systemfel", _("Systemfel saknas.")))
        elif len(title) > TITLE_MAX:
            problems.append(("systemfel", _("Högst %(n)s tecken.", n=TITLE_MAX)))
        narrative = texts["iakttagelse"]
        if len(narrative) > NARRATIVE_MAX:
            problems.append(("iakttagelse", _("Högst %(n)s tecken.", n=NARRATIVE_MAX)))
        gender, reason = (None, None) if "kon" in bad else check.gender(texts["kon"])
        if reason:
            problems.append(("kon", reason))
        band, reason = (None, None) if "alder" in bad else check.age_band(texts["alder"])
        if reason:
            problems.append(("alder", reason))
        codes, reason = ([], None) if "konsekvenser" in bad else check.codes(texts["konsekvenser"])
        if reason:
            problems.append(("konsekvenser", reason))
        theme_ids, reason = ([], None) if "tema" in bad else check.theme_ids(texts["tema"])
        if reason:
            problems.append(("tema", reason))
        if problems:
            plan.refused += [Refusal(number, labels[code], why) for code, why in problems]
            continue
        assert observed_on is not None and authority is not None and authority.id is not None
        key = fold(title)
        content = [
            observed_on.isoformat(),
            str(authority.id),
            key,
            fold(narrative),
            gender or "",
            band or "",
            ",".join(codes),
        ]
        seen[fingerprint(content)] += 1
        content.append(str(seen[fingerprint(content)]))
        plan.rows.append(
            Row(
                number=number,
                fault_key=key,
                observed_on=observed_on,
                authority_id=authority.id,
                narrative=narrative,
                gender=gender,
                age_band=band,
                consequences=codes,
                theme_ids=theme_ids,
                fingerprint=fingerprint(content),
            )
        )
        existing = cat.faults.get(key)
        if existing is not None:
            plan.existing[key] = existing
            continue
        new = plan.new_faults.setdefault(key, NewFault(key, title, authority.id))
        if authority.id != new.authority_id:
            new.other_authority_ids.add(authority.id)
        new.theme_ids |= set(theme_ids)
    _drop_imported(session, org.id or 0, plan)
    return plan


def _drop_imported(session: Session, org_id: int, plan: Plan) -> None:
    """Rows whose fingerprint is stored were imported before: they are skipped."""
    prints = [r.fingerprint for r in plan.rows]
    known: set[str] = set()
    for i in range(0, len(prints), 500):
        known |= set(
            session.exec(
                select(ImportFingerprint.fingerprint).where(
                    ImportFingerprint.org_id == org_id,
                    col(ImportFingerprint.fingerprint).in_(prints[i : i + 500]),
                )
            )
        )
    if not known:
        return
    plan.already_imported = sum(1 for r in plan.rows if r.fingerprint in known)
    plan.rows = [r for r in plan.rows if r.fingerprint not in known]
    keys = {r.fault_key for r in plan.rows}
    plan.new_faults = {k: v for k, v in plan.new_faults.items() if k in keys}
    plan.existing = {k: v for k, v in plan.existing.items() if k in keys}
