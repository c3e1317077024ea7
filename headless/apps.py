from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HeadlessConfig(AppConfig):
    """What front ends built on the API need beyond the pages: draft previews and webhooks."""

    name = "circuitcourt.headless"
    label = "headless"
    verbose_name = _("Headless front ends")
    default_auto_field = "django.db.models.BigAutoField"
    # The folder has no __init__.py (a namespace package mapped by pyproject.toml).
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .permissions import on_post_migrate
        from .webhooks import on_page_published, on_page_unpublished

        post_migrate.connect(on_post_migrate, sender=self)
        page_published.connect(on_page_published, dispatch_uid="headless_page_published")
        page_unpublished.connect(on_page_unpublished, dispatch_uid="headless_page_unpublished")
