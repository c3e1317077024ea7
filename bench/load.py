"""Load test: the site under wrk on a production-like server, against two references.

    .venv/bin/python bench/load.py                  # 30 s per route, two passes
    .venv/bin/python bench/load.py --duration 3 --routes home,producer
    .venv/bin/python bench/load.py --fresh          # rebuild the data set first
    make bench

What it does, all on 127.0.0.1, and undoes on exit (Ctrl-C included):
- a PostgreSQL database with the demo content (load_demo_data) and 20,000 generated
  producers with 100,000 points of sale (generate_producers), built once and reused;
- gunicorn, 2 workers, production settings, Redis cache, serving the site;
- the references, served the same way: a bare Django view of the same server
  (/bench/floor/, the framework floor) and the home page of a stock `wagtail start` project;
- wrk, a bounded number of connections for a fixed time per route, twice over (the
  workers' memory is read after each pass: a leak shows as growth);
- the table printed and written to docs/performance.md.

Environment: BENCH_LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
circuitcourt_load_bench; created if missing, its `_stock` twin is made and dropped for the
stock project), BENCH_REDIS_URL (default redis://127.0.0.1:6379/15: FLUSHED by the run; a
private redis-server is started when none answers). wrk comes from Debian's package
(installed with apt-get when missing and running as root).
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DB_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/circuitcourt_load_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PRODUCERS, POINTS_PER_PRODUCER = 20_000, 5
REPORT = ROOT / "docs" / "performance.md"
FIGURES_HEADING = "## Latest figures"
DEMO_BUYER = "demo.restaurant"

# Lua for wrk: optional cache-busting counter and cookie, non-2xx counted per thread, and
# the figures printed as one JSON line (wrk's own --latency has no 95th percentile).
WRK_LUA = r"""
-- Globals, not locals: done() reads each thread's non2xx with thread:get().
counter, non2xx = 0, 0
local threads = {}
local bust = os.getenv("BENCH_BUST") == "1"
local cookie = os.getenv("BENCH_COOKIE") or ""
local base = wrk.path
local sep = string.find(base, "?", 1, true) and "&" or "?"
if cookie ~= "" then wrk.headers["Cookie"] = cookie end
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args) math.randomseed(os.time() + (id or 0)) end
function request()
  if bust then
    counter = counter + 1
    return wrk.format(nil, base .. sep .. "_=" .. (id or 0) .. "-" .. counter)
  end
  return wrk.format(nil, base)
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d,'
    .. ' "write": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, n, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Route:
    name: str
    label: str
    path: str
    server: str = "site"  # or "stock"
    bust: bool = False  # a new query string each request: never a cache hit
    cookie: bool = False  # the demo buyer's session
    kind: str = "cached"  # cached, uncached, personal, reference


@dataclass
class Result:
    route: Route
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int


@dataclass
class Context:
    tmp: Path
    processes: list = field(default_factory=list)
    stock_db: str | None = None


def log(message):
    print(f"[load] {message}", flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (Debian/Ubuntu: sudo apt-get install wrk), rerun.")
    log("installing wrk with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env).returncode:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True)
    return shutil.which("wrk")


def free_port(preferred):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    sys.exit(f"Port {preferred} is taken: pass --port to pick others.")


def redis_answers(url):
    parsed = urllib.parse.urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(ctx, port):
    """The Redis of BENCH_REDIS_URL, or a private one started here (and stopped at exit)."""
    if redis_answers(REDIS_URL):
        return REDIS_URL
    server = shutil.which("redis-server")
    if not server and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "redis-server"], check=False)
        server = shutil.which("redis-server")
    if not server:
        sys.exit(f"No Redis at {REDIS_URL} and no redis-server to start: install Redis.")
    log(f"starting a private redis-server on port {port}")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=ctx.tmp,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    ctx.processes.append(process)
    url = f"redis://127.0.0.1:{port}/0"
    wait_until(lambda: redis_answers(url), "redis-server")
    return url


