"""Factories for the directory: real communes from the gazetteer, made-up producers."""

import factory
from django.utils.text import slugify

from circuitcourt.directory.models import (
    Commune,
    DirectoryIndexPage,
    OpeningHours,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)


def commune(name):
    """A real commune of the gazetteer (loaded by migration), by its official name."""
    return Commune.objects.filter(name=name).order_by("-population").first()


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.LazyAttribute(lambda o: o.name)
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class QualitySignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualitySign
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Signe {n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:10])
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PointOfSaleFactory(factory.django.DjangoModelFactory):
    """A point of sale placed exactly on its commune's coordinates unless told otherwise."""

    class Meta:
        model = PointOfSale

    kind = PointOfSale.Kind.FARM_SHOP
    name = factory.Sequence(lambda n: f"Point de vente {n}")
    commune = factory.LazyFunction(lambda: commune("Arras"))
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)


def make_producer(
    title,
    commune_name="Arras",
    categories=(),
    signs=(),
    points_of_sale=None,
    hours=(),
    live=True,
    **fields,
):
    """Publish a producer page under /producteurs/ with products and points of sale.

    `points_of_sale` defaults to one farm shop in the producer's commune; `hours` are
    (weekday, "09:00", "19:00") tuples added to every new point of sale.
    """
    place = commune(commune_name)
    page = ProducerPage(title=title, slug=slugify(title), commune=place, live=live, **fields)
    for category in categories:
        page.products.add(ProducerProduct(category=category))
    if points_of_sale is None:
        points_of_sale = [PointOfSaleFactory(name=f"Ferme {title}", commune=place)]
    for point in points_of_sale:
        for weekday, opens, closes in hours:
            OpeningHours.objects.create(
                point_of_sale=point, weekday=weekday, opens=opens, closes=closes
            )
        page.points_of_sale.add(ProducerPointOfSale(point_of_sale=point))
    DirectoryIndexPage.get_or_create().add_child(instance=page)
    if signs:
        page.quality_signs.set(signs)
        page.save()
    if live:
        page.save_revision().publish()
    return page
