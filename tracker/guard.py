"""The one service-layer entry to the anonymisation guard, for every free-text field.

Web forms, the CLI and (later) the API call `check_free_text`; a blocking finding refuses
the save and names the offending span, a warning needs an explicit confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from .privacy import Finding, find_identifiers


class FreeTextRefused(ValueError):
    def __init__(self, result: GuardResult) -> None:
        super().__init__("; ".join(m for msgs in result.errors.values() for m in msgs))
        self.result = result


@dataclass
class GuardResult:
    errors: dict[str, list[str]] = field(default_factory=dict)
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def kind_label(kind: str) -> str:
    return {
        "personnummer": _("ett personnummer"),
        "samordningsnummer": _("ett samordningsnummer"),
        "email": _("en e-postadress"),
        "phone": _("ett telefonnummer"),
        "name": _("ett namn"),
        "address": _("en adress"),
    }.get(kind, kind)


def describe(f: Finding) -> str:
    if f.blocking:
        return _(
            "Texten innehåller %(what)s: ”%(span)s”. Ta bort det – inga uppgifter som "
            "kan identifiera en person får sparas.",
            what=kind_label(f.kind),
            span=f.text,
        )
    return _("Texten kan innehålla %(what)s: ”%(span)s”.", what=kind_label(f.kind), span=f.text)


def check_free_text(fields: Mapping[str, str | None], *, confirmed: bool = False) -> GuardResult:
    """Check every given field. Blocking findings always refuse; warnings refuse until the
    user has confirmed "Jag har kontrollerat att texten är avidentifierad"."""
    result = GuardResult()
    for name, text in fields.items():
        if not text:
            continue
        findings = find_identifiers(text)
        blocking = [f for f in findings if f.blocking]
        warnings = [f for f in findings if not f.blocking]
        messages = [describe(f) for f in blocking]
        if warnings and not confirmed:
            result.needs_confirmation = True
            messages += [describe(f) for f in warnings]
            messages.append(_("Kontrollera texten och kryssa i att den är avidentifierad."))
        if messages:
            result.errors[name] = messages
    return result


def require_clean(fields: Mapping[str, str | None], *, confirmed: bool = False) -> None:
    """For callers without a form (CLI, API): raise FreeTextRefused on any finding."""
    result = check_free_text(fields, confirmed=confirmed)
    if not result.ok:
        raise FreeTextRefused(result)


def guard_form(form: Any, names: list[str], *, blocking_only: bool = False) -> bool:
    """Run the guard on a form's named fields; put findings on them as field errors.

    `blocking_only` is for fields that hold staff or catalogue names, where a name warning
    would always fire: identifiers are still refused there.
    """
    confirm = getattr(form, "confirm_anonymous", None)
    result = check_free_text(
        {n: getattr(form, n).data for n in names},
        confirmed=blocking_only or bool(confirm and confirm.data),
    )
    for name, messages in result.errors.items():
        field = getattr(form, name)
        field.errors = list(field.errors) + messages
    form.needs_confirmation = result.needs_confirmation
    return result.ok
