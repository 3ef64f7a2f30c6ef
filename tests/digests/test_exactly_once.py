"""Mail exactly once against a real SMTP server that misbehaves after accepting the data:
a message the server accepted is never sent again, and one bad message never stops a pass.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import post
from tracker.digests import outbox
from tracker.digests.models import OutboxMessage
from tracker.meetings.models import Forum

from .conftest import SMTPServer


def queue_mail(app, n: int = 1, **fields: Any) -> list[int]:
    ids = []
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        for i in range(n):
            msg = outbox.queue(
                s,
                dedup_key=f"test:{i}:{fields.get('subject', '')}",
                kind="agenda",
                to_addr=f"mottagare{i}@example.se",
                subject=fields.get("subject", f"Dagordning {i}"),
                text_body="Hej",
                html_body="<p>Hej</p>",
                attachments=fields.get("attachments", []),
            )
            assert msg is not None
            ids.append(msg.id)
        s.commit()
    return ids


def rows(app) -> list[OutboxMessage]:
    with Session(app.extensions["db_engine"]) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def send(app) -> int:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        return outbox.send_pass(s, app.config)


@pytest.fixture
def quick(mail_app):
    mail_app.config["MAIL_TIMEOUT"] = 1
    yield mail_app
    mail_app.config.pop("MAIL_TIMEOUT", None)


async def _quit_421(server, session, envelope) -> str:
    return "421 4.3.2 Shutting down"


async def _quit_hangs(server, session, envelope) -> str:
    await asyncio.sleep(3)  # longer than the client's timeout
    return "221 Bye"


async def _quit_disconnects(server, session, envelope) -> str:
    server.transport.abort()  # the connection drops instead of an answer
    return "221 Bye"


@pytest.mark.parametrize(
    "quit_hook", [_quit_421, _quit_hangs, _quit_disconnects], ids=["421", "timeout", "drop"]
)
def test_accepted_data_counts_as_sent_whatever_quit_answers(quick, smtp: SMTPServer, quit_hook):
    smtp.handler.handle_QUIT = quit_hook  # type: ignore[attr-defined]
    queue_mail(quick, n=2)
    assert send(quick) == 2
    assert [(m.status, m.attempts, m.last_error) for m in rows(quick)] == [("sent", 1, "")] * 2
    # Later passes (the retry schedule included) send nothing again.
    for msg in rows(quick):
        assert msg.sent_at is not None
    assert send(quick) == 0
    assert len(smtp.handler.raw) == 2


def test_no_answer_to_the_data_is_not_resent(quick, smtp: SMTPServer):
    """The whole message went out and the server fell silent: it may have been accepted,
    so it is shown to the admins as failed (to check) rather than sent twice."""
    collector = smtp.handler

    async def silent_data(server, session, envelope) -> str:
        collector.raw.append(envelope.original_content or envelope.content)
        await asyncio.sleep(3)
        return "250 OK"

    collector.handle_DATA = silent_data  # type: ignore[method-assign]
    queue_mail(quick)
    assert send(quick) == 0
    (msg,) = rows(quick)
    assert msg.status == "failed"
    assert "kontrollera med mottagaren" in msg.last_error
    assert send(quick) == 0
    assert len(collector.raw) == 1


def test_a_line_break_in_old_data_is_sanitised_and_the_pass_goes_on(quick, smtp: SMTPServer):
    # A forum name saved before names were checked: the subject carries its line break.
    bad = queue_mail(quick, subject="Dagordning: Lednings\r\ngruppen\nBcc: x@example.se")
    broken = queue_mail(
        quick,
        subject="Trasig bilaga",
        attachments=[{"filename": "a.ics", "content_type": "utan-snedstreck", "data": ""}],
    )
    good = queue_mail(quick, subject="Minnesanteckningar")
    assert send(quick) == 2
    by_id = {m.id: m for m in rows(quick)}
    assert by_id[bad[0]].status == "sent" and by_id[good[0]].status == "sent"
    assert by_id[broken[0]].status == "failed"
    assert "kunde inte byggas" in by_id[broken[0]].last_error
    subjects = sorted(m["Subject"] for m in smtp.handler.messages)
    assert subjects == ["Dagordning: Lednings gruppen Bcc: x@example.se", "Minnesanteckningar"]
    assert all(m["Bcc"] is None for m in smtp.handler.messages)
    assert send(quick) == 0


def test_a_forum_name_with_a_line_break_is_refused_with_the_text_kept(app, client, login):
    login("samordnare")
    resp = post(
        client,
        "/forums/new",
        {
            "name": "Ledningsgruppen\r\nBcc: x@example.se",
            "kind": "ledningsgrupp",
            "lead_days": "7",
            "cadence_per_year": "4",
            "reminder_days": "3",
        },
    )
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Skriv på en rad, utan radbrytningar eller tabbar." in html
    assert "Ledningsgruppen" in html
    with Session(app.extensions["db_engine"]) as s:
        assert s.exec(select(Forum)).all() == []
