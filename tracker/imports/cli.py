"""`tracker import occurrences FILE --org SLUG [--dry-run] [--skip-invalid]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlmodel import select

from .. import db

import_group = AppGroup("import", help="Import av förekomster från XLSX eller CSV.")


@import_group.command("occurrences")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Verksamhetens slug.")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle importeras; skriv inget.")
@click.option(
    "--skip-invalid", is_flag=True, help="Importera de giltiga raderna och hoppa över resten."
)
@click.option("--user", "email", help="Förekomsterna loggas i denna användares namn.")
@click.option(
    "--confirm-anonymous",
    is_flag=True,
    help="Jag har kontrollerat att filen är avidentifierad (möjliga namn godtas).",
)
def import_occurrences(
    file: Path,
    org_slug: str,
    dry_run: bool,
    skip_invalid: bool,
    email: str | None,
    confirm_anonymous: bool,
) -> None:
    """Importera förekomster från FILE (mallens kolumner: Datum, Myndighet, Systemfel,
    Iakttagelse, och valfritt Kön, Ålder, Konsekvenser, Tema). En ogiltig rad stoppar hela
    importen, om inte --skip-invalid anges."""
    from ..accounts.models import User
    from ..orgs.models import Organisation
    from .fields import template_mapping
    from .parsing import CLI_MAX_BYTES, FileRefused, read_table
    from .plan import build_plan
    from .services import run_import

    s = db.session()
    org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).first()
    if org is None:
        raise click.UsageError(f"Ingen verksamhet med slug {org_slug!r}.")
    actor_id = None
    if email:
        user = s.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise click.UsageError(f"Ingen användare med e-postadressen {email}.")
        actor_id = user.id
    try:
        table = read_table(file.read_bytes(), file.name, max_bytes=CLI_MAX_BYTES)
    except FileRefused as exc:
        raise click.ClickException(str(exc)) from None
    mapping = template_mapping(table.headers)
    if mapping is None:
        raise click.ClickException(
            "Filen saknar kolumnerna Datum, Myndighet och Systemfel i första raden. "
            "Använd mallen, eller importera i webben och välj kolumnerna där."
        )
    plan = build_plan(s, org, table, mapping, confirmed=confirm_anonymous)
    for r in plan.refused:
        click.echo(f"Rad {r.row}, {r.column}: {r.reason}", err=True)
    click.echo(
        f"{plan.rows_total} rader: {len(plan.rows)} förekomster att importera, "
        f"{len(plan.new_faults)} nya systemfel, {len(plan.existing)} befintliga systemfel, "
        f"{plan.refused_rows} avvisade rader, {plan.already_imported} redan importerade."
    )
    if plan.refused and not skip_invalid:
        s.rollback()
        raise click.ClickException(
            f"{plan.refused_rows} rader är ogiltiga; ingenting importerades. Rätta raderna, "
            "eller kör med --skip-invalid för att importera de giltiga."
        )
    if dry_run:
        s.rollback()
        click.echo("Provkörning: ingenting skrevs.")
        return
    with db.transaction() as tx:
        run = run_import(
            tx,
            org=org,
            actor_id=actor_id,
            plan=plan,
            filename=file.name,
            skip_invalid=skip_invalid,
        )
    click.echo(
        f"Importerade {run.occurrences_created} förekomster och skapade "
        f"{run.faults_created} systemfel."
    )
