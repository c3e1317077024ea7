"""Where a page missed by the page cache spends its time, measured in-process.

    .venv/bin/python bench/profile_page.py /producteurs/some-producer/
    .venv/bin/python bench/profile_page.py \\
        "/api/v3/directory/producers/?place=Arras&radius_km=20&category=fromages" --profile

Production settings on the load test's database (bench/load.py builds it; override with
BENCH_LOAD_DATABASE_URL), the local-memory cache, and a new query string on every request so
the page cache never answers. Prints the mean and median time a request, its SQL queries and
the time they took; --profile adds pyinstrument's call tree (pip install pyinstrument).
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circuitcourt.site.settings.production")
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get(
        "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/circuitcourt_load_bench"
    ),
)
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CIRCUITCOURT_API_SEARCH_PER_MINUTE", "100000000")
os.environ.pop("REDIS_URL", None)  # local memory: the figures are the page's, not Redis's


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="default: the first generated producer's page")
    parser.add_argument("-n", type=int, default=50, help="requests measured (50)")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's tree")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from circuitcourt.directory.models import ProducerPage

    path = args.path or (
        ProducerPage.objects.filter(import_ref__startswith="gen-").order_by("pk").first().url
    )
    client = Client()
    sep = "&" if "?" in path else "?"
    counter = iter(range(10**9))

    def get():
        response = client.get(f"{path}{sep}_={next(counter)}")
        if response.status_code != 200:
            sys.exit(f"{path} answered HTTP {response.status_code}")
        return response

    for _ in range(5):  # warm: imports, templates, connections
        get()
    with CaptureQueriesContext(connection) as context:
        get()
    queries = list(context.captured_queries)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    timings = []
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for _ in range(args.n):
        start = time.perf_counter()
        get()
        timings.append((time.perf_counter() - start) * 1000)
        reset_queries()
    if profiler:
        profiler.stop()
        show_all = bool(os.environ.get("BENCH_PROFILE_ALL"))
        print(profiler.output_text(unicode=True, color=False, show_all=show_all))
    print(f"{path}")
    print(
        f"  {args.n} requests: mean {statistics.mean(timings):.1f} ms, "
        f"median {statistics.median(timings):.1f} ms, min {min(timings):.1f} ms"
    )
    print(f"  {len(queries)} queries, {sql_ms:.1f} ms in the database")
    if "-v" in sys.argv or os.environ.get("BENCH_SHOW_SQL"):
        for q in queries:
            print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:220]}")
    print(f"Rerun: .venv/bin/python bench/profile_page.py {path!r} -n {args.n}")


if __name__ == "__main__":
    main()
