"""What an organisation shares with its networks, and the shared projection.

A fault of a member organisation is shared in a network when the admin chose to share it
(`fault_share.share`), or – unless the admin chose to keep it – when the organisation's
rule is "auto" and the fault is escalated or recurring (N occurrences within M months, the
organisation's own threshold). Every read checks the membership, so an organisation that
leaves stops sharing at once.

Shared are only: title, authority, level, themes, report summary, status and counts by
quarter – never the description, occurrences, narratives or coarse facts. Counts below the
small-count limit are hidden with the project's complementary suppression
(tracker.suppression), over the same table on every page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, union
from sqlmodel import Session, col, select

from ..faults import derived
from ..faults.models import Fault, FaultMonth, FaultTheme, Theme
from ..faults.services import Recurrence
from ..orgs.models import Authority, Organisation
from ..suppression import Suppressed, suppress
from .models import FaultShare, NetworkFaultLink, NetworkOrg

QUARTERS = (1, 2, 3, 4)


def member_orgs(session: Session, network_id: int) -> list[Organisation]:
    """The organisations that are members now (one statement)."""
    return list(
        session.exec(
            select(Organisation)
            .join(NetworkOrg, col(NetworkOrg.org_id) == Organisation.id)
            .where(NetworkOrg.network_id == network_id, NetworkOrg.status == "medlem")
            .order_by(Organisation.name)
        ).all()
    )


def recurring_ids(orgs: Sequence[Organisation], today: date | None = None) -> Any:
    """A SELECT of the ids of the faults recurring by their own organisation's threshold."""
    parts = []
    for org in orgs:
        assert org.id is not None
        rec = Recurrence.of(org)
        counts = derived.recent_counts(org.id, rec.since(today))
        parts.append(select(counts.c.fault_id).where(counts.c.n >= rec.threshold))
    if not parts:
        return select(Fault.id).where(false())
    return parts[0] if len(parts) == 1 else union(*parts)


def shared_condition(network_id: int, orgs: Sequence[Organisation]) -> Any:
    """The WHERE clause (over Fault joined with NetworkOrg and outer-joined FaultShare, see
    `shared_select`) that keeps the faults shared in the network now."""
    by_rule = and_(
        col(FaultShare.fault_id).is_(None),
        col(NetworkOrg.share_rule) == "auto",
        or_(col(Fault.status) == "eskalerad", col(Fault.id).in_(recurring_ids(orgs))),
    )
    return and_(
        col(Fault.duplicate_of_id).is_(None),
        or_(col(FaultShare.share).is_(True), by_rule),
    )


def shared_select(network_id: int, orgs: Sequence[Organisation], *columns: Any) -> Any:
    """SELECT `columns` (default: fault id and organisation) of the faults shared in the
    network now: only members' faults, by their rule and their admin's choices."""
    cols = columns or (Fault.id, Fault.org_id)
    return (
        select(*cols)
        .select_from(Fault)
        .join(
            NetworkOrg,
            and_(
                col(NetworkOrg.org_id) == Fault.org_id,
                col(NetworkOrg.network_id) == network_id,
                col(NetworkOrg.status) == "medlem",
            ),
        )
        .outerjoin(FaultShare, col(FaultShare.fault_id) == Fault.id)
        .where(shared_condition(network_id, orgs))
    )


@dataclass
class SharedFault:
    """The shared projection of one fault: nothing else of it leaves the organisation."""

    id: int
    org_id: int
    org_name: str
    title: str
    authority: str
    level: str | None
    status: str
    report_summary: str
    last_seen: date | None
    network_fault_id: int | None
    themes: list[str] = field(default_factory=list)
    quarters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    @property
    def year_total(self) -> int:
        return sum(self.quarters)


def projection_columns() -> tuple[Any, ...]:
    return (
        Fault.id,
        Fault.org_id,
        Organisation.name,
        Fault.title,
        Authority.name,
        Fault.level,
        Fault.status,
        Fault.report_summary,
        Fault.last_observed_on,
        NetworkFaultLink.network_fault_id,
    )


