"""The password rule: long enough, not built from who you are, not easy to guess.

Strength is estimated by zxcvbn (a maintained estimator with lists of common and
breached passwords, names and words), given the user's e-mail and name and the
published demo password as words an attacker would try first.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn 0–4: 3 = "safely unguessable", about 10^8 guesses
KNOWN = ["demo-lösenord", "systemfel", "tracker", "personligt ombud", "lösenord"]


def _personal_words(email: str, name: str) -> list[str]:
    local, _sep, domain = email.lower().partition("@")
    words = [local, domain.split(".")[0], *re.split(r"[\s._+-]+", local), *name.lower().split()]
    return [w for w in words if len(w) >= 3]


def password_problem(password: str, *, email: str, name: str) -> str | None:
    """A Swedish sentence saying why ``password`` is refused, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet måste ha minst %(n)d tecken.", n=MIN_LENGTH)
    lowered = password.lower()
    if any(word in lowered for word in _personal_words(email, name)):
        return _("Lösenordet får inte innehålla din e-postadress eller ditt namn.")
    if any(word in lowered for word in KNOWN):
        return _("Lösenordet är för vanligt. Välj något som inte går att gissa.")
    result = zxcvbn(password[:128], user_inputs=[email, name, *KNOWN])
    if result["score"] < MIN_SCORE:
        return _(
            "Lösenordet är för lätt att gissa. Använd till exempel fyra eller fler "
            "ord som inte hör ihop, eller en längre fras."
        )
    return None
