"""Queueing messages exactly once, and delivering them through SMTP with retries."""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..outbox import LINK_REMOVED, OutboxMessage, queue
from ..timeutil import utcnow

log = logging.getLogger(__name__)
RETRY_FOR = timedelta(hours=24)
STALE_SENDING = timedelta(minutes=15)


def attachment(filename: str, content_type: str, data: bytes) -> dict[str, str]:
    return {
        "filename": filename,
        "content_type": content_type,
        "data": base64.b64encode(data).decode(),
    }


def header_safe(value: str) -> str:
    """A header value on one line: CR, LF and other control characters become spaces (a
    forum name typed with a line break before names were checked must not break the mail
    or add a header)."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value).split())


def build_email(msg: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = header_safe(sender)
    email["To"] = header_safe(msg.to_addr)
    email["Subject"] = header_safe(msg.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox{msg.id}")
    email.set_content(msg.text_body)
    email.add_alternative(msg.html_body, subtype="html")
    for a in msg.attachments:
        maintype, subtype = a["content_type"].split("/", 1)
        params = {"method": "REQUEST"} if subtype == "calendar" else {}
        email.add_attachment(
            base64.b64decode(a["data"]),
            maintype=maintype,
            subtype=subtype,
            filename=header_safe(a["filename"]),
            params=params,
        )
    return email


class _Temporary(Exception):
    pass


class _Permanent(Exception):
    pass


class _Uncertain(Exception):
    """The whole message went out but no answer came back: the server may have accepted
    it, so it is not sent again automatically."""


UNCERTAIN = "Svar uteblev efter sändning; kontrollera med mottagaren innan du skickar om."


class _SMTP(smtplib.SMTP):
    """Knows whether the message itself has been sent (the data ending in CRLF.CRLF)."""

    payload_sent = False

    def send(self, s: Any) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.payload_sent = True


def _leave(smtp: smtplib.SMTP) -> None:
    """QUIT and close. Whatever the server answers to QUIT (or not at all), what it
    accepted stays accepted: nothing here can make a message count as not sent."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    smtp.close()


def _deliver(config: dict[str, Any], email: EmailMessage) -> None:
    timeout = float(config.get("MAIL_TIMEOUT") or 30)
    try:
        smtp = _SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=timeout)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise _Temporary(f"{type(exc).__name__}: {exc}") from exc
    try:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)  # returns once the server answered 250 to the data
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _m in exc.recipients.values()]
        detail = "; ".join(f"{c} {m.decode(errors='replace')}" for c, m in exc.recipients.values())
        raise (_Permanent if all(c >= 500 for c in codes) else _Temporary)(detail) from exc
    except smtplib.SMTPResponseException as exc:  # an answer: the server did not accept
        detail = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
        raise (_Permanent if exc.smtp_code >= 500 else _Temporary)(detail) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        if smtp.payload_sent:
            raise _Uncertain(f"{type(exc).__name__}: {exc}") from exc
        raise _Temporary(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # anything else about this one message: it fails, the pass goes on
        log.warning("outbox: unexpected error while sending: %r", exc)
        raise (_Uncertain if smtp.payload_sent else _Permanent)(type(exc).__name__) from exc
    finally:
        _leave(smtp)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def send_pass(session: Session, config: dict[str, Any], *, now: datetime | None = None) -> int:
    """Deliver what is due. Each message is claimed by a conditional UPDATE (queued →
    sending) committed before the SMTP call, so two senders never send the same row, and a
    message SMTP accepted is never sent again. Returns the number sent."""
    if not config.get("MAIL_SERVER"):
        return 0  # no SMTP: messages stay in the outbox, readable at /admin/outbox
    now = now or utcnow()
    # A row left in 'sending' by a process that died: SMTP may have accepted it, so it is
    # not retried automatically; an admin sees it as failed and may resend.
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.status) == "sending",
            col(OutboxMessage.next_try_at) < now - STALE_SENDING,
        )
        .values(
            status="failed",
            last_error="Avbröts under sändning; kontrollera med mottagaren innan du skickar om.",
        )
    )
    session.commit()
    sent = 0
    while True:
        candidate = session.exec(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "queued", OutboxMessage.next_try_at <= now)
            .order_by(OutboxMessage.id)
            .limit(1)
        ).first()
        if candidate is None:
            return sent
        claimed = session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == candidate, col(OutboxMessage.status) == "queued")
            .values(status="sending", next_try_at=now)
        ).rowcount
        session.commit()
        if claimed != 1:
            continue  # another sender took it
        msg = session.get(OutboxMessage, candidate, populate_existing=True)
        assert msg is not None
        try:
            email = build_email(msg, config["MAIL_DEFAULT_SENDER"])
        except Exception as exc:  # one bad message never stops the pass
            log.warning("outbox %s: could not build the e-mail: %r", msg.id, exc)
            msg.status = "failed"
            msg.last_error = f"Meddelandet kunde inte byggas: {type(exc).__name__}"[:500]
            session.add(msg)
            session.commit()
            continue
        try:
            _deliver(config, email)
        except _Permanent as exc:
            msg.status, msg.last_error = "failed", str(exc)[:500]
        except _Uncertain as exc:
            msg.status, msg.last_error = "failed", f"{UNCERTAIN} ({exc})"[:500]
        except _Temporary as exc:
            msg.attempts += 1
            msg.last_error = str(exc)[:500]
            retry_at = utcnow() + _backoff(msg.attempts)
            if retry_at > msg.created_at + RETRY_FOR:
                msg.status = "failed"
            else:
                msg.status, msg.next_try_at = "queued", retry_at
        else:
            msg.status, msg.sent_at, msg.last_error = "sent", utcnow(), ""
            if msg.secret:  # the link lives on only in the recipient's mailbox
                msg.text_body = msg.html_body = LINK_REMOVED
            msg.attempts += 1
            sent += 1
        session.add(msg)
        session.commit()


def resend(session: Session, msg: OutboxMessage) -> None:
    msg.status, msg.attempts, msg.next_try_at, msg.last_error = "queued", 0, utcnow(), ""
    msg.created_at = utcnow()  # a fresh 24-hour retry window
    session.add(msg)


__all__ = ["OutboxMessage", "attachment", "build_email", "queue", "resend", "send_pass"]