def wait_until(check, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


def database(url, name, *, drop=False, create=True):
    """Create (or drop) a PostgreSQL database next to the one of `url`."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists and create:
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')


def server_env(redis_url, database_url=DB_URL, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no TLS proxy in front
        "CIRCUITCOURT_BENCH_FLOOR": "1",
        # Every request comes from one address here: the per-client limit would answer 429s.
        "CIRCUITCOURT_API_SEARCH_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
        # The data set is loaded through manage.py with this environment: Wagtail's search
        # and reference index updates run as it loads (no worker here); the measured GETs
        # queue no task either way.
        "TASKS_BACKEND": "immediate",
        **extra,
    }


def manage(env, *args, cwd=ROOT, python=sys.executable, quiet=False):
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([python, "manage.py", *args], cwd=cwd, env=env, check=True, stdout=out)


PREPARE = r"""
import json, secrets, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from circuitcourt.directory.models import ProducerPage
from circuitcourt.home.models import StandardPage
generated = ProducerPage.objects.filter(import_ref__startswith="gen-", live=True)
if "--check" in __import__("sys").argv:
    ready = StandardPage.objects.filter(slug="a-propos").exists() and generated.count() >= %d
    print(json.dumps({"ready": ready}))
    raise SystemExit
user = get_user_model().objects.get(username=%r)
password = secrets.token_urlsafe(16)
user.set_password(password)
user.save(update_fields=["password"])
producer = generated.order_by("pk").first()
cache.clear()  # a dedicated Redis database: nothing cached from an earlier data set
with connection.cursor() as cursor:
    cursor.execute("SELECT version()")
    pg = cursor.fetchone()[0].split(" on ")[0]
print(json.dumps({"password": password, "producer": producer.get_url(), "postgres": pg}))
"""


def prepare_data(env, fresh):
    """Migrate, then the demo content and the generated producers unless already there."""
    name = urllib.parse.urlparse(DB_URL).path.lstrip("/")
    database(DB_URL, name, drop=fresh)
    manage(env, "migrate", "--no-input", quiet=True)
    script = PREPARE % (PRODUCERS, DEMO_BUYER)

    def run_python(*args):
        out = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    if run_python("--check")["ready"]:
        log(f"data set found in {name} (reused; --fresh rebuilds it)")
    else:
        log(f"loading the demo content and {PRODUCERS:,} producers into {name} (once)")
        manage(env, "load_demo_data", quiet=True)
        manage(env, "generate_producers", str(PRODUCERS), "--points-per-producer",
               str(POINTS_PER_PRODUCER), quiet=True)  # fmt: skip
        import psycopg

        with psycopg.connect(DB_URL, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    log("collecting static files (compressed, fingerprinted)")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return run_python()


def start_gunicorn(ctx, env, module, port, cwd, workers):
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), module, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=cwd,
        env=env,
        start_new_session=True,  # its own process group: stopped whole at exit
    )  # fmt: skip
    ctx.processes.append(process)

    def up():
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {module} exited with {process.returncode}")
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    wait_until(up, f"gunicorn {module}")
    return process


def setup_stock(ctx, redis_url, port, workers):
    """A stock `wagtail start` project, on its own PostgreSQL database, same server setup."""
    project, env = stock_project(ctx, redis_url)
    start_gunicorn(ctx, env, "stocksite.wsgi", port, project, workers)


def stock_project(ctx, redis_url):
    """A stock `wagtail start` project in ctx.tmp, migrated on its own PostgreSQL database
    (dropped by `cleanup`), its static files collected: (its folder, its environment)."""
    project = ctx.tmp / "stock"
    project.mkdir()
    subprocess.run([str(VENV_BIN / "wagtail"), "start", "stocksite", str(project)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    db_name = urllib.parse.urlparse(DB_URL).path.lstrip("/") + "_stock"
    database(DB_URL, db_name, drop=True)
    ctx.stock_db = db_name
    db_url = urllib.parse.urlparse(DB_URL)._replace(path=f"/{db_name}").geturl()
    # The template's production settings import settings/local.py: the same database
    # configuration as ours (dj-database-url, persistent connections), nothing else.
    (project / "stocksite" / "settings" / "local.py").write_text(
        textwrap.dedent(
            """\
            import os
            import dj_database_url
            SECRET_KEY = os.environ["SECRET_KEY"]
            ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
            DATABASES = {"default": dj_database_url.config(conn_max_age=60)}
            """
        )
    )
    env = {
        **server_env(redis_url, db_url),
        "DJANGO_SETTINGS_MODULE": "stocksite.settings.production",
        "PYTHONPATH": str(project),
    }
    manage(env, "migrate", "--no-input", cwd=project, quiet=True)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0", cwd=project)
    return project, env


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(base, password):
    """The demo buyer's session cookie, through the portal's real login form."""
    jar = {}
    opener = urllib.request.build_opener(NoRedirect)

    def request(path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        body = urllib.parse.urlencode(data).encode() if data else None
        try:
            response = opener.open(
                urllib.request.Request(base + path, data=body, headers=headers), timeout=60
            )
        except urllib.error.HTTPError as error:  # the 302 after a good login
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.update((key, morsel.value) for key, morsel in SimpleCookie(header).items())
        return response

    form = request("/portail/connexion/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    answer = request(
        "/portail/connexion/",
        {"csrfmiddlewaretoken": token, "username": DEMO_BUYER, "password": password},
    )
    if answer.status != 302:
        raise RuntimeError(f"demo buyer login failed: HTTP {answer.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def check_route(base, route, cookie):
    headers = {"Cookie": cookie} if route.cookie else {}
    req = urllib.request.Request(base + route.path, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise RuntimeError(f"{route.name}: {route.path} answers HTTP {status}, not 200")


def run_wrk(wrk, lua, base, route, cookie, duration, connections, threads):
    env = {**os.environ, "BENCH_BUST": "1" if route.bust else "0",
           "BENCH_COOKIE": cookie if route.cookie else ""}  # fmt: skip
    out = subprocess.run(
        [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
         "--timeout", "10s", "-s", str(lua), base + route.path],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    errors = data["non2xx"] + sum(data[k] for k in ("connect", "read", "write", "timeout"))
    return Result(
        route=route,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=errors,
        requests=data["requests"],
    )


def worker_rss(master):
    """Resident memory (MiB) of each gunicorn worker, read from /proc."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def routes(producer_url):
    search = "/producteurs/?place=Arras&radius_km=20&category=fromages"
    api = "/api/v3/directory/producers/?place=Arras&radius_km=20&category=fromages"
    return [
        Route("floor", "Bare Django view (reference)", "/bench/floor/", kind="reference"),
        Route(
            "stock", "Stock Wagtail home page (reference)", "/", server="stock", kind="reference"
        ),  # fmt: skip
        Route("home", "Home page", "/"),
        Route("search", "Search near Arras, cheese, 20 km", search),
        Route("producer", "Producer page", producer_url),
        Route("api", "API search near Arras", api),
        Route(
            "producer_uncached", "Producer page, uncached", producer_url, bust=True, kind="uncached"
        ),  # fmt: skip
        Route("api_uncached", "API search, uncached", api, bust=True, kind="uncached"),
        Route(
            "catalogue",
            "Portal catalogue, signed in",
            "/portail/catalogue/",
            cookie=True,
            kind="personal",
        ),  # fmt: skip
    ]


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem / 1024 / 1024, 1),
        "load": os.getloadavg(),
        "os": f"{platform.system()} {platform.release()}",
    }


