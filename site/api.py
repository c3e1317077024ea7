"""One API, one OpenAPI document: Wagtail's v3 API (pages, sites) plus the project's routers.

Served under /api/v3/; the OpenAPI document is /api/v3/openapi.json and the interactive
docs /api/v3/docs/. The conventions every endpoint follows (errors, pagination, caching,
dates, money, language) are in circuitcourt.site.api_support.
"""

from django.urls import URLPattern
from wagtail.api.v3.urls import api

from circuitcourt.calendar.api import router as calendar_router
from circuitcourt.directory.api import router as directory_router
from circuitcourt.headless.api import router as preview_router
from circuitcourt.home.api import router as editorial_router
from circuitcourt.site.api_support import (
    allowed_methods_only,
    bound_wagtail_offsets,
    document_problem_json,
    error_handlers,
)
from circuitcourt.spotlight.api import router as spotlight_router

api.title = "Circuit Court API"
api.description = (
    "Local food of Hauts-de-France: producers, points of sale, products, quality signs and "
    "partners (directory), the seasonal calendar, news, events, producers in the spotlight, "
    "and every page through Wagtail's page API.\n\n"
    "Conventions: lists answer `{count, page, pages, items}` with `?page=` and `?page_size=` "
    "(at most 100; Wagtail's `/pages/` uses `?limit=&offset=` and `{count, items}`); errors "
    'answer `{"type", "title", "status", "detail", "errors": [{"field", "message"}]}`; '
    'times are ISO 8601 in UTC, money a decimal string ("12.50") with its currency; the '
    "language is `?lang=fr|en` or Accept-Language. Public reads carry ETag and "
    "Cache-Control (a conditional request may answer 304); search is rate-limited (429 "
    "with Retry-After)."
)
api.add_router("/directory/", directory_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/", editorial_router)
api.add_router("/spotlight/", spotlight_router)
api.add_router("/preview/", preview_router)
error_handlers(api)
document_problem_json(api)
bound_wagtail_offsets()

patterns, app_name, namespace = api.urls
urls = (
    [
        URLPattern(p.pattern, allowed_methods_only(p.callback), p.default_args, p.name)
        for p in patterns
    ],
    app_name,
    namespace,
)
