from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Home page, standard pages, and the partners' news and events."""

    name = "circuitcourt.home"
    label = "home"
    verbose_name = _("Home")
    default_auto_field = "django.db.models.BigAutoField"
    # The folder has no __init__.py (it is a namespace package mapped by pyproject.toml),
    # so Django cannot guess where it lives.
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from wagtail.signals import post_page_move

        from .services import on_page_moved, on_partner_saved

        # Whoever creates a partner (admin, demo, import, shell), it gets its section.
        post_save.connect(on_partner_saved, sender="directory.Partner")
        # A news item or event moved to another section now belongs to its partner.
        post_page_move.connect(on_page_moved)
