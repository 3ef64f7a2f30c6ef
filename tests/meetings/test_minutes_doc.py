"""The minutes as one document: one form and one save for every item, optimistic locking
across the document (a stale save shows both versions and keeps the typed text), the
autosaved draft, and what happens when the meeting is locked meanwhile."""

from __future__ import annotations

import re

from sqlmodel import select

from tests.conftest import csrf_token, do_login, post
from tests.meetings.test_loop import finalise, held, items, make_forum, plan
from tracker.audit import AuditEntry
from tracker.meetings.models import AgendaItem, MinutesDraft

PNR = "811228-9874"


def two_items(client, make, session):
    """A planned meeting with two escalated faults under "Nya ärenden"."""
    forum_id = make_forum(client)
    for title in ("Läkarbrist i psykiatrin", "Långa handläggningstider"):
        fault = make.fault(title=title, authority="Psykiatri", occurrences=2)
        post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Redovisa"})
    m1 = plan(client, forum_id)
    a, b = items(session, m1, "nytt")
    return m1, a, b


def editor(client, m1):
    resp = client.get(f"/meetings/{m1}/minutes/edit")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def base_of(html, item_id):
    found = re.search(
        rf'id="i{item_id}-base" name="i{item_id}-base" type="hidden" value="(\w*)"', html
    )
    assert found, html
    return found.group(1)


def fields(item, base, decision="", outcome="foljs_upp", discussion=""):
    p = f"i{item.id}"
    return {
        f"{p}-base": base,
        f"{p}-discussion": discussion,
        f"{p}-decision": decision,
        f"{p}-responsible": "",
        f"{p}-responsible_contact_id": "0",
        f"{p}-outcome": outcome,
        f"{p}-forward_forum_id": "0",
        f"{p}-due_on": "",
    }


def save(client, m1, data):
    url = f"/meetings/{m1}/minutes/edit"
    token = csrf_token(client, f"/meetings/{m1}")
    return client.post(url, data={**data, "csrf_token": token})


def stored(session, item):
    session.expire_all()
    return session.get(AgendaItem, item.id)


def test_one_save_writes_every_item(client, login, make, session):
    login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)
    assert html.count("<details") == 2 and "Spara minnesanteckningarna" in html
    data = fields(a, base_of(html, a.id), "Psykiatrin återkommer", discussion="Lång väntan")
    data |= fields(b, base_of(html, b.id), "FK svarar skriftligt", outcome="atgardat")
    resp = save(client, m1, data)
    assert resp.status_code == 302
    assert "2 ärenden ändrade" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert stored(session, a).decision == "Psykiatrin återkommer"
    assert stored(session, a).discussion == "Lång väntan"
    assert stored(session, b).outcome == "atgardat"
    # the meeting page shows the minutes read-only, with the way to the editor
    page = client.get(f"/meetings/{m1}").get_data(as_text=True)
    assert "FK svarar skriftligt" in page and "Skriv minnesanteckningar" in page
    assert "Spara anteckning" not in page
    # saving the same text again writes nothing (no audit entry per unchanged item)
    before = len(session.exec(select(AuditEntry)).all())
    html = editor(client, m1)
    again = fields(a, base_of(html, a.id), "Psykiatrin återkommer", discussion="Lång väntan")
    assert save(client, m1, again).status_code == 302
    assert len(session.exec(select(AuditEntry)).all()) == before


def test_a_stale_save_shows_both_versions_and_keeps_the_typed_text(client, login, make, session):
    login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)  # the first tab
    base_a, base_b = base_of(html, a.id), base_of(html, b.id)
    # a second tab saves item A
    other = fields(a, base_a, "Beslut från den andra fliken")
    assert save(client, m1, other).status_code == 302
    # the first tab, still on the old version, changes A and B
    mine = fields(a, base_a, "Mitt beslut") | fields(b, base_b, "Mitt beslut om B")
    resp = save(client, m1, mine)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Någon annan har ändrat minnesanteckningarna" in page
    assert "Beslut från den andra fliken" in page  # their version, shown
    assert "\nMitt beslut</textarea>" in page and "\nMitt beslut om B</textarea>" in page
    assert stored(session, a).decision == "Beslut från den andra fliken"  # nothing saved
    assert stored(session, b).decision == ""
    # saving again from the page that showed both: mine wins, consciously
    again = fields(a, base_of(page, a.id), "Mitt beslut") | fields(
        b, base_of(page, b.id), "Mitt beslut om B"
    )
    assert save(client, m1, again).status_code == 302
    assert stored(session, a).decision == "Mitt beslut"
    assert stored(session, b).decision == "Mitt beslut om B"


