"""The API's page outside the OpenAPI document: the documentation page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_pages", __name__, url_prefix="/api/v1")


@bp.route("/docs")
def docs_page() -> Any:
    """The operations of the OpenAPI document as a plain page: no script, no CDN, so the
    app's strict CSP holds."""
    spec = current_app.extensions["tracker_api"].spec.to_dict()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append((method.upper(), path, op))
    return render_template("api/docs.html", spec=spec, operations=operations)
