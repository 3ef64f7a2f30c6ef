"""The import pages: upload → (column mapping) → preview → import, for samordnare and
admin. The file waits in `import_upload` between the steps, seen only by its uploader."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from .. import db
from ..accounts.models import User
from ..faults import picker
from ..faults.common import MANAGERS
from ..faults.queries import authorities, themes
from ..orgs.context import current_org, get_scoped_or_404, role_required, scoped_with
from . import stored
from .fields import dumps, field_labels, loads, template_mapping
from .forms import CancelForm, RunForm, UploadForm, mapping_form
from .models import ImportRun, ImportUpload
from .parsing import FileRefused, Table, read_table
from .plan import Plan, build_plan
from .services import (
    ImportRefused,
    forget_old_uploads,
    refused_json,
    run_import,
    safe_filename,
    save_mapping,
    saved_mapping,
)
from .template import template_xlsx

bp = Blueprint("imports", __name__, url_prefix="/import")

# The largest file the web takes (the command line reads larger ones).
WEB_MAX_BYTES = 10 * 1024 * 1024
SHOWN_REFUSALS = 200
SHOWN_SUGGESTIONS = 30


@bp.url_value_preprocessor
def _allow_larger_upload(endpoint: str | None, _values: Any) -> None:
    """Runs before the app's before_request hooks read the form: the upload may be larger
    than other requests (4 MB)."""
    if endpoint == "imports.upload":
        request.max_content_length = WEB_MAX_BYTES + 64 * 1024


@bp.errorhandler(413)
def _too_large(_exc: Exception) -> Any:
    form = UploadForm(formdata=None)
    form.file.errors = [_too_large_message()]
    return _upload_page(form), 413


def _too_large_message() -> str:
    return _(
        "Filen är för stor (högst %(mb)s MB). Dela upp den i flera filer, eller importera "
        "den med kommandot tracker import occurrences.",
        mb=WEB_MAX_BYTES // (1024 * 1024),
    )


def _upload_page(form: UploadForm) -> str:
    """The upload form and the organisation's last imports (who, when, file, counts)."""
    runs = db.session().exec(
        scoped_with(ImportRun, User.name)
        .outerjoin(User, User.id == ImportRun.actor_id)
        .order_by(col(ImportRun.id).desc())
        .limit(10)
    )
    return render_template("imports/upload.html", form=form, labels=field_labels(), runs=list(runs))


@bp.route("/", methods=["GET", "POST"])
@role_required(*MANAGERS)
def upload() -> Any:
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form), 400 if form.is_submitted() else 200
    file = form.file.data
    data = file.read(WEB_MAX_BYTES + 1)
    try:
        table = read_table(data, file.filename or "", max_bytes=WEB_MAX_BYTES)
    except FileRefused as exc:
        form.file.errors = [str(exc)]
        return _upload_page(form), 400
    table = stored.withhold(table)  # the file itself is never kept
    org = current_org()
    s = db.session()
    forget_old_uploads(s)
    mapping = template_mapping(table.headers)
    if mapping is None:
        saved = saved_mapping(s, org_id=org.id or 0, headers=table.headers)
        mapping = loads(saved or "", len(table.headers))
    up = ImportUpload(
        org_id=org.id or 0,
        user_id=current_user.id,
        filename=safe_filename(file.filename or ""),
        data=stored.dumps(table),
        mapping=dumps(mapping) if mapping else "",
        confirmed=bool(form.confirm_anonymous.data),
    )
    s.add(up)
    s.commit()
    if mapping is None:
        return redirect(url_for(".mapping", upload_id=up.id))
    return redirect(url_for(".preview", upload_id=up.id))


@bp.route("/mall.xlsx")
@role_required(*MANAGERS)
def template() -> Response:
    s = db.session()
    data = template_xlsx(
        current_org(), [a.name for a in authorities(s)], [t.name for t in themes(s)]
    )
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="importmall.xlsx"'},
    )


def _own_upload(upload_id: int) -> ImportUpload:
    up = get_scoped_or_404(ImportUpload, upload_id)
    if up.user_id != current_user.id:
        abort(404)
    return up


def _table(up: ImportUpload) -> Table:
    try:
        return stored.loads(up.data)
    except ValueError:  # not what the upload stored
        abort(404)


@bp.route("/<int:upload_id>/kolumner", methods=["GET", "POST"])
@role_required(*MANAGERS)
def mapping(upload_id: int) -> Any:
    up = _own_upload(upload_id)
    table = _table(up)
    form = mapping_form(table.headers, loads(up.mapping, len(table.headers)))
    if form.validate_on_submit():
        chosen = form.chosen()
        s = db.session()
        up.mapping = dumps(chosen)
        s.add(up)
        if form.save.data:
            save_mapping(s, org_id=up.org_id, headers=table.headers, mapping=chosen)
        s.commit()
        return redirect(url_for(".preview", upload_id=up.id))
    status = 400 if form.is_submitted() else 200
    return render_template("imports/mapping.html", form=form, up=up), status


