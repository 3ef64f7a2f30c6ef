"""Forms of action items: one small form per agenda item, and a new due date."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import DateInput


def action_status_labels() -> dict[str, str]:
    return {
        "oppen": str(_l("Öppen")),
        "klar": str(_l("Klar")),
        "struken": str(_l("Struken")),
    }


def _iso_date(_form: object, field: Any) -> None:
    """Parse ÅÅÅÅ-MM-DD into `field.parsed` (the field keeps what was typed)."""
    field.parsed = None
    raw = (field.data or "").strip()
    if not raw:
        raise ValidationError(_l("Ange när det ska vara klart (ÅÅÅÅ-MM-DD)."))
    try:
        field.parsed = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_l("Ange datum som ÅÅÅÅ-MM-DD.")) from None


class DueField(StringField):
    """A date typed or picked as ÅÅÅÅ-MM-DD; on a bad value the typed text stays."""

    widget = DateInput()
    parsed: date | None = None


class ActionForm(FlaskForm):
    title = StringField(
        _l("Åtgärd"),
        validators=[
            DataRequired(_l("Skriv vad som ska göras.")),
            Length(max=200, message=_l("Högst 200 tecken.")),
        ],
    )
    # "u<id>" (a user of the organisation) or "c<id>" (a contact of the forum), from a
    # select with a group of each (the template draws it); checked by the rule
    owner = StringField(_l("Ansvarig"))
    due_on = DueField(_l("Klart senast"), validators=[_iso_date])


def owner_group_labels() -> dict[str, str]:
    return {"contacts": str(_l("Forumets kontakter")), "users": str(_l("Användare"))}


class DueForm(FlaskForm):
    due_on = DueField(_l("Nytt datum"), validators=[_iso_date])
