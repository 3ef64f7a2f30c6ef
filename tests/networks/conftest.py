"""A network `stockholm` whose members `soderort` and `nacka` have accepted, and helpers to
escalate a fault and to log in a nätverkssamordnare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tests.conftest import Factories, do_login
from tracker.accounts.models import User
from tracker.faults.models import Fault
from tracker.networks import services
from tracker.networks.models import Network, NetworkOrg


def engine_session(app: Flask) -> Session:
    return Session(app.extensions["db_engine"], expire_on_commit=False)


@pytest.fixture
def network(app: Flask, make: Factories) -> Network:
    orgs = [make.org("soderort"), make.org("nacka")]
    with engine_session(app) as s:
        net = services.create_network(s, slug="stockholm", name="Stockholms stad", actor_id=None)
        for org in orgs:
            row = services.invite_org(s, network=net, org_id=org.id or 0, actor_id=None)
            services.answer_invitation(s, row=row, accept=True, actor_id=None)
        s.commit()
        return net


@pytest.fixture
def escalate(app: Flask) -> Callable[[Fault], None]:
    def _escalate(fault: Fault) -> None:
        with engine_session(app) as s:
            f = s.get(Fault, fault.id)
            assert f is not None
            f.status = "eskalerad"
            s.add(f)
            s.commit()

    return _escalate


@pytest.fixture
def coordinator(app: Flask, make: Factories, network: Network) -> Callable[..., User]:
    """A person with a network role and no organisation, logged in on `client`."""

    def _make(client: FlaskClient, role: str = "natverkssamordnare", **kw: Any) -> User:
        user = make.user("natverk", org=None, **kw)
        with engine_session(app) as s:
            services.set_role(s, network=network, user_id=user.id or 0, role=role, actor_id=None)
            s.commit()
        assert do_login(client, user.email).status_code == 302
        return user

    return _make


def member_row(app: Flask, org_id: int) -> NetworkOrg:
    with engine_session(app) as s:
        return s.exec(select(NetworkOrg).where(NetworkOrg.org_id == org_id)).one()
