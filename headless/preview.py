"""Preview tokens: how a headless front end shows an editor the draft of a page.

The admin gives an editor (who may edit the page) a token signed with the project's secret
key and stamped with the time; the API's /preview/ endpoint reads the page's latest revision
with it until it expires. Nothing else is needed: no token, no draft.
"""

from django.conf import settings
from django.core import signing

SALT = "circuitcourt.headless.preview"


class PreviewTokenError(Exception):
    """A token that is not ours (forged, altered) or no longer valid (expired)."""

    def __init__(self, message, *, expired=False):
        super().__init__(message)
        self.expired = expired


def max_age():
    return settings.CIRCUITCOURT_API_PREVIEW_MAX_AGE


def make_token(page):
    return signing.TimestampSigner(salt=SALT).sign_object({"page": page.pk})


def page_id_from_token(token):
    """The page id a token grants, or PreviewTokenError."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise PreviewTokenError("This preview token has expired.", expired=True) from exc
    except signing.BadSignature as exc:
        raise PreviewTokenError("This preview token is not valid.") from exc
    try:
        return int(data["page"])
    except (TypeError, KeyError, ValueError) as exc:
        raise PreviewTokenError("This preview token is not valid.") from exc


def preview_url(page):
    """Where the editor's link goes: the front end's preview route, or the API itself."""
    from django.urls import reverse

    token = make_token(page)
    template = settings.CIRCUITCOURT_API_PREVIEW_URL
    if template:
        return template.format(token=token, page_id=page.pk)
    return f"{reverse('wagtailapi_v3:headless_preview')}?token={token}"
