"""Localisation on: the English locale, and the English page tree of an existing site.

Every French page gets its English alias (site/i18n.py), and each partner's editors group
its rights on the English version of the partner's section. This runs the project's own
code (Wagtail's alias copy needs the real page models), so it depends on the latest
migration of every app with pages; a later migration that changes a page model must come
after it (add it to `run_before` there if Django would order it first).
"""

from django.db import migrations


def english_tree(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="en")

    from circuitcourt.directory.models import Partner
    from circuitcourt.site.i18n import sync_page_tree

    from ..services import ensure_partner_section

    sync_page_tree()
    for partner in Partner.objects.filter(section__isnull=False).distinct():
        ensure_partner_section(partner)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_per_language"),
        ("directory", "0008_per_language"),
        ("seasonal_calendar", "0001_initial"),
        ("spotlight", "0001_initial"),
        ("headless", "0001_webhooks_and_delivery_log"),
        ("wagtailcore", "0098_apitoken"),
        ("simple_translation", "0001_initial"),
        # Saving a page indexes it for search: the index's tables first.
        ("wagtailsearch", "0010_add_text_fields"),
        # Publishing queues tasks (search index, webhooks) in production: their table first.
        ("django_tasks_database", "0019_rename_django_task_new_ordering_idx_tasks_db_new_ordering_idx_and_more"),
    ]

    # Going back leaves the English pages: they are ordinary pages of the English locale.
    operations = [migrations.RunPython(english_tree, migrations.RunPython.noop)]
