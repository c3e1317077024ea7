"""Editors translate pages into English; visitors read each page in their language.

Told from the outside: the real Wagtail admin (forms read from its pages and posted back),
the public site and the API through the test client.
"""

import io
import re

import pytest
from django.core.management import call_command
from wagtail.models import Locale

from circuitcourt.directory.models import DirectoryIndexPage
from circuitcourt.home.models import NewsPageProducer

from .factories import make_producer
from .factories_editorial import make_news, make_partner
from .test_editorial_moderation import login, partner_editor, post_page_form

pytestmark = pytest.mark.django_db


def english(page):
    return page.get_translation(Locale.objects.get(language_code="en")).specific


def translate_in_admin(client, page, **fields):
    """What an editor does: open the English page, make it an ordinary page, translate it,
    publish it."""
    version = english(page)
    assert version.alias_of_id == page.pk
    edit_url = f"/admin/pages/{version.pk}/edit/"
    assert "convert_alias" in client.get(edit_url).content.decode()
    response = client.post(f"/admin/pages/{version.pk}/convert_alias/")
    assert response.status_code == 302
    response = post_page_form(client, edit_url, action="action-publish", **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.live and not version.alias_of_id and not version.has_unpublished_changes
    return version


def links(html, pattern):
    return re.findall(rf'href="({pattern})"', html)


@pytest.fixture
def news():
    return make_news(
        "Le marché de Noël de Montreuil",
        lead="Les producteurs sont sur la place du Général de Gaulle.",
    )


def test_every_page_exists_in_english_as_an_alias_until_translated(client, news):
    version = english(news)
    assert version.alias_of_id == news.pk
    assert version.url == "/en/actualites/le-marche-de-noel-de-montreuil/"

    html = client.get(version.url).content.decode()
    assert '<html lang="en"' in html  # English chrome...
    assert "Le marché de Noël de Montreuil" in html  # ...around the French content
    assert "Les producteurs sont sur la place" in html


def test_an_editor_translates_a_news_item_and_publishes_it(client, chamber_editor, news):
    login(client, chamber_editor)
    version = translate_in_admin(
        client,
        news,
        title="Montreuil's Christmas market",
        slug="montreuil-christmas-market",
        lead="The producers set up on the Place du Général de Gaulle.",
    )
    client.logout()

    assert version.url == "/en/actualites/montreuil-christmas-market/"
    html = client.get(version.url).content.decode()
    assert "Montreuil&#x27;s Christmas market" in html
    assert "The producers set up" in html
    assert "Le marché de Noël" not in html

    french = client.get(news.url).content.decode()
    assert "Le marché de Noël de Montreuil" in french
    assert "Christmas" not in french

    # The language switch lands on the translation, in both directions.
    assert f'href="{version.url}" lang="en"' in french
    assert f'href="{news.url}" lang="fr"' in html


def test_an_editor_translates_a_producer(client, chamber_editor):
    producer = make_producer(
        "Ferme du Bocage", summary="Maroilles fermier affiné à la ferme.", commune_name="Maroilles"
    )
    login(client, chamber_editor)
    version = translate_in_admin(
        client,
        producer,
        summary="Farm Maroilles, ripened at the farm.",
        title="Bocage Farm",
        **{"story-count": "0"},  # the (empty) story, drawn by JavaScript in a browser
    )
    client.logout()

    english_page = client.get(version.url).content.decode()
    assert version.url.startswith("/en/producteurs/")
    assert "Farm Maroilles, ripened at the farm." in english_page
    assert "Maroilles fermier" not in english_page
    assert "Maroilles fermier affiné à la ferme." in client.get(producer.url).content.decode()

    # The search works on the French producers and shows each in the visitor's language.
    results = client.get("/en/producteurs/?q=maroilles").content.decode()
    assert links(results, '/en/producteurs/[^"?]+/') == [version.url]
    assert "Bocage Farm" in results
    results = client.get("/producteurs/?q=maroilles").content.decode()
    assert links(results, '/producteurs/[^"?]+/') == [producer.url]
    assert "Ferme du Bocage" in results


def test_the_language_switch_of_an_untranslated_page_goes_to_its_alias(client, news):
    html = client.get(news.url).content.decode()
    assert f'href="{english(news).url}" lang="en"' in html


def test_english_lists_show_each_page_once_with_english_links(
    client, chamber_editor, news, django_assert_max_num_queries
):
    make_news("La saison des endives commence", lead="Les chicons de pleine terre arrivent.")
    login(client, chamber_editor)
    translate_in_admin(client, news, title="Christmas market", slug="christmas-market")
    client.logout()

    html = client.get("/en/actualites/").content.decode()
    items = [url for url in links(html, '/en/actualites/[^"/?]+/') if not url.endswith("/rss/")]
    assert (
        sorted(set(items))
        == sorted(items)
        == [
            "/en/actualites/christmas-market/",
            "/en/actualites/la-saison-des-endives-commence/",
        ]
    )
    assert "Christmas market" in html and "Le marché de Noël" not in html
    assert not links(html, '/actualites/[^"]+/')  # no French page listed

    home = client.get("/en/").content.decode()
    assert "/en/actualites/christmas-market/" in home
    assert news.url not in home

    # The English list filters on the language: no query per item. Above the French list
    # only by Wagtail's serving of the English tree (the locale, the localised home: 4).
    with django_assert_max_num_queries(40) as french:
        client.get("/actualites/")
    with django_assert_max_num_queries(len(french.captured_queries) + 4) as few:
        client.get("/en/actualites/")
    for n in range(5):
        make_news(f"Nouvelle {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/en/actualites/").content.decode()
    assert "/en/actualites/nouvelle-4/" in html


def test_english_search_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    def search(language):
        with django_assert_max_num_queries(60) as counted:
            html = client.get(f"{language}/producteurs/?q=fromagerie").content.decode()
        return html, len(counted.captured_queries)

    for n in range(3):
        make_producer(f"Fromagerie {n}", summary="Fromages fermiers.", commune_name="Arras")
    __, french = search("")
    html, english_few = search("/en")
    assert len(set(links(html, "/en/producteurs/fromagerie-[0-9]/"))) == 3
    for n in range(3, 9):
        make_producer(f"Fromagerie {n}", summary="Fromages fermiers.", commune_name="Arras")
    html, english_more = search("/en")
    found = links(html, "/en/producteurs/fromagerie-[0-9]/")
    assert len(found) == len(set(found)) == 9  # each producer once, in English
    # Constant whatever the number of results; above the French page by Wagtail's serving
    # of the English tree (the locale and the localised home) and the mapping of the page of
    # results to English (one query, then the card's two prefetches again).
    assert english_more == english_few <= french + 4 + 3


def test_the_page_api_lists_the_requested_language_only(client, news):
    french = client.get("/api/v3/pages/?type=home.NewsPage").json()
    english_list = client.get("/api/v3/pages/?type=home.NewsPage&lang=en").json()
    assert [item["id"] for item in french["items"]] == [news.pk]
    assert [item["id"] for item in english_list["items"]] == [english(news).pk]
    # An explicit ?locale= still wins.
    both = client.get("/api/v3/pages/?type=home.NewsPage&locale=en").json()
    assert [item["id"] for item in both["items"]] == [english(news).pk]


def test_the_news_api_answers_in_the_requested_language(client, chamber_editor, news):
    login(client, chamber_editor)
    translate_in_admin(client, news, title="Christmas market", slug="christmas-market")
    client.logout()
    items = client.get("/api/v3/news/?lang=en").json()["items"]
    assert [(item["title"], item["url"]) for item in items] == [
        ("Christmas market", "http://localhost/en/actualites/christmas-market/")
    ]
    items = client.get("/api/v3/news/").json()["items"]
    assert [item["title"] for item in items] == ["Le marché de Noël de Montreuil"]


def test_the_sitemap_lists_both_languages_with_alternates(client, news):
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://localhost/actualites/le-marche-de-noel-de-montreuil/</loc>" in xml
    assert "<loc>http://localhost/en/actualites/le-marche-de-noel-de-montreuil/</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="en" '
        'href="http://localhost/en/actualites/le-marche-de-noel-de-montreuil/"/>'
    ) in xml


