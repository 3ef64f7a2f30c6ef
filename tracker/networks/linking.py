"""Linking shared faults of different organisations into one network fault, and taking
one out again. Keyword-only, audited, flushed; the caller commits once."""

from __future__ import annotations

from sqlmodel import Session, select

from ..audit import audit_log
from ..faults.models import Fault
from .errors import NetworkRuleError
from .models import Network, NetworkFault, NetworkFaultLink, NetworkMatchDismissal


def _link_of(session: Session, network_id: int, fault_id: int) -> NetworkFaultLink | None:
    return session.exec(
        select(NetworkFaultLink).where(
            NetworkFaultLink.network_id == network_id, NetworkFaultLink.fault_id == fault_id
        )
    ).first()


def link(
    session: Session, *, network: Network, a: Fault, b: Fault, actor_id: int | None
) -> NetworkFault:
    """Link two shared faults of different organisations into one network fault (joining
    the network fault either is in already, or merging the two). The caller has checked
    that both are shared in the network now."""
    assert network.id is not None and a.id is not None and b.id is not None
    if a.org_id == b.org_id:
        raise NetworkRuleError("same_org")
    la, lb = _link_of(session, network.id, a.id), _link_of(session, network.id, b.id)
    if la is not None and lb is not None and la.network_fault_id == lb.network_fault_id:
        raise NetworkRuleError("already_linked")
    if la is None and lb is not None:
        la, lb, a, b = lb, la, b, a
    assert a.id is not None and b.id is not None
    if la is None:
        nf = NetworkFault(network_id=network.id, created_by_id=actor_id)
        session.add(nf)
        session.flush()
        assert nf.id is not None
        session.add(
            NetworkFaultLink(
                network_id=network.id, network_fault_id=nf.id, fault_id=a.id, org_id=a.org_id
            )
        )
        target = nf
    else:
        target = session.get(NetworkFault, la.network_fault_id)  # type: ignore[assignment]
        assert target is not None
    assert target.id is not None
    members = list(
        session.exec(
            select(NetworkFaultLink).where(NetworkFaultLink.network_fault_id == target.id)
        ).all()
    )
    incoming = (
        [
            NetworkFaultLink(
                network_id=network.id, network_fault_id=target.id, fault_id=b.id, org_id=b.org_id
            )
        ]
        if lb is None
        else list(
            session.exec(
                select(NetworkFaultLink).where(
                    NetworkFaultLink.network_fault_id == lb.network_fault_id
                )
            ).all()
        )
    )
    orgs = {m.org_id for m in members}
    if any(m.org_id in orgs for m in incoming):
        raise NetworkRuleError("org_twice")
    old = lb.network_fault_id if lb is not None else None
    for m in incoming:
        m.network_fault_id = target.id
        session.add(m)
    session.flush()
    if old is not None:
        dropped = session.get(NetworkFault, old)
        if dropped is not None:
            session.delete(dropped)
            session.flush()
    audit_log(
        session,
        "network_fault.linked",
        actor_id=actor_id,
        org_id=None,
        object_type="network_fault",
        object_id=target.id,
    )
    return target


def unlink(session: Session, *, network: Network, fault_id: int, actor_id: int | None) -> None:
    """Take a fault out of its network fault; a network fault left with one fault ends."""
    assert network.id is not None
    row = _link_of(session, network.id, fault_id)
    if row is None:
        raise NetworkRuleError("not_linked")
    nf_id = row.network_fault_id
    session.delete(row)
    session.flush()
    drop_lonely_network_faults(session, network.id)
    audit_log(
        session,
        "network_fault.unlinked",
        actor_id=actor_id,
        org_id=None,
        object_type="network_fault",
        object_id=nf_id,
    )


def drop_lonely_network_faults(session: Session, network_id: int) -> None:
    """A network fault needs two faults; one left with fewer ends (with its last link).
    ORM deletes, not bulk ones: the rows carry no organisation's data version."""
    counts: dict[int, list[NetworkFaultLink]] = {}
    for row in session.exec(
        select(NetworkFaultLink).where(NetworkFaultLink.network_id == network_id)
    ).all():
        counts.setdefault(row.network_fault_id, []).append(row)
    lonely = [
        nf
        for nf in session.exec(select(NetworkFault).where(NetworkFault.network_id == network_id))
        if len(counts.get(nf.id or 0, [])) < 2
    ]
    for nf in lonely:  # the links first: the database would cascade them behind the ORM
        for row in counts.get(nf.id or 0, []):
            session.delete(row)
    session.flush()
    for nf in lonely:
        session.delete(nf)
    session.flush()


def dismiss(
    session: Session, *, network: Network, a: Fault, b: Fault, actor_id: int | None
) -> bool:
    """Record that `a` and `b` are not the same systemfel, so matching stops suggesting
    the pair; False when it was recorded already. The caller has checked that both are
    shared in the network now."""
    assert network.id is not None and a.id is not None and b.id is not None
    if a.org_id == b.org_id:
        raise NetworkRuleError("same_org")
    first, second = sorted((a.id, b.id))
    if session.exec(
        select(NetworkMatchDismissal.id).where(
            NetworkMatchDismissal.network_id == network.id,
            NetworkMatchDismissal.fault_a_id == first,
            NetworkMatchDismissal.fault_b_id == second,
        )
    ).first():
        return False
    row = NetworkMatchDismissal(
        network_id=network.id, fault_a_id=first, fault_b_id=second, dismissed_by_id=actor_id
    )
    session.add(row)
    session.flush()
    audit_log(
        session,
        "network_match.dismissed",
        actor_id=actor_id,
        org_id=None,
        object_type="network_match_dismissal",
        object_id=row.id,
    )
    return True
