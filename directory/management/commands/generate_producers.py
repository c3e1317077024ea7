"""Bulk-create fictional producers for benchmarks: 20,000 pages in well under a minute.

Pages are inserted with bulk_create, so this command does by hand what Page.add_child and
save() would do: the treebeard path, depth and numchild, url_path, content type, locale,
publication dates and ProducerPage.search_text.
"""

import random
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, ReferenceIndex, Revision

from circuitcourt.directory import demo
from circuitcourt.directory.models import (
    Closure,
    DirectoryIndexPage,
    OpeningHours,
    Partner,
    PointOfSale,
    ProducerPage,
    ProducerPhoto,
    ProducerPointOfSale,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)
from circuitcourt.directory.text import producer_search_text

PREFIX = "gen-"
POINT_PREFIX = "gen-pos-"
CHUNK = 1000  # producers built and inserted together
BATCH = 2000  # rows per INSERT statement (Django lowers it where the database needs)
TERROIR_WEIGHT = 25  # weight of a terroir farm type inside its zone (polyculture is 40)


class Progress:
    """A progress bar on a terminal; a line every 10 % otherwise (logs, CI)."""

    WIDTH = 30

    def __init__(self, stream, total, label):
        self.stream, self.total, self.label = stream, total, label
        self.tty = stream.isatty()
        self.last_tenth = 0

    def update(self, done):
        if not self.total:
            return
        if self.tty:
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            end = "\n" if done == self.total else ""
            self.write(f"\r[{bar}] {done}/{self.total} {self.label}", end)
        elif done * 10 // self.total > self.last_tenth:
            self.last_tenth = done * 10 // self.total
            self.write(f"{self.last_tenth * 10:3d} % ({done}/{self.total} {self.label})", "\n")
        self.stream.flush()

    def write(self, text, ending):
        # Progress is no error: skip the red that Django gives stderr on a terminal.
        self.stream.write(text, style_func=lambda plain: plain, ending=ending)


class Command(BaseCommand):
    help = (
        "Create COUNT fictional producers (import_ref gen-000001, ...) with their products, "
        "points of sale and opening hours, fast, for benchmarks. Pages are live but inserted "
        "with bulk_create: no revision, no log entry, not in Wagtail's search or reference "
        "index (run update_index if you need them in the admin search). Generated data is "
        "marked is_fictional; --clear deletes it in bulk, without Wagtail's per-page signals "
        "(run update_index afterwards if you had indexed it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many producers to create (0: none)")
        parser.add_argument(
            "--points-per-producer",
            type=int,
            default=5,
            help="points of sale of each producer, none shared (default 5)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="first delete the producers and points of sale generated before",
        )

    def handle(self, *args, count, points_per_producer, seed, clear, **options):
        if count < 0:
            raise CommandError("COUNT cannot be negative.")
        if not 1 <= points_per_producer <= 50:
            raise CommandError("--points-per-producer must be between 1 and 50.")
        started = time.monotonic()
        with transaction.atomic():
            demo.load_reference_data()
            index = DirectoryIndexPage.get_or_create()
            if clear:
                producers, points = clear_generated(index)
                self.stdout.write(
                    f"Deleted {producers} generated producers and {points} points of sale."
                )
            progress = Progress(self.stderr, count, "producers")
            points = generate(index, count, points_per_producer, seed, progress.update)
        self.stdout.write(
            f"Created {count} producers and {points} points of sale "
            f"in {time.monotonic() - started:.1f} s."
        )


def clear_generated(index):
    """Delete generated producers and points of sale; returns how many of each.

    Rows go in bulk, children first. Django's delete collector would send per-object
    signals (Wagtail unpublishes each page and writes the audit log; search and reference
    index handlers run for every row): five minutes for 20,000 producers, for rows that
    never went through any of that. Foreign keys are still checked at commit.
    """
    page_ids = list(
        models.QuerySet(ProducerPage)
        .filter(import_ref__startswith=PREFIX)
        .values_list("pk", flat=True)
    )
    point_ids = list(
        models.QuerySet(PointOfSale)
        .filter(import_ref__startswith=POINT_PREFIX)
        .values_list("pk", flat=True)
    )
    for ids in chunked(page_ids):
        product_signs = ProducerProduct.quality_signs.through.objects
        raw_delete(product_signs.filter(producerproduct__producer__in=ids))
        raw_delete(ProducerProduct.objects.filter(producer__in=ids))
        raw_delete(ProducerPage.quality_signs.through.objects.filter(producerpage__in=ids))
        raw_delete(ProducerPage.partners.through.objects.filter(producerpage__in=ids))
        raw_delete(ProducerPhoto.objects.filter(producer__in=ids))
        raw_delete(ProducerPointOfSale.objects.filter(producer__in=ids))
        forget(Page, ids)
        raw_delete(models.QuerySet(ProducerPage).filter(pk__in=ids))
        raw_delete(models.QuerySet(Page).filter(pk__in=ids))
    for ids in chunked(point_ids):
        raw_delete(ProducerPointOfSale.objects.filter(point_of_sale__in=ids))
        raw_delete(OpeningHours.objects.filter(point_of_sale__in=ids))
        raw_delete(Closure.objects.filter(point_of_sale__in=ids))
        forget(PointOfSale, ids)
        raw_delete(models.QuerySet(PointOfSale).filter(pk__in=ids))
    fix_numchild(index)
    return len(page_ids), len(point_ids)


