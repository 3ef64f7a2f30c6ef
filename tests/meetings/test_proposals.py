"""An ombud proposes an escalation; the samordnare sees it on the home page (with a count
in the navigation) and approves or declines it with a reason the proposer sees."""

from __future__ import annotations

from sqlmodel import select

from tests.conftest import do_login, post
from tests.meetings.test_loop import make_forum
from tracker.audit import AuditEntry
from tracker.faults.models import Fault
from tracker.meetings.models import Escalation

PNR = "811228-9874"


def propose(app, make, forum_id, title="Återkrav"):
    ombud = make.user("ombud")
    c = app.test_client()
    do_login(c, ombud.email)
    fault = make.fault(title=title)
    resp = post(c, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Lyft det"})
    assert resp.status_code == 302
    return c, fault


def test_pending_proposals_on_home_with_count(app, client, login, make, session):
    login("samordnare")
    forum_id = make_forum(client)
    home = client.get("/").get_data(as_text=True)
    assert "Förslag att eskalera" in home and "Inga förslag väntar" in home
    assert "förslag att eskalera</span>" not in home  # no badge without proposals
    _c, a = propose(app, make, forum_id, "Fel A")
    _c, b = propose(app, make, forum_id, "Fel B")
    home = client.get("/").get_data(as_text=True)
    section = home.split('id="h-proposals"')[1].split("</section>")[0]
    assert '<span class="badge">2</span>' in section
    assert f"{a.ref} Fel A" in section and f"{b.ref} Fel B" in section
    # the count also in the navigation, on every page
    nav = client.get("/forums/").get_data(as_text=True).split("</nav>")[0]
    assert '2<span class="sr-only"> förslag att eskalera</span>' in nav
    # approve from the home page: back to it
    esc_a = session.exec(select(Escalation).where(Escalation.fault_id == a.id)).one()
    resp = post(client, f"/escalations/{esc_a.id}/accept", {"next": "home"}, form_url="/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/")
    assert "#h-proposals" in resp.headers["Location"]
    nav = client.get("/forums/").get_data(as_text=True).split("</nav>")[0]
    assert '1<span class="sr-only"> förslag att eskalera</span>' in nav
    # other roles see no such block
    ombud_client, _f = propose(app, make, forum_id, "Fel C")
    assert "h-proposals" not in ombud_client.get("/").get_data(as_text=True)


def test_decline_with_reason_shown_to_the_proposer(app, client, login, make, session):
    login("samordnare")
    forum_id = make_forum(client)
    ombud_client, fault = propose(app, make, forum_id)
    esc = session.exec(select(Escalation)).one()
    url = f"/escalations/{esc.id}/decline"
    # only a samordnare declines
    assert ombud_client.get(url).status_code == 403
    assert post(ombud_client, url, {"reason": "x"}, form_url="/").status_code == 403
    page = client.get(url)
    assert page.status_code == 200 and "Lyft det" in page.get_data(as_text=True)
    resp = post(client, url, {"reason": ""})
    assert resp.status_code == 400 and "Skriv ett skäl" in resp.get_data(as_text=True)
    resp = post(client, url, {"reason": f"Gäller klient {PNR}"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and f"ett personnummer: ”{PNR}”" in html
    resp = post(client, url, {"reason": "Frågan hör till nätverket, inte ledningsgruppen."})
    assert resp.status_code == 302
    session.expire_all()
    esc = session.get(Escalation, esc.id)
    assert esc.status == "avbojd" and esc.decline_reason.startswith("Frågan hör till")
    assert esc.closed_at is not None
    assert session.get(Fault, fault.id).status == "ny"  # a proposal never changed it
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "escalation.declined")).one()
    assert (entry.object_type, entry.object_id) == ("escalation", esc.id)
    # the proposer sees the outcome on the fault page
    thread = ombud_client.get(f"/faults/{fault.ref}").get_data(as_text=True)
    assert "Avböjd" in thread.split('id="h-thread"')[1]
    assert "Frågan hör till nätverket" in thread.split('id="h-thread"')[1]
    # gone from the queue and the home page; declining twice is refused
    assert "Lyft det" not in client.get(f"/forums/{forum_id}").get_data(as_text=True)
    assert "Inga förslag väntar" in client.get("/").get_data(as_text=True)
    assert post(client, url, {"reason": "Igen"}, form_url=f"/forums/{forum_id}").status_code == 409
    # the same fault may be proposed again
    resp = post(
        ombud_client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Nytt försök"}
    )
    assert resp.status_code == 302


def test_decline_from_home_returns_home(app, client, login, make, session):
    login("samordnare")
    forum_id = make_forum(client)
    propose(app, make, forum_id)
    esc = session.exec(select(Escalation)).one()
    url = f"/escalations/{esc.id}/decline?next=home"
    assert 'name="next" value="home"' in client.get(url).get_data(as_text=True)
    resp = post(client, f"/escalations/{esc.id}/decline", {"reason": "Inte nu", "next": "home"})
    assert resp.status_code == 302 and "#h-proposals" in resp.headers["Location"]


def test_other_organisations_proposal_is_404(app, client, login, make, session):
    login("samordnare", "soderort")
    other_boss = make.user("samordnare", "nacka")
    c = app.test_client()
    do_login(c, other_boss.email)
    forum_id = make_forum(c, "Nackas LG")
    ombud = make.user("ombud", "nacka")
    oc = app.test_client()
    do_login(oc, ombud.email)
    fault = make.fault(org="nacka", title="Nacka")
    post(oc, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Lyft"})
    esc = session.exec(select(Escalation)).one()
    assert client.get(f"/escalations/{esc.id}/decline").status_code == 404
    assert "Nacka" not in client.get("/").get_data(as_text=True).split("</nav>")[1]
