from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..accounts.forms import email_field
from .models import HUVUDMAN, ROLES


def role_choices() -> list[tuple[str, str]]:
    labels = {
        "ombud": _l("Ombud"),
        "samordnare": _l("Samordnare"),
        "ledamot": _l("Ledamot (forummedlem)"),
        "admin": _l("Administratör"),
    }
    return [(r, str(labels[r])) for r in ROLES]


def huvudman_choices() -> list[tuple[str, str]]:
    labels = {
        "kommun": _l("Kommun"),
        "region": _l("Region"),
        "stat": _l("Stat"),
        "ovriga": _l("Övriga"),
    }
    return [(h, str(labels[h])) for h in HUVUDMAN]


class RoleForm(FlaskForm):
    role = SelectField(_l("Roll"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class InviteForm(RoleForm):
    """Admin: invite a person by e-mail with a role (they choose their own password)."""

    email = email_field()


class AuthorityForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=200)])
    huvudman = SelectField(_l("Huvudman"), choices=[])
    section_id = SelectField(_l("Avsnitt i årsrapporten"), choices=[], coerce=int)

    def __init__(self, *args: object, sections: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.huvudman.choices = huvudman_choices()
        self.section_id.choices = sections


class SectionForm(FlaskForm):
    heading = StringField(
        _l("Rubrik"), validators=[DataRequired(_l("Fyll i rubrik.")), Length(max=200)]
    )
    parent_id = SelectField(_l("Underrubrik till"), choices=[], coerce=int)
    position = IntegerField(
        _l("Ordning"),
        validators=[
            Optional(),
            NumberRange(min=0, max=999, message=_l("Ange ett tal mellan 0 och 999.")),
        ],
    )

    def __init__(self, *args: object, parents: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [(0, str(_l("– ingen (huvudrubrik) –")))] + parents


def _age_bands(_form: object, field: StringField) -> None:
    bands = [b.strip() for b in (field.data or "").split(",") if b.strip()]
    if len(bands) < 2:
        raise ValidationError(_l("Ange minst två åldersgrupper, åtskilda med kommatecken."))


class SettingsForm(FlaskForm):
    name = StringField(
        _l("Verksamhetens namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=200)]
    )
    kommuner = StringField(_l("Kommuner"), validators=[Length(max=500)])
    recurrence_threshold = IntegerField(
        _l("Återkommande: antal förekomster"),
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=2, max=100, message=_l("Ange ett tal mellan 2 och 100.")),
        ],
    )
    recurrence_months = IntegerField(
        _l("Återkommande: inom antal månader"),
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=60, message=_l("Ange ett tal mellan 1 och 60.")),
        ],
    )
    age_bands = StringField(_l("Åldersgrupper"), validators=[_age_bands, Length(max=200)])
    digest_lead_days = IntegerField(
        _l("Utskick före möte (dagar)"),
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=60, message=_l("Ange ett tal mellan 1 och 60.")),
        ],
    )
    small_count_limit = IntegerField(
        _l("Gräns för små tal"),
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=20, message=_l("Ange ett tal mellan 1 och 20.")),
        ],
    )
    narrative_retention_months = IntegerField(
        _l("Gallring av iakttagelser (månader efter att felet stängts)"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=240, message=_l("Ange ett tal mellan 1 och 240, eller lämna tomt.")
            ),
        ],
    )

    mfa_required = BooleanField(_l("Tvåstegsverifiering krävs för alla medlemmar"))
    session_idle_hours = IntegerField(
        _l("Utloggning efter inaktivitet (timmar)"),
        validators=[
            InputRequired(_l("Ange ett tal.")),
            NumberRange(min=1, max=12, message=_l("Ange ett tal mellan 1 och 12.")),
        ],
    )


class ThemeForm(FlaskForm):
    name = StringField(
        _l("Nytt tema"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=60)]
    )
