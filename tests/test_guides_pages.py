"""Partner guides: a partner's producers guide online (its PDF, its producers on a map, a
print stylesheet), and /guides/ listing every guide by partner and territory."""

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from circuitcourt.directory.guides import GuideIndexPage, GuidePage
from circuitcourt.directory.models import DirectoryIndexPage, ProducerPage
from circuitcourt.home import groups
from circuitcourt.home.models import HomePage, PartnerSectionPage

from .conftest import PASSWORD
from .factories import make_producer
from .factories_spotlight import make_guide, make_partner, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides_index():
    home = HomePage.objects.get(locale__language_code="fr")
    index = home.add_child(instance=GuideIndexPage(title="Guides des producteurs", slug="guides"))
    index.save_revision().publish()
    return index


@pytest.fixture
def montreuillois():
    return make_partner("Agence d'attractivité du Montreuillois", ["Montreuil", "Étaples"])


@pytest.fixture
def arras():
    return make_partner("Communauté urbaine d'Arras", ["Arras"])


class TestPageTree(WagtailPageTestCase):
    def test_a_guide_can_only_be_created_in_a_partner_section(self):
        self.assertCanCreateAt(PartnerSectionPage, GuidePage)
        self.assertAllowedParentPageTypes(GuidePage, {PartnerSectionPage})
        self.assertCanNotCreateAt(HomePage, GuidePage)
        self.assertCanNotCreateAt(GuideIndexPage, GuidePage)
        self.assertCanNotCreateAt(DirectoryIndexPage, GuidePage)
        self.assertCanCreateAt(HomePage, GuideIndexPage)
        self.assertAllowedSubpageTypes(GuideIndexPage, set())

    def test_guide_pages_render(self):
        partner = make_partner("Parc de l'Avesnois", ["Avesnes-sur-Helpe"])
        producer = make_producer("Ferme du Bocage", "Avesnes-sur-Helpe")
        guide = make_guide(partner, "Guide de l'Avesnois", make_pdf(), [producer])
        self.assertPageIsRenderable(guide)


def test_a_guide_shows_its_pdf_with_size_and_page_count(client, montreuillois):
    pdf = make_pdf("guide-montreuillois.pdf", pages=3)
    guide = make_guide(montreuillois, "Guide des producteurs du Montreuillois", pdf)
    assert guide.pdf_page_count == 3

    html = client.get(guide.url).content.decode()
    assert html.count("<h1") == 1
    assert "Guide publié par Agence d&#x27;attractivité du Montreuillois" in html
    assert f'href="{pdf.url}" download' in html
    with translation.override("fr"):
        size = filesizeformat(pdf.get_file_size())
    assert f"(PDF, {size}, 3 pages)" in html


def test_a_damaged_pdf_is_saved_and_shown_without_a_page_count(client, montreuillois):
    damaged = get_document_model().objects.create(
        title="Guide abîmé", file=ContentFile(b"%PDF-1.4 pas vraiment un PDF", name="abime.pdf")
    )
    guide = make_guide(montreuillois, "Guide abîmé", damaged)
    guide.refresh_from_db()
    assert guide.pdf_page_count is None
    html = client.get(guide.url).content.decode()
    assert "Télécharger le PDF" in html
    assert "pages)" not in html


def test_replacing_the_pdf_counts_the_pages_again(montreuillois):
    guide = make_guide(montreuillois, "Guide", make_pdf("v1.pdf", pages=2))
    guide.document = make_pdf("v2.pdf", pages=5)
    guide.save_revision().publish()
    guide.refresh_from_db()
    assert guide.pdf_page_count == 5


