"""A partner writes news in the Wagtail admin; the chamber approves it; the public reads it."""

import re

import pytest
from playwright.sync_api import expect

from circuitcourt.directory.models import Partner
from circuitcourt.home import groups
from circuitcourt.home.models import NewsIndexPage
from tests.conftest import PASSWORD
from tests.factories_editorial import make_partner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Marché de Noël des producteurs à Montreuil"


def admin_log_in(page, username):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_a_partners_news_is_submitted_approved_and_published(
    open_context, make_user, chamber_editor
):
    NewsIndexPage.get_or_create()
    partner = make_partner("Agence d'attractivité du Montreuillois", kind=Partner.Kind.TOURISM)
    make_user("office.montreuil", groups.PARTNER_EDITORS, partner.editors_group.name)

    writer = open_context().new_page()
    admin_log_in(writer, "office.montreuil")
    writer.goto(f"/admin/pages/{partner.section.pk}/")
    writer.get_by_role("link", name=re.compile("Ajouter une sous-page")).first.click()
    writer.get_by_role("link", name=re.compile("Actualité", re.I)).first.click()
    writer.locator("#id_title").fill(TITLE)
    writer.locator("#id_lead").fill("Vingt producteurs place du Général de Gaulle, samedi.")
    writer.get_by_role("button", name="Plus d'actions").click()
    writer.get_by_role("button", name=re.compile("Soumettre")).click()
    expect(writer.locator(".messages")).to_contain_text(TITLE)

    public = open_context().new_page()
    public.goto("/actualites/")
    expect(public.get_by_text(TITLE)).to_have_count(0)  # not before the chamber's review

    reviewer = open_context().new_page()
    admin_log_in(reviewer, chamber_editor.username)
    reviewer.get_by_role("link", name=TITLE).first.click()
    reviewer.get_by_role("button", name="Plus d'actions").click()
    reviewer.get_by_role("button", name="Approuver et Publier", exact=True).click()
    expect(reviewer.locator(".messages")).to_contain_text(TITLE)

    public.reload()
    public.get_by_role("link", name=TITLE).click()
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(public.locator("main")).to_contain_text("Vingt producteurs")