def test_a_partner_translates_its_own_pages_and_no_one_elses(client, make_user):
    montreuillois = make_partner("Agence d'attractivité du Montreuillois")
    avesnois = make_partner("Parc naturel régional de l'Avesnois")
    own = make_news("Marché de Montreuil", partner=montreuillois)
    other = make_news("Fête du Maroilles", partner=avesnois)
    editor = partner_editor(make_user, montreuillois, "office.montreuil")
    login(client, editor)

    for page in (other, english(other), avesnois.section, english(avesnois.section)):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)
    for page in (english(other), english(avesnois.section)):
        response = client.post(f"/admin/pages/{page.pk}/convert_alias/")
        assert response.status_code in (302, 403)
        page.refresh_from_db()
        assert page.alias_of_id  # still an alias

    assert client.get(f"/admin/pages/{english(own).pk}/edit/").status_code == 200
    assert client.post(f"/admin/pages/{english(own).pk}/convert_alias/").status_code == 302
    assert not english(own).alias_of_id


def test_pages_loaded_without_wagtail_get_their_english_alias_from_the_command(settings):
    DirectoryIndexPage.get_or_create()  # /producteurs/, in both languages
    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False  # as a bulk load bypasses it
    producer = make_producer("Ferme Générée")
    en = Locale.objects.get(language_code="en")
    assert not producer.has_translation(en)

    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
    out = io.StringIO()
    call_command("sync_page_tree", stdout=out)
    assert out.getvalue().strip() == "1 aliases created."
    assert english(producer).alias_of_id == producer.pk
    call_command("sync_page_tree", stdout=out)
    assert out.getvalue().strip().endswith("0 aliases created.")


