"""The ledningsgrupp's loop end to end, and what members may see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import vobject
from sqlmodel import select

from tests.conftest import do_login, post
from tracker.faults.models import Fault
from tracker.meetings.models import AgendaItem, Contact, Escalation, Forum, Meeting
from tracker.timeutil import STOCKHOLM


def make_forum(client, name="Ledningsgruppen", kind="ledningsgrupp"):
    resp = post(
        client,
        "/forums/new",
        {"name": name, "kind": kind, "lead_days": "7", "cadence_per_year": "4"},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def plan(client, forum_id, days_ahead=7, hour=9):
    when = datetime.now(STOCKHOLM) + timedelta(days=days_ahead)
    resp = post(
        client,
        f"/forums/{forum_id}/meetings/new",
        {"day": when.date().isoformat(), "time": f"{hour:02d}:00", "place": "Rum 3"},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def minute(client, item_id, meeting_id, outcome, decision="Beslut", **extra):
    data = {
        f"i{item_id}-decision": decision,
        f"i{item_id}-outcome": outcome,
        f"i{item_id}-discussion": "",
        f"i{item_id}-responsible": "FK:s representant",
    }
    data.update({f"i{item_id}-{k}": v for k, v in extra.items()})
    return post(
        client, f"/meetings/{meeting_id}/minutes/edit", data, form_url=f"/meetings/{meeting_id}"
    )


def held(session, meeting_id, hours_ago=1):
    """Move a planned meeting into the past: minutes are finalised after the meeting."""
    session.expire_all()
    meeting = session.get(Meeting, meeting_id)
    meeting.starts_at = datetime.now(UTC) - timedelta(hours=hours_ago)
    session.add(meeting)
    session.commit()


def finalise(client, session, meeting_id, confirm=True):
    held(session, meeting_id)
    url = f"/meetings/{meeting_id}/finalise"
    return post(client, url, {"confirm": "y"} if confirm else {}, form_url=url)


def items(session, meeting_id, section=None):
    q = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    if section:
        q = q.where(AgendaItem.section == section)
    session.expire_all()
    return list(session.exec(q.order_by(AgendaItem.position)).all())


def test_whole_loop_until_closed(client, login, make, session):
    login("samordnare")
    fault = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=4)
    forum_id = make_forum(client)
    # escalate from the fault page
    resp = post(
        client,
        f"/faults/{fault.ref}/escalate",
        {"forum_id": forum_id, "ask": "Att psykiatrin redovisar bemanningen."},
    )
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Fault, fault.id).status == "eskalerad"
    esc = session.exec(select(Escalation)).one()
    assert esc.status == "koad"
    # plan: the agenda is built without typing anything
    m1 = plan(client, forum_id)
    new = items(session, m1, "nytt")
    assert [i.title for i in new] == [f"{fault.ref} Läkarbrist"]
    assert items(session, m1, "statistik")
    page = client.get(f"/meetings/{m1}").get_data(as_text=True)
    assert "Att psykiatrin redovisar bemanningen." in page
    # minutes: follow up next meeting
    assert minute(client, new[0].id, m1, "foljs_upp", "Psykiatrin återkommer").status_code == 302
    # a second meeting is planned before the first is finalised
    m2 = plan(client, forum_id, days_ahead=60)
    assert items(session, m2, "uppfoljning") == []
    assert finalise(client, session, m1).status_code == 302
    follow = items(session, m2, "uppfoljning")
    assert [i.escalation_id for i in follow] == [esc.id]
    page = client.get(f"/meetings/{m2}").get_data(as_text=True)
    assert "Senaste beslut:" in page and "Psykiatrin återkommer" in page
    # closed at the second meeting
    assert minute(client, follow[0].id, m2, "atgardat", "Bemanningen är löst").status_code == 302
    finalise(client, session, m2)
    session.expire_all()
    esc = session.get(Escalation, esc.id)
    assert (esc.status, esc.outcome) == ("avslutad", "atgardat")
    # absent from the one after
    m3 = plan(client, forum_id, days_ahead=120)
    assert [i for i in items(session, m3) if i.escalation_id] == []
    # the fault's thread tells the story in order
    page = client.get(f"/faults/{fault.ref}").get_data(as_text=True)
    thread = page.split('id="h-thread"')[1].split("</section>")[0]
    assert thread.index("Psykiatrin återkommer") < thread.index("Bemanningen är löst")
    assert "Avslutat – åtgärdat" in thread


def test_finalise_is_blocked_by_items_without_outcome(client, login, make, session):
    login("samordnare")
    a, b = make.fault(title="Fel A"), make.fault(title="Fel B")
    forum_id = make_forum(client)
    for f in (a, b):
        post(client, f"/faults/{f.ref}/escalate", {"forum_id": forum_id, "ask": "Hjälp"})
    m1 = plan(client, forum_id)
    first = items(session, m1, "nytt")[0]
    minute(client, first.id, m1, "atgardat")
    resp = finalise(client, session, m1)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and f"{b.ref} Fel B" in html.split("saknar utfall")[1]
    session.expire_all()
    assert session.get(Meeting, m1).status == "planerat"


def test_locked_minutes_and_bad_input(client, login, make, session):
    login("samordnare")
    fault = make.fault()
    forum_id = make_forum(client)
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "x"})
    m1 = plan(client, forum_id)
    item = items(session, m1, "nytt")[0]
    minute(client, item.id, m1, "ingen_atgard")
    finalise(client, session, m1)
    resp = minute(client, item.id, m1, "atgardat", "Ändrat i efterhand")
    assert resp.status_code == 409 and "låst" in resp.get_data(as_text=True)
    assert "Ändrat i efterhand" in resp.get_data(as_text=True)  # what they typed is kept
    # planning in the past
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    resp = post(
        client,
        f"/forums/{forum_id}/meetings/new",
        {"day": yesterday, "time": "09:00", "place": "Kvar"},
    )
    assert resp.status_code == 400 and "förflutna" in resp.get_data(as_text=True)
    assert 'value="Kvar"' in resp.get_data(as_text=True)
    # escalating a dismissed fault
    gone = make.fault(title="Avskrivet")
    post(client, f"/faults/{gone.ref}/status", {"to": "avskriven"}, form_url=f"/faults/{gone.ref}")
    resp = post(client, f"/faults/{gone.ref}/escalate", {"forum_id": forum_id, "ask": "Kvar här"})
    assert resp.status_code == 400 and "avskrivet" in resp.get_data(as_text=True)
    assert "Kvar här" in resp.get_data(as_text=True)


def test_forwarding_creates_linked_escalation(client, login, make, session):
    login("samordnare")
    fault = make.fault(title="Motstridiga krav")
    lg = make_forum(client)
    sf = make_forum(client, "Samordningsförbundet", "samordningsforbund")
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": lg, "ask": "Lyft"})
    m1 = plan(client, lg)
    item = items(session, m1, "nytt")[0]
    assert (
        minute(
            client, item.id, m1, "vidarebefordras", "Till förbundet", forward_forum_id=str(sf)
        ).status_code
        == 302
    )
    finalise(client, session, m1)
    escs = session.exec(select(Escalation).order_by(Escalation.id)).all()
    assert [(e.forum_id, e.status) for e in escs] == [(lg, "avslutad"), (sf, "koad")]
    assert escs[1].forwarded_from_id == escs[0].id
    m2 = plan(client, sf)
    assert [i.escalation_id for i in items(session, m2, "nytt")] == [escs[1].id]
    thread = client.get(f"/faults/{fault.ref}").get_data(as_text=True).split('id="h-thread"')[1]
    assert "Ledningsgruppen" in thread and "Samordningsförbundet" in thread


def test_ombud_proposes_samordnare_accepts(app, client, login, make, session):
    login("ombud")
    fault = make.fault()
    forum = Forum(org_id=make.org().id, name="LG", kind="ledningsgrupp")
    session.add(forum)
    session.commit()
    resp = post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum.id, "ask": "Lyft"})
    assert resp.status_code == 302
    esc = session.exec(select(Escalation)).one()
    assert esc.status == "foreslagen"
    assert client.get(f"/forums/{forum.id}/meetings/new").status_code == 403
    boss = make.user("samordnare")
    c2 = app.test_client()
    do_login(c2, boss.email)
    assert (
        post(c2, f"/escalations/{esc.id}/accept", form_url=f"/forums/{forum.id}").status_code == 302
    )
    session.expire_all()
    assert session.get(Escalation, esc.id).status == "koad"
    assert session.get(Fault, fault.id).status == "eskalerad"


def test_reorder_add_and_back_to_queue(client, login, make, session):
    login("samordnare")
    a, b = make.fault(title="A"), make.fault(title="B")
    forum_id = make_forum(client)
    for f in (a, b):
        post(client, f"/faults/{f.ref}/escalate", {"forum_id": forum_id, "ask": "x"})
    m1 = plan(client, forum_id)
    first, second = items(session, m1, "nytt")
    post(client, f"/agenda-items/{second.id}/move", {"dir": "up"}, form_url=f"/meetings/{m1}")
    assert [i.id for i in items(session, m1, "nytt")] == [second.id, first.id]
    post(client, f"/meetings/{m1}/items", {"title": "Verksamhetsplan"}, form_url=f"/meetings/{m1}")
    assert [i.title for i in items(session, m1, "ovrigt")] == ["Verksamhetsplan"]
    first_id, first_esc = first.id, first.escalation_id
    post(client, f"/agenda-items/{first_id}/unqueue", form_url=f"/meetings/{m1}")
    assert [i.id for i in items(session, m1, "nytt")] == [second.id]
    assert session.get(Escalation, first_esc).status == "koad"


def test_ics_and_markdown(client, login, make, session):
    login("samordnare")
    fault = make.fault(title="Återkrav")
    forum_id = make_forum(client)
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Svar"})
    for name, email in [("Eva Ek", "eva@fk.example.se"), ("Utan Adress", "")]:
        contact = {"name": name, "email": email, "represents": "FK", "user_id": "0"}
        resp = post(client, f"/forums/{forum_id}/contacts", contact, form_url=f"/forums/{forum_id}")
        assert resp.status_code == 302, resp.get_data(as_text=True)
    m1 = plan(client, forum_id)
    resp = client.get(f"/meetings/{m1}.ics")
    assert resp.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(resp.data)
    ev = next(c for c in cal.walk("VEVENT"))
    uid, seq = str(ev["UID"]), int(ev["SEQUENCE"])
    assert seq == 0 and ev.decoded("DTSTART").tzinfo is not None
    # a second, independent parser
    other = vobject.readOne(resp.data.decode())
    assert other.vevent.uid.value == uid and other.vevent.dtstart.value.tzinfo is not None
    assert other.vevent.dtstart.value == ev.decoded("DTSTART")
    text = resp.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "VERSION:2.0" in text
    # an invitation: organiser, the forum's contacts as attendees, the items in the text
    assert str(ev["ORGANIZER"]).startswith("mailto:")
    attendees = ev.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:eva@fk.example.se"]
    assert attendees[0].params["CN"] == "Eva Ek"
    assert "Återkrav" in str(ev["DESCRIPTION"])
    assert other.vevent.organizer.value.startswith("mailto:")
    assert [a.value for a in other.vevent.attendee_list] == ["mailto:eva@fk.example.se"]
    # moving the meeting keeps the UID and raises SEQUENCE
    later = (datetime.now(STOCKHOLM) + timedelta(days=9)).date().isoformat()
    post(client, f"/meetings/{m1}/edit", {"day": later, "time": "13:00", "place": "Rum 4"})
    ev2 = next(
        c
        for c in icalendar.Calendar.from_ical(client.get(f"/meetings/{m1}.ics").data).walk("VEVENT")
    )
    assert str(ev2["UID"]) == uid and int(ev2["SEQUENCE"]) == 1
    md = client.get(f"/meetings/{m1}/agenda.md").get_data(as_text=True)
    for heading in ["## 1. Uppföljning", "## 2. Nya ärenden", "## 3. Statistik", "## 4. Övrigt"]:
        assert heading in md
    assert f"{fault.ref} Återkrav" in md and "Fråga till forumet: Svar" in md


def test_ledamot_sees_only_own_forum_and_no_narratives(app, client, login, make, session):
    boss = login("samordnare")
    assert boss
    hidden = make.fault(title="Inte eskalerat", occurrences=5, narrative="Hemlig berättelse")
    shown = make.fault(title="Eskalerat", occurrences=2, narrative="Hemlig berättelse")
    own = make_forum(client, "LG")
    other = make_forum(client, "Annat forum")
    post(client, f"/faults/{shown.ref}/escalate", {"forum_id": own, "ask": "Fråga"})
    m1 = plan(client, own)
    member = make.user("ledamot")
    session.add(Contact(org_id=make.org().id, forum_id=own, name="FK", user_id=member.id))
    session.commit()
    c = app.test_client()
    do_login(c, member.email)
    assert c.get(f"/forums/{own}").status_code == 200
    assert c.get(f"/forums/{other}").status_code == 404
    page = c.get(f"/meetings/{m1}").get_data(as_text=True)
    assert "Eskalerat" in page and "Hemlig berättelse" not in page
    view = c.get(f"/forums/{own}/faults/{shown.ref}").get_data(as_text=True)
    assert "Färre än 3 förekomster" in view and "Hemlig berättelse" not in view
    for url in [
        f"/faults/{shown.ref}",
        f"/faults/{hidden.ref}",
        "/faults/",
        f"/forums/{own}/faults/{hidden.ref}",
    ]:
        assert c.get(url).status_code in (403, 404), url
    assert c.get(f"/forums/{own}/faults/{hidden.ref}").status_code == 404
    # the authority's response on an item assigned to them
    item = items(session, m1, "nytt")[0]
    contact = session.exec(select(Contact)).one()
    minute(client, item.id, m1, "foljs_upp", responsible_contact_id=str(contact.id))
    resp = post(
        c,
        f"/agenda-items/{item.id}/response",
        {f"r{item.id}-response": "Vi utreder"},
        form_url=f"/meetings/{m1}",
    )
    assert resp.status_code == 302
    assert "Vi utreder" in client.get(f"/faults/{shown.ref}").get_data(as_text=True)


def test_other_organisation_is_404(client, login, make, session):
    login("samordnare", "soderort")
    other = make.org("nacka")
    forum = Forum(org_id=other.id, name="Nackas LG")
    session.add(forum)
    session.commit()
    assert client.get(f"/forums/{forum.id}").status_code == 404
    assert client.get(f"/forums/{forum.id}/meetings/new").status_code == 404


def test_personnummer_refused_in_every_meeting_form(client, login, make, session):
    login("samordnare")
    pnr = "811228-9874"
    fault = make.fault()
    forum_id = make_forum(client)
    resp = post(
        client,
        f"/faults/{fault.ref}/escalate",
        {"forum_id": forum_id, "ask": f"Klient {pnr} väntar"},
    )
    assert resp.status_code == 400 and pnr in resp.get_data(as_text=True)
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Svar"})
    m1 = plan(client, forum_id)
    item = items(session, m1, "nytt")[0]
    when = (datetime.now(STOCKHOLM) + timedelta(days=3)).date().isoformat()
    cases = [
        (
            f"/meetings/{m1}/minutes/edit",
            {f"i{item.id}-decision": f"Ring {pnr}", f"i{item.id}-outcome": "foljs_upp"},
        ),
        (f"/meetings/{m1}/items", {"title": f"Ärende {pnr}"}),
        (f"/agenda-items/{item.id}/response", {f"r{item.id}-response": f"Svar om {pnr}"}),
        (
            f"/forums/{forum_id}/contacts",
            {"name": f"Namn {pnr}", "email": "", "represents": "FK", "user_id": "0"},
        ),
        (f"/meetings/{m1}/edit", {"day": when, "time": "10:00", "place": f"Hos {pnr}"}),
    ]
    for url, data in cases:
        resp = post(client, url, data, form_url=f"/meetings/{m1}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, url
        assert f"ett personnummer: ”{pnr}”" in html, url
    assert [i.decision for i in items(session, m1, "nytt")] == [""]
