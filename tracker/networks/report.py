"""The network's compiled "Uppmärksammade brister" for a year (the city's report of all PO
verksamheter, seed 004), built only from what the members share: the `SharedFault`
projection (title, authority, level, themes, report summary, status, counts by quarter)
and the network faults linking them. No description, occurrence, narrative or coarse fact
is read, and a fault that is not shared never appears.

Structure as in the organisation's section (tracker.reports.writing): the routine, the
summary per report heading and authority, the actions (status per verksamhet) and a
statistics appendix per verksamhet and in total. Small counts are hidden with the
project's complementary suppression (tracker.suppression) over one table, with the
strictest small-count limit of the members (tracker.networks.sharing.small_limit)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ..faults.models import Fault
from ..orgs.models import Authority, Organisation, ReportSection
from ..reports.writing import ACTIONS_Q, HIDDEN_NOTE, QUARTERS_NOTE, SUMMARY_Q, count_text
from ..suppression import Suppressed, suppress
from . import sharing
from .models import Network
from .sharing import Group, SharedFault

ALLMANT = "ALLMÄNT"
# The document is Swedish whatever language the person who builds it uses (as the
# organisation's section, tracker.reports.writing): its words do not go through gettext.
STATUS_WORDS = {
    "ny": "ny",
    "bekraftad": "bekräftad",
    "eskalerad": "eskalerad",
    "atgardad": "åtgärdad",
    "avskriven": "avskriven",
}
LEVEL_WORDS = {"handlaggare": "handläggarnivå", "lokal": "lokal nivå", "central": "central nivå"}
INTRO = (
    "Sammanställningen bygger enbart på de systemfel som verksamheterna delar i nätverket: "
    "rubrik, myndighet, nivå, teman, sammanfattning, status och antal förekomster per "
    "kvartal. Enskilda iakttagelser lämnar aldrig verksamheten."
)
ROUTINE = (
    "Rutiner har upprättats för hur uppmärksammade brister ska hanteras i "
    "verksamheterna: Ja. Varje verksamhet registrerar avidentifierade iakttagelser i sitt "
    "register över systemfel och delar eskalerade och återkommande systemfel i nätverket, "
    "där samma systemfel hos flera verksamheter kopplas ihop."
)


@dataclass
class Placed:
    """A shared fault with the report heading its authority belongs to."""

    fault: SharedFault
    heading: str
    position: tuple[int, int]


@dataclass
class NetworkReport:
    network: Network
    year: int
    orgs: list[Organisation]
    # heading → [(authority, groups)], headings in order
    sections: list[tuple[str, list[tuple[str, list[Group]]]]]
    groups: list[Group]
    stats: Suppressed[Any]
    cells: dict[Any, int]
    limit: int


def _heading_columns() -> tuple[Any, Any]:
    parent = aliased(ReportSection)
    return parent, (
        ReportSection.heading,
        ReportSection.position,
        parent.heading,
        parent.position,
    )


def _shared(session: Session, network_id: int, orgs: list[Organisation]) -> list[Placed]:
    """The shared faults with their authority's report heading (one statement)."""
    parent, extra = _heading_columns()
    rows = session.exec(
        sharing.projection_select(network_id, orgs)
        .add_columns(*extra)
        .outerjoin(ReportSection, col(ReportSection.id) == Authority.section_id)
        .outerjoin(parent, parent.id == ReportSection.parent_id)
        .order_by(Organisation.name, Fault.id)
    ).all()
    placed = []
    n = len(sharing.projection_columns())
    for r in rows:
        heading, pos, parent_heading, parent_pos = r[n:]
        top = parent_heading or heading or ALLMANT
        position = (parent_pos if parent_heading else pos) if heading else 10_000
        placed.append(Placed(SharedFault(*r[:n]), top, (position or 0, 0)))
    return placed


