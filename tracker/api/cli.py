"""`tracker api-token create`: a personal API token from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlmodel import select

from .. import db
from ..accounts.models import User
from ..orgs.models import Membership, Organisation
from . import tokens

api_token_group = AppGroup("api-token", help="Personliga API-nycklar (REST API v1).")


@api_token_group.command("create")
@click.option("--user", "email", required=True, help="Användarens e-postadress.")
@click.option("--org", "slug", required=True, help="Verksamhetens slug.")
@click.option("--name", required=True, help="Nyckelns namn, t.ex. systemet som använder den.")
@click.option(
    "--days",
    type=click.IntRange(1, tokens.MAX_DAYS),
    default=None,
    help="Giltig antal dagar (utelämnad: tills den återkallas).",
)
def create(email: str, slug: str, name: str, days: int | None) -> None:
    """Skapa en API-nyckel; nyckeln skrivs på sista raden och visas bara en gång."""
    from ..guard import FreeTextRefused, require_clean

    if not name.strip() or len(name) > tokens.NAME_MAX:
        raise click.UsageError(f"Namnet ska ha 1–{tokens.NAME_MAX} tecken.")
    try:
        require_clean({"name": name}, confirmed=True)
    except FreeTextRefused as exc:
        raise click.UsageError(str(exc)) from exc
    with db.transaction() as s:
        row = s.exec(
            select(User, Organisation, Membership)
            .join(Membership, Membership.user_id == User.id)  # type: ignore[arg-type]
            .join(Organisation, Organisation.id == Membership.org_id)  # type: ignore[arg-type]
            .where(
                User.email == email.strip().lower(),
                Organisation.slug == slug,
                User.active == True,  # noqa: E712
                Membership.active == True,  # noqa: E712
            )
        ).first()
        if row is None:
            raise click.UsageError(
                f"{email} är inte aktiv medlem i verksamheten {slug} (eller finns inte)."
            )
        user, org, membership = row
        assert user.id is not None and org.id is not None
        raw, token = tokens.issue(
            s, user_id=user.id, org_id=org.id, name=name, days=days, actor_id=None
        )
        expires = token.expires_at.date().isoformat() if token.expires_at else "återkallas"
    click.echo(
        f"API-nyckel ”{name}” för {email} i {org.name} (roll {membership.role}), "
        f"giltig till {expires}. Spara den nu – den visas inte igen:"
    )
    click.echo(raw)
