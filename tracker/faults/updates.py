"""Updates to the ombud: whoever logged an occurrence on a fault hears when it is escalated,
decided or answered at a meeting, fixed or closed.

`notify` writes one `FaultUpdate` per distinct logger (not the actor, only active members
who work with faults) in the transaction of its cause, and queues an e-mail at once for
those who chose "Direkt". It sits in faults, below meetings, so that closing a fault and the
meeting events both call it; the meeting side passes the forum and date as plain values.

E-mails carry the fault's reference, title and authority, what happened and a link –
never a narrative, an ask, a decision, a response or other minutes text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..accounts.models import UPDATE_MAIL, User
from ..audit import audit_log
from ..orgs.models import Authority, Membership
from ..outbox import queue
from ..timeutil import utcnow
from .models import Fault, FaultEvent, FaultUpdate, Occurrence

# Who hears about a fault: the roles that see faults and narratives (not a forum ledamot).
RECIPIENT_ROLES = ("ombud", "samordnare", "admin")
# Closing statuses of a fault and the update they give.
CLOSING = {"atgardad": "fixed", "avskriven": "closed"}


def loggers(fault_id: int) -> Any:
    """The distinct users who logged on the fault, as a subquery with column `user_id`.

    A fault may have 20,000 occurrences but a handful of loggers: a recursive skip scan
    on ix_occurrence_fault_logged_by jumps from one logger to the next (one index probe
    each) instead of reading every occurrence; the same SQL on SQLite and PostgreSQL."""
    first = select(func.min(Occurrence.logged_by_id).label("user_id")).where(
        Occurrence.fault_id == fault_id
    )
    walk = first.cte("logger", recursive=True)
    step = select(
        select(func.min(Occurrence.logged_by_id))
        .where(Occurrence.fault_id == fault_id, col(Occurrence.logged_by_id) > walk.c.user_id)
        .scalar_subquery()
    ).where(walk.c.user_id.is_not(None))
    walk = walk.union_all(step)
    return select(walk.c.user_id).where(walk.c.user_id.is_not(None)).subquery("loggers")


def event_label(kind: str, *, forum: str | None = None, day: date | None = None) -> str:
    """What happened, in words (no text anyone typed about the case)."""
    when = day.isoformat() if day else ""
    if kind == "escalated":
        return _("Eskalerat till %(forum)s", forum=forum) if forum else _("Eskalerat")
    if kind == "decision":
        return _("Beslut på mötet i %(forum)s %(date)s", forum=forum or "", date=when)
    if kind == "response":
        return _(
            "Svar från myndigheten på mötet i %(forum)s %(date)s", forum=forum or "", date=when
        )
    if kind == "fixed":
        return _("Åtgärdat")
    if kind == "closed":
        return _("Avskrivet")
    return kind


@dataclass
class _Recipient:
    user_id: int
    email: str
    mail: str


def _recipients(
    session: Session, fault: Fault, kind: str, source_id: int, actor_id: int | None
) -> list[_Recipient]:
    """Loggers who are active members in a role that sees faults, without an update of
    this event yet; never the actor. One statement."""
    who = loggers(fault.id or 0)
    q = (
        select(User.id, User.email, User.update_mail)
        .join(who, who.c.user_id == User.id)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(
            Membership.org_id == fault.org_id,
            col(Membership.active).is_(True),
            col(Membership.role).in_(RECIPIENT_ROLES),
            col(User.active).is_(True),
            ~exists().where(
                and_(
                    col(FaultUpdate.user_id) == User.id,
                    col(FaultUpdate.kind) == kind,
                    col(FaultUpdate.source_id) == source_id,
                )
            ),
        )
        .order_by(col(User.id))
    )
    if actor_id is not None:
        q = q.where(User.id != actor_id)
    return [_Recipient(uid or 0, email, mail) for uid, email, mail in session.exec(q).all()]


def notify(
    session: Session,
    *,
    fault: Fault,
    kind: str,
    source_id: int,
    actor_id: int | None,
    escalation_id: int | None = None,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
    forum: str | None = None,
    day: date | None = None,
) -> list[FaultUpdate]:
    """Tell everyone who logged on `fault` about an event, once per event and user.
    `forum` and `day` name the forum and meeting date in the e-mail. Runs in the caller's
    transaction; the caller commits."""
    assert fault.id is not None
    recipients = _recipients(session, fault, kind, source_id, actor_id)
    if not recipients:
        return []
    made: list[tuple[FaultUpdate, _Recipient]] = []
    for r in recipients:
        row = FaultUpdate(
            org_id=fault.org_id,
            user_id=r.user_id,
            fault_id=fault.id,
            kind=kind,
            source_id=source_id,
            escalation_id=escalation_id,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
        )
        try:
            with session.begin_nested():  # a parallel writer of the same event came first
                session.add(row)
                session.flush()
        except IntegrityError:
            continue
        made.append((row, r))
    if not made:
        return []
    audit_log(
        session,
        "fault_update.created",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="fault",
        object_id=fault.id,
        count=len(made),
    )
    direct = [(row, r) for row, r in made if r.mail == "direct" and r.email]
    if direct:
        _queue_direct(session, fault, kind, direct, forum=forum, day=day)
    session.flush()
    return [row for row, _r in made]


def status_changed(
    session: Session, *, fault: Fault, event: FaultEvent, actor_id: int | None
) -> None:
    """Closing a fault (åtgärdad, avskriven) tells whoever logged on it; once per change."""
    kind = CLOSING.get(event.to_status or "")
    if kind is not None:
        notify(session, fault=fault, kind=kind, source_id=event.id or 0, actor_id=actor_id)


def mail_base() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/")


def _queue_direct(
    session: Session,
    fault: Fault,
    kind: str,
    rows: list[tuple[FaultUpdate, _Recipient]],
    *,
    forum: str | None,
    day: date | None,
) -> None:
    authority = session.get(Authority, fault.primary_authority_id)
    with force_locale("sv"):  # e-mails are Swedish, whoever caused them
        event = event_label(kind, forum=forum, day=day)
        data = {
            "items": [
                {
                    "ref": fault.ref,
                    "title": fault.title,
                    "authority": authority.name if authority else "",
                    "event": event,
                }
            ],
            "base": mail_base(),
        }
        text = render_template("email/fault_update.txt", **data)
        html = render_template("email/fault_update.html", **data)
    for row, r in rows:
        queue(
            session,
            dedup_key=f"fault-update:{row.id}",
            kind="fault_update",
            org_id=fault.org_id,
            to_addr=r.email,
            subject=f"{fault.ref}: {event}",
            text_body=text,
            html_body=html,
        )


# ---- the user's side ---------------------------------------------------------------------


def mark_read(session: Session, *, user_id: int, org_id: int, ids: list[int]) -> int:
    """Mark the user's own updates `ids` (in this organisation) read; returns how many."""
    if not ids:
        return 0
    n = session.exec(
        update(FaultUpdate)
        .where(
            col(FaultUpdate.user_id) == user_id,
            col(FaultUpdate.org_id) == org_id,
            col(FaultUpdate.id).in_(ids),
            col(FaultUpdate.read_at).is_(None),
        )
        .values(read_at=utcnow())
    ).rowcount
    if n:
        audit_log(
            session,
            "fault_update.read",
            actor_id=user_id,
            org_id=org_id,
            object_type="user",
            object_id=user_id,
            count=int(n),
        )
    session.flush()
    return int(n or 0)


def set_update_mail(session: Session, *, user: User, choice: str, org_id: int | None) -> None:
    """The user's choice of e-mail about updates (accounts.models.UPDATE_MAIL)."""
    if choice not in UPDATE_MAIL:
        raise ValueError(choice)
    user.update_mail = choice
    session.add(user)
    audit_log(
        session,
        "user.update_mail_changed",
        actor_id=user.id,
        org_id=org_id,
        object_type="user",
        object_id=user.id,
    )
    session.flush()


__all__ = [
    "CLOSING",
    "RECIPIENT_ROLES",
    "event_label",
    "loggers",
    "mark_read",
    "notify",
    "set_update_mail",
    "status_changed",
]
