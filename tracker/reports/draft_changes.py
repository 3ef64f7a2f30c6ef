"""What changed in the report data since a draft was made, in plain words.

With the draft the report data behind its generated text is kept per section (`facts`):
per fault its reference, title, the count *as the report shows it* (so a suppressed count
is only ever "färre än N" or "dold", never the number), a hash of its text and its status.
`changes` compares that with the data now and says what changed ("SF-2024-006: färre än 3
→ 3 förekomster", "Nytt systemfel: …"), each with the sections it affects; taking a change
in takes those sections' newly generated text (tracker.reports.services.take_in)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ..faults.forms import status_labels
from ..orgs.models import ReportSection
from .build import Action, Report
from .draft_sections import Section, head_of, split
from .writing import ACTIONS_Q, appendix, count_text

ACTIONS_KEY = f"## {ACTIONS_Q}"
APPENDIX_KEY = "## Bilaga: statistik"

Facts = dict[str, dict[str, Any]]  # section key → {"kind": …, "faults": {id: {…}}}


# A digest in letters only: the snapshot is guarded like the text it holds, and a run of
# hex digits can look like a phone number to the guard.
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def _digest(*parts: Any) -> str:
    raw = json.dumps(parts, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:12].translate(_LETTERS)


def _key(heading: str, level: int = 3) -> str:
    return f"{'#' * level} {' '.join(heading.split())}"


def facts(report: Report) -> Facts:
    """The report data per section of the generated text (see tracker.reports.writing)."""
    stats = appendix(report)
    children: dict[int, list[ReportSection]] = defaultdict(list)
    for s in report.sections:
        if s.parent_id:
            children[s.parent_id].append(s)
    out: Facts = {}
    table: dict[str, dict[str, Any]] = {}
    for s in report.sections:
        if s.parent_id:
            continue
        faults: dict[str, dict[str, Any]] = {}
        for sub in [s, *children.get(s.id or 0, [])]:
            for e in report.by_section.get(sub.id or 0, []):
                kind = stats.hidden.kind(("fault", e.fault.id))
                count = count_text(e.occurrences, report.limit, kind)
                text = _digest(
                    e.fault.title,
                    e.fault.report_summary or e.fault.description,
                    e.authority.name,
                    e.consequences,
                )
                faults[str(e.fault.id)] = {
                    "ref": e.fault.ref,
                    "title": e.fault.title,
                    "count": count,
                    "text": text,
                }
                table[str(e.fault.id)] = {
                    "ref": e.fault.ref,
                    "title": e.fault.title,
                    "count": count,
                    "status": e.fault.status,
                }
        if faults:
            out[_key(s.heading)] = {"kind": "summary", "faults": faults}
    groups: dict[str, list[Action]] = defaultdict(list)
    for a in report.actions:
        groups[str(a.fault.id)].append(a)
    out[ACTIONS_KEY] = {
        "kind": "actions",
        "faults": {
            fid: {
                "ref": g[0].fault.ref,
                "title": g[0].fault.title,
                "n": len(g),
                "text": _digest([(a.forum, a.day, a.decision, a.response, a.outcome) for a in g]),
            }
            for fid, g in groups.items()
        },
    }
    out[APPENDIX_KEY] = {"kind": "appendix", "faults": table}
    return out


def dumps(data: Facts | None) -> str:
    return "" if data is None else json.dumps({"facts": data}, ensure_ascii=False)


def loads(raw: str) -> Facts | None:
    """The kept facts; None for a draft made before they were kept (or unreadable)."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    found = data.get("facts") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else None


@dataclass
class Change:
    key: str  # stable: "count:12", "new:12", "section:### KOMMUN" …
    ref: str
    title: str
    text: str  # what changed, in words
    sections: list[str] = field(default_factory=list)  # the section keys to take in

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def headings(self) -> list[str]:
        return [heading_of(k) for k in self.sections]


def heading_of(key: str) -> str:
    return head_of(key).lstrip("#").strip() or _("Inledning")


def _amount(count: str, *, noun: bool) -> str:
    """A count as the report shows it: a number, "färre än N" or hidden (never the number)."""
    if count == "dold":
        return _("dolt antal förekomster") if noun else _("dolt antal")
    if count.isdigit():
        n = int(count)
        return ngettext("%(num)d förekomst", "%(num)d förekomster", n) if noun else count
    return _("%(count)s förekomster", count=count) if noun else count


class _Collector:
    def __init__(self) -> None:
        self.found: dict[str, Change] = {}

    def add(self, key: str, item: dict[str, Any] | None, text: str, section: str) -> None:
        item = item or {}
        change = self.found.setdefault(
            key, Change(key, str(item.get("ref", "")), str(item.get("title", "")), text)
        )
        if section not in change.sections:
            change.sections.append(section)


def _faults(data: Facts, key: str) -> dict[str, dict[str, Any]]:
    return data.get(key, {}).get("faults", {}) or {}


