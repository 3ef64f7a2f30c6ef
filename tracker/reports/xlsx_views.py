"""/reports/<year>/statistics.xlsx: the statistics appendix of the year's section as a
spreadsheet – the same rows as the appendix table (tracker.reports.writing.appendix), with
the same small counts hidden ("färre än N", "dold"; tracker.suppression) and every shown
count a number. Like the section, it is a Swedish document whatever the UI language."""

from __future__ import annotations

from typing import Any

from .. import db, xlsx
from ..orgs.context import current_org
from . import build, writing
from .views import _year, authors_only, bp

HEADER = ["Avsnitt", "Myndighet", "Systemfel", "Förekomster", "K1", "K2", "K3", "K4"]


def statistics_table(report: build.Report) -> xlsx.Table:
    stats = writing.appendix(report)
    rows: list[list[xlsx.Value]] = []
    for section, name, n_faults in stats.rows:
        counts: list[xlsx.Value] = []
        for key in [("row", section.id, name, c) for c in ("total", 0, 1, 2, 3)]:
            kind = stats.hidden.kind(key)
            n = stats.cells[key]
            counts.append(n if kind is None else writing.count_text(n, report.limit, kind))
        rows.append([section.heading, name, n_faults, *counts])
    notes = [writing.QUARTERS_NOTE]
    if stats.hidden.secondary:
        notes.append(writing.HIDDEN_NOTE)
    return xlsx.Table(title=f"Statistik {report.year}", header=HEADER, rows=rows, notes=notes)


@bp.route("/<int:year>/statistics.xlsx")
@authors_only
def statistics_xlsx(year: int) -> Any:
    org = current_org()
    report = build.build(db.session(), [org], _year(year))
    data = xlsx.workbook(
        [statistics_table(report)],
        creator=org.name,
        title=f"Uppmärksammade brister {year}: statistik",
    )
    return xlsx.response(data, f"uppmarksammade-brister-{org.slug}-{year}-statistik.xlsx")
