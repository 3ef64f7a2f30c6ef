"""The flush guard: no code path can store an identifier in a free-text column."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text
from sqlmodel import AutoString, SQLModel, select

import tracker.models  # noqa: F401 – every table in the metadata
from tracker.faults.models import Fault, Occurrence
from tracker.privacy.backstop import IdentifierRefused, free_text_columns

from .faults.test_faults import authority_id, quick

# Text columns that hold no typed prose: identifiers of our own, codes, hashes, generated
# mail, and the staff's and contacts' own addresses (which are the point of the column).
EXEMPT = {
    "account_token.email": "the invited or resetting staff member's own address",
    "account_token.kind": "code",
    "account_token.role": "code",
    "account_token.token_hash": "hash",
    "action_item.status": "code",
    "api_token.token_hash": "hash",
    "agenda_item.outcome": "code",
    "agenda_item.section": "code",
    "audit_entry.action": "code",
    "audit_entry.ip": "client address",
    "audit_entry.object_type": "code",
    "authority.huvudman": "code",
    "contact.email": "the contact's own address",
    "escalation.outcome": "code",
    "escalation.status": "code",
    "fault.level": "code",
    "fault_consequence_month.code": "code",
    "fault.ref": "reference",
    "fault.status": "code",
    "fault_event.from_status": "code",
    "fault_event.kind": "code",
    "fault_event.to_status": "code",
    "fault_update.kind": "code",
    "import_fingerprint.fingerprint": "hash",
    "import_mapping.mapping": "column numbers (JSON)",
    "import_mapping.signature": "hash of the header row",
    "import_run.refused": "row, column and the tracker's own reason (JSON)",
    "import_upload.mapping": "column numbers (JSON)",
    "forum.kind": "code",
    "login_attempt.email": "the staff member's own address",
    "login_attempt.ip": "client address",
    "meeting.status": "code",
    "membership.role": "code",
    "occurrence.age_band": "code",
    "occurrence.consequences": "codes",
    "occurrence.gender": "code",
    "organisation.age_bands": "configuration",
    "organisation.slug": "identifier",
    "outbox_message.dedup_key": "key",
    "outbox_message.html_body": "generated from guarded text",
    "outbox_message.kind": "code",
    "outbox_message.last_error": "SMTP server's answer",
    "network.slug": "identifier",
    "network_action_item.status": "code",
    "network_agenda_item.outcome": "code",
    "network_agenda_item.section": "code",
    "network_escalation.status": "code",
    "network_forum.kind": "code",
    "network_meeting.status": "code",
    "network_org.share_rule": "code",
    "network_org.status": "code",
    "network_role.role": "code",
    "outbox_message.status": "code",
    "outbox_message.subject": "generated from guarded text",
    "outbox_message.text_body": "generated from guarded text",
    "scheduler_run.job": "code",
    "outbox_message.to_addr": "the recipient's own address",
    "recovery_code.code_hash": "hash",
    "report_draft.status": "code",
    "user.email": "the staff member's own address",
    "user.locale": "code",
    "user.totp_secret": "generated secret",
    "user.update_mail": "code",
    "user.password_hash": "hash",
    "user.session_token": "token",
}

PNR = "811228-9874"


def test_every_text_column_is_marked_or_explicitly_exempt() -> None:
    marked = {f"{t}.{c.name}" for t, c in free_text_columns(SQLModel.metadata)}
    text_columns = {
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String | Text | AutoString)
    }
    unclassified = text_columns - marked - set(EXEMPT)
    assert not unclassified, f"mark these as free text or exempt them: {sorted(unclassified)}"
    assert not marked & set(EXEMPT)
    assert not set(EXEMPT) - text_columns, "stale exemptions"
    assert {"occurrence.narrative", "fault.description", "agenda_item.decision"} <= marked


def test_a_direct_write_of_an_identifier_is_refused(app, make, session) -> None:
    fault = make.fault(title="Väntetider")
    f = session.get(Fault, fault.id)
    f.description = "Klienten 81\u200b1228-9874 väntar."
    with pytest.raises(IdentifierRefused) as caught:
        session.commit()
    assert (caught.value.table, caught.value.column, caught.value.kinds) == (
        "fault",
        "description",
        ["personnummer"],
    )
    assert "9874" not in str(caught.value)  # the error never carries the text
    session.rollback()
    assert session.get(Fault, fault.id).description == ""


def test_old_text_does_not_block_other_changes(app, make, session) -> None:
    fault = make.fault(title="Väntetider")
    # Text stored before a rule existed: written around the guard on purpose.
    session.connection().execute(
        Fault.__table__.update().where(Fault.__table__.c.id == fault.id).values(description=PNR)
    )
    session.commit()
    f = session.get(Fault, fault.id)
    f.status = "bekraftad"
    session.commit()  # the description did not change, so the flush passes
    assert session.get(Fault, fault.id).status == "bekraftad"


def test_a_route_that_forgot_the_guard_still_stores_nothing(client, login, session, monkeypatch):
    # Simulate a code path without the form guard: the flush guard answers with a clear
    # Swedish 400, and nothing is stored.
    monkeypatch.setattr("tracker.faults.log.guard_form", lambda *a, **k: True)
    login("ombud")
    resp = quick(
        client, mode="new", new_title="Sjukpenning dröjer", new_authority_id=authority_id(session),
        narrative=f"Klienten {PNR} väntar.",
    )  # fmt: skip
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "personnummer" in html and "sparades inte" in html and PNR not in html
    assert session.exec(select(Occurrence)).all() == []
    assert session.exec(select(Fault)).all() == []


def test_cli_refuses_identifiers(runner, make) -> None:
    make.org("soderort")
    result = runner.invoke(args=["org", "create", "--slug", "x1", "--name", f"PO {PNR}"])
    assert result.exit_code != 0
    assert "personnummer" in result.output
