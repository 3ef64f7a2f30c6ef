"""Demo data: `tracker demo`. Idempotent – running it twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from .accounts import services as accounts
from .accounts.models import User
from .demo_faults import load_demo_faults
from .demo_meetings import load_demo_meetings
from .orgs import services as orgs
from .orgs.models import Membership, Organisation
from .timeutil import utcnow

DEMO_PASSWORD = "demo-lösenord"  # noqa: S105 – documented demo login, never for production

ORGS = [
    ("soderort", "Personligt ombud Söderort", "Stockholm (Söderort)", ""),
    ("nacka", "Personligt ombud Nacka–Värmdö", "Nacka, Värmdö", ".nacka"),
]
ROLES = [
    ("ombud", "Ombud"),
    ("samordnare", "Samordnare"),
    ("ledamot", "Ledamot"),
    ("admin", "Administratör"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    return [
        (f"{role}{suffix}@demo.se", role, slug)
        for slug, _name, _k, suffix in ORGS
        for role, _label in ROLES
    ]


def load_demo(s: Session, *, if_empty: bool = False) -> list[tuple[str, str, str]] | None:
    if if_empty and s.exec(select(func.count()).select_from(User)).one() > 0:
        return None
    for slug, name, kommuner, suffix in ORGS:
        org = s.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if org is None:
            org = orgs.create_org(s, slug=slug, name=name, kommuner=kommuner)
        assert org.id is not None
        for role, label in ROLES:
            email = f"{role}{suffix}@demo.se"
            user = accounts.find_user(s, email)
            if user is None:
                user = accounts.create_user(
                    s,
                    email=email,
                    name=f"{label} {org.name.split()[-1]}",
                    password=DEMO_PASSWORD,
                    actor_id=None,
                    org_id=org.id,
                )
            assert user.id is not None
            m = s.exec(
                select(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id)
            ).first()
            if m is None:
                orgs.set_membership(s, user_id=user.id, org_id=org.id, role=role, actor_id=None)
        load_demo_faults(s, org, utcnow().date())
        load_demo_meetings(s, org, utcnow())
    from .networks.demo import load_demo_network

    return demo_logins() + load_demo_network(s, DEMO_PASSWORD)
