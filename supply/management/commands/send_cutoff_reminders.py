"""Remind buyers that orders close soon (run hourly, e.g. from cron); each slot once."""

from django.core.management.base import BaseCommand

from circuitcourt.supply.services import send_cutoff_reminders, unconfirmed_supplier_orders


class Command(BaseCommand):
    help = (
        "E-mail the buyers of every slot whose cut-off comes within --hours (once per slot), "
        "and list the supplier orders still unanswered close to departure for the staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        sent = send_cutoff_reminders(within_hours=hours)
        self.stdout.write(f"{sent} reminder(s) sent.")
        for supplier_order in unconfirmed_supplier_orders():
            self.stdout.write(
                f"Unanswered: {supplier_order.supplier} for {supplier_order.order.buyer} "
                f"({supplier_order.order.slot})"
            )
