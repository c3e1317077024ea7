"""Create the development administrator that `make run` prints. Safe to run again."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".dev-admin-credentials"


class Command(BaseCommand):
    help = (
        "Create a superuser 'admin' with a random password for local development, and print "
        "the credentials. The password is kept in .dev-admin-credentials (git-ignored) so "
        "later runs print the same one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("create_dev_admin is for development only (DEBUG is off).")

        password = self._stored_password(username)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username, "admin@example.org", password)
        elif password is None or not user.check_password(password):
            # The account exists but we do not know its password (file deleted or changed):
            # set a new one rather than print something that does not work.
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
        CREDENTIALS_FILE.write_text(f"{username}\n{password}\n")
        CREDENTIALS_FILE.chmod(0o600)

        self.stdout.write(
            self.style.SUCCESS(f"Admin account for /admin/  user: {username}  password: {password}")
        )

    def _stored_password(self, username):
        if not CREDENTIALS_FILE.exists():
            return None
        lines = CREDENTIALS_FILE.read_text().splitlines()
        if len(lines) >= 2 and lines[0] == username:
            return lines[1]
        return None
