"""Create the delivery slots of the coming weeks (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from circuitcourt.supply.services import SLOT_WEEKS_AHEAD, generate_slots


class Command(BaseCommand):
    help = "Create the slots of every active delivery round for the coming weeks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=SLOT_WEEKS_AHEAD)

    def handle(self, *args, weeks, **options):
        created = generate_slots(weeks=weeks)
        self.stdout.write(f"{created} delivery slot(s) created for the next {weeks} weeks.")
