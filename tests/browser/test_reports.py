"""A report author goes from preview to draft to final (with a confirmation) in a real
browser, axe-checked."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    skip_or_fail,
)
from tests.conftest import Factories
from tests.reports.test_report import YEAR, fault_in

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_preview_draft_final(
    app, page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    page = page_factory(*viewport)
    org = make.org()
    fault_in(
        app,
        org,
        "Långa handläggningstider",
        "Försäkringskassan",
        4,
        summary="Beslut dröjer i månader.",
    )
    sign_in(page, make.user("samordnare").email)
    page.goto(f"/reports/{YEAR}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Uppmärksammade brister {YEAR}")
    expect(page.get_by_text("Beslut dröjer i månader.")).to_be_visible()
    expect(
        page.get_by_role("img", name="Stapeldiagram: förekomster per kvartal", exact=False)
    ).to_be_visible()
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Skapa utkast").click()
    draft = page.get_by_label("Utkastets text (Markdown)")
    expect(draft).to_contain_text("Långa handläggningstider")
    assert_axe_clean(page)
    draft.fill(f"# Uppmärksammade brister {YEAR}\n\nRedigerad av rapportförfattaren.\n")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    page.get_by_role("link", name="Markera som slutlig").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Markera avsnittet som slutligt")
    assert_axe_clean(page)
    page.get_by_role("button", name="Markera som slutlig").click()  # not confirmed: refused
    expect(page.get_by_text("Kryssa i att du vill markera avsnittet som slutligt.")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_label("Jag har gått igenom avsnittet").check()
    page.get_by_role("button", name="Markera som slutlig").click()
    expect(page.get_by_text("Slutlig", exact=True)).to_be_visible()
    expect(page.get_by_text("Redigerad av rapportförfattaren.")).to_be_visible()
    assert_axe_clean(page)
