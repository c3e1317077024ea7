"""Issue the monthly statements (run on the 1st of each month for the month before, e.g.
from cron: `python manage.py issue_statements --month $(date -d 'last month' +%Y-%m)`)."""

from django.core.management.base import BaseCommand, CommandError

from circuitcourt.supply.statements import issue_statements, parse_month


class Command(BaseCommand):
    help = (
        "Issue every supplier's invoice (and credit note) to each buyer for --month YYYY-MM. "
        "Safe to run again: nothing is issued twice. Exits with status 1 when a supplier "
        "could not invoice (its SIRET or VAT number missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")

    def handle(self, *args, month, **options):
        try:
            first_day = parse_month(month)
        except ValueError:
            raise CommandError("Give --month as YYYY-MM, e.g. 2026-11.") from None
        issued = issue_statements(first_day)
        for statement in issued:
            self.stdout.write(
                f"{statement} {statement.issuer['name']} → {statement.customer['name']}: "
                f"{statement.total_incl_vat} € TTC"
            )
        self.stdout.write(f"{len(issued)} statement(s) issued for {first_day:%Y-%m}.")
        for message in issued.refused.values():
            self.stdout.write(self.style.ERROR(message))
        if issued.refused:
            # The others are issued; the exit status still tells cron that some could not be.
            raise CommandError(
                f"{len(issued.refused)} supplier(s) could not invoice (see above): complete "
                "their records and run the command again.",
                returncode=1,
            )