def _summaries(then: Facts, now: Facts, out: _Collector) -> None:
    keys = [k for k, v in {**then, **now}.items() if v.get("kind") == "summary"]
    where_then = {fid: k for k in keys for fid in _faults(then, k)}
    where_now = {fid: k for k in keys for fid in _faults(now, k)}
    for key in keys:
        a_all, b_all = _faults(then, key), _faults(now, key)
        for fid in [*a_all, *[f for f in b_all if f not in a_all]]:
            a, b = a_all.get(fid), b_all.get(fid)
            old = a or (_faults(then, where_then[fid]).get(fid) if fid in where_then else None)
            new = b or (_faults(now, where_now[fid]).get(fid) if fid in where_now else None)
            if old and new and where_then.get(fid) != where_now.get(fid):
                moved = _(
                    "flyttat från %(old)s till %(new)s",
                    old=heading_of(where_then[fid]),
                    new=heading_of(where_now[fid]),
                )
                out.add(f"moved:{fid}", new, moved, key)
                out.add(f"moved:{fid}", new, moved, APPENDIX_KEY)
            if b and not old:
                out.add(f"new:{fid}", b, _("nytt systemfel"), key)
            if a and not new:
                out.add(f"gone:{fid}", a, _("finns inte längre med i underlaget"), key)
            if b and old and old.get("count") != b.get("count"):
                counts = _(
                    "%(old)s → %(new)s",
                    old=_amount(str(old.get("count")), noun=False),
                    new=_amount(str(b.get("count")), noun=True),
                )
                out.add(f"count:{fid}", b, counts, key)
            if b and old and old.get("text") != b.get("text"):
                out.add(f"text:{fid}", b, _("titel eller sammanfattning ändrad"), key)


def _appendix(then: Facts, now: Facts, out: _Collector) -> None:
    a_all, b_all = _faults(then, APPENDIX_KEY), _faults(now, APPENDIX_KEY)
    labels = status_labels()
    for fid in [*a_all, *[f for f in b_all if f not in a_all]]:
        a, b = a_all.get(fid), b_all.get(fid)
        if b and not a:
            out.add(f"new:{fid}", b, _("nytt systemfel"), APPENDIX_KEY)
        elif a and not b:
            out.add(f"gone:{fid}", a, _("finns inte längre med i underlaget"), APPENDIX_KEY)
        elif a and b:
            if a.get("count") != b.get("count"):
                counts = _(
                    "%(old)s → %(new)s",
                    old=_amount(str(a.get("count")), noun=False),
                    new=_amount(str(b.get("count")), noun=True),
                )
                out.add(f"count:{fid}", b, counts, APPENDIX_KEY)
            if a.get("status") != b.get("status"):
                status = _(
                    "status ändrad från %(old)s till %(new)s",
                    old=labels.get(str(a.get("status")), str(a.get("status"))).lower(),
                    new=labels.get(str(b.get("status")), str(b.get("status"))).lower(),
                )
                out.add(f"status:{fid}", b, status, APPENDIX_KEY)


def _actions(then: Facts, now: Facts, out: _Collector) -> None:
    a_all, b_all = _faults(then, ACTIONS_KEY), _faults(now, ACTIONS_KEY)
    for fid in [*a_all, *[f for f in b_all if f not in a_all]]:
        a, b = a_all.get(fid), b_all.get(fid)
        more = int((b or {}).get("n", 0)) - int((a or {}).get("n", 0))
        if b and more > 0:
            text = ngettext("ny åtgärd", "%(num)d nya åtgärder", more)
            out.add(f"action:{fid}", b, text, ACTIONS_KEY)
        elif b and a and a.get("text") != b.get("text"):
            out.add(f"action:{fid}", b, _("åtgärden har ändrats"), ACTIONS_KEY)
        elif a and not b:
            out.add(f"action:{fid}", a, _("åtgärden finns inte längre med"), ACTIONS_KEY)


def changes(then_text: str, then: Facts | None, now_text: str, now: Facts | None) -> list[Change]:
    """The changes from the draft's generated text and facts to the data now. Without kept
    facts (an older draft) each section whose generated text changed is one change."""
    out = _Collector()
    if then is not None and now is not None:
        _summaries(then, now, out)
        _actions(then, now, out)
        _appendix(then, now, out)
    before: dict[str, Section] = {s.key: s for s in split(then_text)}
    after: dict[str, Section] = {s.key: s for s in split(now_text)}
    named = {k for c in out.found.values() for k in c.sections}
    for key in [*after, *[k for k in before if k not in after]]:
        a, b = before.get(key), after.get(key)
        if (a.text if a else None) != (b.text if b else None) and key not in named:
            text = _("den genererade texten har ändrats")
            out.add(f"section:{key}", {"title": heading_of(key)}, text, key)
    order = list(after) + [k for k in before if k not in after]
    found = list(out.found.values())
    for c in found:
        c.sections.sort(key=lambda k: order.index(k) if k in order else len(order))
    return found
