"""The API's shared conventions, used by every router mounted in site/api.py.

- Errors: RFC 7807 problem details (application/problem+json), always with `errors`, a
  list of {"field", "message"} (empty when no field is to blame): `problem()`, `ApiError`,
  `error_handlers()` inside the API's views; `unknown_endpoint`, `allowed_methods_only` and
  `site_or_api_error` (handler400, handler500 in site/urls.py) for the errors outside them.
- Pagination: `?page=1&page_size=20` (max 100), answered as {count, page, pages, items}:
  `paginate()`. Wagtail's page listing keeps its own limit/offset but the same {count, items}.
- Caching: `ApiCacheMiddleware` marks public reads `Cache-Control: public,
  max-age=CIRCUITCOURT_API_MAX_AGE` with an ETag, and answers a matching If-None-Match with
  304. Reads that depend on who asks (a bearer token, a preview token) are private and never
  stored. Two lifetimes, each said in one place: how long clients may keep an answer is the
  API's (this header, the same with the page cache on or off); the shared page cache
  (site/cache.py) stores the answer, headers included, no longer than its own few seconds
  and drops it at once on any change. No Last-Modified: no cheap date changes with every
  answer (an unpublished page, an edited partner or quality sign, an event that ends leave
  the latest `last_published_at` as it was), and a wrong one makes If-Modified-Since answer
  304 for changed content; the ETag (a hash of the answer) is always right.
- Rate limits: `rate_limited("search")`, counted per client address in Django's cache.
- Dates and times are ISO 8601 (times in UTC, "Z"); money is a decimal string with two
  places ("12.50") and a `currency` ("EUR"); the language is `?lang=fr|en` or
  Accept-Language (circuitcourt.site.middleware.ApiLanguageMiddleware).
"""

import functools
import json
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError
from wagtail.api.v3.errors import build_problem_detail

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
CURRENCY = "EUR"


# Errors ------------------------------------------------------------------------------------


class FieldError(Schema):
    field: str | None = Field(description="The parameter or field to blame, if any.")
    message: str


class ErrorOut(Schema):
    """The error shape of every endpoint (RFC 7807 problem details)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError]


class ApiError(Exception):
    def __init__(self, status, detail, errors=()):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, list(errors)


def problem(status, detail, errors=(), headers=None):
    payload = build_problem_detail(status=status, detail=str(detail)).model_dump()
    payload["errors"] = [
        {"field": error.get("field"), "message": str(error["message"])} for error in errors
    ]
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder),
        status=status,
        content_type=PROBLEM_JSON,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form):
    """A Django form's (or FilterSet's form's) errors as [{"field", "message"}]."""
    return [
        {"field": None if name == "__all__" else name, "message": message}
        for name, messages in form.errors.items()
        for message in messages
    ]


def _validation_errors(errors):
    """Ninja/Pydantic errors ({"loc", "msg"}) as [{"field", "message"}]; loc[0] is where."""
    result = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else ""
        if where in ("query", "path", "body", "header", "cookie") and len(loc) > 1:
            loc = loc[1:]
            # Ninja names the schema argument first ("params", "filters", "data").
            if len(loc) > 1:
                loc = loc[1:]
        result.append({"field": ".".join(loc) or None, "message": error.get("msg", "")})
    return result


def error_handlers(api):
    """Make every error of the API, Wagtail's included, answer in the one error shape."""

    def validation(request, exc):
        if isinstance(exc, NinjaValidationError):
            raw = exc.errors
        elif isinstance(exc, PydanticValidationError):
            raw = exc.errors()
        else:
            raw = [{"msg": message} for message in exc.messages]
        in_body = any(str((e.get("loc") or ["?"])[0]) == "body" for e in raw)
        # A bad query or path parameter is a 400, as in the project's own endpoints; an
        # invalid body is a 422, as Wagtail's write API documents.
        status = 422 if in_body else 400
        return problem(
            status,
            "Invalid parameters." if status == 400 else "Validation failed.",
            _validation_errors(raw),
        )

    for exc_class in (NinjaValidationError, PydanticValidationError, DjangoValidationError):
        api.add_exception_handler(exc_class, validation)

    def api_error(request, exc):
        return problem(exc.status, exc.detail, exc.errors)

    def http_error(request, exc):
        return problem(exc.status_code, str(exc))

    def not_found(request, exc):
        return problem(404, str(exc) or "Not found.")

    def denied(request, exc):
        if not request.user.is_authenticated:
            return problem(401, "Authentication required.")
        return problem(403, str(exc) or "Permission denied.")

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, denied)


@csrf_exempt  # any method: a POST to an unknown address is a 404, not a CSRF failure
def unknown_endpoint(request, *args, **kwargs):
    """Every path under /api/ that no endpoint serves (site/urls.py routes them here rather
    than into the page tree, whose 404 is an HTML page)."""
    return problem(404, "No endpoint at this address.")


