"""Benchmark: orders per second through `submit_order` on PostgreSQL.

Each order has 20 lines from 5 suppliers, availability limits on every offer (so every line
takes its conditional UPDATE), the slot's capacity counter, and the e-mails (rendered and
sent to Django's in-memory backend by the immediate task backend). In-process, not over HTTP:
one thread, then 8 threads each with its own connection (as 8 gunicorn workers would be).

    .venv/bin/python bench/supply_orders.py [--orders 400] [--threads 8]
    make bench

PostgreSQL: BENCH_SUPPLY_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/circuitcourt_supply_bench, created if missing).
"""

import argparse
import datetime
import os
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

# bench/ is the script folder: on sys.path
from supply_setup import ensure_postgres_database, suppliers_with_offers

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "BENCH_SUPPLY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/circuitcourt_supply_bench"
)
SUPPLIERS, OFFERS_PER_SUPPLIER = 5, 4


def setup_data(buyers_needed):
    from django.core.management import call_command

    from circuitcourt.directory.models import (
        Commune,
    )
    from circuitcourt.supply.models import (
        Buyer,
        DeliveryRound,
        DeliveryZone,
        Order,
    )

    call_command("migrate", verbosity=0)
    montreuil = Commune.objects.filter(slug="montreuil").first() or Commune.objects.first()
    zone, _ = DeliveryZone.objects.get_or_create(name="Bench")
    zone.communes.add(montreuil)
    delivery_round, _ = DeliveryRound.objects.get_or_create(
        name="Bench", defaults={"zone": zone, "weekdays": list(range(7))}
    )
    offers = suppliers_with_offers(
        "Bench producer", "Offer", SUPPLIERS, OFFERS_PER_SUPPLIER, montreuil, price="2.50"
    )
    existing = Buyer.objects.filter(name__startswith="Bench buyer").count()
    Buyer.objects.bulk_create(
        Buyer(name=f"Bench buyer {n}", address="1 rue", commune=montreuil)
        for n in range(existing, buyers_needed)
    )
    Order.objects.filter(buyer__name__startswith="Bench buyer").delete()
    return (
        delivery_round,
        offers,
        list(Buyer.objects.filter(name__startswith="Bench buyer"))[:buyers_needed],
    )


def new_slot(delivery_round, offers, days, capacity):
    from circuitcourt.supply.models import DeliverySlot, OfferAvailability

    date = datetime.date.today() + datetime.timedelta(days=days)
    DeliverySlot.objects.filter(round=delivery_round, date=date).delete()
    slot = DeliverySlot.objects.create(
        round=delivery_round,
        date=date,
        cutoff_at=delivery_round.cutoff_at(date),
        departure_at=delivery_round.departure_at(date),
        capacity_drops=capacity,
    )
    OfferAvailability.objects.bulk_create(
        OfferAvailability(offer=offer, slot=slot, quantity_available=Decimal(capacity * 10))
        for offer in offers
    )
    return slot


def run(orders, threads):
    import django

    django.setup()
    from django.db import connection

    from circuitcourt.supply import services
    from circuitcourt.supply.models import Order

    delivery_round, offers, buyers = setup_data(orders)
    items = [(offer.pk, 2) for offer in offers]
    now = None
    results = {}
    for label, workers, days in [("1 thread", 1, 20), (f"{threads} threads", threads, 21)]:
        slot = new_slot(delivery_round, offers, days, capacity=orders)
        now = slot.cutoff_at - datetime.timedelta(days=1)
        chunks = [buyers[i::workers] for i in range(workers)]
        errors = []

        def work(chunk, slot=slot, now=now, errors=errors):
            try:
                for n, buyer in enumerate(chunk):
                    services.submit_order(
                        buyer, slot, items, idempotency_key=f"{slot.pk}-{buyer.pk}-{n}", now=now
                    )
            except Exception as error:  # noqa: BLE001 - reported, the figure is then void
                errors.append(repr(error))
            finally:
                connection.close()

        start = time.perf_counter()
        pool = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - start
        made = Order.objects.filter(slot=slot).count()
        results[label] = made / elapsed
        print(
            f"  {label:10} {made} orders of {len(items)} lines / {SUPPLIERS} suppliers in "
            f"{elapsed:5.2f} s = {made / elapsed:6.1f} orders/s"
            + (f"  ERRORS: {errors[:2]}" if errors else ""),
            flush=True,
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.orders, args.threads)
        return
    print(
        f"Supply benchmark: submit_order, 20 lines from 5 suppliers, {args.orders} orders, "
        f"PostgreSQL, in-process (no HTTP)"
    )
    ensure_postgres_database(PG_URL)
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.test",
    }
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--orders",
            str(args.orders),
            "--threads",
            str(args.threads),
        ],
        env=env,
        cwd=ROOT,
        check=False,
    )
    print(
        f"Rerun: {sys.executable} bench/supply_orders.py --orders {args.orders} "
        f"--threads {args.threads}   (or: make bench)"
    )
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
