"""Platform staff (the chamber editors' group) run the supply portal in the Wagtail admin.

Rights are Django model permissions, granted after every `migrate` like the directory's.
Orders and supplier orders are read-mostly: staff may view and correct them, not add or
delete them (they come from the portal, through the services).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from circuitcourt.home import groups

ALL = ["add", "change", "delete", "view"]
CHAMBER_EDITOR_PERMISSIONS = {
    "buyer": ALL,
    "supplier": ALL,
    "deliveryzone": ALL,
    "deliveryround": ALL,
    "deliveryslot": ALL,
    "offer": ALL,
    "order": ["change", "view"],
    "supplierorder": ["change", "view"],
    "standingorder": ["change", "view"],
    # Statements are issued (added), read and downloaded; never changed once issued.
    "statement": ["add", "view"],
    "lot": ALL,
    "lotallocation": ALL,
    "producershowcase": ALL,
}


def grant_chamber_editor_permissions(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Give the chamber editors' group its rights on the supply models (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name=groups.CHAMBER_EDITORS).first()
    if group is None:
        return
    codenames = [
        f"{action}_{model}"
        for model, actions in CHAMBER_EDITOR_PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="supply", codename__in=codenames
        )
    )


def on_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    grant_chamber_editor_permissions(apps, using)
