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


def _edit_link(f: StoredFinding) -> str | None:
    """Where the finding can be fixed by hand, or None (remove the text instead)."""
    s = db.session()
    t = SQLModel.metadata.tables
    if f.table == "fault":
        ref = s.execute(select(t["fault"].c.ref).where(t["fault"].c.id == f.row_id)).scalar()
        return url_for("faults.fault_edit", ref=ref)
    if f.table == "occurrence":
        return url_for("faults.occurrence_edit", occ_id=f.row_id)
    if f.table == "agenda_item":
        item = t["agenda_item"]
        mid = s.execute(select(item.c.meeting_id).where(item.c.id == f.row_id)).scalar()
        return url_for("meetings.meeting_page", meeting_id=mid)
    if f.table == "meeting":
        return url_for("meetings.meeting_edit", meeting_id=f.row_id)
    if f.table == "forum":
        return url_for("meetings.forum_edit", forum_id=f.row_id)
    if f.table == "authority":
        return url_for("admin.authority", authority_id=f.row_id)
    if f.table == "report_section":
        return url_for("admin.section", section_id=f.row_id)
    if f.table == "organisation":
        return url_for("admin.settings")
    if f.table == "report_draft":
        draft = t["report_draft"]
        year = s.execute(select(draft.c.year).where(draft.c.id == f.row_id)).scalar()
        return url_for("reports.report", year=year)
    return None


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
            "edit": _edit_link(f),
        }
        for f in found
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
    found = list(scan_table(s, SQLModel.metadata, table, column, org_id))
    if not any(f.row_id == int(row_id) for f in found):
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
