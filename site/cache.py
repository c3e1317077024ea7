"""The shared page cache: what may be cached, under which key, and when it all goes stale.

Public pages and read API answers are the same for every anonymous visitor, so one rendering
is stored in Django's cache (Redis in production, shared by every worker) and served again
without touching the database. Correctness rests on three rules:

- Every entry carries the cache *generation* it was rendered under. Any content change
  (a page published or unpublished, moved, deleted; a producer, point of sale, category,
  quality sign, partner, season, image or document saved or deleted) replaces the
  generation, so every stored answer is stale at once (the generation is read in the same
  round trip as the entry). A few editors write, many visitors read: dropping everything
  on a change is simple and cannot miss a page that shows the changed thing.
- Every entry lives `CIRCUITCOURT_PAGE_CACHE_SECONDS` at most, for what changes without a
  signal: bulk loads, "open now", the article of the day, upcoming events.
- Only anonymous GETs are served from or stored in the cache, and only 200 answers that set
  no cookie and say nothing private. The key holds the language (resolved from the URL, or
  for the API from ?lang and Accept-Language) rather than the raw Accept-Language header,
  so one copy serves every browser; requests carrying a session or messages cookie, or an
  Authorization header, never use the cache, so neither header need be in the key. Other
  Vary headers (Origin, ...) are honoured the way Django's cache middleware does it. The
  portal, the admin, the API's previews and the other
  `CIRCUITCOURT_PAGE_CACHE_EXCLUDED_PATHS` are never cached.

wagtail-cache (the maintained package for this) requires Wagtail < 8 at the time of writing,
hence this small middleware built on Django's cache framework.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
CACHE_HEADER = "X-Page-Cache"  # hit, miss or bypass: what the cache did for this request
# Vary headers the key already accounts for: the language is in the key (resolved from the
# URL or Accept-Language before the cache is asked); cookie-dependent answers are only ever
# produced for requests without a session, which are the only ones the cache serves.
HANDLED_VARY = {"accept-language", "cookie"}
PRIVATE_DIRECTIVES = {"private", "no-store", "no-cache"}


def cache_seconds():
    return settings.CIRCUITCOURT_PAGE_CACHE_SECONDS


def page_cache():
    return caches["default"]


def current_generation():
    """The generation in force; a new one if the cache lost it (evicted, flushed).

    A random value rather than a counter: a counter restarting at 1 after an eviction would
    bring old entries stored under 1 back to life.
    """
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation():
    try:
        page_cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache outage must not break publishing
        logger.exception("Could not invalidate the page cache")


def bump_generation():
    """Make every cached page stale, now and again when the current transaction commits.

    The second bump closes a race: a request reading the database before the commit could
    store the old content under the generation set by the first bump. One is enough per
    transaction, however many objects it saves (a data load saves thousands).
    """
    _new_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _new_generation for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_new_generation)


def remember(name, compute):
    """compute()'s value, shared through the cache until the next change of content.

    For what every page shows and few edits change (the menu, a page's languages, the
    site and its sections): a page cache miss then reads it once per generation. Stored
    with the generation it was computed under, like a page, so that one round trip reads
    both. Picklable values only; None is never stored. With the cache off (0 seconds) or
    down, computed every time.
    """
    seconds = cache_seconds()
    if seconds <= 0:
        return compute()
    cache = page_cache()
    key = f"remember:{name}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
    except Exception:  # an outage: served from the database, like the page itself
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    if value is not None:
        try:
            cache.set(key, (generation, value), seconds)
        except Exception:
            logger.exception("Could not store %s in the cache", name)
    return value


def invalidating_apps():
    return set(settings.CIRCUITCOURT_PAGE_CACHE_INVALIDATING_APPS)


def _on_model_change(sender, **kwargs):
    from wagtail.images.models import AbstractRendition

    # A rendition is written the first time a page shows an image at a size: reading, not
    # a change of content (bumping then would empty the cache on every cold page).
    if sender._meta.app_label in invalidating_apps() and not issubclass(sender, AbstractRendition):
        bump_generation()


def _on_page_event(sender, **kwargs):
    bump_generation()


def connect_signals():
    """Called from the site's AppConfig.ready(), so commands (publish_scheduled, imports) too."""
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        published,
        unpublished,
    )

    uid = "circuitcourt-page-cache"
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=uid)
    for signal in (
        page_published,
        page_unpublished,
        page_slug_changed,
        post_page_move,
        published,
        unpublished,
    ):
        signal.connect(_on_page_event, dispatch_uid=uid)


