"""Updates to the ombud from the meeting loop: whoever logged on a fault sees on their home
page that it was escalated, decided or answered at a meeting – each event once, never the
one who caused it, never someone of another organisation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from tests.conftest import Factories, do_login, post
from tracker import db
from tracker.accounts.models import User
from tracker.faults import services as faults
from tracker.faults.models import Fault, FaultUpdate
from tracker.faults.updates import loggers
from tracker.meetings import services as meetings
from tracker.meetings.minutes import reopen
from tracker.meetings.models import AgendaItem, Escalation, Forum, Meeting
from tracker.orgs import services as orgs
from tracker.orgs.models import Membership
from tracker.timeutil import local


@contextmanager
def work(app: Flask) -> Iterator[Session]:
    """A unit of work inside the app, as the CLI and jobs run it."""
    with app.app_context():
        s = db.session()
        yield s
        s.commit()


def log_on(app: Flask, fault: Fault, user: User, n: int = 1, narrative: str = "") -> None:
    with work(app) as s:
        f = s.get(Fault, fault.id)
        for i in range(n):
            faults.log_occurrence(
                s,
                fault=f,
                actor_id=user.id,
                observed_on=date.today() - timedelta(days=i),
                narrative=narrative,
            )


def signed_in(app: Flask, user: User) -> FlaskClient:
    c = app.test_client()
    assert do_login(c, user.email).status_code == 302
    return c


def home(c: FlaskClient) -> str:
    html = c.get("/").get_data(as_text=True)
    start = html.find('id="h-updates"')
    assert start > 0, "no updates section on the home page"
    return html[start : html.find("</section>", start)]


def forum(app: Flask, org_id: int, name: str = "Ledningsgruppen") -> Forum:
    with work(app) as s:
        return meetings.create_forum(
            s, org_id=org_id, actor_id=None, name=name, kind="ledningsgrupp"
        )


def updates_of(app: Flask, **where: object) -> list[tuple[str, str]]:
    with Session(app.extensions["db_engine"]) as s:
        q = select(User.email, FaultUpdate.kind).join(User, User.id == FaultUpdate.user_id)
        for k, v in where.items():
            q = q.where(getattr(FaultUpdate, k) == v)
        return sorted(s.exec(q).all())


def test_escalation_tells_each_logger_once_not_the_actor_nor_other_organisations(
    app: Flask, make: Factories
) -> None:
    org = make.org()
    nacka = make.org("nacka")
    fault = make.fault(title="Återkrav år efteråt")
    twin = make.fault(org="nacka", title="Återkrav år efteråt")
    anna, bo = make.user("ombud"), make.user("ombud")
    boss = make.user("samordnare")
    member = make.user("ledamot")  # logged once as ombud, now only sits in the forum
    gone = make.user("ombud")
    elsewhere = make.user("ombud", org="nacka")
    both = make.user("ombud")  # works in both organisations
    with work(app) as s:
        orgs.set_membership(s, user_id=both.id, org_id=nacka.id, role="ombud", actor_id=None)
        m = s.exec(select(Membership).where(Membership.user_id == gone.id)).one()
        orgs.set_active(s, m, active=False, actor_id=None)
    log_on(app, fault, anna, n=3)
    log_on(app, fault, bo)
    log_on(app, fault, boss)
    log_on(app, fault, member)
    log_on(app, fault, gone)
    log_on(app, fault, both)
    log_on(app, twin, elsewhere)
    lg = forum(app, org.id)
    forum(app, nacka.id)

    c = signed_in(app, boss)
    url = f"/faults/{fault.ref}/escalate"
    resp = post(c, url, {"forum_id": lg.id, "ask": "Att FK redovisar varför"}, form_url=url)
    assert resp.status_code == 302

    assert updates_of(app) == sorted(
        [(anna.email, "escalated"), (bo.email, "escalated"), (both.email, "escalated")]
    )
    section = home(signed_in(app, anna))
    assert f"{fault.ref} Återkrav år efteråt" in section
    assert "Eskalerat till Ledningsgruppen" in section
    assert "Inga nya uppdateringar" in home(c)  # the samordnare did it: nothing to tell
    assert "Inga nya uppdateringar" in home(signed_in(app, elsewhere))
    other = signed_in(app, both)
    post(other, "/org/switch", {"org_id": org.id}, form_url="/")
    assert "Eskalerat till Ledningsgruppen" in home(other)
    post(other, "/org/switch", {"org_id": nacka.id}, form_url="/")
    assert "Inga nya uppdateringar" in home(other)  # Nacka's page shows Nacka's only


def test_a_proposal_tells_when_the_samordnare_accepts_it(app: Flask, make: Factories) -> None:
    org = make.org()
    fault = make.fault()
    anna, boss = make.user("ombud"), make.user("samordnare")
    log_on(app, fault, anna)
    lg = forum(app, org.id)
    c = signed_in(app, anna)
    url = f"/faults/{fault.ref}/escalate"
    post(c, url, {"forum_id": lg.id, "ask": "Ta upp det"}, form_url=url)
    assert "Inga nya uppdateringar" in home(c)  # only proposed so far
    with Session(app.extensions["db_engine"]) as s:
        esc_id = s.exec(select(Escalation.id)).one()
    post(signed_in(app, boss), f"/escalations/{esc_id}/accept", form_url="/")
    assert "Eskalerat till Ledningsgruppen" in home(c)  # the ombud proposed, yet is told


def _held_meeting(app: Flask, org_id: int, fault: Fault) -> tuple[Meeting, AgendaItem]:
    """An escalated fault on a meeting that has started."""
    with work(app) as s:
        lg = meetings.create_forum(
            s, org_id=org_id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=lg, ask="Svar önskas", actor_id=None, accept=True
        )
        m = meetings.plan_meeting(
            s, forum=lg, place="Rum 3", actor_id=None, starts_at=datetime.now(UTC) + timedelta(1)
        )
        m.starts_at = datetime.now(UTC) - timedelta(hours=2)
        s.add(m)
        item = s.exec(select(AgendaItem).where(AgendaItem.section == "nytt")).one()
        return m, item


def test_decision_and_response_at_a_meeting_are_told_once(app: Flask, make: Factories) -> None:
    org = make.org()
    fault = make.fault(title="Inga tider i psykiatrin")
    anna, boss = make.user("ombud"), make.user("samordnare")
    member = make.user("ledamot")
    log_on(app, fault, anna, n=2)
    meeting, item = _held_meeting(app, org.id, fault)
    day = local(meeting.starts_at).date().isoformat()
    with work(app) as s:
        meetings.save_minutes(
            s,
            meeting=s.get(Meeting, meeting.id),
            item=s.get(AgendaItem, item.id),
            actor_id=boss.id,
            minutes=meetings.Minutes(decision="Regionen tar fram en plan", outcome="foljs_upp"),
        )
    c = signed_in(app, anna)
    assert "Beslut" not in home(c)  # minutes in progress are not news yet

    with work(app) as s:
        meetings.finalise(s, meeting=s.get(Meeting, meeting.id), actor_id=boss.id)
    section = home(c)
    assert f"Beslut på mötet i Ledningsgruppen {day}: Regionen tar fram en plan" in section

    with work(app) as s:  # the authority answers; and answers again with a correction
        meetings.respond(
            s, item=s.get(AgendaItem, item.id), text="Planen är klar", actor_id=member.id
        )
    with work(app) as s:
        meetings.respond(
            s, item=s.get(AgendaItem, item.id), text="Planen är antagen", actor_id=None
        )
    section = home(c)
    assert f"Svar från myndigheten på mötet i Ledningsgruppen {day}: Planen är antagen" in section

    with work(app) as s:  # reopened and finalised again: no second round of news
        reopen(s, meeting=s.get(Meeting, meeting.id), reason="Stavfel", actor_id=boss.id)
    with work(app) as s:
        meetings.finalise(s, meeting=s.get(Meeting, meeting.id), actor_id=boss.id)
    assert updates_of(app) == [
        (anna.email, "decision"),
        (anna.email, "escalated"),
        (anna.email, "response"),
    ]
    assert home(c).count("<li>") == 3


def test_a_decision_without_text_says_the_outcome(app: Flask, make: Factories) -> None:
    org = make.org()
    fault = make.fault()
    anna = make.user("ombud")
    log_on(app, fault, anna)
    meeting, item = _held_meeting(app, org.id, fault)
    with work(app) as s:
        meetings.save_minutes(
            s,
            meeting=s.get(Meeting, meeting.id),
            item=s.get(AgendaItem, item.id),
            actor_id=None,
            minutes=meetings.Minutes(outcome="atgardat"),
        )
        meetings.finalise(s, meeting=s.get(Meeting, meeting.id), actor_id=None)
    assert "Avslutat – åtgärdat" in home(signed_in(app, anna))


def test_recipients_come_from_a_skip_scan_not_every_occurrence(
    app: Flask, make: Factories, count_queries
) -> None:
    """Many occurrences, few loggers: one statement finds them, whatever the volume."""
    org = make.org()
    fault = make.fault()
    people = [make.user("ombud") for _ in range(3)]
    for p in people:
        log_on(app, fault, p, n=40)
    with work(app) as s:
        found = s.exec(select(func.count()).select_from(loggers(fault.id))).one()
        assert found == 3
    lg = forum(app, org.id)
    with work(app) as s:
        count_queries.reset()
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=lg, ask="x", actor_id=None, accept=True
        )
    recipient_queries = [q for q in count_queries.statements if "WITH RECURSIVE" in q]
    assert len(recipient_queries) == 1
    assert len(updates_of(app, kind="escalated")) == 3
