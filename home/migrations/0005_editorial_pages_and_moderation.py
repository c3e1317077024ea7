"""The editorial structure every database has after `migrate`.

- /partenaires/, /actualites/ and /agenda/ under the home page (when the home page exists);
- the chamber's moderation workflow (one group approval task for the chamber editors),
  assigned to /partenaires/ so every page of a partner section goes through it.

Names and slugs are duplicated from the application code on purpose (a migration must not
change when the code does); circuitcourt.home.services does the same with the real models.
"""

from django.db import migrations
from django.utils import timezone

CHAMBER_EDITORS = "Chamber editors"
WORKFLOW_NAME = "Modération par la Chambre"
TASK_NAME = "Validation par la Chambre"
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INDEX_PAGES = [
    ("partnerindexpage", "Partenaires", "partenaires"),
    ("newsindexpage", "Actualités", "actualites"),
    ("eventindexpage", "Agenda", "agenda"),
]


def next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], 36) + 1 if last else 1
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(STEPLEN, "0")


def create_index_pages(apps):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    home = Page.objects.get(pk=site.root_page_id)
    now = timezone.now()
    created = {}
    for model_name, title, slug in INDEX_PAGES:
        model = apps.get_model("home", model_name)
        page = model.objects.first()
        if page is None:
            content_type, __ = ContentType.objects.get_or_create(
                app_label="home", model=model_name
            )
            page = model.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=next_child_path(Page, home),
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}{slug}/",
                locale_id=home.locale_id,
                live=True,
                show_in_menus=True,
                first_published_at=now,
                last_published_at=now,
            )
            Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)
            home.numchild += 1
        created[model_name] = page
    return created["partnerindexpage"]


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    partner_index = create_index_pages(apps)

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        content_type, __ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, content_type=content_type, active=True
        )
    task.groups.add(*Group.objects.filter(name=CHAMBER_EDITORS))
    workflow, __ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if partner_index is not None:
        WorkflowPage.objects.update_or_create(
            page_id=partner_index.pk, defaults={"workflow": workflow}
        )


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    Task = apps.get_model("wagtailcore.Task")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    Task.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_partners_news_events"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
