from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..timeutil import STOCKHOLM


def kind_labels() -> dict[str, str]:
    return {
        "ledningsgrupp": str(_l("Ledningsgrupp")),
        "samordningsforbund": str(_l("Samordningsförbund")),
        "huvudman": str(_l("Huvudman – direkt till myndigheten")),
        "natverk": str(_l("Nätverk")),
        "annat": str(_l("Annat")),
    }


def outcome_labels() -> dict[str, str]:
    return {
        "foljs_upp": str(_l("Följs upp nästa möte")),
        "atgardat": str(_l("Avslutat – åtgärdat")),
        "ingen_atgard": str(_l("Avslutat – ingen åtgärd")),
        "vidarebefordras": str(_l("Vidarebefordras till annat forum")),
    }


def section_labels() -> dict[str, str]:
    return {
        "uppfoljning": str(_l("Uppföljning")),
        "nytt": str(_l("Nytt ärende")),
        "ovrigt": str(_l("Övrigt")),
    }


def escalation_status_labels() -> dict[str, str]:
    return {
        "foreslagen": str(_l("Föreslagen")),
        "koad": str(_l("Köad")),
        "pa_dagordning": str(_l("På dagordning")),
        "uppfoljning": str(_l("Uppföljning")),
        "avslutad": str(_l("Avslutad")),
        "avbojd": str(_l("Avböjd")),
    }


def escalation_outcome_labels() -> dict[str, str]:
    return {
        "atgardat": str(_l("Åtgärdat")),
        "ingen_atgard": str(_l("Ingen åtgärd")),
        "vidarebefordrad": str(_l("Vidarebefordrad")),
    }


def one_line(_form: FlaskForm, field: StringField) -> None:
    """A name that goes into e-mail headers (the subject) and lists: one line, no control
    characters – a line break there could break the mail or add a header."""
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError(_l("Skriv på en rad, utan radbrytningar eller tabbar."))


class ForumForm(FlaskForm):
    name = StringField(
        _l("Namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=200), one_line]
    )
    kind = SelectField(_l("Typ av forum"), choices=[])
    lead_days = IntegerField(
        _l("Utskick av dagordning, dagar före mötet"),
        default=7,
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=60, message=_l("Ange ett tal mellan 1 och 60.")),
        ],
    )
    cadence_per_year = IntegerField(
        _l("Möten per år"),
        default=4,
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=52, message=_l("Ange ett tal mellan 1 och 52.")),
        ],
    )
    # left out (a form from before the setting): the default
    reminder_days = IntegerField(
        _l("Påminnelse om åtgärder, dagar före datumet"),
        default=3,
        filters=[lambda n: 3 if n is None else n],
        validators=[
            Optional(),
            NumberRange(min=1, max=30, message=_l("Ange ett tal mellan 1 och 30.")),
        ],
    )

    def setup(self) -> None:
        self.kind.choices = list(kind_labels().items())


class ContactForm(FlaskForm):
    name = StringField(
        _l("Namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=120), one_line]
    )
    email = EmailField(
        _l("E-postadress"),
        validators=[
            Optional(),
            Email(_l("Ange en giltig e-postadress."), check_deliverability=False),
            Length(max=254),
        ],
    )
    represents = StringField(_l("Representerar"), validators=[Length(max=200), one_line])
    user_id = SelectField(
        _l("Användarkonto (ledamot)"), choices=[], coerce=int, validators=[Optional()]
    )

    def setup(self, members: list[tuple[int, str]]) -> None:
        self.user_id.choices = [(0, str(_l("– inget konto –")))] + members


class EscalateForm(FlaskForm):
    forum_id = SelectField(_l("Forum"), choices=[], coerce=int)
    ask = TextAreaField(
        _l("Vad vill vi att forumet gör?"),
        validators=[DataRequired(_l("Skriv vad ni vill att forumet gör.")), Length(max=2000)],
    )

    def setup(self, forums: list[tuple[int, str]]) -> None:
        self.forum_id.choices = forums


class MeetingForm(FlaskForm):
    day = DateField(_l("Datum"), validators=[InputRequired(_l("Ange datum som ÅÅÅÅ-MM-DD."))])
    time = TimeField(_l("Klockslag"), validators=[InputRequired(_l("Ange klockslag som TT:MM."))])
    place = StringField(_l("Plats eller videolänk"), validators=[Length(max=300)])

    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.time.data, STOCKHOLM)


class ItemForm(FlaskForm):
    title = StringField(
        _l("Nytt ärende under Övrigt"),
        validators=[DataRequired(_l("Skriv en rubrik.")), Length(max=300)],
    )


class MinutesForm(FlaskForm):
    discussion = TextAreaField(_l("Diskussion"), validators=[Length(max=5000)])
    decision = TextAreaField(_l("Beslut"), validators=[Length(max=3000)])
    responsible = StringField(_l("Ansvarig"), validators=[Length(max=200)])
    responsible_contact_id = SelectField(
        _l("Ansvarig ledamot (kan svara i verktyget)"),
        choices=[],
        coerce=int,
        validators=[Optional()],
    )
    outcome = RadioField(_l("Utfall"), choices=[], validators=[Optional()])
    forward_forum_id = SelectField(
        _l("Vidarebefordras till"), choices=[], coerce=int, validators=[Optional()]
    )
    due_on = DateField(_l("Klart senast (valfritt)"), validators=[Optional()])
    # the version of the item's minutes this text was written against (minutes_doc)
    base = HiddenField()

    def setup(self, contacts: list[tuple[int, str]], forums: list[tuple[int, str]]) -> None:
        self.responsible_contact_id.choices = [(0, str(_l("– ingen –")))] + contacts
        self.outcome.choices = list(outcome_labels().items())
        self.forward_forum_id.choices = [(0, str(_l("– välj forum –")))] + forums


class MinutesDocForm(FlaskForm):
    """The minutes editor: one form for every item (the item forms are its parts, without
    their own CSRF token), one save."""

    confirm_anonymous = BooleanField(_l("Jag har kontrollerat att texten är avidentifierad"))


class ResponseForm(FlaskForm):
    response = TextAreaField(
        _l("Myndighetens svar"), validators=[DataRequired(_l("Skriv ett svar.")), Length(max=3000)]
    )


class FinaliseForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "Jag har gått igenom minnesanteckningarna och vill fastställa dem. De låses och "
            "skickas till forumets kontakter."
        ),
        validators=[DataRequired(_l("Kryssa i att du vill fastställa minnesanteckningarna."))],
    )


class ReasonForm(FlaskForm):
    """Reopening finalised minutes, declining a proposal: the reason is required."""

    reason = TextAreaField(
        _l("Skäl"),
        validators=[DataRequired(_l("Skriv ett skäl.")), Length(max=2000)],
    )
