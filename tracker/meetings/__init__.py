from flask import Blueprint

bp = Blueprint("meetings", __name__)

# routes register on bp
from . import (  # noqa: E402,F401
    action_views,
    action_xlsx,
    forum_views,
    minutes_edit_views,
    minutes_views,
    proposal_views,
    views,
)
