"""Invitations, deactivation and the admin's member pages: an admin never sees a password,
and nothing about another organisation's account is shown before the person accepts."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from tests.conftest import PASSWORD, do_login, post
from tracker.accounts.models import AccountToken, User
from tracker.audit import AuditEntry
from tracker.orgs.models import Membership, Organisation
from tracker.outbox import OutboxMessage
from tracker.timeutil import utcnow

NEW_PASSWORD = "grön-kanot-över-fjärden-9"


def _invite(client, email: str, role: str = "ombud"):
    return post(client, "/admin/users/new", {"email": email, "role": role})


def _link(session, kind: str, to: str) -> str:
    """The path of the newest link mailed to `to` (read from the outbox row)."""
    session.expire_all()
    msg = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.to_addr == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert msg is not None, f"no {kind} mail to {to}"
    return re.search(r"https?://[^/\s]+(/\S+)", msg.text_body).group(1)


def _actions(session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.exec(select(AuditEntry)).all()]


def test_invited_person_chooses_name_and_password_and_joins(app, client, login, session):
    login("admin")
    resp = _invite(client, "Ny.Person@Example.se", "samordnare")
    assert resp.status_code == 302
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "ny.person@example.se" in users_page and "Skicka igen" in users_page
    link = _link(session, "invite", "ny.person@example.se")
    assert "/invite/" in link
    token = link.rsplit("/", 1)[1]
    # Only the hash is stored; the admin's outbox page does not show the link.
    row = session.exec(select(AccountToken)).one()
    assert row.token_hash != token and token not in row.token_hash
    msg = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "invite")).one()
    outbox_page = client.get(f"/admin/outbox/{msg.id}").get_data(as_text=True)
    assert token not in outbox_page and "personlig engångslänk" in outbox_page

    guest = app.test_client()
    page = guest.get(link)
    assert page.status_code == 200 and "Gå med i" in page.get_data(as_text=True)
    weak = post(
        guest,
        link,
        {"name": "Ny Person", "new": "ny.person@example.se1", "confirm": "ny.person@example.se1"},
    )
    assert weak.status_code == 400
    assert 'value="Ny Person"' in weak.get_data(as_text=True)
    pnr = post(
        guest, link, {"name": "Ny 811228-9874", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert pnr.status_code == 400 and "Texten innehåller" in pnr.get_data(as_text=True)
    done = post(guest, link, {"name": "Ny Person", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert "som Samordnare" in guest.get("/").get_data(as_text=True)
    user = session.exec(select(User).where(User.email == "ny.person@example.se")).one()
    assert not user.must_change_password and user.last_login_at is not None
    assert "invitation.accepted" in _actions(session)
    # The link is used up.
    again = app.test_client().get(link)
    assert again.status_code == 400 and "Länken fungerar inte" in again.get_data(as_text=True)
    assert "Ny Person" in client.get("/admin/users").get_data(as_text=True)


def test_existing_account_of_another_org_joins_only_by_accepting(app, client, login, make, session):
    login("admin", "soderort")
    make.org("nacka", "PO Nacka")
    other = make.user("ombud", "nacka")
    resp = _invite(client, other.email)
    assert resp.status_code == 302
    listing = client.get("/admin/users").get_data(as_text=True)
    # The inviting admin learns nothing about the account: no name, no membership yet.
    assert other.name not in listing and other.name not in client.get(
        resp.headers["Location"]
    ).get_data(as_text=True)
    soderort = make.org("soderort")
    assert (
        session.exec(
            select(Membership).where(
                Membership.user_id == other.id, Membership.org_id == soderort.id
            )
        ).first()
        is None
    )
    link = _link(session, "invite", other.email)

    c = app.test_client()
    page = c.get(link).get_data(as_text=True)
    assert "Logga in med det" in page
    login_url = f"/login?next={link}"
    resp = post(c, login_url, {"email": other.email, "password": PASSWORD}, form_url="/login")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(link)
    assert "Godta inbjudan" in c.get(link).get_data(as_text=True)
    assert post(c, link).status_code == 302
    m = session.exec(
        select(Membership).where(Membership.user_id == other.id, Membership.org_id == soderort.id)
    ).one()
    assert m.role == "ombud" and m.active
    assert other.name in client.get("/admin/users").get_data(as_text=True)


def test_invitation_link_for_another_address_is_refused_when_logged_in(
    app, client, login, make, session
):
    login("admin")
    _invite(client, "someone@example.se")
    link = _link(session, "invite", "someone@example.se")
    c = app.test_client()
    stranger = make.user("ombud", "nacka")
    do_login(c, stranger.email)
    resp = c.get(link)
    assert resp.status_code == 400 and "annan adress" in resp.get_data(as_text=True)
    assert (
        post(
            c, link, {"name": "X", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}, form_url="/"
        ).status_code
        == 400
    )
    assert session.exec(select(User).where(User.email == "someone@example.se")).first() is None


def test_resend_replaces_the_link_and_revoke_ends_it(app, client, login, session):
    login("admin")
    _invite(client, "a@example.se")
    first = _link(session, "invite", "a@example.se")
    row = session.exec(select(AccountToken)).one()
    resp = post(client, f"/admin/invitations/{row.id}/resend", form_url="/admin/users")
    assert resp.status_code == 302
    second = _link(session, "invite", "a@example.se")
    assert second != first
    assert app.test_client().get(first).status_code == 400
    assert app.test_client().get(second).status_code == 200
    assert (
        post(client, f"/admin/invitations/{row.id}/revoke", form_url="/admin/users").status_code
        == 302
    )
    assert app.test_client().get(second).status_code == 400
    assert "a@example.se" not in client.get("/admin/users").get_data(as_text=True)
    assert {"invitation.sent", "invitation.resent", "invitation.revoked"} <= set(_actions(session))


def test_expired_invitation_is_refused_and_shown_as_expired(app, client, login, session):
    login("admin")
    _invite(client, "late@example.se")
    link = _link(session, "invite", "late@example.se")
    row = session.exec(select(AccountToken)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.add(row)
    session.commit()
    assert app.test_client().get(link).status_code == 400
    assert "Utgången" in client.get("/admin/users").get_data(as_text=True)


def test_invite_errors_keep_input(client, login, make):
    admin = login("admin")
    resp = _invite(client, "inte-en-adress")
    assert resp.status_code == 400 and 'value="inte-en-adress"' in resp.get_data(as_text=True)
    assert "Ange en giltig e-postadress." in resp.get_data(as_text=True)
    resp = _invite(client, admin.email)
    assert resp.status_code == 400 and "redan medlem" in resp.get_data(as_text=True)
    assert _invite(client, "dubbel@example.se").status_code == 302
    resp = _invite(client, "dubbel@example.se")
    assert resp.status_code == 400 and "redan en inbjudan" in resp.get_data(as_text=True)


def test_invitation_of_another_org_is_404(app, client, login, make, session):
    login("admin", "soderort")
    nacka = make.org("nacka", "PO Nacka")
    raw_row = AccountToken(
        kind="invite",
        token_hash="x" * 64,
        email="n@example.se",
        org_id=nacka.id,
        role="ombud",
        expires_at=utcnow() + timedelta(hours=1),
    )
    session.add(raw_row)
    session.commit()
    for action in ("resend", "revoke"):
        url = f"/admin/invitations/{raw_row.id}/{action}"
        assert post(client, url, form_url="/admin/users").status_code == 404


def _membership(session, user) -> Membership:
    session.expire_all()
    return session.exec(select(Membership).where(Membership.user_id == user.id)).one()


def test_deactivated_member_is_logged_out_and_cannot_log_in(app, client, login, make, session):
    login("admin")
    person = make.user("ombud")
    theirs = app.test_client()
    assert do_login(theirs, person.email).status_code == 302
    m = _membership(session, person)
    listing = client.get("/admin/users").get_data(as_text=True)
    assert (
        "Senast inloggad" in listing
        and "aldrig" not in listing.split(person.name)[1].split("</tr>")[0]
    )

    resp = post(client, f"/admin/users/{m.id}/deactivate", form_url=f"/admin/users/{m.id}")
    assert resp.status_code == 302
    assert theirs.get("/faults/").status_code == 302  # the session has ended
    refused = do_login(app.test_client(), person.email)
    assert refused.status_code == 403 and "inaktiverat" in refused.get_data(as_text=True)
    assert "Inaktiverad" in client.get("/admin/users").get_data(as_text=True)
    # History keeps the name: the audit log still names the person.
    assert person.name in client.get("/admin/audit").get_data(as_text=True)

    assert (
        post(client, f"/admin/users/{m.id}/reactivate", form_url=f"/admin/users/{m.id}").status_code
        == 302
    )
    assert do_login(app.test_client(), person.email).status_code == 302
    assert {"membership.deactivated", "membership.reactivated"} <= set(_actions(session))


def test_admin_cannot_deactivate_or_remove_themselves(client, login, make, session):
    admin = login("admin")
    make.user("admin")  # a second admin, so only the "yourself" rule applies
    m = _membership(session, admin)
    for action in ("deactivate", "remove"):
        resp = post(client, f"/admin/users/{m.id}/{action}", form_url=f"/admin/users/{m.id}")
        assert resp.status_code == 400, action
    assert _membership(session, admin).active


def test_deactivation_in_one_org_keeps_the_other(app, client, login, make, session):
    login("admin", "soderort")
    person = make.user("ombud", "soderort")
    nacka = make.org("nacka", "PO Nacka")
    from tracker.orgs import services as orgs

    with session:
        orgs.set_membership(
            session, user_id=person.id, org_id=nacka.id, role="ombud", actor_id=None
        )
        session.commit()
    m = session.exec(
        select(Membership).where(Membership.user_id == person.id, Membership.org_id != nacka.id)
    ).one()
    post(client, f"/admin/users/{m.id}/deactivate", form_url=f"/admin/users/{m.id}")
    c = app.test_client()
    assert do_login(c, person.email).status_code == 302
    home = c.get("/").get_data(as_text=True)
    assert "PO Nacka" in home and 'id="org-switch"' not in home


def test_mfa_requirement_is_a_setting_and_sends_members_to_enrolment(
    app, client, login, make, session
):
    login("admin")
    org = session.exec(select(Organisation)).one()
    form = {
        "name": org.name,
        "kommuner": "",
        "recurrence_threshold": "3",
        "recurrence_months": "12",
        "age_bands": "18–29, 30+",
        "digest_lead_days": "7",
        "small_count_limit": "3",
        "session_idle_hours": "8",
        "mfa_required": "y",
    }
    assert post(client, "/admin/settings", form).status_code == 302
    assert "org.mfa_required" in _actions(session)
    person = make.user("ombud")
    c = app.test_client()
    assert do_login(c, person.email).status_code == 302
    resp = c.get("/faults/")
    assert resp.status_code == 302 and "/account/mfa/setup" in resp.headers["Location"]


def test_admin_resets_a_members_two_step_verification(app, client, login, make, session):
    from tests.accounts.test_mfa import enrol

    login("admin")
    person = make.user("ombud")
    enrol(app, person)
    m = _membership(session, person)
    page = client.get(f"/admin/users/{m.id}").get_data(as_text=True)
    assert "Nollställ tvåstegsverifiering" in page
    resp = post(client, f"/admin/users/{m.id}/mfa-reset", form_url=f"/admin/users/{m.id}")
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(User, person.id).totp_secret is None
    assert "mfa.reset" in _actions(session)
    # Another organisation's member is out of reach.
    stranger = make.user("ombud", "nacka")
    theirs = session.exec(select(Membership).where(Membership.user_id == stranger.id)).one()
    url = f"/admin/users/{theirs.id}/mfa-reset"
    assert post(client, url, form_url="/admin/users").status_code == 404
