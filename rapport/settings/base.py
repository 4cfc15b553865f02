"""Settings shared by every environment, read from environment variables."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rapport import env

BASE_DIR = Path(__file__).resolve().parent.parent  # the rapport package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env.get("RAPPORT_VAR_DIR") or PROJECT_DIR / "var")

DEBUG = env.get_bool("DEBUG", False)
SECRET_KEY = env.get("SECRET_KEY") or ""
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rapport.accounts",
    "rapport.core",
    "rapport.clients",
    "rapport.billing",
    "rapport.dunning",
    "rapport.intake",
    "rapport.comms",
    "rapport.signals",
    "rapport.health",
    "rapport.agreements",
    "rapport.notifications",
    "rapport.journal",
    "rapport.offboarding",
    "rapport.extras",
    "rapport.timetracking",
    "rapport.banking",
    "rapport.audit",
    "rapport.backups",
    "rapport.webhooks",
    "rapport.onboarding",
    "rapport.inbox",
    "rapport.front",  # the composition roots, on top of every other app
    "ninja",  # its own Swagger UI files, served from here instead of a CDN
    "rapport.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.audit.context.AuditContextMiddleware",
    "rapport.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "rapport.core.middleware.WorkspaceMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rapport.core.context_processors.workspace",
                "rapport.accounts.context_processors.signup",
                "rapport.timetracking.context_processors.timer_control",
            ],
        },
    },
]


_SQLITE_OPTIONS = {
    # The web server and the worker write at the same time: wait for each other instead
    # of failing with "database is locked".
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
    ),
}


def _database() -> dict:
    """SQLite under var/ by default (WAL, busy timeout, IMMEDIATE); PostgreSQL by URL.
    A SQLite file named by DATABASE_URL gets the same settings as the default one."""
    url = env.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = {**_SQLITE_OPTIONS, **config.get("OPTIONS", {})}
            config["CONN_MAX_AGE"] = 0
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "rapport.sqlite3",
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Anyone may create an account (the laptop install); set false on a shared server, where
# workspace owners invite people by email instead.
SIGNUP_OPEN = env.get_bool("SIGNUP_OPEN", True)
# Password-reset, sign-up and invitation mails per hour, per address and per IP address.
ACCOUNT_MAIL_LIMIT_PER_ADDRESS = env.get_int("ACCOUNT_MAIL_LIMIT_PER_ADDRESS", 3)
ACCOUNT_MAIL_LIMIT_PER_IP = env.get_int("ACCOUNT_MAIL_LIMIT_PER_IP", 10)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Behind a reverse proxy: its addresses or networks (comma-separated, e.g. 127.0.0.1,
# 10.0.0.0/8). Only requests from these may name the client in X-Forwarded-For; empty,
# the direct peer is the client.
TRUSTED_PROXIES = env.get_list("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "rapport.accounts.client_ip.client_ip"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "rapport_language"
# ISO first among the input formats of every language: date/time inputs need it.
FORMAT_MODULE_PATH = ["rapport.formats"]
FORM_RENDERER = "rapport.core.renderers.FormRenderer"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running import or sync whose worker has not reported for this long is taken over.
RAPPORT_JOB_LEASE_SECONDS = env.get_int("RAPPORT_JOB_LEASE_SECONDS", 120)
# The learned warning-sign model next to the lexicons; off only to measure what it costs.
RAPPORT_SIGNALS_MODEL = env.get_bool("RAPPORT_SIGNALS_MODEL", True)

# REST API: requests per token in a sliding window, and the page size of lists.
API_RATE_LIMIT = env.get_int("API_RATE_LIMIT", 120)
API_RATE_WINDOW_SECONDS = env.get_int("API_RATE_WINDOW_SECONDS", 60)
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# Where clients reach this installation; used in links inside emails sent by the worker.
BASE_URL = (env.get("RAPPORT_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
# Recipients one workspace may send to per hour (scripts, invoices): the operator's SMTP
# server must not become anyone's mass mailer.
MAIL_LIMIT_PER_HOUR = env.get_int("MAIL_LIMIT_PER_HOUR", 100)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(env.parse_email_url(env.get("EMAIL_URL") or "console:"))

# Content-Security-Policy: scripts, styles, fonts and images only from this site (images
# also as data: URIs, e.g. the logo preview and Pico's icons). No inline scripts or <style>
# elements; style attributes stay allowed (layout only, they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Addresses users enter (calendar subscriptions, IMAP servers) must be public; a LAN
# install whose calendars and mail servers live on private addresses may allow them.
RAPPORT_ALLOW_PRIVATE_ADDRESSES = env.get_bool("RAPPORT_ALLOW_PRIVATE_ADDRESSES", False)
# Largest mail or calendar file one upload may bring (in MB); bigger ones are refused
# while they arrive. Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
RAPPORT_MAX_UPLOAD_MB = env.get_int("RAPPORT_MAX_UPLOAD_MB", 50)
if RAPPORT_MAX_UPLOAD_MB < 1:
    raise ImproperlyConfigured("RAPPORT_MAX_UPLOAD_MB must be at least 1.")
# Memory ceiling of one background worker process (MB, 0 for none): a task that needs
# more fails with a MemoryError and the worker goes on with the next one.
RAPPORT_TASK_MEMORY_MB = env.get_int("RAPPORT_TASK_MEMORY_MB", 2048)
if RAPPORT_TASK_MEMORY_MB < 0:
    raise ImproperlyConfigured("RAPPORT_TASK_MEMORY_MB must be 0 (no limit) or more.")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields without the files
FILE_UPLOAD_HANDLERS = [
    "rapport.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "WARNING")},
}
