from flask import Blueprint

bp = Blueprint("faults", __name__)

from . import log, views  # noqa: E402,F401  (routes register on bp)
