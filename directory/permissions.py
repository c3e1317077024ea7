"""Who may edit the directory's reference data in the Wagtail admin.

Snippet rights are Django model permissions. They are granted after every `migrate` (not in
a migration) so that a fresh database, and a model added later, get them too.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from circuitcourt.home import groups

# model name -> actions granted to chamber editors. Communes come from the gazetteer:
# editors may correct one, only superusers add or delete them.
CHAMBER_EDITOR_PERMISSIONS = {
    "productcategory": ["add", "change", "delete", "view"],
    "qualitysign": ["add", "change", "delete", "view"],
    "partner": ["add", "change", "delete", "view"],
    "pointofsale": ["add", "change", "delete", "view"],
    "commune": ["change", "view"],
}


def grant_chamber_editor_permissions(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Give the chamber editors' group its rights on the directory's snippets (idempotent)."""
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
        content_type__app_label="directory", codename__in=codenames
    )
    group.permissions.add(*permissions)


def on_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    # Django creates model permissions in its own post_migrate handler, which may run after
    # this one: create them first (it skips those that exist).
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    grant_chamber_editor_permissions(apps, using)
