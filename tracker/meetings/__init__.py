from flask import Blueprint

bp = Blueprint("meetings", __name__)

# routes register on bp
from . import forum_views, minutes_views, proposal_views, views  # noqa: E402,F401
