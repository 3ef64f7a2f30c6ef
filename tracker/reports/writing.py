"""The year's section as text: the Markdown an author edits, in the structure
Socialstyrelsen asks for (routine, summary per heading, actions, statistics appendix),
built from a `tracker.reports.build.Report`. Counts below the limit read "färre än N" and
a count that would let one be computed back reads "dold" (tracker.suppression)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..meetings.forms import outcome_labels
from ..orgs.models import Organisation, ReportSection
from ..suppression import Suppressed, suppress
from .build import Action, FaultEntry, Report

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
ROUTINE = (
    "Rutiner har upprättats för hur uppmärksammade brister ska hanteras i "
    "verksamheten: Ja. Ombuden registrerar avidentifierade iakttagelser i ett gemensamt "
    "register över systemfel; återkommande fel lyfts till ledningsgruppen och följs upp "
    "vid varje möte tills de är avslutade."
)
SUMMARY_Q = (
    "Sammanfatta uppmärksammade brister i fråga om den enskildes möjligheter att få "
    "tillgång till samhällets utbud av vård, stöd och service."
)
ACTIONS_Q = (
    "Ge exempel på åtgärder som har vidtagits för att komma tillrätta med de brister "
    "som har identifierats under året."
)


def swedish_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


QUARTERS_NOTE = "K1–K4 = kvartal 1–4 (jan–mar, apr–jun, jul–sep, okt–dec)."
HIDDEN_NOTE = "”dold” = dolt för att skydda små tal, så att de inte kan räknas fram ur summan."


def count_text(n: int, limit: int, kind: str | None) -> str:
    """A count as the report shows it: "färre än N" for a small one, "dold" for one hidden
    so that a small one cannot be computed back (see tracker.suppression)."""
    return {"primary": f"färre än {limit}", "secondary": "dold"}.get(kind or "", str(n))


@dataclass
class Appendix:
    rows: list[tuple[ReportSection, str, int]]  # section, authority, number of faults
    cells: dict[tuple[Any, ...], int]
    hidden: Suppressed[tuple[Any, ...]]


def appendix(report: Report) -> Appendix:
    """The statistics appendix and the per-fault counts as one table: a row's Förekomster
    is the sum of its quarters and also of its faults' counts in the summary, so the small
    counts of both are hidden together and none can be computed back from the others."""
    rows: list[tuple[ReportSection, str, int]] = []
    cells: dict[tuple[Any, ...], int] = {}
    lines: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
    for s in report.sections:
        per_auth: dict[str, list[FaultEntry]] = defaultdict(list)
        for e in report.by_section.get(s.id or 0, []):
            per_auth[e.authority.name].append(e)
        for name, entries in sorted(per_auth.items()):
            rows.append((s, name, len(entries)))
            total = ("row", s.id, name, "total")
            cells[total] = sum(e.occurrences for e in entries)
            for q in range(4):
                cells[("row", s.id, name, q)] = sum(e.quarters[q] for e in entries)
            for e in entries:
                cells[("fault", e.fault.id)] = e.occurrences
            lines.append((total, [("row", s.id, name, q) for q in range(4)]))
            lines.append((total, [("fault", e.fault.id) for e in entries]))
    return Appendix(rows, cells, suppress(cells, lines, report.limit))


def _label(entry_org: Organisation, report: Report) -> str:
    return f" ({entry_org.name})" if report.combined else ""


def _sentence(text: str) -> str:
    """A text as a sentence: ending with a full stop unless it has its own end."""
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def _count(n: int, one: str, many: str) -> str:
    """Swedish singular and plural. The section is a Swedish document whatever language
    the person who builds it uses, so its words do not go through the UI's catalogue."""
    return f"{n} {one if n == 1 else many}"


