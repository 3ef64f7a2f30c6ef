"""Finalising with a confirmation, the frozen minutes and agenda, reopening with a reason
and the corrected minutes digest."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import docx
from sqlmodel import Session, col, select

from tests.conftest import do_login, post
from tests.meetings.test_budgets import build_history, counts
from tests.meetings.test_loop import finalise, items, make_forum, minute, plan
from tracker.audit import AuditEntry
from tracker.digests.models import OutboxMessage
from tracker.meetings.models import (
    AgendaItem,
    Contact,
    Escalation,
    Meeting,
    MeetingMinutes,
    MeetingReopening,
)

PNR = "811228-9874"


def held_meeting(client, make, session, *, occurrences=4):
    """A forum with a contact, one escalated fault minuted on a planned meeting."""
    fault = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=occurrences)
    forum_id = make_forum(client)
    post(
        client,
        f"/forums/{forum_id}/contacts",
        {"name": "Psykiatrins chef", "email": "chef@example.se", "represents": "Psykiatrin"},
        form_url=f"/forums/{forum_id}",
    )
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Redovisa"})
    m1 = plan(client, forum_id)
    item = items(session, m1, "nytt")[0]
    resp = minute(
        client, item.id, m1, "foljs_upp", "Psykiatrin återkommer", discussion="Lång väntan"
    )
    assert resp.status_code == 302
    return fault, forum_id, m1, item


def test_finalise_needs_confirmation_and_a_held_meeting(client, login, make, session):
    login("samordnare")
    _fault, _forum_id, m1, _item = held_meeting(client, make, session)
    url = f"/meetings/{m1}/finalise"
    page = client.get(url)
    assert page.status_code == 200 and "inte börjat" in page.get_data(as_text=True)
    # before the start: refused with a clear message, even when confirmed
    resp = post(client, url, {"confirm": "y"}, form_url=url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "före mötets start" in html
    # held, but not confirmed
    resp = finalise(client, session, m1, confirm=False)
    assert resp.status_code == 400
    assert "Kryssa i att du vill fastställa" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Meeting, m1).status == "planerat"
    assert session.exec(select(MeetingMinutes)).all() == []
    assert finalise(client, session, m1).status_code == 302
    session.expire_all()
    assert session.get(Meeting, m1).status == "genomfort"
    # a finalised meeting cannot be finalised again
    assert client.get(url).status_code == 409


def test_documents_are_frozen_at_the_finalising(client, login, make, session):
    login("samordnare")
    fault, forum_id, m1, item = held_meeting(client, make, session)
    assert client.get(f"/meetings/{m1}/minutes.md").status_code == 404  # not finalised
    assert client.get(f"/meetings/{m1}/minutes").status_code == 404
    post(
        client,
        f"/agenda-items/{item.id}/response",
        {f"r{item.id}-response": "Vi ser över bemanningen"},
        form_url=f"/meetings/{m1}",
    )
    assert finalise(client, session, m1).status_code == 302
    before = {
        url: client.get(url).data
        for url in (f"/meetings/{m1}/minutes.md", f"/meetings/{m1}/agenda.md")
    }
    md = before[f"/meetings/{m1}/minutes.md"].decode()
    assert md.startswith("# Minnesanteckningar: Ledningsgruppen")
    for text in [
        "Psykiatrins chef, Psykiatrin",
        f"{fault.ref} Läkarbrist",
        "Fråga till forumet: Redovisa",
        "Diskussion: Lång väntan",
        "Beslut: Psykiatrin återkommer",
        "Utfall: Följs upp nästa möte",
        "Svar: Vi ser över bemanningen",
        "- Psykiatri: 4 förekomster",
    ]:
        assert text in md, text
    docx_resp = client.get(f"/meetings/{m1}/minutes.docx")
    assert docx_resp.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(docx_resp.data)).paragraphs]
    assert any("Minnesanteckningar" in p for p in paragraphs)
    printed = client.get(f"/meetings/{m1}/minutes").get_data(as_text=True)
    assert "Minnesanteckningar: Ledningsgruppen" in printed and "Lång väntan" in printed
    assert "print.css" in printed
    # much more data later: new faults, occurrences, another response, a new meeting
    make.fault(title="Nytt fel", authority="Psykiatri", occurrences=6)
    make.fault(title="Ett till", authority="Försäkringskassan", occurrences=5)
    post(
        client,
        f"/agenda-items/{item.id}/response",
        {f"r{item.id}-response": "Ändrat svar i efterhand"},
        form_url=f"/meetings/{m1}",
    )
    plan(client, forum_id, days_ahead=30)
    after = {url: client.get(url).data for url in before}
    assert after == before
    assert client.get(f"/meetings/{m1}/minutes.docx").data == docx_resp.data


def test_small_counts_are_suppressed_in_the_minutes(client, login, make, session):
    login("samordnare")
    _fault, _forum_id, m1, _item = held_meeting(client, make, session, occurrences=2)
    finalise(client, session, m1)
    md = client.get(f"/meetings/{m1}/minutes.md").get_data(as_text=True)
    assert "- Psykiatri: färre än 3 förekomster" in md
    assert "2 förekomster" not in md


def test_members_read_their_forums_minutes_only(app, client, login, make, session):
    login("samordnare")
    _fault, forum_id, m1, _item = held_meeting(client, make, session)
    other = make_forum(client, "Annat forum")
    finalise(client, session, m1)
    member = make.user("ledamot")
    session.add(Contact(org_id=make.org().id, forum_id=forum_id, name="L", user_id=member.id))
    session.commit()
    c = app.test_client()
    do_login(c, member.email)
    for url in (
        f"/meetings/{m1}/minutes.md",
        f"/meetings/{m1}/minutes",
        f"/meetings/{m1}/agenda.md",
    ):
        assert c.get(url).status_code == 200, url
    assert "Återkommande" not in c.get(f"/meetings/{m1}/agenda.md").get_data(as_text=True)
    stranger = make.user("ledamot")
    session.add(Contact(org_id=make.org().id, forum_id=other, name="S", user_id=stranger.id))
    session.commit()
    c2 = app.test_client()
    do_login(c2, stranger.email)
    assert c2.get(f"/meetings/{m1}/minutes.md").status_code == 404
    # only a samordnare reopens
    assert c.get(f"/meetings/{m1}/reopen").status_code == 403


def test_reopen_with_reason_and_send_the_corrected_minutes(client, login, make, session):
    login("samordnare")
    _fault, _forum_id, m1, item = held_meeting(client, make, session)
    finalise(client, session, m1)
    first = client.get(f"/meetings/{m1}/minutes.md").data
    minutes_mail = select(OutboxMessage).where(OutboxMessage.kind == "minutes")
    assert len(session.exec(minutes_mail).all()) == 1
    url = f"/meetings/{m1}/reopen"
    # a reason is required, and guarded
    resp = post(client, url, {"reason": ""})
    assert resp.status_code == 400 and "Skriv ett skäl" in resp.get_data(as_text=True)
    resp = post(client, url, {"reason": f"Fel om klient {PNR}"})
    assert resp.status_code == 400 and f"ett personnummer: ”{PNR}”" in resp.get_data(as_text=True)
    assert post(client, url, {"reason": "Fel ansvarig angavs"}).status_code == 302
    session.expire_all()
    meeting = session.get(Meeting, m1)
    assert meeting.status == "genomfort" and meeting.finalised_at is None
    reopening = session.exec(select(MeetingReopening)).one()
    assert (reopening.reason, reopening.revision) == ("Fel ansvarig angavs", 1)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "meeting.reopened")).one()
    assert (entry.object_type, entry.object_id) == ("meeting", m1)
    page = client.get(f"/meetings/{m1}").get_data(as_text=True)
    assert "öppnade för rättelse" in page and "Fel ansvarig angavs" in page
    # until re-finalised, the documents stay the last finalised version
    assert client.get(f"/meetings/{m1}/minutes.md").data == first
    # the text can be corrected, the outcome cannot
    assert minute(client, item.id, m1, "", "Rättat beslut").status_code == 302
    resp = minute(client, item.id, m1, "atgardat", "Annat utfall")
    assert resp.status_code == 400 and "Utfallet kan inte ändras" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(AgendaItem, item.id).outcome == "foljs_upp"
    assert session.get(Escalation, item.escalation_id).status == "uppfoljning"
    # other changes stay locked
    resp = post(client, f"/meetings/{m1}/items", {"title": "Nytt"}, form_url=f"/meetings/{m1}")
    assert resp.status_code == 409
    # re-finalise: revision 2 and the corrected digest, once
    resp = post(client, f"/meetings/{m1}/finalise", {"confirm": "y"})
    assert resp.status_code == 302
    session.expire_all()
    revisions = session.exec(
        select(MeetingMinutes.revision).order_by(col(MeetingMinutes.revision))
    ).all()
    assert revisions == [1, 2]
    md = client.get(f"/meetings/{m1}/minutes.md").get_data(as_text=True)
    assert "Rättad version 2" in md and "Beslut: Rättat beslut" in md
    mails = session.exec(minutes_mail.order_by(col(OutboxMessage.id))).all()
    assert len(mails) == 2
    assert mails[1].subject.startswith("Rättade minnesanteckningar")
    assert "rättade" in mails[1].text_body and mails[1].dedup_key.endswith(":rev2")
    actions = session.exec(select(AuditEntry.action)).all()
    assert "meeting.refinalised" in actions
    assert client.get(f"/meetings/{m1}/finalise").status_code == 409
    # a second correction is a third revision and a second corrected digest
    post(client, url, {"reason": "Ett stavfel till"})
    post(client, f"/meetings/{m1}/finalise", {"confirm": "y"})
    session.expire_all()
    assert len(session.exec(minutes_mail).all()) == 3
    assert "Rättad version 3" in client.get(f"/meetings/{m1}/minutes.md").get_data(as_text=True)


def test_minutes_pages_have_constant_statement_counts(app, client, login, make, count_queries):
    login("samordnare")
    org = make.org()
    results = []
    for n_faults, n_meetings in ((2, 2), (6, 8)):
        faults = [make.fault(title=f"Fel {n_meetings}-{i}", occurrences=2) for i in range(n_faults)]
        with app.app_context():  # the finalisings freeze their documents
            forum_id, planned = build_history(app, org, faults, n_meetings)
        with Session(app.extensions["db_engine"]) as s:
            last = s.exec(
                select(Meeting.id)
                .where(Meeting.forum_id == forum_id, Meeting.status == "genomfort")
                .order_by(col(Meeting.starts_at).desc())
            ).first()
            assert s.exec(select(MeetingMinutes).where(MeetingMinutes.meeting_id == last)).one()
        results.append(
            counts(
                client,
                count_queries,
                [
                    f"/meetings/{last}/minutes",
                    f"/meetings/{last}/minutes.md",
                    f"/meetings/{last}/minutes.docx",
                    f"/meetings/{last}/agenda.md",
                    f"/meetings/{last}",
                    f"/meetings/{planned}/finalise",
                ],
            )
        )
    assert results[0] == results[1], results
    assert max(max(r) for r in results) <= 15, results


def test_finalised_at_is_before_now(client, login, make, session):
    login("samordnare")
    _fault, _forum_id, m1, _item = held_meeting(client, make, session)
    finalise(client, session, m1)
    session.expire_all()
    row = session.exec(select(MeetingMinutes)).one()
    assert row.finalised_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert row.finalised_at == session.get(Meeting, m1).finalised_at


def test_the_statistics_count_the_meetings_swedish_day(client, login, make, session):
    """A meeting at 00:30 in Stockholm (still the day before in UTC) counts what was
    observed on its own Swedish day."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from tracker.meetings.models import Forum

    login("samordnare")
    day = date.today() - timedelta(days=3)
    make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=2, observed_on=day)
    forum_id = make_forum(client)
    starts = datetime(
        day.year, day.month, day.day, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm")
    ).astimezone(UTC)
    assert starts.date() < day  # the day before, in UTC
    m = Meeting(org_id=session.get(Forum, forum_id).org_id, forum_id=forum_id, starts_at=starts)
    session.add(m)
    session.commit()
    agenda = client.get(f"/meetings/{m.id}/agenda.md").get_data(as_text=True)
    assert "Psykiatri: färre än 3" in agenda or "Psykiatri: 2" in agenda, agenda
