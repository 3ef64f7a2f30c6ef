"""Action items (åtgärdspunkter): added under a decision, refused in Swedish when the owner
or the date is wrong, followed up at the forum's next meetings until done, late ones marked,
listed in the minutes and in "Mina åtgärder"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import Session, col, select

from tests.conftest import do_login, post
from tracker.audit import AuditEntry
from tracker.faults.models import Fault
from tracker.meetings import services as meetings
from tracker.meetings.actions import today
from tracker.meetings.models import ActionItem, AgendaItem, Meeting


def scenario(app, make, *, linked_user=None):
    """A forum with two contacts (the first linked to `linked_user`), a second forum, one
    escalated fault on a planned meeting."""
    org = make.org()
    fault = make.fault(title="Återkrav år efteråt", occurrences=2, narrative="Hemlig berättelse")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        fk = meetings.add_contact(
            s,
            forum=forum,
            actor_id=None,
            name="FK:s representant",
            email="fk@example.se",
            represents="Försäkringskassan",
            user_id=linked_user.id if linked_user else None,
        )
        psyk = meetings.add_contact(s, forum=forum, actor_id=None, name="Psykiatrins chef")
        other = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Samordningsförbundet", kind="annat"
        )
        elsewhere = meetings.add_contact(s, forum=other, actor_id=None, name="Förbundschef")
        meetings.escalate(
            s,
            fault=s.get(Fault, fault.id),
            forum=forum,
            ask="Svar önskas",
            actor_id=None,
            accept=True,
        )
        meeting = meetings.plan_meeting(
            s,
            forum=forum,
            place="Rum 3",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=2),
        )
        s.commit()
        item = s.exec(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting.id, AgendaItem.section == "nytt"
            )
        ).one()
    return SimpleNamespace(
        org=org, forum=forum, fk=fk, psyk=psyk, elsewhere=elsewhere, meeting=meeting, item=item
    )


def add(client, sc, *, title="Ta fram väntetider", owner=None, due=None, meeting_id=None):
    item = sc.item
    return post(
        client,
        f"/agenda-items/{item.id}/actions",
        {
            f"a{item.id}-title": title,
            f"a{item.id}-owner": owner if owner is not None else f"c{sc.fk.id}",
            f"a{item.id}-due_on": (today() + timedelta(days=10)).isoformat()
            if due is None
            else due,
        },
        form_url=f"/meetings/{meeting_id or sc.meeting.id}",
    )


def actions(session) -> list[ActionItem]:
    session.expire_all()
    return list(session.exec(select(ActionItem).order_by(col(ActionItem.id))).all())


def set_status(client, action_id, status, back):
    return post(
        client,
        f"/actions/{action_id}/status",
        {"status": status, "next": str(back)},
        form_url="/actions/mine",
    )


def held_and_finalised(app, client, meeting_id):
    """Minute every escalated item as followed up, move the meeting into the past and
    finalise it through the page."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        m = s.get(Meeting, meeting_id)
        for item in s.exec(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting_id, col(AgendaItem.escalation_id).is_not(None)
            )
        ):
            meetings.save_minutes(
                s,
                meeting=m,
                item=item,
                actor_id=None,
                minutes=meetings.Minutes(decision="FK tar fram siffror", outcome="foljs_upp"),
            )
        m.starts_at = datetime.now(UTC) - timedelta(hours=1)
        s.add(m)
        s.commit()
    url = f"/meetings/{meeting_id}/finalise"
    resp = post(client, url, {"confirm": "y"}, form_url=url)
    assert resp.status_code == 302, resp.get_data(as_text=True)


def plan_next(app, forum_id, days=14) -> int:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = s.get(meetings.Forum, forum_id)
        m = meetings.plan_meeting(
            s,
            forum=forum,
            place="Rum 4",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=days),
        )
        s.commit()
        return m.id


def followups(html: str) -> str:
    """The meeting page's list of action items from earlier meetings ("" when none)."""
    m = re.search(r'<div class="followup-actions">(.*?)</div>\s*</section>', html, re.S)
    return m.group(1) if m else ""


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


# ---- adding ------------------------------------------------------------------------------


