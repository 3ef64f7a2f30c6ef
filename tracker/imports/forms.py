"""The import's forms: the upload, the column mapping and the import buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import AnyOf, Optional

from ..guard import check_free_text
from .fields import FIELDS, REQUIRED, field_labels


class UploadForm(FlaskForm):
    file = FileField(
        _l("Fil (XLSX eller CSV)"), validators=[FileRequired(_l("Välj en fil att importera."))]
    )
    confirm_anonymous = BooleanField(
        _l("Jag har kontrollerat att filen är avidentifierad (möjliga namn godtas)")
    )


class RunForm(FlaskForm):
    mode = HiddenField(validators=[AnyOf(["all", "valid"])])


class CancelForm(FlaskForm):
    pass


class MappingBase(FlaskForm):
    save = BooleanField(_l("Spara kolumnvalet för filer med samma rubriker"))

    def chosen(self) -> dict[str, int]:
        return {
            code: int(getattr(self, code).data)
            for code, _h in FIELDS
            if (getattr(self, code).data or "").isdigit()
        }

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        chosen = self.chosen()
        for code in REQUIRED:
            if code not in chosen:
                getattr(self, code).errors.append(str(_l("Välj kolumnen.")))
                ok = False
        used: dict[int, str] = {}
        for code, column in chosen.items():
            if column in used:
                getattr(self, code).errors.append(
                    str(
                        _l(
                            "Kolumnen är redan vald för %(field)s.",
                            field=field_labels()[used[column]],
                        )
                    )
                )
                ok = False
            used[column] = code
        return ok


def column_names(headers: list[str]) -> list[str]:
    """The file's headers as shown; one that carries an identifier is shown by number."""
    names = []
    for i, header in enumerate(headers, start=1):
        clean = header and check_free_text({"h": header}, confirmed=True).ok
        names.append(header[:60] if clean else str(_l("Kolumn %(n)s", n=i)))
    return names


def mapping_form(headers: list[str], initial: dict[str, int] | None = None) -> MappingBase:
    choices = [("", str(_l("– används inte –")))]
    choices += [(str(i), name) for i, name in enumerate(column_names(headers))]
    labels = field_labels()
    attrs = {
        code: SelectField(labels[code], choices=[], validators=[Optional()]) for code, _h in FIELDS
    }
    form_class = type("MappingForm", (MappingBase,), attrs)
    data = {code: str(i) for code, i in (initial or {}).items()}
    form: MappingBase = form_class(data=data)
    for code, _h in FIELDS:
        getattr(form, code).choices = choices
    return form
