"""The headless API as a front end uses it: drafts through preview tokens, conditional GETs,
CORS, rate limits, one error shape, lists with a fixed number of queries."""

import datetime
import re
from html import unescape

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone

from circuitcourt.directory.models import Closure
from circuitcourt.headless import preview

from .conftest import PASSWORD
from .factories import ProductCategoryFactory, QualitySignFactory, make_producer
from .factories_editorial import draft_page, make_event, make_news, make_partner, paris
from .factories_spotlight import make_article

pytestmark = pytest.mark.django_db


def problem(response, status):
    assert response.status_code == status, response.content
    data = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert data["status"] == status and data["detail"] and isinstance(data["errors"], list)
    return data


# Preview of drafts -------------------------------------------------------------------------


def test_a_draft_is_invisible_to_the_public_api(client):
    page = draft_page()
    problem(client.get(f"/api/v3/pages/{page.pk}/"), 404)
    problem(client.get(f"/api/v3/pages/{page.pk}/", {"version": "draft"}), 404)
    listing = client.get("/api/v3/pages/", {"limit": 100}).json()
    assert page.pk not in [item["id"] for item in listing["items"]]


def test_an_editor_previewing_in_the_admin_reads_the_draft_through_the_api(client, chamber_editor):
    page = draft_page(live=True)
    page.title = "Nouveau titre pas encore publié"
    page.save_revision()
    assert client.get(f"/api/v3/pages/{page.pk}/").json()["title"] == "Brouillon secret"

    assert client.login(username=chamber_editor.username, password=PASSWORD)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    link = unescape(re.search(r'href="([^"]*/api/v3/preview/\?token=[^"]+)"', html).group(1))
    client.logout()

    response = client.get(link)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Nouveau titre pas encore publié"
    assert response.json()["meta"]["type"] == "home.StandardPage"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_an_expired_preview_token_is_refused(client):
    page = draft_page()
    token = preview.make_token(page)
    with override_settings(CIRCUITCOURT_API_PREVIEW_MAX_AGE=-1):
        data = problem(client.get("/api/v3/preview/", {"token": token}), 401)
    assert "expired" in data["detail"]


def test_a_forged_or_altered_preview_token_is_refused(client):
    page = draft_page()
    forged = signing.TimestampSigner(key="not-our-secret", salt=preview.SALT).sign_object(
        {"page": page.pk}
    )
    problem(client.get("/api/v3/preview/", {"token": forged}), 403)
    token = preview.make_token(page)
    value, _, signature = token.rpartition(":")
    other_page = signing.b64_encode(b'{"page":1}').decode()
    altered = f"{other_page}:{value.split(':', 1)[1]}:{signature}"
    problem(client.get("/api/v3/preview/", {"token": altered}), 403)
    data = problem(client.get("/api/v3/preview/"), 400)
    assert data["errors"][0]["field"] == "token"


# HTTP caching, CORS, rate limits -----------------------------------------------------------


