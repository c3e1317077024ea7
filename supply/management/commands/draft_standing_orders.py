"""Draft the buyers' standing orders for their coming deliveries (run every 15 minutes to
hourly, e.g. from cron); also sends the automatic drafts whose time has come and drops the
drafts not confirmed by the cut-off. Running it again drafts nothing twice."""

from django.core.management.base import BaseCommand

from circuitcourt.supply import tasks
from circuitcourt.supply.services import draft_standing_orders


class Command(BaseCommand):
    help = (
        "Draft every active standing order for the deliveries whose cut-off comes within a "
        "week, send the automatic drafts due, expire unconfirmed drafts past their cut-off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work as a background task (django-tasks) instead of doing it now.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = tasks.draft_standing_orders.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        report = draft_standing_orders()
        for outcome in ("drafted", "skipped", "submitted", "failed", "expired"):
            self.stdout.write(f"{outcome}: {report.get(outcome, 0)}")
