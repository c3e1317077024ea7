from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The local producers guide: producers, points of sale, products, quality signs."""

    name = "circuitcourt.directory"
    label = "directory"
    verbose_name = _("Producers directory")
    default_auto_field = "django.db.models.BigAutoField"
    # The folder has no __init__.py (it is a namespace package mapped by pyproject.toml),
    # so Django cannot guess where it lives.
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from circuitcourt.home.groups import grant_after_migrate

        from .models import ProductCategory
        from .permissions import CHAMBER_EDITOR_PERMISSIONS

        grant_after_migrate(self, CHAMBER_EDITOR_PERMISSIONS)
        for signal in (post_save, post_delete):
            signal.connect(ProductCategory.forget_tree, sender=ProductCategory)
