"""Language of the JSON API: ?lang=fr|en, else the Accept-Language header.

The public pages take their language from the URL (/en/...), where French is unprefixed; the
API has no prefix, so Django's LocaleMiddleware would always pick French for it.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views import defaults

from .api_support import API_PREFIX, problem

# Wagtail's page list answers every language's pages unless told one (?locale=): it answers
# the request's language's, like every other list (one version of each page, no duplicate).
PAGE_LIST_PATH = "/api/v3/pages/"


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = request.GET.get("lang")
        if language not in self.languages:
            language = translation.get_language_from_request(request)
        request.LANGUAGE_CODE = language
        if request.path_info == PAGE_LIST_PATH and "locale" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["locale"] = language
        # override, not activate: the language must not outlive the request in this thread.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response


class NullCharacterMiddleware:
    """Refuse a URL holding a NUL character (%00) with a 400.

    PostgreSQL text cannot hold NUL: a lookup on such a value (Wagtail's ?locale=, a page
    slug in the path) fails in the database with a 500. Django's form fields refuse NUL
    already; this covers what no form validates.
    """

    message = "The URL holds a NUL character (%00)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [
            key
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in value for value in values)
        ]
        if not fields and "\x00" not in request.path_info:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return problem(
                400, self.message, [{"field": f, "message": self.message} for f in fields]
            )
        return defaults.bad_request(request, BadRequest(self.message))
