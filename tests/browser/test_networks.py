"""The network pages in a real Chromium: the register, a network fault, matching and the
nätverkssamordnare's page, and the organisation admin's network pages – axe-core (WCAG 2.1
AA) at 360 and 1280 px, no sideways scrolling on a phone, the CSP holds."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.browser.conftest import (
    PLAYWRIGHT_MISSING,
    VIEWPORTS,
    PageFactory,
    check_page,
    load_demo_data,
    skip_or_fail,
)
from tracker.demo import DEMO_PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_network_pages_of_the_coordinator(
    app: Flask, page_factory: PageFactory, sign_in, viewport
) -> None:
    load_demo_data(app)
    page = page_factory(*viewport)
    sign_in(page, "natverk@demo.se", DEMO_PASSWORD)
    page.goto("/networks/stockholm/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockholms stad – personligt ombud")
    check_page(page, viewport, page_factory)
    page.get_by_role("search").get_by_label("Sök i rubrik och sammanfattning").fill("handläggare")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("status")).to_contain_text("rad")
    check_page(page, viewport, page_factory)
    page.goto("/networks/stockholm/")
    page.get_by_role("link", name="Ingen personlig handläggare på Arbetsförmedlingen").first.click()
    expect(page.get_by_text("Sett i 2 av 2 verksamheter")).to_be_visible()
    check_page(page, viewport, page_factory)
    page.goto("/networks/stockholm/matching")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matchning")
    check_page(page, viewport, page_factory)
    page.goto("/networks/stockholm/admin")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medlemmar och roller")
    check_page(page, viewport, page_factory)
    page.get_by_role("button", name="Bjud in").click()  # nothing chosen: 400, said in words
    expect(page.get_by_text("Välj en verksamhet.").first).to_be_visible()
    check_page(page, viewport, page_factory, refused=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_network_pages_of_the_org_admin(
    app: Flask, page_factory: PageFactory, sign_in, viewport
) -> None:
    load_demo_data(app)
    page = page_factory(*viewport)
    sign_in(page, "admin@demo.se", DEMO_PASSWORD)
    page.goto("/admin/networks/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nätverk för")
    check_page(page, viewport, page_factory)
    page.goto("/admin/networks/sharing")
    expect(page.get_by_role("heading", level=1)).to_have_text("Systemfel som delas i nätverk")
    check_page(page, viewport, page_factory)
    page.get_by_role("link", name="Nätverk", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockholms stad – personligt ombud")
    check_page(page, viewport, page_factory)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_network_report_of_the_coordinator(
    app: Flask, page_factory: PageFactory, sign_in, viewport
) -> None:
    """The compiled report: read, made a draft, a save refused in words (empty text), the
    draft saved and made final – axe-clean at every step."""
    load_demo_data(app)
    page = page_factory(*viewport)
    sign_in(page, "natverk@demo.se", DEMO_PASSWORD)
    page.goto("/networks/stockholm/")
    page.get_by_role("link", name="Sammanställd rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uppmärksammade brister")
    expect(page.get_by_text("Sett i 2 av 2 verksamheter").first).to_be_visible()
    check_page(page, viewport, page_factory)
    page.get_by_role("button", name="Skapa utkast").click()
    expect(page.get_by_text("Utkastet är skapat")).to_be_visible()
    check_page(page, viewport, page_factory)
    text = page.get_by_label("Rapportens text (Markdown)")
    text.fill("")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Skriv rapportens text.").first).to_be_visible()
    check_page(page, viewport, page_factory, refused=True)
    text.fill("# Uppmärksammade brister\n\nGranskad text.")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    page.get_by_label("Jag har gått igenom rapporten").check()
    page.get_by_role("button", name="Markera som slutlig").click()
    expect(page.get_by_text("Rapporten är markerad som slutlig.")).to_be_visible()
    expect(page.get_by_text("Granskad text.")).to_be_visible()
    check_page(page, viewport, page_factory, refused=True)  # the refused save is in the log
