"""The year's "Uppmärksammade brister" section, built from the faults, occurrences and
minuted meetings: a fixed number of statements per organisation, time linear in the
year's occurrences; no narrative is ever read. `tracker.reports.writing` turns the result
into the Markdown text."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from ..faults.forms import consequence_labels
from ..faults.models import (
    Fault,
    FaultAuthority,
    FaultConsequenceMonth,
    FaultEvent,
    FaultMonth,
    FaultTheme,
    Theme,
)
from ..meetings.models import AgendaItem, Escalation, Forum, Meeting
from ..orgs.context import in_orgs
from ..orgs.models import Authority, Organisation, ReportSection
from ..timeutil import local


@dataclass
class FaultEntry:
    fault: Fault
    org: Organisation
    authority: Authority
    occurrences: int
    consequences: list[str]
    quarters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])


@dataclass
class Action:
    fault: Fault
    org: Organisation
    forum: str
    day: date
    decision: str
    outcome: str | None
    response: str


@dataclass
class Report:
    year: int
    orgs: list[Organisation]
    sections: list[ReportSection]  # in order
    by_section: dict[int, list[FaultEntry]]
    actions: list[Action]
    new: list[Fault]
    persisting: list[Fault]
    resolved: list[Fault]
    limit: int

    @property
    def combined(self) -> bool:
        return len(self.orgs) > 1


def _year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    return (
        date(year, 1, 1),
        date(year, 12, 31),
        datetime(year, 1, 1, tzinfo=UTC),
        datetime(year + 1, 1, 1, tzinfo=UTC),
    )


def _active(org_ids: list[int], year: int) -> Any:
    """Faults with an occurrence, or escalation activity, in the year."""
    d0, d1, t0, t1 = _year_bounds(year)
    occ = select(FaultMonth.fault_id).where(
        in_orgs(FaultMonth, org_ids),
        FaultMonth.month >= d0,
        FaultMonth.month <= d1,
        FaultMonth.n > 0,
    )
    esc = select(Escalation.fault_id).where(
        in_orgs(Escalation, org_ids),
        or_(
            (col(Escalation.created_at) >= t0) & (col(Escalation.created_at) < t1),
            col(Escalation.id).in_(
                select(AgendaItem.escalation_id)
                .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
                .where(
                    Meeting.status == "genomfort", Meeting.starts_at >= t0, Meeting.starts_at < t1
                )
            ),
        ),
    )
    return occ.union(esc)


def _year_counts(
    session: Session, org_ids: list[int], d0: date, d1: date
) -> tuple[Counter[int], dict[int, list[int]], dict[int, Counter[str]]]:
    """Per fault: occurrences in the year, per quarter and per consequence, from the monthly
    counts kept on write – no occurrence row is read."""
    counts: Counter[int] = Counter()
    quarters: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    starts = [date(d0.year, m, 1) for m in (4, 7, 10)]
    month: Any = col(FaultMonth.month)
    size: Any = col(FaultMonth.n)
    per_quarter = [
        func.sum(case((month < starts[0], size), else_=0)),
        func.sum(case(((month >= starts[0]) & (month < starts[1]), size), else_=0)),
        func.sum(case(((month >= starts[1]) & (month < starts[2]), size), else_=0)),
        func.sum(case((month >= starts[2], size), else_=0)),
    ]
    rows: Any = session.exec(
        select(col(FaultMonth.fault_id), *per_quarter)
        .where(in_orgs(FaultMonth, org_ids), month >= d0, month <= d1)
        .group_by(col(FaultMonth.fault_id))
    )
    for row in rows:
        fid = int(row[0])
        quarters[fid] = [int(q or 0) for q in row[1:]]
        counts[fid] = sum(quarters[fid])
    consequences: dict[int, Counter[str]] = defaultdict(Counter)
    for fid, code, n in session.exec(
        select(
            col(FaultConsequenceMonth.fault_id),
            col(FaultConsequenceMonth.code),
            func.sum(FaultConsequenceMonth.n),
        )
        .where(
            in_orgs(FaultConsequenceMonth, org_ids),
            FaultConsequenceMonth.month >= d0,
            FaultConsequenceMonth.month <= d1,
        )
        .group_by(col(FaultConsequenceMonth.fault_id), col(FaultConsequenceMonth.code))
    ):
        if n:
            consequences[fid][code] = int(n)
    return counts, quarters, consequences


def build(session: Session, orgs: list[Organisation], year: int) -> Report:
    org_ids = [o.id or 0 for o in orgs]
    by_org = {o.id: o for o in orgs}
    limit = max(o.small_count_limit for o in orgs)
    d0, d1, t0, t1 = _year_bounds(year)
    # Sections: the first organisation's configured headings (a rollup maps by heading).
    all_sections = list(
        session.exec(
            select(ReportSection)
            .where(in_orgs(ReportSection, org_ids))
            .order_by(ReportSection.position, ReportSection.id)
        )
    )
    sections = [s for s in all_sections if s.org_id == org_ids[0]]
    heading_to_first = {s.heading: s for s in sections}
    section_of = {s.id: heading_to_first.get(s.heading, s) for s in all_sections}
    authorities = {
        a.id: a for a in session.exec(select(Authority).where(in_orgs(Authority, org_ids)))
    }
    faults = list(
        session.exec(
            select(Fault)
            .where(in_orgs(Fault, org_ids), col(Fault.id).in_(_active(org_ids, year)))
            .order_by(Fault.ref)
        ).all()
    )
    fault_ids = [f.id for f in faults]
    others: dict[int, set[str]] = defaultdict(set)
    themes: dict[int, set[str]] = defaultdict(set)
    if fault_ids:
        for fid, huvudman in session.exec(
            select(FaultAuthority.fault_id, Authority.huvudman)
            .join(Authority, col(Authority.id) == FaultAuthority.authority_id)
            .where(col(FaultAuthority.fault_id).in_(fault_ids))
        ):
            others[fid].add(huvudman)
        for fid, name in session.exec(
            select(FaultTheme.fault_id, Theme.name)
            .join(Theme, col(Theme.id) == FaultTheme.theme_id)
            .where(col(FaultTheme.fault_id).in_(fault_ids))
        ):
            themes[fid].add(name)

    counts, quarters, consequences = _year_counts(session, org_ids, d0, d1)

    by_heading = {s.heading.upper(): s for s in sections}
    samverkan = next((s for h, s in by_heading.items() if h.startswith("SAMVERKAN")), None)
    digital = by_heading.get("DIGITALISERING")
    labels = consequence_labels()
    by_section: dict[int, list[FaultEntry]] = defaultdict(list)
    for f in faults:
        auth = authorities[f.primary_authority_id]
        section = section_of.get(auth.section_id) if auth.section_id else None
        if samverkan and ("samordning" in themes[f.id or 0] or others[f.id or 0] - {auth.huvudman}):
            section = samverkan
        elif digital and "digitalisering" in themes[f.id or 0]:
            section = digital
        if section is None:
            section = sections[-1]
        top = [labels.get(c, c) for c, _n in consequences[f.id or 0].most_common(3)]
        by_section[section.id or 0].append(
            FaultEntry(f, by_org[f.org_id], auth, counts[f.id or 0], top, quarters[f.id or 0])
        )

    actions = [
        Action(
            fault,
            by_org[fault.org_id],
            forum,
            local(meeting.starts_at).date(),
            item.decision,
            item.outcome,
            item.response,
        )
        for item, meeting, fault, forum in session.exec(
            select(AgendaItem, Meeting, Fault, Forum.name)
            .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
            .join(Escalation, col(Escalation.id) == AgendaItem.escalation_id)
            .join(Fault, col(Fault.id) == Escalation.fault_id)
            .join(Forum, col(Forum.id) == Meeting.forum_id)
            .where(
                in_orgs(AgendaItem, org_ids),
                Meeting.status == "genomfort",
                Meeting.starts_at >= t0,
                Meeting.starts_at < t1,
            )
            .order_by(Meeting.starts_at, AgendaItem.section, AgendaItem.position)
        )
    ]

    previous = set(session.scalars(_active(org_ids, year - 1)).all())
    resolved_ids = set(
        session.exec(
            select(FaultEvent.fault_id)
            .join(Fault, col(Fault.id) == FaultEvent.fault_id)
            .where(
                in_orgs(Fault, org_ids),
                FaultEvent.to_status == "atgardad",
                FaultEvent.at >= t0,
                FaultEvent.at < t1,
            )
        ).all()
    )
    resolved_ids |= {a.fault.id for a in actions if a.outcome == "atgardat"}
    return Report(
        year=year,
        orgs=orgs,
        sections=sections,
        by_section=dict(by_section),
        actions=actions,
        new=[f for f in faults if f.id not in previous],
        persisting=[f for f in faults if f.id in previous],
        resolved=[f for f in faults if f.id in resolved_ids],
        limit=limit,
    )
