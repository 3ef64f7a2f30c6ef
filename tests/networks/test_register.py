"""The network register: filters, paging, statement budget; matching and linking into a
network fault; what members see on their own fault page."""

from __future__ import annotations

import re

from sqlmodel import select

from tests.conftest import do_login, post
from tracker.networks.models import NetworkFault, NetworkFaultLink


def shared_fault(make, escalate, **kw):
    f = make.fault(**kw)
    escalate(f)
    return f


def test_filters_and_paging(app, client, make, network, escalate, coordinator):
    shared_fault(make, escalate, title="Försäkringskassan svarar inte")
    shared_fault(make, escalate, org="nacka", title="Psykiatrin ställer in", authority="Psykiatri")
    shared_fault(make, escalate, org="nacka", title="Återkrav i efterhand")
    make.fault(title="Inte delat alls")
    coordinator(client)
    html = client.get("/networks/stockholm/").get_data(as_text=True)
    assert "3 rader" in html and "Inte delat alls" not in html
    by_auth = client.get("/networks/stockholm/?authority=psykiatri").get_data(as_text=True)
    assert "Psykiatrin ställer in" in by_auth and "Återkrav" not in by_auth
    shared_fault(make, escalate, title="Gode män", authority="Överförmyndare (god man, förvaltare)")
    chosen = client.get("/networks/stockholm/?authority=Överförmyndare (god man, förvaltare)")
    assert "1 rad" in chosen.get_data(as_text=True)
    by_text = client.get("/networks/stockholm/?q=återkrav").get_data(as_text=True)
    assert "1 rad" in by_text and "Återkrav i efterhand" in by_text
    by_org = client.get("/networks/stockholm/?org=soderort").get_data(as_text=True)
    assert "Försäkringskassan svarar inte" in by_org and "Psykiatrin" not in by_org
    none = client.get("/networks/stockholm/?status=atgardad").get_data(as_text=True)
    assert "Inga delade systemfel matchar filtret" in none
    odd = client.get("/networks/stockholm/?status=💥&page=-3&q=%25_")
    assert odd.status_code == 200
    app.config["PAGE_SIZE"] = 2
    try:
        first = client.get("/networks/stockholm/").get_data(as_text=True)
        second = client.get("/networks/stockholm/?page=2").get_data(as_text=True)
        beyond = client.get("/networks/stockholm/?page=9")
    finally:
        app.config["PAGE_SIZE"] = 50
    assert "Sida 1 av 2" in first and "Sida 2 av 2" in second  # 4 rows, 2 a page
    assert beyond.status_code == 200 and "4 rader" in beyond.get_data(as_text=True)


def test_register_and_fault_page_have_a_constant_statement_budget(
    app, client, make, network, escalate, coordinator, count_queries
):
    coordinator(client)

    def counts():
        out = []
        ids = re.findall(
            r"/networks/stockholm/faults/(\d+)",
            client.get("/networks/stockholm/").get_data(as_text=True),
        )
        for url in (
            "/networks/stockholm/",
            f"/networks/stockholm/faults/{ids[0]}",
            "/networks/stockholm/matching",
            "/networks/stockholm/admin",
        ):
            count_queries.reset()
            assert client.get(url).status_code == 200, url
            out.append(count_queries.count)
        return out

    for i in range(2):
        shared_fault(make, escalate, title=f"Fel {i}", occurrences=2)
    small = counts()
    for i in range(2, 12):
        shared_fault(
            make, escalate, org="nacka" if i % 2 else "soderort", title=f"Fel {i}", occurrences=3
        )
    large = counts()
    assert small == large, (small, large)
    assert max(large) <= 15, large


def test_matching_links_and_unlinks(app, client, make, network, escalate, coordinator, session):
    a = shared_fault(make, escalate, title="Långa handläggningstider för sjukpenning")
    b = shared_fault(
        make, escalate, org="nacka", title="Långa handläggningstider hos FK för sjukpenningen"
    )
    shared_fault(make, escalate, org="nacka", title="Helt annat ämne", authority="Psykiatri")
    coordinator(client)
    page = client.get("/networks/stockholm/matching").get_data(as_text=True)
    assert "Koppla till ett nätverksfel" in page and "Helt annat ämne" not in page
    resp = post(
        client,
        "/networks/stockholm/link",
        {"a": str(a.id), "b": str(b.id)},
        form_url="/networks/stockholm/matching",
    )
    assert resp.status_code == 302
    links = session.exec(select(NetworkFaultLink)).all()
    assert {link.fault_id for link in links} == {a.id, b.id}
    group = client.get(f"/networks/stockholm/faults/{a.id}").get_data(as_text=True)
    assert "Sett i 2 av 2 verksamheter" in group
    assert "Koppla till ett nätverksfel" not in client.get("/networks/stockholm/matching").get_data(
        as_text=True
    )
    again = post(
        client,
        "/networks/stockholm/link",
        {"a": str(a.id), "b": str(b.id)},
        form_url="/networks/stockholm/matching",
    )
    assert again.status_code == 400
    not_shared = make.fault(title="Ej delat")
    refused = post(
        client,
        "/networks/stockholm/link",
        {"a": str(a.id), "b": str(not_shared.id)},
        form_url="/networks/stockholm/matching",
    )
    assert refused.status_code == 400
    resp = post(
        client,
        f"/networks/stockholm/faults/{b.id}/unlink",
        form_url=f"/networks/stockholm/faults/{a.id}",
    )
    assert resp.status_code == 302
    session.expire_all()
    assert session.exec(select(NetworkFaultLink)).all() == []
    assert session.exec(select(NetworkFault)).all() == []


