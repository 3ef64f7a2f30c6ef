"""The weekly digest for ombud who opted in: Mondays from 07:00 Stockholm time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app, render_template
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..faults.models import Fault, Occurrence
from ..faults.queries import recurring_not_escalated
from ..meetings.models import Escalation, Forum, Meeting
from ..orgs.models import Membership, Organisation
from ..timeutil import STOCKHOLM, local
from . import outbox


def queue_weekly(session: Session, org: Organisation, *, now: datetime) -> int:
    here = local(now)
    monday = here.date() - timedelta(days=here.weekday())
    if here < datetime.combine(monday, time(7, 0), STOCKHOLM):
        return 0
    readers = list(
        session.exec(
            select(User)
            .join(Membership, col(Membership.user_id) == User.id)
            .where(
                Membership.org_id == org.id,
                col(User.weekly_digest).is_(True),
                col(User.active).is_(True),
                col(Membership.role).in_(["ombud", "samordnare", "admin"]),
            )
        ).all()
    )
    if not readers:
        return 0
    year, week, _ = monday.isocalendar()
    start = monday - timedelta(days=7)
    new_faults = list(
        session.exec(
            select(Fault).where(
                Fault.org_id == org.id,
                col(Fault.duplicate_of_id).is_(None),
                Fault.created_at >= datetime.combine(start, time(), STOCKHOLM),
                Fault.created_at < datetime.combine(monday, time(), STOCKHOLM),
            )
        ).all()
    )
    occurrences = session.exec(
        select(func.count())
        .select_from(Occurrence)
        .where(
            Occurrence.org_id == org.id,
            Occurrence.observed_on >= start,
            Occurrence.observed_on < monday,
        )
    ).one()
    recurring = recurring_not_escalated(session, org, limit=10)
    follow_ups = _follow_ups(session, org, now)
    data = {
        "org": org,
        "week": week,
        "year": year,
        "new_faults": new_faults,
        "occurrences": occurrences,
        "recurring": recurring,
        "follow_ups": follow_ups,
        "base": str(current_app.config["BASE_URL"]).rstrip("/"),
    }
    text = render_template("email/weekly.txt", **data)
    html = render_template("email/weekly.html", **data)
    queued = 0
    for user in readers:
        if (
            outbox.queue(
                session,
                dedup_key=f"weekly:{org.id}:{user.id}:{year}-W{week:02d}",
                kind="weekly",
                org_id=org.id,
                to_addr=user.email,
                subject=f"Veckans systemfel, vecka {week}: {org.name}",
                text_body=text,
                html_body=html,
            )
            is not None
        ):
            queued += 1
    return queued


def _follow_ups(session: Session, org: Organisation, now: datetime) -> list[tuple]:
    """Open follow-ups with the forum and the date of its next planned meeting."""
    rows = session.exec(
        select(Escalation, Fault, Forum)
        .join(Fault, col(Fault.id) == Escalation.fault_id)
        .join(Forum, col(Forum.id) == Escalation.forum_id)
        .where(Escalation.org_id == org.id, Escalation.status == "uppfoljning")
        .order_by(Forum.name, Fault.ref)
    ).all()
    next_meeting = dict(
        session.exec(
            select(Meeting.forum_id, func.min(Meeting.starts_at))
            .where(Meeting.org_id == org.id, Meeting.status == "planerat", Meeting.starts_at > now)
            .group_by(Meeting.forum_id)
        ).all()
    )
    return [(esc, fault, forum, next_meeting.get(forum.id)) for esc, fault, forum in rows]
