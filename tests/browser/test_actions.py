"""Action items in a real browser: a samordnare adds one under an agenda item (a wrong
date is refused in Swedish, keeping what was typed), the member marks it done in "Mina
åtgärder", and the home page shows their meetings; every page axe-checked at 360 and
1280 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

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
from tracker.meetings import services as meetings
from tracker.meetings.actions import today
from tracker.meetings.models import ActionItem

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def checked(page, viewport) -> None:
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_add_an_action_item_and_mark_it_done(
    app, page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    org = make.org()
    member = make.user("ledamot")
    fault = make.fault(title="Läkarbrist i psykiatrin", authority="Psykiatri", occurrences=3)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.add_contact(
            s,
            forum=forum,
            actor_id=None,
            name="Psykiatrins representant",
            represents="Psykiatri",
            user_id=member.id,
        )
        meetings.escalate(
            s, fault=s.get(Fault, fault.id), forum=forum, ask="Redovisa", actor_id=None, accept=True
        )
        meeting = meetings.plan_meeting(
            s,
            forum=forum,
            place="Rum 3",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=2),
        )
        s.commit()
    page = page_factory(*viewport)
    sign_in(page, make.user("samordnare").email)
    page.goto(f"/meetings/{meeting.id}")
    item = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    item.get_by_text("Lägg till åtgärd", exact=False).first.click()  # opens the form
    item.get_by_label("Åtgärd", exact=True).fill("Redovisa bemanningen")
    item.get_by_label("Ansvarig").select_option(label="Psykiatrins representant (Psykiatri)")
    yesterday = (today() - timedelta(days=1)).isoformat()
    item.get_by_label("Klart senast").fill(yesterday)
    item.get_by_role("button", name="Lägg till åtgärd").click()
    expect(page.get_by_role("alert")).to_contain_text("Åtgärden är inte tillagd.")
    item = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    expect(item.get_by_text("Datumet har redan passerat.")).to_be_visible()
    expect(item.get_by_label("Åtgärd", exact=True)).to_have_value("Redovisa bemanningen")
    checked(page, viewport)
    due = (today() + timedelta(days=7)).isoformat()
    item.get_by_label("Klart senast").fill(due)
    item.get_by_role("button", name="Lägg till åtgärd").click()
    expect(page.get_by_text("Åtgärden är tillagd.")).to_be_visible()
    item = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    expect(item.get_by_text(f"klart senast {due}")).to_be_visible()
    checked(page, viewport)

    other = page_factory(*viewport)
    sign_in(other, member.email)
    other.goto("/")
    expect(other.get_by_role("heading", name="Nästa möte")).to_be_visible()
    expect(other.get_by_text("Redovisa bemanningen")).to_be_visible()
    checked(other, viewport)
    other.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina åtgärder"
    ).click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Mina åtgärder")
    checked(other, viewport)
    other.get_by_role("button", name="Markera som klar").click()
    expect(other.get_by_text("Åtgärden är markerad som klar.")).to_be_visible()
    expect(other.get_by_text("Du har inga öppna åtgärder.")).to_be_visible()
    with Session(app.extensions["db_engine"]) as s:
        assert s.exec(select(ActionItem.status)).one() == "klar"
