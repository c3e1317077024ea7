"""The draft of a page, for the editor previewing it on a headless front end.

GET /api/v3/preview/?token=... answers the page's latest revision (saved draft included) in
the same shape as Wagtail's page detail. The token comes from the admin (see preview.py and
wagtail_hooks.py); without a valid, unexpired one there is no draft. Answers are private:
never stored by a shared cache (circuitcourt.site.api_support).
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from wagtail.api.v3.routers.pages import PageDetailSchema
from wagtail.models import Page

from circuitcourt.site.api_support import ApiError, ErrorOut

from .preview import PreviewTokenError, page_id_from_token

router = Router(tags=["preview"])


class PreviewParams(Schema):
    token: str = Field(description="The preview token the admin gave the editor.")


@router.get(
    "/",
    response={200: PageDetailSchema, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="headless_preview",
    summary="A page's latest draft, with a preview token",
    operation_id="preview_page",
)
def preview(request: HttpRequest, params: Query[PreviewParams]):
    try:
        page_id = page_id_from_token(params.token)
    except PreviewTokenError as exc:
        # Expired: ask the admin for a new one (401); forged or altered: refused (403).
        raise ApiError(401 if exc.expired else 403, str(exc)) from exc
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise ApiError(404, "This page no longer exists.")
    return page.specific.get_latest_revision_as_object()
