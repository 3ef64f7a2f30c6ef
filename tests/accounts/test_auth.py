from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import col, select, update

from tests.conftest import PASSWORD, do_login, post
from tracker.accounts.models import LoginAttempt, User
from tracker.accounts.views import safe_next
from tracker.audit import AuditEntry


def actions(session):
    return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def test_login_page_is_swedish_and_login_works(client, make, session):
    user = make.user("ombud")
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in" in page and 'lang="sv"' in page
    resp = do_login(client, user.email.upper())
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"Välkommen, {user.name}" in home
    assert "login.success" in actions(session)


def test_wrong_password_keeps_email_and_is_audited_without_free_text(client, make, session):
    user = make.user("ombud")
    resp = do_login(client, user.email, "fel-lösenord")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Fel e-postadress eller lösenord." in page
    assert f'value="{user.email}"' in page
    assert "fel-lösenord" not in page
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "login.failure")).one()
    assert entry.object_type == "user" and entry.object_id == user.id
    assert entry.ip == "127.0.0.1"


def test_unknown_account_is_audited_without_the_typed_address(client, session):
    resp = do_login(client, "ingen@example.se", "whatever")
    assert resp.status_code == 400
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "login.failure")).one()
    assert entry.object_id is None and entry.actor_id is None


def test_throttle_after_five_failures_then_lifts(client, make, session):
    user = make.user("ombud")
    for _ in range(5):
        assert do_login(client, user.email, "fel").status_code == 400
    resp = do_login(client, user.email)  # even the right password is refused now
    assert resp.status_code == 429
    assert "För många misslyckade inloggningar" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # another account is not affected
    other = make.user("ombud")
    assert do_login(client, other.email).status_code == 302
    post(client, "/logout", form_url="/")
    # 16 minutes later the wait (30 s after the fifth failure) has long passed
    for attempt in session.exec(select(LoginAttempt)).all():
        attempt.at -= timedelta(minutes=16)
        session.add(attempt)
    session.commit()
    assert do_login(client, user.email).status_code == 302


def test_throttle_is_stored_in_the_database(app, make, session):
    """A second process (a fresh client, no shared memory) sees the same failures."""
    user = make.user("ombud")
    for _ in range(5):
        do_login(app.test_client(), user.email, "fel")
    assert session.exec(
        select(LoginAttempt).where(
            LoginAttempt.email == user.email, col(LoginAttempt.success).is_(False)
        )
    ).all()
    assert do_login(app.test_client(), user.email).status_code == 429


@pytest.mark.parametrize(
    "target,ok",
    [
        ("/faults/", True),
        ("/admin/users?x=1", True),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("evil", False),
        ("", False),
        ("/\tx", False),
    ],
)
def test_next_accepts_only_local_paths(target, ok):
    assert (safe_next(target) == target) is ok


def test_login_follows_local_next_only(client, make):
    user = make.user("admin")
    resp = post(
        client,
        "/login?next=//evil.example",
        {"email": user.email, "password": PASSWORD},
        form_url="/login",
    )
    assert resp.headers["Location"] == "/"
    post(client, "/logout", form_url="/")
    resp = post(
        client,
        "/login?next=/admin/users",
        {"email": user.email, "password": PASSWORD},
        form_url="/login",
    )
    assert resp.headers["Location"] == "/admin/users"


def test_old_session_cookie_stops_working_after_logout(app, make):
    user = make.user("ombud")
    first = app.test_client()
    do_login(first, user.email)
    cookie = first.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 200
    assert post(first, "/logout", form_url="/").status_code == 302
    assert thief.get("/").status_code == 302  # back to login
    assert first.get("/").status_code == 302


def test_logout_requires_post_with_csrf(client, login):
    login("ombud")
    assert client.get("/logout").status_code == 405
    resp = client.post("/logout")  # no CSRF token
    assert resp.status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make, session):
    user = make.user("ombud")
    phone, laptop = app.test_client(), app.test_client()
    do_login(phone, user.email)
    do_login(laptop, user.email, remember="y")
    resp = post(
        laptop,
        "/account/password",
        {"current": PASSWORD, "new": "blå-cykel-vid-sjön-7", "confirm": "blå-cykel-vid-sjön-7"},
    )
    assert resp.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert "user.password_changed" in actions(session)
    post(laptop, "/logout", form_url="/")
    assert do_login(app.test_client(), user.email, "blå-cykel-vid-sjön-7").status_code == 302


def test_password_change_bad_input_is_400_with_messages(client, login):
    login("ombud")
    resp = post(client, "/account/password", {"current": "fel", "new": "kort", "confirm": "x"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "minst 12 tecken" in page and "stämmer inte överens" in page


def test_remember_cookie_is_killed_by_logout_elsewhere(app, make):
    user = make.user("ombud")
    c = app.test_client()
    do_login(c, user.email, remember="y")
    remember = c.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    other = app.test_client()
    other.set_cookie("remember_token", remember.value)
    assert other.get("/").status_code == 200  # remember cookie logs in
    post(c, "/logout", form_url="/")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/").status_code == 302


def test_password_is_rehashed_when_parameters_change(client, make, session):
    user = make.user("ombud")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    session.exec(update(User).where(User.id == user.id).values(password_hash=weak))
    session.commit()
    assert do_login(client, user.email).status_code == 302
    session.expire_all()
    stored = session.get(User, user.id).password_hash
    assert stored != weak and stored.startswith("$argon2id$")
    assert "m=8192" not in stored


def test_inactive_user_cannot_log_in(client, make, session):
    user = make.user("ombud")
    session.exec(update(User).where(User.id == user.id).values(active=False))
    session.commit()
    resp = do_login(client, user.email)
    assert resp.status_code == 403
    assert "Kontot är inaktiverat" in resp.get_data(as_text=True)
    # Without the password nobody learns that the account exists, active or not.
    wrong = do_login(client, user.email, "fel-lösenord-123")
    assert wrong.status_code == 400 and "inaktiverat" not in wrong.get_data(as_text=True)


def test_csrf_failure_when_logged_out_sends_back_to_login_with_message(client):
    resp = client.post("/login", data={"email": "a@example.se", "password": "x"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Logga in igen" in page


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("1234567890ab", "för lätt att gissa"),
        ("demo-lösenord", "för vanligt"),
        ("kort-ord", "minst 12 tecken"),
        ("demo-lösenord-1", "för vanligt"),
        ("qwertyuiopas", "för lätt att gissa"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, login, new, why):
    login("ombud")
    resp = post(client, "/account/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert resp.status_code == 400
    assert why in resp.get_data(as_text=True)


def test_password_with_own_email_or_name_is_refused(client, login):
    user = login("ombud")
    local = user.email.split("@")[0]
    for new in (f"{local}-blå-cykel-7", f"{user.name.split()[0]}-blå-cykel-sjön"):
        resp = post(client, "/account/password", {"current": PASSWORD, "new": new, "confirm": new})
        assert resp.status_code == 400
        assert "e-postadress eller ditt namn" in resp.get_data(as_text=True)
