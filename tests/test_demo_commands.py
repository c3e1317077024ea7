"""`make run` creates an admin: running it twice is safe.

Loading the demo twice is tested once, in test_directory_demo.py (the full demo is slow).
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from circuitcourt.home.management.commands import create_dev_admin

pytestmark = pytest.mark.django_db


def test_create_dev_admin_prints_working_credentials_and_is_repeatable(
    settings, tmp_path, monkeypatch, capsys
):
    settings.DEBUG = True
    monkeypatch.setattr(create_dev_admin, "CREDENTIALS_FILE", tmp_path / "credentials")

    call_command("create_dev_admin")
    first = capsys.readouterr().out
    call_command("create_dev_admin")
    second = capsys.readouterr().out

    assert first == second  # same account, same password printed
    password = first.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert user.is_superuser and user.check_password(password)


def test_create_dev_admin_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="development only"):
        call_command("create_dev_admin")
