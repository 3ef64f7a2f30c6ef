"""`tracker …`: the Flask CLI bound to create_app, plus the project's commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlmodel import select

from . import create_app, db, migrate
from .api.cli import api_token_group
from .cli_privacy import KIND_WORDS, privacy_group
from .imports.cli import import_group
from .networks.cli import network_group
from .ops.cli import backup_command, db_copy_command, restore_command
from .privacy.backstop import IdentifierRefused
from .serve import serve_command


def main() -> None:
    try:
        FlaskGroup(create_app=create_app, help="Systemfel tracker.").main(prog_name="tracker")
    except IdentifierRefused as exc:  # the flush guard: a command wrote an identifier
        click.echo(
            f"Fel: texten i {exc.table}.{exc.column} innehåller "
            f"{', '.join(KIND_WORDS.get(k, k) for k in exc.kinds)} "
            "och sparades inte – inga uppgifter som kan identifiera en person får sparas.",
            err=True,
        )
        raise SystemExit(2) from None


def init_app(app: Flask) -> None:
    """The commands live on app.cli, so `tracker …` and the test runner see the same."""
    for command in (
        db_group,
        user_group,
        org_group,
        demo_command,
        digests_group,
        scheduler_command,
        serve_command,
        report_command,
        privacy_group,
        api_token_group,
        import_group,
        network_group,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


def _refuse_identifiers(fields: dict[str, str], *, staff_or_catalogue: bool = False) -> None:
    """The same guard as the web forms: personnummer, e-mail and phone numbers are refused."""
    from .guard import FreeTextRefused, require_clean

    try:
        require_clean(fields, confirmed=staff_or_catalogue)
    except FreeTextRefused as exc:
        raise click.UsageError(str(exc)) from exc


db_group = AppGroup("db", help="Databasens schema (Alembic).")
db_group.add_command(db_copy_command)


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Uppgradera databasen till REVISION (standard: head)."""
    migrate.upgrade(current_app, revision)
    click.echo(f"Databasen är uppgraderad till {revision}.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Nedgradera databasen till REVISION (standard: ett steg; 'base' = tom)."""
    migrate.downgrade(current_app, revision)
    click.echo(f"Databasen är nedgraderad till {revision}.")


@db_group.command("recompute")
@click.option("--org", "org_slug", help="Bara verksamheten med denna slug.")
def db_recompute(org_slug: str | None) -> None:
    """Bygg om räknare, månadsantal och sökindex från grunddata (efter import eller
    återläsning)."""
    from .faults import search
    from .faults.derived import recompute_all
    from .orgs.models import Organisation

    with db.transaction() as s:
        org_id = None
        if org_slug:
            org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).first()
            if org is None:
                raise click.UsageError(f"Ingen verksamhet med slug {org_slug!r}.")
            org_id = org.id
        recompute_all(s, org_id)
        search.rebuild(s, org_id)
    click.echo("Räknarna och sökindexet är omräknade.")


user_group = AppGroup("user", help="Användare.")


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--org", "org_slug", help="Lägg till i verksamheten med denna slug.")
@click.option(
    "--role",
    type=click.Choice(["ombud", "samordnare", "ledamot", "admin"]),
    default="ombud",
    show_default=True,
)
@click.option(
    "--must-change/--own-password",
    default=True,
    show_default=True,
    help="Personen måste byta lösenordet vid första inloggningen (om någon annan valt det).",
)
def user_create(
    email: str, name: str, password: str, org_slug: str | None, role: str, must_change: bool
) -> None:
    """Skapa en användare (och ett medlemskap). Vanligen bjuder en administratör in
    användare i webben i stället; det här är för den första administratören."""
    from .accounts import services as accounts
    from .accounts.policy import password_problem
    from .orgs import services as orgs
    from .orgs.models import Organisation

    _refuse_identifiers({"name": name}, staff_or_catalogue=True)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.UsageError(problem)
    with db.transaction() as s:
        if accounts.find_user(s, email) is not None:
            raise click.UsageError(f"Det finns redan en användare med e-postadressen {email}.")
        org = None
        if org_slug:
            org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).first()
            if org is None:
                raise click.UsageError(f"Ingen verksamhet med slug {org_slug!r}.")
        user = accounts.create_user(
            s,
            email=email,
            name=name,
            password=password,
            actor_id=None,
            org_id=org.id if org else None,
            must_change_password=must_change,
        )
        if org is not None:
            assert org.id is not None and user.id is not None
            orgs.set_membership(s, user_id=user.id, org_id=org.id, role=role, actor_id=None)
    click.echo(f"Användaren {user.email} är skapad.")
    if must_change:
        click.echo("Lösenordet måste bytas vid första inloggningen.")


org_group = AppGroup("org", help="Verksamheter (PO).")


@org_group.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--kommuner", default="")
def org_create(slug: str, name: str, kommuner: str) -> None:
    """Skapa en verksamhet med standardkatalogen av myndigheter och rapportrubriker."""
    from .orgs import services as orgs
    from .orgs.models import Organisation

    _refuse_identifiers({"name": name, "kommuner": kommuner}, staff_or_catalogue=True)
    with db.transaction() as s:
        if s.exec(select(Organisation).where(Organisation.slug == slug.lower())).first():
            raise click.UsageError(f"Verksamheten {slug!r} finns redan.")
        org = orgs.create_org(s, slug=slug, name=name, kommuner=kommuner)
    click.echo(f"Verksamheten {org.slug} är skapad.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Gör ingenting om det redan finns användare.")
