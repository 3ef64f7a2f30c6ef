"""A report author goes from preview to draft – editing a section, previewing it, saving – to
final (with a confirmation) in a real browser, axe-checked."""

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
    # one text box per heading, each with its rendered preview
    fk = page.get_by_label("FÖRSÄKRINGSKASSAN", exact=True)
    expect(fk).to_contain_text("Långa handläggningstider")
    section = page.locator(".draft-section", has=fk)
    preview = section.locator(".preview-box")
    expect(preview.locator("strong")).to_have_text("Långa handläggningstider")
    assert_axe_clean(page)
    fk.fill("Redigerad av **rapportförfattaren**. <script>window.hacked = 1</script>")
    section.get_by_role("button", name="Förhandsgranska").click()
    expect(preview.locator("strong")).to_have_text("rapportförfattaren")
    expect(preview).not_to_contain_text("Långa handläggningstider")
    assert page.evaluate("window.hacked === undefined")
    text_box, preview_box = fk.bounding_box(), preview.bounding_box()
    assert text_box and preview_box
    if viewport == MOBILE:  # the preview stacks under the text
        assert preview_box["y"] >= text_box["y"] + text_box["height"]
        assert_no_horizontal_scroll(page)
    else:  # beside it
        assert preview_box["x"] >= text_box["x"] + text_box["width"]
    assert_axe_clean(page)
    fk.fill("Redigerad av **rapportförfattaren**.")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet är sparat (1 avsnitt ändrat).")).to_be_visible()
    expect(
        page.locator(
            ".draft-section", has=page.get_by_label("FÖRSÄKRINGSKASSAN", exact=True)
        ).locator(".preview-box strong")
    ).to_have_text("rapportförfattaren")
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


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_conflict_and_take_in(
    app, page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    from tests.conftest import do_login, post
    from tests.reports.test_draft_editor import sections, set_text

    page = page_factory(*viewport)
    org = make.org()
    fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", 4)
    sign_in(page, make.user("ombud").email)
    page.goto(f"/reports/{YEAR}")
    page.get_by_role("button", name="Skapa utkast").click()
    fk = page.get_by_label("FÖRSÄKRINGSKASSAN", exact=True)
    # someone else saves the same section meanwhile
    other = app.test_client()
    do_login(other, make.user("samordnare").email)
    url = f"/reports/{YEAR}"
    form = sections(other.get(url).get_data(as_text=True))
    assert post(other, f"{url}/draft/save", set_text(form, "### FÖRS", "Deras text."), url)
    fk.fill("Min text.")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(
        page.get_by_role("heading", name="Någon annan har ändrat utkastet medan du skrev")
    ).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator(".their-version .prose")).to_have_text("Deras text.")
    expect(fk).to_have_value("Min text.")
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    page.get_by_label("Behåll min text (så som den står i rutan)").check()
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet är sparat (1 avsnitt ändrat).")).to_be_visible()
    # new data: a plain-language change with "Ta in", asking first as the section was edited
    fault_in(app, org, "Krav på intyg", "Försäkringskassan", 4)
    page.reload()
    expect(page.get_by_text("Nytt systemfel:", exact=False)).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("button", name="Ta in").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta in ändringen i utkastet")
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Ta in och ersätt utkastets text").click()
    expect(page.get_by_text("Den nya texten är intagen i utkastet", exact=False)).to_be_visible()
    expect(page.get_by_label("FÖRSÄKRINGSKASSAN", exact=True)).to_contain_text("Krav på intyg")