def projection_select(network_id: int, orgs: Sequence[Organisation]) -> Any:
    """The shared faults with their projection columns (filter and order it further)."""
    return (
        shared_select(network_id, orgs, *projection_columns())
        .join(Organisation, col(Organisation.id) == Fault.org_id)
        .join(Authority, col(Authority.id) == Fault.primary_authority_id)
        .outerjoin(
            NetworkFaultLink,
            and_(
                col(NetworkFaultLink.fault_id) == Fault.id,
                col(NetworkFaultLink.network_id) == network_id,
            ),
        )
    )


def to_shared(rows: Sequence[Any]) -> list[SharedFault]:
    return [SharedFault(*r) for r in rows]


def attach_details(session: Session, faults: list[SharedFault], year: int) -> None:
    """Themes and the year's counts by quarter of `faults` (two statements)."""
    if not faults:
        return
    ids = [f.id for f in faults]
    by_id = {f.id: f for f in faults}
    themes: dict[int, list[str]] = defaultdict(list)
    for fid, name in session.exec(
        select(FaultTheme.fault_id, Theme.name)
        .join(Theme, col(Theme.id) == FaultTheme.theme_id)
        .where(col(FaultTheme.fault_id).in_(ids))
        .order_by(Theme.name)
    ).all():
        themes[fid].append(name)
    for fid, month, n in session.exec(
        select(col(FaultMonth.fault_id), col(FaultMonth.month), col(FaultMonth.n)).where(
            col(FaultMonth.fault_id).in_(ids),
            col(FaultMonth.month) >= date(year, 1, 1),
            col(FaultMonth.month) < date(year + 1, 1, 1),
        )
    ).all():
        by_id[fid].quarters[(month.month - 1) // 3] += int(n)
    for f in faults:
        f.themes = themes.get(f.id, [])


@dataclass
class Group:
    """A network fault (its shared faults) or a single shared fault, with the counts of
    the year suppressed over one table: the group total = the faults' totals, each fault's
    total = its quarters."""

    faults: list[SharedFault]
    network_fault_id: int | None
    hidden: Suppressed[Any]

    @property
    def title(self) -> str:
        return self.faults[0].title

    @property
    def first_id(self) -> int:
        return self.faults[0].id

    @property
    def org_count(self) -> int:
        return len({f.org_id for f in self.faults})

    @property
    def total(self) -> int:
        return sum(f.year_total for f in self.faults)

    def kind(self, key: Any) -> str | None:
        return self.hidden.kind(key)


def group(faults: list[SharedFault], network_fault_id: int | None, limit: int) -> Group:
    cells: dict[Any, int] = {("total",): sum(f.year_total for f in faults)}
    lines: list[tuple[Any, list[Any]]] = []
    for f in faults:
        cells[("fault", f.id)] = f.year_total
        quarters = [("q", f.id, q) for q in QUARTERS]
        for q, n in zip(quarters, f.quarters, strict=True):
            cells[q] = n
        lines.append((("fault", f.id), quarters))
    if len(faults) > 1:
        lines.append((("total",), [("fault", f.id) for f in faults]))
    else:
        # one fault: its total is the group total, the same cell
        cells.pop(("total",))
    hidden = suppress(cells, lines, limit)
    if len(faults) == 1:
        only = ("fault", faults[0].id)
        hidden = Suppressed(
            hidden.primary | ({("total",)} if only in hidden.primary else set()),
            hidden.secondary | ({("total",)} if only in hidden.secondary else set()),
        )
    return Group(faults, network_fault_id, hidden)


def groups_of(faults: list[SharedFault], limit: int) -> list[Group]:
    """The faults grouped by network fault, in the order of their first fault."""
    order: list[Any] = []
    members: dict[Any, list[SharedFault]] = defaultdict(list)
    for f in faults:
        key = ("nf", f.network_fault_id) if f.network_fault_id else ("f", f.id)
        if key not in members:
            order.append(key)
        members[key].append(f)
    return [
        group(
            sorted(members[k], key=lambda f: (f.org_name, f.id)),
            k[1] if k[0] == "nf" else None,
            limit,
        )
        for k in order
    ]


def small_limit(orgs: Sequence[Organisation]) -> int:
    """The strictest small-count limit of the members: every member's rule holds."""
    return max([3, *(o.small_count_limit for o in orgs)])
