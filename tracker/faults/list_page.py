"""The register's page (`/faults/`): what is the same for everyone in the organisation –
the cards of a page of faults and the choices of the filters – is kept per process until
the organisation's data changes (tracker.dataversion.cached). Only the page around it
(the user, the form, the links) is rendered per request."""

from __future__ import annotations

from dataclasses import astuple
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlmodel import Session

from ..dataversion import cached, data_key, org_key
from ..orgs.models import Organisation
from ..timeutil import utcnow
from . import queries
from .forms import status_labels

CARDS_KEPT = 4096  # cards kept per process (a few organisations' registers)


class Choice(NamedTuple):
    id: int
    name: str


def cards(
    session: Session, org: Organisation, flt: queries.FaultFilters, *, page: int, size: int
) -> tuple[Markup, int]:
    """The page's cards as HTML and the number of faults that match the filters."""
    # the day too: which faults recur is counted in a window that ends today
    key = (org_key(org), utcnow().date(), str(get_locale()), astuple(flt), page, size)

    def render() -> tuple[Markup, int]:
        rows, total = queries.fault_list(session, org, flt, page=page, size=size)
        return _cards_html(org, rows), total

    return cached("fault_cards", key, render)


def _cards_html(org: Organisation, rows: list[queries.FaultRow]) -> Markup:
    """Each card kept on its own, under what it shows: after an occurrence is logged the
    page is read again, but only the card of the fault whose counts changed is rendered."""
    if not rows:
        return Markup('<ul class="cards"><li>%s</li></ul>') % _("Inga systemfel matchar filtret.")
    card = current_app.jinja_env.get_template("faults/_cards.html").module.card  # type: ignore[attr-defined]
    labels = status_labels()
    base = (data_key(org), str(get_locale()))
    parts = [
        cached(
            "fault_card",
            (*base, r.fault.id, r.count, r.last_seen, r.recurring),
            lambda r=r: card(r, labels),  # type: ignore[misc]
            size=CARDS_KEPT,
        )
        for r in rows
    ]
    return Markup('<ul class="cards">\n') + Markup("").join(parts) + Markup("\n</ul>")


def choices(session: Session, org: Organisation) -> tuple[list[Choice], list[Choice]]:
    """The authorities and the themes the filters offer."""

    def read() -> tuple[list[Choice], list[Choice]]:
        return (
            [Choice(a.id or 0, a.name) for a in queries.authorities(session)],
            [Choice(t.id or 0, t.name) for t in queries.themes(session)],
        )

    return cached("fault_choices", (data_key(org), str(get_locale())), read)


def context(
    session: Session, org: Organisation, flt: queries.FaultFilters, *, page: int, size: int
) -> dict[str, Any]:
    html, total = cards(session, org, flt, page=page, size=size)
    authorities, themes = choices(session, org)
    return {
        "cards": html,
        "total": total,
        "pages": max(1, -(-total // size)),
        "authorities": authorities,
        "themes": themes,
    }
