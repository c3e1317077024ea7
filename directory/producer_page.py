"""What a producer's public page shows, fetched in a fixed number of queries."""

import json

from django.utils import timezone
from django.utils.safestring import mark_safe
from modelcluster.queryset import FakeQuerySet

from circuitcourt.site.i18n import in_default_locale, localized
from circuitcourt.spotlight.services import articles_about

from . import opening_hours
from .models import PointOfSale, ProducerPage
from .search import SearchCriteria, search_producers
from .search_page import point_features

NEARBY_RADIUS_KM = 20
NEARBY_COUNT = 4
# The nearest few lie in the smallest circle that holds enough of them: where producers are
# dense (a town) the database ranks a few hundred points of sale instead of thousands; where
# they are sparse, the circle widens up to NEARBY_RADIUS_KM.
NEARBY_RINGS_KM = (2.5, 5, 10, NEARBY_RADIUS_KM)
# What a link to a page needs (its URL and its versions in other languages).
NEARBY_FIELDS = ("title", "url_path", "locale__language_code", "translation_key", "live")


# Relations are read through the page (not filtered by its id) so that the admin preview,
# which renders an unsaved page with in-memory relations, shows what the editor typed.


def points_of_sale(producer):
    links = producer.points_of_sale.all()
    if isinstance(links, FakeQuerySet):  # a preview's unsaved links: load their points
        ids = [link.point_of_sale_id for link in links]
        found = PointOfSale.objects.select_related("commune").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
    links = links.select_related("point_of_sale__commune").prefetch_related(
        "point_of_sale__opening_hours", "point_of_sale__closures"
    )
    return [link.point_of_sale for link in links]


def nearby_producers(producer, points):
    """Other producers selling near this one's first located point of sale, nearest first."""
    located = [p for p in points if p.has_location]
    if not located:
        return []
    centre = (located[0].latitude, located[0].longitude)
    # Searched in the French tree (whatever the page's language), shown in the page's.
    others = in_default_locale(ProducerPage.objects.select_related("locale")).exclude(
        translation_key=producer.translation_key
    )
    for radius in NEARBY_RINGS_KM:
        # Enough within `radius`: they are the nearest of all, whatever lies further.
        results = search_producers(others, SearchCriteria(point=centre, radius_km=radius))
        ranked = list(results.ranking[:NEARBY_COUNT])
        if len(ranked) == NEARBY_COUNT:
            break
    # A name, a link and a distance are shown: the rest of each page is left in the database.
    links = ProducerPage.objects.live().select_related("locale").only(*NEARBY_FIELDS)
    return localized(results.pages_for(ranked, links), ProducerPage.objects.only(*NEARBY_FIELDS))


def json_ld(producer, points, request):
    """schema.org LocalBusiness, one per located point of sale's place, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": producer.title,
        "url": producer.get_full_url(request),
        "description": producer.summary or producer.search_description,
    }
    if producer.phone:
        data["telephone"] = producer.phone
    if producer.email:
        data["email"] = producer.email
    same_as = [url for url in (producer.website, producer.facebook, producer.instagram) if url]
    if same_as:
        data["sameAs"] = same_as
    first = next((p for p in points if p.has_location), None)
    if first:
        address = {
            "@type": "PostalAddress",
            "streetAddress": first.address,
            "postalCode": first.postcode,
            "addressLocality": first.commune.name,
            "addressRegion": "Hauts-de-France",
            "addressCountry": "FR",
        }
        data["address"] = {key: value for key, value in address.items() if value}
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": first.latitude,
            "longitude": first.longitude,
        }
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{DAY_NAMES[slot.weekday]}",
            "opens": slot.opens.strftime("%H:%M"),
            "closes": slot.closes.strftime("%H:%M"),
        }
        for slot in (first.opening_hours.all() if first else [])
        if slot.season_start is None
    ]
    if hours:
        data["openingHoursSpecification"] = hours
    text = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False)
    # Inside <script>: escape what could close the element (editors type these values).
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def producer_context(producer, request):
    now = timezone.now()
    today = timezone.localdate(now)
    points = points_of_sale(producer)
    for point in points:
        point.status_text = opening_hours.describe(point, now)
        point.schedule = opening_hours.weekly_schedule(point, today)
    products = producer.products.all()
    if not isinstance(products, FakeQuerySet):  # in the database: with the categories and signs
        products = products.select_related("category").prefetch_related("quality_signs")
    products = list(products)
    farm_signs = list(producer.quality_signs.all())
    signs = {sign.pk: sign for sign in farm_signs}
    for product in products:
        for sign in product.quality_signs.all():
            signs.setdefault(sign.pk, sign)
    map_data = point_features(points)
    directory = producer.get_parent()  # the breadcrumb's, and each product's category link
    return {
        "directory": directory,
        "directory_url": directory.get_url(request),
        "points_of_sale": points,
        "products": products,
        "farm_signs": farm_signs,
        "signs_explained": list(signs.values()),
        "photos": list(producer.photos.all().select_related("image")),
        "nearby": nearby_producers(producer, points),
        "map_data": map_data,
        "json_ld": json_ld(producer, points, request),
        "spotlights": articles_about(producer),
    }
