"""Root URLs: the Wagtail admin, documents, sitemap, language switch, then the page tree."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views import defaults
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from circuitcourt.site.api import urls as api_urls
from circuitcourt.site.api_support import site_or_api_error, unknown_endpoint
from circuitcourt.site.sitemap import LocalizedSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v3/", api_urls),
    # The rest of /api/ is the API's too: a 404 in its error shape, not a page of the site.
    re_path(r"^api/", unknown_endpoint),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": LocalizedSitemap}}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Errors raised outside the views (a bad Host header; an unexpected exception, which ninja
# hands over to Django): JSON under /api/, the site's pages elsewhere.
handler400 = site_or_api_error(400, "Bad request.", defaults.bad_request)
handler500 = site_or_api_error(500, "Server error.", defaults.server_error)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# French at the root, English under /en/. Wagtail's page serving comes last: it catches
# every path not matched above.
urlpatterns += i18n_patterns(
    path("portail/", include("circuitcourt.supply.urls")),
    path("", include("circuitcourt.supply.public_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.CIRCUITCOURT_BENCH_FLOOR:
    # The load benchmark's framework floor (bench/load.py): a fixed string through the same
    # middleware, for comparison only; enabled by CIRCUITCOURT_BENCH_FLOOR=1.
    from django.http import HttpResponse

    def bench_floor(request):
        return HttpResponse("floor", content_type="text/plain")

    urlpatterns.insert(0, path("bench/floor/", bench_floor))
