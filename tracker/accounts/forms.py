from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[DataRequired(_l("Fyll i e-postadress."))])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Fyll i lösenord."))])
    remember = BooleanField(_l("Kom ihåg mig på den här enheten"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Nuvarande lösenord"), validators=[DataRequired(_l("Fyll i ditt nuvarande lösenord."))]
    )
    new = PasswordField(
        _l("Nytt lösenord"),
        validators=[
            DataRequired(_l("Fyll i ett nytt lösenord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Lösenordet måste ha minst %(n)d tecken.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Upprepa nytt lösenord"),
        validators=[EqualTo("new", message=_l("Lösenorden stämmer inte överens."))],
    )


class UserForm(FlaskForm):
    """Admin: create a user (or add an existing one) in the current organisation."""

    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Fyll i e-postadress.")),
            Email(_l("Ange en giltig e-postadress."), check_deliverability=False),
            Length(max=254),
        ],
    )
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Fyll i namn.")), Length(max=120)])
