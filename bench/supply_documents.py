"""Benchmark: every delivery document of a slot with 60 buyers and 25 suppliers, on SQLite.

Builds (bulk_create) a delivered slot: 60 buyers ordering 8 lines each from 25 suppliers'
100 offers, every line covered by a lot. Then generates, as staff would from the admin,
every document of the slot through the same response functions as the views: each
supplier's pick list (HTML, PDF, CSV), the loading and drop-off list (HTML, PDF, CSV) and
the buyers' delivery notes, all in one printable page and one PDF as the admin offers them
(with their QR codes). The target is under 5 s in all.

    .venv/bin/python bench/supply_documents.py [--buyers 60] [--suppliers 25]

SQLite: BENCH_DOCUMENTS_DATABASE_URL (default sqlite:////tmp/cc_supply2a_documents.sqlite3,
migrated on first use; rerunning replaces the benchmark's rows).
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

# bench/ is the script folder: on sys.path
from supply_setup import bulk_orders, suppliers_with_offers

ROOT = Path(__file__).resolve().parents[1]
DB_URL = os.environ.get(
    "BENCH_DOCUMENTS_DATABASE_URL", "sqlite:////tmp/cc_supply2a_documents.sqlite3"
)
OFFERS_PER_SUPPLIER, LINES_PER_ORDER = 4, 8


def setup_data(buyer_count, supplier_count):
    from django.core.management import call_command

    from circuitcourt.directory.models import (
        Commune,
    )
    from circuitcourt.supply.models import (
        Buyer,
        DeliveryRound,
        DeliverySlot,
        DeliveryZone,
        Lot,
        Order,
        Supplier,
    )

    call_command("migrate", verbosity=0)
    communes = list(Commune.objects.order_by("-population")[:40])
    zone, _ = DeliveryZone.objects.get_or_create(
        name="Bench documents", defaults={"hub_latitude": 50.46, "hub_longitude": 1.76}
    )
    delivery_round, _ = DeliveryRound.objects.get_or_create(
        name="Bench documents", defaults={"zone": zone, "weekdays": list(range(7))}
    )
    offers = suppliers_with_offers(
        "Bench documents producer",
        "Documents offer",
        supplier_count,
        OFFERS_PER_SUPPLIER,
        communes[0],
        price="3.15",
        vat_rate=lambda n: Decimal("20.00") if n == 3 else Decimal("5.50"),
    )
    rng = random.Random(3)
    existing = Buyer.objects.filter(name__startswith="Bench documents buyer").count()
    Buyer.objects.bulk_create(
        Buyer(
            name=f"Bench documents buyer {n}",
            address=f"{n} rue du Port",
            postcode="62170",
            commune=communes[n % len(communes)],
            latitude=50.3 + rng.random() * 0.4,
            longitude=1.5 + rng.random() * 0.5,
            delivery_instructions="Entrée de service",
        )
        for n in range(existing, buyer_count)
    )
    buyers = list(
        Buyer.objects.filter(name__startswith="Bench documents buyer").order_by("pk")[:buyer_count]
    )
    Order.objects.filter(buyer__name__startswith="Bench documents buyer").delete()
    Lot.objects.filter(supplier__producer__title__startswith="Bench documents").delete()
    DeliverySlot.objects.filter(round=delivery_round).delete()
    date = datetime.date.today()
    slot = DeliverySlot.objects.create(
        round=delivery_round,
        date=date,
        cutoff_at=delivery_round.cutoff_at(date),
        departure_at=delivery_round.departure_at(date),
        status=DeliverySlot.Status.IN_DELIVERY,
    )
    lots = {
        lot.offer_id: lot
        for lot in Lot.objects.bulk_create(
            Lot(
                supplier_id=offer.supplier_id,
                offer=offer,
                code=f"B{date:%y%m%d}-{offer.pk}",
                produced_on=date - datetime.timedelta(days=1),
                origin_commune=communes[0],
                quantity=Decimal("10000"),
                unit=offer.unit,
            )
            for offer in offers
        )
    }
    orders, lines = bulk_orders(
        slot,
        buyers,
        offers,
        rng,
        LINES_PER_ORDER,
        status=Order.Status.IN_DELIVERY,
        quantity=lambda: Decimal(rng.randint(1, 12)),
        lot_for=lambda line: lots[line.offer_id],
    )
    suppliers = list(
        Supplier.objects.filter(orders__order__slot=slot).distinct().select_related("producer")
    )
    return slot, suppliers, orders, len(lines)


def run(buyer_count, supplier_count):
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import RequestFactory
    from django.utils import translation

    from circuitcourt.supply import lot_views, slot_documents
    from circuitcourt.supply.models import DeliverySlot

    slot, suppliers, orders, line_count = setup_data(buyer_count, supplier_count)
    slot = DeliverySlot.objects.select_related("round__zone").get(pk=slot.pk)
    factory = RequestFactory()
    translation.activate("fr")

    def get(fmt):
        return factory.get("/", {"format": fmt}, HTTP_HOST="127.0.0.1")

    def generate_all():
        sizes = {"html": 0, "pdf": 0, "csv": 0}
        count = 0
        # Each document is read once and written in its three formats.
        for pick in slot_documents.pick_lists(slot):
            for fmt in sizes:
                response = lot_views.pick_list_response(get(fmt), slot, pick.supplier, pick)
                sizes[fmt] += len(response.content)
                count += 1
        loading = slot_documents.loading_list(slot)
        for fmt in sizes:
            sizes[fmt] += len(lot_views.loading_list_response(get(fmt), slot, loading).content)
            count += 1
        # The delivery notes as staff print them for the round: all in one page and one
        # PDF (the admin's « Tous » links), from one read of the slot.
        notes = slot_documents.delivery_notes(slot)
        for fmt in ("html", "pdf"):
            response = lot_views.delivery_notes_response(get(fmt), slot, notes, "notes")
            sizes[fmt] += len(response.content)
            count += 1
        return count, sizes

    generate_all()  # warm: templates, fonts
    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    count, sizes = generate_all()
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    print()
    print(
        f"Delivery documents of one slot: {len(orders)} buyers, {len(suppliers)} suppliers, "
        f"{line_count} lines, SQLite"
    )
    print(
        f"  {count} files ({len(suppliers)} pick lists x HTML/PDF/CSV, the loading list x 3, "
        f"the {len(orders)} delivery notes x HTML/PDF) in {elapsed:.2f} s, {queries} queries"
    )
    print(
        f"  sizes: HTML {sizes['html'] // 1024} KiB, PDF {sizes['pdf'] // 1024} KiB, "
        f"CSV {sizes['csv'] // 1024} KiB"
    )
    print(f"  target under 5 s: {'met' if elapsed < 5 else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=60)
    parser.add_argument("--suppliers", type=int, default=25)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.buyers, args.suppliers)
        return
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.test",
    }
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--buyers",
            str(args.buyers),
            "--suppliers",
            str(args.suppliers),
        ],
        env=env,
        cwd=ROOT,
        check=False,
    )
    print(
        f"Rerun: {sys.executable} bench/supply_documents.py --buyers {args.buyers} "
        f"--suppliers {args.suppliers}   (or: make bench)"
    )
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
