"""The box on an organisation's own fault page: in which networks the fault is shared and
by how many of the members it is seen ("Delas i nätverket Stockholms stad – sett i 2 av 2
verksamheter"), and what the network forums decided on its network fault. A template
function, so tracker.faults never imports networks and only the fault page spends its
statements: none for an organisation in no network (the navigation's statement tells),
else one plus one per network, and one more per network fault the fault is in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, g
from sqlalchemy import or_
from sqlmodel import col, select

from .. import db
from ..faults.models import Fault
from ..meetings.forms import outcome_labels
from ..orgs.models import Organisation
from . import forum_queries, sharing
from .context import org_network_ids
from .models import Network, NetworkFaultLink, NetworkOrg

bp = Blueprint("network_box", __name__)


@dataclass
class NetworkBox:
    network: Network
    shared: bool
    members: int
    seen_in: int = 0
    others: list[str] = field(default_factory=list)
    # the network forums' minuted decisions on the fault's network fault (the
    # coordinator's text for the whole network; finalised minutes only)
    decisions: list[forum_queries.Decision] = field(default_factory=list)


def boxes(fault: Fault) -> list[NetworkBox]:
    org = g.get("org")
    if org is None or fault.org_id != org.id or fault.id is None or not org.network_count:
        return []
    mine = org_network_ids()  # read with the navigation: no statement of its own
    if not mine:
        return []
    s = db.session()
    rows = s.exec(
        select(Network, Organisation)
        .join(NetworkOrg, col(NetworkOrg.network_id) == Network.id)
        .join(Organisation, col(Organisation.id) == NetworkOrg.org_id)
        .where(col(Network.id).in_(sorted(mine)), NetworkOrg.status == "medlem")
        .order_by(Network.name, Organisation.name)
    ).all()
    networks: dict[int, tuple[Network, list[Organisation]]] = {}
    for network, member in rows:
        networks.setdefault(network.id or 0, (network, []))[1].append(member)
    out = []
    for nid, (network, orgs) in networks.items():
        linked = select(NetworkFaultLink.network_fault_id).where(
            NetworkFaultLink.network_id == nid, NetworkFaultLink.fault_id == fault.id
        )
        names = {o.id: o.name for o in orgs}
        found = s.exec(
            sharing.shared_select(
                nid, orgs, Fault.id, Fault.org_id, NetworkFaultLink.network_fault_id
            )
            .outerjoin(
                NetworkFaultLink,
                (col(NetworkFaultLink.fault_id) == Fault.id)
                & (col(NetworkFaultLink.network_id) == nid),
            )
            .where(
                or_(
                    col(Fault.id) == fault.id,
                    col(NetworkFaultLink.network_fault_id).in_(linked),
                )
            )
        ).all()
        shared = any(fid == fault.id for fid, _o, _n in found)
        seen = {o for _f, o, _n in found} if shared else set()
        nf_id = next((n for fid, _o, n in found if fid == fault.id), None) if shared else None
        out.append(
            NetworkBox(
                network=network,
                shared=shared,
                members=len(orgs),
                seen_in=len(seen),
                others=sorted(names[o] for o in seen if o != fault.org_id and o in names),
                # one statement more, only for a fault in a network fault
                decisions=forum_queries.decisions(s, nf_id) if nf_id else [],
            )
        )
    return out


@bp.app_context_processor
def _box() -> dict[str, Any]:
    return {"network_boxes": boxes, "network_outcome_labels": outcome_labels}
