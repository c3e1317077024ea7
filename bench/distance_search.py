"""Benchmark: "within 20 km of Arras, category Fromages, nearest 20".

Compares the database search (bounding box on indexed lat/lng + haversine in SQL, then the
producers' pages loaded) with the naive way (load every point of sale, compute distances in
Python), in one run and in alternation, on the generated data set: 100,000 points of sale on
PostgreSQL, 10,000 on SQLite.

    .venv/bin/python bench/distance_search.py            # both databases
    .venv/bin/python bench/distance_search.py --only sqlite
    make bench

PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/circuitcourt_bench,
created if missing). SQLite: bench/results/bench.sqlite3. Data is generated once and reused.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/circuitcourt_bench"
)
SQLITE_PATH = ROOT / "bench" / "results" / "bench.sqlite3"
SIZES = {"postgres": 20_000, "sqlite": 2_000}  # producers; 5 points of sale each
QUERY = "within 20 km of Arras, category Fromages, nearest 20"


def measure_interleaved(database, python, rounds=10, database_runs=5):
    """Median milliseconds of each, measured in alternation.

    On a busy machine the load changes from second to second; alternating the two puts both
    under the same load, so their ratio holds even when the absolute figures drift.
    """
    database(), python()  # warm-up: caches, query plans
    timings = {"database": [], "python": []}
    results = {}
    for _ in range(rounds):
        for name, func, runs in (("database", database, database_runs), ("python", python, 1)):
            for _ in range(runs):
                start = time.perf_counter()
                results[name] = func()
                timings[name].append((time.perf_counter() - start) * 1000)
    return (
        statistics.median(timings["database"]),
        statistics.median(timings["python"]),
        results["database"],
        results["python"],
    )


def run_one(kind):
    """Run inside a child process whose DATABASE_URL points at the bench database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from circuitcourt.directory import geo
    from circuitcourt.directory.models import (
        Commune,
        PointOfSale,
        ProducerPage,
        ProducerPointOfSale,
        ProducerProduct,
        ProductCategory,
    )
    from circuitcourt.directory.search import SearchCriteria, search_producers

    call_command("migrate", verbosity=0)
    if not ProductCategory.objects.filter(slug="fromages").exists():
        from circuitcourt.directory import demo

        demo.load_reference_data()
    producers = SIZES[kind]
    if ProducerPage.objects.filter(import_ref__startswith="gen-").count() != producers:
        print(f"  generating {producers} producers x 5 points of sale ({kind}) ...", flush=True)
        call_command("generate_producers", producers, points_per_producer=5, clear=True)
    if kind == "postgres":
        # What autovacuum does after a bulk load: statistics for the planner, and the
        # visibility map that lets it answer from the indexes alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    arras = Commune.objects.get(slug="arras")
    fromages = ProductCategory.objects.get(slug="fromages")
    criteria = SearchCriteria(commune=arras, category=fromages, radius_km=20)

    def in_database():
        return [
            (p.pk, round(p.distance_km, 6))
            for p in search_producers(ProducerPage.objects.all(), criteria)[:20]
        ]

    def in_python():
        wanted = ProductCategory.descendant_ids([fromages.pk])
        sellers = set(
            ProducerProduct.objects.filter(category_id__in=wanted).values_list(
                "producer_id", flat=True
            )
        )
        live = set(ProducerPage.objects.live().values_list("pk", flat=True))
        where = {
            pk: (lat, lng)
            for pk, lat, lng in PointOfSale.objects.values_list("pk", "latitude", "longitude")
        }
        best = {}
        for producer_id, point_id in ProducerPointOfSale.objects.values_list(
            "producer_id", "point_of_sale_id"
        ):
            if producer_id not in sellers or producer_id not in live:
                continue
            lat, lng = where[point_id]
            if lat is None:
                continue
            d = geo.haversine_km(arras.latitude, arras.longitude, lat, lng)
            if d <= 20 and d < best.get(producer_id, float("inf")):
                best[producer_id] = d
        ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))[:20]
        return [(pk, round(d, 6)) for pk, d in ranked]

    points = PointOfSale.objects.count()
    db_ms, py_ms, db_result, py_result = measure_interleaved(in_database, in_python)
    same = [pk for pk, _ in db_result] == [pk for pk, _ in py_result]
    print(
        f"  {kind:8} {points:>7} points of sale | database {db_ms:7.2f} ms median | "
        f"python {py_ms:8.1f} ms | {py_ms / db_ms:6.1f}x faster | "
        f"{len(db_result)} results, same as python: {same}",
        flush=True,
    )
    return db_ms, py_ms, same


def ensure_postgres_database():
    name = PG_URL.rsplit("/", 1)[1]
    base = PG_URL.rsplit("/", 1)[0]
    exists = subprocess.run(
        ["psql", f"{base}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{base}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    # The usual setting for SSD storage (PostgreSQL's default of 4 assumes spinning disks); the
    # README recommends it for production too. It lets the planner look rows up by index.
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"ALTER DATABASE {name} SET random_page_cost = 1.1"],
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--child", choices=["postgres", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        db_ms, py_ms, same = run_one(args.child)
        sys.exit(0 if same else 1)

    print(f"Distance search benchmark: {QUERY}")
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    status = 0
    for kind in ["postgres", "sqlite"]:
        if args.only and kind != args.only:
            continue
        url = PG_URL if kind == "postgres" else f"sqlite:///{SQLITE_PATH}"
        if kind == "postgres":
            ensure_postgres_database()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.test",
        }
        child = subprocess.run(
            [sys.executable, __file__, "--child", kind], env=env, cwd=ROOT, check=False
        )
        status = status or child.returncode
    print(f"Rerun: {sys.executable} bench/distance_search.py   (or: make bench)")
    sys.exit(status)


if __name__ == "__main__":
    main()
