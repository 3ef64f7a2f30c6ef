"""The refusal every network rule raises."""

from __future__ import annotations


class NetworkRuleError(ValueError):
    """A rule refused the change; `code` names which (the view words it in Swedish)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
