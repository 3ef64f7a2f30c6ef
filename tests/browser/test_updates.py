"""The ombud's updates in a real Chromium, with the demo data: the home page's list and
"Markera som lästa", the page of all updates and the e-mail choice – axe-clean (WCAG 2.1
A/AA) at 360 and 1280 px, no sideways scrolling on a phone, keyboard only."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlmodel import Session

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    skip_or_fail,
)
from tracker.demo import DEMO_PASSWORD, load_demo

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_updates_on_home_and_their_page(
    page_factory: PageFactory, sign_in, app: Flask, viewport
) -> None:
    with Session(app.extensions["db_engine"]) as s:
        load_demo(s)
        s.commit()
    page = page_factory(*viewport)
    sign_in(page, "ombud@demo.se", DEMO_PASSWORD)
    page.goto("/")
    section = page.get_by_role("region", name="Uppdateringar om dina systemfel")
    expect(section).to_contain_text("Eskalerat till Ledningsgruppen")
    expect(section).to_contain_text(
        re.compile(r"Beslut på mötet i Ledningsgruppen \d{4}-\d\d-\d\d: ")
    )
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)

    section.get_by_role("button", name="Markera som lästa").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("markerade som lästa")
    expect(section).to_contain_text("Inga nya uppdateringar")

    with page.expect_navigation():
        section.get_by_role("link", name="Alla uppdateringar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppdateringar om dina systemfel")
    expect(page.get_by_role("main")).to_contain_text("Eskalerat till Ledningsgruppen")
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Välj om du vill få uppdateringarna med e-post").click()
    page.get_by_label("Direkt", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("group", name="Hur vill du få uppdateringarna med e-post?").locator(
            "xpath=ancestor::form"
        ).get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Du får e-post direkt")
    expect(page.get_by_label("Direkt", exact=True)).to_be_checked()
    assert_axe_clean(page)
