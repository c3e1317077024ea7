"""Set-up shared by the supply benchmarks (run after django.setup(), inside their child process)."""

from decimal import Decimal


def suppliers_with_offers(
    producer_prefix, offer_prefix, count, offers_per_supplier, commune, *, price, vat_rate=None
):
    """`count` suppliers ("<producer_prefix> N", each a directory producer page) with
    `offers_per_supplier` offers ("<offer_prefix> N-M") in a "bench" category: created on the
    first run, found again on the next. `vat_rate(m)` gives offer M's rate (default: the
    model's). Returns the offers, supplier by supplier."""
    from django.utils.text import slugify

    from circuitcourt.directory.models import DirectoryIndexPage, ProducerPage, ProductCategory
    from circuitcourt.supply.models import Offer, Supplier

    category, _ = ProductCategory.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "name_en": "Bench"}
    )
    index = DirectoryIndexPage.get_or_create()
    offers = []
    for s in range(count):
        title = f"{producer_prefix} {s}"
        page = ProducerPage.objects.filter(slug=slugify(title)).first()
        if page is None:
            page = index.add_child(
                instance=ProducerPage(title=title, slug=slugify(title), commune=commune)
            )
        supplier, _ = Supplier.objects.get_or_create(producer=page)
        for n in range(offers_per_supplier):
            defaults = {"category": category, "price": Decimal(price)}
            if vat_rate:
                defaults["vat_rate"] = vat_rate(n)
            offer, _ = Offer.objects.get_or_create(
                supplier=supplier, name=f"{offer_prefix} {s}-{n}", defaults=defaults
            )
            offers.append(offer)
    return offers
