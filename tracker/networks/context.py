"""The one scoping helper for network pages: who may see a network, and what in it.

A network is seen by the people with a network role in it and by the workers (ombud,
samordnare, admin) of its member organisations, through the organisation they are
working in. Everyone else gets a 404 – never a 403 that confirms the network exists.
A network role opens the network's pages only: an organisation's own pages still need a
membership of that organisation (tracker.orgs.context), so no network role ever reaches
an organisation's register, occurrences or narratives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import and_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel, col, select

from .. import db
from ..params import to_int
from .models import Network, NetworkOrg, NetworkRole

M = TypeVar("M", bound=SQLModel)

# The organisation roles that see their own faults – and so the network's shared ones.
ORG_READERS = ("ombud", "samordnare", "admin")
COORDINATOR = "natverkssamordnare"


@dataclass(frozen=True)
class NetworkAccess:
    network: Network
    role: str | None  # the user's network role, if any
    via_org: bool  # the user's current organisation is a member and the user works in it

    @property
    def coordinates(self) -> bool:
        return self.role == COORDINATOR

    @property
    def network_id(self) -> int:
        assert self.network.id is not None
        return self.network.id


def network_or_404(slug: str, *, coordinate: bool = False) -> NetworkAccess:
    """The network with this slug as the current user may see it (one statement);
    404 for a network the user may not see, and for a coordinator's page (`coordinate`)
    when the user is no nätverkssamordnare."""
    if not current_user.is_authenticated or len(slug) > 40:
        abort(404)
    org = g.get("org")
    org_id = org.id if org is not None and g.get("role") in ORG_READERS else -1
    row = (
        db.session()
        .exec(
            select(Network, NetworkRole.role, NetworkOrg.id)
            .outerjoin(
                NetworkRole,
                and_(
                    col(NetworkRole.network_id) == Network.id,
                    col(NetworkRole.user_id) == current_user.id,
                ),
            )
            .outerjoin(
                NetworkOrg,
                and_(
                    col(NetworkOrg.network_id) == Network.id,
                    col(NetworkOrg.org_id) == org_id,
                    col(NetworkOrg.status) == "medlem",
                ),
            )
            .where(Network.slug == slug.lower())
        )
        .first()
    )
    if row is None:
        abort(404)
    network, role, member_id = row
    access = NetworkAccess(network, role, member_id is not None)
    if access.role is None and not access.via_org:
        abort(404)
    if coordinate and not access.coordinates:
        abort(404)
    g.network_access = access
    return access


def network_role_or_404(slug: str, *, coordinate: bool = False) -> NetworkAccess:
    """As `network_or_404`, for the pages of the people with a network role only (the
    forums, the compiled report): a worker of a member organisation, who may read the
    register, gets a 404 here."""
    access = network_or_404(slug, coordinate=coordinate)
    if access.role is None:
        abort(404)
    return access


def in_network(model: type[SQLModel], access: NetworkAccess) -> Any:
    """The WHERE clause that keeps a network-owned `model` to this network."""
    return model.network_id == access.network_id  # type: ignore[attr-defined]


def get_in_network_or_404(model: type[M], object_id: Any, access: NetworkAccess) -> M:
    """The network's `model` with this id; 404 for another network's or a missing one."""
    pk = to_int(object_id)
    if pk is None or pk < 0:
        abort(404)
    obj = (
        db.session()
        .exec(select(model).where(in_network(model, access), model.id == pk))  # type: ignore[attr-defined]
        .first()
    )
    if obj is None:
        abort(404)
    return obj


def my_networks(*, complete: bool = False) -> list[tuple[Network, str | None]]:
    """The networks the user sees – by a network role (with the role), or through the
    current organisation (role None) – in one statement kept for the request: the
    navigation asks on every page, the fault page's box after it (`org_network_ids`)."""
    if "my_networks" in g and not complete:
        return list(g.my_networks)
    found: list[tuple[Network, str | None]] = []
    via_org: set[int] = set()
    org = g.get("org")
    # A user working in an organisation that is in no network asks nothing: the pages of
    # organisations keep their statement budgets (a network role is reached at /networks/
    # or by switching to a member organisation); `complete` asks anyway (the list page).
    if current_user.is_authenticated and (complete or org is None or org.network_count > 0):
        org_id = org.id if org is not None and g.get("role") in ORG_READERS else -1
        by_role = select(NetworkRole.network_id).where(NetworkRole.user_id == current_user.id)
        by_org = select(NetworkOrg.network_id).where(
            NetworkOrg.org_id == org_id, NetworkOrg.status == "medlem"
        )
        try:
            rows = (
                db.session()
                .exec(
                    select(Network, NetworkRole.role, col(Network.id).in_(by_org))
                    .outerjoin(
                        NetworkRole,
                        and_(
                            col(NetworkRole.network_id) == Network.id,
                            col(NetworkRole.user_id) == current_user.id,
                        ),
                    )
                    .where(col(Network.id).in_(by_role) | col(Network.id).in_(by_org))
                    .order_by(Network.name)
                )
                .all()
            )
        except SQLAlchemyError:  # an error page after a failed statement: no link then
            rows = []
        found = [(n, r) for n, r, _o in rows]
        via_org = {n.id for n, _r, o in rows if o and n.id is not None}
    g.my_networks = found
    g.my_org_networks = via_org
    return found


def org_network_ids() -> set[int]:
    """The networks the current organisation is a member of (when the user works in it)."""
    my_networks()
    return set(g.my_org_networks)
