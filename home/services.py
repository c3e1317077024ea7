"""The editorial rules: every partner has its section, its editors group and its media
collection, and the chamber moderates what partners write.

Shared by the admin (a partner saved in the snippet views), the demo loader and the tests;
every function is idempotent, so calling it again repairs what is missing and changes nothing
else.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from circuitcourt.site.i18n import create_aliases, sync_enabled

from . import groups
from .models import (
    EventIndexPage,
    NewsIndexPage,
    PartnerIndexPage,
    PartnerPublication,
    PartnerSectionPage,
)

# Also in migrations/0005_editorial_pages_and_moderation.py (a migration keeps its own copy).
WORKFLOW_NAME = "Modération par la Chambre"
TASK_NAME = "Validation par la Chambre"
GROUP_PREFIX = "Partenaire : "

# A partner's editors write and edit pages in their section; publishing is the chamber's.
SECTION_PAGE_PERMISSIONS = ["add_page", "change_page"]
# ... and they manage the images and documents of their own collection.
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def partner_group_name(partner):
    # auth.Group names are limited to 150 characters.
    return (GROUP_PREFIX + partner.name)[:150]


def ensure_editorial_pages():
    """/partenaires/, /actualites/ and /agenda/, and the moderation of /partenaires/."""
    partner_index = PartnerIndexPage.get_or_create()
    NewsIndexPage.get_or_create()
    EventIndexPage.get_or_create()
    ensure_moderation_workflow(partner_index)
    return partner_index


def ensure_moderation_workflow(partner_index=None):
    """The chamber editors' approval workflow, assigned to the partners' index page."""
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(*Group.objects.filter(name=groups.CHAMBER_EDITORS))
    workflow, __ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if partner_index is not None:
        # In every language: a partner's English pages go to the chamber too, not to
        # Wagtail's default workflow inherited from the English root.
        for page in partner_index.get_translations(inclusive=True):
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def ensure_partner_section(partner):
    """Give the partner its section page, its editors group and its media collection.

    The section is created live under /partenaires/; the group may add and change pages in
    it (not publish: the workflow of /partenaires/ sends them to the chamber) and manage the
    partner's collection. A renamed partner keeps its group, renamed too.
    """
    partner_index = PartnerIndexPage.get_or_create()
    ensure_moderation_workflow(partner_index)

    section = partner.section
    if section is None:
        section = PartnerSectionPage(
            title=partner.name,
            slug=partner.slug,
            partner=partner,
            introduction=partner.description,
        )
        partner_index.add_child(instance=section)
        section.save_revision().publish()
    elif sync_enabled():
        create_aliases(section)  # a section made before the English tree: its alias

    group = partner.editors_group
    name = partner_group_name(partner)
    if group is None:
        group, __ = Group.objects.get_or_create(name=name)
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    # On the section in every language: the partner translates its own pages, nobody else's.
    for page in section.get_translations(inclusive=True):
        for codename in SECTION_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )

    collection = partner.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=name)
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )

    if (partner.editors_group_id, partner.collection_id) != (group.pk, collection.pk):
        # update() does not send post_save again.
        type(partner).objects.filter(pk=partner.pk).update(
            editors_group=group, collection=collection
        )
        partner.editors_group, partner.collection = group, collection
    return section


def on_partner_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of directory.Partner: whoever creates a partner, it gets its section."""
    if raw:  # loaddata: the fixture brings its own pages
        return
    ensure_partner_section(instance)


def on_page_moved(sender, instance, **kwargs):
    """post_page_move: a news item or an event takes the partner of its new section."""
    if issubclass(sender, PartnerPublication):
        page = sender.objects.get(pk=instance.pk)
        sender.objects.filter(pk=page.pk).update(partner_id=page.section_partner_id())
