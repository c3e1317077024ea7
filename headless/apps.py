from pathlib import Path

from django.apps import AppConfig
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

        from circuitcourt.home.groups import grant_after_migrate

        from .permissions import CHAMBER_EDITOR_PERMISSIONS
        from .webhooks import on_page_published, on_page_unpublished

        grant_after_migrate(self, CHAMBER_EDITOR_PERMISSIONS)
        page_published.connect(on_page_published, dispatch_uid="headless_page_published")
        page_unpublished.connect(on_page_unpublished, dispatch_uid="headless_page_unpublished")
