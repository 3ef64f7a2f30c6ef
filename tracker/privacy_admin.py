"""/admin/privacy: stored text of the current organisation re-scanned with today's rules,
with a link to where each finding can be edited and a way to remove the text where it
cannot (history, comments). Sits at the bottom of the layers: it links into every area."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlmodel import SQLModel

from . import db
from .audit import audit_log
from .faults.search import reindex
from .guard import kind_label
from .orgs.context import current_org, role_required
from .privacy.backstop import free_text_columns
from .privacy.stored import REDACTED, StoredFinding, scan, scan_table

bp = Blueprint("privacy_admin", __name__, url_prefix="/admin/privacy")

COLUMN_LABELS = {
    "title": _l("Rubrik"),
    "description": _l("Beskrivning"),
    "report_summary": _l("Sammanfattning för rapporten"),
    "narrative": _l("Iakttagelse"),
    "comment": _l("Kommentar"),
    "name": _l("Namn"),
    "represents": _l("Representerar"),
    "ask": _l("Fråga till forumet"),
    "place": _l("Plats"),
    "discussion": _l("Diskussion"),
    "decision": _l("Beslut"),
    "responsible": _l("Ansvarig"),
    "response": _l("Svar"),
    "kommuner": _l("Kommuner"),
    "heading": _l("Rubrik"),
    "markdown": _l("Text"),
    "generated": _l("Genererad text"),
}
TABLE_LABELS = {
    "fault": _l("Systemfel"),
    "occurrence": _l("Förekomst"),
    "fault_event": _l("Händelse på systemfel"),
    "theme": _l("Tema"),
    "forum": _l("Forum"),
    "contact": _l("Kontakt"),
    "escalation": _l("Eskalering"),
    "meeting": _l("Möte"),
    "agenda_item": _l("Punkt på dagordningen"),
    "organisation": _l("Verksamheten"),
    "authority": _l("Myndighet"),
    "report_section": _l("Rapportrubrik"),
    "report_draft": _l("Rapportutkast"),
    "report_draft_version": _l("Tidigare version av rapportutkast"),
}


# Findings whose edit page is named by another column of the row: (column, endpoint, arg).
_LOOKUP = {
    "fault": ("ref", "faults.fault_edit", "ref"),
    "agenda_item": ("meeting_id", "meetings.meeting_page", "meeting_id"),
    "report_draft": ("year", "reports.report", "year"),
}
# Findings whose edit page is named by the row's own id: endpoint, arg.
_BY_ID = {
    "occurrence": ("faults.occurrence_edit", "occ_id"),
    "meeting": ("meetings.meeting_edit", "meeting_id"),
    "forum": ("meetings.forum_edit", "forum_id"),
    "authority": ("admin.authority", "authority_id"),
    "report_section": ("admin.section", "section_id"),
}


def _edit_links(found: list[StoredFinding]) -> list[str | None]:
    """Where each finding can be fixed by hand, or None (remove the text instead); one
    statement per table that needs a lookup, not one per finding."""
    s = db.session()
    looked_up: dict[tuple[str, int], Any] = {}
    for table_name, (column, _ep, _arg) in _LOOKUP.items():
        ids = {f.row_id for f in found if f.table == table_name}
        if ids:
            t = SQLModel.metadata.tables[table_name]
            for rid, value in s.execute(select(t.c.id, t.c[column]).where(t.c.id.in_(ids))):
                looked_up[(table_name, rid)] = value
    links: list[str | None] = []
    for f in found:
        values: dict[str, Any]
        if f.table in _LOOKUP:
            _col, endpoint, arg = _LOOKUP[f.table]
            values = {arg: looked_up[(f.table, f.row_id)]}
            links.append(url_for(endpoint, **values))
        elif f.table in _BY_ID:
            endpoint, arg = _BY_ID[f.table]
            values = {arg: f.row_id}
            links.append(url_for(endpoint, **values))
        elif f.table == "organisation":
            links.append(url_for("admin.settings"))
        else:
            links.append(None)
    return links


@bp.route("/")
@role_required("admin")
def index() -> Any:
    found = scan(db.session(), SQLModel.metadata, org_id=current_org().id)
    rows = [
        {
            "f": f,
            "table": str(TABLE_LABELS.get(f.table, f.table)),
            "column": str(COLUMN_LABELS.get(f.column, f.column)),
            "kind": kind_label(f.kind),
            "edit": link,
        }
        for f, link in zip(found, _edit_links(found), strict=True)
    ]
    return render_template("privacy/scan.html", rows=rows)


@bp.route("/redact", methods=["POST"])
@role_required("admin")
def redact() -> Any:
    """Replace one stored text that holds an identifier with a fixed notice."""
    table_name = request.form.get("table", "")
    column_name = request.form.get("column", "")
    row_id = request.form.get("row", "")
    columns = {(t, c.name): c for t, c in free_text_columns(SQLModel.metadata)}
    column = columns.get((table_name, column_name))
    if column is None or not row_id.isascii() or not row_id.isdigit() or len(row_id) > 18:
        abort(404)
    s = db.session()
    table = SQLModel.metadata.tables[table_name]
    org_id = current_org().id
    # Only a text of the current organisation that still holds an identifier: the same
    # scan as the page, so another organisation's row is a 404.
    if not list(scan_table(s, SQLModel.metadata, table, column, org_id, row_id=int(row_id))):
        abort(404)
    s.execute(table.update().where(table.c.id == int(row_id)).values({column_name: REDACTED}))
    if table_name in ("fault", "occurrence"):
        key = table.c.id if table_name == "fault" else table.c.fault_id
        fault_id = s.execute(select(key).where(table.c.id == int(row_id))).scalar()
        reindex(s, int(fault_id or 0))
    audit_log(
        s,
        "privacy.text_redacted",
        actor_id=current_user.id,
        org_id=org_id,
        object_type=table_name,
        object_id=int(row_id),
    )
    s.commit()
    flash(_("Texten är borttagen."), "success")
    return redirect(url_for("privacy_admin.index"))
