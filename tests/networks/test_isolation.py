"""Isolation: a network role never reaches an organisation's own pages or narratives; an
organisation that is not a member (or not yet) never reaches the network; a network's
people never reach another network; leaving stops sharing at once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import csrf_token, do_login, post
from tracker.networks import services
from tracker.networks.models import Network, NetworkFaultLink

from .conftest import engine_session, member_row


def network_rules(app):
    """Every network route, its path built with real ids, and its methods."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/networks/") and "<slug>" in rule.rule
    ]


def build(rule, ids):
    return rule.build({a: ids.get(a, "1") for a in rule.arguments})[1]


@pytest.fixture
def shared_pair(app, make, network, escalate):
    a = make.fault(title="Kö till handläggare", narrative="HEMLIG-IAKTTAGELSE", occurrences=1)
    b = make.fault(org="nacka", title="Kö till handläggare hos FK")
    escalate(a)
    escalate(b)
    with engine_session(app) as s:
        from tracker.faults.models import Fault

        services.link(
            s,
            network=s.get(Network, network.id),
            a=s.get(Fault, a.id),
            b=s.get(Fault, b.id),
            actor_id=None,
        )
        s.commit()
    return a, b


def test_a_network_role_never_reaches_an_organisations_pages(app, client, coordinator, shared_pair):
    a, _b = shared_pair
    coordinator(client)
    with engine_session(app) as s:
        from tracker.faults.models import Occurrence

        occ = s.exec(select(Occurrence).where(Occurrence.fault_id == a.id)).one()
    for url in (
        "/faults/",
        f"/faults/{a.ref}",
        f"/occurrences/{occ.id}/edit",
        "/log",
        "/admin/users",
        "/admin/networks/",
        "/admin/networks/sharing",
        "/reports/2026",
        "/forums/",
        "/faults/export.csv",
    ):
        resp = client.get(url)
        assert resp.status_code in (403, 404), (url, resp.status_code)
        assert "HEMLIG" not in resp.get_data(as_text=True)
    for url in ("/networks/stockholm/", f"/networks/stockholm/faults/{a.id}"):
        resp = client.get(url)
        assert resp.status_code == 200 and "HEMLIG" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("who", ["outsider", "invited", "ledamot", "other-network"])
def test_no_way_into_a_network_for_others(app, client, make, network, shared_pair, who):
    a, _b = shared_pair
    if who == "outsider":
        user = make.user("admin", "ekero")
    elif who == "invited":
        ekero = make.org("ekero")
        with engine_session(app) as s:
            services.invite_org(
                s, network=s.get(Network, network.id), org_id=ekero.id, actor_id=None
            )
            s.commit()
        user = make.user("admin", "ekero")
    elif who == "ledamot":
        user = make.user("ledamot", "soderort")
    else:
        user = make.user("natverk", org=None)
        with engine_session(app) as s:
            other = services.create_network(s, slug="goteborg", name="Göteborg", actor_id=None)
            services.set_role(
                s, network=other, user_id=user.id, role="natverkssamordnare", actor_id=None
            )
            s.commit()
    assert do_login(client, user.email).status_code == 302
    token = csrf_token(client, "/account/password")
    ids = {"slug": "stockholm", "fault_id": str(a.id), "row_id": "1", "role_id": "1"}
    checked = 0
    for rule in network_rules(app):
        url = build(rule, ids)
        if "GET" in rule.methods:
            assert client.get(url).status_code == 404, url
        if "POST" in rule.methods:
            data = {
                "csrf_token": token,
                "a": str(a.id),
                "b": str(_b.id),
                "org_id": "1",
                "email": user.email,
                "role": "natverkssamordnare",
            }
            assert client.post(url, data=data).status_code == 404, ("POST", url)
        checked += 1
    assert checked >= 9
    assert "/networks/stockholm" not in client.get("/").get_data(as_text=True)
    with engine_session(app) as s:
        assert len(s.exec(select(NetworkFaultLink)).all()) == 2  # nothing was changed


def test_an_invited_organisation_shares_nothing(app, make, network, escalate):
    ekero = make.org("ekero")
    f = make.fault(org="ekero", title="Ekerös fel")
    escalate(f)
    with engine_session(app) as s:
        from tracker.networks import sharing

        services.invite_org(s, network=s.get(Network, network.id), org_id=ekero.id, actor_id=None)
        s.commit()
        orgs = sharing.member_orgs(s, network.id)
        shared = {fid for fid, _o in s.exec(sharing.shared_select(network.id, orgs)).all()}
    assert f.id not in shared


def test_leaving_stops_sharing_at_once(app, client, make, coordinator, shared_pair, session):
    a, b = shared_pair
    coordinator(client)
    assert client.get(f"/networks/stockholm/faults/{a.id}").status_code == 200
    admin = make.user("admin", "soderort")
    other = app.test_client()
    do_login(other, admin.email)
    row = member_row(app, a.org_id)
    resp = post(other, f"/admin/networks/{row.id}/leave", form_url="/admin/networks/")
    assert resp.status_code == 302
    # the very next request of the coordinator no longer sees anything of Söderort
    assert client.get(f"/networks/stockholm/faults/{a.id}").status_code == 404
    html = client.get("/networks/stockholm/").get_data(as_text=True)
    assert "Kö till handläggare hos FK" in html and "PO Soderort" not in html
    assert session.exec(select(NetworkFaultLink)).all() == []  # the network fault is gone too
    # nor does its own fault page claim it is shared
    assert "Delas i nätverket" not in other.get(f"/faults/{a.ref}").get_data(as_text=True)
    # and Nacka's members no longer see Söderort's fault beside theirs
    nacka = make.user("ombud", "nacka")
    third = app.test_client()
    do_login(third, nacka.email)
    page = third.get(f"/faults/{b.ref}").get_data(as_text=True)
    assert "sett i 1 av 1 verksamheter" in page and "PO Soderort" not in page
