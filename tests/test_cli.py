from datetime import date

from sqlmodel import func, select

from tracker.accounts.models import User
from tracker.demo import DEMO_PASSWORD, demo_logins
from tracker.faults.models import Fault, Occurrence
from tracker.orgs.models import Authority, Membership, Organisation

from .conftest import do_login


def test_org_and_user_create(runner, session):
    result = runner.invoke(args=["org", "create", "--slug", "Ekero", "--name", "PO Ekerö"])
    assert result.exit_code == 0, result.output
    org = session.exec(select(Organisation)).one()
    assert org.slug == "ekero"
    assert session.exec(select(func.count()).select_from(Authority)).one() == 21
    again = runner.invoke(args=["org", "create", "--slug", "ekero", "--name", "x"])
    assert again.exit_code != 0 and "finns redan" in again.output

    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "Ny@Example.se",
            "--name",
            "Ny",
            "--password",
            "blå-cykel-vid-sjön-7",
            "--org",
            "ekero",
            "--role",
            "samordnare",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User)).one()
    assert user.email == "ny@example.se"
    assert session.exec(select(Membership)).one().role == "samordnare"
    short = runner.invoke(
        args=["user", "create", "--email", "b@example.se", "--name", "B", "--password", "kort"]
    )
    assert short.exit_code != 0 and "minst 12 tecken" in short.output


def test_demo_is_idempotent_and_logins_work(app, runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = [
        session.exec(select(func.count()).select_from(m)).one()
        for m in (User, Organisation, Membership, Authority)
    ]
    assert counts == [9, 2, 8, 42]  # 8 in the organisations, natverk@demo.se in the network
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert [
        session.exec(select(func.count()).select_from(m)).one()
        for m in (User, Organisation, Membership, Authority)
    ] == counts
    assert "demo --if-empty" and "redan data" in runner.invoke(args=["demo", "--if-empty"]).output
    n_faults = session.exec(select(func.count()).select_from(Fault)).one()
    n_occ = session.exec(select(func.count()).select_from(Occurrence)).one()
    assert 15 <= n_faults <= 25 and 150 <= n_occ <= 400
    first_day = session.exec(select(func.min(Occurrence.observed_on))).one()
    assert first_day.year == date.today().year - 2
    assert {f.org_id for f in session.exec(select(Fault)).all()} == {
        o.id for o in session.exec(select(Organisation)).all()
    }
    slugs = {o.slug for o in session.exec(select(Organisation)).all()}
    assert slugs == {"soderort", "nacka"}
    for email, _role, _org in demo_logins():
        c = app.test_client()
        assert do_login(c, email, DEMO_PASSWORD).status_code == 302, email


def test_db_downgrade_and_upgrade_commands(runner):
    down = runner.invoke(args=["db", "downgrade", "base"])
    try:
        assert down.exit_code == 0, down.output
    finally:
        up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0 and "uppgraderad" in up.output