def test_samordnare_adds_an_action_item_under_the_decision(app, client, login, make, session):
    login("samordnare")
    sc = scenario(app, make)
    page = client.get(f"/meetings/{sc.meeting.id}").get_data(as_text=True)
    assert "Lägg till åtgärd" in page
    # the owner is chosen among the forum's contacts and the organisation's users
    assert f'value="c{sc.fk.id}"' in page and f'value="c{sc.elsewhere.id}"' not in page
    due = today() + timedelta(days=10)
    resp = add(client, sc, title="Ta fram väntetider för kundtjänst", due=due.isoformat())
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/meetings/{sc.meeting.id}#item-{sc.item.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Åtgärden är tillagd." in page
    # under its agenda item: title, owner and due date
    block = page.split(f'id="item-{sc.item.id}"', 1)[1].split("</section>", 1)[0]
    assert "Ta fram väntetider för kundtjänst" in block
    assert "Ansvarig: FK:s representant (Försäkringskassan)" in block
    assert f"klart senast {due.isoformat()}" in block
    [action] = actions(session)
    assert (action.owner_contact_id, action.owner_user_id, action.due_on) == (sc.fk.id, None, due)
    assert action.status == "oppen" and action.forum_id == sc.forum.id
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "action_item.created")).one()
    assert (entry.object_type, entry.object_id) == ("action_item", action.id)


def test_a_user_of_the_organisation_can_own_an_item(app, client, login, make, session):
    me = login("samordnare")
    sc = scenario(app, make)
    assert add(client, sc, owner=f"u{me.id}").status_code == 302
    [action] = actions(session)
    assert (action.owner_user_id, action.owner_contact_id) == (me.id, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("owner", "", "Välj en ansvarig"),
        ("owner", "outsider", "Välj en ansvarig"),
        ("owner", "elsewhere", "Välj en ansvarig"),
        ("owner", "u999999", "Välj en ansvarig"),
        ("due", "", "Ange när det ska vara klart (ÅÅÅÅ-MM-DD)."),
        ("due", "yesterday", "Datumet har redan passerat."),
        ("due", "31/12/2030", "Ange datum som ÅÅÅÅ-MM-DD."),
    ],
)
def test_bad_owner_or_date_is_refused_in_swedish_keeping_the_input(
    app, client, login, make, session, field, value, message
):
    login("samordnare")
    sc = scenario(app, make)
    outsider = make.user("ledamot", "nacka")  # a user of another organisation
    value = {
        "outsider": f"u{outsider.id}",
        "elsewhere": f"c{sc.elsewhere.id}",  # a contact of another forum
        "yesterday": (today() - timedelta(days=1)).isoformat(),
    }.get(value, value)
    due = (today() + timedelta(days=5)).isoformat()
    kwargs = {"owner": value, "due": due} if field == "owner" else {"due": value}
    resp = add(client, sc, title="Bjuda in Arbetsförmedlingen", **kwargs)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert message in html
    assert 'role="alert"' in html and "Åtgärden är inte tillagd." in html
    # the form is open and keeps what was typed
    assert '<details class="add-action" open>' in html
    assert 'value="Bjuda in Arbetsförmedlingen"' in html
    if field == "owner":
        assert f'value="{due}"' in html
    elif value:
        assert f'value="{value}"' in html
        assert f'<option value="c{sc.fk.id}" selected>' in html
    assert actions(session) == []


def test_a_personnummer_in_the_title_is_refused(app, client, login, make, session):
    login("samordnare")
    sc = scenario(app, make)
    resp = add(client, sc, title="Ring om 811228-9874")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Texten innehåller ett personnummer" in html
    assert actions(session) == []


def test_who_may_add_and_change_items(app, client, login, make, session):
    sc = scenario(app, make)
    me = login("samordnare")
    assert add(client, sc).status_code == 302
    [action] = actions(session)
    # a samordnare of another organisation: every route is a 404
    other = app.test_client()
    stranger = make.user("samordnare", "nacka")
    assert do_login(other, stranger.email).status_code == 302
    item_url = f"/agenda-items/{sc.item.id}/actions"
    assert post(other, item_url, {}, form_url="/actions/mine").status_code == 404
    assert set_status(other, action.id, "klar", "mine").status_code == 404
    due_url = f"/actions/{action.id}/due"
    assert post(other, due_url, {}, form_url="/actions/mine").status_code == 404
    # a ledamot cannot add, nor change an item that is not theirs
    ledamot = app.test_client()
    member = make.user("ledamot")
    assert do_login(ledamot, member.email).status_code == 302
    assert post(ledamot, item_url, {}, form_url="/actions/mine").status_code == 403
    assert set_status(ledamot, action.id, "klar", "mine").status_code == 403
    assert actions(session)[0].status == "oppen"
    # the samordnare may
    assert set_status(client, action.id, "klar", "mine").status_code == 302
    assert actions(session)[0].status == "klar" and actions(session)[0].closed_by_id == me.id


