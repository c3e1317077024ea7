"""A real Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a live server.

Playwright never downloads a browser here: it launches the machine's own Chromium. Without it
(a laptop without the package) the browser tests skip, unless CIRCUITCOURT_REQUIRE_BROWSER=1
(CI sets it), where they fail instead. Each test saves a screenshot of its pages into
.browser-artifacts/ when it fails.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections

# Playwright's sync API runs an asyncio loop in this thread; Django then refuses ORM calls
# from it (SynchronousOnlyOperation), although the test and the browser never overlap.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(settings.BASE_DIR) / ".browser-artifacts"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
TABLET = {"width": 1024, "height": 768}
TIMEOUT_MS = 10_000


def browser_required():
    return os.environ.get("CIRCUITCOURT_REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


def missing(reason):
    """Skip on a machine without the tool, fail where CI said the browser is required."""
    if browser_required():
        pytest.fail(f"{reason} (CIRCUITCOURT_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


# A browser test that runs longer has hung (a page that never loads, a dialog nobody closes):
# pytest-timeout fails it and the run goes on, so CI ends. The slowest takes about 40 s.
BROWSER_TEST_TIMEOUT_S = 180


def pytest_collection_modifyitems(items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("timeout") is None:  # a test's own bound wins
                item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT_S))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the page fixture knows whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def serve_media(settings):
    """The live server serves uploaded images (/media/) as a web server would in production,
    so pages are drawn and weighed with their photos (Django serves media only with DEBUG)."""
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: run make install-test")
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    playwright = sync_playwright().start()
    # While Playwright's event loop runs in this thread, asgiref gives Django other connection
    # objects (context-local, not thread-local), without the copy of the migrations' data
    # (communes, groups, the home page) that serialized_rollback restores after each test.
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_context(chromium, live_server, request):
    """Open browser contexts (one per person) that only reach the live server.

    Anything else (OpenStreetMap tiles, any CDN) is refused, so a test never depends on the
    network. On failure every page still open is saved as a screenshot.
    """
    contexts = []
    server = urlsplit(live_server.url).netloc

    def block_outside(route):
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            route.abort()

    def open_(viewport=TABLET, **options):
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport, locale="fr-FR", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(re.compile(r"^https?://"), block_outside)
        contexts.append(context)
        return context

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{name}-{c}-{p}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_context):
    """A page on a 375 px wide phone screen."""
    return open_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@pytest.fixture
def tablet(open_context):
    return open_context().new_page()


def run_axe(page):
    """axe-core's WCAG 2.1 A/AA rules (and best practices) on the page: every violation."""
    if not AXE.exists():
        missing(f"{AXE} is missing: run make install-test (npm ci)")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    run_axe.rules_passed = len(results["passes"])
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]


def serious(violations):
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def record(name, data):
    """Write a measure into .browser-artifacts/<name>.json for the closing note."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\n{name}: {json.dumps(data, ensure_ascii=False, default=str)}")
    return path


# What Chromium measured of the page just loaded: largest contentful paint, layout shifts and
# bytes over the network (the document and every resource it fetched).
PAGE_METRICS = """() => new Promise((resolve) => {
    let lcp = null, lcpElement = null, cls = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            lcp = entry.renderTime || entry.startTime;
            const e = entry.element;
            lcpElement = e ? e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                + (e.currentSrc ? " " + new URL(e.currentSrc).pathname : "")
                + (e.currentSrc ? "" : " " + e.textContent.trim().slice(0, 40)) : null;
        }
    }).observe({type: "largest-contentful-paint", buffered: true});
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) cls += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    // Observers report buffered entries asynchronously: let them run once.
    setTimeout(() => {
        const navigation = performance.getEntriesByType("navigation")[0];
        const resources = performance.getEntriesByType("resource");
        const images = Array.from(document.images).filter((img) => !img.closest(".leaflet-pane"));
        const sum = (entries, key) => entries.reduce((total, entry) => total + entry[key], 0);
        resolve({
            url: location.pathname + location.search,
            largest_contentful_paint_ms: lcp === null ? null : Math.round(lcp),
            largest_contentful_paint_element: lcpElement,
            cumulative_layout_shift: Math.round(cls * 10000) / 10000,
            html_bytes: navigation.transferSize,
            total_bytes: navigation.transferSize + sum(resources, "transferSize"),
            encoded_body_bytes: navigation.encodedBodySize + sum(resources, "encodedBodySize"),
            requests: 1 + resources.length,
            by_type: resources.reduce((types, entry) => {
                types[entry.initiatorType] = (types[entry.initiatorType] || 0) + entry.transferSize;
                return types;
            }, {}),
            images_without_size: images.filter(
                (img) => !img.getAttribute("width") || !img.getAttribute("height")
            ).map((img) => img.src),
            images_not_loaded: images.filter(
                (img) => img.loading !== "lazy" && !(img.complete && img.naturalWidth)
            ).map((img) => img.src),
        });
    }, 300);
})"""


def measure(page):
    """The page's figures as Chromium measured them, once it has loaded."""
    page.wait_for_load_state("load")
    return page.evaluate(PAGE_METRICS)
