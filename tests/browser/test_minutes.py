"""A samordnare finalises minutes with a confirmation, reopens them with a reason and
finalises the correction – at 360 px, every page axe-checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from tests.browser.conftest import (
    MOBILE,
    PLAYWRIGHT_MISSING,
    PageFactory,
    assert_axe_clean,
    assert_no_horizontal_scroll,
    skip_or_fail,
)
from tests.conftest import Factories
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def test_finalise_reopen_and_refinalise_at_360px(
    app, page_factory: PageFactory, make: Factories, sign_in
) -> None:
    page = page_factory(*MOBILE)
    org = make.org()
    fault = make.fault(title="Läkarbrist i psykiatrin", authority="Psykiatri", occurrences=3)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.add_contact(s, forum=forum, actor_id=None, name="Chefen", email="chef@example.se")
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
        meeting.starts_at = datetime.now(UTC) - timedelta(hours=2)  # held
        s.add(meeting)
        item = s.exec(select(AgendaItem).where(AgendaItem.section == "nytt")).one()
        meetings.save_minutes(
            s,
            meeting=meeting,
            item=item,
            actor_id=None,
            minutes=meetings.Minutes(decision="Psykiatrin återkommer.", outcome="atgardat"),
        )
        s.commit()
    sign_in(page, make.user("samordnare").email)
    page.goto(f"/meetings/{meeting.id}")
    page.get_by_role("link", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fastställ minnesanteckningarna")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    # without the confirmation nothing happens
    page.get_by_role("button", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_text("Kryssa i att du vill fastställa")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_label("Jag har gått igenom minnesanteckningarna").check()
    page.get_by_role("button", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_text("Genomfört – protokollet är låst")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    # the minutes, to read and print
    page.get_by_role("link", name="Minnesanteckningar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Minnesanteckningar: Ledningsgruppen")
    expect(page.get_by_text("Beslut: Psykiatrin återkommer.")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    # reopen: the reason is required
    page.goto(f"/meetings/{meeting.id}")
    page.get_by_role("link", name="Öppna för rättelse").click()
    assert_axe_clean(page)
    page.get_by_role("button", name="Öppna för rättelse").click()
    expect(page.get_by_text("Skriv ett skäl.").first).to_be_visible()
    assert_axe_clean(page)
    page.get_by_label("Skäl").fill("Beslutet skrevs ofullständigt.")
    page.get_by_role("button", name="Öppna för rättelse").click()
    expect(page.get_by_text("Beslutet skrevs ofullständigt.")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    item_block = page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")
    item_block.get_by_label("Beslut").fill("Psykiatrin återkommer med en plan i mars.")
    item_block.get_by_role("button", name="Spara anteckning").click()
    expect(page.get_by_text("Anteckningen för")).to_be_visible()
    # re-finalise the correction
    page.get_by_role("link", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fastställ de rättade minnesanteckningarna"
    )
    assert_axe_clean(page)
    page.get_by_label("Jag har gått igenom minnesanteckningarna").check()
    page.get_by_role("button", name="Fastställ minnesanteckningarna").click()
    expect(page.get_by_text("De rättade minnesanteckningarna är fastställda")).to_be_visible()
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Minnesanteckningar", exact=True).click()
    expect(page.get_by_text("Rättad version 2.")).to_be_visible()
    expect(page.get_by_text("Psykiatrin återkommer med en plan i mars.")).to_be_visible()
    with Session(app.extensions["db_engine"]) as s:
        subjects = s.exec(select(OutboxMessage.subject).where(OutboxMessage.kind == "minutes"))
        assert sorted(x.split(":")[0] for x in subjects) == [
            "Minnesanteckningar",
            "Rättade minnesanteckningar",
        ]
