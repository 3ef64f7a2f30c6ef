"""The weekly digest for ombud who opted in: Mondays from 07:00 Stockholm time. It carries
the reader's updates of the week (tracker.faults.updates) for those who chose them "in the
weekly digest"; who chose only that gets the updates alone, and only in a week with some."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..faults.models import Fault, Occurrence
from ..faults.queries import recurring_not_escalated
from ..meetings.models import Escalation, Forum, Meeting
from ..meetings.updates import mail_rows
from ..orgs.models import Membership, Organisation
from ..timeutil import STOCKHOLM, local
from . import outbox
from .models import OutboxMessage


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
                or_(col(User.weekly_digest).is_(True), User.update_mail == "weekly"),
                col(User.active).is_(True),
                col(Membership.active).is_(True),
                col(Membership.role).in_(["ombud", "samordnare", "admin"]),
            )
            .order_by(User.id)
        ).all()
    )
    if not readers:
        return 0
    year, week, _ = monday.isocalendar()
    keys = {u.id: f"weekly:{org.id}:{u.id}:{year}-W{week:02d}" for u in readers}
    sent = set(  # most passes find this week's digests queued: one statement, then done
        session.exec(
            select(OutboxMessage.dedup_key).where(col(OutboxMessage.dedup_key).in_(keys.values()))
        ).all()
    )
    readers = [u for u in readers if keys[u.id] not in sent]
    if not readers:
        return 0
    start = monday - timedelta(days=7)
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    with force_locale("sv"):  # e-mails are Swedish
        updates = mail_rows(
            session,
            org.id or 0,
            [u.id or 0 for u in readers if u.update_mail == "weekly"],
            since=datetime.combine(start, time(), STOCKHOLM),
            until=datetime.combine(monday, time(), STOCKHOLM),
        )
    data: dict[str, Any] = {}
    if any(u.weekly_digest for u in readers):
        data = _digest_data(session, org, now, start, monday, week, year, base)
    shared: tuple[str, str] | None = None
    queued = 0
    for user in readers:
        mine = updates.get(user.id or 0, [])
        if user.weekly_digest:
            subject = f"Veckans systemfel, vecka {week}: {org.name}"
            if mine:
                text, html = _render("weekly", updates=mine, **data)
            else:
                shared = shared or _render("weekly", updates=[], **data)
                text, html = shared
        elif mine:  # only the updates, for who chose them in the weekly digest alone
            subject = f"Uppdateringar om dina systemfel, vecka {week}: {org.name}"
            text, html = _render("fault_update", items=mine, base=base, week=week)
        else:
            continue
        if (
            outbox.queue(
                session,
                dedup_key=keys[user.id],
                kind="weekly",
                org_id=org.id,
                to_addr=user.email,
                subject=subject,
                text_body=text,
                html_body=html,
            )
            is not None
        ):
            queued += 1
    return queued


def _render(name: str, **data: Any) -> tuple[str, str]:
    return (
        render_template(f"email/{name}.txt", **data),
        render_template(f"email/{name}.html", **data),
    )


def _digest_data(
    session: Session,
    org: Organisation,
    now: datetime,
    start: date,
    monday: date,
    week: int,
    year: int,
    base: str,
) -> dict[str, Any]:
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
    return {
        "org": org,
        "week": week,
        "year": year,
        "new_faults": new_faults,
        "occurrences": occurrences,
        "recurring": recurring,
        "follow_ups": follow_ups,
        "base": base,
    }


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
