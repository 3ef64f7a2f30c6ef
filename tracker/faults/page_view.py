"""What the fault page shows per occurrence and per month, prepared in Python: the page
lists 50 occurrences and 24 months, and the same few labels and one link per line cost far
less translated once and formatted per line than looked up per line in the template."""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..text import render_markdown
from .forms import consequence_labels, gender_choices
from .models import Occurrence

# translated only when one is shown (the chart's table shows 24 months)
MONTHS = [
    _l("jan"),
    _l("feb"),
    _l("mar"),
    _l("apr"),
    _l("maj"),
    _l("jun"),
    _l("jul"),
    _l("aug"),
    _l("sep"),
    _l("okt"),
    _l("nov"),
    _l("dec"),
]

_ID = 2_000_000_001  # a stand-in id, replaced in the one URL built


class OccurrenceLine(NamedTuple):
    id: int
    date: str
    facts: list[str]  # "loggad av …", gender, age band
    edit_href: str | None
    edit_label: str  # for screen readers: which occurrence the link edits
    narrative: Markup
    consequences: str


class MonthBar(NamedTuple):
    label: str  # "mar 2026"
    n: int
    height: float  # of 90


def occurrence_lines(
    occurrences: list[tuple[Occurrence, str | None]], *, user_id: int, edits_all: bool
) -> list[OccurrenceLine]:
    """`edits_all`: a samordnare or an admin may edit every occurrence, others their own."""
    logged_by = _("loggad av %(name)s")
    which = _("förekomsten %(date)s")
    genders = dict(gender_choices())
    consequences = consequence_labels()
    edit_url = url_for("faults.occurrence_edit", occ_id=_ID)
    lines = []
    for o, who in occurrences:
        day = o.observed_on.isoformat()
        facts = [logged_by % {"name": who}] if who else []
        if o.gender:
            facts.append(str(genders.get(o.gender, o.gender)))
        if o.age_band:
            facts.append(o.age_band)
        may_edit = edits_all or o.logged_by_id == user_id
        lines.append(
            OccurrenceLine(
                id=o.id or 0,
                date=day,
                facts=facts,
                edit_href=edit_url.replace(str(_ID), str(o.id)) if may_edit else None,
                edit_label=which % {"date": day},
                narrative=render_markdown(o.narrative) if o.narrative else Markup(""),
                consequences=", ".join(str(consequences.get(c, c)) for c in o.consequence_list),
            )
        )
    return lines


def month_bars(series: list[tuple[int, int, int]]) -> list[MonthBar]:
    """(year, month, count) oldest first → bars scaled to the largest month."""
    top = max([c for _y, _m, c in series] + [1])
    return [MonthBar(f"{MONTHS[m - 1]} {y}", c, round(c / top * 90, 1)) for y, m, c in series]
