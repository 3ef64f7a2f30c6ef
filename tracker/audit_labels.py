"""Swedish words for the audit log's action codes and object types (codes stay in the
database: a fixed vocabulary, never free text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "action_item.created": _l("Åtgärd tillagd"),
    "action_item.done": _l("Åtgärd markerad som klar"),
    "action_item.moved": _l("Åtgärdens datum ändrat"),
    "action_item.reopened": _l("Åtgärd öppnad igen"),
    "action_item.struck": _l("Åtgärd struken"),
    "agenda_item.added": _l("Punkt tillagd på dagordningen"),
    "agenda_item.minuted": _l("Anteckning sparad"),
    "agenda_item.responded": _l("Svar från myndigheten sparat"),
    "agenda_item.unqueued": _l("Punkt borttagen från dagordningen"),
    "authority.saved": _l("Myndighet sparad"),
    "contact.created": _l("Kontakt tillagd"),
    "escalation.accepted": _l("Eskalering godkänd"),
    "escalation.declined": _l("Förslag om eskalering avböjt"),
    "escalation.proposed": _l("Eskalering föreslagen"),
    "fault.created": _l("Systemfel skapat"),
    "fault.edited": _l("Systemfel ändrat"),
    "fault.merged": _l("Systemfel sammanfogat"),
    "fault.related": _l("Systemfel kopplat till annat"),
    "fault.status_atgardad": _l("Status ändrad till åtgärdad"),
    "fault.status_avskriven": _l("Status ändrad till avskriven"),
    "fault.status_bekraftad": _l("Status ändrad till bekräftad"),
    "fault.status_eskalerad": _l("Status ändrad till eskalerad"),
    "fault.status_ny": _l("Status ändrad till ny"),
    "fault.unrelated": _l("Koppling mellan systemfel borttagen"),
    "fault_update.created": _l("Uppdatering till dem som loggat på systemfelet"),
    "fault_update.read": _l("Uppdateringar markerade som lästa"),
    "forum.created": _l("Forum skapat"),
    "invitation.accepted": _l("Inbjudan godtagen"),
    "invitation.resent": _l("Inbjudan skickad igen"),
    "invitation.revoked": _l("Inbjudan återkallad"),
    "invitation.sent": _l("Inbjudan skickad"),
    "login.deactivated": _l("Inloggning nekad: kontot är inaktiverat"),
    "login.failure": _l("Misslyckad inloggning"),
    "login.mfa_failure": _l("Fel kod vid tvåstegsverifiering"),
    "login.success": _l("Inloggning"),
    "login.throttled": _l("Inloggning spärrad efter för många försök"),
    "logout.done": _l("Utloggning"),
    "meeting.cancelled": _l("Möte inställt"),
    "meeting.finalised": _l("Minnesanteckningar fastställda"),
    "meeting.planned": _l("Möte planerat"),
    "meeting.refinalised": _l("Rättade minnesanteckningar fastställda"),
    "meeting.reopened": _l("Minnesanteckningar öppnade för rättelse"),
    "meeting.rescheduled": _l("Möte flyttat"),
    "membership.changed": _l("Roll ändrad"),
    "membership.created": _l("Medlemskap skapat"),
    "membership.deactivated": _l("Medlem inaktiverad"),
    "membership.reactivated": _l("Medlem aktiverad igen"),
    "membership.removed": _l("Medlemskap borttaget"),
    "mfa.disabled": _l("Tvåstegsverifiering avslagen"),
    "mfa.enabled": _l("Tvåstegsverifiering påslagen"),
    "mfa.reauth_failure": _l("Fel lösenord eller kod vid ändring av tvåstegsverifiering"),
    "mfa.recovery_code_used": _l("Reservkod använd"),
    "mfa.recovery_codes_renewed": _l("Nya reservkoder skapade"),
    "mfa.reset": _l("Tvåstegsverifiering nollställd av administratör"),
    "occurrence.created": _l("Förekomst loggad"),
    "occurrence.edited": _l("Förekomst ändrad"),
    "org.created": _l("Verksamhet skapad"),
    "org.mfa_optional": _l("Krav på tvåstegsverifiering borttaget"),
    "org.mfa_required": _l("Tvåstegsverifiering krävs"),
    "org.settings_changed": _l("Inställningar ändrade"),
    "outbox.resend": _l("E-post skickad igen"),
    "password.reset": _l("Lösenord återställt via e-post"),
    "password.reset_requested": _l("Återställning av lösenord begärd"),
    "privacy.narratives_purged": _l("Iakttagelser gallrade"),
    "privacy.text_redacted": _l("Text med personuppgift borttagen"),
    "report_draft.created": _l("Rapportutkast skapat"),
    "report_draft.finalised": _l("Rapport fastställd"),
    "report_draft.reopened": _l("Fastställd rapport öppnad igen"),
    "report_draft.saved": _l("Rapportutkast sparat"),
    "report_section.saved": _l("Rapportrubrik sparad"),
    "theme.created": _l("Tema skapat"),
    "user.created": _l("Användare skapad"),
    "user.password_changed": _l("Lösenord bytt"),
    "user.update_mail_changed": _l("Val av e-post om uppdateringar ändrat"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def outbox_status_labels() -> dict[str, str]:
    return {
        "queued": str(_l("I kö")),
        "sending": str(_l("Skickas")),
        "sent": str(_l("Skickat")),
        "failed": str(_l("Misslyckat")),
    }
