"""Creating a network, inviting organisations (never added silently), their admin's answer,
leaving, and the people with network roles."""

from __future__ import annotations

from sqlmodel import select

from tests.conftest import do_login, post
from tracker.audit import AuditEntry
from tracker.networks.models import Network, NetworkOrg, NetworkRole
from tracker.outbox import OutboxMessage

from .conftest import member_row


def test_cli_creates_the_network_and_invites_without_adding(app, runner, make, session):
    make.org("soderort")
    make.org("nacka")
    boss = make.user("admin", "soderort")
    result = runner.invoke(
        args=[
            "network",
            "create",
            "--slug",
            "stockholm",
            "--name",
            "Stockholms stad – personligt ombud",
            "--orgs",
            "soderort,nacka",
            "--coordinator",
            boss.email,
        ]
    )
    assert result.exit_code == 0, result.output
    net = session.exec(select(Network)).one()
    assert net.name == "Stockholms stad – personligt ombud"
    rows = session.exec(select(NetworkOrg)).all()
    assert {r.status for r in rows} == {"inbjuden"}  # nobody is a member before answering
    assert session.exec(select(NetworkRole)).one().role == "natverkssamordnare"
    again = runner.invoke(args=["network", "create", "--slug", "stockholm", "--name", "X"])
    assert again.exit_code != 0 and "finns redan" in again.output
    bad = runner.invoke(args=["network", "create", "--slug", "s", "--name", "X", "--orgs", "nope"])
    assert bad.exit_code != 0 and "Ingen verksamhet" in bad.output
    pnr = runner.invoke(
        args=["network", "create", "--slug", "pnr", "--name", "Nätverk 19121212-1212"]
    )
    assert pnr.exit_code != 0
    other = make.user("ombud", "nacka")
    added = runner.invoke(
        args=["network", "add-person", "--slug", "stockholm", "--email", other.email]
    )
    assert added.exit_code == 0, added.output
    roles = {r.user_id: r.role for r in session.exec(select(NetworkRole)).all()}
    assert roles[other.id] == "natverksledamot"


def test_the_org_admin_accepts_declines_and_leaves(app, client, login, make, session):
    org = make.org("soderort")
    runner = app.test_cli_runner()
    runner.invoke(
        args=["network", "create", "--slug", "stad", "--name", "Stad", "--orgs", "soderort"]
    )
    login("admin")
    page = client.get("/admin/networks/").get_data(as_text=True)
    assert "Stad" in page and "Tacka ja" in page
    row = member_row(app, org.id)
    resp = post(client, f"/admin/networks/{row.id}/accept", form_url="/admin/networks/")
    assert resp.status_code == 302
    assert member_row(app, org.id).status == "medlem"
    again = post(client, f"/admin/networks/{row.id}/accept", form_url="/admin/networks/")
    assert again.status_code == 400
    resp = post(client, f"/admin/networks/{row.id}/leave", form_url="/admin/networks/")
    assert resp.status_code == 302 and member_row(app, org.id).status == "lamnat"
    actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "network_org.joined" in actions and "network_org.left" in actions
    # invited again, then declined
    runner.invoke(
        args=["network", "create", "--slug", "stad2", "--name", "Stad 2", "--orgs", "soderort"]
    )
    row2 = session.exec(
        select(NetworkOrg).where(NetworkOrg.org_id == org.id, NetworkOrg.status == "inbjuden")
    ).one()
    resp = post(client, f"/admin/networks/{row2.id}/decline", form_url="/admin/networks/")
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(NetworkOrg, row2.id).status == "avbojd"


def test_only_the_orgs_own_admin_answers(app, client, login, make, network):
    nacka_row = member_row(app, make.org("nacka").id)
    login("admin", "soderort")
    # another organisation's row is a 404, whatever the action
    for action in ("accept", "decline", "leave"):
        resp = post(client, f"/admin/networks/{nacka_row.id}/{action}", form_url="/admin/networks/")
        assert resp.status_code == 404
    assert member_row(app, nacka_row.org_id).status == "medlem"


def test_only_admins_reach_the_orgs_network_pages(client, login, network):
    login("samordnare")
    assert client.get("/admin/networks/").status_code == 403
    assert client.get("/admin/networks/sharing").status_code == 403


