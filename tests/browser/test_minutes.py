"""The meeting day as a samordnare lives it: the minutes written as one document with the
autosaved draft, finalised with a confirmation, reopened with a reason and finalised again
as a correction – at 360 px, the editor also at 1280 px, every page axe-checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
from tracker.digests.models import OutboxMessage
from tracker.faults.models import Fault
from tracker.meetings import services as meetings
from tracker.meetings.models import Meeting

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra is not installed
    skip_or_fail(PLAYWRIGHT_MISSING)


def test_the_meeting_day_plan_minute_finalise_reopen_correct(
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
        s.commit()
    sign_in(page, make.user("samordnare").email)
    # plan the meeting: the agenda is built from the escalated fault
    page.goto(f"/forums/{forum.id}")
    page.get_by_role("link", name="Planera möte").click()
    page.get_by_label("Datum").fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_label("Klockslag").fill("09:00")
    page.get_by_role("button", name="Planera mötet").click()
    expect(page.get_by_text("Mötet är planerat och dagordningen byggd.")).to_be_visible()
    expect(page.locator(".agenda-item").filter(has_text="Läkarbrist i psykiatrin")).to_be_visible()
    assert_axe_clean(page)
    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.get_by_role("link", name="Skriv minnesanteckningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv minnesanteckningar")
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    item_box = page.locator("details").filter(has_text="Läkarbrist i psykiatrin")
    item_box.get_by_label("Diskussion").fill("Väntetiderna har ökat sedan i våras.")
    # the draft is kept while typing, and the status line says so
    expect(page.get_by_text("Utkastet sparat")).to_be_visible(timeout=10_000)
    # leaving with unsaved text asks first; coming back restores the draft
    dialogs: list[str] = []

    def answer(dialog):  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.get_by_text("Ditt osparade utkast")).to_be_visible()
    expect(item_box.get_by_label("Diskussion")).to_have_value(
        "Väntetiderna har ökat sedan i våras."
    )
    assert_axe_clean(page)
    item_box.get_by_label("Beslut").fill("Psykiatrin återkommer.")
    item_box.get_by_label("Avslutat – åtgärdat").check()
    page.get_by_role("button", name="Spara minnesanteckningarna").click()
    expect(page.get_by_text("Minnesanteckningarna är sparade")).to_be_visible()
    expect(page.get_by_text("Ditt osparade utkast")).to_have_count(0)
    assert_axe_clean(page)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    assert_axe_clean(page)
    page.set_viewport_size({"width": MOBILE[0], "height": MOBILE[1]})
    # the meeting is held: now it can be finalised
    with Session(app.extensions["db_engine"]) as s:
        held = s.get(Meeting, meeting_id)
        held.starts_at = datetime.now(UTC) - timedelta(hours=2)
        s.add(held)
        s.commit()
    page.goto(f"/meetings/{meeting_id}")
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
    page.goto(f"/meetings/{meeting_id}")
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
    page.get_by_role("link", name="Rätta minnesanteckningarna").click()
    item_box.get_by_label("Beslut").fill("Psykiatrin återkommer med en plan i mars.")
    page.get_by_role("button", name="Spara minnesanteckningarna").click()
    expect(page.get_by_text("Minnesanteckningarna är sparade")).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("link", name="Till mötet").click()
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
