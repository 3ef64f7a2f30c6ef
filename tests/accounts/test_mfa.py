"""Two-step verification: enrolment, the login's second step, recovery codes, turning off,
the administrator's reset – with real TOTP codes computed from the stored secret."""

from __future__ import annotations

import hashlib
import html
import re
import time

import pyotp
import pytest
from sqlmodel import Session, col, select

from tests.conftest import PASSWORD, csrf_token, do_login, post
from tracker.accounts import mfa
from tracker.accounts.models import LoginAttempt, RecoveryCode, User
from tracker.audit import AuditEntry
from tracker.orgs.models import Organisation

CODE_RE = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2})</code>")
KEY_RE = re.compile(r'id="mfa-key">([A-Z2-7 ]+)</code>')


def steady() -> None:
    """Keep a test's codes within one 30-second step (no sleeping 30 s: at most 2)."""
    if time.time() % 30 > 28:
        time.sleep(30 - time.time() % 30 + 0.05)


def code_at(secret: str, offset: int = 0) -> str:
    """The code of the step `offset` seconds from now (±1 step is accepted)."""
    return pyotp.TOTP(secret).at(time.time() + offset)


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()]


def fresh(session: Session, user: User) -> User:
    session.expire_all()
    got = session.get(User, user.id)
    assert got is not None
    return got


def enrol(app, user: User) -> tuple[str, list[str]]:
    """MFA on through the service, confirmed with the previous step's code, so the current
    and the next step's codes are still unused."""
    steady()
    secret = mfa.new_secret()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        u = s.get(User, user.id)
        assert u is not None
        codes = mfa.enable(s, u, secret=secret, code=code_at(secret, -30), org_id=None)
        assert codes is not None
        s.commit()
    return secret, codes


def second_step(client, code: str, url: str = "/login/mfa"):
    return post(client, url, {"code": code}, form_url="/login/mfa")


# ---- enrolment ---------------------------------------------------------------------------


def test_enrolment_wrong_code_then_right_code_shows_recovery_codes_once(client, login, session):
    user = login("ombud")
    page = client.get("/account/mfa/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "<script" not in page
    key = KEY_RE.search(page)
    assert key, page
    secret = key.group(1).replace(" ", "")
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", key.group(1))
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert fresh(session, user).totp_secret is None  # not stored before it is confirmed

    steady()
    resp = post(client, "/account/mfa/setup", {"code": wrong(code_at(secret))})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Koden stämmer inte." in page
    assert KEY_RE.search(page).group(1).replace(" ", "") == secret  # the same secret kept
    assert fresh(session, user).totp_secret is None

    steady()
    resp = post(client, "/account/mfa/setup", {"code": code_at(secret)})
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 200
    assert "Spara koderna nu – de visas bara en gång" in page
    codes = CODE_RE.findall(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = fresh(session, user)
    assert stored.totp_secret == secret and stored.has_mfa and stored.mfa_enabled_at
    hashes = {r.code_hash for r in session.exec(select(RecoveryCode)).all()}
    assert hashes == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert not hashes & set(codes) and all(len(h) == 64 for h in hashes)
    assert "mfa.enabled" in actions(session)
    # enrolled: the setup page leads to the status page, which counts the codes
    resp = client.get("/account/mfa/setup")
    assert resp.status_code == 302 and resp.headers["Location"] == "/account/mfa"
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "Oanvända reservkoder: 10 av 10." in page


def test_enrolment_goes_on_to_a_local_next(client, login):
    login("ombud")
    page = client.get("/account/mfa/setup?next=/faults/").get_data(as_text=True)
    secret = KEY_RE.search(page).group(1).replace(" ", "")
    steady()
    page = post(client, "/account/mfa/setup", {"code": code_at(secret)}).get_data(as_text=True)
    assert 'href="/faults/"' in page


def test_setup_needs_login(client):
    resp = client.get("/account/mfa/setup")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# ---- the login's second step -------------------------------------------------------------


def test_login_needs_the_second_step_and_then_logs_in(app, client, make, session):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    resp = do_login(client, user.email)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login/mfa"
    # no session yet: protected pages still send to the login
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/account/mfa").status_code == 302
    assert "login.success" not in actions(session)
    page = client.get("/login/mfa").get_data(as_text=True)
    assert "Kod från appen eller reservkod" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    resp = second_step(client, code_at(secret))
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert f"Välkommen, {user.name}" in client.get("/").get_data(as_text=True)
    assert actions(session).count("login.success") == 1
    stored = fresh(session, user)
    assert stored.last_login_at is not None and stored.totp_last_step is not None
    failed = select(LoginAttempt).where(col(LoginAttempt.success).is_(False))
    assert session.exec(failed).all() == []


def test_next_survives_the_second_step(app, client, make):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    post(client, "/login?next=/faults/", {"email": user.email, "password": PASSWORD}, "/login")
    assert second_step(client, code_at(secret)).headers["Location"] == "/faults/"


def test_wrong_code_is_refused_and_audited(app, client, make, session):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    do_login(client, user.email)
    steady()
    bad = wrong(code_at(secret))
    resp = second_step(client, bad)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Koden stämmer inte." in page
    assert bad not in page
    assert client.get("/").status_code == 302
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "login.mfa_failure")).one()
    assert entry.object_type == "user" and entry.object_id == user.id
    assert "login.success" not in actions(session)


