"""Forms and words of the network forum."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..meetings.forms import one_line, outcome_labels
from ..timeutil import STOCKHOLM
from .models import NETWORK_FORUM_KINDS


def forum_kind_labels() -> dict[str, str]:
    labels = {
        "samverkansforum": _l("Samverkansforum"),
        "samordningsforbund": _l("Samordningsförbundets styrelse"),
        "lansstyrelsen": _l("Möte med Länsstyrelsen"),
        "annat": _l("Annat"),
    }
    return {k: str(labels[k]) for k in NETWORK_FORUM_KINDS}


def meeting_status_labels() -> dict[str, str]:
    return {
        "planerat": str(_l("Planerat")),
        "genomfort": str(_l("Genomfört")),
        "installt": str(_l("Inställt")),
    }


def forum_section_labels() -> dict[str, str]:
    return {"uppfoljning": str(_l("Uppföljning")), "nytt": str(_l("Nya ärenden"))}


def action_status_labels() -> dict[str, str]:
    return {"oppen": str(_l("Öppen")), "klar": str(_l("Klar"))}


class NetworkForumForm(FlaskForm):
    name = StringField(
        _l("Namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=200), one_line]
    )
    kind = SelectField(_l("Typ av forum"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = list(forum_kind_labels().items())


class NetworkMeetingForm(FlaskForm):
    day = DateField(_l("Datum"), validators=[InputRequired(_l("Ange datum som ÅÅÅÅ-MM-DD."))])
    time = TimeField(_l("Klockslag"), validators=[InputRequired(_l("Ange klockslag som TT:MM."))])
    place = StringField(_l("Plats eller videolänk"), validators=[Length(max=300), one_line])

    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.time.data, STOCKHOLM)


class NetworkEscalateForm(FlaskForm):
    forum_id = SelectField(_l("Nätverksforum"), choices=[], coerce=int)
    ask = TextAreaField(
        _l("Vad vill nätverket att forumet gör?"),
        validators=[
            DataRequired(_l("Skriv vad nätverket vill att forumet gör.")),
            Length(max=2000),
        ],
    )


class NetworkMinutesForm(FlaskForm):
    discussion = TextAreaField(_l("Diskussion"), validators=[Length(max=5000)])
    decision = TextAreaField(_l("Beslut"), validators=[Length(max=3000)])
    responsible = StringField(_l("Ansvarig"), validators=[Length(max=200), one_line])
    outcome = RadioField(_l("Utfall"), choices=[], validators=[Optional()])
    due_on = DateField(_l("Klart senast (valfritt)"), validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [
            (k, v) for k, v in outcome_labels().items() if k != "vidarebefordras"
        ]


class NetworkActionForm(FlaskForm):
    title = StringField(
        _l("Åtgärd"),
        validators=[DataRequired(_l("Skriv vad som ska göras.")), Length(max=200), one_line],
    )
    owner = StringField(_l("Vem gör det"), validators=[Length(max=200), one_line])
    due_on = DateField(_l("Klart senast (valfritt)"), validators=[Optional()])