def test_an_editor_translates_a_page_without_english_version_with_translate(
    client, chamber_editor, settings
):
    DirectoryIndexPage.get_or_create()  # /producteurs/, in both languages
    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False
    producer = make_producer("Ferme Générée", summary="Des œufs.")
    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
    login(client, chamber_editor)

    edit = client.get(f"/admin/pages/{producer.pk}/edit/").content.decode()
    translate_url = f"/admin/translation/submit/page/{producer.pk}/"
    assert translate_url in edit
    en = Locale.objects.get(language_code="en")
    response = client.post(translate_url, {"locales": [en.pk]})
    assert response.status_code == 302
    version = english(producer)
    assert not version.alias_of_id and version.summary == "Des œufs."
    response = post_page_form(
        client,
        f"/admin/pages/{version.pk}/edit/",
        action="action-publish",
        summary="Eggs.",
        **{"story-count": "0"},
    )
    assert response.status_code == 302
    client.logout()
    assert "Eggs." in client.get(english(producer).url).content.decode()


def test_an_english_news_item_links_its_producers_english_pages(client, chamber_editor):
    producer = make_producer("Ferme du Bocage", commune_name="Maroilles")
    other = make_producer("Fromagerie d'Arras", commune_name="Arras")
    news = make_news("La fête du Maroilles")
    news.related_producers.add(NewsPageProducer(producer=producer))
    news.related_producers.add(NewsPageProducer(producer=other))
    news.save_revision().publish()
    login(client, chamber_editor)
    translate_in_admin(client, producer, title="Bocage Farm", **{"story-count": "0"})
    client.logout()

    html = client.get(english(news).url).content.decode()
    assert links(html, '/en/producteurs/[^"?]+/') == [english(producer).url, english(other).url]
    assert "Bocage Farm" in html
    french = client.get(news.url).content.decode()
    assert links(french, '/producteurs/[^"?]+/') == [producer.url, other.url]


def test_a_partners_english_page_goes_to_the_chamber_for_approval(make_user):
    montreuillois = make_partner("Agence d'attractivité du Montreuillois")
    news = make_news("Marché de Montreuil", partner=montreuillois)
    version = english(news)
    workflow = news.get_workflow()
    assert workflow is not None and workflow.name == "Modération par la Chambre"
    assert version.get_workflow() == workflow


def test_clearing_generated_producers_leaves_a_sound_page_tree_in_both_languages():
    from wagtail.models import Page

    index = DirectoryIndexPage.get_or_create()
    call_command("generate_producers", 3, points_per_producer=1, stdout=io.StringIO())
    call_command("sync_page_tree", stdout=io.StringIO())
    assert english(index).get_children().count() == 3
    call_command("generate_producers", 0, clear=True, stdout=io.StringIO())
    assert Page.find_problems() == ([], [], [], [], [])
    assert english(index).get_children().count() == 0


def test_migrate_aliases_the_sections_but_leaves_bulk_loaded_producers_to_the_command(settings):
    from circuitcourt.site.i18n import sync_after_migrate

    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False  # as a bulk load bypasses it
    index = DirectoryIndexPage.get_or_create()
    producer = make_producer("Ferme Chargée en Masse")
    en = Locale.objects.get(language_code="en")
    assert not index.has_translation(en) and not producer.has_translation(en)

    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
    sync_after_migrate()  # what every `migrate` runs: cheap, whatever the producers
    assert english(index).alias_of_id == index.pk
    assert not producer.has_translation(en)


def test_the_spotlight_api_links_the_producers_pages_in_the_requested_language(client):
    from circuitcourt.site.i18n import translate

    from .factories_spotlight import make_article

    producer = make_producer("Ferme du Bocage", commune_name="Maroilles")
    article = make_article("Le maroilles du bocage", [producer])
    bocage_farm = translate(producer, "en", title="Bocage Farm")

    english_items = client.get("/api/v3/spotlight/", {"lang": "en"}).json()["items"]
    assert [item["id"] for item in english_items] == [english(article).pk]
    assert english_items[0]["producers"] == [
        {
            "id": bocage_farm.pk,
            "title": "Bocage Farm",
            "url": "http://localhost/en/producteurs/ferme-du-bocage/",
            "commune": "Maroilles",
        }
    ]
    french_items = client.get("/api/v3/spotlight/").json()["items"]
    assert french_items[0]["producers"] == [
        {
            "id": producer.pk,
            "title": "Ferme du Bocage",
            "url": "http://localhost/producteurs/ferme-du-bocage/",
            "commune": "Maroilles",
        }
    ]
    # The article's own page in the API links the same English page.
    detail = client.get(english_items[0]["detail_url"], {"lang": "en"}).json()
    linked = detail["producer_links"][0]["producer"]
    assert (linked["id"], linked["title"], linked["url"]) == (
        bocage_farm.pk,
        "Bocage Farm",
        "http://localhost/en/producteurs/ferme-du-bocage/",
    )
