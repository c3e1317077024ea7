"""Set-up shared by the supply benchmarks: their PostgreSQL database (parent process), their
suppliers, offers and orders (after django.setup(), in their child process)."""

import subprocess
from decimal import Decimal


def ensure_postgres_database(url):
    """Create the benchmark's database if it does not exist (psql, the machine's trust auth)."""
    base, name = url.rsplit("/", 1)
    exists = subprocess.run(
        ["psql", f"{base}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{base}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)


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


def bulk_orders(slot, buyers, offers, rng, lines_per_order, *, status, quantity, lot_for, **line):
    """One order per buyer on `slot` with `lines_per_order` offers drawn by `rng`, split into
    supplier orders (confirmed); each line's quantity is `quantity()`, allocated in full to the
    lot `lot_for(line)`; `line` sets more line fields. Bulk inserts. Returns (orders, lines)."""
    from circuitcourt.supply.models import LotAllocation, Order, OrderLine, SupplierOrder

    orders = Order.objects.bulk_create(
        Order(buyer=buyer, slot=slot, status=status) for buyer in buyers
    )
    picks = {order.pk: rng.sample(offers, lines_per_order) for order in orders}
    supplier_orders = SupplierOrder.objects.bulk_create(
        SupplierOrder(order=order, supplier_id=supplier_id, status="confirmed")
        for order in orders
        for supplier_id in {offer.supplier_id for offer in picks[order.pk]}
    )
    so_of = {(so.order_id, so.supplier_id): so for so in supplier_orders}
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            supplier_order=so_of[(order.pk, offer.supplier_id)],
            offer=offer,
            name=offer.name,
            unit=offer.unit,
            quantity=quantity(),
            unit_price=offer.price,
            vat_rate=offer.vat_rate,
            status="confirmed",
            **line,
        )
        for order in orders
        for offer in picks[order.pk]
    )
    LotAllocation.objects.bulk_create(
        LotAllocation(line=line, lot=lot_for(line), quantity=line.quantity) for line in lines
    )
    return orders, lines