def allowed_methods_only(view):
    """Wrap one of the API's views: a method it does not take answers 405 in the error shape.

    Ninja builds that 405 itself, as text, outside its exception handlers: no hook to change.
    """

    @functools.wraps(view)  # keeps ninja's csrf_exempt
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_JSON:
            return problem(
                405,
                f"Method {request.method} is not allowed here.",
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapper


def site_or_api_error(status, detail, site_view):
    """A Django error handler (handler400, handler500): the error shape under /api/, the
    site's own page elsewhere."""

    def handler(request, *args, **kwargs):
        if request.path_info.startswith(API_PREFIX):
            return problem(status, detail)
        return site_view(request, *args, **kwargs)

    return handler


def document_problem_json(api):
    """Declare error answers as application/problem+json in the OpenAPI document.

    Ninja documents every response as application/json; the errors are served (as Wagtail
    serves them) with the problem-details media type, and the document must say so.
    """
    build = api.get_openapi_schema

    @functools.wraps(build)
    def get_openapi_schema(*args, **kwargs):
        schema = build(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        return schema

    api.get_openapi_schema = get_openapi_schema


# Pagination --------------------------------------------------------------------------------

# Far past any real list, far below the databases' 64-bit OFFSET.
MAX_OFFSET = 10**9


def bound_wagtail_offsets():
    """Wagtail's lists (pages, images, redirects, ...) take any ?offset=; one past 64 bits
    reaches the database and fails there (a 500). Refuse it as a bad parameter instead.

    Wagtail 8.0.1 gives no setting for it, hence a wrap of its paginator's one method.
    """
    from wagtail.api.v3.pagination import WagtailLimitOffsetPagination

    paginate_queryset = WagtailLimitOffsetPagination.paginate_queryset

    @functools.wraps(paginate_queryset)
    def bounded(self, queryset, pagination, request, **params):
        if pagination.offset > MAX_OFFSET:
            message = f"Give a whole number from 0 to {MAX_OFFSET}."
            raise ApiError(400, "Invalid pagination.", [{"field": "offset", "message": message}])
        return paginate_queryset(self, queryset, pagination, request, **params)

    WagtailLimitOffsetPagination.paginate_queryset = bounded


class PageParams(Schema):
    # Strings, checked by `paginate`, so that a bad value is a 400 naming its field.
    page: str | None = Field(None, description="Page number, from 1.", examples=["1"])
    page_size: str | None = Field(
        None,
        description=f"Items per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
        examples=["20"],
    )


def page_numbers(data):
    """(page, page_size) from a query dict, or ApiError naming the bad parameter."""
    errors, numbers = [], {}
    for name, default, maximum in (
        ("page", 1, None),
        ("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    ):
        raw = data.get(name)
        try:
            value = default if raw in (None, "") else int(raw)
        except ValueError:
            value = None
        if value is None or value < 1 or (maximum and value > maximum):
            limit = f" and at most {maximum}" if maximum else ""
            errors.append({"field": name, "message": f"Give a whole number from 1{limit}."})
        numbers[name] = value
    if errors:
        raise ApiError(400, "Invalid pagination.", errors)
    return numbers["page"], numbers["page_size"]


def paginate(queryset, request, serialize, prepare=list):
    """The page of `queryset` that ?page and ?page_size ask for, each item `serialize`d.

    `prepare` gets the page's objects first, to load what they link for all at once.
    """
    number, size = page_numbers(request.GET)
    paginator = Paginator(queryset, size)
    count = paginator.count
    pages = max(1, math.ceil(count / size))
    if number > pages:
        raise ApiError(
            400,
            "Invalid page.",
            [{"field": "page", "message": "This page of results does not exist."}],
        )
    items = prepare(paginator.get_page(number).object_list) if count else []
    return {"count": count, "page": number, "pages": pages, "items": [serialize(i) for i in items]}


def page_schema(item_schema, name):
    """The paginated list schema for `item_schema`: {count, page, pages, items}."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "page": int,
                "pages": int,
                "items": list[item_schema],
            },
            "__doc__": f"One page of {item_schema.__name__} items.",
        },
    )


def money(value):
    return None if value is None else f"{value:.2f}"


def rendition(image, spec):
    """An image as the rendition a front end shows: URL, size and alternative text."""
    if image is None:
        return None
    r = image.get_rendition(spec)
    return {"url": r.full_url, "width": r.width, "height": r.height, "alt": r.alt}


class ImageOut(Schema):
    url: str
    width: int
    height: int
    alt: str


# Caching -----------------------------------------------------------------------------------


def is_private(request):
    """Answers that depend on who asks: never stored by shared caches."""
    return bool(request.headers.get("Authorization")) or request.path_info.startswith(
        f"{API_PREFIX}v3/preview/"
    )


class ApiCacheMiddleware:
    """Cache headers and conditional GET (ETag, 304) for the API's public reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or request.method not in ("GET", "HEAD"):
            return response
        if is_private(request):
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.status_code != 200 or response.streaming:
            return response
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.CIRCUITCOURT_API_MAX_AGE)
        if not response.has_header("ETag"):
            set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)


# Rate limits -------------------------------------------------------------------------------


def client_address(request):
    """The client's address: behind a proxy, from the header it sets (one address)."""
    header = settings.CIRCUITCOURT_API_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(scope):
    """Allow each client address CIRCUITCOURT_API_RATE_LIMITS[scope] requests per window.

    A fixed window counted in Django's cache (Redis in production, shared by all workers).
    Over the limit: 429 in the error shape, with Retry-After (seconds).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit, window = settings.CIRCUITCOURT_API_RATE_LIMITS[scope]
            now = time.time()
            client = client_address(request)
            key = f"api-rate:{scope}:{client}:{int(now // window)}"
            cache.add(key, 0, window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, window + 1)
                count = 1
            if count > limit:
                retry_after = max(1, math.ceil(window - now % window))
                return problem(
                    429,
                    f"Too many requests: at most {limit} every {window} seconds.",
                    headers={"Retry-After": str(retry_after)},
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
