"""One API, one OpenAPI document: Wagtail's v3 API (pages, sites) plus the project's routers.

Served under /api/v3/; the OpenAPI document is /api/v3/openapi.json and the interactive
docs /api/v3/docs/.
"""

from wagtail.api.v3.urls import api

from circuitcourt.calendar.api import router as calendar_router
from circuitcourt.directory.api import router as directory_router

api.title = "Circuit Court API"
api.description = (
    "Local food of Hauts-de-France: producers, points of sale, products and quality signs "
    "(directory), and Wagtail's pages."
)
api.add_router("/directory/", directory_router)
api.add_router("/calendar/", calendar_router)

urls = api.urls