def test_the_online_guide_lists_its_producers_on_a_map_and_prints_cleanly(client, montreuillois):
    first = make_producer("Ferme de la Canche", "Montreuil", summary="Légumes.")
    second = make_producer("Moules d'Étaples", "Étaples")
    draft = make_producer("Ferme en préparation", "Étaples", live=False)
    guide = make_guide(
        montreuillois, "Le Montreuillois en circuit court", None, [first, second, draft]
    )

    html = client.get(guide.url).content.decode()
    assert "2 producteurs dans ce guide" in html
    titles = re.findall(r'<h3 class="producer-card__title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["Ferme de la Canche", "Moules d&#x27;Étaples"]
    assert "Ferme en préparation" not in html
    assert "Télécharger le PDF" not in html  # no PDF for this one

    data = json.loads(re.search(r'id="results-map-data"[^>]*>(.*?)</script>', html).group(1))
    assert {f["properties"]["producer"] for f in data["features"]} == {
        "Ferme de la Canche",
        "Moules d'Étaples",
    }
    assert '<div id="results-map"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "unpkg" not in html

    css = re.search(r'<link rel="stylesheet" href="([^"]+guide-print[^"]*)" media="print">', html)
    assert css, "the print stylesheet is linked for print"
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert b"@media print" in b"".join(response.streaming_content)


def test_a_guide_takes_the_partner_of_its_section(montreuillois):
    guide = make_guide(montreuillois, "Guide")
    assert GuidePage.objects.get(locale__language_code="fr", pk=guide.pk).partner == montreuillois


def test_guides_listed_by_partner_and_territory(client, guides_index, montreuillois, arras):
    make_guide(montreuillois, "Guide du Montreuillois", make_pdf(pages=4))
    make_guide(arras, "Guide de l'Arrageois", make_pdf(pages=1))
    make_guide(arras, "Guide en préparation", make_pdf(), live=False)

    def titles(query=""):
        html = client.get(f"/guides/{query}").content.decode()
        return re.findall(r'class="guide-card__title"><a href="[^"]+">([^<]+)</a>', html)

    assert titles() == ["Guide du Montreuillois", "Guide de l&#x27;Arrageois"]
    assert titles(f"?partner={arras.slug}") == ["Guide de l&#x27;Arrageois"]
    assert titles("?territory=etaples") == ["Guide du Montreuillois"]
    html = client.get("/guides/").content.decode()
    assert "PDF · 4 pages" in html and "PDF · 1 page<" in html

    bad = client.get("/guides/?partner=inconnu")
    assert bad.status_code == 200
    assert 'role="alert"' in bad.content.decode()
    assert client.get("/guides/?page=7").status_code == 404


def test_the_guides_list_costs_the_same_for_few_and_many_guides(
    client, guides_index, montreuillois, arras, django_assert_max_num_queries
):
    producers = [make_producer(f"Ferme {n}", "Arras") for n in range(3)]
    make_guide(arras, "Premier guide", make_pdf(), producers)
    with django_assert_max_num_queries(30) as few:
        client.get("/guides/?territory=arras")
    few_count = len(few)
    for n in range(8):
        partner = montreuillois if n % 2 else arras
        make_guide(partner, f"Guide {n}", make_pdf(f"g{n}.pdf"), producers)
    with django_assert_max_num_queries(few_count):
        html = client.get("/guides/?territory=arras").content.decode()
    assert html.count('class="guide-card"') == 5


def guide_form(title, document="", producers=()):
    data = nested_form_data(
        {
            "title": title,
            "slug": re.sub(r"\W+", "-", title.lower()),
            "introduction": "",
            "document": document,
            "producer_links": inline_formset([{"producer": pk} for pk in producers]),
            "action-publish": "publish",
        }
    )
    return data


def test_an_editor_adds_a_guide_in_a_partner_section_through_the_admin(
    client, chamber_editor, montreuillois
):
    section = PartnerSectionPage.objects.get(locale__language_code="fr", partner=montreuillois)
    producer = make_producer("Ferme de la Canche", "Montreuil")
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    add_url = f"/admin/pages/add/directory/guidepage/{section.pk}/"

    # Neither a PDF nor producers: refused with a message, nothing saved.
    response = client.post(add_url, guide_form("Guide vide"))
    assert response.status_code == 200
    assert "Téléversez le guide en PDF" in response.content.decode()
    assert not GuidePage.objects.exists()

    pdf = make_pdf(pages=2)
    response = client.post(add_url, guide_form("Guide du Montreuillois", pdf.pk, [producer.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    guide = GuidePage.objects.get(locale__language_code="fr")
    assert guide.pdf_page_count == 2 and guide.partner == montreuillois
    assert guide.get_parent().pk == section.pk
    assert [link.producer_id for link in guide.producer_links.all()] == [producer.pk]
    assert ProducerPage.objects.filter(locale__language_code="fr").count() == 1


def test_the_demo_guides_list_fictional_producers_and_a_readable_pdf(client, montreuillois):
    from circuitcourt.directory.guides_demo import GUIDES, load_guides_demo

    montreuillois.slug = GUIDES[0]["partner"]
    montreuillois.save()
    producers = [
        make_producer(f"Ferme fictive {n}", "Montreuil", is_fictional=True) for n in range(3)
    ]
    real = make_producer("Ferme réelle", "Montreuil")
    for producer in [*producers, real]:
        producer.partners.add(montreuillois)
        producer.save()

    assert load_guides_demo() == 1  # the Avesnois partner does not exist here
    assert load_guides_demo() == 0  # idempotent
    guide = GuidePage.objects.get(locale__language_code="fr")
    assert guide.live and guide.partner == montreuillois
    assert guide.pdf_page_count == 1
    listed = [link.producer for link in guide.producer_links.all()]
    assert sorted(p.title for p in listed) == [p.title for p in producers]
    html = client.get("/guides/").content.decode()
    assert "Guide des producteurs du Montreuillois" in html
    assert "producteurs sont fictifs" in client.get(guide.url).content.decode()


def test_a_partner_editor_submits_a_guide_in_its_own_section_only(
    client, make_user, montreuillois, arras
):
    editor = make_user("office.montreuil", groups.PARTNER_EDITORS, montreuillois.editors_group.name)
    own = PartnerSectionPage.objects.get(locale__language_code="fr", partner=montreuillois)
    other = PartnerSectionPage.objects.get(locale__language_code="fr", partner=arras)
    producer = make_producer("Ferme de la Canche", "Montreuil")
    assert client.login(username=editor.username, password=PASSWORD)

    def submit(section, title):
        data = guide_form(title, "", [producer.pk])
        del data["action-publish"]
        data["action-submit"] = "1"
        return client.post(f"/admin/pages/add/directory/guidepage/{section.pk}/", data)

    assert submit(own, "Guide du Montreuillois").status_code == 302
    guide = GuidePage.objects.get(locale__language_code="fr")
    assert not guide.live  # the chamber approves it first
    assert guide.current_workflow_state is not None

    submit(other, "Guide pirate")
    assert not GuidePage.objects.filter(title="Guide pirate").exists()


def test_the_api_describes_a_guide(client, montreuillois):
    producer = make_producer("Ferme de la Canche", "Montreuil")
    guide = make_guide(montreuillois, "Guide", make_pdf(pages=2), [producer])
    response = client.get(
        f"/api/v3/pages/{guide.pk}/", {"fields": "pdf_page_count,partner,producer_links"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["pdf_page_count"] == 2
    assert data["producer_links"][0]["producer"]["id"] == producer.pk