def versions(wrk, redis_url, postgres):
    from importlib.metadata import version

    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()
    parsed = urllib.parse.urlparse(redis_url)
    with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2) as s:
        s.sendall(b"INFO server\r\n")
        time.sleep(0.2)
        info = s.recv(65536).decode(errors="replace")
    redis_version = re.search(r"redis_version:(\S+)", info)
    return {
        "Python": platform.python_version(),
        "Django": version("Django"),
        "Wagtail": version("wagtail"),
        "gunicorn": version("gunicorn"),
        "PostgreSQL": postgres.replace("PostgreSQL ", ""),
        "Redis": redis_version.group(1) if redis_version else "?",
        "wrk": wrk_version[1] if len(wrk_version) > 1 else "?",
    }


def verdicts(results):
    by = {r.route.name: r for r in results}
    floor, stock = by.get("floor"), by.get("stock")
    checks = []
    for r in results:
        if r.route.kind == "cached" and floor:
            checks.append((f"{r.route.name} ≥ 50 % of the bare view", r.rps >= 0.5 * floor.rps))
        if r.route.kind == "uncached" and stock:
            checks.append((f"{r.route.name} ≥ stock Wagtail", r.rps >= stock.rps))
    checks.append(("p99 < 250 ms everywhere", all(r.p99 < 250 for r in results)))
    checks.append(("no errors", all(r.errors == 0 for r in results)))
    return checks


