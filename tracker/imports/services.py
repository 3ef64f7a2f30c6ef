"""Writing an import: all or nothing in the caller's transaction. New faults go through
the faults' own service (reference, event, audit, search); the occurrences are inserted in
bulk, then the counts kept on write are rebuilt for the touched faults and the search index
for the organisation, so a 50,000-row file takes seconds, not minutes."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session

from ..audit import audit_log
from ..dataversion import raise_years
from ..faults import derived, search
from ..faults import services as faults
from ..faults.models import Occurrence
from ..guard import check_free_text
from ..orgs.models import Organisation
from ..timeutil import utcnow
from .fields import dumps, signature
from .models import ImportFingerprint, ImportMapping, ImportRun, ImportUpload
from .plan import Plan

UPLOAD_KEPT = timedelta(days=1)
_OWN = {"dataversion_own": True}  # the years are raised here, once


class ImportRefused(ValueError):
    """Some rows are invalid and the import is all or nothing: nothing was written."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"{plan.refused_rows} rows refused")
        self.plan = plan


def safe_filename(name: str) -> str:
    """The file name as stored and shown: cut to 200 characters, and replaced when it
    carries an identifier (a file named after a client)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "import"
    if not check_free_text({"f": name}, confirmed=True).ok:
        return "import"
    return name


def refused_json(plan: Plan) -> str:
    return json.dumps([[r.row, r.column, r.reason] for r in plan.refused], ensure_ascii=False)


def run_import(
    session: Session,
    *,
    org: Organisation,
    actor_id: int | None,
    plan: Plan,
    filename: str,
    skip_invalid: bool = False,
) -> ImportRun:
    """Write the plan's faults and occurrences; refuse everything when a row is invalid,
    unless `skip_invalid` (the valid rows are imported, the refused ones listed)."""
    if plan.refused and not skip_invalid:
        raise ImportRefused(plan)
    assert org.id is not None
    fault_ids: dict[str, int] = {k: f.id or 0 for k, f in plan.existing.items()}
    for key, new in plan.new_faults.items():
        fault = faults.create_fault(
            session,
            org_id=org.id,
            actor_id=actor_id,
            title=new.title,
            primary_authority_id=new.authority_id,
            other_authority_ids=sorted(new.other_authority_ids),
            theme_ids=sorted(new.theme_ids),
        )
        fault_ids[key] = fault.id or 0
    run = ImportRun(
        org_id=org.id,
        actor_id=actor_id,
        filename=safe_filename(filename),
        rows_total=plan.rows_total,
        faults_created=len(plan.new_faults),
        occurrences_created=len(plan.rows),
        rows_refused=plan.refused_rows,
        rows_already_imported=plan.already_imported,
        refused=refused_json(plan),
    )
    session.add(run)
    session.flush()
    if plan.rows:
        _insert_occurrences(session, org.id, actor_id, plan, fault_ids, run.id or 0)
    audit_log(
        session,
        "occurrences.imported",
        actor_id=actor_id,
        org_id=org.id,
        object_type="import_run",
        object_id=run.id,
        count=len(plan.rows),
    )
    session.flush()
    return run


def _insert_occurrences(
    session: Session,
    org_id: int,
    actor_id: int | None,
    plan: Plan,
    fault_ids: dict[str, int],
    run_id: int,
) -> None:
    raise_years(session, org_id, {r.observed_on.year for r in plan.rows})
    now = utcnow()
    table = Occurrence.__table__  # type: ignore[attr-defined]
    values = [
        {
            "org_id": org_id,
            "fault_id": fault_ids[r.fault_key],
            "observed_on": r.observed_on,
            "narrative": r.narrative,
            "gender": r.gender,
            "age_band": r.age_band,
            "consequences": ",".join(r.consequences),
            "logged_by_id": actor_id,
            "created_at": now,
            "updated_at": now,
        }
        for r in plan.rows
    ]
    ids = list(
        session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            values,
            execution_options=_OWN,
        )
    )
    fp_table = ImportFingerprint.__table__  # type: ignore[attr-defined]
    session.execute(
        insert(fp_table),
        [
            {"org_id": org_id, "fingerprint": r.fingerprint, "occurrence_id": i, "run_id": run_id}
            for r, i in zip(plan.rows, ids, strict=True)
        ],
        execution_options=_OWN,
    )
    derived.recompute_faults(session, sorted({fault_ids[r.fault_key] for r in plan.rows}))
    search.rebuild(session, org_id)


def save_mapping(
    session: Session, *, org_id: int, headers: list[str], mapping: dict[str, int]
) -> None:
    sig = signature(headers)
    found = _mapping_id(session, org_id, sig)
    row = session.get(ImportMapping, found) if found is not None else None
    if row is None:
        row = ImportMapping(org_id=org_id, signature=sig, mapping=dumps(mapping))
    else:
        row.mapping = dumps(mapping)
        row.updated_at = utcnow()
    session.add(row)
    session.flush()


def _mapping_id(session: Session, org_id: int, sig: str) -> int | None:
    from sqlmodel import select

    return session.exec(
        select(ImportMapping.id).where(
            ImportMapping.org_id == org_id, ImportMapping.signature == sig
        )
    ).first()


def saved_mapping(session: Session, *, org_id: int, headers: list[str]) -> str | None:
    from sqlmodel import select

    return session.exec(
        select(ImportMapping.mapping).where(
            ImportMapping.org_id == org_id, ImportMapping.signature == signature(headers)
        )
    ).first()


def forget_old_uploads(session: Session) -> None:
    """Files left between upload and import for a day are deleted."""
    session.execute(
        delete(ImportUpload).where(ImportUpload.created_at < utcnow() - UPLOAD_KEPT)  # type: ignore[arg-type]
    )
