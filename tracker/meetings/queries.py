"""Read side of forums and meetings; each page a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..dataversion import cached, org_key
from ..faults.derived import counts_between
from ..faults.models import Fault
from ..faults.queries import recurring_faults
from ..orgs.context import in_current_org, scoped, scoped_with
from ..orgs.models import Authority, Organisation
from ..suppression import suppress
from ..timeutil import local, utcnow
from .action_queries import MeetingActions, for_meeting
from .models import AgendaItem, Contact, Escalation, Forum, Meeting

# The agenda lists the most frequent recurring faults not escalated, and how many more.
RECURRING_SHOWN = 15


def member_forum_ids(session: Session, user_id: int) -> list[int]:
    """The forums a ledamot belongs to: those where they are a linked contact."""
    return list(
        session.exec(
            select(Contact.forum_id).where(in_current_org(Contact), Contact.user_id == user_id)
        ).all()
    )


def forums(session: Session, only: list[int] | None = None) -> list[Forum]:
    q = scoped(Forum).order_by(Forum.name)
    if only is not None:
        q = q.where(col(Forum.id).in_(only))
    return list(session.exec(q).all())


def forum_contacts(session: Session, forum_id: int) -> list[Contact]:
    return list(
        session.exec(
            scoped(Contact).where(Contact.forum_id == forum_id).order_by(Contact.name)
        ).all()
    )


@dataclass
class ForumPage:
    forum: Forum
    contacts: list[Contact]
    upcoming: list[Meeting]
    history: list[Meeting]
    queue: list[tuple[Escalation, Fault]]


def forum_page(session: Session, forum: Forum) -> ForumPage:
    contacts = forum_contacts(session, forum.id or 0)
    meetings = list(
        session.exec(
            scoped(Meeting)
            .where(Meeting.forum_id == forum.id)
            .order_by(col(Meeting.starts_at).desc())
        ).all()
    )
    queue = list(
        session.exec(
            scoped_with(Escalation, Fault)
            .join(Fault, col(Fault.id) == Escalation.fault_id)
            .where(
                Escalation.forum_id == forum.id,
                col(Escalation.status).in_(["foreslagen", "koad", "uppfoljning"]),
            )
            .order_by(Escalation.status, Escalation.created_at)
        ).all()
    )
    upcoming = sorted([m for m in meetings if m.status == "planerat"], key=lambda m: m.starts_at)
    history = [m for m in meetings if m.status != "planerat"]
    return ForumPage(forum, contacts, upcoming, history, queue)


ItemRow = tuple[AgendaItem, Escalation | None, Fault | None]


def agenda_items(session: Session, meeting: Meeting) -> dict[str, list[ItemRow]]:
    """The meeting's agenda items by section, each with its escalation and fault."""
    rows = session.exec(
        scoped_with(AgendaItem, Escalation, Fault)
        .outerjoin(Escalation, col(Escalation.id) == AgendaItem.escalation_id)
        .outerjoin(Fault, col(Fault.id) == Escalation.fault_id)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    items: dict[str, list[Any]] = defaultdict(list)
    for item, esc, fault in rows:
        items[item.section].append((item, esc, fault))
    return dict(items)


@dataclass
class MeetingPage:
    meeting: Meeting
    forum: Forum
    items: dict[str, list[ItemRow]]
    contacts: list[Contact]
    forums: list[Forum]
    last_decisions: dict[int, AgendaItem]
    stats: dict[str, Any]
    actions: MeetingActions = field(default_factory=MeetingActions)


def meeting_page(
    session: Session, org: Organisation, meeting: Meeting, *, member: bool
) -> MeetingPage:
    """`member`: for a ledamot or a forum contact, who see counts only of escalated faults."""
    all_forums = list(session.exec(scoped(Forum).order_by(Forum.name)).all())
    forum = next(f for f in all_forums if f.id == meeting.forum_id)
    items = agenda_items(session, meeting)
    # The latest earlier decision on each follow-up, shown beside it.
    esc_ids = [esc.id for _i, esc, _f in items.get("uppfoljning", []) if esc is not None]
    last: dict[int, AgendaItem] = {}
    if esc_ids:
        for prev, _starts in session.exec(
            scoped_with(AgendaItem, Meeting.starts_at)
            .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
            .where(
                col(AgendaItem.escalation_id).in_(esc_ids),
                Meeting.status == "genomfort",
                Meeting.starts_at < meeting.starts_at,
            )
            .order_by(Meeting.starts_at)
        ).all():
            last[prev.escalation_id or 0] = prev
    contacts = forum_contacts(session, forum.id or 0)
    return MeetingPage(
        meeting,
        forum,
        items,
        contacts,
        all_forums,
        last,
        statistics(session, org, forum, meeting, member=member),
        for_meeting(session, meeting),
    )


def statistics(
    session: Session, org: Organisation, forum: Forum, meeting: Meeting, *, member: bool
) -> dict[str, Any]:
    """New faults and occurrences per authority since the forum's previous meeting, and –
    not for members – recurring faults not yet escalated. Counts only, never narratives;
    each count comes with how it is hidden (None, "primary": "färre än N", "secondary":
    "dold"; see tracker.suppression). No count here is shown as a sum of others. The same
    for everyone until the organisation's data or the day changes: kept per process."""
    key = (org_key(org), meeting.id, meeting.starts_at, forum.id, member, utcnow().date())
    return cached("meeting_stats", key, lambda: _statistics(session, org, forum, meeting, member))


def _statistics(
    session: Session, org: Organisation, forum: Forum, meeting: Meeting, member: bool
) -> dict[str, Any]:
    assert org.id is not None
    previous = session.exec(
        select(func.max(Meeting.starts_at)).where(
            Meeting.forum_id == forum.id,
            Meeting.status == "genomfort",
            Meeting.starts_at < meeting.starts_at,
        )
    ).one()
    since: datetime = previous or (meeting.starts_at - timedelta(days=90))
    new_faults = session.exec(
        select(func.count())
        .select_from(Fault)
        .where(
            in_current_org(Fault), Fault.created_at >= since, col(Fault.duplicate_of_id).is_(None)
        )
    ).one()
    # observations carry Swedish dates: the meetings' days in Stockholm, not in UTC
    counts = counts_between(org.id, local(since).date(), local(meeting.starts_at).date())
    total = func.sum(counts.c.n)
    per_authority = [
        (name, int(n))
        for name, n in session.exec(
            select(Authority.name, total)
            .select_from(counts)
            .join(Fault, col(Fault.id) == counts.c.fault_id)
            .join(Authority, col(Authority.id) == Fault.primary_authority_id)
            .group_by(Authority.name)
            .order_by(total.desc())
        ).all()
    ]
    recurring, recurring_total = (
        ([], 0) if member else recurring_faults(session, org, limit=RECURRING_SHOWN)
    )
    hidden = suppress(
        {("authority", name): n for name, n in per_authority}
        | {("fault", f.id): n for f, n in recurring},
        [],
        org.small_count_limit,
    )
    return {
        "since": since,
        "new_faults": new_faults,
        "per_authority": [(name, n, hidden.kind(("authority", name))) for name, n in per_authority],
        "recurring": [(f, n, hidden.kind(("fault", f.id))) for f, n in recurring],
        "recurring_more": max(0, recurring_total - len(recurring)),
        "any_dold": bool(hidden.secondary),
    }


@dataclass
class ThreadEntry:
    escalation: Escalation
    forum_name: str
    items: list[tuple[AgendaItem, Meeting]]


def fault_thread(session: Session, fault_id: int) -> list[ThreadEntry]:
    """Every escalation of the fault, and each meeting it was on with decision, response
    and outcome, in order: where "what happened to it?" is answered. One statement."""
    rows = session.exec(
        scoped_with(Escalation, Forum.name, AgendaItem, Meeting)
        .join(Forum, col(Forum.id) == Escalation.forum_id)
        .outerjoin(AgendaItem, col(AgendaItem.escalation_id) == Escalation.id)
        .outerjoin(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .where(Escalation.fault_id == fault_id)
        .order_by(Escalation.created_at, Escalation.id, Meeting.starts_at)
    ).all()
    entries: dict[int, ThreadEntry] = {}
    for esc, forum_name, item, meeting in rows:
        entry = entries.setdefault(esc.id or 0, ThreadEntry(esc, forum_name, []))
        if item is not None and meeting is not None:
            entry.items.append((item, meeting))
    return list(entries.values())
