"""A samordnare minutes a meeting in a real browser; every page axe-checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
from tracker.meetings import services as meetings

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


@pytest.mark.parametrize(
    "viewport", [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_samordnare_minutes_a_meeting(
    app, page_factory: PageFactory, make: Factories, sign_in, viewport
) -> None:
    page = page_factory(*viewport)
    org = make.org()
    fault = make.fault(title="Läkarbrist i psykiatrin", authority="Psykiatri", occurrences=3)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.escalate(
            s,
            fault=s.get(Fault, fault.id),
            forum=forum,
            actor_id=None,
            ask="Att psykiatrin redovisar bemanningen.",
            accept=True,
        )
        meeting = meetings.plan_meeting(
            s,
            forum=forum,
            place="Rum 3",
            actor_id=None,
            starts_at=datetime.now(UTC) + timedelta(days=2),
        )
        meeting.starts_at = datetime.now(UTC) - timedelta(hours=2)  # held: minutes come after
        s.add(meeting)
        s.commit()
    sign_in(page, make.user("samordnare").email)
    page.goto("/forums/")
    page.get_by_role("link", name="Ledningsgruppen").click()
    assert_axe_clean(page)
    page.goto(f"/meetings/{meeting.id}")
    expect(page.get_by_role("heading", name="2. Nya ärenden")).to_be_visible()
    item = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    expect(item.get_by_text("Att psykiatrin redovisar bemanningen.")).to_be_visible()
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    # finalising without an outcome is refused, naming the item
    page.get_by_role("link", name="Fastställ minnesanteckningarna").click()
    page.get_by_label("Jag har gått igenom minnesanteckningarna").check()
    page.get_by_role("button", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{fault.ref} Läkarbrist i psykiatrin")
    assert_axe_clean(page)
    page.goto(f"/meetings/{meeting.id}")
    page.get_by_role("link", name="Skriv minnesanteckningar").click()
    item = page.locator("details").filter(has_text="Läkarbrist i psykiatrin")
    item.get_by_label("Beslut").fill("Psykiatrin återkommer med en plan.")
    item.get_by_label("Ansvarig", exact=True).fill("Psykiatrins representant")
    item.get_by_label("Följs upp nästa möte").check()
    page.get_by_role("button", name="Spara minnesanteckningarna").click()
    expect(page.get_by_text("Minnesanteckningarna är sparade")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("link", name="Till mötet").click()
    page.get_by_role("link", name="Fastställ minnesanteckningarna").click()
    page.get_by_label("Jag har gått igenom minnesanteckningarna").check()
    page.get_by_role("button", name="Fastställ minnesanteckningarna").click()
    # no next meeting planned: the samordnare is asked to plan one, date proposed
    expect(page.get_by_role("heading", level=1)).to_have_text("Planera möte")
    expect(page.get_by_text("inget nästa möte är planerat")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("button", name="Planera mötet").click()
    expect(page.get_by_role("heading", name="1. Uppföljning från föregående möte")).to_be_visible()
    followed = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    expect(followed.get_by_text("Psykiatrin återkommer med en plan.")).to_be_visible()
    assert_axe_clean(page)
