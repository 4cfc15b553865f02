"""Test settings: fast hashing, mail kept in memory, tasks run immediately."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-" + "x" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not env.get("DATABASE_URL"):
    DATABASES = {  # noqa: F811
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "TEST": {"NAME": ":memory:"},
        }
    }
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite runs `rapport worker --once` inside the test process; a memory ceiling there
# would also bind the browsers the journeys start. tests/core/test_task_limits.py checks the
# ceiling in worker processes of their own.
RAPPORT_TASK_MEMORY_MB = env.get_int("RAPPORT_TASK_MEMORY_MB", 0)

# Django empties SQLite tables between transactional tests with DELETE, which the audit
# log's append-only triggers refuse; tests/audit installs them where it checks them.
RAPPORT_AUDIT_SQLITE_TRIGGERS = False
