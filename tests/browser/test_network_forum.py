"""The network forum in a real Chromium: the coordinator's forum list, a forum, the
planned meeting's page with minutes saved for one item, a refused save (a personnummer)
and the escalation page – axe-core (WCAG 2.1 AA) at 360 and 1280 px, no sideways scrolling
on a phone, the CSP holds."""

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
def test_network_forum_of_the_coordinator(
    app: Flask, page_factory: PageFactory, sign_in, viewport
) -> None:
    load_demo_data(app)
    page = page_factory(*viewport)
    sign_in(page, "natverk@demo.se", DEMO_PASSWORD)
    page.goto("/networks/stockholm/")
    page.get_by_role("link", name="Nätverksforum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nätverksforum")
    check_page(page, viewport, page_factory)
    page.get_by_role("link", name="Samverkansforum Stockholm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansforum Stockholm")
    check_page(page, viewport, page_factory)
    page.get_by_role("link", name="Möte").last.click()  # newest first: the held one is last
    expect(page.get_by_text("protokollet är justerat och låst")).to_be_visible()
    check_page(page, viewport, page_factory)
    page.go_back()
    page.get_by_role("link", name="Möte").first.click()  # the planned meeting
    expect(page.get_by_role("heading", name="1. Uppföljning")).to_be_visible()
    expect(page.get_by_text("Ta fram förslag på direktlinje").first).to_be_visible()
    check_page(page, viewport, page_factory)
    decision = page.get_by_label("Beslut").first
    decision.fill("Gäller 19121212-1212")
    page.get_by_role("button", name="Spara protokollet").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Beslut").first).to_have_value("Gäller 19121212-1212")
    check_page(page, viewport, page_factory, refused=True)
    page.get_by_label("Beslut").first.fill("Direktlinjen införs i januari.")
    page.get_by_role("button", name="Spara protokollet").first.click()
    expect(page.get_by_text("är sparat")).to_be_visible()
    expect(page.get_by_label("Beslut").first).to_have_value("Direktlinjen införs i januari.")
    check_page(page, viewport, page_factory, refused=True)  # the page's log keeps the 400


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_decision_in_the_members_fault_box(
    app: Flask, page_factory: PageFactory, sign_in, viewport
) -> None:
    load_demo_data(app)
    page = page_factory(*viewport)
    sign_in(page, "admin@demo.se", DEMO_PASSWORD)
    page.goto("/faults/")
    page.get_by_role("link", name="Försörjningsstöd svårt att nå per telefon").first.click()
    expect(page.get_by_text("Beslut i nätverkets forum")).to_be_visible()
    check_page(page, viewport, page_factory)
