"""The API blueprint and the documentation of its error responses."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask_smorest import Blueprint

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="REST API v1: läsa register, möten och årsrapport; logga förekomster.",
)


def errors_doc(*codes: int) -> Callable[[F], F]:
    """Document the problem responses an operation may give, beside the ones every
    authenticated operation may give (401, 429)."""

    def decorator(view: F) -> F:
        for code in sorted({401, 429, *codes}):
            view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorator
