"""Rules for networks: creating one, inviting an organisation (only its own admin makes it
a member), leaving, the people with network roles, and what an organisation shares.
Keyword-only, each writes its audit entry and flushes; the caller commits once."""

from __future__ import annotations

import re

from flask import current_app, render_template
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..audit import audit_log
from ..faults.models import Fault
from ..orgs.models import Membership, Organisation
from ..outbox import queue
from ..timeutil import utcnow
from .errors import NetworkRuleError
from .linking import drop_lonely_network_faults
from .linking import link as link  # one entry for the views and the demo
from .linking import unlink as unlink
from .models import (
    NETWORK_ROLES,
    SHARE_RULES,
    FaultShare,
    Network,
    NetworkFaultLink,
    NetworkOrg,
    NetworkRole,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def _audit(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    org_id: int | None,
    object_type: str,
    object_id: int | None,
) -> None:
    audit_log(
        session,
        action,
        actor_id=actor_id,
        org_id=org_id,
        object_type=object_type,
        object_id=object_id,
    )


def create_network(session: Session, *, slug: str, name: str, actor_id: int | None) -> Network:
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise NetworkRuleError("bad_slug")
    if session.exec(select(Network).where(Network.slug == slug)).first() is not None:
        raise NetworkRuleError("slug_taken")
    network = Network(slug=slug, name=" ".join(name.split()))
    if not network.name:
        raise NetworkRuleError("no_name")
    session.add(network)
    session.flush()
    _audit(
        session,
        "network.created",
        actor_id=actor_id,
        org_id=None,
        object_type="network",
        object_id=network.id,
    )
    return network


# ---- organisations -----------------------------------------------------------------------


def invite_org(
    session: Session,
    *,
    network: Network,
    org_id: int,
    actor_id: int | None,
    notify: bool = True,
) -> NetworkOrg:
    """Invite an organisation; it becomes a member only when its admin accepts. A declined
    or departed organisation may be invited again. Its admins are told by e-mail (`notify`;
    the demo, whose admins accept at once, does without)."""
    row = session.exec(
        select(NetworkOrg).where(NetworkOrg.network_id == network.id, NetworkOrg.org_id == org_id)
    ).first()
    if row is not None and row.status in ("inbjuden", "medlem"):
        raise NetworkRuleError("already_" + ("invited" if row.status == "inbjuden" else "member"))
    if row is None:
        assert network.id is not None
        row = NetworkOrg(network_id=network.id, org_id=org_id)
    row.status = "inbjuden"
    row.invited_at = utcnow()
    session.add(row)
    session.flush()
    if notify:
        _mail_admins(session, row, network)
    _audit(
        session,
        "network_org.invited",
        actor_id=actor_id,
        org_id=org_id,
        object_type="network",
        object_id=network.id,
    )
    return row


def _mail_admins(session: Session, row: NetworkOrg, network: Network) -> None:
    """Tell the organisation's active admins, in the invitation's transaction (outbox)."""
    org = session.get(Organisation, row.org_id)
    if org is None:
        return
    admins = session.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(
            Membership.org_id == row.org_id,
            Membership.role == "admin",
            col(Membership.active).is_(True),
        )
    ).all()
    if not admins:
        return
    data = {
        "org": org,
        "network": network,
        "url": current_app.config["BASE_URL"].rstrip("/") + "/admin/networks/",
    }
    stamp = int(row.invited_at.timestamp())
    for admin in admins:
        queue(
            session,
            dedup_key=f"network-invite:{row.id}:{admin.id}:{stamp}",
            kind="network",
            org_id=org.id,
            to_addr=admin.email,
            subject=f"Inbjudan till nätverket {network.name}",
            text_body=render_template("email/network_invite.txt", **data),
            html_body=render_template("email/network_invite.html", **data),
        )


def withdraw_invitation(session: Session, *, row: NetworkOrg, actor_id: int | None) -> None:
    if row.status != "inbjuden":
        raise NetworkRuleError("not_invited")
    session.delete(row)
    _audit(
        session,
        "network_org.withdrawn",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="network",
        object_id=row.network_id,
    )
    session.flush()


