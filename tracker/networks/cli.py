"""`tracker network create --slug S --name N --orgs a,b` and `tracker network add-person`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlmodel import select

from .. import db
from ..guard import FreeTextRefused, require_clean
from .models import NETWORK_ROLES

network_group = AppGroup("network", help="Nätverk av verksamheter.")


@network_group.command("create")
@click.option("--slug", required=True, help="Kortnamn, t.ex. stockholm.")
@click.option("--name", required=True, help="Namn, t.ex. ”Stockholms stad – personligt ombud”.")
@click.option("--orgs", "org_slugs", default="", help="Verksamheter att bjuda in: a,b,c.")
@click.option("--coordinator", "email", help="E-postadress till nätverkets första samordnare.")
def network_create(slug: str, name: str, org_slugs: str, email: str | None) -> None:
    """Skapa ett nätverk och bjud in verksamheterna. De blir medlemmar först när deras
    administratör tackat ja (Administration → Nätverk) – ingen läggs till i tysthet."""
    from ..accounts import services as accounts
    from ..orgs.models import Organisation
    from . import services

    try:
        require_clean({"name": name}, confirmed=True)
    except FreeTextRefused as exc:
        raise click.UsageError(str(exc)) from exc
    wanted = [o.strip().lower() for o in org_slugs.split(",") if o.strip()]
    with db.transaction() as s:
        orgs = []
        for o in wanted:
            org = s.exec(select(Organisation).where(Organisation.slug == o)).first()
            if org is None:
                raise click.UsageError(f"Ingen verksamhet med slug {o!r}.")
            orgs.append(org)
        user = None
        if email:
            user = accounts.find_user(s, email)
            if user is None or user.id is None:
                raise click.UsageError(f"Ingen användare med e-postadressen {email}.")
        try:
            network = services.create_network(s, slug=slug, name=name, actor_id=None)
        except services.NetworkRuleError as exc:
            raise click.UsageError(
                {
                    "bad_slug": "Kortnamnet får bara innehålla a–z, 0–9 och bindestreck.",
                    "slug_taken": f"Nätverket {slug!r} finns redan.",
                }.get(exc.code, "Fyll i namn.")
            ) from exc
        for org in orgs:
            assert org.id is not None
            services.invite_org(s, network=network, org_id=org.id, actor_id=None)
        if user is not None and user.id is not None:
            services.set_role(
                s, network=network, user_id=user.id, role="natverkssamordnare", actor_id=None
            )
    click.echo(f"Nätverket {network.slug} är skapat.")
    if wanted:
        click.echo(
            f"Inbjudna: {', '.join(wanted)}. De blir medlemmar när deras administratör tackat ja."
        )


@network_group.command("add-person")
@click.option("--slug", required=True, help="Nätverkets kortnamn.")
@click.option("--email", required=True, help="Personens e-postadress (kontot måste finnas).")
@click.option(
    "--role", type=click.Choice(NETWORK_ROLES), default="natverksledamot", show_default=True
)
def network_add_person(slug: str, email: str, role: str) -> None:
    """Ge en person med konto en roll i nätverket (nätverkssamordnare eller -ledamot)."""
    from ..accounts import services as accounts
    from . import services
    from .models import Network

    with db.transaction() as s:
        network = s.exec(select(Network).where(Network.slug == slug.lower())).first()
        if network is None:
            raise click.UsageError(f"Inget nätverk med kortnamnet {slug!r}.")
        user = accounts.find_user(s, email)
        if user is None or user.id is None:
            raise click.UsageError(f"Ingen användare med e-postadressen {email}.")
        services.set_role(s, network=network, user_id=user.id, role=role, actor_id=None)
    click.echo(f"{email} är {role} i nätverket {slug}.")