def test_an_item_only_someone_else_changed_keeps_their_text(client, login, make, session):
    login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)
    base_a, base_b = base_of(html, a.id), base_of(html, b.id)
    assert save(client, m1, fields(b, base_b, "Deras beslut om B")).status_code == 302
    # this tab changed only A; its B fields still hold what it loaded
    resp = save(client, m1, fields(a, base_a, "Mitt beslut om A") | fields(b, base_b, "", ""))
    assert resp.status_code == 302
    assert stored(session, a).decision == "Mitt beslut om A"
    assert stored(session, b).decision == "Deras beslut om B"


def test_refused_text_keeps_everything_typed_and_links_to_the_field(client, login, make, session):
    login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)
    data = fields(a, base_of(html, a.id), f"Ring {PNR}") | fields(
        b, base_of(html, b.id), "Ett bra beslut"
    )
    resp = save(client, m1, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="error-summary"' in page and f'href="#i{a.id}-decision"' in page
    assert "personnummer" in page
    assert "\nEtt bra beslut</textarea>" in page  # the other item's text is kept too
    assert stored(session, b).decision == ""  # all or nothing


def test_forwarding_needs_a_forum(client, login, make, session):
    login("samordnare")
    m1, a, _b = two_items(client, make, session)
    html = editor(client, m1)
    resp = save(client, m1, fields(a, base_of(html, a.id), "Skickas vidare", "vidarebefordras"))
    assert resp.status_code == 400
    assert "Välj vilket forum" in resp.get_data(as_text=True)


def test_the_draft_is_kept_restored_and_dropped_on_save(client, login, make, session):
    user = login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)
    url = f"/meetings/{m1}/minutes/draft"
    token = csrf_token(client, f"/meetings/{m1}/minutes/edit")
    draft = fields(a, base_of(html, a.id), "Halvskrivet beslut")
    resp = client.post(url, data={**draft, "csrf_token": token})
    assert resp.status_code == 200 and resp.get_json()["ok"] is True
    assert "Utkastet sparat" in resp.get_json()["message"]
    assert stored(session, a).decision == ""  # a draft is not the minutes
    # identifiers are refused in drafts too, and the refusal says why
    bad = client.post(url, data={**fields(a, "", f"Ring {PNR}"), "csrf_token": token})
    assert bad.status_code == 400 and "personnummer" in bad.get_json()["message"]
    # without a token: refused
    assert client.post(url, data=draft).status_code == 400
    # coming back: the draft is in the form
    page = editor(client, m1)
    assert "Ditt osparade utkast" in page and "\nHalvskrivet beslut</textarea>" in page
    # saving makes it the minutes and drops the draft
    assert save(client, m1, fields(a, base_of(page, a.id), "Halvskrivet beslut")).status_code == 302
    assert stored(session, a).decision == "Halvskrivet beslut"
    session.expire_all()
    assert session.exec(select(MinutesDraft).where(MinutesDraft.user_id == user.id)).all() == []
    # a draft can also be thrown away
    client.post(url, data={**fields(b, "", "Skräp"), "csrf_token": token})
    resp = post(
        client, f"/meetings/{m1}/minutes/draft/discard", {}, form_url=f"/meetings/{m1}/minutes/edit"
    )
    assert resp.status_code == 302
    assert "Skräp" not in editor(client, m1)


def test_locked_meanwhile_shows_what_was_typed(client, login, make, session):
    login("samordnare")
    m1, a, b = two_items(client, make, session)
    html = editor(client, m1)
    data = fields(a, base_of(html, a.id), "Beslut A", "atgardat") | fields(
        b, base_of(html, b.id), "Beslut B", "atgardat"
    )
    assert save(client, m1, data).status_code == 302
    held(session, m1)
    assert finalise(client, session, m1).status_code == 302
    late = fields(a, "", "Sent skrivet beslut", "atgardat")
    resp = save(client, m1, late)
    assert resp.status_code == 409
    assert "Sent skrivet beslut" in resp.get_data(as_text=True)
    resp = client.get(f"/meetings/{m1}/minutes/edit")
    assert resp.status_code == 302  # back to the meeting, which says it is locked


def test_only_managers_write_minutes(app, client, login, make, session):
    login("samordnare")
    m1, _a, _b = two_items(client, make, session)
    ombud = app.test_client()
    assert do_login(ombud, make.user("ombud").email).status_code == 302
    assert ombud.get(f"/meetings/{m1}/minutes/edit").status_code == 403
    other = app.test_client()
    assert do_login(other, make.user("samordnare", org="norrort").email).status_code == 302
    assert other.get(f"/meetings/{m1}/minutes/edit").status_code == 404
