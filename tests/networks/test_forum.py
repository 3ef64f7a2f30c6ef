"""The network forum: forums, escalating a network fault, the agenda built from the
escalations, minutes (final = read-only), action items followed up until done, the
digest before a meeting, the decisions in a member's own fault box, and who may see it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from tests.conftest import csrf_token, do_login, post
from tests.networks.conftest import engine_session
from tracker import db
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.networks import forum_digest, services
from tracker.networks.models import (
    Network,
    NetworkActionItem,
    NetworkAgendaItem,
    NetworkEscalation,
    NetworkForum,
    NetworkMeeting,
)
from tracker.timeutil import utcnow

BASE = "/networks/stockholm"


def _linked(app, make, escalate, network, title):
    a = make.fault(title=title)
    b = make.fault(org="nacka", title=title + " också")
    escalate(a)
    escalate(b)
    with engine_session(app) as s:
        nf = services.link(
            s,
            network=s.get(Network, network.id),
            a=s.get(Fault, a.id),
            b=s.get(Fault, b.id),
            actor_id=None,
        )
        s.commit()
        return a, nf.id


@pytest.fixture
def setup(app, client, make, network, escalate, coordinator):
    """A coordinator (logged in) with a forum and two network faults, not yet escalated."""
    user = coordinator(client)
    r = post(client, f"{BASE}/forums/", {"name": "Samverkansforum", "kind": "samverkansforum"})
    assert r.status_code == 302
    with engine_session(app) as s:
        forum = s.exec(select(NetworkForum)).one()
    one = _linked(app, make, escalate, network, "Telefontider")
    two = _linked(app, make, escalate, network, "Handläggare saknas")
    return {"user": user, "forum": forum, "one": one, "two": two}


def _escalate(client, fault_id, forum_id, ask="Vi vill ha en direktlinje."):
    url = f"{BASE}/faults/{fault_id}/escalate"
    return post(client, url, {"forum_id": forum_id, "ask": ask})


def _plan(client, forum_id, day):
    url = f"{BASE}/forums/{forum_id}/meetings"
    r = post(
        client,
        url,
        {"day": day.isoformat(), "time": "13:00", "place": "Stadshuset"},
        form_url=f"{BASE}/forums/{forum_id}",
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _items(session, meeting_id):
    session.expire_all()
    return session.exec(
        select(NetworkAgendaItem)
        .where(NetworkAgendaItem.meeting_id == meeting_id)
        .order_by(col(NetworkAgendaItem.section).desc(), col(NetworkAgendaItem.position))
    ).all()


def _post_prefixed(client, url, prefix, data, form_url):
    token = csrf_token(client, form_url)
    payload = {f"{prefix}-{k}": v for k, v in data.items()}
    payload[f"{prefix}-csrf_token"] = token
    return client.post(url, data=payload)


def _minutes(client, meeting_id, item_id, **data):
    page = f"{BASE}/meetings/{meeting_id}"
    return _post_prefixed(client, f"{page}/items/{item_id}", f"i{item_id}", data, page)


def _step(client, meeting_id, step):
    page = f"{BASE}/meetings/{meeting_id}"
    return post(client, f"{page}/{step}", {}, form_url=page)


def _past(days):
    return date.today() - timedelta(days=days)


def test_agenda_minutes_follow_up_and_actions(app, client, session, setup):
    forum = setup["forum"]
    (a, nf1), (b, nf2) = setup["one"], setup["two"]
    fault_page = client.get(f"{BASE}/faults/{a.id}").get_data(as_text=True)
    assert "Eskalera till nätverksforum" in fault_page
    assert _escalate(client, a.id, forum.id).status_code == 302
    again = _escalate(client, a.id, forum.id)
    assert again.status_code == 400 and "redan eskalerat" in again.get_data(as_text=True)
    m1 = _plan(client, forum.id, _past(14))
    items = _items(session, m1)
    assert [(i.section, i.network_fault_id) for i in items] == [("nytt", nf1)]
    page = client.get(f"{BASE}/meetings/{m1}").get_data(as_text=True)
    assert "Telefontider" in page and "Vi vill ha en direktlinje." in page
    assert "Sett i 2 av 2 verksamheter" in page
    item = items[0]
    r = _minutes(
        client,
        m1,
        item.id,
        discussion="Alla ser det.",
        decision="Staden utreder en direktlinje.",
        responsible="Socialförvaltningen",
        outcome="foljs_upp",
    )
    assert r.status_code == 302
    r = _post_prefixed(
        client,
        f"{BASE}/meetings/{m1}/items/{item.id}/actions",
        f"a{item.id}",
        {"title": "Ta fram förslag", "owner": "Staden", "due_on": "2030-01-01"},
        f"{BASE}/meetings/{m1}",
    )
    assert r.status_code == 302
    assert _step(client, m1, "finalise").status_code == 400  # not held yet
    assert _step(client, m1, "held").status_code == 302
    assert _step(client, m1, "finalise").status_code == 302
    # read-only after
    page = client.get(f"{BASE}/meetings/{m1}").get_data(as_text=True)
    assert "Staden utreder en direktlinje." in page and "Spara protokollet" not in page
    r = _post_prefixed(
        client,
        f"{BASE}/meetings/{m1}/items/{item.id}",
        f"i{item.id}",
        {"decision": "Ändrat"},
        f"{BASE}/meetings/{m1}",
    )
    assert r.status_code == 400
    session.expire_all()
    assert session.get(NetworkAgendaItem, item.id).decision == "Staden utreder en direktlinje."

    # the next meeting: the open item is followed up, a new escalation is new
    assert _escalate(client, b.id, forum.id, ask="Redovisa stödet.").status_code == 302
    m2 = _plan(client, forum.id, _past(1))
    assert [(i.section, i.network_fault_id) for i in _items(session, m2)] == [
        ("uppfoljning", nf1),
        ("nytt", nf2),
    ]
    page = client.get(f"{BASE}/meetings/{m2}").get_data(as_text=True)
    follow = page[page.index('id="h-follow"') : page.index('id="h-new"')]
    assert "Åtgärder från tidigare möten" in follow and "Ta fram förslag" in follow
    # close the follow-up item at m2; the action stays until marked done
    i2 = _items(session, m2)
    assert _minutes(client, m2, i2[0].id, decision="Direktlinjen finns.", outcome="atgardat")
    assert _minutes(client, m2, i2[1].id, decision="Följs upp.", outcome="foljs_upp")
    _step(client, m2, "held")
    _step(client, m2, "finalise")
    m3 = _plan(client, forum.id, date.today() + timedelta(days=5))
    assert [(i.section, i.network_fault_id) for i in _items(session, m3)] == [("uppfoljning", nf2)]
    assert "Ta fram förslag" in client.get(f"{BASE}/meetings/{m3}").get_data(as_text=True)
    action = session.exec(select(NetworkActionItem)).one()
    r = post(
        client,
        f"{BASE}/actions/{action.id}/done",
        {"meeting": m3},
        form_url=f"{BASE}/meetings/{m3}",
    )
    assert r.status_code == 302
    assert "är klar" in client.get(f"{BASE}/meetings/{m3}").get_data(as_text=True)  # flash
    assert "Ta fram förslag" not in client.get(f"{BASE}/meetings/{m3}").get_data(as_text=True)
    # ... but the meetings that followed it up keep showing it
    assert "Ta fram förslag" in client.get(f"{BASE}/meetings/{m2}").get_data(as_text=True)
    session.expire_all()
    statuses = {e.network_fault_id: e.status for e in session.exec(select(NetworkEscalation))}
    assert statuses == {nf1: "stangd", nf2: "oppen"}
    md = client.get(f"{BASE}/meetings/{m3}/agenda.md")
    assert md.status_code == 200 and "Handläggare saknas" in md.get_data(as_text=True)


def test_decisions_reach_the_members_fault_page(app, client, session, make, setup):
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    item = _items(session, m1)[0]
    _minutes(client, m1, item.id, decision="Staden inför en direktlinje.", outcome="atgardat")
    ombud = make.user("ombud", "soderort")
    other = make.user("ombud", "nacka", email="ombud.nacka@example.se")
    worker = app.test_client()
    do_login(worker, ombud.email)
    html = worker.get(f"/faults/{a.ref}").get_data(as_text=True)
    assert "Staden inför en direktlinje." not in html  # not final yet
    _step(client, m1, "held")
    _step(client, m1, "finalise")
    html = worker.get(f"/faults/{a.ref}").get_data(as_text=True)
    assert "Beslut i nätverkets forum" in html and "Staden inför en direktlinje." in html
    assert "Samverkansforum" in html and "Avslutat – åtgärdat" in html
    # the other member's worker sees it on its own fault of the network fault
    theirs = app.test_client()
    do_login(theirs, other.email)
    nacka = session.exec(select(Fault).where(Fault.title == "Telefontider också")).one()
    assert "Staden inför en direktlinje." in theirs.get(f"/faults/{nacka.ref}").get_data(
        as_text=True
    )


def _routes(forum_id, meeting_id, item_id, action_id, fault_id):
    gets = [
        f"{BASE}/forums/",
        f"{BASE}/forums/{forum_id}",
        f"{BASE}/meetings/{meeting_id}",
        f"{BASE}/meetings/{meeting_id}/agenda.md",
        f"{BASE}/faults/{fault_id}/escalate",
    ]
    posts = [
        f"{BASE}/forums/",
        f"{BASE}/forums/{forum_id}/meetings",
        f"{BASE}/faults/{fault_id}/escalate",
        f"{BASE}/meetings/{meeting_id}/items/{item_id}",
        f"{BASE}/meetings/{meeting_id}/items/{item_id}/actions",
        f"{BASE}/actions/{action_id}",
        f"{BASE}/actions/{action_id}/done",
        f"{BASE}/meetings/{meeting_id}/held",
        f"{BASE}/meetings/{meeting_id}/finalise",
        f"{BASE}/meetings/{meeting_id}/cancel",
    ]
    return gets, posts


def test_who_may_see_and_change_the_forum(app, client, session, make, network, setup):
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    item = _items(session, m1)[0]
    _post_prefixed(
        client,
        f"{BASE}/meetings/{m1}/items/{item.id}/actions",
        f"a{item.id}",
        {"title": "Något"},
        f"{BASE}/meetings/{m1}",
    )
    action = session.exec(select(NetworkActionItem)).one()
    gets, posts = _routes(forum.id, m1, item.id, action.id, a.id)

    # a nätverksledamot reads, but cannot change anything
    ledamot = make.user("ombud", None, email="ledamot@example.se")
    with engine_session(app) as s:
        services.set_role(
            s,
            network=s.get(Network, network.id),
            user_id=ledamot.id,
            role="natverksledamot",
            actor_id=None,
        )
        s.commit()
    client = app.test_client()
    do_login(client, ledamot.email)
    for url in gets[:4]:
        assert client.get(url).status_code == 200, url
    page = client.get(f"{BASE}/meetings/{m1}").get_data(as_text=True)
    assert "Spara protokollet" not in page and "Skapa forum" not in page
    assert client.get(gets[4]).status_code == 404
    token = csrf_token(client, f"{BASE}/forums/")
    for url in posts:
        assert client.post(url, data={"csrf_token": token}).status_code in (403, 404, 405), url

    # a worker of a member organisation without a network role: 404 everywhere
    client = app.test_client()
    do_login(client, make.user("samordnare", "soderort").email)
    assert client.get(f"{BASE}/").status_code == 200  # the register, through the org
    for url in gets:
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, f"{BASE}/")
    for url in posts:
        assert client.post(url, data={"csrf_token": token}).status_code in (404, 405), url
    session.expire_all()
    assert session.exec(select(func.count()).select_from(NetworkForum)).one() == 1
    assert session.get(NetworkActionItem, action.id).status == "oppen"
    assert session.get(NetworkMeeting, m1).status == "planerat"


def test_privacy_guard_refuses_a_personnummer_and_keeps_the_text(client, session, setup):
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    item = _items(session, m1)[0]
    typed = "Beslut om 19121212-1212 och mer text"
    r = _minutes(client, m1, item.id, decision=typed, discussion="Kvar här")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "19121212-1212" in html and "Kvar här" in html
    assert re.search(r'class="error"', html)
    session.expire_all()
    assert session.get(NetworkAgendaItem, item.id).decision == ""
    bad = _escalate(client, a.id, forum.id, ask="Gäller 19121212-1212")
    assert bad.status_code == 400 and "19121212-1212" in bad.get_data(as_text=True)
    empty = post(client, f"{BASE}/forums/", {"name": "", "kind": "annat"})
    assert empty.status_code == 400 and "Fyll i namn." in empty.get_data(as_text=True)
    odd = post(
        client,
        f"{BASE}/forums/{forum.id}/meetings",
        {"day": "i morgon", "time": "13", "place": "Här"},
        form_url=f"{BASE}/forums/{forum.id}",
    )
    assert odd.status_code == 400 and "Här" in odd.get_data(as_text=True)


def test_digest_is_queued_once_per_person_and_meeting(app, client, session, make, network, setup):
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m = _plan(client, forum.id, date.today() + timedelta(days=10))
    ledamot = make.user("ombud", None, email="ledamot@example.se")
    with engine_session(app) as s:
        services.set_role(
            s,
            network=s.get(Network, network.id),
            user_id=ledamot.id,
            role="natverksledamot",
            actor_id=None,
        )
        s.commit()
    meeting = session.get(NetworkMeeting, m)
    with app.app_context():
        s = db.session()
        assert forum_digest.queue_network_digests(s, now=utcnow()) == 0  # not due yet
        due = meeting.starts_at - timedelta(days=2)
        assert forum_digest.queue_network_digests(s, now=due) == 2
        assert forum_digest.queue_network_digests(s, now=due + timedelta(hours=1)) == 0
    session.expire_all()
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "network")).all()
    assert sorted(m.to_addr for m in mails) == sorted([setup["user"].email, ledamot.email])
    body = mails[0].text_body
    assert "Telefontider" in body and "Vi vill ha en direktlinje." in body
    assert "sett i 2 av 2 verksamheter" in body


def test_meeting_page_statement_budget(client, session, count_queries, setup):
    forum = setup["forum"]
    (a, _n1), (b, _n2) = setup["one"], setup["two"]
    _escalate(client, a.id, forum.id)
    _escalate(client, b.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    for item in _items(session, m1):
        _post_prefixed(
            client,
            f"{BASE}/meetings/{m1}/items/{item.id}/actions",
            f"a{item.id}",
            {"title": "Något"},
            f"{BASE}/meetings/{m1}",
        )
    for url in (f"{BASE}/meetings/{m1}", f"{BASE}/forums/", f"{BASE}/forums/{forum.id}"):
        count_queries.reset()
        assert client.get(url).status_code == 200
        assert count_queries.count <= 15, (url, count_queries.statements)


def test_the_demo_forum(app, client):
    from sqlmodel import Session

    from tracker.demo import DEMO_PASSWORD, load_demo

    with Session(app.extensions["db_engine"]) as s:
        load_demo(s)
        s.commit()
    with Session(app.extensions["db_engine"]) as s:
        forum = s.exec(select(NetworkForum)).one()
        assert forum.name == "Samverkansforum Stockholm"
        meetings = s.exec(select(NetworkMeeting).order_by(col(NetworkMeeting.starts_at))).all()
        assert [(m.status, m.minutes_final) for m in meetings] == [
            ("genomfort", True),
            ("planerat", False),
        ]
        sections = sorted(
            i.section
            for i in s.exec(
                select(NetworkAgendaItem).where(NetworkAgendaItem.meeting_id == meetings[1].id)
            )
        )
        assert sections == ["nytt", "uppfoljning"]
        assert s.exec(select(func.count()).select_from(NetworkActionItem)).one() == 1
    do_login(client, "natverk@demo.se", DEMO_PASSWORD)
    page = client.get(f"{BASE}/meetings/{meetings[1].id}").get_data(as_text=True)
    assert "Ta fram förslag på direktlinje" in page
    assert isinstance(meetings[0].starts_at, datetime)


def test_the_scheduler_tick_queues_the_digest_and_survives_a_failure(
    app, client, session, setup, monkeypatch, caplog
):
    from tracker import scheduler

    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    _plan(client, forum.id, date.today() + timedelta(days=2))
    scheduler._network_digests(app)
    scheduler._network_digests(app)
    n = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "network")
    assert session.exec(n).one() == 1  # the coordinator, once

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(forum_digest, "queue_network_digests", broken)
    scheduler._network_digests(app)  # logged, not raised
    assert "network digest run failed" in caplog.text


def test_minutes_keep_the_item_when_the_network_fault_ends(client, session, setup):
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    item = _items(session, m1)[0]
    _minutes(client, m1, item.id, decision="Utreds.", outcome="foljs_upp")
    r = post(
        client,
        f"{BASE}/faults/{a.id}/unlink",
        {},
        form_url=f"{BASE}/faults/{a.id}",
    )
    assert r.status_code == 302  # one fault left: the network fault ends
    session.expire_all()
    assert session.exec(select(func.count()).select_from(NetworkEscalation)).one() == 0
    page = client.get(f"{BASE}/meetings/{m1}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Telefontider" in html and "Utreds." in html
    assert "Delas inte längre i nätverket" in html
    assert _step(client, m1, "held").status_code == 302
    assert _step(client, m1, "finalise").status_code == 302


def test_approved_minutes_are_mailed_once_to_the_networks_people(app, client, session, setup):
    """As an organisation's forum: the approved minutes go to everyone with a role in the
    network, once – with the decisions, never a narrative."""
    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m1 = _plan(client, forum.id, _past(3))
    item = _items(session, m1)[0]
    _minutes(client, m1, item.id, decision="Staden inför en direktlinje.", outcome="atgardat")
    _step(client, m1, "held")
    minutes = select(OutboxMessage).where(col(OutboxMessage.dedup_key).startswith("network-min"))
    assert session.exec(minutes).all() == []  # nothing before the approval
    assert _step(client, m1, "finalise").status_code == 302
    assert _step(client, m1, "finalise").status_code == 400  # approved once
    session.expire_all()
    mails = session.exec(minutes).all()
    assert [m.to_addr for m in mails] == [setup["user"].email]
    assert "Staden inför en direktlinje." in mails[0].text_body
    assert "Telefontider" in mails[0].text_body and "Protokoll" in mails[0].subject
    assert "Staden inför en direktlinje." in mails[0].html_body


def test_the_meeting_as_a_calendar_invitation(app, client, session, make, network, setup):
    """The .ics – read by two parsers – and attached to the agenda e-mail."""
    import icalendar
    import vobject

    forum = setup["forum"]
    a, _nf = setup["one"]
    _escalate(client, a.id, forum.id)
    m = _plan(client, forum.id, date.today() + timedelta(days=10))
    page = client.get(f"{BASE}/meetings/{m}").get_data(as_text=True)
    assert f"{BASE}/meetings/{m}.ics" in page
    resp = client.get(f"{BASE}/meetings/{m}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(resp.data).walk("VEVENT")
    meeting = session.get(NetworkMeeting, m)
    assert event.decoded("dtstart") == meeting.starts_at
    assert "Samverkansforum" in str(event["summary"]) and "Telefontider" in str(
        event["description"]
    )
    assert str(event["attendee"]).lower() == f"mailto:{setup['user'].email}"
    other = vobject.readOne(resp.data.decode())
    assert other.vevent.uid.value == str(event["uid"])
    # the agenda e-mail carries it
    with app.app_context():
        assert forum_digest.queue_network_digests(
            db.session(), now=meeting.starts_at - timedelta(days=2)
        )
    session.expire_all()
    (mail,) = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "network")).all()
    assert [att["filename"] for att in mail.attachments] == [f"mote-{m}.ics"]
    # a member organisation's worker without a network role: not there
    worker = app.test_client()
    do_login(worker, make.user("samordnare", "soderort").email)
    assert worker.get(f"{BASE}/meetings/{m}.ics").status_code == 404


def test_agenda_items_are_reordered_before_the_meeting(app, client, session, make, setup):
    forum = setup["forum"]
    (a, _one), (b, _two) = setup["one"], setup["two"]
    _escalate(client, a.id, forum.id)
    _escalate(client, b.id, forum.id)
    m = _plan(client, forum.id, date.today() + timedelta(days=10))
    first, second = _items(session, m)
    page = client.get(f"{BASE}/meetings/{m}").get_data(as_text=True)
    assert page.index(first.title) < page.index(second.title)
    url = f"{BASE}/meetings/{m}/items/{second.id}/move"
    resp = post(client, url, {"dir": "up"}, form_url=f"{BASE}/meetings/{m}")
    assert resp.status_code == 302
    page = client.get(f"{BASE}/meetings/{m}").get_data(as_text=True)
    assert page.index(second.title) < page.index(first.title)
    assert (
        post(client, url, {"dir": "sideways"}, form_url=f"{BASE}/meetings/{m}").status_code == 400
    )
    # a reader cannot, and after the meeting nobody can
    reader = app.test_client()
    ledamot = make.user("ombud", None, email="ledamot.move@example.se")
    with engine_session(app) as s:
        services.set_role(
            s,
            network=s.get(Network, ledamot_network(app)),
            user_id=ledamot.id,
            role="natverksledamot",
            actor_id=None,
        )
        s.commit()
    do_login(reader, ledamot.email)
    assert post(reader, url, {"dir": "down"}, form_url=f"{BASE}/").status_code == 404
    _step(client, m, "held")
    assert post(client, url, {"dir": "down"}, form_url=f"{BASE}/meetings/{m}").status_code == 400


def ledamot_network(app) -> int:
    with engine_session(app) as s:
        return s.exec(select(Network.id)).one()