def _section_of(p: Placed, headings: set[str]) -> str:
    """As the organisation's report: a fault on coordination goes under SAMVERKAN…, one on
    digitalisation under DIGITALISERING, when the heading exists."""
    themes = {t.lower() for t in p.fault.themes}
    samverkan = next((h for h in headings if h.upper().startswith("SAMVERKAN")), None)
    if samverkan and "samordning" in themes:
        return samverkan
    digital = next((h for h in headings if h.upper() == "DIGITALISERING"), None)
    if digital and "digitalisering" in themes:
        return digital
    return p.heading


def _statistics(
    orgs: list[Organisation], faults: list[SharedFault], limit: int
) -> tuple[dict[Any, int], Suppressed[Any]]:
    """One table for the appendix and the counts in the text: per fault its year total,
    per verksamhet its total and quarters, and the network's total and quarters."""
    cells: dict[Any, int] = {("t",): 0, **{("tq", q): 0 for q in range(4)}}
    lines: list[tuple[Any, list[Any]]] = []
    per_org: dict[int, list[SharedFault]] = defaultdict(list)
    for f in faults:
        per_org[f.org_id].append(f)
    for o in orgs:
        oid = o.id or 0
        mine = per_org.get(oid, [])
        cells[("o", oid)] = sum(f.year_total for f in mine)
        for q in range(4):
            n = sum(f.quarters[q] for f in mine)
            cells[("oq", oid, q)] = n
            cells[("tq", q)] += n
        for f in mine:
            cells[("f", f.id)] = f.year_total
        cells[("t",)] += cells[("o", oid)]
        lines.append((("o", oid), [("oq", oid, q) for q in range(4)]))
        if mine:
            lines.append((("o", oid), [("f", f.id) for f in mine]))
    lines.append((("t",), [("o", o.id or 0) for o in orgs]))
    lines.append((("t",), [("tq", q) for q in range(4)]))
    for q in range(4):
        lines.append((("tq", q), [("oq", o.id or 0, q) for o in orgs]))
    return cells, suppress(cells, lines, limit)


def build(session: Session, network: Network, year: int) -> NetworkReport:
    """The year's compiled report: 4 statements beside the recurrence subqueries."""
    assert network.id is not None
    orgs = sharing.member_orgs(session, network.id)
    limit = sharing.small_limit(orgs)
    placed = _shared(session, network.id, orgs) if orgs else []
    sharing.attach_details(session, [p.fault for p in placed], year)
    # a group is in the year's report when one of its faults was seen during the year
    groups = [g for g in sharing.groups_of([p.fault for p in placed], limit) if g.total > 0]
    kept = {f.id for g in groups for f in g.faults}
    by_id = {p.fault.id: p for p in placed if p.fault.id in kept}
    headings = {p.heading for p in by_id.values()}
    order: dict[str, tuple[int, int]] = {}
    for p in by_id.values():
        order[p.heading] = min(order.get(p.heading, p.position), p.position)
    tree: dict[str, dict[str, list[Group]]] = defaultdict(lambda: defaultdict(list))
    for g in groups:
        first = by_id[g.faults[0].id]
        tree[_section_of(first, headings)][first.fault.authority].append(g)
    sections = [
        (h, sorted(tree[h].items()))
        for h in sorted(tree, key=lambda h: (h == ALLMANT, order.get(h, (10_000, 0)), h))
    ]
    cells, stats = _statistics(orgs, [f for g in groups for f in g.faults], limit)
    return NetworkReport(network, year, orgs, sections, groups, stats, cells, limit)