def chunked(ids, size=500):
    """Slices of ids small enough for any database's limit on query parameters."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def raw_delete(queryset):
    # The DELETE the collector itself runs for rows that need no signal (a private API).
    queryset._raw_delete(queryset.db)


def forget(model, ids):
    """Revisions and reference index rows of deleted objects, had anyone created some."""
    content_type = ContentType.objects.get_for_model(model)
    object_ids = [str(pk) for pk in ids]
    for related in (Revision, ReferenceIndex):
        raw_delete(related.objects.filter(base_content_type=content_type, object_id__in=object_ids))


def fix_numchild(index):
    """The child count of the index, in every language (English aliases go with the French)."""
    for version in index.get_translations(inclusive=True):
        children = Page.objects.filter(path__startswith=version.path, depth=version.depth + 1)
        Page.objects.filter(pk=version.pk).update(numchild=children.count())


def next_number(queryset, prefix):
    """1 + the highest number in the import references that start with prefix."""
    last = (
        queryset.filter(import_ref__startswith=prefix)
        .order_by(Length("import_ref").desc(), "-import_ref")
        .values_list("import_ref", flat=True)
        .first()
    )
    return int(last[len(prefix) :]) + 1 if last else 1


def generate(index, count, points_per_producer, seed, progress):
    """Insert `count` producers under `index`; returns the number of points of sale."""
    if not count:
        return 0
    first = next_number(ProducerPage.objects, PREFIX)
    # Seeded by the first number too, so a second run adds different producers.
    rng = random.Random(f"{seed}:{first}")
    places = demo.load_places()
    planner = demo.Planner(
        rng,
        places,
        POINT_PREFIX,
        shared=False,
        point_digits=7,
        first_point=next_number(PointOfSale.objects, POINT_PREFIX),
    )
    writer = Writer(index, rng)
    weights = [demo.place_weight(place) for place in places]
    farm_types = {}
    created_points = 0
    for start in range(0, count, CHUNK):
        plans = []
        chosen = rng.choices(places, weights=weights, k=min(CHUNK, count - start))
        for offset, place in enumerate(chosen):
            if place.id not in farm_types:
                farm_types[place.id] = farm_types_of(planner, place)
            types, type_weights = farm_types[place.id]
            farm_type = rng.choices(types, weights=type_weights)[0]
            number = first + start + offset
            plan = planner.producer(f"{PREFIX}{number:06d}", place, farm_type)
            plan.slug = f"{slugify(plan.title)}-{number:06d}"
            plan.points = planner.generated_points(plan, farm_type, points_per_producer)
            plans.append(plan)
        created_points += writer.write(plans)
        progress(start + len(plans))
    fix_numchild(index)
    return created_points


def farm_types_of(planner, place):
    """Farm types possible at a place (terroir ones inside their zone) and their weights."""
    types = list(demo.ORDINARY_TYPES)
    types += [t for t in demo.FARM_TYPES if t.zone and planner.in_zone(place, t.zone)]
    return types, [t.weight or TERROIR_WEIGHT for t in types]


class Writer:
    """Turns planned producers into rows, inserted a few thousand at a time."""

    def __init__(self, index, rng):
        self.index = index
        self.rng = rng
        self.content_type = ContentType.objects.get_for_model(ProducerPage)
        self.categories = {c.slug: c for c in ProductCategory.objects.select_related("parent")}
        self.signs = {s.slug: s for s in QualitySign.objects.all()}
        self.partners = {p.slug: p.pk for p in Partner.objects.all()}
        children = Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
        last_path = children.order_by("-path").values_list("path", flat=True).first()
        self.next_step = Page._str2int(last_path[-Page.steplen :]) + 1 if last_path else 1
        self.slugs = set(children.values_list("slug", flat=True))
        self.now = timezone.now()
        self.times = {}

    def time(self, text):
        if text not in self.times:
            self.times[text] = clock.fromisoformat(text)
        return self.times[text]

    def page(self, plan):
        slug = plan.slug
        while slug in self.slugs:
            slug += "-x"
        self.slugs.add(slug)
        path = Page._get_path(self.index.path, self.index.depth + 1, self.next_step)
        self.next_step += 1
        published = self.now - timedelta(minutes=self.rng.randint(0, 2 * 365 * 24 * 60))
        return Page(
            title=plan.title,
            draft_title=plan.title,
            slug=slug,
            content_type=self.content_type,
            path=path,
            depth=self.index.depth + 1,
            numchild=0,
            url_path=f"{self.index.url_path}{slug}/",
            locale_id=self.index.locale_id,
            translation_key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
        )

    def producer(self, plan, page):
        products = [(self.categories[slug], notes) for slug, notes, _ in plan.products]
        # Farm signs and product signs: both are searchable words.
        sign_slugs = set(plan.signs) | {slug for _, _, slugs in plan.products for slug in slugs}
        signs = [self.signs[slug] for slug in sign_slugs]
        return ProducerPage(
            page_ptr_id=page.pk,
            commune_id=plan.place.id,
            **plan.profile_fields(),
            search_text=producer_search_text(
                page.title, plan.producer_names, plan.summary, plan.place.name, products, signs
            ),
        )

    def write(self, plans):
        """Insert the producers and everything they own; returns the points of sale count."""
        pages = Page.objects.bulk_create([self.page(plan) for plan in plans], batch_size=BATCH)
        # bulk_create refuses multi-table inheritance: the Page rows exist, so insert only
        # ProducerPage's own columns, with the machinery bulk_create itself uses.
        producers = [self.producer(plan, page) for plan, page in zip(plans, pages, strict=True)]
        models.QuerySet(ProducerPage)._batched_insert(
            producers, ProducerPage._meta.local_concrete_fields, batch_size=BATCH
        )

        points = PointOfSale.objects.bulk_create(
            [self.point(point) for plan in plans for point in plan.points], batch_size=BATCH
        )
        point_plans = [point for plan in plans for point in plan.points]
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(
                    point_of_sale_id=point.pk,
                    weekday=day,
                    opens=self.time(opens),
                    closes=self.time(closes),
                    season_start=season_start,
                    season_end=season_end,
                    sort_order=order,
                )
                for point, point_plan in zip(points, point_plans, strict=True)
                for order, (day, opens, closes, season_start, season_end) in enumerate(
                    point_plan.hours
                )
            ],
            batch_size=BATCH,
        )
        point_iter = iter(points)
        # bulk_create skips save(): copy the coordinates the distance search reads here.
        ProducerPointOfSale.objects.bulk_create(
            [
                ProducerPointOfSale(
                    producer_id=page.pk,
                    point_of_sale_id=point.pk,
                    latitude=point.latitude,
                    longitude=point.longitude,
                    sort_order=order,
                )
                for plan, page in zip(plans, pages, strict=True)
                for order, point in enumerate(islice(point_iter, len(plan.points)))
            ],
            batch_size=BATCH,
        )

        products = ProducerProduct.objects.bulk_create(
            [
                ProducerProduct(
                    producer_id=page.pk,
                    category_id=self.categories[slug].pk,
                    notes=notes,
                    sort_order=order,
                )
                for plan, page in zip(plans, pages, strict=True)
                for order, (slug, notes, _) in enumerate(plan.products)
            ],
            batch_size=BATCH,
        )
        product_signs = [signs for plan in plans for _, _, signs in plan.products]
        ProducerProduct.quality_signs.through.objects.bulk_create(
            [
                ProducerProduct.quality_signs.through(
                    producerproduct_id=product.pk, qualitysign_id=self.signs[slug].pk
                )
                for product, signs in zip(products, product_signs, strict=True)
                for slug in signs
            ],
            batch_size=BATCH,
        )
        ProducerPage.quality_signs.through.objects.bulk_create(
            [
                ProducerPage.quality_signs.through(
                    producerpage_id=page.pk, qualitysign_id=self.signs[slug].pk
                )
                for plan, page in zip(plans, pages, strict=True)
                for slug in plan.signs
            ],
            batch_size=BATCH,
        )
        ProducerPage.partners.through.objects.bulk_create(
            [
                ProducerPage.partners.through(producerpage_id=page.pk, partner_id=self.partners[s])
                for plan, page in zip(plans, pages, strict=True)
                for s in plan.partners
            ],
            batch_size=BATCH,
        )
        return len(points)

    def point(self, plan):
        return PointOfSale(
            kind=plan.kind,
            name=plan.name,
            address=plan.address,
            commune_id=plan.place.id,
            latitude=plan.latitude,
            longitude=plan.longitude,
            # What PointOfSale.save() would derive for the map widget.
            location=f"SRID=4326;POINT({plan.longitude} {plan.latitude})",
            notes=plan.notes,
            import_ref=plan.ref,
        )
