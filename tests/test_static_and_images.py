"""Pages stay light: images in WebP at the size the screen needs, lazy below the fold;
static files fingerprinted, compressed and kept by browsers; no third-party script."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponseNotFound
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from circuitcourt.directory.models import ProducerPhoto
from tests.factories import make_producer
from tests.factories_spotlight import make_article, make_image

pytestmark = pytest.mark.django_db


def img_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


def attributes(tag):
    return dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))


def test_producer_photos_come_in_webp_at_two_sizes_the_first_at_once_the_rest_lazily(client):
    producer = make_producer("Ferme du Bois Joly")
    for title in ("Le verger", "La cave", "Le marché"):
        ProducerPhoto.objects.create(producer=producer, image=make_image(title, size=(1200, 800)))
    html = client.get(producer.url).content.decode()
    first, *others = [attributes(tag) for tag in img_tags(html)]
    # The first photo is what a visitor sees first: fetched at once, before the others.
    assert "loading" not in first and first["fetchpriority"] == "high"
    assert [attrs["loading"] for attrs in others] == ["lazy", "lazy"]
    assert not any("fetchpriority" in attrs for attrs in others)
    assert [attrs["alt"] for attrs in (first, *others)] == ["Le verger", "La cave", "Le marché"]
    for attrs in (first, *others):
        assert (attrs["width"], attrs["height"]) == ("480", "320")
        assert attrs["src"].endswith(".webp")
        candidates = [part.strip().split() for part in attrs["srcset"].split(",")]
        assert [width for _url, width in candidates] == ["480w", "960w"]
        assert all(url.endswith(".webp") for url, _width in candidates)
        assert "sizes" in attrs


def test_a_spotlight_article_loads_its_portrait_first_and_the_rest_lazily(client):
    producer = make_producer("Brasserie des Trois Monts")
    article = make_article("Une bière de saison", producers=[producer])
    article.portrait = make_image("Portrait", size=(1600, 1000))
    article.save_revision().publish()

    page = client.get(article.url).content.decode()
    [portrait] = img_tags(page)
    attrs = attributes(portrait)
    assert "loading" not in attrs  # the first thing seen: not delayed
    assert attrs["fetchpriority"] == "high"
    assert (attrs["width"], attrs["height"]) == ("480", "320")
    assert "960w" in attrs["srcset"] and "1440w" in attrs["srcset"]

    home = client.get("/").content.decode()  # the article of the day, as a card
    cards = [attributes(tag) for tag in img_tags(home)]
    assert cards, "the home page shows the article's portrait"
    for card in cards:
        assert card["loading"] == "lazy"
        assert card["width"] and card["height"]
        assert ".webp" in card["srcset"]


def test_public_pages_load_no_third_party_nor_blocking_script(client):
    producer = make_producer("Ferme des Prés Salés")
    for url in ("/", "/producteurs/?place=Arras&radius_km=20", producer.url, "/en/"):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            src = attributes(tag).get("src")
            if src is None:
                continue  # inline data (JSON-LD), nothing to fetch
            assert src.startswith("/static/"), (url, tag)
            assert re.search(r"\b(defer|async)\b", tag), (url, tag)
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
            assert href.startswith("/static/"), (url, href)


@pytest.mark.slow
def test_static_files_are_fingerprinted_compressed_and_cached_for_a_year(tmp_path, settings):
    """What `make serve` does: collectstatic with production's storage, WhiteNoise serving."""
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)

    url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    whitenoise = WhiteNoiseMiddleware(lambda request: HttpResponseNotFound())
    response = whitenoise(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    cache_control = response["Cache-Control"]
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    # The unversioned name is served too, but only briefly cached: it can change.
    plain = whitenoise(RequestFactory().get("/static/css/site.css"))
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
