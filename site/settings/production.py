"""Production: everything secret or site-specific comes from the environment.

Importing this module fails with ImproperlyConfigured rather than start an unsafe server.
See deploy/production.env.example for every variable.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, env_bool, env_list

if env_bool("DEBUG"):
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (50+ random characters).")
if SECRET_KEY == DEV_SECRET_KEY or "insecure" in SECRET_KEY or "change-me" in SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is a development or example key; generate your own.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY is too short: use 50 or more random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("Set DATABASE_URL (postgres://user:password@host:5432/name).")
DATABASES = {
    "default": dj_database_url.config(
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "circuitcourt",
        }
    }

# Tasks (e-mails, webhooks, standing orders) wait in the database for `manage.py db_worker`
# (make worker), so a slow SMTP server or front end never holds a request; webhook retries
# are deferred tasks. TASKS_BACKEND=immediate runs them in the request instead, for a
# deployment without a worker process (then cron runs retry_webhooks).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASKS_BACKENDS:  # noqa: F405
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}, not {TASKS_BACKEND!r}."  # noqa: F405
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}  # noqa: F405

if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
ADMINS = [("Admin", address) for address in env_list("ADMIN_EMAILS")]

if os.environ.get("WAGTAILADMIN_BASE_URL"):
    WAGTAILADMIN_BASE_URL = os.environ["WAGTAILADMIN_BASE_URL"]

# Compressed, fingerprinted static files served by WhiteNoise (run collectstatic first).
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)

# HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Wagtail's live preview frames the page from the same origin, so X_FRAME_OPTIONS stays
# SAMEORIGIN (base.py) and the DENY recommendation of check --deploy is silenced on purpose.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
