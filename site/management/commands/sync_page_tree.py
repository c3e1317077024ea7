"""Create the English alias of every French page that has no English version yet."""

from django.core.management.base import BaseCommand

from circuitcourt.site.i18n import sync_page_tree


class Command(BaseCommand):
    help = (
        "Give every page of the French tree its alias in the other languages where it has "
        "none (after a bulk load that bypassed Wagtail). Safe to run again."
    )

    def handle(self, *args, **options):
        created = sync_page_tree()
        self.stdout.write(f"{created} aliases created.")
