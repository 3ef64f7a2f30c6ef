"""Password reset, forced change of a password someone else set, and the session rules
(idle time per organisation, absolute lifetime)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlmodel import select

from tests.conftest import csrf_token, do_login, post
from tracker.accounts.models import AccountToken, User
from tracker.audit import AuditEntry
from tracker.orgs.models import Organisation
from tracker.outbox import OutboxMessage
from tracker.timeutil import utcnow

NEW_PASSWORD = "grön-kanot-över-fjärden-9"
SAME_ANSWER = "Om adressen hör till ett konto"


def _reset_link(session, to: str) -> str:
    session.expire_all()
    msg = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "reset", OutboxMessage.to_addr == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert msg is not None
    return re.search(r"https?://[^/\s]+(/\S+)", msg.text_body).group(1)


def _forgot(client, email: str):
    resp = post(client, "/password/forgot", {"email": email})
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    return resp, page


def test_reset_gives_the_same_answer_for_unknown_addresses(client, make, session):
    user = make.user("ombud")
    known, known_page = _forgot(client, user.email)
    unknown, unknown_page = _forgot(client, "ingen@example.se")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert SAME_ANSWER in known_page and SAME_ANSWER in unknown_page
    to = [m.to_addr for m in session.exec(select(OutboxMessage)).all()]
    assert to == [user.email]


def test_reset_link_sets_a_new_password_once_and_ends_every_session(app, client, make, session):
    user = make.user("ombud")
    elsewhere = app.test_client()
    assert do_login(elsewhere, user.email).status_code == 302
    _forgot(client, user.email)
    link = _reset_link(session, user.email)
    token = link.rsplit("/", 1)[1]
    assert session.exec(select(AccountToken)).one().token_hash != token

    page = client.get(link)
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    weak = post(client, link, {"new": "1234567890ab", "confirm": "1234567890ab"})
    assert weak.status_code == 400 and "lösenord" in weak.get_data(as_text=True).lower()
    mismatch = post(client, link, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "stämmer inte överens" in mismatch.get_data(as_text=True)
    done = post(client, link, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].startswith("/login")

    assert elsewhere.get("/faults/").status_code == 302  # logged out everywhere
    assert client.get(link).status_code == 400  # single use
    assert do_login(app.test_client(), user.email).status_code == 400  # old password gone
    assert do_login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "password.reset_requested" in actions and "password.reset" in actions


def test_reset_link_expires_and_a_newer_one_replaces_it(app, client, make, session):
    user = make.user("ombud")
    _forgot(client, user.email)
    first = _reset_link(session, user.email)
    _forgot(client, user.email)
    second = _reset_link(session, user.email)
    # Using the newer link ends the older one.
    assert post(client, second, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(first).status_code == 400
    _forgot(client, user.email)
    third = _reset_link(session, user.email)
    for row in session.exec(select(AccountToken)).all():
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    session.commit()
    resp = app.test_client().get(third)
    assert resp.status_code == 400 and "Be om en ny länk" in resp.get_data(as_text=True)


def test_reset_mails_are_limited_per_hour(client, make, session):
    user = make.user("ombud")
    for _ in range(5):
        _forgot(client, user.email)
    assert len(session.exec(select(OutboxMessage)).all()) == 3


def test_password_set_by_someone_else_must_be_changed_first(app, runner, make, session):
    make.org("soderort")
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "satt@example.se",
            "--name",
            "Satt Av Annan",
            "--password",
            "blå-cykel-vid-sjön-7",
            "--org",
            "soderort",
        ]
    )
    assert result.exit_code == 0 and "måste bytas" in result.output
    c = app.test_client()
    assert do_login(c, "satt@example.se", "blå-cykel-vid-sjön-7").status_code == 302
    for path in ("/", "/faults/", "/account/mfa"):
        resp = c.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password"), (
            path
        )
    form = {"current": "blå-cykel-vid-sjön-7", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(c, "/account/password", form).status_code == 302
    assert c.get("/faults/").status_code == 200
    user = session.exec(select(User).where(User.email == "satt@example.se")).one()
    assert not user.must_change_password


def _age_session(client, *, idle: int = 0, login: int = 0) -> None:
    with client.session_transaction() as sess:
        now = int(time.time())
        sess["seen_at"] = now - idle
        sess["login_at"] = now - login


def test_idle_session_ends_after_the_organisations_hours(client, login, session):
    login("ombud")
    _age_session(client, idle=7 * 3600, login=7 * 3600)
    assert client.get("/faults/").status_code == 200
    org = session.exec(select(Organisation)).one()
    org.session_idle_hours = 2
    session.add(org)
    session.commit()
    _age_session(client, idle=3 * 3600, login=3 * 3600)
    resp = client.get("/faults/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "inte använt tjänsten" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert client.get("/faults/").status_code == 302  # really logged out


def test_session_has_an_absolute_lifetime(client, login):
    login("ombud")
    _age_session(client, idle=60, login=13 * 3600)
    resp = client.get("/faults/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_form_sent_after_the_idle_time_says_it_was_not_saved(client, login):
    login("ombud")
    token = csrf_token(client, "/faults/new")
    _age_session(client, idle=9 * 3600, login=9 * 3600)
    resp = client.post("/faults/new", data={"title": "Något", "csrf_token": token})
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "sparades inte" in html and "Gå tillbaka" in html
