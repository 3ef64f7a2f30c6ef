"""The commands `tracker backup`, `tracker restore` and `tracker db copy`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .copy import Counts, OpsError


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def _reason(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


def _report(counts: Counts, done: str) -> None:
    click.echo(counts.table())
    if not counts.ok:
        raise click.ClickException("Antalet rader skiljer sig i tabellerna märkta SKILJER. " + done)


@click.command("backup")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="Filen att skriva (skrivs klart under ett annat namn och byter sedan namn).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "portable"]),
    default="auto",
    show_default=True,
    help="auto: SQLites backup-API eller pg_dump om det finns; portable: en zip som kan "
    "läsas tillbaka i vilken databas som helst.",
)
@with_appcontext
def backup_command(out: Path, fmt: str) -> None:
    """Säkerhetskopiera databasen medan programmet körs."""
    from .backup import KIND_WORDS, backup

    try:
        made = backup(_app(), out, fmt)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    size = made.path.stat().st_size
    click.echo(f"Format: {KIND_WORDS[made.kind]}.")
    click.echo(
        f"Skrev {made.path} ({size / 1e6:.2f} MB, {sum(made.counts.values())} rader i "
        f"{len(made.counts)} tabeller)."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Läs tillbaka en säkerhetskopia i den inställda databasen, som måste vara tom.
    Stoppa webben och schemaläggaren först."""
    from .restore import restore

    try:
        counts = restore(_app(), file, click.echo)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(
            f"Återläsningen avbröts: {_reason(exc)}\nInga rader skrevs (allt rullades "
            "tillbaka), så databasen räknas fortfarande som tom. Rätta felet och försök igen."
        ) from None
    _report(
        counts,
        "Databasen är inte att lita på: töm den (skapa en ny) och läs tillbaka igen.",
    )
    click.echo("Återläsningen är klar; alla tabeller har samma antal rader som kopian.")


@click.command("copy")
@click.option(
    "--to",
    "to_url",
    required=True,
    help="Måldatabasen, t.ex. postgresql+psycopg://tracker@localhost/tracker (måste vara tom).",
)
@with_appcontext
def db_copy_command(to_url: str) -> None:
    """Flytta hela installationen från den inställda databasen (SQLite) till en annan
    (PostgreSQL): schema med Alembic, alla rader, sekvenser, kontroll av antal.
    Stoppa webben och schemaläggaren först, så att inget skrivs under flytten."""
    from .copy import copy_database

    try:
        counts = copy_database(_app(), to_url, click.echo)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(
            f"Flytten avbröts: {_reason(exc)}\nInga rader skrevs i måldatabasen (allt rullades "
            "tillbaka), så den räknas fortfarande som tom. Rätta felet och kör kommandot igen."
        ) from None
    _report(counts, "Inga rader skrevs i måldatabasen (allt rullades tillbaka).")
    click.echo(
        "Flytten är klar. Sätt TRACKER_DATABASE_URL till måldatabasen och starta om webben "
        "och schemaläggaren."
    )
