"""`tracker privacy scan` and `tracker privacy purge`: stored text under the current rules."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlmodel import SQLModel, select

from . import db

privacy_group = AppGroup("privacy", help="Avidentifiering: sök igenom lagrad text, gallra.")

KIND_WORDS = {
    "personnummer": "personnummer",
    "samordningsnummer": "samordningsnummer",
    "email": "e-postadress",
    "phone": "telefonnummer",
}


@privacy_group.command("scan")
@click.option("--org", "org_slug", help="Bara denna verksamhet (slug).")
def privacy_scan(org_slug: str | None) -> None:
    """Sök igenom all lagrad fritext med dagens regler. Slutstatus 1 om något hittas."""
    from . import models  # noqa: F401 – every table in the metadata
    from .orgs.models import Organisation
    from .privacy.stored import scan

    s = db.session()
    org_id = None
    if org_slug:
        org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).first()
        if org is None:
            raise click.UsageError(f"Ingen verksamhet med slug {org_slug!r}.")
        org_id = org.id
    found = scan(s, SQLModel.metadata, org_id=org_id)
    for f in found:
        click.echo(
            f"{f.table}\t{f.row_id}\t{f.column}\t{KIND_WORDS.get(f.kind, f.kind)}\t"
            f"tecken {f.start}\t{f.masked}"
        )
    if found:
        click.echo(f"{len(found)} uppgifter som kan identifiera en person hittades.", err=True)
        raise SystemExit(1)
    click.echo("Inga uppgifter som kan identifiera en person hittades.")


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle raderas, ändra inget.")
def privacy_purge(dry_run: bool) -> None:
    """Radera iakttagelsernas text enligt varje verksamhets gallringsregel."""
    from .faults.retention import purge

    with db.transaction() as s:
        results = purge(s, dry_run=dry_run)
    verb = "skulle raderas" if dry_run else "raderades"
    for r in results:
        click.echo(f"{r.org.slug}: {r.occurrences} iakttagelser {verb} ({', '.join(r.faults)})")
    total = sum(r.occurrences for r in results)
    click.echo(f"Totalt {total} iakttagelser {verb}.")
