"""Chamber editors manage the webhooks and read their delivery log (granted after migrate)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from circuitcourt.home import groups

CHAMBER_EDITOR_PERMISSIONS = {
    "webhook": ["add", "change", "delete", "view"],
    "webhookdelivery": ["view"],
}


def grant_chamber_editor_permissions(apps=global_apps, using=DEFAULT_DB_ALIAS):
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
            content_type__app_label="headless", codename__in=codenames
        )
    )


def on_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    # Django's own handler creating model permissions may run after this one.
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    grant_chamber_editor_permissions(apps, using)
