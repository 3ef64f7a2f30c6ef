"""Personal API tokens: created on the account page and by the CLI, shown once, stored
hashed, usable only under /api/v1/, revocable, expiring, audited, rate limited; a session
cookie never authenticates the API, a token never an HTML page."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlmodel import Session, select

from tests.conftest import Factories, do_login, post
from tracker.api import tokens
from tracker.api.models import ApiToken
from tracker.audit import AuditEntry
from tracker.timeutil import utcnow

from .conftest import issue_token

TOKEN = re.compile(r'value="(trk_[A-Za-z0-9_-]+)"')


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_account_page_creates_uses_and_revokes_a_token(
    app: Flask, client, make: Factories, session: Session
) -> None:
    make.fault(occurrences=1)
    user = make.user("ombud")
    assert do_login(client, user.email).status_code == 302
    page = client.get("/account/password").get_data(as_text=True)
    assert "API-nycklar" in page and "Du har inga API-nycklar." in page

    created = post(
        client,
        "/account/api-tokens",
        {"name": "Kommunens ärendesystem", "days": "30"},
        form_url="/account/password",
    )
    assert created.status_code == 201
    raw = TOKEN.search(created.get_data(as_text=True)).group(1)
    row = session.exec(select(ApiToken)).one()
    assert row.token_hash == tokens.hash_token(raw) and raw not in row.token_hash
    assert row.expires_at is not None
    assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    assert row.last_used_on is None

    api = app.test_client()  # another system: no cookie
    resp = api.get("/api/v1/faults", headers=bearer(raw))
    assert resp.status_code == 200 and resp.get_json()["total"] == 1
    session.refresh(row)
    assert row.last_used_on == utcnow().date()

    page = client.get("/account/password").get_data(as_text=True)
    assert "Kommunens ärendesystem" in page and raw not in page  # shown once only
    revoked = post(client, f"/account/api-tokens/{row.id}/revoke", {}, form_url="/account/password")
    assert revoked.status_code == 302
    gone = api.get("/api/v1/faults", headers=bearer(raw))
    assert gone.status_code == 401 and gone.mimetype == "application/problem+json"
    assert "Bearer" in gone.headers["WWW-Authenticate"]
    assert "Återkallad" in client.get("/account/password").get_data(as_text=True)
    actions = session.exec(
        select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.object_id).where(
            AuditEntry.object_type == "api_token"
        )
    ).all()
    assert sorted(actions) == [
        ("api_token.created", user.id, row.id),
        ("api_token.revoked", user.id, row.id),
    ]


def test_account_form_refuses_bad_input_and_keeps_the_text(client, make: Factories) -> None:
    user = make.user("ombud")
    do_login(client, user.email)
    resp = post(
        client, "/account/api-tokens", {"name": "Min nyckel", "days": "0"}, "/account/password"
    )
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'value="Min nyckel"' in html and "Ange 1–3650 dagar." in html
    identifier = post(
        client, "/account/api-tokens", {"name": "anna@example.se"}, "/account/password"
    )
    assert identifier.status_code == 400 and "e-postadress" in identifier.get_data(as_text=True)


def test_someone_elses_token_cannot_be_revoked(app: Flask, client, make: Factories) -> None:
    owner = make.user("ombud")
    raw = issue_token(app, owner)
    other = make.user("admin")
    do_login(client, other.email)
    with Session(app.extensions["db_engine"]) as s:
        token_id = s.exec(select(ApiToken.id)).one()
    resp = post(client, f"/account/api-tokens/{token_id}/revoke", {}, "/account/password")
    assert resp.status_code == 404
    assert app.test_client().get("/api/v1/authorities", headers=bearer(raw)).status_code == 200


def test_expired_token_and_deactivated_membership_stop_working(app: Flask, make: Factories) -> None:
    user = make.user("ombud")
    raw = issue_token(app, user, days=1)
    api = app.test_client()
    assert api.get("/api/v1/authorities", headers=bearer(raw)).status_code == 200
    with Session(app.extensions["db_engine"]) as s:
        row = s.exec(select(ApiToken)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
        s.commit()
    assert api.get("/api/v1/authorities", headers=bearer(raw)).status_code == 401

    from tracker.orgs import services as orgs
    from tracker.orgs.models import Membership

    other = make.user("ombud")
    raw2 = issue_token(app, other)
    assert api.get("/api/v1/authorities", headers=bearer(raw2)).status_code == 200
    with Session(app.extensions["db_engine"]) as s:
        m = s.exec(select(Membership).where(Membership.user_id == other.id)).one()
        orgs.set_active(s, m, active=False, actor_id=None)
        s.commit()
    assert api.get("/api/v1/authorities", headers=bearer(raw2)).status_code == 401


def test_token_follows_the_users_current_role(app: Flask, make: Factories) -> None:
    fault = make.fault()
    user = make.user("ombud")
    raw = issue_token(app, user)
    api = app.test_client()
    body = {"to": "bekraftad", "version": 1}
    url = f"/api/v1/faults/{fault.ref}/status"
    assert api.post(url, json=body, headers=bearer(raw)).status_code == 403
    from tracker.orgs import services as orgs

    with Session(app.extensions["db_engine"]) as s:
        orgs.set_membership(
            s, user_id=user.id, org_id=fault.org_id, role="samordnare", actor_id=None
        )
        s.commit()
    assert api.post(url, json=body, headers=bearer(raw)).status_code == 200


def test_html_pages_never_accept_a_bearer_token(app: Flask, make: Factories) -> None:
    make.fault()
    raw = issue_token(app, make.user("admin"))
    browser = app.test_client()
    for url in ("/", "/faults/", "/account/password", "/admin/audit"):
        resp = browser.get(url, headers=bearer(raw))
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url


def test_api_never_accepts_a_session_cookie(client, make: Factories) -> None:
    user = make.user("samordnare")
    assert do_login(client, user.email).status_code == 302
    resp = client.get("/api/v1/faults")
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    # and a POST with the cookie, without a token, is refused the same way (no CSRF page)
    resp = client.post("/api/v1/faults", json={"title": "x", "primary_authority_id": 1})
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert client.get("/faults/").status_code == 200  # the session itself is untouched


def test_garbage_tokens_are_401(app: Flask) -> None:
    api = app.test_client()
    for header in ("Bearer", "Bearer trk_nope", "Basic dXNlcjpwdw==", "Bearer " + "x" * 500):
        resp = api.get("/api/v1/authorities", headers={"Authorization": header})
        assert resp.status_code == 401, header


def test_rate_limit_per_token(app: Flask, make: Factories) -> None:
    raw = issue_token(app, make.user("ombud"))
    other = issue_token(app, make.user("ombud"))
    api = app.test_client()
    before = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = 3
    try:
        codes = [api.get("/api/v1/authorities", headers=bearer(raw)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = api.get("/api/v1/authorities", headers=bearer(raw))
        assert limited.mimetype == "application/problem+json"
        assert int(limited.headers["Retry-After"]) >= 1
        assert api.get("/api/v1/authorities", headers=bearer(other)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = before


def test_cli_creates_a_token_on_the_last_line(app: Flask, runner, make: Factories, session) -> None:
    user = make.user("samordnare")
    result = runner.invoke(
        args=[
            "api-token",
            "create",
            "--user",
            user.email.upper(),
            "--org",
            "soderort",
            "--name",
            "Samordningsförbundet",
            "--days",
            "90",
        ]
    )
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert raw.startswith("trk_")
    api = app.test_client()
    assert api.get("/api/v1/faults", headers=bearer(raw)).status_code == 200
    row = session.exec(select(ApiToken)).one()
    assert row.name == "Samordningsförbundet" and row.user_id == user.id
    audit = select(AuditEntry.action).where(
        AuditEntry.object_type == "api_token", AuditEntry.object_id == row.id
    )
    assert session.exec(audit).all() == ["api_token.created"]
    wrong = runner.invoke(
        args=["api-token", "create", "--user", user.email, "--org", "nacka", "--name", "x"]
    )
    assert wrong.exit_code != 0 and "inte aktiv medlem" in wrong.output
    leaky = runner.invoke(
        args=[
            "api-token",
            "create",
            "--user",
            user.email,
            "--org",
            "soderort",
            "--name",
            "070-123 45 67",
        ]
    )
    assert leaky.exit_code != 0 and "telefonnummer" in leaky.output