def _listing(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def _count(r: NetworkReport, key: Any) -> str:
    return count_text(r.cells[key], r.limit, r.stats.kind(key))


def _group_lines(r: NetworkReport, g: Group) -> list[str]:
    first = g.faults[0]
    facts = [first.authority]
    if first.level:
        facts.append(LEVEL_WORDS.get(first.level, first.level))
    themes = sorted({t for f in g.faults for t in f.themes})
    summaries = []
    for f in g.faults:
        s = _sentence(f.report_summary or "")
        if s and s not in summaries:
            summaries.append(s)
    names = [f.org_name for f in g.faults]
    line = f"- **{first.title}** ({', '.join(facts)})."
    if summaries:
        line += " " + " ".join(summaries)
    if themes:
        line += f" Teman: {', '.join(themes).lower()}."
    others = [f"{f.title} ({f.org_name})" for f in g.faults[1:] if f.title != first.title]
    if others:
        line += f" Även rubricerat som: {_listing(others)}."
    line += f" Sett i {g.org_count} av {len(r.orgs)} verksamheter: {_listing(names)}."
    counts = [f"{f.org_name} {_count(r, ('f', f.id))}" for f in g.faults]
    line += f" Förekomster under året: {_listing(counts)}."
    if len({f.status for f in g.faults}) == 1:
        line += f" Status: {STATUS_WORDS.get(first.status, first.status)}."
    else:
        statuses = [f"{STATUS_WORDS.get(f.status, f.status)} ({f.org_name})" for f in g.faults]
        line += f" Status: {_listing(statuses)}."
    return [line]


def _action_lines(r: NetworkReport) -> list[str]:
    """The shared faults that were raised further or remedied, with their status per
    verksamhet (what was decided in each verksamhet's meetings is not shared)."""
    lines = []
    for g in r.groups:
        acted = [f for f in g.faults if f.status in ("eskalerad", "atgardad")]
        if not acted:
            continue
        parts = [f"{STATUS_WORDS[f.status]} hos {f.org_name}" for f in acted]
        lines.append(f"- {g.title}: {_listing(parts)}.")
    return lines or ["Inga delade systemfel har eskalerats eller åtgärdats under året."]


def to_markdown(r: NetworkReport) -> str:
    names = ", ".join(o.name for o in r.orgs) or "inga medlemmar"
    out = [
        f"# Uppmärksammade brister {r.year}",
        "",
        f"*{r.network.name} – sammanställning av {len(r.orgs)} verksamheter: {names}*",
        "",
        INTRO,
        "",
        ROUTINE,
        "",
        f"## {SUMMARY_Q}",
        "",
    ]
    if not r.sections:
        out += ["Inga delade systemfel har uppmärksammats under året.", ""]
    for heading, authorities in r.sections:
        out += [f"### {heading}", ""]
        for authority, groups in authorities:
            out += [f"#### {authority}", ""]
            for g in groups:
                out += _group_lines(r, g)
            out.append("")
    out += [f"## {ACTIONS_Q}", "", *_action_lines(r), ""]
    out += ["## Bilaga: statistik per verksamhet", ""]
    out += [
        "| Verksamhet | Delade systemfel | Förekomster | K1 | K2 | K3 | K4 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    per_org: dict[int, int] = defaultdict(int)
    for g in r.groups:
        for f in g.faults:
            per_org[f.org_id] += 1
    for o in r.orgs:
        oid = o.id or 0
        cells = [_count(r, k) for k in [("o", oid), *[("oq", oid, q) for q in range(4)]]]
        out.append(f"| {o.name} | {per_org[oid]} | " + " | ".join(cells) + " |")
    total = [_count(r, k) for k in [("t",), *[("tq", q) for q in range(4)]]]
    out.append(f"| Totalt | {sum(per_org.values())} | " + " | ".join(total) + " |")
    note = QUARTERS_NOTE + (f" {HIDDEN_NOTE}" if r.stats.secondary else "")
    out += ["", f"{note} Små tal under {r.limit} visas som ”färre än {r.limit}”.", ""]
    out += [
        f"Nätverksfel (samma systemfel hos flera verksamheter): "
        f"{sum(1 for g in r.groups if g.org_count > 1)} av {len(r.groups)} rader.",
        "",
    ]
    return "\n".join(out).rstrip() + "\n"


def generated(session: Session, network: Network, year: int) -> str:
    return to_markdown(build(session, network, year))


__all__ = ["NetworkReport", "build", "generated", "to_markdown"]
