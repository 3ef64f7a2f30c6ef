"""Invitation and password reset end to end: the admin's form, a real SMTP server
(aiosmtpd), the link read back from the delivered e-mail and followed in Chromium at
360 px – axe-clean on every step."""

from __future__ import annotations

import re

from flask import Flask
from sqlmodel import Session, select

from tests.browser.conftest import (
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    login,
    skip_or_fail,
)
from tests.conftest import Factories
from tests.digests.conftest import SMTPServer, mail_app, smtp  # noqa: F401 – fixtures
from tracker.digests.outbox import send_pass
from tracker.outbox import LINK_REMOVED, OutboxMessage

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover
    skip_or_fail(PLAYWRIGHT_MISSING)

CHOSEN = "grön-kanot-över-fjärden-9"


def _deliver(app: Flask) -> None:
    with Session(app.extensions["db_engine"]) as s:
        send_pass(s, app.config)


def _link_in_last_mail(smtp: SMTPServer, to: str) -> str:  # noqa: F811
    mails = [m for m in smtp.handler.messages if m["To"] == to]
    assert mails, f"no mail to {to}"
    text = mails[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", text).group(0)


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)


def test_invitation_mail_is_followed_to_a_new_account(
    mail_app: Flask,  # noqa: F811
    smtp: SMTPServer,  # noqa: F811
    live_server: str,
    page_factory: PageFactory,
    make: Factories,
    sign_in,
) -> None:
    mail_app.config["BASE_URL"] = live_server
    admin_page = page_factory(*MOBILE)
    sign_in(admin_page, make.user("admin").email)
    admin_page.goto("/admin/users/new")
    admin_page.get_by_label("E-postadress").fill("ny.kollega@example.se")
    admin_page.get_by_label("Roll").select_option("samordnare")
    admin_page.get_by_role("button", name="Skicka inbjudan").click()
    expect(admin_page.get_by_text("Inbjudan är skickad till ny.kollega@example.se")).to_be_visible()
    _checked(admin_page)

    _deliver(mail_app)
    link = _link_in_last_mail(smtp, "ny.kollega@example.se")
    with Session(mail_app.extensions["db_engine"]) as s:
        msg = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invite")).one()
        assert msg.status == "sent" and msg.text_body == LINK_REMOVED  # link gone from the DB

    page = page_factory(*MOBILE)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Gå med i "))
    _checked(page)
    page.get_by_label("Ditt namn").fill("Ny Kollega")
    page.get_by_label("Nytt lösenord", exact=True).fill("kort")
    page.get_by_label("Upprepa nytt lösenord").fill("kort")
    page.get_by_role("button", name="Gå med").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Ditt namn")).to_have_value("Ny Kollega")
    _checked(page)
    page.get_by_label("Nytt lösenord", exact=True).fill(CHOSEN)
    page.get_by_label("Upprepa nytt lösenord").fill(CHOSEN)
    page.get_by_role("button", name="Gå med").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Ny Kollega")
    _checked(page)

    admin_page.goto("/admin/users")
    expect(admin_page.get_by_role("link", name="Ny Kollega")).to_be_visible()


def test_reset_mail_is_followed_to_a_new_password(
    mail_app: Flask,  # noqa: F811
    smtp: SMTPServer,  # noqa: F811
    live_server: str,
    page_factory: PageFactory,
    make: Factories,
) -> None:
    mail_app.config["BASE_URL"] = live_server
    user = make.user("ombud")
    page = page_factory(*MOBILE)
    page.goto("/login")
    page.get_by_role("link", name="Glömt lösenord?").click()
    _checked(page)
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_role("button", name="Skicka länk").click()
    expect(page.get_by_text("Om adressen hör till ett konto")).to_be_visible()

    _deliver(mail_app)
    page.goto(_link_in_last_mail(smtp, user.email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj nytt lösenord")
    _checked(page)
    page.get_by_label("Nytt lösenord", exact=True).fill(CHOSEN)
    page.get_by_label("Upprepa nytt lösenord").fill(CHOSEN)
    page.get_by_role("button", name="Spara lösenord").click()
    expect(page.get_by_text("Lösenordet är bytt")).to_be_visible()
    login(page, user.email, CHOSEN)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Välkommen, "))
