"""`tracker demo` creates the network `stockholm` with `soderort` and `nacka`, shared and
linked faults and a nätverkssamordnare – idempotently."""

from __future__ import annotations

from sqlmodel import Session, func, select

from tests.conftest import do_login
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.networks.models import FaultShare, Network, NetworkFault, NetworkFaultLink, NetworkOrg


def test_demo_network(app, client):
    for _ in range(2):
        with Session(app.extensions["db_engine"]) as s:
            load_demo(s)
            s.commit()
    with Session(app.extensions["db_engine"]) as s:
        net = s.exec(select(Network)).one()
        assert net.slug == "stockholm"
        assert {r.status for r in s.exec(select(NetworkOrg)).all()} == {"medlem"}
        assert len(s.exec(select(NetworkOrg)).all()) == 2
        assert s.exec(select(func.count()).select_from(NetworkFault)).one() == 2
        assert s.exec(select(func.count()).select_from(NetworkFaultLink)).one() == 4
        assert s.exec(select(func.count()).select_from(FaultShare)).one() >= 4
    assert do_login(client, "natverk@demo.se", DEMO_PASSWORD).status_code == 302
    html = client.get("/networks/stockholm/").get_data(as_text=True)
    assert "Sett i 2 av 2 verksamheter" in html
    assert client.get("/faults/").status_code == 403
