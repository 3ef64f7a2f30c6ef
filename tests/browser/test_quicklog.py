"""The quick log's fault picker in a real browser, at 360 and 1280 px, axe-checked: the
combobox by keyboard and touch, the chosen fault with "Byt", the error summary, the skip
link and a fresh form after Back."""

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
    csp_violations,
    skip_or_fail,
)
from tests.conftest import Factories

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)

VIEWPORTS = [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
RENT = "Höga hyror täcks inte av försörjningsstödet"
OTHER = "Ingen personlig handläggare"


def _faults(make: Factories) -> tuple[str, str]:
    """Two faults that "hyr" finds: one by its title, one (busier and more recent) only
    through a narrative – the title match must come first."""
    other = make.fault(
        title=OTHER, authority="Arbetsförmedlingen", occurrences=4, narrative="Hyran blev sen."
    )
    rent = make.fault(title=RENT, authority="Försäkringskassan", occurrences=2)
    return rent.ref, other.ref


def _checked(page: Page, viewport: tuple[int, int]) -> None:
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)


def _path(page: Page) -> str:
    return urlsplit(page.url).path


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pick_by_keyboard_save_and_back(
    page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    page = page_factory(*viewport)
    rent_ref, other_ref = _faults(make)
    sign_in(page, make.user("ombud").email)
    page.goto("/log")
    _checked(page, viewport)

    box = page.get_by_role("combobox", name="Sök befintligt systemfel")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("hyr")
    listbox = page.get_by_role("listbox", name="Förslag")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text(RENT)
    expect(options.first).to_contain_text("Försäkringskassan")
    expect(options.first).to_contain_text("2 förekomster")
    expect(page.get_by_role("status").filter(has_text="hittades")).to_have_text(
        "2 systemfel hittades"
    )
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "fault-listbox")
    _checked(page, viewport)

    # arrow keys move the highlight; the field keeps the focus
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "fault-option-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "fault-option-1")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "fault-option-0")
    expect(box).to_be_focused()
    # Escape closes the list
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))
    # Enter with nothing highlighted submits nothing
    box.press("Enter")
    expect(listbox).to_be_visible()
    assert _path(page) == "/log"
    expect(page.locator("#error-summary")).to_have_count(0)

    # Enter picks the highlighted fault: shown with title, authority and count, not sent
    box.press("ArrowDown")
    box.press("Enter")
    chosen = page.locator("#fault-chosen")
    expect(chosen).to_be_visible()
    expect(chosen).to_contain_text(rent_ref)
    expect(chosen).to_contain_text(RENT)
    expect(chosen).to_contain_text("Försäkringskassan · 2 förekomster")
    expect(box).to_be_hidden()
    byt = page.get_by_role("button", name="Byt", exact=True)
    expect(byt).to_be_focused()
    assert _path(page) == "/log"
    expect(page.locator("#error-summary")).to_have_count(0)
    _checked(page, viewport)

    # "Byt" returns to the search, with what was typed and its suggestions
    byt.click()
    expect(chosen).to_be_hidden()
    expect(box).to_be_focused()
    expect(box).to_have_value("hyr")
    expect(options).to_have_count(2)
    # a tap on the other suggestion picks that one instead
    options.nth(1).click()
    expect(chosen).to_contain_text(OTHER)
    expect(chosen).to_contain_text("Arbetsförmedlingen · 4 förekomster")
    byt.click()
    box.press("ArrowDown")
    box.press("Enter")
    expect(chosen).to_contain_text(RENT)

    page.get_by_label("Vad hände? (avidentifierat)").fill("Hyran höjdes efter renoveringen.")
    page.get_by_role("button", name="Spara förekomsten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RENT)
    expect(page).to_have_url(re.compile(f"/faults/{rent_ref}$"))
    expect(page.get_by_text("3 förekomster totalt")).to_be_visible()

    # Back: a fresh, empty form – not the saved text
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga förekomst")
    expect(page.get_by_label("Vad hände? (avidentifierat)")).to_have_value("")
    expect(chosen).to_be_hidden()
    expect(box).to_be_visible()
    expect(box).to_have_value("")
    assert other_ref  # the busier fault was never logged on
    assert csp_violations(page) == []
    assert page_factory.errors(page) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_error_summary_takes_focus_and_links_to_fields(
    page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    page = page_factory(*viewport)
    rent_ref, _other = _faults(make)
    sign_in(page, make.user("ombud").email)
    page.goto("/log")
    # typed but not picked, and an impossible date: the server answers with the summary
    page.get_by_role("combobox", name="Sök befintligt systemfel").fill("hyr")
    page.get_by_label("Datum då det observerades").fill("2099-01-01")
    page.get_by_label("Vad hände? (avidentifierat)").fill("Texten finns kvar.")
    page.get_by_role("button", name="Spara förekomsten").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Rätta det här innan du sparar")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    expect(links.first).to_have_attribute("href", "#fault_ref")
    expect(links.nth(1)).to_have_attribute("href", "#observed_on")
    expect(page.get_by_label("Vad hände? (avidentifierat)")).to_have_value("Texten finns kvar.")
    _checked(page, viewport)
    links.nth(1).click()
    expect(page.get_by_label("Datum då det observerades")).to_be_focused()
    links.first.click()
    expect(page.get_by_role("combobox", name="Sök befintligt systemfel")).to_be_focused()

    # the ranked candidates (the same list as without JavaScript): the title match first
    candidates = page.get_by_role("group", name="Menade du något av dessa?").get_by_role("button")
    expect(candidates.first).to_have_text(f"{rent_ref} {RENT}")
    candidates.first.click()
    chosen = page.locator("#fault-chosen")
    expect(chosen).to_contain_text(RENT)
    expect(chosen).to_contain_text("Försäkringskassan · 2 förekomster")
    page.get_by_label("Datum då det observerades").fill("2026-01-05")
    page.get_by_role("button", name="Spara förekomsten").click()
    expect(page).to_have_url(re.compile(f"/faults/{rent_ref}$"))
    # Back over the pages that answered the sending: a fresh form
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga förekomst")
    expect(page.get_by_label("Vad hände? (avidentifierat)")).to_have_value("")
    expect(page.locator("#error-summary")).to_have_count(0)
    assert [e for e in page_factory.errors(page) if "status of 400" not in e] == []


def test_skip_link_goes_straight_to_the_form(
    page_factory: PageFactory, make: Factories, sign_in
) -> None:
    page = page_factory(*MOBILE)
    make.fault(title=RENT)
    sign_in(page, make.user("ombud").email)
    page.goto("/log")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Till formuläret")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Befintligt systemfel")).to_be_focused()


def test_chosen_fault_from_a_link(page_factory: PageFactory, make: Factories, sign_in) -> None:
    page = page_factory(*MOBILE)
    rent_ref, _other = _faults(make)
    sign_in(page, make.user("ombud").email)
    page.goto(f"/log?fault={rent_ref}")
    chosen = page.locator("#fault-chosen")
    expect(chosen).to_contain_text(f"{rent_ref} {RENT}")
    expect(chosen).to_contain_text("Försäkringskassan · 2 förekomster")
    assert_axe_clean(page)
    page.get_by_role("button", name="Byt", exact=True).click()
    box = page.get_by_role("combobox", name="Sök befintligt systemfel")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    assert _path(page) == "/log"
