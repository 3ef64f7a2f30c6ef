"""Two people edit the same fault in two browsers: one on a phone (360 px), one at a desk
(1280 px). Different fields are both kept; the same field comes back with both versions and
a choice per field, axe-clean at both widths, and nothing the first person saved is lost."""

from __future__ import annotations

import pytest
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
from tests.conftest import Factories
from tracker.faults.models import Fault

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def _stored(app, fault_id: int) -> Fault:
    with Session(app.extensions["db_engine"]) as s:
        fault = s.get(Fault, fault_id)
        assert fault is not None
        s.expunge(fault)
        return fault


@pytest.mark.parametrize("second_size", [MOBILE, DESKTOP], ids=["360", "1280"])
def test_two_browsers_edit_one_fault_and_nobody_loses_text(
    app, page_factory: PageFactory, make: Factories, sign_in, second_size
) -> None:
    fault = make.fault(description="Ursprunglig beskrivning.")
    first = page_factory(*(DESKTOP if second_size == MOBILE else MOBILE))
    second = page_factory(*second_size)
    sign_in(first, make.user("ombud").email)
    sign_in(second, make.user("samordnare").email)
    url = f"/faults/{fault.ref}/edit"
    first.goto(url)
    second.goto(url)

    # the first person changes the title and the description and saves
    first.get_by_label("Rubrik", exact=True).fill("Handläggningen tar för lång tid")
    first.get_by_label("Beskrivning (Markdown)").fill("Den första personens beskrivning.")
    first.get_by_role("button", name="Spara").click()
    expect(first.get_by_text("Ändringarna är sparade.")).to_be_visible()

    # the second, on the page loaded before, changes the description and the summary
    second.get_by_label("Beskrivning (Markdown)").fill("Den andra personens beskrivning.")
    second.get_by_label("Sammanfattning för årsrapporten").fill("Sammanfattning från tvåan.")
    second.get_by_role("button", name="Spara").click()
    alert = second.get_by_role("alert").filter(has_text="Någon annan har ändrat systemfelet")
    expect(alert).to_be_visible()
    box = second.locator("#conflict-description")
    expect(box).to_contain_text("Den första personens beskrivning.")
    expect(second.get_by_label("Beskrivning (Markdown)")).to_have_value(
        "Den andra personens beskrivning."
    )
    # the title only the first person changed is theirs already; the summary is still mine
    expect(second.get_by_label("Rubrik", exact=True)).to_have_value(
        "Handläggningen tar för lång tid"
    )
    expect(second.get_by_label("Sammanfattning för årsrapporten")).to_have_value(
        "Sammanfattning från tvåan."
    )
    expect(box.get_by_label("Behåll min", exact=False)).to_be_checked()
    assert_axe_clean(second)
    assert_no_horizontal_scroll(second)
    assert _stored(app, fault.id or 0).description == "Den första personens beskrivning."

    # keyboard: the link in the summary leads to the field; choose theirs and save
    alert.get_by_role("link", name="Beskrivning (Markdown)").click()
    box.get_by_label("Behåll deras").check()
    second.get_by_role("button", name="Spara").click()
    expect(second.get_by_text("Ändringarna är sparade.")).to_be_visible()

    saved = _stored(app, fault.id or 0)
    assert saved.title == "Handläggningen tar för lång tid"
    assert saved.description == "Den första personens beskrivning."
    assert saved.report_summary == "Sammanfattning från tvåan."
