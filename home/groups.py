"""The user groups of Circuit Court, named once so code, migrations and tests agree."""

CHAMBER_EDITORS = "Chamber editors"
# Every partner editor belongs to this group (admin access, media library) and to the group of
# its own partner, which [Editorial] creates with the partner and gives rights on its section.
PARTNER_EDITORS = "Partner editors"
RESTAURANT_BUYERS = "Restaurant buyers"
PRODUCERS = "Producers"

ALL = [CHAMBER_EDITORS, PARTNER_EDITORS, RESTAURANT_BUYERS, PRODUCERS]


def grant_after_migrate(app_config, model_actions, group_name=CHAMBER_EDITORS):
    """After every `migrate`, give the group these model permissions of the app:
    {model name: [actions]} (idempotent). Not in a migration, so that a fresh database and a
    model added later get them too."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models.signals import post_migrate

    codenames = [
        f"{action}_{model}" for model, actions in model_actions.items() for action in actions
    ]

    def grant(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
        # Django creates model permissions in its own post_migrate handler, which may run
        # after this one: create them first (it skips those that exist).
        create_permissions(sender, verbosity=0, using=using, apps=apps)
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        group = Group.objects.using(using).filter(name=group_name).first()
        if group is None:  # the groups' migration has not run (or was reversed)
            return
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=sender.label, codename__in=codenames
            )
        )

    post_migrate.connect(
        grant,
        sender=app_config,
        weak=False,
        dispatch_uid=f"grant_{app_config.label}_{group_name}",
    )
