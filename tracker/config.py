"""Defaults; overridden by the instance folder's config.py and TRACKER_* variables."""

from datetime import timedelta

DEBUG = False
# SECRET_KEY is deliberately absent: the dev server writes one into the instance
# folder, production must set TRACKER_SECRET_KEY.
DATABASE_URL = ""  # empty = SQLite file "tracker.sqlite" in the instance folder
SQLITE_BUSY_TIMEOUT_MS = 15000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True  # relaxed in debug by create_app
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_DURATION = timedelta(days=14)
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

WTF_CSRF_TIME_LIMIT = 12 * 3600

BABEL_DEFAULT_LOCALE = "sv"
BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
LANGUAGES = {"sv": "Svenska", "en": "English"}

# Strict-Transport-Security max-age in seconds; 0 = header off. In production behind TLS
# set e.g. TRACKER_HSTS_SECONDS=31536000 (browsers then refuse plain HTTP for a year).
HSTS_SECONDS = 0
# Number of proxies in front of the app whose X-Forwarded-For/-Proto are trusted; 0 = none
# (the client address is then the connecting one, which a client cannot forge).
PROXY_FIX_HOPS = 0

LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)

BASE_URL = "http://127.0.0.1:5000"
MAIL_SERVER = ""
MAIL_PORT = 25
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_STARTTLS = False
MAIL_DEFAULT_SENDER = "systemfel@localhost"

PAGE_SIZE = 50

# The scheduler's pass interval; `make run` embeds it in the dev server.
SCHEDULER_INTERVAL_SECONDS = 60
EMBED_SCHEDULER = False