def test_coordinator_invites_withdraws_and_gives_roles(app, client, make, coordinator, session):
    coordinator(client)
    make.org("ekero")
    page = client.get("/networks/stockholm/admin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bjud in en verksamhet" in html
    ekero = make.org("ekero")
    ekero_admin = make.user("admin", "ekero")
    resp = post(
        client,
        "/networks/stockholm/admin/invite",
        {"org_id": str(ekero.id)},
        form_url="/networks/stockholm/admin",
    )
    assert resp.status_code == 302
    row = session.exec(select(NetworkOrg).where(NetworkOrg.org_id == ekero.id)).one()
    assert row.status == "inbjuden"
    mail = session.exec(
        select(OutboxMessage).where(OutboxMessage.to_addr == ekero_admin.email)
    ).one()
    assert mail.subject == "Inbjudan till nätverket Stockholms stad"
    assert "/admin/networks/" in mail.text_body and mail.org_id == ekero.id
    # no choice: Swedish message, 400
    bad = post(
        client,
        "/networks/stockholm/admin/invite",
        {"org_id": "0"},
        form_url="/networks/stockholm/admin",
    )
    assert bad.status_code == 400 and "Välj en verksamhet" in bad.get_data(as_text=True)
    resp = post(
        client,
        f"/networks/stockholm/admin/orgs/{row.id}/withdraw",
        form_url="/networks/stockholm/admin",
    )
    assert resp.status_code == 302
    assert session.exec(select(NetworkOrg).where(NetworkOrg.org_id == ekero.id)).first() is None

    # a person of a member organisation gets a role; anyone else is refused in the same words
    member = make.user("ombud", "nacka")
    outsider = make.user("ombud", "ekero")
    resp = post(
        client,
        "/networks/stockholm/admin/people",
        {"email": member.email, "role": "natverksledamot"},
        form_url="/networks/stockholm/admin",
    )
    assert resp.status_code == 302
    for email in (outsider.email, "finns.inte@example.se"):
        refused = post(
            client,
            "/networks/stockholm/admin/people",
            {"email": email, "role": "natverksledamot"},
            form_url="/networks/stockholm/admin",
        )
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400 and "tracker network add-person" in text
        assert f'value="{email}"' in text  # the form keeps what was typed
    roles = session.exec(select(NetworkRole)).all()
    assert {r.user_id for r in roles} >= {member.id}
    mine = next(r for r in roles if r.role == "natverkssamordnare")
    refused = post(
        client,
        f"/networks/stockholm/admin/people/{mine.id}/remove",
        form_url="/networks/stockholm/admin",
    )
    assert refused.status_code == 400  # the last nätverkssamordnare stays


def test_coordinator_pages_are_for_coordinators(client, coordinator, login):
    coordinator(client, role="natverksledamot")
    assert client.get("/networks/stockholm/").status_code == 200
    for url in ("/networks/stockholm/admin", "/networks/stockholm/matching"):
        assert client.get(url).status_code == 404


def test_network_nav_link_only_for_those_in_a_network(client, make, network):
    lonely = make.user("ombud", "ekero")
    do_login(client, lonely.email)
    assert "/networks/" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    member = make.user("ombud", "soderort")
    client2 = client.application.test_client()
    do_login(client2, member.email)
    assert 'href="/networks/"' in client2.get("/").get_data(as_text=True)


def test_a_role_holder_working_elsewhere_finds_the_network(app, client, make, network):
    from tracker.networks import services

    from .conftest import engine_session

    user = make.user("ombud", "ekero")  # Ekerö is in no network
    with engine_session(app) as s:
        services.set_role(
            s,
            network=s.get(Network, network.id),
            user_id=user.id,
            role="natverksledamot",
            actor_id=None,
        )
        s.commit()
    do_login(client, user.email)
    assert 'href="/networks/"' not in client.get("/").get_data(as_text=True)
    resp = client.get("/networks/")
    assert resp.status_code == 302 and resp.location.endswith("/networks/stockholm/")
    assert client.get("/networks/stockholm/").status_code == 200
