"""The test suite: fast hashing, local-memory cache, tasks run immediately."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DEV_SECRET_KEY

DEBUG = False
SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache is off, so that tests measure each page's own work (query counts) and may
# change rows without signals; tests/test_page_cache.py switches it on.
CIRCUITCOURT_PAGE_CACHE_SECONDS = 0
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic, as in development
STATIC_ROOT = None  # nothing collected in tests; WhiteNoise serves from the finders
# The suite sends many searches from one address within a minute; the rate limit's own test
# sets a small limit.
CIRCUITCOURT_API_RATE_LIMITS = {"search": (100_000, 60)}
