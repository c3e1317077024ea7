"""Language of the JSON API: ?lang=fr|en, else the Accept-Language header.

The public pages take their language from the URL (/en/...), where French is unprefixed; the
API has no prefix, so Django's LocaleMiddleware would always pick French for it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
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
