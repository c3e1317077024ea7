"""Editors reach the Wagtail admin through its real login; the groups are there with rights."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from circuitcourt.home import groups

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_login_works_for_a_superuser(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    login_page = client.get("/admin/login/")
    assert login_page.status_code == 200

    response = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Tableau de bord" in dashboard.content.decode()  # the admin speaks French too


def test_wrong_password_is_refused_with_a_message(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    response = client.post("/admin/login/", {"username": "admin", "password": "nope"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302  # still sent back to the login page


def test_chamber_editor_can_log_in_and_edit_the_home_page(client, chamber_editor):
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    home = Page.objects.get(depth=2, locale__language_code="fr")
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/home/standardpage/{home.pk}/").status_code == 200


def test_restaurant_buyer_cannot_enter_the_admin(client, restaurant_buyer):
    assert client.login(username=restaurant_buyer.username, password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_partner_editor_enters_the_admin_but_cannot_edit_the_home_page(client, make_user):
    partner = make_user("office.tourisme", groups.PARTNER_EDITORS)
    assert client.login(username=partner.username, password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    home = Page.objects.get(depth=2, locale__language_code="fr")
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code in (302, 403)


def test_groups_exist_with_their_wagtail_permissions():
    assert set(groups.ALL) <= set(Group.objects.values_list("name", flat=True))

    chamber = Group.objects.get(name=groups.CHAMBER_EDITORS)
    assert chamber.permissions.filter(codename="access_admin").exists()
    page_codenames = set(
        GroupPagePermission.objects.filter(group=chamber, page__depth=1).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= page_codenames
    media = set(
        GroupCollectionPermission.objects.filter(group=chamber).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_image", "choose_image", "add_document", "choose_document"} <= media

    partner = Group.objects.get(name=groups.PARTNER_EDITORS)
    assert partner.permissions.filter(codename="access_admin").exists()
    assert not GroupPagePermission.objects.filter(group=partner).exists()

    for name in (groups.RESTAURANT_BUYERS, groups.PRODUCERS):
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(codename="access_admin").exists()
        assert not GroupPagePermission.objects.filter(group=group).exists()
