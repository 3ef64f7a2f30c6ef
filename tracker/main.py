"""Home, health check and the accessibility statement."""

from typing import Any

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required

from . import db

bp = Blueprint("main", __name__)
READY_TIMEOUT_S = 2.0


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
    return render_template(
        "main/home.html",
        org=g.org,
        role=g.role,
        dash=dash,
        proposals=proposals,
        updates=_updates(),
        member=_member_home(),
    )


def _updates() -> Any:
    """The unread updates about faults the user logged on (one statement)."""
    from .faults.updates import RECIPIENT_ROLES
    from .meetings.updates import unread

    if g.org is None or g.role not in RECIPIENT_ROLES:
        return None
    return unread(db.session(), current_user.id)


def _member_home() -> Any:
    """Next meeting of my forums, my open action items, the latest minutes (3 statements)."""
    from .meetings.home import member_home

    if g.org is None:
        return None
    return member_home(db.session(), current_user.id, g.role)


@bp.route("/healthz")
def healthz() -> Any:
    """Liveness: the process answers. Asks nothing of the database (see /readyz)."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz() -> Any:
    """Readiness: one round trip to the database within a short timeout; 503 without it."""
    if db.ping(timeout_s=READY_TIMEOUT_S):
        return {"status": "ok", "database": "ok"}
    return {"status": "unavailable", "database": "unavailable"}, 503, {"Retry-After": "30"}


@bp.route("/tillganglighet")
def accessibility() -> Any:
    return render_template("main/accessibility.html")