def _listing(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _action_lines(report: Report) -> list[str]:
    """One bullet per fault: where and when it was raised during the year, then its latest
    decision, response and result (earlier ones are in the minutes)."""
    outcome = outcome_labels()
    by_fault: dict[tuple[int, int], list[Action]] = defaultdict(list)
    for a in report.actions:  # in meeting order
        by_fault[(a.org.id or 0, a.fault.id or 0)].append(a)
    lines = []
    for group in by_fault.values():
        first, last = group[0], group[-1]
        days: dict[str, list[str]] = defaultdict(list)
        for a in group:
            days[a.forum.lower()].append(swedish_date(a.day))
        where = " och i ".join(f"{forum} {_listing(d)}" for forum, d in days.items())
        line = f"- {first.fault.title}{_label(first.org, report)}: lyftes i {where}"
        latest = "senaste " if len(group) > 1 else ""
        decision = next((a.decision for a in reversed(group) if a.decision), "")
        response = next((a.response for a in reversed(group) if a.response), "")
        if decision:
            line += f"; {latest}beslut: {decision.rstrip('.')}"
        if response:
            line += f"; {latest}svar: {response.rstrip('.')}"
        if last.outcome:
            line += f"; resultat: {outcome.get(last.outcome, last.outcome).lower()}"
        lines.append(line + ".")
    return lines


def to_markdown(report: Report) -> str:
    names = ", ".join(o.name for o in report.orgs)
    stats = appendix(report)
    out = [
        f"# Uppmärksammade brister {report.year}",
        "",
        f"*{names}*",
        "",
        ROUTINE,
        "",
        f"## {SUMMARY_Q}",
        "",
    ]
    children: dict[int, list[ReportSection]] = defaultdict(list)
    for s in report.sections:
        if s.parent_id:
            children[s.parent_id].append(s)
    for s in report.sections:
        if s.parent_id:
            continue
        blocks: list[str] = []
        for sub in [s, *children.get(s.id or 0, [])]:
            entries = report.by_section.get(sub.id or 0, [])
            if not entries:
                continue
            if sub is not s:
                blocks += [f"#### {sub.heading}", ""]
            for e in entries:
                text = _sentence((e.fault.report_summary or e.fault.description).strip())
                kind = stats.hidden.kind(("fault", e.fault.id))
                detail = (
                    "antalet förekomster under året är dolt för att skydda små tal"
                    if kind == "secondary"
                    else f"{count_text(e.occurrences, report.limit, kind)} "
                    f"{'förekomst' if kind is None and e.occurrences == 1 else 'förekomster'} "
                    "under året"
                )
                if e.consequences:
                    detail += "; vanligaste konsekvenser: " + ", ".join(e.consequences).lower()
                label = _label(e.org, report)
                head = f"- **{e.fault.title}**{label} ({e.fault.ref}, {e.authority.name})"
                # without a summary the title says it all: no repeated title
                blocks += [f"{head}. {text} ({detail}.)" if text else f"{head}: {detail}."]
            blocks.append("")
        if blocks:
            out += [f"### {s.heading}", "", *blocks]
    out += [f"## {ACTIONS_Q}", ""]
    if not report.actions:
        out += ["Inga ärenden har behandlats i ledningsgrupp eller forum under året.", ""]
    out += _action_lines(report)
    out += ["", "## Bilaga: statistik", ""]
    out += [
        "| Avsnitt | Myndighet | Systemfel | Förekomster | K1 | K2 | K3 | K4 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for section, name, n_faults in stats.rows:
        cells = [str(n_faults)] + [
            count_text(stats.cells[key], report.limit, stats.hidden.kind(key))
            for key in [("row", section.id, name, c) for c in ("total", 0, 1, 2, 3)]
        ]
        out.append(f"| {section.heading} | {name} | " + " | ".join(cells) + " |")
    out += ["", QUARTERS_NOTE + (f" {HIDDEN_NOTE}" if stats.hidden.secondary else "")]
    out += [
        "",
        f"Jämfört med {report.year - 1}: "
        f"{_count(len(report.new), 'nytt systemfel', 'nya systemfel')}, "
        f"{len(report.persisting)} kvarstående och "
        f"{_count(len(report.resolved), 'åtgärdat', 'åtgärdade')}.",
        "",
    ]
    return "\n".join(out).rstrip() + "\n"
