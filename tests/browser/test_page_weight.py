"""What a visitor's phone downloads and waits for, measured by Chromium on four pages: the
home page, a search with results (fromage near Arras), a producer with photos, the calendar.

Each page is opened cold (a new browser context: empty cache) on a 375 px phone, once the
server has drawn it a first time (image renditions made, templates compiled), as on a live
site. The figures go to .browser-artifacts/page-weight.json and to the end of the pytest
output (tests/conftest.py), so every CI log shows them. Bytes are as the test server sends
them: uncompressed (production's WhiteNoise serves static files gzipped or Brotli'd).
"""

import io
import time

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.images import get_image_model

from circuitcourt.directory.models import ProducerPhoto
from tests.factories_site import make_site_content

from .conftest import PHONE, measure, record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_BYTES = 1_000_000  # a whole page, first visit, uncompressed
MAX_LCP_MS = 4_000  # generous: a shared CI machine; measured around 0.5 to 1 s


def make_photo(title, colour, size=(1600, 1067)):
    """A photo-like image: a shaded colour with a grain coarse enough to survive the resizing,
    so its 480 px WebP weighs about what a photo's does (some 30 kB), and Chromium counts it
    as a contentful paint (it ignores flat, low-entropy images)."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(c * (0.6 + 0.4 * y / height)) for c in colour)
        )
    coarse = (width // 4, height // 4)
    grain = Image.merge("RGB", [Image.effect_noise(coarse, 48) for _ in range(3)])
    image = Image.blend(image, grain.resize(size, Image.Resampling.BICUBIC), 0.3)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    return get_image_model().objects.create(
        title=title, file=ImageFile(data, name=f"{title.lower().replace(' ', '-')}.jpg")
    )


@pytest.fixture
def site_with_photos():
    cache.clear()
    content = make_site_content()
    producer = content["arras"]
    for order, (title, colour) in enumerate(
        [("La cave d'affinage", (150, 110, 60)), ("Le troupeau au pré", (70, 130, 60))]
    ):
        ProducerPhoto.objects.create(
            producer=producer, image=make_photo(title, colour), sort_order=order
        )
    yield content
    cache.clear()


def open_cold(open_context, url):
    """A phone with an empty cache on `url`."""
    page = open_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(url)
    return page


def test_pages_are_light_fast_and_do_not_shift(open_context, site_with_photos, request):
    pages = {
        "home": "/",
        "search results": "/producteurs/?q=fromage&place=Arras&radius_km=50",
        "producer with photos": site_with_photos["arras"].url,
        "seasonal calendar": "/de-saison/",
    }
    figures = {}
    for name, url in pages.items():
        warm = open_cold(open_context, url)  # the server draws it once (renditions, caches)
        measure(warm)
        warm.context.close()
        page = open_cold(open_context, url)
        figures[name] = measure(page)
        if name == "producer with photos":
            gallery = page.locator(".gallery img")
            figures[name]["gallery"] = [
                {
                    "src": image.evaluate("img => new URL(img.currentSrc).pathname"),
                    "loading": image.get_attribute("loading"),
                    "fetchpriority": image.get_attribute("fetchpriority"),
                }
                for image in gallery.all()
            ]
            figures[name]["media_bytes"] = page.evaluate(
                """() => performance.getEntriesByType("resource")
                    .filter((entry) => new URL(entry.name).pathname.startsWith("/media/"))
                    .reduce((total, entry) => total + entry.transferSize, 0)"""
            )

    record("page-weight", figures)
    request.node.user_properties.append(("page_weight", figures))

    for name, metrics in figures.items():
        assert metrics["cumulative_layout_shift"] == 0, (name, metrics)
        assert metrics["images_without_size"] == [], name
        assert metrics["images_not_loaded"] == [], name  # the photos were there to weigh
        assert metrics["largest_contentful_paint_ms"] is not None, name
        assert metrics["largest_contentful_paint_ms"] < MAX_LCP_MS, (name, metrics)
        assert 0 < metrics["total_bytes"] < MAX_BYTES, (name, metrics)

    # The producer's first photo is fetched at once (it is what the phone paints largest),
    # the next one when the visitor scrolls near it.
    producer = figures["producer with photos"]
    first, second = producer["gallery"]
    assert (first["loading"], first["fetchpriority"]) == (None, "high")
    assert (second["loading"], second["fetchpriority"]) == ("lazy", None)
    assert producer["largest_contentful_paint_element"] == f"img {first['src']}"
    assert producer["media_bytes"] > 10_000  # the photo was downloaded, and weighed


def test_the_measure_does_see_an_image_that_shifts_the_page(open_context):
    """The CLS check above can fail: an image without width and height, arriving after the
    text is drawn, pushes the text down; the same image with its size reserves its place."""
    data = io.BytesIO()
    Image.new("RGB", (480, 320), (150, 110, 60)).save(data, "JPEG")
    page = open_context(viewport=PHONE, is_mobile=True).new_page()

    def slow_photo(route):
        time.sleep(0.5)  # the text is painted before the photo arrives
        route.fulfill(body=data.getvalue(), content_type="image/jpeg")

    def serve_html(html):
        return lambda route: route.fulfill(body=html, content_type="text/html")

    page.route("**/slow-photo.jpg*", slow_photo)
    shifts = {}
    for case, size in [("without size", ""), ("with size", 'width="480" height="320"')]:
        html = (
            f'<!DOCTYPE html><html lang="fr"><body style="margin:0">'
            f'<img src="/slow-photo.jpg?{len(size)}" alt="" {size} '
            f'style="display:block;width:100%;height:auto">'
            + "<p>Fromages fermiers affinés à la ferme, vendus au marché d'Arras.</p>" * 30
            + "</body></html>"
        )
        path = f"/shift-test/{len(size)}/"
        page.route(f"**{path}", serve_html(html))
        page.goto(path)
        shifts[case] = measure(page)["cumulative_layout_shift"]
    assert shifts["without size"] > 0.05, shifts
    assert shifts["with size"] == 0, shifts
