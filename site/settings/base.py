"""Settings shared by every environment. dev.py, test.py and production.py refine them."""

import os
from pathlib import Path

import dj_database_url

# site/settings/base.py -> the project root (where manage.py lives).
BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "circuitcourt.home",
    "circuitcourt.directory",
    "circuitcourt.calendar",
    "circuitcourt.spotlight",
    "circuitcourt.supply",
    "circuitcourt.site",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.contrib.simple_translation",
    "wagtail.admin",
    "wagtail.api.v3",
    "wagtail",
    "wagtailgeowidget",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that every API answer (304s and errors too) carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "circuitcourt.site.middleware.NullCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files (compressed, fingerprinted) without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "circuitcourt.site.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After the language is resolved (it is part of the key); a hit goes back through every
    # middleware above. See site/cache.py for what is cached and when it goes stale.
    "circuitcourt.site.cache.PageCacheMiddleware",
    # Wagtail's Site for the host from the shared cache, for what the page cache missed.
    "circuitcourt.site.routing.SiteMiddleware",
    # Cache-Control, ETag and 304 for the API's public reads. Inside the page cache, so that
    # the cache stores the API's answers with the API's own headers (max-age included).
    "circuitcourt.site.api_support.ApiCacheMiddleware",
]

ROOT_URLCONF = "circuitcourt.site.urls"
WSGI_APPLICATION = "circuitcourt.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite with zero configuration; DATABASE_URL=postgres://user@host:5432/name switches to
# PostgreSQL (psycopg 3), which is how CI and production run.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Page content translated by editors (Wagtail's localisation): one page tree per language,
# French at the root, English under /en/ (i18n_patterns in urls.py). The English tree is kept
# in sync with the French one: every page exists there as an alias (French content, English
# chrome) until an editor translates it. See site/i18n.py and the README.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "circuitcourt",
    }
}

# The shared page cache (site/cache.py): anonymous GETs of public pages and of the read API.
# Any content change invalidates it at once; this bounds what changes without a signal.
# 0 switches it off.
CIRCUITCOURT_PAGE_CACHE_SECONDS = int(os.environ.get("CIRCUITCOURT_PAGE_CACHE_SECONDS", "10"))
# Never cached, in any language (/en/portail/ too): personal, or files streamed with checks.
CIRCUITCOURT_PAGE_CACHE_EXCLUDED_PATHS = [
    "/admin/",
    "/portail/",
    "/i18n/",
    "/documents/",
    "/bench/",
    "/api/v3/preview/",  # an editor's draft, read with a preview token
]
# Saving or deleting anything of these apps invalidates the cache (the supply portal's
# orders do not: no public page shows them).
CIRCUITCOURT_PAGE_CACHE_INVALIDATING_APPS = [
    "home",
    "directory",
    "calendar",
    "spotlight",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "wagtailsettings",
]
# A bare view at /bench/floor/ for the load benchmark's reference (bench/load.py).
CIRCUITCOURT_BENCH_FLOOR = env_bool("CIRCUITCOURT_BENCH_FLOOR")

# The supply portal's login (the Wagtail admin has its own).
LOGIN_URL = "supply:login"
LOGIN_REDIRECT_URL = "supply:home"

# Background work (e-mails, webhooks, standing orders) through Django's tasks framework.
# Development runs each task at once, in the request; production queues them in the database
# for `manage.py db_worker` (settings/production.py).
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS["immediate"]}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Circuit Court <noreply@localhost>")

# Complex page models can exceed Django's default of 1000 fields in the Wagtail editor.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Each background task and page save logs at INFO; keep the console for what matters.
    "loggers": {
        # No handler of its own: its records reach the root's console once, not twice.
        "django": {"handlers": [], "level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Circuit Court"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # PostgreSQL full-text search with the French configuration (stemming); SQLite FTS.
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french",
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "jpeg": "webp", "png": "webp", "webp": "webp"}
WAGTAIL_PASSWORD_RESET_ENABLED = True

X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's live preview shows the page in an iframe.

# Sentinel for the development key: production.py refuses to start with it.
DEV_SECRET_KEY = "django-insecure-circuitcourt-development-key-do-not-use-in-production"

# --- Headless API (issue #5): CORS, caching, rate limits, preview tokens, webhooks ----------
# Kept in one block; the API's own code is in site/api.py, site/api_support.py, the apps'
# api.py files and the headless app (previews and webhooks).
INSTALLED_APPS += ["circuitcourt.headless", "corsheaders"]
# Browsers may read the API from these origins only (scheme://host[:port], comma-separated).
CORS_ALLOWED_ORIGINS = env_list("CIRCUITCOURT_API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Public reads may be cached this many seconds by browsers and proxies.
CIRCUITCOURT_API_MAX_AGE = int(os.environ.get("CIRCUITCOURT_API_MAX_AGE", "300"))
# (requests, per seconds) for each client address, per rate-limited scope.
CIRCUITCOURT_API_RATE_LIMITS = {
    "search": (int(os.environ.get("CIRCUITCOURT_API_SEARCH_PER_MINUTE", "60")), 60)
}
# Behind a proxy, the META key of the header carrying the client's address (e.g.
# HTTP_X_REAL_IP); otherwise every visitor would share the proxy's allowance.
CIRCUITCOURT_API_CLIENT_IP_HEADER = os.environ.get("CIRCUITCOURT_API_CLIENT_IP_HEADER", "")
# Preview tokens for headless front ends: lifetime, and the front end's preview route
# (e.g. "https://front.example/preview?token={token}"; empty: the API's own /preview/).
CIRCUITCOURT_API_PREVIEW_MAX_AGE = int(os.environ.get("CIRCUITCOURT_API_PREVIEW_MAX_AGE", "3600"))
CIRCUITCOURT_API_PREVIEW_URL = os.environ.get("CIRCUITCOURT_API_PREVIEW_URL", "")
# Webhooks: attempts before giving up, first retry delay (then ×4 each time), HTTP timeout.
CIRCUITCOURT_WEBHOOK_MAX_ATTEMPTS = 6
CIRCUITCOURT_WEBHOOK_BACKOFF_SECONDS = 60
CIRCUITCOURT_WEBHOOK_TIMEOUT = 10
# Rich text (fields and StreamField paragraphs) as display HTML, links resolved.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100  # the same maximum page size as the project's endpoints
# --- end of the headless API block ----------------------------------------------------------
