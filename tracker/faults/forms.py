from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..timeutil import utcnow
from .models import NARRATIVE_MAX


def level_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_l("– ej angiven –"))),
        ("handlaggare", str(_l("Handläggarnivå"))),
        ("lokal", str(_l("Lokal nivå"))),
        ("central", str(_l("Central nivå"))),
    ]


def status_labels() -> dict[str, str]:
    return {
        "ny": str(_l("Ny")),
        "bekraftad": str(_l("Bekräftad")),
        "eskalerad": str(_l("Eskalerad")),
        "atgardad": str(_l("Åtgärdad")),
        "avskriven": str(_l("Avskriven")),
    }


def gender_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_l("– ej ifyllt –"))),
        ("kvinna", str(_l("Kvinna"))),
        ("man", str(_l("Man"))),
        ("annat", str(_l("Annat"))),
        ("ej_angivet", str(_l("Ej angivet"))),
    ]


def consequence_labels() -> dict[str, str]:
    return {
        "inkomstbortfall": str(_l("Inkomstbortfall")),
        "vrakning": str(_l("Risk för vräkning")),
        "barn": str(_l("Barn i hushållet")),
        "vardglapp": str(_l("Vårdglapp")),
        "halsa": str(_l("Försämrad hälsa")),
        "skulder": str(_l("Skuldsättning")),
        "annat": str(_l("Annat")),
    }


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _observed_date(_form: object, field: DateField) -> None:
    if field.data is None:
        return
    if field.data > utcnow().date():
        raise ValidationError(_l("Datumet kan inte ligga i framtiden."))
    if field.data < date(2000, 1, 1):
        raise ValidationError(_l("Datumet kan inte vara före år 2000."))


class OccurrenceFields(FlaskForm):
    observed_on = DateField(
        _l("Datum då det observerades"),
        validators=[InputRequired(_l("Ange datum som ÅÅÅÅ-MM-DD.")), _observed_date],
        format="%Y-%m-%d",
    )
    narrative = TextAreaField(
        _l("Vad hände? (avidentifierat)"),
        validators=[
            Optional(),
            Length(max=NARRATIVE_MAX, message=_l("Högst %(max)d tecken.", max=NARRATIVE_MAX)),
        ],
    )
    gender = SelectField(_l("Kön"), choices=[], validators=[Optional()])
    age_band = SelectField(_l("Åldersgrupp"), choices=[], validators=[Optional()])
    consequences = MultiCheckboxField(_l("Konsekvenser"), choices=[], validators=[Optional()])
    confirm_anonymous = BooleanField(_l("Jag har kontrollerat att texten är avidentifierad"))

    def values(self) -> dict[str, Any]:
        """The occurrence fields as keyword arguments for the services."""
        return {
            "observed_on": self.observed_on.data,
            "narrative": self.narrative.data or "",
            "gender": self.gender.data or None,
            "age_band": self.age_band.data or None,
            "consequences": self.consequences.data or [],
        }

    def setup(self, age_bands: list[str]) -> None:
        self.gender.choices = gender_choices()
        self.age_band.choices = [("", str(_l("– ej ifyllt –")))] + [(b, b) for b in age_bands]
        self.consequences.choices = list(consequence_labels().items())
        if self.observed_on.data is None and not self.is_submitted():
            self.observed_on.data = utcnow().date()


class QuickLogForm(OccurrenceFields):
    mode = RadioField(_l("Systemfel"), choices=[], default="existing")
    fault_ref = StringField(_l("Sök befintligt systemfel"), validators=[Length(max=200)])
    new_title = StringField(_l("Rubrik för nytt systemfel"), validators=[Length(max=200)])
    new_authority_id = SelectField(_l("Myndighet"), choices=[], coerce=int, validators=[Optional()])

    def setup_authorities(self, authorities: list[tuple[int, str]]) -> None:
        self.mode.choices = [
            ("existing", str(_l("Befintligt systemfel"))),
            ("new", str(_l("Nytt systemfel"))),
        ]
        self.new_authority_id.choices = [(0, str(_l("– välj myndighet –")))] + authorities


class FaultForm(FlaskForm):
    version = HiddenField()
    loaded = HiddenField()  # what each field held when loaded (tracker.conflicts.snapshot)
    title = StringField(
        _l("Rubrik"), validators=[DataRequired(_l("Fyll i rubrik.")), Length(max=200)]
    )
    description = TextAreaField(_l("Beskrivning (Markdown)"), validators=[Length(max=20000)])
    primary_authority_id = SelectField(
        _l("Ansvarig myndighet"), choices=[], coerce=int, validators=[InputRequired()]
    )
    other_authority_ids = MultiCheckboxField(
        _l("Andra inblandade myndigheter"), choices=[], coerce=int, validators=[Optional()]
    )
    level = SelectField(_l("Nivå"), choices=[], validators=[Optional()])
    theme_ids = MultiCheckboxField(_l("Teman"), choices=[], coerce=int, validators=[Optional()])
    report_summary = TextAreaField(
        _l("Sammanfattning för årsrapporten"), validators=[Length(max=5000)]
    )
    confirm_anonymous = BooleanField(_l("Jag har kontrollerat att texten är avidentifierad"))

    def setup(self, authorities: list[tuple[int, str]], themes: list[tuple[int, str]]) -> None:
        self.primary_authority_id.choices = [(0, str(_l("– välj myndighet –")))] + authorities
        self.other_authority_ids.choices = authorities
        self.level.choices = level_choices()
        self.theme_ids.choices = themes


class StatusForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    comment = StringField(_l("Kommentar (valfri)"), validators=[Length(max=500)])


class LinkForm(FlaskForm):
    other_ref = StringField(
        _l("Referens, t.ex. SF-2026-004"),
        validators=[DataRequired(_l("Ange en referens.")), Length(max=20)],
    )


class PageForm(FlaskForm):
    class Meta:
        csrf = False

    page = IntegerField(default=1)
