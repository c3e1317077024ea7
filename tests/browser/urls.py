"""The site's URLs plus uploaded media, for the live server of the browser tests.

Django's `static()` helper serves media only with DEBUG on; the tests run with DEBUG off, as
production does, where the web server (or S3) serves /media/.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from circuitcourt.site.urls import handler400, handler500
from circuitcourt.site.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]

urlpatterns = [
    re_path(
        rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *site_urlpatterns,
]