def test_items_are_added_only_while_the_minutes_can_be_written(app, client, login, make, session):
    login("samordnare")
    sc = scenario(app, make)
    held_and_finalised(app, client, sc.meeting.id)
    page = client.get(f"/meetings/{sc.meeting.id}").get_data(as_text=True)
    assert "Lägg till åtgärd" not in page
    resp = add(client, sc)
    assert resp.status_code == 409
    assert "protokollet låst" in resp.get_data(as_text=True)
    assert actions(session) == []


# ---- follow-up ---------------------------------------------------------------------------


def test_open_items_are_followed_up_at_the_next_meetings_until_done(
    app, client, login, make, session
):
    login("samordnare")
    sc = scenario(app, make)
    soon, later = today() + timedelta(days=1), today() + timedelta(days=20)
    add(client, sc, title="Siffror från kundtjänst", due=later.isoformat())
    add(client, sc, title="Rutin för återkrav", owner=f"c{sc.psyk.id}", due=soon.isoformat())
    add(client, sc, title="Struken punkt")
    numbers, routine, struck = actions(session)
    assert set_status(client, struck.id, "struken", sc.meeting.id).status_code == 302
    held_and_finalised(app, client, sc.meeting.id)
    # the minutes list each item's action items with owner and due date
    minutes = client.get(f"/meetings/{sc.meeting.id}/minutes.md").get_data(as_text=True)
    assert (
        "Åtgärd: Siffror från kundtjänst – ansvarig: FK:s representant (Försäkringskassan) – "
        f"klart senast {later.isoformat()}"
    ) in minutes
    assert f"Åtgärd: Rutin för återkrav – ansvarig: Psykiatrins chef – klart senast {soon}" in (
        minutes
    )
    assert "Åtgärd: Struken punkt – ansvarig: FK:s representant (Försäkringskassan)" in minutes

    m2 = plan_next(app, sc.forum.id)
    page = client.get(f"/meetings/{m2}").get_data(as_text=True)
    carried = followups(page)
    assert "Åtgärder från tidigare möten" in carried
    assert "Siffror från kundtjänst" in carried and "Rutin för återkrav" in carried
    assert "Struken punkt" not in carried  # struck before this meeting
    assert "Försenad" not in carried
    agenda = client.get(f"/meetings/{m2}/agenda.md").get_data(as_text=True)
    follow = section(agenda, "1. Uppföljning från föregående möte")
    assert "Åtgärdspunkter från tidigare möten:" in follow
    assert f"- Rutin för återkrav – ansvarig: Psykiatrins chef – klart senast {soon}" in follow
    assert "försenad" not in follow

    # the routine is now late: marked on the page and in the agenda
    late = today() - timedelta(days=2)
    row = session.get(ActionItem, routine.id)
    row.due_on = late
    session.add(row)
    session.commit()
    page = client.get(f"/meetings/{m2}").get_data(as_text=True)
    routine_block = page.split(f'id="action-{routine.id}"', 1)[1].split("</li>", 1)[0]
    numbers_block = page.split(f'id="action-{numbers.id}"', 1)[1].split("</li>", 1)[0]
    assert "Försenad" in routine_block and "Försenad" not in numbers_block
    follow = section(client.get(f"/meetings/{m2}/agenda.md").get_data(as_text=True), "1. Upp")
    assert (
        f"Rutin för återkrav – ansvarig: Psykiatrins chef – klart senast {late} – **försenad**"
        in (follow)
    )
    assert "Siffror från kundtjänst – ansvarig" in follow and follow.count("försenad") == 1

    # done: gone from the follow-up
    resp = set_status(client, routine.id, "klar", m2)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/meetings/{m2}#action-{routine.id}")
    page = client.get(f"/meetings/{m2}").get_data(as_text=True)
    assert "Åtgärden är markerad som klar." in page
    assert "Rutin för återkrav" not in followups(page)
    assert "Rutin för återkrav" not in client.get(f"/meetings/{m2}/agenda.md").get_data(
        as_text=True
    )

    # still open after the next meeting too: on the one after, until it is done
    held_and_finalised(app, client, m2)
    m3 = plan_next(app, sc.forum.id, days=40)
    assert "Siffror från kundtjänst" in followups(
        client.get(f"/meetings/{m3}").get_data(as_text=True)
    )
    assert set_status(client, numbers.id, "klar", m3).status_code == 302
    page = client.get(f"/meetings/{m3}").get_data(as_text=True)
    assert followups(page) == ""
    agenda = client.get(f"/meetings/{m3}/agenda.md").get_data(as_text=True)
    assert "Åtgärdspunkter från tidigare möten" not in agenda
    # the held meeting's frozen minutes still say it was open then
    minutes2 = client.get(f"/meetings/{m2}/minutes.md").get_data(as_text=True)
    assert "- Siffror från kundtjänst – ansvarig: FK:s representant" in minutes2


