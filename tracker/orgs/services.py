"""Organisations, memberships and their catalogues."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..accounts import services as accounts
from ..accounts.models import User
from ..audit import audit_log
from .defaults import AUTHORITIES, REPORT_SECTIONS
from .models import ROLES, Authority, Membership, Organisation, ReportSection


def create_org(
    session: Session, *, slug: str, name: str, kommuner: str = "", actor_id: int | None = None
) -> Organisation:
    org = Organisation(slug=slug.strip().lower(), name=name.strip(), kommuner=kommuner.strip())
    session.add(org)
    session.flush()
    assert org.id is not None
    seed_catalogues(session, org.id)
    audit_log(
        session,
        "org.created",
        actor_id=actor_id,
        org_id=org.id,
        object_type="organisation",
        object_id=org.id,
    )
    return org


def seed_catalogues(session: Session, org_id: int) -> None:
    by_heading: dict[str, ReportSection] = {}
    position = 0
    for heading, children in REPORT_SECTIONS:
        parent = ReportSection(org_id=org_id, heading=heading, position=position)
        session.add(parent)
        session.flush()
        by_heading[heading] = parent
        position += 1
        for child in children:
            sec = ReportSection(
                org_id=org_id, heading=child, parent_id=parent.id, position=position
            )
            session.add(sec)
            by_heading[child] = sec
            position += 1
    session.flush()
    from ..faults.services import seed_themes

    seed_themes(session, org_id)
    position = 0
    for huvudman, items in AUTHORITIES.items():
        for name, heading in items:
            session.add(
                Authority(
                    org_id=org_id,
                    huvudman=huvudman,
                    name=name,
                    section_id=by_heading[heading].id,
                    position=position,
                )
            )
            position += 1
    session.flush()


def set_membership(
    session: Session, *, user_id: int, org_id: int, role: str, actor_id: int | None
) -> Membership:
    if role not in ROLES:
        raise ValueError(role)
    m = session.exec(
        select(Membership).where(Membership.user_id == user_id, Membership.org_id == org_id)
    ).first()
    if m is None:
        m = Membership(user_id=user_id, org_id=org_id, role=role)
        action = "membership.created"
    else:
        m.role = role
        action = "membership.changed"
    session.add(m)
    session.flush()
    audit_log(
        session, action, actor_id=actor_id, org_id=org_id, object_type="user", object_id=user_id
    )
    return m


def remove_membership(session: Session, m: Membership, *, actor_id: int | None) -> None:
    session.delete(m)
    audit_log(
        session,
        "membership.removed",
        actor_id=actor_id,
        org_id=m.org_id,
        object_type="user",
        object_id=m.user_id,
    )


def admin_count(session: Session, org_id: int) -> int:
    """Active administrators: the organisation must always keep one."""
    return session.exec(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.org_id == org_id,
            Membership.role == "admin",
            col(Membership.active).is_(True),
        )
    ).one()


def set_active(session: Session, m: Membership, *, active: bool, actor_id: int | None) -> None:
    """Deactivate or reactivate a member. Every session of the person ends on deactivation;
    an account with no active membership left cannot log in at all. Their name stays on
    everything they did."""
    user = session.get(User, m.user_id)
    assert user is not None
    m.active = active
    session.add(m)
    session.flush()
    if active:
        user.active = True
    else:
        accounts.rotate_session_token(user)
        others = session.exec(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user.id, col(Membership.active).is_(True))
        ).one()
        user.active = others > 0
    session.add(user)
    audit_log(
        session,
        "membership.reactivated" if active else "membership.deactivated",
        actor_id=actor_id,
        org_id=m.org_id,
        object_type="user",
        object_id=m.user_id,
    )


def sections_in_order(session: Session, org_id: int) -> list[ReportSection]:
    return list(
        session.exec(
            select(ReportSection)
            .where(ReportSection.org_id == org_id)
            .order_by(ReportSection.position, ReportSection.id)  # type: ignore[arg-type]
        ).all()
    )
