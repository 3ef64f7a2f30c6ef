"""Helpers shared by the fault views."""

from __future__ import annotations

from flask import abort, g

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