def test_samordnare_strikes_reopens_and_moves_an_item(app, client, login, make, session):
    login("samordnare")
    sc = scenario(app, make)
    add(client, sc, title="Ny rutin")
    [action] = actions(session)
    url = f"/actions/{action.id}/due"
    form = f"/meetings/{sc.meeting.id}"
    past = (today() - timedelta(days=1)).isoformat()
    resp = post(client, url, {f"d{action.id}-due_on": past, "next": sc.meeting.id}, form_url=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Datumet har redan passerat." in html
    assert f'value="{past}"' in html
    new = today() + timedelta(days=30)
    resp = post(client, url, {f"d{action.id}-due_on": new.isoformat()}, form_url=form)
    assert resp.status_code == 302
    assert actions(session)[0].due_on == new
    assert set_status(client, action.id, "struken", sc.meeting.id).status_code == 302
    page = client.get(f"/meetings/{sc.meeting.id}").get_data(as_text=True)
    assert "Åtgärden är struken." in page and "Struken" in page and "Öppna igen" in page
    assert set_status(client, action.id, "oppen", sc.meeting.id).status_code == 302
    row = actions(session)[0]
    assert row.status == "oppen" and row.closed_at is None
    codes = session.exec(
        select(AuditEntry.action).where(col(AuditEntry.action).startswith("action_item."))
    ).all()
    assert sorted(codes) == [
        "action_item.created",
        "action_item.moved",
        "action_item.reopened",
        "action_item.struck",
    ]


# ---- Mina åtgärder -----------------------------------------------------------------------


def test_my_actions_lists_only_mine_and_marks_done(app, client, login, make, session):
    member = login("ledamot")
    samordnare = make.user("samordnare")
    sc = scenario(app, make, linked_user=member)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        m = s.get(Meeting, sc.meeting.id)
        item = s.get(AgendaItem, sc.item.id)

        def new(title, due_days, **owner):
            from tracker.meetings import actions as rules

            return rules.add_action(
                s,
                meeting=m,
                item=item,
                title=title,
                due_on=today() + timedelta(days=due_days),
                actor_id=None,
                **owner,
            )

        via_contact = new("Via min kontakt", 9, owner_contact_id=sc.fk.id)
        direct = new("Direkt till mig", 2, owner_user_id=member.id)
        new("Psykiatrins punkt", 3, owner_contact_id=sc.psyk.id)
        new("Samordnarens punkt", 4, owner_user_id=samordnare.id)
        done = new("Redan klar", 5, owner_user_id=member.id)
        from tracker.meetings import actions as rules

        rules.set_status(s, action=done, status="klar", actor_id=None)
        s.commit()
    page = client.get("/actions/mine")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Mina åtgärder</h1>" in html
    assert 'aria-current="page">Mina åtgärder</a>' in html  # in the navigation
    assert "Direkt till mig" in html and "Via min kontakt" in html
    assert html.index("Direkt till mig") < html.index("Via min kontakt")  # soonest first
    for other in ("Psykiatrins punkt", "Samordnarens punkt", "Redan klar"):
        assert other not in html
    assert "Ledningsgruppen" in html
    # the ledamot is a contact of the forum: the meeting is linked
    assert f'href="/meetings/{sc.meeting.id}#item-{sc.item.id}"' in html
    resp = set_status(client, direct.id, "klar", "mine")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/actions/mine")
    html = client.get("/actions/mine").get_data(as_text=True)
    assert "Åtgärden är markerad som klar." in html
    assert "Direkt till mig" not in html and "Via min kontakt" in html
    # the owner may mark done, not strike
    assert set_status(client, via_contact.id, "struken", "mine").status_code == 403
    assert set_status(client, via_contact.id, "klar", "mine").status_code == 302
    html = client.get("/actions/mine").get_data(as_text=True)
    assert "Du har inga öppna åtgärder." in html


def test_forum_edit_sets_the_reminder_days(app, client, login, make, session):
    login("samordnare")
    sc = scenario(app, make)
    url = f"/forums/{sc.forum.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "Påminnelse om åtgärder, dagar före datumet" in html
    assert re.search(r'<input[^>]*name="reminder_days"[^>]*value="3"', html)
    data = {"name": "Ledningsgruppen", "kind": "ledningsgrupp", "lead_days": "7"}
    resp = post(client, url, {**data, "cadence_per_year": "4", "reminder_days": "0"})
    assert resp.status_code == 400
    assert "Ange ett tal mellan 1 och 30." in resp.get_data(as_text=True)
    resp = post(client, url, {**data, "cadence_per_year": "4", "reminder_days": "5"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(meetings.Forum, sc.forum.id).reminder_days == 5
