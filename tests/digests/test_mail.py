"""Digests and the outbox against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlmodel import Session, func, select

from tests.conftest import do_login, post
from tracker.digests import jobs, outbox
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.meetings import services as meetings

from .conftest import SMTPServer


def setup_meeting(app, make, *, days_ahead: float = 3, lead_days: int = 7):
    org = make.org()
    fault = make.fault(title="Återkrav år efteråt", occurrences=2, narrative="Hemlig berättelse")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s,
            org_id=org.id,
            actor_id=None,
            name="Ledningsgruppen",
            kind="ledningsgrupp",
            lead_days=lead_days,
        )
        for name, email in [
            ("Åsa Öberg", "asa@example.se"),
            ("FK", "fk@example.se"),
            ("Utan adress", ""),
        ]:
            meetings.add_contact(s, forum=forum, actor_id=None, name=name, email=email)
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
            starts_at=datetime.now(UTC) + timedelta(days=days_ahead),
        )
        s.commit()
    return org, forum, meeting, fault


def count(app, **where) -> int:
    with Session(app.extensions["db_engine"]) as s:
        q = select(func.count()).select_from(OutboxMessage)
        for k, v in where.items():
            q = q.where(getattr(OutboxMessage, k) == v)
        return s.exec(q).one()


def test_digest_arrives_as_valid_mime_with_ics(mail_app, make, smtp: SMTPServer):
    org, forum, meeting, fault = setup_meeting(mail_app, make)
    assert jobs.run_once(mail_app) == (2, 2)
    msgs = smtp.handler.messages
    assert sorted(m["To"] for m in msgs) == ["asa@example.se", "fk@example.se"]
    msg = next(m for m in msgs if m["To"] == "asa@example.se")
    assert msg["Subject"].startswith("Dagordning: Ledningsgruppen")
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "Hej Åsa Öberg" in text and "Åsa Öberg" in html
    assert f"{fault.ref} Återkrav år efteråt" in text and "Fråga till forumet: Svar önskas" in text
    assert "färre än 3 förekomster" in text
    assert "Hemlig berättelse" not in text and "Hemlig berättelse" not in html
    assert f"/meetings/{meeting.id}" in text
    ics = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1
    event = next(iter(icalendar.Calendar.from_ical(ics[0].get_content()).walk("VEVENT")))
    assert str(event["UID"]).startswith(f"meeting-{meeting.id}@")
    # nothing more on the next runs
    assert jobs.run_once(mail_app) == (0, 0)
    assert len(smtp.handler.raw) == 2


def test_not_before_lead_days_at_0800(mail_app, make, smtp: SMTPServer):
    org, forum, meeting, _f = setup_meeting(mail_app, make, days_ahead=20, lead_days=7)
    assert jobs.run_once(mail_app) == (0, 0)
    with mail_app.app_context():
        from tracker import db
        from tracker.digests.compose import send_from as planned

        s = db.session()
        when = planned(meeting, forum)
        assert when.hour == 8 and str(when.tzinfo) == "Europe/Stockholm"
        assert jobs.queue_due(s, now=when - timedelta(minutes=1)) == 0
        assert jobs.queue_due(s, now=when) == 2


def test_three_processes_at_once_deliver_exactly_one_each(
    mail_app, make, smtp: SMTPServer, tmp_path
):
    org, forum, meeting, _f = setup_meeting(mail_app, make)
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": mail_app.config["DATABASE_URL"],
        "TRACKER_SECRET_KEY": "x",
        "TRACKER_MAIL_SERVER": "127.0.0.1",
        "TRACKER_MAIL_PORT": str(smtp.port),
        "TRACKER_INSTANCE_PATH": str(tmp_path),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", "digests", "run-once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    assert sorted(m["To"] for m in smtp.handler.messages) == ["asa@example.se", "fk@example.se"]
    assert count(mail_app) == 2 and count(mail_app, status="sent") == 2


def test_smtp_down_then_up_delivers_exactly_once(mail_app, make, smtp: SMTPServer):
    setup_meeting(mail_app, make)
    smtp.stop()
    assert jobs.run_once(mail_app) == (2, 0)
    with Session(mail_app.extensions["db_engine"]) as s:
        msgs = s.exec(select(OutboxMessage)).all()
        assert {(m.status, m.attempts) for m in msgs} == {("queued", 1)}
        assert all("Connection" in m.last_error or "refused" in m.last_error for m in msgs)
        assert all(m.next_try_at > datetime.now(UTC) for m in msgs)  # backoff
        for m in msgs:  # time passes
            m.next_try_at = datetime.now(UTC) - timedelta(seconds=1)
            s.add(m)
        s.commit()
    smtp.start()
    assert jobs.run_once(mail_app) == (0, 2)
    assert jobs.run_once(mail_app) == (0, 0)
    assert len(smtp.handler.raw) == 2


def test_4xx_retries_and_5xx_fails_at_once_then_admin_resends(mail_app, make, smtp, client):
    setup_meeting(mail_app, make)
    smtp.handler.refuse = "451 4.3.0 Try again later"
    jobs.run_once(mail_app)
    assert count(mail_app, status="queued") == 2
    with Session(mail_app.extensions["db_engine"]) as s:
        for m in s.exec(select(OutboxMessage)).all():
            m.next_try_at = datetime.now(UTC) - timedelta(seconds=1)
            s.add(m)
        s.commit()
    smtp.handler.refuse = "550 5.1.1 No such user"
    jobs.run_once(mail_app)
    assert count(mail_app, status="failed") == 2 and smtp.handler.raw == []
    # an admin sees the error and resends
    admin = make.user("admin")
    do_login(client, admin.email)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "550" in page and "No such user" in page
    with Session(mail_app.extensions["db_engine"]) as s:
        msg_id = s.exec(select(OutboxMessage.id)).first()
    resp = post(
        client,
        f"/admin/outbox/{msg_id}/resend",
        {"next": "/admin/outbox?status=failed"},
        form_url="/admin/outbox",
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/outbox?status=failed"
    smtp.handler.refuse = None
    assert jobs.run_once(mail_app) == (0, 1)


def test_moving_the_meeting_sends_one_update_per_change(mail_app, make, smtp: SMTPServer):
    org, forum, meeting, _f = setup_meeting(mail_app, make)
    jobs.run_once(mail_app)
    assert len(smtp.handler.raw) == 2

    def move(days: float) -> None:
        with Session(mail_app.extensions["db_engine"], expire_on_commit=False) as s:
            m = s.get(type(meeting), meeting.id)
            meetings.reschedule(
                s,
                meeting=m,
                place="Rum 5",
                actor_id=None,
                starts_at=datetime.now(UTC) + timedelta(days=days),
            )
            s.commit()

    move(4)
    jobs.run_once(mail_app)
    jobs.run_once(mail_app)
    updates = [m for m in smtp.handler.messages if m["Subject"].startswith("Ändrad tid")]
    assert len(updates) == 2
    ics = next(p for p in updates[0].iter_attachments())
    event = next(iter(icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 1
    move(5)
    jobs.run_once(mail_app)
    assert len([m for m in smtp.handler.messages if m["Subject"].startswith("Ändrad")]) == 4
    with Session(mail_app.extensions["db_engine"], expire_on_commit=False) as s:
        meetings.cancel(s, meeting=s.get(type(meeting), meeting.id), actor_id=None)
        s.commit()
    jobs.run_once(mail_app)
    jobs.run_once(mail_app)
    cancels = [m for m in smtp.handler.messages if m["Subject"].startswith("Inställt")]
    assert len(cancels) == 2


def test_minutes_digest_is_queued_with_the_finalising(mail_app, make, smtp, client):
    org, forum, meeting, fault = setup_meeting(mail_app, make)
    boss = make.user("samordnare")
    do_login(client, boss.email)
    with Session(mail_app.extensions["db_engine"]) as s:
        from tracker.meetings.models import AgendaItem

        item = s.exec(select(AgendaItem).where(AgendaItem.section == "nytt")).one()
    post(
        client,
        f"/meetings/{meeting.id}/minutes/edit",
        {f"i{item.id}-decision": "FK återkommer", f"i{item.id}-outcome": "foljs_upp"},
        form_url=f"/meetings/{meeting.id}",
    )
    with Session(mail_app.extensions["db_engine"]) as s:  # minutes come after the meeting
        held = s.get(type(meeting), meeting.id)
        held.starts_at = datetime.now(UTC) - timedelta(hours=1)
        s.add(held)
        s.commit()
    url = f"/meetings/{meeting.id}/finalise"
    post(client, url, {"confirm": "y"}, form_url=url)
    assert count(mail_app, kind="minutes") == 2
    jobs.run_once(mail_app)
    minutes = [m for m in smtp.handler.messages if m["Subject"].startswith("Minnesanteckningar")]
    assert len(minutes) == 2
    assert "FK återkommer" in minutes[0].get_body(preferencelist=("plain",)).get_content()


def test_without_smtp_everything_stays_readable_in_the_outbox(app, make, client):
    assert not app.config.get("MAIL_SERVER")
    setup_meeting(app, make)
    assert jobs.run_once(app) == (2, 0)
    assert count(app, status="queued") == 2
    do_login(client, make.user("admin").email)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Ingen e-postserver är inställd" in page and "asa@example.se" in page
    with Session(app.extensions["db_engine"]) as s:
        msg_id = s.exec(select(OutboxMessage.id)).first()
    body = client.get(f"/admin/outbox/{msg_id}").get_data(as_text=True)
    assert "Återkrav år efteråt" in body


def test_weekly_digest_once_per_week_for_those_who_opted_in(mail_app, make, smtp, client):
    make.fault(title="Ny vecka", occurrences=3)
    reader = make.user("ombud")
    make.user("ombud")  # did not opt in
    do_login(client, reader.email)
    assert (
        post(client, "/account/weekly", {"weekly": "1"}, form_url="/account/password").status_code
        == 302
    )
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).replace(hour=5, minute=0)  # 06/07 local
    with mail_app.app_context():
        from tracker import db

        s = db.session()
        assert jobs.queue_due(s, now=monday + timedelta(hours=3)) == 1
        assert jobs.queue_due(s, now=monday + timedelta(hours=30)) == 0
        outbox.send_pass(s, mail_app.config)
    msgs = smtp.handler.messages
    assert [m["To"] for m in msgs] == [reader.email]
    assert "Veckans systemfel" in msgs[0]["Subject"]


@pytest.mark.skipif(sys.platform != "linux", reason="signals and flock as on the servers")
def test_scheduler_runs_once_and_survives_a_kill(mail_app, make, smtp: SMTPServer, tmp_path):
    org, forum, meeting, _f = setup_meeting(mail_app, make)
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": mail_app.config["DATABASE_URL"],
        "TRACKER_SECRET_KEY": "x",
        "TRACKER_MAIL_SERVER": "127.0.0.1",
        "TRACKER_MAIL_PORT": str(smtp.port),
        "TRACKER_INSTANCE_PATH": str(tmp_path),
        "TRACKER_SCHEDULER_INTERVAL_SECONDS": "1",
    }
    cmd = [sys.executable, "-m", "tracker.cli", "scheduler"]

    def wait_for(n: int, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while len(smtp.handler.raw) < n and time.monotonic() < end:
            time.sleep(0.2)

    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(2)
        assert len(smtp.handler.raw) == 2
        second = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
        assert second.returncode != 0 and "körs redan" in second.stderr.decode()
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    restarted = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with Session(mail_app.extensions["db_engine"], expire_on_commit=False) as s:
            from tracker.meetings.models import Forum

            meetings.add_contact(
                s, forum=s.get(Forum, forum.id), actor_id=None, name="Ny", email="ny@example.se"
            )
            s.commit()
        wait_for(3)
        time.sleep(2.5)  # a few more passes: nothing is sent twice
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.communicate(timeout=30)
    assert sorted(m["To"] for m in smtp.handler.messages) == [
        "asa@example.se",
        "fk@example.se",
        "ny@example.se",
    ]


def test_starttls_and_login(mail_app, make, tmp_path):
    """The sender speaks STARTTLS and logs in (TRACKER_MAIL_STARTTLS, _USERNAME, _PASSWORD)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from .conftest import Collector, free_port

    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"hemligt")

    handler = Collector()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        mail_app.config.update(
            MAIL_PORT=port, MAIL_STARTTLS=True, MAIL_USERNAME="tracker", MAIL_PASSWORD="hemligt"
        )
        setup_meeting(mail_app, make)
        assert jobs.run_once(mail_app) == (2, 2)
    finally:
        controller.stop()
        mail_app.config.update(MAIL_STARTTLS=False, MAIL_USERNAME="", MAIL_PASSWORD="")
    assert len(handler.raw) == 2 and logins[0] == (b"tracker", b"hemligt")