def test_a_conditional_get_of_an_unchanged_list_answers_304(client):
    QualitySignFactory(name="Label Rouge")
    first = client.get("/api/v3/directory/quality-signs/")
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    again = client.get("/api/v3/directory/quality-signs/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    QualitySignFactory(name="AOP Maroilles")
    changed = client.get("/api/v3/directory/quality-signs/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["count"] == 2


@override_settings(CORS_ALLOWED_ORIGINS=["https://tourisme.example"])
def test_cors_headers_only_for_the_configured_origins(client):
    allowed = client.get("/api/v3/calendar/", HTTP_ORIGIN="https://tourisme.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://tourisme.example"
    other = client.get("/api/v3/calendar/", HTTP_ORIGIN="https://evil.example")
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other
    preflight = client.options(
        "/api/v3/calendar/",
        HTTP_ORIGIN="https://tourisme.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://tourisme.example"
    # The public site is not the API: no CORS there.
    assert "Access-Control-Allow-Origin" not in client.get(
        "/", HTTP_ORIGIN="https://tourisme.example"
    )


@override_settings(CIRCUITCOURT_API_RATE_LIMITS={"search": (3, 60)})
def test_search_is_rate_limited_with_a_clear_429(client):
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        assert client.get("/api/v3/directory/producers/").status_code == 200
    data = problem(client.get("/api/v3/directory/producers/"), 429)
    assert "Too many requests" in data["detail"]
    response = client.get("/api/v3/directory/producers/geojson/")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another client address has its own allowance.
    assert client.get("/api/v3/directory/producers/", REMOTE_ADDR="10.0.0.9").status_code == 200
    # Behind a proxy, the client's address comes from the header the proxy sets.
    with override_settings(CIRCUITCOURT_API_CLIENT_IP_HEADER="HTTP_X_REAL_IP"):
        for _ in range(3):
            response = client.get("/api/v3/directory/producers/", HTTP_X_REAL_IP="192.0.2.7")
            assert response.status_code == 200
        response = client.get("/api/v3/directory/producers/", HTTP_X_REAL_IP="192.0.2.7")
        assert response.status_code == 429
        response = client.get("/api/v3/directory/producers/", HTTP_X_REAL_IP="192.0.2.8")
        assert response.status_code == 200
    cache.clear()


# One error shape, one pagination shape, language -------------------------------------------


def test_every_endpoint_answers_errors_in_one_shape(client):
    data = problem(client.get("/api/v3/pages/", {"limit": "beaucoup"}), 400)
    assert data["errors"][0]["field"] == "limit"
    data = problem(client.get("/api/v3/directory/producers/", {"near": "200,3"}), 400)
    assert data["errors"][0]["field"] == "near"
    data = problem(client.get("/api/v3/events/", {"date_from": "demain"}), 400)
    assert data["errors"] == [{"field": "date_from", "message": data["errors"][0]["message"]}]
    data = problem(client.get("/api/v3/news/", {"page_size": "1000"}), 400)
    assert data["errors"][0]["field"] == "page_size"
    problem(client.get("/api/v3/pages/999999/"), 404)
    # An offset past what a database counts is refused, not a server error.
    for url in ("/api/v3/pages/", "/api/v3/redirects/"):
        data = problem(client.get(url, {"offset": str(2**80)}), 400)
        assert data["errors"][0]["field"] == "offset"


def test_an_unknown_address_under_the_api_answers_404_in_the_error_shape(client):
    for url in ("/api/v3/producteurs/", "/api/v3/pages/12/nothing/", "/api/v2/pages/", "/api/"):
        data = problem(client.get(url), 404)
        assert data["errors"] == []
    # Whatever the method: a POST is not turned away as a missing CSRF token.
    problem(client.post("/api/v3/producteurs/", {"name": "x"}), 404)
    # The site keeps its own page.
    site = client.get("/pas-de-page-ici/")
    assert site.status_code == 404 and site["Content-Type"].startswith("text/html")


def test_a_method_an_endpoint_does_not_take_answers_405_in_the_error_shape(client):
    data = problem(client.post("/api/v3/news/", {"title": "x"}), 405)
    assert "POST" in data["detail"]
    response = client.delete("/api/v3/directory/producers/")
    problem(response, 405)
    assert response["Allow"] == "GET"


def test_a_server_error_under_the_api_answers_in_the_error_shape(client, monkeypatch):
    from circuitcourt.calendar import api as calendar_api

    def broken(*args):
        raise RuntimeError("the calendar is broken")

    monkeypatch.setattr(calendar_api, "load_groups", broken)
    client.raise_request_exception = False
    data = problem(client.get("/api/v3/calendar/"), 500)
    assert "broken" not in data["detail"]  # nothing internal shown


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_request_for_another_host_answers_400_in_the_error_shape(client):
    problem(client.get("/api/v3/calendar/", HTTP_HOST="autre.example"), 400)
    site = client.get("/", HTTP_HOST="autre.example")
    assert site.status_code == 400 and site["Content-Type"].startswith("text/html")


def test_a_nul_character_in_the_url_answers_400_not_a_database_error(client):
    # PostgreSQL refuses NUL in text: these reached the database and answered 500 there.
    make_producer(title="Ferme du Nul")
    for url in ("/api/v3/pages/?locale=f%00r", "/api/v3/directory/producers/?q=a%00b"):
        data = problem(client.get(url), 400)
        assert "NUL" in data["detail"]
    for url in ("/producteurs/?q=pom%00me", "/producteurs/ferme%00du-nul/", "/?a%00=1"):
        site = client.get(url)
        assert site.status_code == 400 and site["Content-Type"].startswith("text/html")
    assert client.get("/producteurs/?q=pomme").status_code == 200


def test_lists_share_one_pagination_shape(client):
    for number in range(3):
        QualitySignFactory(name=f"Signe {number}")
    data = client.get("/api/v3/directory/quality-signs/", {"page": 2, "page_size": 2}).json()
    assert data["count"] == 3 and data["page"] == 2 and data["pages"] == 2
    assert [item["name"] for item in data["items"]] == ["Signe 2"]
    data = problem(client.get("/api/v3/directory/quality-signs/", {"page": 3, "page_size": 2}), 400)
    assert data["errors"][0]["field"] == "page"


def test_language_from_lang_or_accept_language(client):
    ProductCategoryFactory(name="Pommes", name_en="Apples", slug="pommes")
    french = client.get("/api/v3/directory/categories/", {"page_size": 100}).json()
    english = client.get("/api/v3/directory/categories/", {"page_size": 100, "lang": "en"})
    assert english["Content-Language"] == "en"
    names = {item["slug"]: item["name"] for item in english.json()["items"]}
    assert names["pommes"] == "Apples"
    assert {i["slug"]: i["name"] for i in french["items"]}["pommes"] == "Pommes"
    header = client.get("/api/v3/directory/categories/", HTTP_ACCEPT_LANGUAGE="en")
    assert {i["slug"]: i["name"] for i in header.json()["items"]}["pommes"] == "Apples"


# The project's lists -----------------------------------------------------------------------


def test_events_filter_by_dates_and_give_utc_times_and_money(client):
    now = timezone.now()
    make_event("Marché de Noël", start=paris(2026, 12, 12, 10), is_free=False, price="4.5")
    make_event("Fête de la fraise", start=paris(2027, 6, 5, 9))
    data = client.get("/api/v3/events/", {"date_from": "2026-12-01", "date_to": "2026-12-31"})
    items = data.json()["items"]
    assert [item["title"] for item in items] == ["Marché de Noël"]
    assert items[0]["start"] == "2026-12-12T09:00:00Z"
    assert items[0]["price"] == "4.50" and items[0]["currency"] == "EUR"
    assert items[0]["detail_url"].endswith(f"/api/v3/pages/{items[0]['id']}/")
    past = client.get("/api/v3/events/", {"when": "past"}).json()
    assert past["count"] == (0 if now < paris(2026, 12, 12, 12) else 1)


def test_news_filter_by_partner_like_the_site(client):
    montreuillois = make_partner("Office de tourisme du Montreuillois")
    make_news("Fête de la fraise", partner=montreuillois, tags=["fraises"])
    make_news("Nouvelle AMAP")
    data = client.get("/api/v3/news/", {"partner": montreuillois.slug}).json()
    assert [item["title"] for item in data["items"]] == ["Fête de la fraise"]
    assert data["items"][0]["partner"]["name"] == "Office de tourisme du Montreuillois"
    assert data["items"][0]["tags"] == ["fraises"]


def test_a_producer_page_gives_what_a_front_end_shows(client):
    fromages = ProductCategoryFactory(name="Maroilles", slug="maroilles")
    aop = QualitySignFactory(name="AOP Maroilles", short_name="AOP")
    producer = make_producer(
        "Ferme du Bocage",
        "Arras",
        categories=[fromages],
        signs=[aop],
        hours=[(2, "09:00", "12:30"), (5, "14:00", "19:00")],
    )
    shop = producer.points_of_sale.get().point_of_sale
    today = timezone.localdate()
    Closure.objects.create(
        point_of_sale=shop,
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=30),
        reason="Travaux",
    )
    Closure.objects.create(
        point_of_sale=shop,
        start_date=today,
        end_date=today + datetime.timedelta(days=7),
        reason="Congés",
    )
    data = client.get(f"/api/v3/pages/{producer.pk}/").json()
    assert data["commune"]["name"] == "Arras"
    assert data["products"][0]["category"] == {"slug": "maroilles", "name": "Maroilles"}
    assert data["quality_signs"][0]["short_name"] == "AOP"
    point = data["points_of_sale"][0]["point_of_sale"]
    assert point["commune"] == "Arras"
    # The hours the page shows, as data: weekday 0 = Monday, Paris wall-clock times.
    assert point["opening_hours"] == [
        {
            "weekday": 2,
            "opens": "09:00",
            "closes": "12:30",
            "season_start": None,
            "season_end": None,
        },
        {
            "weekday": 5,
            "opens": "14:00",
            "closes": "19:00",
            "season_start": None,
            "season_end": None,
        },
    ]
    # Only the closure still to come: the past one means nothing to a visitor.
    assert point["closures"] == [
        {
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=7)).isoformat(),
            "reason": "Congés",
        }
    ]
    article = make_article("Le maroilles du bocage", [producer])
    data = client.get(f"/api/v3/pages/{article.pk}/").json()
    assert data["producer_links"][0]["producer"]["title"] == "Ferme du Bocage"
    assert data["producer_links"][0]["producer"]["url"].endswith("/ferme-du-bocage/")


LISTS = [
    "/api/v3/news/",
    "/api/v3/events/",
    "/api/v3/spotlight/",
    "/api/v3/directory/partners/",
    "/api/v3/directory/categories/",
    "/api/v3/directory/quality-signs/",
    "/api/v3/directory/producers/",
    "/api/v3/directory/producers/geojson/",
    "/api/v3/pages/",
]


def _add_rows(offset, count):
    start = timezone.now() + datetime.timedelta(days=1)
    for number in range(offset, offset + count):
        partner = make_partner(f"Partenaire {number}", territory=["Arras"])
        make_news(f"Actualité {number}", partner=partner, tags=[f"t{number}"])
        make_event(f"Marché {number}", start=start, partner=partner, commune_name="Arras")
        sign = QualitySignFactory(name=f"Signe {number}")
        category = ProductCategoryFactory(name=f"Produit {number}")
        producer = make_producer(f"Ferme {number}", categories=[category], signs=[sign])
        make_article(f"Portrait {number}", [producer])


def test_each_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_rows(0, 1)
    few = {}
    for url in LISTS:
        client.get(url)  # warm caches (site root paths, content types, renditions)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        few[url] = len(context)  # before the next request resets the query log
        assert few[url] > 0
    _add_rows(1, 4)
    for url in LISTS:
        client.get(url)
        with django_assert_max_num_queries(few[url], info=url):
            response = client.get(url)
        assert response.json()["count"] >= 5, url
    map_points = client.get("/api/v3/directory/producers/geojson/").json()["features"]
    assert len(map_points) >= 5  # every producer's point of sale was drawn


def test_every_list_links_its_pages_by_absolute_url(client):
    producer = make_producer("Ferme du Bocage", "Arras")
    make_news("Fête de la fraise")
    make_event("Marché du soir", start=timezone.now() + datetime.timedelta(days=2))
    make_article("Le maroilles du bocage", [producer])
    site = "http://localhost/"
    found = {
        "producers": [
            item["url"] for item in client.get("/api/v3/directory/producers/").json()["items"]
        ],
        "map": [
            feature["properties"]["url"]
            for feature in client.get("/api/v3/directory/producers/geojson/").json()["features"]
        ],
        "news": [item["url"] for item in client.get("/api/v3/news/").json()["items"]],
        "events": [item["url"] for item in client.get("/api/v3/events/").json()["items"]],
        "spotlight": [
            url
            for item in client.get("/api/v3/spotlight/").json()["items"]
            for url in [item["url"]] + [p["url"] for p in item["producers"]]
        ],
    }
    assert found["producers"] == found["map"] == [f"{site}producteurs/ferme-du-bocage/"]
    for name, urls in found.items():
        assert urls and all(url.startswith(site) for url in urls), name