def answer_invitation(
    session: Session, *, row: NetworkOrg, accept: bool, actor_id: int | None
) -> None:
    """The organisation's own admin accepts or declines."""
    if row.status != "inbjuden":
        raise NetworkRuleError("not_invited")
    row.status = "medlem" if accept else "avbojd"
    if accept:
        row.joined_at = utcnow()
        row.left_at = None
    session.add(row)
    session.flush()
    _count_networks(session, row.org_id)
    _audit(
        session,
        "network_org.joined" if accept else "network_org.declined",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="network",
        object_id=row.network_id,
    )


def leave(session: Session, *, row: NetworkOrg, actor_id: int | None) -> None:
    """The organisation leaves: nothing of it is shared from this moment (every read checks
    the membership), and its faults are taken out of the network's linked faults."""
    if row.status != "medlem":
        raise NetworkRuleError("not_member")
    row.status = "lamnat"
    row.left_at = utcnow()
    session.add(row)
    for gone in session.exec(
        select(NetworkFaultLink).where(
            NetworkFaultLink.network_id == row.network_id, NetworkFaultLink.org_id == row.org_id
        )
    ).all():
        session.delete(gone)
    session.flush()
    _count_networks(session, row.org_id)
    drop_lonely_network_faults(session, row.network_id)
    session.flush()
    _audit(
        session,
        "network_org.left",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="network",
        object_id=row.network_id,
    )


def _count_networks(session: Session, org_id: int) -> None:
    """Keep `Organisation.network_count` (read with the organisation on every request)."""
    org = session.get(Organisation, org_id)
    if org is None:
        return
    org.network_count = len(
        session.exec(
            select(NetworkOrg.id).where(NetworkOrg.org_id == org_id, NetworkOrg.status == "medlem")
        ).all()
    )
    session.add(org)
    session.flush()


def set_share_rule(session: Session, *, row: NetworkOrg, rule: str, actor_id: int | None) -> None:
    if rule not in SHARE_RULES:
        raise NetworkRuleError("bad_rule")
    row.share_rule = rule
    session.add(row)
    session.flush()
    _audit(
        session,
        "network_org.share_rule",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="network",
        object_id=row.network_id,
    )


def set_fault_share(session: Session, *, fault: Fault, choice: str, actor_id: int | None) -> None:
    """`choice`: "share" (always share), "keep" (never share) or "rule" (follow the rule)."""
    assert fault.id is not None
    row = session.get(FaultShare, fault.id)
    if choice == "rule":
        if row is not None:
            session.delete(row)
    elif choice in ("share", "keep"):
        if row is None:
            row = FaultShare(fault_id=fault.id, org_id=fault.org_id, share=False)
        row.share = choice == "share"
        row.changed_by_id = actor_id
        row.changed_at = utcnow()
        session.add(row)
    else:
        raise NetworkRuleError("bad_choice")
    session.flush()
    _audit(
        session,
        f"fault_share.{choice}",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="fault",
        object_id=fault.id,
    )


# ---- people ------------------------------------------------------------------------------


def set_role(
    session: Session, *, network: Network, user_id: int, role: str, actor_id: int | None
) -> NetworkRole:
    if role not in NETWORK_ROLES:
        raise NetworkRuleError("bad_role")
    row = session.exec(
        select(NetworkRole).where(
            NetworkRole.network_id == network.id, NetworkRole.user_id == user_id
        )
    ).first()
    if row is None:
        assert network.id is not None
        row = NetworkRole(network_id=network.id, user_id=user_id, role=role)
    row.role = role
    session.add(row)
    session.flush()
    _audit(
        session,
        "network_role.set",
        actor_id=actor_id,
        org_id=None,
        object_type="network",
        object_id=network.id,
    )
    return row


def coordinator_count(session: Session, network_id: int) -> int:
    return len(
        session.exec(
            select(NetworkRole.id).where(
                NetworkRole.network_id == network_id, NetworkRole.role == "natverkssamordnare"
            )
        ).all()
    )


def remove_role(session: Session, *, row: NetworkRole, actor_id: int | None) -> None:
    """A network keeps at least one nätverkssamordnare (the site can add one with
    `tracker network add-person`)."""
    if row.role == "natverkssamordnare" and coordinator_count(session, row.network_id) <= 1:
        raise NetworkRuleError("last_coordinator")
    session.delete(row)
    session.flush()
    _audit(
        session,
        "network_role.removed",
        actor_id=actor_id,
        org_id=None,
        object_type="network",
        object_id=row.network_id,
    )