def _plan(up: ImportUpload) -> tuple[Table, Plan] | None:
    table = _table(up)
    chosen = loads(up.mapping, len(table.headers))
    if chosen is None:
        return None
    return table, build_plan(db.session(), current_org(), table, chosen, confirmed=up.confirmed)


def _preview(up: ImportUpload, plan: Plan, form: RunForm, error: str = "") -> str:
    s = db.session()
    suggestions = {
        key: [p for p in picker.rank(s, new.title, limit=4) if p.fault.title != new.title][:3]
        for key, new in list(plan.new_faults.items())[:SHOWN_SUGGESTIONS]
    }
    return render_template(
        "imports/preview.html",
        up=up,
        plan=plan,
        per_fault=plan.per_fault(),
        suggestions=suggestions,
        refusals=plan.refused[:SHOWN_REFUSALS],
        form=form,
        cancel_form=CancelForm(),
        error=error,
    )


@bp.route("/<int:upload_id>")
@role_required(*MANAGERS)
def preview(upload_id: int) -> Any:
    up = _own_upload(upload_id)
    planned = _plan(up)
    if planned is None:
        return redirect(url_for(".mapping", upload_id=up.id))
    return _preview(up, planned[1], RunForm(formdata=None))


@bp.route("/<int:upload_id>/importera", methods=["POST"])
@role_required(*MANAGERS)
def run(upload_id: int) -> Any:
    up = _own_upload(upload_id)
    planned = _plan(up)
    if planned is None:
        return redirect(url_for(".mapping", upload_id=up.id))
    plan = planned[1]
    form = RunForm()
    if not form.validate_on_submit():
        return _preview(up, plan, form), 400
    if not plan.rows:
        return _preview(up, plan, form, _("Det finns inga rader att importera.")), 400
    s = db.session()
    try:
        result = run_import(
            s,
            org=current_org(),
            actor_id=current_user.id,
            plan=plan,
            filename=up.filename,
            skip_invalid=form.mode.data == "valid",
        )
    except ImportRefused:
        s.rollback()
        message = _(
            "Importen är allt eller inget: %(n)s rader är ogiltiga, så ingenting importerades. "
            "Rätta raderna i filen, eller välj Importera de giltiga raderna.",
            n=plan.refused_rows,
        )
        return _preview(up, plan, form, message), 400
    except IntegrityError:
        return _imported_meanwhile(up, form)
    s.delete(up)
    try:
        s.commit()
    except IntegrityError:
        return _imported_meanwhile(up, form)
    flash(
        _(
            "%(n)s förekomster importerades och %(f)s systemfel skapades.",
            n=result.occurrences_created,
            f=result.faults_created,
        ),
        "success",
    )
    return redirect(url_for(".result", run_id=result.id))


def _imported_meanwhile(up: ImportUpload, form: RunForm) -> Any:
    """Someone imported some of the same rows at the same moment (the per-row fingerprint
    is unique): nothing of this import was written; the fresh preview shows what is left."""
    db.session().rollback()
    planned = _plan(_own_upload(up.id or 0))
    message = _(
        "Några av raderna importerades av någon annan samtidigt. Inget av den här importen "
        "sparades; förhandsvisningen visar nu vad som återstår."
    )
    if planned is None:
        abort(409)
    return _preview(up, planned[1], form, message), 409


@bp.route("/<int:upload_id>/avbryt", methods=["POST"])
@role_required(*MANAGERS)
def cancel(upload_id: int) -> Any:
    up = _own_upload(upload_id)
    if CancelForm().validate_on_submit():
        s = db.session()
        s.delete(up)
        s.commit()
        flash(_("Importen är avbruten och filen borttagen."), "success")
    return redirect(url_for(".upload"))


def _refused_csv(rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Rad"), _("Kolumn"), _("Orsak")])
    writer.writerows(rows)
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:upload_id>/avvisade.csv")
@role_required(*MANAGERS)
def upload_refused(upload_id: int) -> Response:
    up = _own_upload(upload_id)
    planned = _plan(up)
    if planned is None:
        abort(404)
    return _refused_csv(json.loads(refused_json(planned[1])), "avvisade-rader.csv")


@bp.route("/korning/<int:run_id>")
@role_required(*MANAGERS)
def result(run_id: int) -> str:
    done = get_scoped_or_404(ImportRun, run_id)
    return render_template("imports/result.html", run=done)


@bp.route("/korning/<int:run_id>/avvisade.csv")
@role_required(*MANAGERS)
def run_refused(run_id: int) -> Response:
    done = get_scoped_or_404(ImportRun, run_id)
    return _refused_csv(json.loads(done.refused or "[]"), f"avvisade-rader-{done.id}.csv")
