"""Where a page missed by the page cache spends its time, measured in-process.

    .venv/bin/python bench/profile_page.py /producteurs/some-producer/
    .venv/bin/python bench/profile_page.py \
        "/api/v3/directory/producers/?place=Arras&radius_km=20&category=fromages" --profile
    .venv/bin/python bench/profile_page.py /portail/catalogue/ --user demo.restaurant -n 50

Production settings on the load test's database (bench/load.py builds it; override with
BENCH_LOAD_DATABASE_URL), the local-memory cache, and a new query string on every request so
the page cache never answers. Prints the mean and median time a request, its SQL queries and
the time they took; --profile adds pyinstrument's call tree (make install-test);
--parts splits a Wagtail page's CPU time into its context, its template and the rest
(routing, middleware, cache), beside, in the same run, the bare Django view's and the home
page's of a stock `wagtail start` project (the load test's two references; the stock
project is built in a temporary folder with its own database, as bench/load.py does).
--user signs that user in first (force_login: one session row), for the portal's pages.
Production settings want the collected static files' manifest: bench/load.py and `make serve`
run collectstatic (a page answers HTTP 500 without it).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
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
os.environ.setdefault("CIRCUITCOURT_BENCH_FLOOR", "1")  # /bench/floor/, for --parts
if not os.environ.get("BENCH_REDIS"):
    os.environ.pop("REDIS_URL", None)  # local memory, unless BENCH_REDIS=1 (then REDIS_URL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="default: the first generated producer's page")
    parser.add_argument("-n", type=int, default=50, help="requests measured (50)")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's tree")
    parser.add_argument("--user", help="sign this username in first (e.g. demo.restaurant)")
    parser.add_argument("--parts", action="store_true", help="context, template, the rest")
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
    if args.user:
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.filter(username=args.user).first()
        if user is None:
            sys.exit(f"no user {args.user!r} in this database")
        client.force_login(user)
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
    timings, cpu = [], []
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for _ in range(args.n):
        start, start_cpu = time.perf_counter(), time.process_time()
        get()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
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
    # This process's CPU alone: steadier than the wall clock on a busy machine.
    print(
        f"  CPU time in Python: median {statistics.median(cpu):.1f} ms, "
        f"min {min(cpu):.1f} ms a request"
    )
    print(f"  {len(queries)} queries, {sql_ms:.1f} ms in the database")
    if "-v" in sys.argv or os.environ.get("BENCH_SHOW_SQL"):
        width = int(os.environ.get("BENCH_SQL_WIDTH", "220"))
        for q in queries:
            print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:width]}")
    if args.parts:
        print_parts(client, path, get(), args.n)
    user = f" --user {args.user}" if args.user else ""
    parts = " --parts" if args.parts else ""
    print(f"Rerun: .venv/bin/python bench/profile_page.py {path!r}{user}{parts} -n {args.n}")


def median_cpu_ms(call, n):
    cpu = []
    for _ in range(n):
        start = time.process_time()
        call()
        cpu.append((time.process_time() - start) * 1000)
    return statistics.median(cpu)


def print_parts(client, path, response, n):
    """A page's CPU time split into what no cache can take away and what a read model could.

    Its context (the queries and the Python around them) and its template are measured
    alone, on the request the page was just served for; the rest is the routing, the
    middleware and the cache round trips. The bare view is the yardstick that the load
    test's ratios use, measured here in the same run.
    """
    from django.template.loader import get_template
    from django.utils import translation
    from wagtail.models import Page

    request = response.wsgi_request
    translation.activate(request.LANGUAGE_CODE)
    page = Page.find_for_request(request, request.path_info)
    if page is None:
        sys.exit(f"--parts: {path} is not a Wagtail page")
    page = page.specific
    template = get_template(page.get_template(request))
    context = page.get_context(request)
    sep = "&" if "?" in path else "?"
    counter = iter(range(10**9))
    full = median_cpu_ms(lambda: client.get(f"{path}{sep}_parts={next(counter)}"), n)
    context_ms = median_cpu_ms(lambda: page.get_context(request), n)
    template_ms = median_cpu_ms(lambda: template.render(context, request), n)
    floor = median_cpu_ms(lambda: client.get("/bench/floor/"), n)
    stock = stock_page_cpu_ms(n)
    print(f"  CPU a request, median of {n} (× the bare view's {floor:.2f} ms):")
    for label, ms in (
        ("the whole page", full),
        ("its context alone", context_ms),
        ("its template alone", template_ms),
        ("the rest: routing, middleware, cache", full - context_ms - template_ms),
        ("stock Wagtail home page, whole", stock),
    ):
        print(f"    {label:38} {ms:6.2f} ms  ×{ms / floor:5.1f}")


# Run inside the stock project: its home page's CPU time, as median_cpu_ms measures ours.
STOCK_CPU = r"""
import statistics, sys, time, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
for _ in range(20):  # warm: imports, templates, connections, Wagtail's cached site
    assert client.get("/").status_code == 200
cpu = []
for _ in range(int(sys.argv[1])):
    start = time.process_time()
    client.get("/")
    cpu.append((time.process_time() - start) * 1000)
print(statistics.median(cpu))
"""


def stock_page_cpu_ms(n):
    sys.path.insert(0, str(ROOT / "bench"))
    import load

    ctx = load.Context(tmp=Path(tempfile.mkdtemp(prefix="circuitcourt-profile-")))
    try:
        project, env = load.stock_project(ctx, load.REDIS_URL)
        out = subprocess.run([sys.executable, "-c", STOCK_CPU, str(n)], cwd=project, env=env,
                             check=True, capture_output=True, text=True)  # fmt: skip
        return float(out.stdout.split()[-1])
    finally:
        load.cleanup(ctx)


if __name__ == "__main__":
    main()
