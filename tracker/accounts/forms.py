from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[DataRequired(_l("Fyll i e-postadress."))])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Fyll i lösenord."))])
    remember = BooleanField(_l("Kom ihåg mig på den här enheten"))


def _new_password_field() -> PasswordField:
    return PasswordField(
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


def email_field() -> EmailField:
    """A required, valid e-mail address (the reset form, the admin's invitation)."""
    return EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Fyll i e-postadress.")),
            Email(_l("Ange en giltig e-postadress."), check_deliverability=False),
            Length(max=254),
        ],
    )


class NewPasswordForm(FlaskForm):
    """Choose an own password: after a reset link, or when accepting an invitation."""

    new = _new_password_field()
    confirm = PasswordField(
        _l("Upprepa nytt lösenord"),
        validators=[EqualTo("new", message=_l("Lösenorden stämmer inte överens."))],
    )


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField(
        _l("Nuvarande lösenord"), validators=[DataRequired(_l("Fyll i ditt nuvarande lösenord."))]
    )


class ForgotForm(FlaskForm):
    email = email_field()


# ---- two-step verification ----------------------------------------------------------------
# The code fields are typed on a phone: a numeric keyboard (the view switches it off when a
# recovery code, letters and digits, is to be typed) and the one-time-code autofill.

_CODE_RENDER = {"inputmode": "numeric", "autocapitalize": "none", "spellcheck": "false"}


class MfaVerifyForm(FlaskForm):
    """The login's second step."""

    code = StringField(
        _l("Kod från appen eller reservkod"),
        validators=[DataRequired(_l("Fyll i koden.")), Length(max=40)],
        render_kw=dict(_CODE_RENDER),
    )


class MfaSetupForm(FlaskForm):
    code = StringField(
        _l("Kod från appen"),
        validators=[DataRequired(_l("Fyll i koden.")), Length(max=40)],
        render_kw=dict(_CODE_RENDER),
    )


class MfaDisableForm(FlaskForm):
    password = PasswordField(
        _l("Nuvarande lösenord"),
        id="disable-password",
        validators=[DataRequired(_l("Fyll i ditt nuvarande lösenord."))],
    )
    code = StringField(
        _l("Kod från appen eller reservkod"),
        id="disable-code",
        validators=[DataRequired(_l("Fyll i koden.")), Length(max=40)],
        render_kw=dict(_CODE_RENDER),
    )


class MfaRenewForm(FlaskForm):
    password = PasswordField(
        _l("Nuvarande lösenord"),
        id="renew-password",
        validators=[DataRequired(_l("Fyll i ditt nuvarande lösenord."))],
    )
