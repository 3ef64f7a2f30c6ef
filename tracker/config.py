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
# A login lasts at most this long (with "Kom ihåg mig": REMEMBER_COOKIE_DURATION); a
# session with no request for the organisation's `session_idle_hours` (default 8) ends.
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)

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

# Login throttle (tracker.accounts.services.throttle_for). After LOGIN_MAX_FAILURES failed
# logins for an account (counted since its last success, within LOGIN_FAILURE_MEMORY) the
# account waits LOGIN_FAILURE_DELAY after its latest failure; every further failure doubles
# the wait, up to LOGIN_FAILURE_WINDOW. Refused attempts are not counted.
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
LOGIN_FAILURE_DELAY = timedelta(seconds=30)
LOGIN_FAILURE_MEMORY = timedelta(hours=24)
# One client address: at most this many failures (over all accounts) per sliding window;
# beyond it every attempt from the address is refused until the oldest failure ages out.
LOGIN_MAX_FAILURES_PER_ADDRESS = 30
LOGIN_ADDRESS_WINDOW = timedelta(minutes=15)

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

# The nightly backup (the scheduler, 02:40): a folder to write into; empty = no nightly
# backup. Only the newest BACKUP_KEEP backups the job made are kept (`tracker backup`).
BACKUP_DIR = ""
BACKUP_KEEP = 7

# Log lines: "text" (the default) or "json" (one JSON object per line, with the request id).
LOG_FORMAT = "text"
LOG_LEVEL = "INFO"
# Prometheus metrics at /metrics (tracker.observe); with a token the scraper sends
# "Authorization: Bearer <token>", without one only the host itself may scrape.
METRICS_ENABLED = False
METRICS_TOKEN = ""