def table(results, first_pass):
    by = {r.route.name: r for r in results}
    floor, stock = by.get("floor"), by.get("stock")
    rows = [
        "| Route | req/s | p50 ms | p95 ms | p99 ms | errors | × bare view | × stock Wagtail "
        "| req/s, 1st pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio_floor = f"{r.rps / floor.rps:.2f}" if floor and floor.rps else "–"
        ratio_stock = f"{r.rps / stock.rps:.2f}" if stock and stock.rps else "–"
        before = first_pass.get(r.route.name)
        rows.append(
            f"| {r.route.label} | {r.rps:.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.errors} | {ratio_floor} | {ratio_stock} | {before.rps if before else 0:.0f} |"
        )
    return "\n".join(rows)


def write_report(args, command, info, vers, results, first_pass, rss, checks):
    rss_lines = "\n".join(
        f"- after pass {n}: {', '.join(f'{x:.0f}' for x in sizes)} MiB (total {sum(sizes):.0f} MiB)"
        for n, sizes in enumerate(rss, 1)
    )
    growth = (sum(rss[-1]) - sum(rss[0])) / sum(rss[0]) * 100 if len(rss) > 1 else 0
    check_lines = "\n".join(f"- {'✔' if ok else '✘'} {name}" for name, ok in checks)
    note = f"\n**Note.** {args.note}\n" if args.note else ""
    figures = f"""{FIGURES_HEADING}

{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, `{command}`
{note}
Machine: {info["cpu"]}, {info["cores"]} cores, {info["ram_gib"]} GiB RAM, {info["os"]};
load average at the start {info["load"][0]:.1f} / {info["load"][1]:.1f} / {info["load"][2]:.1f}.
Versions: {", ".join(f"{k} {v}" for k, v in vers.items())}.
Server: gunicorn, {args.workers} sync workers. Load: wrk, {args.connections} connections,
{args.threads} threads, {args.duration} s per route, {args.passes} passes.
Data: the demo content plus {PRODUCERS:,} generated producers and
{PRODUCERS * POINTS_PER_PRODUCER:,} points of sale.

Last pass (the first one's throughput in the last column):

{table(results, first_pass)}

Worker memory (RSS):

{rss_lines}
- growth from the first pass to the last: {growth:+.1f} %

Targets:

{check_lines}
- {"✔" if growth < 10 else "✘"} worker memory growth < 10 %
"""
    # Only the figures' section is rewritten: what is written by hand around it stays.
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n"
    begin = text.find(FIGURES_HEADING)
    if begin < 0:
        text = f"{text.rstrip()}\n\n{figures}"
    else:
        after = text.find("\n## ", begin + len(FIGURES_HEADING))
        text = text[:begin] + figures + (text[after:] if after >= 0 else "")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)


def drain(base):
    """Wait until the server has finished what the previous route left queued.

    When wrk stops, requests already accepted are still waiting for a worker; the next
    route would otherwise pay for them. A few quick requests in a row get through only
    once the queue is empty.
    """
    for _ in range(4):
        with urllib.request.urlopen(base + "/bench/floor/", timeout=120) as response:
            response.read()


