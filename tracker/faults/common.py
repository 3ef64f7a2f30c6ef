"""Helpers shared by the fault views."""

from __future__ import annotations

from typing import Any

from flask import abort, g, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import db
from ..orgs.models import Authority
from . import queries
from .models import Fault

# Who may do what (DESIGN.md's permission table).
WORKERS = ("ombud", "samordnare", "admin")  # log faults and occurrences, see narratives
MANAGERS = ("samordnare", "admin")  # confirm, close, merge


def get_fault_or_404(ref: str) -> Fault:
    fault = queries.find_by_ref(db.session(), ref)
    if fault is None:
        abort(404)
    return fault


def authority_choices(authorities: list[Authority] | None = None) -> list[tuple[int, str]]:
    auths = authorities if authorities is not None else queries.authorities(db.session())
    return [(a.id or 0, a.name) for a in auths]


def theme_choices() -> list[tuple[int, str]]:
    return [(t.id or 0, t.name) for t in queries.themes(db.session())]


def can_edit_occurrence(logged_by_id: int | None, user_id: int) -> bool:
    return g.role in MANAGERS or logged_by_id == user_id


def refuse_repeated_title(field: Any) -> bool:
    """A new fault's title must not repeat one of the organisation's: the error on `field`
    links to the existing fault, where the occurrence belongs. True when refused."""
    existing = queries.same_title(db.session(), field.data or "")
    if existing is None:
        return False
    link = Markup('<a href="{}">{} {}</a>').format(
        url_for("faults.fault_page", ref=existing.ref), existing.ref, existing.title
    )
    message = escape(
        _("Det finns redan ett systemfel med den rubriken: %(fault)s. Logga på det i stället.")
    )
    field.errors = [*field.errors, message.replace("%(fault)s", link)]
    return True
