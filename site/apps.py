from pathlib import Path

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Site-wide wiring with no models of its own: the page cache's invalidation signals."""

    name = "circuitcourt.site"
    label = "circuitcourt_site"
    verbose_name = "Circuit Court"
    # A namespace package (no __init__.py, see DESIGN.md): Django cannot guess its folder.
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from .cache import connect_signals

        connect_signals()
