"""Swedish words for the audit log's action codes and object types (codes stay in the
database: a fixed vocabulary, never free text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "agenda_item.added": _l("Punkt tillagd på dagordningen"),
    "agenda_item.minuted": _l("Anteckning sparad"),
    "agenda_item.responded": _l("Svar från myndigheten sparat"),
    "agenda_item.unqueued": _l("Punkt borttagen från dagordningen"),
    "authority.saved": _l("Myndighet sparad"),
    "contact.created": _l("Kontakt tillagd"),
    "escalation.accepted": _l("Eskalering godkänd"),
    "escalation.proposed": _l("Eskalering föreslagen"),
    "fault.created": _l("Systemfel skapat"),
    "fault.edited": _l("Systemfel ändrat"),
    "fault.merged": _l("Systemfel sammanfogat"),
    "fault.related": _l("Systemfel kopplat till annat"),
    "fault.unrelated": _l("Koppling mellan systemfel borttagen"),
    "fault.status_ny": _l("Status ändrad till ny"),
    "fault.status_bekraftad": _l("Status ändrad till bekräftad"),
    "fault.status_eskalerad": _l("Status ändrad till eskalerad"),
    "fault.status_atgardad": _l("Status ändrad till åtgärdad"),
    "fault.status_avskriven": _l("Status ändrad till avskriven"),
    "forum.created": _l("Forum skapat"),
    "login.failure": _l("Misslyckad inloggning"),
    "login.success": _l("Inloggning"),
    "login.throttled": _l("Inloggning spärrad efter för många försök"),
    "logout.done": _l("Utloggning"),
    "meeting.cancelled": _l("Möte inställt"),
    "meeting.finalised": _l("Minnesanteckningar fastställda"),
    "meeting.planned": _l("Möte planerat"),
    "meeting.rescheduled": _l("Möte flyttat"),
    "membership.created": _l("Medlemskap skapat"),
    "membership.changed": _l("Roll ändrad"),
    "membership.removed": _l("Medlemskap borttaget"),
    "occurrence.created": _l("Förekomst loggad"),
    "occurrence.edited": _l("Förekomst ändrad"),
    "org.created": _l("Verksamhet skapad"),
    "org.settings_changed": _l("Inställningar ändrade"),
    "outbox.resend": _l("E-post skickad igen"),
    "privacy.narratives_purged": _l("Iakttagelser gallrade"),
    "privacy.text_redacted": _l("Text med personuppgift borttagen"),
    "report_draft.created": _l("Rapportutkast skapat"),
    "report_draft.finalised": _l("Rapport fastställd"),
    "report_draft.saved": _l("Rapportutkast sparat"),
    "report_section.saved": _l("Rapportrubrik sparad"),
    "theme.created": _l("Tema skapat"),
    "user.created": _l("Användare skapad"),
    "user.password_changed": _l("Lösenord bytt"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code
