from pathlib import Path

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Site-wide wiring with no models of its own: the page cache's invalidation signals, and
    the English aliases of every new page (site/i18n.py)."""

    name = "circuitcourt.site"
    label = "circuitcourt_site"
    verbose_name = "Circuit Court"
    # A namespace package (no __init__.py, see DESIGN.md): Django cannot guess its folder.
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate, post_save

        from circuitcourt.home.groups import CHAMBER_EDITORS, PARTNER_EDITORS, grant_after_migrate

        from .cache import connect_signals
        from .i18n import on_page_created, sync_after_migrate

        connect_signals()
        post_save.connect(on_page_created, dispatch_uid="circuitcourt_page_aliases")
        # Sent for apps with models only (this one has none): once, with the home app's.
        post_migrate.connect(
            sync_after_migrate, sender=apps.get_app_config("home"), dispatch_uid="cc_page_sync"
        )
        # Wagtail's "Translate" action (pages with no English version yet): chamber and
        # partner editors, each on the pages they may edit.
        simple_translation = apps.get_app_config("simple_translation")
        for group in (CHAMBER_EDITORS, PARTNER_EDITORS):
            grant_after_migrate(simple_translation, {"translation": ["submit"]}, group)
