"""`make run` loads the demo data and creates an admin: running it twice is safe."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from circuitcourt.home.management.commands import create_dev_admin

pytestmark = pytest.mark.django_db


def test_load_demo_data_twice_creates_nothing_twice(client):
    first, second = io.StringIO(), io.StringIO()
    call_command("load_demo_data", stdout=first)
    pages, revisions = Page.objects.count(), Revision.objects.count()
    call_command("load_demo_data", stdout=second)
    assert "published" in first.getvalue()
    assert "published" not in second.getvalue()  # nothing changed, nothing republished
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions

    home = client.get("/").content.decode()
    assert "Manger local, c&#x27;est simple" in home or "Manger local, c'est simple" in home
    assert client.get("/a-propos/").status_code == 200


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
