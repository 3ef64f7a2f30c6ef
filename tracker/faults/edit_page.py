"""The fault edit form's page: what it was loaded with, and – after a save that met someone
else's newer version – the fields both people changed, with the other person's value beside
this person's and a choice "Behåll min" / "Behåll deras" (tracker.faults.editing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, render_template, request
from flask_babel import gettext as _

from ..conflicts import snapshot
from .editing import FIELDS, FieldConflict
from .forms import FaultForm
from .models import Fault

TEXTS = ("title", "description", "report_summary")
CHOICE = "keep-"  # the radio's name prefix: keep-<field> = mine | theirs


@dataclass
class ConflictRow:
    """One field both people changed: the other person's value as shown, and the choice."""

    name: str
    label: str
    theirs: str
    choice: str  # "mine" or "theirs"
    multiline: bool


def fill(form: FaultForm, values: dict[str, Any]) -> None:
    """Put stored or merged values (tracker.conflicts.normalise'd) into the form."""
    for name in FIELDS:
        value = values[name]
        getattr(form, name).data = sorted(value) if isinstance(value, frozenset) else value


def load(form: FaultForm, fault: Fault, stored: dict[str, Any]) -> None:
    """A fresh form on the stored version, with the snapshot of what it holds."""
    fill(form, stored)
    form.version.data = str(fault.version)
    form.loaded.data = snapshot(stored)


def keep_theirs() -> list[str]:
    """The fields the person chose to keep as the other person saved them."""
    return [n for n in FIELDS if request.form.get(CHOICE + n) == "theirs"]


def _shown(form: FaultForm, name: str, value: Any) -> str:
    field = getattr(form, name)
    if name in TEXTS:
        return str(value)
    labels = {k: str(v) for k, v in (field.choices or [])}
    if isinstance(value, frozenset | list):
        return ", ".join(labels.get(i, str(i)) for i in sorted(value)) or "–"
    if name == "primary_authority_id":
        return labels.get(value, "–")
    return labels.get(value or "", "–")


def conflict_rows(form: FaultForm, names: list[str], stored: dict[str, Any]) -> list[ConflictRow]:
    return [
        ConflictRow(
            name=n,
            label=str(getattr(form, n).label.text),
            theirs=_shown(form, n, stored[n]),
            choice="theirs" if request.form.get(CHOICE + n) == "theirs" else "mine",
            multiline=n in ("description", "report_summary"),
        )
        for n in FIELDS
        if n in names
    ]


def page(
    form: FaultForm,
    fault: Fault | None,
    *,
    conflicts: list[ConflictRow] | None = None,
    taken: list[str] | None = None,
) -> str:
    return render_template(
        "faults/edit.html",
        form=form,
        fault=fault,
        conflicts={row.name: row for row in conflicts or []},
        taken=[str(getattr(form, n).label.text) for n in taken or []],
    )


def conflict_page(form: FaultForm, conflict: FieldConflict) -> str:
    """The form now stands on the stored version: the other person's values where only
    they changed a field, this person's where only they did, and for each field both
    changed this person's text with the other's beside it."""
    fill(form, conflict.merge.values)
    form.version.data = str(conflict.current.version)
    form.loaded.data = snapshot(conflict.stored)
    rows = conflict_rows(form, conflict.merge.conflicts, conflict.stored)
    return page(form, conflict.current, conflicts=rows, taken=conflict.merge.taken)


def flash_taken(form: FaultForm, taken: list[str]) -> None:
    """After a save: the fields where someone else's newer change was kept."""
    if taken:
        flash(
            _(
                "Någon annan sparade medan du redigerade. Deras ändringar i fält du inte "
                "ändrade finns kvar: %(fields)s.",
                fields=", ".join(str(getattr(form, n).label.text) for n in taken),
            ),
            "info",
        )
