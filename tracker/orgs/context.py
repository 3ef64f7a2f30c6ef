"""The current organisation and role, and the one scoping helper.

Every query for an org-owned object goes through `scoped()` or `get_scoped_or_404()`.
An object of another organisation is a 404: never a 403 that confirms it exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, has_request_context, session
from flask_login import current_user, login_required
from sqlalchemy import and_, bindparam
from sqlmodel import SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from .. import db
from ..accounts.models import User
from ..params import to_int
from .models import Membership, Organisation

M = TypeVar("M", bound=SQLModel)
F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def _user_statement() -> Any:
    """Built once (every request runs it): the user by session token, with memberships."""
    return (
        select(User, Membership, Organisation)
        .outerjoin(
            Membership,
            and_(Membership.user_id == User.id, Membership.active == True),  # type: ignore[arg-type]  # noqa: E712
        )
        .outerjoin(Organisation, Organisation.id == Membership.org_id)  # type: ignore[arg-type]
        .where(User.session_token == bindparam("token"), User.active == True)  # noqa: E712
        .order_by(Organisation.name)
    )


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user with this session token and – in the same
    statement, as every page needs them – their active memberships (for `load_context`)."""
    rows = db.session().exec(_user_statement(), params={"token": token}).all()
    if not rows:
        return None
    g.loaded_memberships = [(m, o) for _u, m, o in rows if m is not None and o is not None]
    user: User = rows[0][0]
    return user


def load_context() -> None:
    """before_request: pick the user's current organisation from the session."""
    g.org = None
    g.role = None
    g.memberships = []
    if not current_user.is_authenticated:
        return
    rows = g.pop("loaded_memberships", None)
    if rows is None:  # signed in another way (an API token): read them now
        rows = (
            db.session()
            .exec(
                select(Membership, Organisation)
                .join(Organisation, Organisation.id == Membership.org_id)  # type: ignore[arg-type]
                .where(Membership.user_id == current_user.id, Membership.active == True)  # noqa: E712
                .order_by(Organisation.name)
            )
            .all()
        )
    g.memberships = [(m.role, o) for m, o in rows]
    if not rows:
        return
    chosen = next((r for r in rows if r[1].id == session.get("org_id")), rows[0])
    g.role, g.org = chosen[0].role, chosen[1]
    session["org_id"] = g.org.id


def current_org() -> Organisation:
    org: Organisation | None = g.get("org")
    if org is None:
        abort(403)
    return org


def current_role() -> str | None:
    role: str | None = g.get("role")
    return role


def in_current_org(model: type[SQLModel]) -> Any:
    """The WHERE clause that keeps `model` to the current organisation (for aggregates)."""
    return model.org_id == current_org().id  # type: ignore[attr-defined]


def member_org_ids(wanted: list[int] | None = None) -> list[int]:
    """The user's organisations (all, or those of `wanted` they belong to) – for the
    combined annual report, which reads across organisations."""
    mine = [o.id for _role, o in g.get("memberships", []) if _role != "ledamot"]
    return [o for o in mine if wanted is None or o in wanted]


def in_orgs(model: type[SQLModel], org_ids: list[int]) -> Any:
    """WHERE model is in one of `org_ids`, which must all be the user's own (outside a
    request – the CLI – every organisation may be read)."""
    if has_request_context() and not set(org_ids) <= set(member_org_ids()):
        abort(404)
    return model.org_id.in_(org_ids)  # type: ignore[attr-defined]


def scoped(model: type[M]) -> SelectOfScalar[M]:
    """SELECT model restricted to the current organisation."""
    return select(model).where(in_current_org(model))


def scoped_with(model: type[SQLModel], *others: Any) -> Any:
    """SELECT (model, *others) rows, restricted by model.org_id to the current organisation."""
    return select(model, *others).where(in_current_org(model))


def get_scoped_or_404(model: type[M], object_id: Any) -> M:
    """The current organisation's `model` with this id; 404 for another organisation's,
    a missing one, or an id that is no id (not digits, negative, beyond any column)."""
    pk = to_int(object_id)
    if pk is None or pk < 0:
        abort(404)
    obj = db.session().exec(scoped(model).where(model.id == pk)).first()  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj


def role_required(*roles: str) -> Callable[[F], F]:
    """Logged in, a member of some organisation, and holding one of `roles`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            current_org()
            if roles and current_role() not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator
