"""Forms and words of the network pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from ..accounts.forms import email_field
from .models import NETWORK_ROLES, SHARE_RULES


def network_role_labels() -> dict[str, str]:
    labels = {
        "natverkssamordnare": _l("Nätverkssamordnare"),
        "natverksledamot": _l("Nätverksledamot"),
    }
    return {r: str(labels[r]) for r in NETWORK_ROLES}


def member_status_labels() -> dict[str, str]:
    return {
        "inbjuden": str(_l("Inbjuden")),
        "medlem": str(_l("Medlem")),
        "avbojd": str(_l("Tackade nej")),
        "lamnat": str(_l("Har lämnat")),
    }


def share_rule_labels() -> dict[str, str]:
    labels = {
        "auto": _l("Eskalerade och återkommande systemfel, och de vi väljer"),
        "valda": _l("Bara de systemfel vi väljer ett och ett"),
    }
    return {r: str(labels[r]) for r in SHARE_RULES}


def share_choice_labels() -> dict[str, str]:
    return {
        "rule": str(_l("Enligt regeln")),
        "share": str(_l("Dela alltid")),
        "keep": str(_l("Dela aldrig")),
    }


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token."""


class InviteOrgForm(FlaskForm):
    org_id = SelectField(
        _l("Verksamhet"), coerce=int, validators=[DataRequired(_l("Välj en verksamhet."))]
    )


class PersonForm(FlaskForm):
    email = email_field()
    role = SelectField(_l("Roll i nätverket"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = list(network_role_labels().items())


class LinkForm(FlaskForm):
    a = HiddenField(validators=[DataRequired()])
    b = HiddenField(validators=[DataRequired()])


class ShareRuleForm(FlaskForm):
    rule = SelectField(_l("Vad verksamheten delar"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.rule.choices = list(share_rule_labels().items())


class FaultShareForm(FlaskForm):
    choice = SelectField(_l("Delning"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choice.choices = list(share_choice_labels().items())
