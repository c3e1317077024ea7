"""Many visitors read, few editors write: pages come from the shared cache, never stale.

A visitor's second look at a page costs no database query; an editor who publishes sees
the change at once; signed-in users, the portal and the admin never get a shared copy.
"""

import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import etag
from wagtail.models import Locale

from circuitcourt.directory.models import QualitySign
from circuitcourt.home.models import HomePage
from tests.conftest import PASSWORD
from tests.factories import ProductCategoryFactory, QualitySignFactory, make_producer
from tests.factories_editorial import draft_page
from tests.factories_supply import make_buyer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The test settings switch the page cache off; these tests are about it. The local
    memory cache outlives a test's database: start empty."""
    settings.CIRCUITCOURT_PAGE_CACHE_SECONDS = 10
    cache.clear()


def test_second_visit_is_served_from_the_cache_without_any_query(client, django_assert_num_queries):
    first = client.get("/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_public_page_sets_no_cookie_and_says_how_long_it_may_be_kept(client, settings):
    settings.CIRCUITCOURT_PAGE_CACHE_SECONDS = 15
    response = client.get("/")
    assert not response.cookies  # a cookie would tie the page to one visitor
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=15"}
    assert "Accept-Language" in response["Vary"]
    # The language switch is made of links (no form, no CSRF token to share by mistake).
    html = response.content.decode()
    assert 'href="/en/" lang="en" hreflang="en"' in html
    assert "csrfmiddlewaretoken" not in html


def test_french_and_english_pages_are_cached_apart(client):
    client.get("/")
    english = client.get("/en/", HTTP_ACCEPT_LANGUAGE="fr")
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert french["X-Page-Cache"] == "hit"
    assert '<html lang="fr">' in french.content.decode()
    assert french["Content-Language"] == "fr"


def test_publishing_a_change_shows_it_at_once(client):
    assert "Nouvelle saison" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"

    home = HomePage.objects.get(locale__language_code="fr")
    home.introduction = "Nouvelle saison des fraises à Samer."
    home.save_revision().publish()

    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Nouvelle saison des fraises à Samer." in response.content.decode()


def test_the_menu_and_languages_are_read_once_until_the_next_publication(
    client, django_assert_max_num_queries
):
    from circuitcourt.home.models import StandardPage

    producer = make_producer("Ferme du Menu")
    client.get("/en/")  # fills what else is cached, and the English menu only
    with django_assert_max_num_queries(100) as cold:
        client.get(f"{producer.url}?a=1")  # a page cache miss that reads the French menu
    with django_assert_max_num_queries(100) as warm:
        client.get(f"{producer.url}?a=2")  # a page cache miss too, the menu from the cache
    # The menu's two queries, the one of the page's versions in other languages, the two
    # of the section the page is in (site/routing.py: its page, then its own row),
    # whether the site has any view restriction (site/pages.py) and which producers an
    # article is about (spotlight/services.py).
    assert len(cold) - len(warm) == 7

    section = StandardPage(title="Nos marchés de Noël", slug="marches-de-noel", show_in_menus=True)
    HomePage.objects.get(locale__language_code="fr").add_child(instance=section)
    section.save_revision().publish()
    html = client.get(f"{producer.url}?a=3").content.decode()
    assert ">Nos marchés de Noël</a>" in html
    # The section the page is in is marked, from the cached entries.
    assert f'<a href="{producer.get_parent().url}" aria-current="true">' in html
    # The English version taken down since: the language switch no longer leads to it.
    english = producer.get_translation(Locale.objects.get(language_code="en"))
    assert f'href="{english.url}?a=3"' in html
    english.unpublish()
    html = client.get(f"{producer.url}?a=4").content.decode()
    assert f'href="{english.url}?a=4"' not in html and 'href="/en/" lang="en"' in html


def test_a_page_missed_by_the_cache_reads_the_site_and_its_section_from_the_cache(
    client, django_assert_max_num_queries
):
    producer = make_producer("Ferme de la Route")
    client.get(f"{producer.url}?a=1")  # the site and the /producteurs/ section remembered
    with django_assert_max_num_queries(100) as miss:
        assert client.get(f"{producer.url}?a=2")["X-Page-Cache"] == "miss"
    sql = "\n".join(query["sql"] for query in miss.captured_queries)
    assert "wagtailcore_site" not in sql
    assert "'producteurs'" not in sql and "directory_directoryindexpage" not in sql
    assert producer.title in client.get(f"{producer.url}?a=3").content.decode()


def test_moving_a_section_to_a_new_address_routes_there_at_once(client):
    producer = make_producer("Ferme du Chemin")
    assert client.get(producer.url).status_code == 200
    index = producer.get_parent().specific
    index.slug = "nos-producteurs"
    index.save_revision().publish()

    producer.refresh_from_db()
    assert producer.url.startswith("/nos-producteurs/")
    assert client.get(producer.url).status_code == 200
    assert client.get(f"/producteurs/{producer.slug}/").status_code == 404


def test_a_new_host_name_for_the_site_is_routed_at_once(client):
    from wagtail.models import Site

    assert client.get("/", HTTP_HOST="marche.example").status_code == 200  # the default site
    site = Site.objects.get(is_default_site=True)
    site.is_default_site = False
    site.hostname = "circuit-court.example"
    site.save()
    assert client.get("/", HTTP_HOST="marche.example").status_code == 404  # no site any more
    assert client.get("/", HTTP_HOST="circuit-court.example").status_code == 200


def test_a_producer_made_private_is_private_at_once(client, django_assert_max_num_queries):
    from wagtail.models import PageViewRestriction

    producer = make_producer("Ferme des Initiés")
    client.get(f"{producer.url}?a=1")
    with django_assert_max_num_queries(100) as public:
        assert client.get(f"{producer.url}?a=2").status_code == 200
    # No restriction anywhere: Wagtail's check over the page and its ancestors is skipped.
    read = 'SELECT "wagtailcore_pageviewrestriction"."id"'
    assert not [q for q in public.captured_queries if q["sql"].startswith(read)]

    PageViewRestriction.objects.create(page=producer, restriction_type="login")
    response = client.get(f"{producer.url}?a=3")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(f"{producer.url}?a=3")["Location"] == response["Location"]


def test_an_article_published_about_a_producer_shows_on_its_page_at_once(
    client, django_assert_max_num_queries
):
    from tests.factories_spotlight import make_article

    producer = make_producer("Ferme du Bocage", "Maroilles")
    make_article("Les vergers de Lens", [make_producer("Vergers de Lens", "Lens")])
    client.get(f"{producer.url}?a=1")
    with django_assert_max_num_queries(100) as page:
        html = client.get(f"{producer.url}?a=2").content.decode()
    # Articles exist, none about this producer: the page does not look for them.
    assert "spotlight_spotlightpage" not in str(page.captured_queries)
    assert "Articles sur ce producteur" not in html

    make_article("Le maroilles du bocage", [producer])
    html = client.get(f"{producer.url}?a=3").content.decode()
    assert "Articles sur ce producteur" in html and "Le maroilles du bocage" in html


def test_unpublishing_a_producer_takes_its_page_down_at_once(client):
    producer = make_producer("Ferme du Vert Bois")
    assert client.get(producer.url).status_code == 200
    assert client.get(producer.url)["X-Page-Cache"] == "hit"
    producer.unpublish()
    assert client.get(producer.url).status_code == 404


def test_renaming_a_quality_sign_shows_on_the_producer_page_at_once(client):
    sign = QualitySignFactory(name="Label Rouge", short_name="LR", slug="label-rouge")
    producer = make_producer("Volailles du Ternois", signs=[sign])
    assert "Label Rouge" in client.get(producer.url).content.decode()

    sign.name = "Label Rouge fermier"
    sign.save()  # a snippet edited in the admin: no page is published

    assert "Label Rouge fermier" in client.get(producer.url).content.decode()


def test_what_changes_without_a_signal_is_stale_no_longer_than_the_setting(client, settings):
    settings.CIRCUITCOURT_PAGE_CACHE_SECONDS = 1
    sign = QualitySignFactory(name="Bleu-Blanc-Cœur", short_name="BBC", slug="bbc")
    producer = make_producer("Ferme des Hêtres", signs=[sign])
    client.get(producer.url)
    QualitySign.objects.filter(pk=sign.pk).update(name="Bleu Blanc Cœur")  # no signal
    assert "Bleu-Blanc-Cœur" in client.get(producer.url).content.decode()
    time.sleep(1.1)
    assert "Bleu Blanc Cœur" in client.get(producer.url).content.decode()


def test_a_signed_in_editor_never_gets_nor_fills_the_shared_cache(
    client, chamber_editor, django_assert_max_num_queries
):
    anonymous = client.get("/")  # cached for anonymous visitors
    assert anonymous["X-Page-Cache"] == "miss"
    client.force_login(chamber_editor)
    for _ in range(2):
        response = client.get("/")
        assert response["X-Page-Cache"] == "bypass"
        assert "private" in response["Cache-Control"]
        assert "userbar" in response.content.decode()  # the editor's own toolbar
    client.logout()
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "userbar" not in response.content.decode()


def test_the_portal_is_never_cached(client):
    make_buyer("Le Bistrot du Marché", username="bistrot")
    anonymous = client.get("/portail/")
    assert anonymous.status_code == 302
    assert anonymous["X-Page-Cache"] == "bypass"
    login = client.get("/portail/connexion/")
    assert login["X-Page-Cache"] == "bypass"
    assert "private" in login["Cache-Control"]

    client.post("/portail/connexion/", {"username": "bistrot", "password": PASSWORD})
    for url in ("/portail/catalogue/", "/en/portail/catalogue/"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "bypass"
            assert "private" in response["Cache-Control"]


def test_the_admin_and_forms_sent_are_never_cached(client, chamber_editor):
    assert client.get("/admin/login/")["X-Page-Cache"] == "bypass"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response["X-Page-Cache"] == "bypass"


def test_the_api_is_cached_per_language(client):
    ProductCategoryFactory(name="Fromages", name_en="Cheese", slug="fromages")
    url = "/api/v3/directory/categories/"
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert french["X-Page-Cache"] == "miss"
    assert french.json()["items"][0]["name"] == "Fromages"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr")["X-Page-Cache"] == "hit"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert english["X-Page-Cache"] == "miss"
    assert english.json()["items"][0]["name"] == "Cheese"
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Language"] == "en"
    assert again.json()["items"][0]["name"] == "Cheese"


def test_a_cache_outage_serves_the_page_uncached(client, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from circuitcourt.site import cache

    down = RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens there
    monkeypatch.setattr(cache, "page_cache", lambda: down)
    producer = make_producer("Ferme sans cache")
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    # The site and its sections are then read from the database.
    assert producer.title in client.get(producer.url).content.decode()


# Answers that must not be shared, and conditional GET, checked on small views of their own.
@etag(lambda request: '"v1"')
def tagged(request):
    return HttpResponse("tagged")


def with_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("tracking", "1")
    return response


def private(request):
    response = HttpResponse("mine")
    response["Cache-Control"] = "private"
    return response


def by_origin(request):
    response = HttpResponse(f"for {request.headers.get('Origin', 'nobody')}")
    patch_vary_headers(response, ["Origin"])
    return response


urlpatterns = [
    path("by-origin/", by_origin),
    path("tagged/", tagged),
    path("with-cookie/", with_cookie),
    path("private/", private),
]


@pytest.mark.urls(__name__)
def test_a_cached_answer_keeps_its_etag_and_answers_304(client):
    assert client.get("/tagged/")["X-Page-Cache"] == "miss"
    hit = client.get("/tagged/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["ETag"] == '"v1"'
    not_modified = client.get("/tagged/", HTTP_IF_NONE_MATCH='"v1"')
    assert not_modified.status_code == 304
    assert not_modified["X-Page-Cache"] == "hit"
    assert client.get("/tagged/", HTTP_IF_NONE_MATCH='"v0"').status_code == 200


@pytest.mark.urls(__name__)
def test_answers_that_set_a_cookie_or_say_private_are_not_shared(client):
    for url in ("/with-cookie/", "/private/"):
        assert client.get(url)["X-Page-Cache"] == "bypass"
        assert client.get(url)["X-Page-Cache"] == "bypass"


@pytest.mark.urls(__name__)
def test_an_answer_that_varies_on_another_header_is_cached_per_value(client):
    first = client.get("/by-origin/", HTTP_ORIGIN="https://a.example")
    assert (first["X-Page-Cache"], first.content) == ("miss", b"for https://a.example")
    other = client.get("/by-origin/", HTTP_ORIGIN="https://b.example")
    assert (other["X-Page-Cache"], other.content) == ("miss", b"for https://b.example")
    again = client.get("/by-origin/", HTTP_ORIGIN="https://a.example")
    assert (again["X-Page-Cache"], again.content) == ("hit", b"for https://a.example")


def test_a_transaction_invalidates_again_once_when_it_commits(
    client, django_capture_on_commit_callbacks
):
    """A visitor reading while an editor's transaction is open may store the old page under
    the new generation; the bump at commit drops it. One bump, however many rows saved."""
    from circuitcourt.site.cache import GENERATION_KEY, page_cache

    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(3):
            QualitySignFactory(name=f"Signe {n}", short_name=f"S{n}", slug=f"signe-{n}")
        during = page_cache().get(GENERATION_KEY)
    assert len(callbacks) == 1
    callbacks[0]()
    assert page_cache().get(GENERATION_KEY) != during


def test_a_draft_previewed_through_the_api_is_never_cached(client):
    from wagtail.models import Revision

    from circuitcourt.headless import preview

    page = draft_page("Brouillon de la fête")
    url = f"/api/v3/preview/?token={preview.make_token(page)}"
    first = client.get(url)
    assert first.json()["title"] == "Brouillon de la fête"
    assert first["X-Page-Cache"] == "bypass"
    assert "no-store" in first["Cache-Control"]
    # The draft changes without any signal: only a fresh reading shows it.
    revision = page.latest_revision
    Revision.objects.filter(pk=revision.pk).update(
        content={**revision.content, "title": "Brouillon retouché"}
    )
    again = client.get(url)
    assert again["X-Page-Cache"] == "bypass"
    assert again.json()["title"] == "Brouillon retouché"


def test_an_answer_to_an_api_token_is_never_shown_to_anyone_else(client, chamber_editor):
    from wagtail.models import APIToken

    page = draft_page("Page publiée", live=True)
    page.title = "Brouillon de l'éditrice"
    page.save_revision()
    _token, secret = APIToken.create_token(user=chamber_editor, name="front")
    url = f"/api/v3/pages/{page.pk}/?version=draft"
    editor = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert editor.json()["title"] == "Brouillon de l'éditrice"
    assert editor["X-Page-Cache"] == "bypass"
    anonymous = client.get(url)
    assert anonymous.json()["title"] == "Page publiée"


def test_the_api_keeps_its_own_max_age_while_the_page_cache_keeps_a_copy_seconds(client, settings):
    """Front ends may keep an API answer CIRCUITCOURT_API_MAX_AGE (and revalidate it with its
    ETag); the shared cache's own copy is never staler than its few seconds."""
    settings.CIRCUITCOURT_PAGE_CACHE_SECONDS = 1
    settings.CIRCUITCOURT_API_MAX_AGE = 300
    sign = QualitySignFactory(name="Label Rouge")
    url = "/api/v3/directory/quality-signs/"
    first = client.get(url)
    hit = client.get(url)
    assert (first["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, hit):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=300"}
        assert response["ETag"] == first["ETag"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (not_modified.status_code, not_modified["X-Page-Cache"]) == (304, "hit")
    assert "max-age=300" in not_modified["Cache-Control"]

    QualitySign.objects.filter(pk=sign.pk).update(name="Label Rouge fermier")  # no signal
    time.sleep(1.1)
    fresh = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh.json()["items"][0]["name"] == "Label Rouge fermier"
