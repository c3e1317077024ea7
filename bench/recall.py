"""Benchmark: a lot recall, both ways, over 100,000 delivered order lines on PostgreSQL.

Builds (bulk_create) 25 suppliers with 4 offers each, 300 buyers, one slot a day, orders of
10 lines, each supplier declaring one lot per offer and day, each line covered by its lot;
then times, warm, the two queries of the admin's recall page as it runs them
(`lots.recall_by_code` and `lots.lots_received` over 30 days, rows fetched) and prints the
medians. The target is under 100 ms each.

    .venv/bin/python bench/recall.py [--lines 100000] [--repeat 30]

PostgreSQL: BENCH_RECALL_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/cc_supply2a_bench, created if missing). Rerunning
replaces the benchmark's rows.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

# bench/ is the script folder: on sys.path
from supply_setup import bulk_orders, ensure_postgres_database, suppliers_with_offers

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "BENCH_RECALL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cc_supply2a_bench"
)
SUPPLIERS, OFFERS_PER_SUPPLIER, BUYERS, LINES_PER_ORDER = 25, 4, 300, 10


def setup_data(lines_wanted):
    from django.core.management import call_command
    from django.db import connection

    from circuitcourt.directory.models import (
        Commune,
    )
    from circuitcourt.supply.models import (
        Buyer,
        DeliveryRound,
        DeliverySlot,
        DeliveryZone,
        Lot,
        LotAllocation,
        Order,
    )

    call_command("migrate", verbosity=0)
    montreuil = Commune.objects.filter(slug="montreuil").first() or Commune.objects.first()
    zone, _ = DeliveryZone.objects.get_or_create(name="Bench recall")
    delivery_round, _ = DeliveryRound.objects.get_or_create(
        name="Bench recall", defaults={"zone": zone, "weekdays": list(range(7))}
    )
    offers = suppliers_with_offers(
        "Bench recall producer",
        "Recall offer",
        SUPPLIERS,
        OFFERS_PER_SUPPLIER,
        montreuil,
        price="2.50",
    )
    existing = Buyer.objects.filter(name__startswith="Bench recall buyer").count()
    Buyer.objects.bulk_create(
        Buyer(name=f"Bench recall buyer {n}", address="1 rue", commune=montreuil)
        for n in range(existing, BUYERS)
    )
    buyers = list(Buyer.objects.filter(name__startswith="Bench recall buyer").order_by("pk"))

    print("Clearing the previous run...", flush=True)
    LotAllocation.objects.filter(lot__supplier__producer__title__startswith="Bench").delete()
    Order.objects.filter(buyer__in=buyers).delete()
    Lot.objects.filter(supplier__producer__title__startswith="Bench recall").delete()
    DeliverySlot.objects.filter(round=delivery_round).delete()

    orders_wanted = -(-lines_wanted // LINES_PER_ORDER)
    days = -(-orders_wanted // len(buyers))
    start = datetime.date.today() - datetime.timedelta(days=days + 1)
    print(f"Writing {orders_wanted} orders over {days} days...", flush=True)
    started = time.perf_counter()
    slots = DeliverySlot.objects.bulk_create(
        DeliverySlot(
            round=delivery_round,
            date=start + datetime.timedelta(days=d),
            cutoff_at=delivery_round.cutoff_at(start + datetime.timedelta(days=d)),
            departure_at=delivery_round.departure_at(start + datetime.timedelta(days=d)),
            status=DeliverySlot.Status.DONE,
        )
        for d in range(days)
    )
    lots = Lot.objects.bulk_create(
        Lot(
            supplier_id=offer.supplier_id,
            offer=offer,
            code=f"L{slot.date:%y%m%d}-{offer.pk}",
            produced_on=slot.date - datetime.timedelta(days=1),
            keeps_until=slot.date + datetime.timedelta(days=7),
            origin_commune=montreuil,
            quantity=Decimal("100000"),
            unit=offer.unit,
            public_token=f"{slot.pk}-{offer.pk}-{random.getrandbits(64):x}",
        )
        for slot in slots
        for offer in offers
    )
    lot_of = {(lot.offer_id, lot.produced_on + datetime.timedelta(days=1)): lot for lot in lots}
    rng = random.Random(7)
    written = 0
    for slot in slots:
        if written >= lines_wanted:
            break
        day_buyers = buyers[: min(len(buyers), -(-(lines_wanted - written) // LINES_PER_ORDER))]
        _orders, lines = bulk_orders(
            slot,
            day_buyers,
            offers,
            rng,
            LINES_PER_ORDER,
            status=Order.Status.DELIVERED,
            quantity=lambda: Decimal("3"),
            lot_for=lambda line, day=slot.date: lot_of[(line.offer_id, day)],
            received_quantity=Decimal("3"),
        )
        written += len(lines)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{written} delivered lines written in {time.perf_counter() - started:.0f} s", flush=True)
    return lots, buyers, slots


def timed(function, repeat):
    function()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def run(lines_wanted, repeat):
    import django

    django.setup()
    from circuitcourt.supply import lots as lot_services

    lots, buyers, slots = setup_data(lines_wanted)
    rng = random.Random(11)
    used = [lot for lot in lots if lot.produced_on < slots[-1].date]
    codes = [rng.choice(used).code for _ in range(repeat + 1)]
    code_iter = iter(codes * 2)
    results = {}
    rows = []

    def by_code():
        rows.append(len(list(lot_services.recall_by_code(next(code_iter)))))

    results["lot code -> buyers"] = timed(by_code, repeat)
    by_code_rows = statistics.median(rows)
    rows.clear()
    end = slots[-1].date
    start = end - datetime.timedelta(days=30)
    buyer_iter = iter([rng.choice(buyers) for _ in range(repeat + 1)])

    def by_buyer():
        rows.append(len(list(lot_services.lots_received(next(buyer_iter), start, end))))

    results["buyer, 30 days -> lots"] = timed(by_buyer, repeat)
    print()
    print(f"Recall over {lines_wanted} delivered lines, PostgreSQL, {repeat} runs each (warm)")
    print(
        f"  lot code -> buyers:      median {results['lot code -> buyers'][0]:.1f} ms, "
        f"max {results['lot code -> buyers'][1]:.1f} ms ({by_code_rows:.0f} rows)"
    )
    print(
        f"  buyer, 30 days -> lots:  median {results['buyer, 30 days -> lots'][0]:.1f} ms, "
        f"max {results['buyer, 30 days -> lots'][1]:.1f} ms ({statistics.median(rows):.0f} rows)"
    )
    target = all(median < 100 for median, _max in results.values())
    print(f"  target under 100 ms: {'met' if target else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.lines, args.repeat)
        return
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
            "--lines",
            str(args.lines),
            "--repeat",
            str(args.repeat),
        ],
        env=env,
        cwd=ROOT,
        check=False,
    )
    print(
        f"Rerun: {sys.executable} bench/recall.py --lines {args.lines} --repeat {args.repeat}"
        "   (or: make bench)"
    )
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
