from django.contrib.auth.management import create_permissions
from django.db import migrations

# Names are duplicated from circuitcourt.home.groups on purpose: a migration must not change
# when application code does.
CHAMBER_EDITORS = "Chamber editors"
PARTNER_EDITORS = "Partner editors"
RESTAURANT_BUYERS = "Restaurant buyers"
PRODUCERS = "Producers"

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page",
                    "unlock_page"]
MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}


def ensure_permissions(apps):
    # Model permissions are normally created after migrate; on a fresh database they do not
    # exist yet, so create them now for the apps whose permissions we grant.
    for label in ("wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    ensure_permissions(apps)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)

    chamber, _ = Group.objects.get_or_create(name=CHAMBER_EDITORS)
    chamber.permissions.add(access_admin)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=chamber,
            page=root_page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore",
                                              codename=codename),
        )

    partners, _ = Group.objects.get_or_create(name=PARTNER_EDITORS)
    partners.permissions.add(access_admin)

    # Chamber editors manage the whole media library; partner editors may upload and choose
    # images and documents for their own pages.
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label,
                                                codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=chamber, collection=root_collection, permission=permission
            )
            if codename.split("_")[0] in ("add", "choose"):
                GroupCollectionPermission.objects.get_or_create(
                    group=partners, collection=root_collection, permission=permission
                )

    # Buyers and producers use the supply portal, not the Wagtail admin; their portal rights
    # arrive with the supply models.
    Group.objects.get_or_create(name=RESTAURANT_BUYERS)
    Group.objects.get_or_create(name=PRODUCERS)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Group.objects.filter(
        name__in=[CHAMBER_EDITORS, PARTNER_EDITORS, RESTAURANT_BUYERS, PRODUCERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
