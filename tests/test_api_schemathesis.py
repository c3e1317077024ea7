"""Schemathesis fuzzes every operation of the OpenAPI document on a live local server.

One test, so the data is made once: each operation gets a bounded number of generated
requests (MAX_EXAMPLES), and every answer must be no server error, of the documented content
type, and valid against the documented schema of its status. It is part of `make test`
(about half a minute); `-m "not slow"` leaves it out while iterating. Bounded in time, so
that CI cannot hang on it: each request has REQUEST_TIMEOUT, and the run stops (failing) once
TIME_BUDGET is spent, at worst one operation's requests later.
"""

import datetime
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from .factories import ProductCategoryFactory, QualitySignFactory, make_producer
from .factories_editorial import make_event, make_news, make_partner
from .factories_spotlight import make_article

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_EXAMPLES = 5
REQUEST_TIMEOUT = 10  # seconds; a slower answer is a failure
TIME_BUDGET = 180  # seconds for the whole run: a few times what it takes on a busy machine
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def content():
    from django.utils import timezone

    partner = make_partner("Office de tourisme du Montreuillois", territory=["Arras"])
    category = ProductCategoryFactory(name="Maroilles", slug="maroilles")
    sign = QualitySignFactory(name="AOP Maroilles", short_name="AOP")
    producer = make_producer("Ferme du Bocage", categories=[category], signs=[sign])
    make_producer("Les Vergers d'Arras", categories=[category])
    make_news("Fête de la fraise", partner=partner, tags=["fraises"])
    start = timezone.now() + datetime.timedelta(days=3)
    make_event("Marché du soir", start=start, partner=partner, price="3.50")
    make_article("Le maroilles du bocage", [producer])


def test_the_openapi_document_holds_on_a_live_server(live_server, content, settings_override):
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v3/openapi.json", timeout=REQUEST_TIMEOUT
    )
    deadline = time.monotonic() + TIME_BUDGET
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:
            failures.append(f"Out of time ({TIME_BUDGET} s) before {operation.path}.")
            break
        operations += 1
        if operation.path.startswith("/api/v3/snippets/{type}"):
            # Wagtail lists the snippet types when its router is imported, before any app's
            # wagtail_hooks registers a snippet: `type` admits no value, so no request can be
            # made (and the project's snippets, webhooks included, are not reachable there).
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(base_url=f"{live_server.url}", timeout=REQUEST_TIMEOUT)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # one report for every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations > 30  # Wagtail's pages and sites, and the project's endpoints
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_override(settings):
    # Fuzzing sends many searches from one address: not what the rate limit is for.
    settings.CIRCUITCOURT_API_RATE_LIMITS = {"search": (100_000, 60)}