def measure(args, wrk, lua, bases, selected, cookie):
    results = []
    for route in selected:
        drain(bases["site"])
        result = run_wrk(wrk, lua, bases[route.server], route, cookie, args.duration,
                         args.connections, args.threads)  # fmt: skip
        log(f"  {route.name:18} {result.rps:8.0f} req/s  p99 {result.p99:6.1f} ms"
            f"  errors {result.errors}")  # fmt: skip
        results.append(result)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per route (30)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--passes", type=int, default=2, help="passes over the routes (2)")
    parser.add_argument("--routes", help="comma-separated names (default: all)")
    parser.add_argument("--port", type=int, default=8391, help="site; stock +1, redis +2")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data set")
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    parser.add_argument("--note", default="", help="a sentence added to the report")
    args = parser.parse_args()
    command = shlex.join(["python", "bench/load.py", *sys.argv[1:]])

    wrk = ensure_wrk()
    ctx = Context(tmp=Path(tempfile.mkdtemp(prefix="circuitcourt-load-")))
    # Ctrl-C raises KeyboardInterrupt; make a plain kill do the same, so cleanup runs.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        info = machine()
        port, stock_port = free_port(args.port), free_port(args.port + 1)
        redis_url = ensure_redis(ctx, args.port + 2)
        env = server_env(redis_url)
        prepared = prepare_data(env, args.fresh)
        selected = routes(prepared["producer"])
        if args.routes:
            wanted = set(args.routes.split(","))
            unknown = wanted - {r.name for r in selected}
            if unknown:
                sys.exit(f"Unknown routes: {', '.join(sorted(unknown))}")
            selected = [r for r in selected if r.name in wanted]
        log(f"starting gunicorn ({args.workers} workers) on 127.0.0.1:{port}")
        site = start_gunicorn(ctx, env, "circuitcourt.site.wsgi", port, ROOT, args.workers)
        bases = {"site": f"http://127.0.0.1:{port}", "stock": f"http://127.0.0.1:{stock_port}"}
        if any(r.server == "stock" for r in selected):
            log("setting up a stock `wagtail start` project")
            setup_stock(ctx, redis_url, stock_port, args.workers)
        cookie = session_cookie(bases["site"], prepared["password"])
        for route in selected:
            check_route(bases[route.server], route, cookie)
        lua = ctx.tmp / "bench.lua"
        lua.write_text(WRK_LUA)

        passes, rss = [], []
        for n in range(1, args.passes + 1):
            log(f"pass {n}/{args.passes}: {args.duration} s per route, "
                f"{args.connections} connections, {args.threads} threads")  # fmt: skip
            passes.append(measure(args, wrk, lua, bases, selected, cookie))
            rss.append(worker_rss(site))
            log(f"  worker RSS: {', '.join(f'{x:.0f}' for x in rss[-1])} MiB")
        results = passes[-1]
        first = {r.route.name: r for r in passes[0]} if len(passes) > 1 else {}
        checks = verdicts(results)
        print()
        print(table(results, first))
        if len(rss) > 1:
            growth = (sum(rss[-1]) - sum(rss[0])) / sum(rss[0]) * 100
            print(f"\nWorker RSS growth between passes: {growth:+.1f} %")
        for name, ok in checks:
            print(f"{'PASS' if ok else 'MISS'}  {name}")
        if not args.no_report:
            vers = versions(wrk, redis_url, prepared["postgres"])
            write_report(args, command, info, vers, results, first, rss, checks)
            log(f"figures written to {REPORT.relative_to(ROOT)}")
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        cleanup(ctx)
    return 0


def cleanup(ctx):
    for process in reversed(ctx.processes):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
    if ctx.stock_db:
        try:
            database(DB_URL, ctx.stock_db, drop=True, create=False)
        except Exception as error:  # cleanup goes on
            log(f"could not drop {ctx.stock_db}: {error}")
    shutil.rmtree(ctx.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
