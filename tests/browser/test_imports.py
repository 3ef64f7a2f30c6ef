"""Upload → preview → import in a real Chromium at 360 px: axe-clean (WCAG 2.1 A/AA), no
sideways scrolling, every step by keyboard."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import (
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    skip_or_fail,
)
from tests.imports.files import xlsx

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)

pytestmark = pytest.mark.browser

ROWS = [
    [
        date(2024, 3, 15),
        "Försäkringskassan",
        "Långa handläggningstider",
        "Väntade länge.",
        "Kvinna",
        "",
        "",
        "",
    ],
    [date(2024, 3, 16), "Kronofogden", "Utmätning utan förvarning", "", "", "", "", ""],
    [
        date(2024, 3, 17),
        "Kronofogden",
        "Utmätning utan förvarning",
        "Ring 070-123 45 67",
        "",
        "",
        "",
        "",
    ],
]


def test_upload_preview_and_import_at_360px(
    page_factory: PageFactory, sign_in, make, tmp_path
) -> None:
    path = tmp_path / "lista.xlsx"
    path.write_bytes(xlsx(ROWS))
    page = page_factory(*MOBILE)
    sign_in(page, make.user("samordnare").email)
    page.goto("/faults/")
    with page.expect_navigation():
        page.get_by_role("link", name="Importera", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera förekomster")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Fil (XLSX eller CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Förhandsgranska importen")
    main = page.get_by_role("main")
    expect(main).to_contain_text("2 förekomster att importera")
    expect(main).to_contain_text("1 avvisade rader")
    refused = page.get_by_role("table", name="Avvisade rader med orsak")
    expect(refused).to_contain_text("telefonnummer")
    expect(refused).not_to_contain_text("070")
    expect(page.get_by_role("button", name="Importera", exact=True)).to_have_count(0)
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="Importera de giltiga raderna").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importen är klar")
    expect(page.get_by_role("status")).to_contain_text("2 förekomster importerades")
    expect(
        page.get_by_role("link", name="Ladda ner listan över avvisade rader (CSV)")
    ).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
