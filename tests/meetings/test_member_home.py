"""The home page tells everyone about their meetings: the next meeting of their forums with
a link to its agenda, their open action items and the latest finalised minutes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tracker.faults.models import Fault
from tracker.meetings import actions
from tracker.meetings import services as meetings
from tracker.meetings.actions import today
from tracker.meetings.models import AgendaItem, Meeting


def two_forums(app, make, member):
    """Ledningsgruppen (the member is a contact there) with a held meeting whose minutes
    are final and a planned one; Samordningsförbundet with only a planned meeting."""
    org = make.org()
    fault = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=3)
    now = datetime.now(UTC)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        lg = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        sf = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Samordningsförbundet", kind="annat"
        )
        mine = meetings.add_contact(s, forum=lg, actor_id=None, name="FK", user_id=member.id)
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=lg, ask="Svar", actor_id=None, accept=True
        )
        held = meetings.plan_meeting(
            s, forum=lg, starts_at=now + timedelta(days=1), place="Rum 1", actor_id=None
        )
        item = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == held.id)).first()
        actions.add_action(
            s,
            meeting=held,
            item=item,
            title="Ta fram väntetider",
            owner_contact_id=mine.id,
            due_on=today() + timedelta(days=6),
            actor_id=None,
        )
        meetings.save_minutes(
            s,
            meeting=held,
            item=item,
            actor_id=None,
            minutes=meetings.Minutes(decision="FK återkommer", outcome="foljs_upp"),
        )
        held.starts_at = now - timedelta(days=20)
        meetings.finalise(s, meeting=held, actor_id=None)
        nxt = meetings.plan_meeting(
            s, forum=lg, starts_at=now + timedelta(days=9), place="Rum 2", actor_id=None
        )
        later = meetings.plan_meeting(
            s, forum=lg, starts_at=now + timedelta(days=60), place="Rum 9", actor_id=None
        )
        other = meetings.plan_meeting(
            s, forum=sf, starts_at=now + timedelta(days=4), place="Video", actor_id=None
        )
        s.commit()
    return held, nxt, later, other


def section(html: str, heading_id: str) -> str:
    m = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert m, heading_id
    return m.group(1)


def test_a_member_sees_their_next_meeting_actions_and_minutes(app, client, login, make):
    member = login("ledamot")
    held, nxt, later, other = two_forums(app, make, member)
    html = client.get("/").get_data(as_text=True)
    upcoming = section(html, "h-next-meeting")
    assert "Nästa möte" in upcoming and "Ledningsgruppen" in upcoming
    assert f'href="/meetings/{nxt.id}"' in upcoming and "Dagordning" in upcoming
    assert f"/meetings/{later.id}" not in upcoming  # only the next one
    assert "Samordningsförbundet" not in upcoming  # not their forum
    mine = section(html, "h-my-actions")
    assert "Ta fram väntetider" in mine and 'href="/actions/mine"' in mine
    minutes = section(html, "h-latest-minutes")
    assert f'href="/meetings/{held.id}/minutes"' in minutes
    assert client.get(f"/meetings/{held.id}/minutes").status_code == 200
    assert client.get(f"/meetings/{nxt.id}").status_code == 200


@pytest.mark.parametrize("role", ["samordnare", "admin"])
def test_samordnare_and_admin_see_every_forums_next_meeting(app, client, login, make, role):
    login(role)
    member = make.user("ledamot")
    _held, nxt, _later, other = two_forums(app, make, member)
    upcoming = section(client.get("/").get_data(as_text=True), "h-next-meeting")
    assert f'href="/meetings/{nxt.id}"' in upcoming and f'href="/meetings/{other.id}"' in upcoming
    # soonest first
    assert upcoming.index("Samordningsförbundet") < upcoming.index("Ledningsgruppen")
    assert "Du har inga öppna åtgärder." in client.get("/").get_data(as_text=True)


def test_an_ombud_outside_every_forum_is_told_so(app, client, login, make):
    login("ombud")
    two_forums(app, make, make.user("ledamot"))
    html = client.get("/").get_data(as_text=True)
    assert "Inget möte är planerat i dina forum." in section(html, "h-next-meeting")
    assert "Inga fastställda minnesanteckningar ännu." in section(html, "h-latest-minutes")


def test_home_after_the_meeting_is_cancelled(app, client, login, make, session):
    member = login("ledamot")
    _held, nxt, later, _other = two_forums(app, make, member)
    meeting = session.get(Meeting, nxt.id)
    meeting.status = "installt"
    session.add(meeting)
    session.commit()
    upcoming = section(client.get("/").get_data(as_text=True), "h-next-meeting")
    assert f'href="/meetings/{later.id}"' in upcoming and f"/meetings/{nxt.id}" not in upcoming
