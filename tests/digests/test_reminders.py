"""Reminders of action items, through the outbox and a real SMTP server on 127.0.0.1:
the forum's reminder days before the due date, exactly once per item and date – even when
three digest passes run at once – again after the date is moved, never for an owner
without an e-mail address, and with no narrative in the mail."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from tests.conftest import do_login, post
from tracker import db
from tracker.digests import jobs
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.meetings import actions
from tracker.meetings import services as meetings
from tracker.meetings.actions import today
from tracker.meetings.models import ActionItem, AgendaItem
from tracker.timeutil import utcnow

from .conftest import SMTPServer

SUBJECT = "Påminnelse om åtgärd"


def setup_actions(app, make, *, reminder_days: int = 3) -> dict[str, ActionItem]:
    """A forum whose meeting is three weeks ahead (no agenda digest due yet) and action
    items with every kind of owner, due at different distances."""
    org = make.org()
    owner = make.user("samordnare", email="agare@example.se")
    linked = make.user("ledamot", email="ledamot@example.se")
    fault = make.fault(title="Återkrav år efteråt", occurrences=2, narrative="Hemlig berättelse")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s,
            org_id=org.id,
            actor_id=None,
            name="Ledningsgruppen",
            kind="ledningsgrupp",
            reminder_days=reminder_days,
        )
        fk = meetings.add_contact(s, forum=forum, actor_id=None, name="FK", email="fk@example.se")
        silent = meetings.add_contact(s, forum=forum, actor_id=None, name="Utan adress")
        via = meetings.add_contact(s, forum=forum, actor_id=None, name="Ledamot", user_id=linked.id)
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=forum, ask="Svar", actor_id=None, accept=True
        )
        meeting = meetings.plan_meeting(
            s,
            forum=forum,
            place="Rum 3",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=21),
        )
        item = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).first()

        def new(title: str, days: int, **who: int | None) -> ActionItem:
            return actions.add_action(
                s,
                meeting=meeting,
                item=item,
                title=title,
                due_on=today() + timedelta(days=days),
                actor_id=None,
                **who,
            )

        out = {
            "contact": new("Siffror från kundtjänst", 2, owner_contact_id=fk.id),
            "user": new("Bjuda in Arbetsförmedlingen", 3, owner_user_id=owner.id),
            "linked": new("Svar till ombuden", 1, owner_contact_id=via.id),
            "no_address": new("Utan adress", 1, owner_contact_id=silent.id),
            "later": new("Långt fram", 10, owner_contact_id=fk.id),
            "done": new("Redan klar", 1, owner_user_id=owner.id),
        }
        actions.set_status(s, action=out["done"], status="klar", actor_id=None)
        s.commit()
    return out


def reminders(smtp: SMTPServer) -> list:
    return [m for m in smtp.handler.messages if m["Subject"].startswith(SUBJECT)]


def reminder_rows(app) -> int:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "action_reminder")
        ).one()


def test_reminder_once_per_item_even_with_three_passes_at_once(mail_app, make, smtp):
    items = setup_actions(mail_app, make)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def one_pass() -> None:
        try:
            barrier.wait(timeout=30)
            jobs.run_once(mail_app)
        except BaseException as exc:  # reported below: a thread cannot fail the test
            errors.append(exc)

    threads = [threading.Thread(target=one_pass) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    got = reminders(smtp)
    assert sorted(m["To"] for m in got) == [
        "agare@example.se",
        "fk@example.se",
        "ledamot@example.se",  # the contact has no address: its linked account's
    ]
    assert reminder_rows(mail_app) == 3
    # the mail: title, forum and date; a link for owners with an account; no narrative
    fk = next(m for m in got if m["To"] == "fk@example.se")
    due = items["contact"].due_on.isoformat()
    assert fk["Subject"] == f"{SUBJECT}: klart senast {due} (Ledningsgruppen)"
    text = fk.get_body(preferencelist=("plain",)).get_content()
    html = fk.get_body(preferencelist=("html",)).get_content()
    assert "Siffror från kundtjänst" in text and f"Klart senast: {due} (om 2 dagar)" in text
    assert "Berätta för forumets samordnare" in text  # a contact without an account
    mine = next(m for m in got if m["To"] == "agare@example.se")
    assert "/actions/mine" in mine.get_body(preferencelist=("plain",)).get_content()
    for m in got:
        for part in ("plain", "html"):
            body = m.get_body(preferencelist=(part,)).get_content()
            assert "Hemlig berättelse" not in body and "Återkrav år efteråt" not in body
    assert "Siffror från kundtjänst" in html
    # later passes send nothing more
    jobs.run_once(mail_app)
    jobs.run_once(mail_app)
    assert len(reminders(smtp)) == 3 and reminder_rows(mail_app) == 3


def test_a_moved_due_date_is_reminded_again(mail_app, make, smtp, client):
    items = setup_actions(mail_app, make)
    jobs.run_once(mail_app)
    assert len([m for m in reminders(smtp) if m["To"] == "fk@example.se"]) == 1
    # the samordnare moves the item to another day within the reminder days
    user = make.user("samordnare")
    assert do_login(client, user.email).status_code == 302
    action = items["contact"]
    new_due = today() + timedelta(days=1)
    resp = post(
        client,
        f"/actions/{action.id}/due",
        {f"d{action.id}-due_on": new_due.isoformat()},
        form_url="/actions/mine",
    )
    assert resp.status_code == 302
    jobs.run_once(mail_app)
    jobs.run_once(mail_app)
    to_fk = [m for m in reminders(smtp) if m["To"] == "fk@example.se"]
    assert len(to_fk) == 2
    assert f"klart senast {new_due.isoformat()}" in to_fk[1]["Subject"]
    assert "(i morgon)" in to_fk[1].get_body(preferencelist=("plain",)).get_content()
    with Session(mail_app.extensions["db_engine"]) as s:
        keys = s.exec(
            select(OutboxMessage.dedup_key)
            .where(col(OutboxMessage.dedup_key).startswith(f"action-reminder:{action.id}:"))
            .order_by(col(OutboxMessage.id))
        ).all()
    assert keys == [
        f"action-reminder:{action.id}:{(today() + timedelta(days=2)).isoformat()}",
        f"action-reminder:{action.id}:{new_due.isoformat()}",
    ]


def test_the_forums_reminder_days_decide_when(app, make):
    items = setup_actions(app, make, reminder_days=1)
    with app.app_context():
        s = db.session()

        def reminded_after(days: int) -> list[str]:
            jobs.queue_due(s, now=utcnow() + timedelta(days=days))
            return list(
                s.exec(
                    select(OutboxMessage.to_addr)
                    .where(OutboxMessage.kind == "action_reminder")
                    .order_by(col(OutboxMessage.id))
                ).all()
            )

        # one day before: only the item due tomorrow; then each on the day before its date
        assert reminded_after(0) == ["ledamot@example.se"]
        assert reminded_after(1) == ["ledamot@example.se", "fk@example.se"]
        assert reminded_after(2)[-1] == "agare@example.se"
        assert len(reminded_after(9)) == 4  # "Långt fram", due in 10 days
        # once the date has passed nothing more is sent; done items never
        assert len(reminded_after(15)) == 4
        assert items["done"].id not in {int(k.split(":")[1]) for k in _keys(s)}


def _keys(s) -> list[str]:
    return list(
        s.exec(select(OutboxMessage.dedup_key).where(OutboxMessage.kind == "action_reminder")).all()
    )
