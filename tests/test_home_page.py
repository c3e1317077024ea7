"""A visitor opens the home page: French by default, English on request, accessible markup."""

import re

import pytest
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from circuitcourt.calendar.models import SeasonalCalendarPage
from circuitcourt.directory.models import DirectoryIndexPage
from circuitcourt.home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_gets_the_home_page_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html  # the skip link, translated
    assert "Produits locaux des Hauts-de-France" in html
    assert "<title>Circuit Court · Circuit Court</title>" in html
    assert response["Content-Language"] == "fr"


def test_home_page_has_landmarks_a_skip_link_and_a_labelled_navigation(client):
    html = client.get("/").content.decode()
    assert re.search(r'<a class="skip-link" href="#main-content">', html)
    assert '<main id="main-content"' in html
    assert '<header class="site-header" role="banner">' in html
    assert '<footer class="site-footer" role="contentinfo">' in html
    assert '<nav class="site-nav" aria-label="Navigation principale">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert html.count("<h1") == 1


def test_english_is_available_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert '<nav class="site-nav" aria-label="Main navigation">' in html


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/a-propos/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/a-propos/"


def test_editor_content_of_the_body_is_rendered(client):
    home = HomePage.objects.get(locale__language_code="fr")
    home.body = [
        {"type": "heading", "value": {"text": "Au marché de Montreuil", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Le samedi matin, place du Général de Gaulle.</p>"},
        {"type": "quote", "value": {"text": "Du champ à l'assiette.", "attribute_name": "Anne"}},
    ]
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<h2>Au marché de Montreuil</h2>" in html
    assert "Le samedi matin, place du Général de Gaulle." in html
    assert "<blockquote><p>Du champ à l&#x27;assiette.</p></blockquote>" in html


def test_unknown_page_gives_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_stylesheet_is_served_by_whitenoise(client):
    # WhiteNoise serves static files even with DEBUG off (the test settings).
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert b"--green" in b"".join(response.streaming_content)


class TestPageTree(WagtailPageTestCase):
    def test_home_page_is_the_default_site_root_and_renders(self):
        home = Site.objects.get(is_default_site=True).root_page.specific
        assert isinstance(home, HomePage)
        self.assertPageIsRenderable(home)

    def test_page_tree_rules(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(StandardPage, HomePage)
        # Each app adds its index pages under the home page; these must stay allowed.
        allowed = set(HomePage.allowed_subpage_models())
        assert {StandardPage, DirectoryIndexPage, SeasonalCalendarPage} <= allowed
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_standard_page_renders(self):
        home = HomePage.objects.get(locale__language_code="fr")
        page = home.add_child(instance=StandardPage(title="Mentions légales", slug="mentions"))
        self.assertPageIsRenderable(page)