def test_a_code_is_accepted_only_once(app, client, make, session):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    do_login(client, user.email)
    code = code_at(secret)
    assert second_step(client, code).status_code == 302
    post(client, "/logout", form_url="/")
    do_login(client, user.email)
    resp = second_step(client, code)  # the same code again: a replay
    assert resp.status_code == 400
    assert client.get("/").status_code == 302
    # the next step's code is new and is accepted
    assert second_step(client, code_at(secret, 30)).status_code == 302
    assert actions(session).count("login.success") == 2


def test_recovery_code_works_once(app, client, make, session):
    user = make.user("ombud")
    _secret, codes = enrol(app, user)
    do_login(client, user.email)
    page = client.get("/login/mfa?recovery=1").get_data(as_text=True)
    assert 'inputmode="text"' in page  # letters for a recovery code
    typed = " " + codes[0].upper().replace("-", " ") + " "  # case, spaces, dashes: no matter
    resp = second_step(client, typed, url="/login/mfa?recovery=1")
    assert resp.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Du har 9 oanvända reservkoder kvar." in home
    used = session.exec(select(RecoveryCode).where(col(RecoveryCode.used_at).is_not(None))).all()
    assert len(used) == 1
    assert "mfa.recovery_code_used" in actions(session)
    post(client, "/logout", form_url="/")
    do_login(client, user.email)
    assert second_step(client, codes[0]).status_code == 400
    assert second_step(client, codes[1]).status_code == 302


def test_wrong_codes_count_towards_the_throttle(app, client, make, session):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    do_login(client, user.email)
    steady()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert second_step(client, wrong(code_at(secret))).status_code == 400
    resp = second_step(client, code_at(secret))  # even the right code waits now
    assert resp.status_code == 429
    assert "För många misslyckade inloggningar" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    failures = session.exec(
        select(LoginAttempt).where(
            LoginAttempt.email == user.email, col(LoginAttempt.success).is_(False)
        )
    ).all()
    assert len(failures) == limit
    assert actions(session).count("login.mfa_failure") == limit


def test_the_password_again_does_not_reset_the_code_limit(app, client, make):
    """The password step records a success; the wrong codes still add up."""
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    steady()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        do_login(client, user.email)
        assert second_step(client, wrong(code_at(secret))).status_code == 400
    do_login(client, user.email)
    assert second_step(client, code_at(secret)).status_code == 429


