"""Two-step verification in a real browser on a phone-sized screen, axe-checked: enrol with
a code computed from the key on the page, see the recovery codes, log in with both steps."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp

from tests.browser.conftest import (
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    csp_violations,
    login,
    skip_or_fail,
)
from tests.conftest import Factories

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def test_enrol_and_log_in_with_a_code_on_a_phone(page_factory: PageFactory, make: Factories):
    page = page_factory(*MOBILE)
    user = make.user("ombud")
    login(page, user.email)
    page.goto("/account/password")
    page.get_by_role("link", name="Hantera tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    page.get_by_role("link", name="Slå på tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slå på tvåstegsverifiering")
    expect(page.get_by_role("img", name=re.compile("QR-kod"))).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)

    secret = page.locator("#mfa-key").inner_text().replace(" ", "")
    field = page.get_by_label("Kod från appen")
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    if time.time() % 30 > 28:  # keep the code and its check within one step
        time.sleep(2.1)
    field.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    expect(page.get_by_text("Spara koderna nu – de visas bara en gång.")).to_be_visible()
    expect(page.locator("ul.codes li")).to_have_count(10)
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Välkommen, {user.name}")

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    login(page, user.email)  # the password step leads to the code
    assert urlsplit(page.url).path == "/login/mfa"
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    # the enrolment used this step's code: the next step's is new (±1 step is accepted)
    page.get_by_label("Kod från appen eller reservkod").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Välkommen, {user.name}")
    assert urlsplit(page.url).path == "/"
    assert csp_violations(page) == []
    assert page_factory.errors(page) == []


def test_a_wrong_code_is_announced_and_accessible(page_factory: PageFactory, make: Factories):
    page = page_factory(*MOBILE)
    user = make.user("ombud")
    login(page, user.email)
    page.goto("/account/mfa/setup")
    page.get_by_label("Kod från appen").fill("000000")
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    expect(page.get_by_text("Koden stämmer inte.", exact=False)).to_be_visible()
    expect(page.get_by_label("Kod från appen")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