def test_members_see_who_else_shares_on_their_fault_page(app, client, make, network, escalate):
    from tracker.networks import services

    from .conftest import engine_session

    a = shared_fault(make, escalate, title="Telefontider")
    b = shared_fault(make, escalate, org="nacka", title="Telefontider hos försörjningsstöd")
    kept = make.fault(title="Bara vårt")
    with engine_session(app) as s:
        from tracker.faults.models import Fault
        from tracker.networks.models import Network

        services.link(
            s,
            network=s.get(Network, network.id),
            a=s.get(Fault, a.id),
            b=s.get(Fault, b.id),
            actor_id=None,
        )
        s.commit()
    user = make.user("ombud", "soderort")
    do_login(client, user.email)
    html = client.get(f"/faults/{a.ref}").get_data(as_text=True)
    assert "Delas i nätverket Stockholms stad" in html
    assert "sett i 2 av 2 verksamheter" in html and "PO Nacka" in html
    html = client.get(f"/faults/{kept.ref}").get_data(as_text=True)
    assert "Delas inte i nätverket Stockholms stad" in html
    # a member reads the register and the group, but not the coordinator's pages
    assert client.get("/networks/stockholm/").status_code == 200
    assert "Telefontider hos försörjningsstöd" in client.get(
        f"/networks/stockholm/faults/{a.id}"
    ).get_data(as_text=True)
    assert client.get("/networks/stockholm/matching").status_code == 404


def test_coordinator_links_by_hand_from_the_fault_page(
    app, client, make, network, escalate, coordinator, session
):
    a = shared_fault(
        make, escalate, title="Boendestödet är otydligt", authority="Socialpsykiatri/boendestöd"
    )
    b = shared_fault(
        make, escalate, org="nacka", title="Insatsen oklar", authority="Biståndsbedömning/LSS"
    )
    coordinator(client)
    page = client.get(f"/networks/stockholm/faults/{a.id}").get_data(as_text=True)
    assert f'<option value="{b.id}">' in page
    resp = post(
        client,
        "/networks/stockholm/link",
        {"a": str(a.id), "b": str(b.id)},
        form_url=f"/networks/stockholm/faults/{a.id}",
    )
    assert resp.status_code == 302
    assert {link.fault_id for link in session.exec(select(NetworkFaultLink)).all()} == {a.id, b.id}
    page = client.get(f"/networks/stockholm/faults/{a.id}").get_data(as_text=True)
    assert "Sett i 2 av 2 verksamheter" in page and "Inga andra verksamheter" in page


def test_a_pair_judged_not_the_same_is_not_suggested_again(
    app, client, make, network, escalate, coordinator, session
):
    a = shared_fault(make, escalate, title="Långa handläggningstider för sjukpenning")
    b = shared_fault(
        make, escalate, org="nacka", title="Långa handläggningstider hos FK för sjukpenningen"
    )
    coordinator(client)
    assert "Inte samma systemfel" in client.get("/networks/stockholm/matching").get_data(
        as_text=True
    )
    resp = post(
        client,
        "/networks/stockholm/matching/dismiss",
        {"a": str(b.id), "b": str(a.id)},
        form_url="/networks/stockholm/matching",
    )
    assert resp.status_code == 302
    page = client.get("/networks/stockholm/matching").get_data(as_text=True)
    assert "föreslås inte som samma igen" in page and "Inte samma systemfel" not in page
    assert "Inga förslag just nu." in page
    assert session.exec(select(NetworkFaultLink)).all() == []  # nothing linked
    not_shared = make.fault(title="Ej delat")
    refused = post(
        client,
        "/networks/stockholm/matching/dismiss",
        {"a": str(a.id), "b": str(not_shared.id)},
        form_url="/networks/stockholm/matching",
    )
    assert refused.status_code == 400
    # a member organisation's worker has no network role: the route is not there
    worker = app.test_client()
    do_login(worker, make.user("samordnare", "soderort").email)
    assert (
        post(
            worker,
            "/networks/stockholm/matching/dismiss",
            {"a": str(a.id), "b": str(b.id)},
            form_url="/",
        ).status_code
        == 404
    )
