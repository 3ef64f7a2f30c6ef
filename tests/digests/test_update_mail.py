"""E-mail about updates on faults the user logged on, through a real SMTP server: at once
("Direkt") or in the weekly digest – with the fault's reference, title, authority, what
happened and a link, and never a narrative, an ask, a decision or a response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import Session, func, select

from tests.conftest import Factories, post
from tests.meetings.test_updates import log_on, signed_in, work
from tracker import db
from tracker.accounts.models import User
from tracker.digests import jobs, outbox
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem, Meeting
from tracker.timeutil import local

from .conftest import SMTPServer

NARRATIVE = "Klienten väntade i elva veckor på ett beslut"
ASK = "Att kassan redovisar handläggningstiderna"
DECISION = "Kassans representant tar frågan till enhetschefen"
RESPONSE = "Enheten har anställt fler handläggare"
SECRETS = (NARRATIVE, ASK, DECISION, RESPONSE)


def choose(app: Flask, user: User, choice: str) -> None:
    c = signed_in(app, user)
    resp = post(c, "/account/updates", {"update_mail": choice}, form_url="/account/password")
    assert resp.status_code == 302


def the_meeting_loop(app: Flask, org_id: int, fault: Fault, boss: User) -> None:
    """Escalated, decided at a meeting, answered by the authority, then fixed."""
    with work(app) as s:
        lg = meetings.create_forum(
            s, org_id=org_id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=lg, ask=ASK, actor_id=boss.id, accept=True
        )
        m = meetings.plan_meeting(
            s, forum=lg, place="Rum 3", actor_id=None, starts_at=datetime.now(UTC) + timedelta(1)
        )
        m.starts_at = datetime.now(UTC) - timedelta(hours=2)
        s.add(m)
        item = s.exec(select(AgendaItem).where(AgendaItem.section == "nytt")).one()
        meetings.save_minutes(
            s,
            meeting=m,
            item=item,
            actor_id=boss.id,
            minutes=meetings.Minutes(decision=DECISION, outcome="atgardat"),
        )
        meetings.respond(s, item=item, text=RESPONSE, actor_id=None)
    with work(app) as s:
        meetings.finalise(s, meeting=s.exec(select(Meeting)).one(), actor_id=boss.id)
    c = signed_in(app, boss)
    url = f"/faults/{fault.ref}/status"
    assert post(c, url, {"to": "atgardad"}, form_url=f"/faults/{fault.ref}").status_code == 302


def bodies(msg) -> str:
    return (
        msg.get_body(preferencelist=("plain",)).get_content()
        + msg.get_body(preferencelist=("html",)).get_content()
    )


def test_direct_mail_tells_what_happened_without_any_narrative(
    mail_app: Flask, make: Factories, smtp: SMTPServer
) -> None:
    org = make.org()
    fault = make.fault(title="Långa handläggningstider", authority="Försäkringskassan")
    anna, bo, boss = make.user("ombud"), make.user("ombud"), make.user("samordnare")
    log_on(mail_app, fault, anna, n=2, narrative=NARRATIVE)
    log_on(mail_app, fault, bo, narrative=NARRATIVE)
    choose(mail_app, anna, "direct")  # bo keeps the default: no e-mail
    the_meeting_loop(mail_app, org.id, fault, boss)

    queued, sent = jobs.run_once(mail_app)
    assert sent == 4
    msgs = smtp.handler.messages
    assert {m["To"] for m in msgs} == {anna.email}
    with Session(mail_app.extensions["db_engine"]) as s:
        day = local(s.exec(select(Meeting.starts_at)).one()).date().isoformat()
    assert sorted(m["Subject"] for m in msgs) == sorted(
        [
            f"{fault.ref}: Eskalerat till Ledningsgruppen",
            f"{fault.ref}: Beslut på mötet i Ledningsgruppen {day}",
            f"{fault.ref}: Svar från myndigheten på mötet i Ledningsgruppen {day}",
            f"{fault.ref}: Åtgärdat",
        ]
    )
    for msg in msgs:
        body = bodies(msg)
        assert f"{fault.ref} Långa handläggningstider" in body
        assert "Myndighet: Försäkringskassan" in body
        assert f"/faults/{fault.ref}" in body
        for secret in SECRETS:
            assert secret not in body, (secret, msg["Subject"])
    assert jobs.run_once(mail_app) == (0, 0)  # each update is mailed once


def test_weekly_digest_carries_the_weeks_updates(
    mail_app: Flask, make: Factories, smtp: SMTPServer
) -> None:
    org = make.org()
    fault = make.fault(title="Återkrav år efteråt")
    anna = make.user("ombud")  # updates in the weekly digest, no digest otherwise
    cilla = make.user("ombud")  # the weekly digest, with her updates in it
    dag = make.user("ombud")  # the weekly digest, updates only on the home page
    eva = make.user("ombud")  # no e-mail at all
    boss = make.user("samordnare")
    for u in (anna, cilla, dag, eva):
        log_on(mail_app, fault, u, narrative=NARRATIVE)
    choose(mail_app, anna, "weekly")
    choose(mail_app, cilla, "weekly")
    for u in (cilla, dag):
        c = signed_in(mail_app, u)
        post(c, "/account/weekly", {"weekly": "1"}, form_url="/account/password")
    the_meeting_loop(mail_app, org.id, fault, boss)
    with Session(mail_app.extensions["db_engine"]) as s:  # nothing at once
        assert s.exec(select(func.count()).select_from(OutboxMessage)).one() == 0

    now = datetime.now(UTC)
    next_monday = (now - timedelta(days=now.weekday()) + timedelta(days=7)).replace(
        hour=8, minute=0
    )
    with mail_app.app_context():
        s = db.session()
        assert jobs.queue_due(s, now=next_monday) == 3
        assert jobs.queue_due(s, now=next_monday + timedelta(hours=5)) == 0
        outbox.send_pass(s, mail_app.config)
    msgs = {m["To"]: m for m in smtp.handler.messages}
    assert set(msgs) == {anna.email, cilla.email, dag.email}

    only = msgs[anna.email]
    assert only["Subject"].startswith("Uppdateringar om dina systemfel, vecka")
    digest = msgs[cilla.email]
    assert digest["Subject"].startswith("Veckans systemfel, vecka")
    for msg in (only, digest):
        body = bodies(msg)
        assert f"{fault.ref} Återkrav år efteråt" in body
        for event in ("Eskalerat till Ledningsgruppen", "Beslut på mötet i", "Åtgärdat"):
            assert event in body, event
        for secret in SECRETS:
            assert secret not in body, secret
    plain = bodies(msgs[dag.email])
    assert "Veckans systemfel" in plain and "Uppdateringar om systemfel" not in plain


def test_choosing_no_e_mail_again_stops_it(
    mail_app: Flask, make: Factories, smtp: SMTPServer
) -> None:
    org = make.org()
    fault = make.fault()
    anna, boss = make.user("ombud"), make.user("samordnare")
    log_on(mail_app, fault, anna)
    choose(mail_app, anna, "direct")
    choose(mail_app, anna, "none")
    the_meeting_loop(mail_app, org.id, fault, boss)
    assert jobs.run_once(mail_app) == (0, 0)
    with Session(mail_app.extensions["db_engine"]) as s:
        assert s.exec(select(User.update_mail).where(User.id == anna.id)).one() == "none"
