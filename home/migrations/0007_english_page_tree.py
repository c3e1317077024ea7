"""Localisation on: the English locale.

The English page tree itself (an alias of every French page) is made after the migrations,
by a post_migrate handler (site/i18n.py, `sync_after_migrate`): copying a page runs the
current page models, which is only safe once every migration has run.
"""

from django.db import migrations


def english_locale(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="en")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_per_language"),
        ("wagtailcore", "0098_apitoken"),
    ]

    # Going back leaves the English pages: they are ordinary pages of the English locale.
    operations = [migrations.RunPython(english_locale, migrations.RunPython.noop)]
