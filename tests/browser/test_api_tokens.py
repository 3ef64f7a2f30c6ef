"""The account page's API keys and the API's documentation page in a real Chromium:
keyboard only, axe-core (WCAG 2.1 AA) at 360 and 1280 px, no sideways scrolling, the CSP
holds."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    csp_violations,
    skip_or_fail,
)
from tests.conftest import Factories

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)

VIEWPORTS = [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_create_and_revoke_a_key_by_keyboard(
    page_factory: PageFactory, make: Factories, sign_in, live_server: str, viewport
) -> None:
    page = page_factory(*viewport)
    sign_in(page, make.user("ombud").email)
    page.goto("/account/password")
    expect(page.get_by_role("heading", name="API-nycklar")).to_be_visible()
    assert_axe_clean(page)
    name = page.get_by_label("Namn på nyckeln")
    name.focus()
    page.keyboard.type("Kommunens ärendesystem")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("API-nyckel skapad")
    token = page.get_by_label("API-nyckel").input_value()
    assert token.startswith("trk_")
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)

    api = page.request.get(
        f"{live_server}/api/v1/authorities", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status == 200

    page.get_by_role("link", name="Tillbaka till ditt konto").click()
    row = page.get_by_role("row", name="Kommunens ärendesystem")
    expect(row).to_contain_text("Aktiv")
    revoke = page.get_by_role("button", name="Återkalla Kommunens ärendesystem")
    revoke.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("row", name="Kommunens ärendesystem")).to_contain_text("Återkallad")
    assert_axe_clean(page)
    gone = page.request.get(
        f"{live_server}/api/v1/authorities", headers={"Authorization": f"Bearer {token}"}
    )
    assert gone.status == 401
    assert csp_violations(page) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_docs_page_is_accessible(page_factory: PageFactory, viewport) -> None:
    page = page_factory(*viewport)
    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Systemfel tracker API 1")
    expect(page.get_by_role("heading", name="POST /api/v1/faults/{ref}/status")).to_be_visible()
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    assert csp_violations(page) == []
