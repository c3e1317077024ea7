from django.core.management.base import BaseCommand

from circuitcourt.headless.webhooks import retry_due


class Command(BaseCommand):
    help = "Send again the webhook notifications whose retry time has come (cron: every minute)."

    def handle(self, *args, **options):
        count = retry_due()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"{count} webhook deliveries retried.")
