"""Deleting a forum contact: refused with a message while minutes name the contact
responsible, allowed (mail kept in the outbox) otherwise – never a foreign-key error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from tests.conftest import post
from tracker.audit import AuditEntry
from tracker.digests import outbox
from tracker.digests.models import OutboxMessage
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem, Contact, Forum


def test_a_contact_named_in_minutes_is_kept_with_a_message(app, client, login, make):
    user = login("samordnare")
    org = make.org()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=user.id, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        named = meetings.add_contact(s, forum=forum, actor_id=None, name="Åsa FK")
        mailed = meetings.add_contact(s, forum=forum, actor_id=None, name="Bo", email="bo@x.se")
        s.commit()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        meeting = meetings.plan_meeting(
            s,
            forum=s.get(Forum, forum.id),
            place="Rum 1",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=3),
        )
        s.add(
            AgendaItem(
                org_id=org.id,
                meeting_id=meeting.id,
                section="ovrigt",
                title="Punkt",
                responsible_contact_id=named.id,
            )
        )
        outbox.queue(
            s,
            dedup_key="agenda:x:bo",
            kind="agenda",
            org_id=org.id,
            contact_id=mailed.id,
            to_addr="bo@x.se",
            subject="Dagordning",
            text_body="",
            html_body="",
        )
        s.commit()
    page = f"/forums/{forum.id}"
    resp = post(client, f"/contacts/{named.id}/delete", form_url=page, follow_redirects=True)
    assert resp.status_code == 200
    assert "Åsa FK kan inte tas bort" in resp.get_data(as_text=True)
    # The contact who only got mail goes; the mail stays in the outbox.
    resp = post(client, f"/contacts/{mailed.id}/delete", form_url=page, follow_redirects=True)
    assert resp.status_code == 200 and "Kontakten är borttagen." in resp.get_data(as_text=True)
    with Session(app.extensions["db_engine"]) as s:
        (msg,) = s.exec(select(OutboxMessage)).all()
        assert msg.contact_id is None and msg.to_addr == "bo@x.se"
        assert [c.name for c in s.exec(select(Contact)).all()] == ["Åsa FK"]
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "contact.deleted")).one()
        assert (entry.object_id, entry.count) == (mailed.id, 1)
