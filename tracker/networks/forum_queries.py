"""Read side of the network forum: the forums, a meeting's page (agenda, minutes, action
items, the follow-up of earlier action items), the shared counts of the agenda's network
faults, and the decisions shown in the box on a member's own fault page. Only the
network's own texts and the shared projection – never a description or narrative."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ..faults.models import Fault
from ..orgs.models import Organisation
from ..timeutil import local
from . import sharing
from .models import (
    NetworkActionItem,
    NetworkAgendaItem,
    NetworkEscalation,
    NetworkFaultLink,
    NetworkForum,
    NetworkMeeting,
)


@dataclass
class SharedCount:
    """A network fault as the members share it now: in how many verksamheter, and a
    shared fault of it to link to (None when none is shared any more)."""

    orgs: int = 0
    fault_id: int | None = None


@dataclass
class AgendaRow:
    item: NetworkAgendaItem
    ask: str
    shared: SharedCount
    actions: list[NetworkActionItem] = field(default_factory=list)


@dataclass
class MeetingPage:
    meeting: NetworkMeeting
    forum: NetworkForum
    members: int
    rows: list[AgendaRow]
    # open action items of the forum's earlier meetings (and those closed since this
    # meeting started, so a held meeting's page keeps what it followed up)
    earlier_actions: list[tuple[NetworkActionItem, NetworkAgendaItem, NetworkMeeting]]

    @property
    def follow_up(self) -> list[AgendaRow]:
        return [r for r in self.rows if r.item.section == "uppfoljning"]

    @property
    def new(self) -> list[AgendaRow]:
        return [r for r in self.rows if r.item.section == "nytt"]


def forums(session: Session, network_id: int) -> list[NetworkForum]:
    return list(
        session.exec(
            select(NetworkForum)
            .where(NetworkForum.network_id == network_id)
            .order_by(col(NetworkForum.name), col(NetworkForum.id))
        ).all()
    )


def meetings_of(
    session: Session, network_id: int, *, forum_id: int | None = None
) -> list[NetworkMeeting]:
    """Every meeting of the network's forums (or of one forum), newest first (one
    statement)."""
    q = select(NetworkMeeting).where(NetworkMeeting.network_id == network_id)
    if forum_id is not None:
        q = q.where(NetworkMeeting.forum_id == forum_id)
    return list(
        session.exec(
            q.order_by(col(NetworkMeeting.starts_at).desc(), col(NetworkMeeting.id).desc())
        ).all()
    )


def open_escalations(session: Session, forum_id: int) -> list[NetworkEscalation]:
    return list(
        session.exec(
            select(NetworkEscalation)
            .where(NetworkEscalation.forum_id == forum_id, NetworkEscalation.status == "oppen")
            .order_by(col(NetworkEscalation.created_at), col(NetworkEscalation.id))
        ).all()
    )


def shared_counts(
    session: Session, network_id: int, orgs: list[Organisation], nf_ids: list[int]
) -> dict[int, SharedCount]:
    """Per network fault: the member organisations sharing a fault of it now (one
    statement, none without network faults)."""
    if not nf_ids or not orgs:
        return {}
    nf = col(NetworkFaultLink.network_fault_id)
    rows = session.exec(
        sharing.shared_select(
            network_id, orgs, nf, func.count(func.distinct(Fault.org_id)), func.min(Fault.id)
        )
        .join(
            NetworkFaultLink,
            (col(NetworkFaultLink.fault_id) == Fault.id)
            & (col(NetworkFaultLink.network_id) == network_id),
        )
        .where(nf.in_(sorted(set(nf_ids))))
        .group_by(nf)
    ).all()
    return {nid: SharedCount(n, fid) for nid, n, fid in rows}


def meeting_page(
    session: Session, network_id: int, meeting: NetworkMeeting, *, with_counts: bool = True
) -> MeetingPage:
    """About six statements whatever the number of items."""
    forum = session.get(NetworkForum, meeting.forum_id)
    assert forum is not None
    found = session.exec(
        select(NetworkAgendaItem, NetworkEscalation.ask)
        .outerjoin(NetworkEscalation, col(NetworkEscalation.id) == NetworkAgendaItem.escalation_id)
        .where(NetworkAgendaItem.meeting_id == meeting.id)
        .order_by(col(NetworkAgendaItem.section).desc(), col(NetworkAgendaItem.position))
    ).all()  # "uppfoljning" sorts after "nytt": descending puts the follow-up first
    counts: dict[int, SharedCount] = {}
    orgs: list[Organisation] = []
    if with_counts:
        orgs = sharing.member_orgs(session, network_id)
        counts = shared_counts(
            session, network_id, orgs, [i.network_fault_id for i, _a in found if i.network_fault_id]
        )
    rows = [
        AgendaRow(item, ask or "", counts.get(item.network_fault_id or 0, SharedCount()))
        for item, ask in found
    ]
    by_id = {r.item.id: r for r in rows}
    if by_id:
        for action in session.exec(
            select(NetworkActionItem)
            .where(col(NetworkActionItem.agenda_item_id).in_(list(by_id)))
            .order_by(col(NetworkActionItem.id))
        ).all():
            by_id[action.agenda_item_id].actions.append(action)
    return MeetingPage(
        meeting=meeting,
        forum=forum,
        members=len(orgs),
        rows=rows,
        earlier_actions=earlier_actions(session, meeting),
    )


def earlier_actions(
    session: Session, meeting: NetworkMeeting
) -> list[tuple[NetworkActionItem, NetworkAgendaItem, NetworkMeeting]]:
    started: datetime = meeting.starts_at
    rows = session.exec(
        select(NetworkActionItem, NetworkAgendaItem, NetworkMeeting)
        .join(NetworkAgendaItem, col(NetworkAgendaItem.id) == NetworkActionItem.agenda_item_id)
        .join(NetworkMeeting, col(NetworkMeeting.id) == NetworkAgendaItem.meeting_id)
        .where(
            NetworkActionItem.forum_id == meeting.forum_id,
            NetworkMeeting.id != meeting.id,
            col(NetworkMeeting.starts_at) < started,
            or_(
                col(NetworkActionItem.status) == "oppen",
                col(NetworkActionItem.closed_at) > started,
            ),
        )
        .order_by(col(NetworkMeeting.starts_at), col(NetworkActionItem.id))
    ).all()
    return [(a, i, m) for a, i, m in rows]


@dataclass
class Decision:
    starts_at: datetime
    forum: str
    decision: str
    outcome: str | None

    @property
    def day(self) -> str:
        return local(self.starts_at).date().isoformat()


def decisions(session: Session, network_fault_id: int) -> list[Decision]:
    """The network forums' minuted decisions on a network fault, from finalised minutes
    only (one statement): the coordinator's text for the whole network."""
    rows = session.exec(
        select(NetworkAgendaItem, NetworkMeeting.starts_at, NetworkForum.name)
        .join(NetworkMeeting, col(NetworkMeeting.id) == NetworkAgendaItem.meeting_id)
        .join(NetworkForum, col(NetworkForum.id) == NetworkMeeting.forum_id)
        .where(
            NetworkAgendaItem.network_fault_id == network_fault_id,
            col(NetworkMeeting.minutes_final).is_(True),
            or_(col(NetworkAgendaItem.decision) != "", col(NetworkAgendaItem.outcome).is_not(None)),
        )
        .order_by(col(NetworkMeeting.starts_at).desc(), col(NetworkAgendaItem.id))
        .limit(10)
    ).all()
    return [
        Decision(starts_at, name, item.decision, item.outcome) for item, starts_at, name in rows
    ]