def test_pending_second_step_expires(app, client, make, session):
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    do_login(client, user.email)
    token = csrf_token(client, "/login/mfa")
    with client.session_transaction() as sess:
        state = dict(sess["mfa_pending"])
        state["at"] -= 5 * 60 + 1
        sess["mfa_pending"] = state
    resp = client.post("/login/mfa", data={"code": code_at(secret), "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert "Logga in igen" in client.get("/login").get_data(as_text=True)
    assert "login.success" not in actions(session)


def test_second_step_without_a_password_step_goes_to_login(client):
    resp = client.get("/login/mfa")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"


# ---- turning off, new codes, reset -------------------------------------------------------


def login_with_mfa(app, client, make) -> tuple[User, str, list[str]]:
    """Logged in with the current step's code; the next step's code is still unused."""
    user = make.user("ombud")
    secret, codes = enrol(app, user)
    do_login(client, user.email)
    assert second_step(client, code_at(secret)).status_code == 302
    return user, secret, codes


def test_disable_needs_the_password_and_a_code(app, client, make, session):
    user, secret, _codes = login_with_mfa(app, client, make)
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "Stäng av tvåstegsverifiering" in page
    url = "/account/mfa/disable"
    bad_password = {"password": "fel-lösenord", "code": code_at(secret, 30)}
    resp = post(client, url, bad_password, "/account/mfa")
    assert resp.status_code == 400
    assert "Lösenordet eller koden stämmer inte." in resp.get_data(as_text=True)
    resp = post(client, url, {"password": PASSWORD, "code": "000000"}, "/account/mfa")
    assert resp.status_code == 400
    resp = post(client, url, {"password": PASSWORD}, "/account/mfa")
    assert resp.status_code == 400
    assert fresh(session, user).has_mfa
    resp = post(client, url, {"password": PASSWORD, "code": code_at(secret, 30)}, "/account/mfa")
    assert resp.status_code == 302 and resp.headers["Location"] == "/account/mfa"
    stored = fresh(session, user)
    assert stored.totp_secret is None and stored.mfa_enabled_at is None
    assert session.exec(select(RecoveryCode)).all() == []
    assert "mfa.disabled" in actions(session)
    assert "avstängd" in client.get("/account/mfa").get_data(as_text=True)
    # the next login needs the password only
    post(client, "/logout", form_url="/")
    assert do_login(client, user.email).headers["Location"] == "/"


def test_disable_is_refused_when_an_organisation_requires_mfa(app, client, make, session):
    user, secret, _codes = login_with_mfa(app, client, make)
    org = session.exec(select(Organisation)).one()
    org.mfa_required = True
    session.add(org)
    session.commit()
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "kräver den" in page and 'action="/account/mfa/disable"' not in page
    resp = post(
        client,
        "/account/mfa/disable",
        {"password": PASSWORD, "code": code_at(secret, 30)},
        form_url="/account/mfa",
    )
    assert resp.status_code == 400
    assert "kan inte stängas av" in resp.get_data(as_text=True)
    assert fresh(session, user).has_mfa
    assert "mfa.disabled" not in actions(session)


def test_new_recovery_codes_need_the_password_and_replace_the_old(app, client, make, session):
    user, _secret, old = login_with_mfa(app, client, make)
    url = "/account/mfa/recovery-codes"
    resp = post(client, url, {"password": "fel-lösenord"}, form_url="/account/mfa")
    assert resp.status_code == 400
    assert "Nuvarande lösenord stämmer inte." in resp.get_data(as_text=True)
    resp = post(client, url, {"password": PASSWORD}, form_url="/account/mfa")
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 200 and "Spara koderna nu – de visas bara en gång" in page
    new = CODE_RE.findall(page)
    assert len(new) == 10 and not set(new) & set(old)
    assert "mfa.recovery_codes_renewed" in actions(session)
    post(client, "/logout", form_url="/")
    do_login(client, user.email)
    assert second_step(client, old[0]).status_code == 400
    assert second_step(client, new[0]).status_code == 302


def test_reset_mfa_clears_everything_and_is_audited(app, client, make, session):
    admin = make.user("admin")
    user = make.user("ombud")
    secret, _codes = enrol(app, user)
    org = session.exec(select(Organisation)).one()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        u = s.get(User, user.id)
        assert u is not None
        mfa.reset_mfa(s, u, actor_id=admin.id, org_id=org.id)
        s.commit()
    stored = fresh(session, user)
    assert stored.totp_secret is None and stored.totp_last_step is None
    assert stored.mfa_enabled_at is None and not stored.has_mfa
    assert session.exec(select(RecoveryCode)).all() == []
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "mfa.reset")).one()
    assert (entry.actor_id, entry.org_id, entry.object_type, entry.object_id) == (
        admin.id,
        org.id,
        "user",
        user.id,
    )
    assert do_login(client, user.email).headers["Location"] == "/"


def test_no_secret_or_code_reaches_the_audit_log(app, client, make, session):
    user, secret, codes = login_with_mfa(app, client, make)
    post(client, "/logout", form_url="/")
    do_login(client, user.email)
    second_step(client, "123456")
    second_step(client, codes[0])
    resp = post(client, "/account/mfa/recovery-codes", {"password": PASSWORD}, "/account/mfa")
    new = CODE_RE.findall(html.unescape(resp.get_data(as_text=True)))
    dump = repr([e.model_dump() for e in session.exec(select(AuditEntry)).all()]).lower()
    assert {"mfa.enabled", "login.mfa_failure", "mfa.recovery_code_used"} <= set(actions(session))
    for secretish in [secret, *codes, *new, "123456"]:
        norm = secretish.lower()
        assert norm not in dump and norm.replace("-", "") not in dump


@pytest.mark.parametrize("typed", ["", "12345", "abc", "1234567", "x" * 41])
def test_malformed_codes_are_refused_without_error(app, client, make, typed):
    user = make.user("ombud")
    enrol(app, user)
    do_login(client, user.email)
    assert second_step(client, typed).status_code == 400
