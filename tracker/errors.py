"""Error pages in the user's language, never a stack trace."""

from flask import render_template
from flask_babel import lazy_gettext as _l

ERROR_TEXT = {
    400: (
        _l("Felaktig begäran"),
        _l("Något i begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen."),
    ),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")),
    404: (
        _l("Sidan finns inte"),
        _l("Sidan eller objektet du söker finns inte, eller så har du inte tillgång till det."),
    ),
    405: (_l("Metoden stöds inte"), _l("Sidan kan inte användas på det här sättet.")),
    409: (
        _l("Konflikt"),
        _l("Någon annan har ändrat samma uppgifter. Ladda om sidan och försök igen."),
    ),
    429: (_l("För många försök"), _l("Vänta en stund och försök igen.")),
    500: (
        _l("Något gick fel"),
        _l(
            "Ett oväntat fel inträffade. Inget av det du skrev har sparats "
            "om sidan inte bekräftade det. Försök igen om en stund."
        ),
    ),
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default
    ), code
