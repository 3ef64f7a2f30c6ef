"""Home, health check and the accessibility statement."""

from typing import Any

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from . import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home() -> Any:
    dash = None
    proposals = None
    if g.org is not None and g.role in ("ombud", "samordnare", "admin"):
        from .faults.queries import dashboard

        dash = dashboard(db.session(), g.org, current_user.id)
    if g.org is not None and g.role in ("samordnare", "admin"):
        from .meetings.proposals import pending_proposals

        proposals = pending_proposals(db.session())
    return render_template("main/home.html", org=g.org, role=g.role, dash=dash, proposals=proposals)


@bp.route("/healthz")
def healthz() -> Any:
    db.session().exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}


@bp.route("/tillganglighet")
def accessibility() -> Any:
    return render_template("main/accessibility.html")