def demo_command(if_empty: bool) -> None:
    """Lägg in demodata (idempotent)."""
    from .demo import DEMO_PASSWORD, load_demo

    with db.transaction() as s:
        created = load_demo(s, if_empty=if_empty)
    if created is None:
        click.echo("Databasen har redan data; demodata lades inte in.")
        return
    click.echo(f"Demodata är inlagd. Inloggningar (lösenord: {DEMO_PASSWORD}):")
    for email, role, org in created:
        click.echo(f"  {email:28} {role:11} {org}")


digests_group = AppGroup("digests", help="Utskick och e-post.")


@digests_group.command("run-once")
def digests_run_once() -> None:
    """Ett varv: lägg det som är dags i utkorgen och skicka det som väntar."""
    from .digests.jobs import run_once

    queued, sent = run_once(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"{queued} meddelanden köade, {sent} skickade.")


@digests_group.command("preview")
@click.option("--meeting", "meeting_id", type=int, required=True)
def digests_preview(meeting_id: int) -> None:
    """Skriv ut dagordningsutskicket för ett möte."""
    from flask import g

    from .digests.compose import meeting_message
    from .meetings.models import Contact, Meeting
    from .orgs.models import Organisation

    s = db.session()
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise click.UsageError(f"Inget möte med id {meeting_id}.")
    org = s.get(Organisation, meeting.org_id)
    assert org is not None
    g.org = org
    contact = Contact(org_id=org.id or 0, forum_id=meeting.forum_id, name="mottagare")
    msg = meeting_message(s, org, meeting, contact, "agenda")
    click.echo(f"Ämne: {msg['subject']}\n\n{msg['text_body']}")


@click.command("scheduler")
@click.option("--wait", is_flag=True, help="Vänta tills en annan schemaläggare slutat.")
@with_appcontext
def scheduler_command(wait: bool) -> None:
    """Kör schemaläggaren (utskick och e-post) i förgrunden."""
    import time

    from .scheduler import AlreadyRunning, run_blocking

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        try:
            click.echo("Schemaläggaren startar.")
            run_blocking(app)
            return
        except AlreadyRunning:
            if not wait:
                raise click.ClickException("En annan schemaläggare körs redan.") from None
            click.echo("En annan schemaläggare körs redan; väntar …")
            time.sleep(10)


@click.command("report")
@click.option("--org", "org_slug", default=None, help="Verksamhetens slug.")
@click.option("--network", "network_slug", default=None, help="Nätverkets slug.")
@click.option("--year", type=int, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "docx", "pdf"]), default="md", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def report_command(
    org_slug: str | None, network_slug: str | None, year: int, fmt: str, out: str
) -> None:
    """Skriv årets avsnitt "Uppmärksammade brister" för en verksamhet (--org) eller
    nätverkets sammanställda rapport (--network): det slutliga utkastet om det finns,
    annars den genererade texten."""
    from datetime import date
    from pathlib import Path

    if (org_slug is None) == (network_slug is None):
        raise click.UsageError("Ange antingen --org eller --network (exakt ett av dem).")
    if network_slug is not None:
        from .networks.report_cli import write_network_report

        if fmt == "pdf":
            raise click.UsageError("Nätverkets rapport skrivs som md eller docx.")
        try:
            source = write_network_report(db.session(), network_slug, year, fmt, out)
        except LookupError:
            raise click.UsageError(f"Inget nätverk med slug {network_slug!r}.") from None
        click.echo(f"Skrev {out} ({source}).")
        return

    from .orgs.models import Organisation
    from .reports import build, writing
    from .reports.docx_export import markdown_to_docx
    from .reports.services import get_draft

    s = db.session()
    org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).first()
    if org is None:
        raise click.UsageError(f"Ingen verksamhet med slug {org_slug!r}.")
    draft = get_draft(s, org.id or 0, year)
    if draft is not None and draft.status == "slutlig":
        markdown, source = draft.markdown, "det slutliga utkastet"
    else:
        markdown, source = writing.to_markdown(build.build(s, [org], year)), "genererad text"
    data = (
        markdown_to_docx(
            markdown,
            title=f"Uppmärksammade brister {year}",
            author=org.name,
            created=date.today(),
        )
        if fmt in ("docx", "pdf")
        else markdown.encode()
    )
    if fmt == "pdf":  # print-ready, from the Word file through LibreOffice
        from .reports.pdf_export import PdfUnavailable, docx_to_pdf

        try:
            data = docx_to_pdf(data)
        except PdfUnavailable as exc:
            raise click.ClickException(f"PDF kunde inte skapas (LibreOffice): {exc}") from None
    Path(out).write_bytes(data)
    click.echo(f"Skrev {out} ({source}).")


if __name__ == "__main__":  # python -m tracker.cli
    main()
