from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeasonalCalendarConfig(AppConfig):
    """The seasonal calendar of products."""

    name = "circuitcourt.calendar"
    label = "seasonal_calendar"
    verbose_name = _("Seasonal calendar")
    default_auto_field = "django.db.models.BigAutoField"
    # The folder has no __init__.py (it is a namespace package mapped by pyproject.toml),
    # so Django cannot guess where it lives.
    path = str(Path(__file__).resolve().parent)

    def ready(self):
        from circuitcourt.home.groups import grant_after_migrate

        from .permissions import CHAMBER_EDITOR_PERMISSIONS

        grant_after_migrate(self, CHAMBER_EDITOR_PERMISSIONS)
