"""Invitations: an admin invites an e-mail address with a role; the person joins by
following the single-use link (72 hours) and choosing a password – or, when they already
have an account in another organisation, by logging in and accepting. Nothing about an
existing account is shown to the inviting admin."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..accounts import services as accounts
from ..accounts import tokens
from ..accounts.models import AccountToken, User
from ..audit import audit_log
from ..outbox import queue
from ..timeutil import utcnow
from . import services
from .models import Membership, Organisation


class InviteError(ValueError):
    """A Swedish sentence for the admin."""


def open_invitations(session: Session, org_id: int) -> list[AccountToken]:
    """Invitations not yet accepted or revoked (expired ones included: they can be resent)."""
    return list(
        session.exec(
            select(AccountToken)
            .where(
                AccountToken.kind == "invite",
                AccountToken.org_id == org_id,
                col(AccountToken.used_at).is_(None),
                col(AccountToken.revoked_at).is_(None),
            )
            .order_by(col(AccountToken.created_at).desc())
        ).all()
    )


def _queue_mail(
    session: Session, row: AccountToken, raw: str, org: Organisation, base_url: str
) -> None:
    data = {
        "org": org,
        "role": row.role,
        "url": f"{base_url.rstrip('/')}/invite/{raw}",
        "expires": row.expires_at,
    }
    queue(
        session,
        dedup_key=f"invite:{row.id}:{row.token_hash[:16]}",
        kind="invite",
        org_id=org.id,
        to_addr=row.email,
        subject=f"Inbjudan till {org.name} i Systemfel tracker",
        text_body=render_template("email/invite.txt", **data),
        html_body=render_template("email/invite.html", **data),
    )


def invite(
    session: Session,
    *,
    org: Organisation,
    email: str,
    role: str,
    actor_id: int | None,
    base_url: str,
) -> AccountToken:
    assert org.id is not None
    email = accounts.normalise_email(email)
    existing = session.exec(
        select(Membership)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.org_id == org.id, User.email == email)
    ).first()
    if existing is not None:
        raise InviteError(
            _("Personen är redan medlem i verksamheten.")
            if existing.active
            else _("Personen är inaktiverad i verksamheten – återaktivera hen i listan i stället.")
        )
    for row in open_invitations(session, org.id):
        if row.email == email:
            raise InviteError(
                _(
                    "Adressen har redan en inbjudan. Skicka den igen i listan om den inte "
                    "kommit fram."
                )
            )
    raw, row = tokens.issue(
        session,
        kind="invite",
        email=email,
        org_id=org.id,
        role=role,
        created_by=actor_id,
        valid=tokens.INVITE_VALID,
    )
    _queue_mail(session, row, raw, org, base_url)
    audit_log(
        session,
        "invitation.sent",
        actor_id=actor_id,
        org_id=org.id,
        object_type="invitation",
        object_id=row.id,
    )
    return row


def resend(
    session: Session, row: AccountToken, *, org: Organisation, actor_id: int | None, base_url: str
) -> None:
    """A new link and 72 new hours; the old link stops working."""
    raw = tokens.renew(session, row, valid=tokens.INVITE_VALID)
    _queue_mail(session, row, raw, org, base_url)
    audit_log(
        session,
        "invitation.resent",
        actor_id=actor_id,
        org_id=org.id,
        object_type="invitation",
        object_id=row.id,
    )


def revoke(session: Session, row: AccountToken, *, actor_id: int | None) -> None:
    row.revoked_at = utcnow()
    session.add(row)
    audit_log(
        session,
        "invitation.revoked",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="invitation",
        object_id=row.id,
    )


def accept(session: Session, row: AccountToken, user: User) -> Membership:
    """The invited person (logged in, or just created) joins the organisation."""
    assert row.org_id is not None and user.id is not None
    m = services.set_membership(
        session, user_id=user.id, org_id=row.org_id, role=row.role or "ombud", actor_id=user.id
    )
    if not m.active:
        m.active = True
        session.add(m)
    user.active = True
    session.add(user)
    row.used_at = utcnow()
    row.user_id = user.id
    session.add(row)
    audit_log(
        session,
        "invitation.accepted",
        actor_id=user.id,
        org_id=row.org_id,
        object_type="invitation",
        object_id=row.id,
    )
    return m


def accept_new(session: Session, row: AccountToken, *, name: str, password: str) -> User:
    """Create the account of an invited person who had none, and let them join."""
    user = accounts.create_user(
        session, email=row.email, name=name, password=password, actor_id=None, org_id=row.org_id
    )
    accept(session, row, user)
    return user