def _strip_language_prefix(path):
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def request_is_personal(request):
    """A request whose answer is for this visitor only: signed in (or with a session or a
    pending message, or an API token: drafts, /whoami/), a form sent, or a path never cached
    (the portal, the admin, the API's previews, ...)."""
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return True
    if {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys():
        return True
    path = _strip_language_prefix(request.path_info)
    excluded = settings.CIRCUITCOURT_PAGE_CACHE_EXCLUDED_PATHS
    return any(path.startswith(prefix) for prefix in excluded)


def vary_headers(response):
    """The request headers the answer depends on, besides the language and the cookies."""
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    return sorted(vary - HANDLED_VARY)


def response_is_cacheable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        part.split("=")[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    return not (directives & PRIVATE_DIRECTIVES or "*" in vary_headers(response))


def base_key(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    url = request.build_absolute_uri()  # scheme, host, path and query string
    return f"page-cache:{language}:{url}"


def variant_key(request, base, headers):
    """The entry for this request's values of the other headers the answer varies on
    (e.g. Origin), learnt from the first answer, as Django's own cache middleware does."""
    if not headers:
        return base
    values = hashlib.sha256(
        "\n".join(request.headers.get(name, "") for name in headers).encode()
    ).hexdigest()
    return f"{base}:{values}"


class PageCacheMiddleware:
    """Serve anonymous GETs from the shared cache; store what is safe to share.

    Sits after the language, session and authentication middleware: the language is
    resolved (so it goes into the key) and a cache hit still goes back through them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_is_personal(request):
            response = self.get_response(request)
            response.headers.setdefault(CACHE_HEADER, "bypass")
            if not response.has_header("Cache-Control"):
                # No shared cache (proxy, CDN) may keep it, nor show it to anyone else.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        seconds = cache_seconds()
        # HEAD: rare, not worth a second copy of each page. 0 seconds: the cache is off.
        if request.method == "HEAD" or seconds <= 0:
            return self.get_response(request)

        cache = page_cache()
        base = generation = cached = None
        try:
            base = base_key(request)
            # One round trip in the usual case: the generation, the Vary list and the entry
            # of an answer that varies on nothing else.
            found = cache.get_many([GENERATION_KEY, f"{base}:vary", base])
            generation = found.get(GENERATION_KEY) or current_generation()
            headers = found.get(f"{base}:vary")
            if headers is not None:
                entry = (
                    found.get(base)
                    if not headers
                    else cache.get(variant_key(request, base, headers))
                )
                # Stored with the generation in force when it was rendered: any change
                # since then makes it stale.
                if entry is not None and entry[0] == generation:
                    cached = entry[1]
        except Exception:
            logger.exception("Page cache unavailable; serving without it")
            base = None
        if cached is not None:
            response = self._conditional(request, cached)
            response[CACHE_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if base is not None and response_is_cacheable(response):
            if not response.has_header("Cache-Control"):
                # Browsers and proxies may keep a page as long as we do, no longer. An answer
                # that says its own lifetime (the API's) keeps it.
                patch_cache_control(response, public=True, max_age=seconds)
            response[CACHE_HEADER] = "miss"
            headers = vary_headers(response)
            try:
                cache.set_many(
                    {
                        f"{base}:vary": headers,
                        variant_key(request, base, headers): (generation, response),
                    },
                    seconds,
                )
            except Exception:
                logger.exception("Could not store a page in the cache")
            conditional = self._conditional(request, response)
            conditional[CACHE_HEADER] = "miss"
            return conditional
        response.headers.setdefault(CACHE_HEADER, "bypass")
        return response

    @staticmethod
    def _conditional(request, response):
        """A 304 when the stored answer's ETag/Last-Modified match the request's."""
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response
