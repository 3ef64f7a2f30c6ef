"""The ombud's daily work in a real browser on a phone-sized screen, axe-checked."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def test_quick_log_on_a_phone(page_factory: PageFactory, make: Factories, sign_in) -> None:
    page = page_factory(*MOBILE)
    fault = make.fault(title="Läkarbrist i psykiatrin", authority="Psykiatri", occurrences=2)
    sign_in(page, make.user("ombud").email)
    page.goto("/")
    page.get_by_role("link", name="Logga förekomst").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga förekomst")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    # the part for a new fault is hidden until chosen
    expect(page.get_by_label("Rubrik för nytt systemfel")).to_be_hidden()
    page.get_by_label("Sök befintligt systemfel").fill("läkar")
    suggestion = page.get_by_role("option", name=re.compile(f"^{fault.ref} Läkarbrist"))
    expect(suggestion).to_be_visible()
    assert_axe_clean(page)
    suggestion.click()
    expect(page.locator("#fault-chosen")).to_contain_text(f"{fault.ref} Läkarbrist i psykiatrin")
    page.get_by_label("Vad hände? (avidentifierat)").fill("Återbesöket ställdes in igen.")
    page.get_by_label("Vårdglapp").check()
    page.get_by_role("button", name="Spara förekomsten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Läkarbrist i psykiatrin")
    assert urlsplit(page.url).path == f"/faults/{fault.ref}"
    expect(page.get_by_text("3 förekomster totalt")).to_be_visible()
    expect(page.get_by_text("Återbesöket ställdes in igen.")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)


def test_new_fault_suggests_duplicates(page_factory: PageFactory, make: Factories, sign_in) -> None:
    page = page_factory(*MOBILE)
    existing = make.fault(title="Återkrav flera år senare")
    sign_in(page, make.user("ombud").email)
    page.goto("/log")
    page.get_by_role("radio", name="Nytt systemfel").check()
    expect(page.get_by_label("Sök befintligt systemfel")).to_be_hidden()
    page.get_by_label("Rubrik för nytt systemfel").fill("återkrav")
    dup = page.get_by_role("button", name=re.compile(f"^{existing.ref} "))
    expect(dup).to_be_visible()
    expect(page.get_by_text("Liknande systemfel finns redan")).to_be_visible()
    assert_axe_clean(page)
    # choosing the suggestion switches back to logging on the existing fault
    dup.click()
    expect(page.locator("#fault-chosen")).to_contain_text(f"{existing.ref} {existing.title}")


def test_personnummer_is_refused_with_the_span_shown(
    page_factory: PageFactory, make: Factories, sign_in
) -> None:
    page = page_factory(*MOBILE)
    make.fault(title="Långa handläggningstider")
    sign_in(page, make.user("ombud").email)
    page.goto("/log")
    page.get_by_role("radio", name="Nytt systemfel").check()
    page.get_by_label("Rubrik för nytt systemfel").fill("Beslut dröjer")
    page.get_by_label("Myndighet").select_option(label="Försäkringskassan")
    text = "Klienten 811228-9874 väntade i fyra månader."
    page.get_by_label("Vad hände? (avidentifierat)").fill(text)
    page.get_by_role("button", name="Spara förekomsten").click()
    expect(page.locator("#narrative-error")).to_contain_text("ett personnummer: ”811228-9874”")
    expect(page.get_by_label("Vad hände? (avidentifierat)")).to_have_value(text)
    expect(page.get_by_label("Rubrik för nytt systemfel")).to_have_value("Beslut dröjer")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_fault_page_and_edit_are_accessible(
    page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    page = page_factory(*viewport)
    fault = make.fault(
        occurrences=4, description="**Mönstret** i korthet.", narrative="Handläggaren svarade inte."
    )
    sign_in(page, make.user("samordnare").email)
    page.goto(f"/faults/{fault.ref}")
    expect(page.get_by_role("img", name=re.compile("Stapeldiagram"))).to_be_visible()
    assert_axe_clean(page)
    page.get_by_text("Visa siffrorna som tabell").click()
    expect(page.get_by_role("table", name="Förekomster per månad")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("link", name="Redigera", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Redigera {fault.ref}")
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
