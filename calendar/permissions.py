"""Who may edit the seasonal calendar in the Wagtail admin: the chamber editors.

As for the directory (see directory/permissions.py), the model permissions are granted after
every `migrate`, so a fresh database gets them as well as an existing one.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from circuitcourt.home import groups

CHAMBER_EDITOR_PERMISSIONS = {"seasonality": ["add", "change", "delete", "view"]}


def grant_chamber_editor_permissions(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Give the chamber editors' group its rights on the calendar's snippet (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name=groups.CHAMBER_EDITORS).first()
    if group is None:  # the groups' migration has not run (or was reversed)
        return
    codenames = [
        f"{action}_{model}"
        for model, actions in CHAMBER_EDITOR_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="seasonal_calendar", codename__in=codenames
    )
    group.permissions.add(*permissions)


def on_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    # Django's own handler creating model permissions may run after this one.
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    grant_chamber_editor_permissions(apps, using)
