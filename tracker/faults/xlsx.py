"""The fault list as a spreadsheet: the same rows and columns as the CSV export, with the
list's filters, dates as dates and counts as numbers (tracker.xlsx)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session

from .. import xlsx
from ..orgs.models import Organisation
from ..timeutil import utcnow
from . import queries
from .queries import FaultFilters


def header() -> list[str]:
    return [
        _("Referens"),
        _("Rubrik"),
        _("Myndighet"),
        _("Huvudman"),
        _("Status"),
        _("Nivå"),
        _("Teman"),
        _("Förekomster"),
        _("Senast"),
        _("Återkommande"),
        _("Skapad"),
    ]


def fault_list(
    session: Session, org: Organisation, flt: FaultFilters, labels: dict[str, Any]
) -> bytes:
    """Every fault the filters select, in the list's order, as one sheet "Systemfel"."""
    rows, _total = queries.fault_list(session, org, flt, page=None, size=0)
    status, level = labels["status_labels"], labels["level_labels"]
    table = xlsx.Table(
        title=_("Systemfel"),
        header=header(),
        rows=(
            [
                r.fault.ref,
                r.fault.title,
                r.authority,
                r.huvudman,
                status.get(r.fault.status, r.fault.status),
                level.get(r.fault.level or "", ""),
                ", ".join(r.themes),
                r.count,
                r.last_seen,
                _("ja") if r.recurring else "",
                r.fault.created_at,
            ]
            for r in rows
        ),
    )
    return xlsx.workbook([table], creator=org.name, title=_("Systemfel"))


def download(session: Session, org: Organisation, flt: FaultFilters, labels: dict[str, Any]) -> Any:
    name = f"systemfel-{org.slug}-{utcnow().date().isoformat()}.xlsx"
    return xlsx.response(fault_list(session, org, flt, labels), name)
