"""Publication webhooks, received by a real local HTTP server: signed, retried, logged."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale

from circuitcourt.headless.models import Webhook, WebhookDelivery
from circuitcourt.headless.tasks import deliver_webhook
from circuitcourt.home.models import HomePage, StandardPage

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Receiver:
    """A front end's rebuild hook: answers the queued statuses in turn, records requests."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))  # case-insensitive
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        for port in range(8120, 8150):  # this worktree's port range
            try:
                self.server = HTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        self.url = f"http://127.0.0.1:{self.server.server_port}/rebuild"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(*statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def one_language(settings):
    """For the tests of delivery itself: a page without an English version, one delivery."""
    settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False


def publish_page(title):
    page = StandardPage(title=title, slug=slugify(title), live=False)
    HomePage.objects.first().add_child(instance=page)
    page.save_revision().publish()
    return page


def expected_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_publishing_a_page_notifies_each_active_webhook_signed(
    receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory(200)
    hook = Webhook.objects.create(name="Site statique", url=receiver.url)
    Webhook.objects.create(name="Ancien site", url=receiver.url, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_page("Qui sommes-nous")

    # The French page and its English version (an alias, updated with it).
    english = page.get_translation(Locale.objects.get(language_code="en"))
    assert len(receiver.requests) == 2
    payloads = {}
    for headers, body in receiver.requests:
        assert headers["X-CircuitCourt-Signature"] == expected_signature(hook.secret, body)
        assert headers["X-CircuitCourt-Event"] == "page.published"
        payloads[json.loads(body)["page"]["id"]] = json.loads(body)["page"]
    assert set(payloads) == {page.pk, english.pk}
    assert payloads[page.pk]["type"] == "home.StandardPage"
    assert payloads[page.pk]["api_url"].endswith(f"/api/v3/pages/{page.pk}/")
    assert payloads[english.pk]["url"].endswith("/en/qui-sommes-nous/")
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1

    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    headers, body = receiver.requests[2]
    assert json.loads(body)["event"] == "page.unpublished"
    # Signed with the hook's secret: another secret gives another signature.
    assert headers["X-CircuitCourt-Signature"] != expected_signature("autre", body)


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(
    receiver_factory, django_capture_on_commit_callbacks, settings, one_language
):
    settings.CIRCUITCOURT_WEBHOOK_MAX_ATTEMPTS = 3
    receiver = receiver_factory(500, 503, 500)
    Webhook.objects.create(name="Application mobile", url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        publish_page("Nos engagements")

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 55 <= wait <= 60  # the first backoff

    call_command("retry_webhooks")  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    for expected_attempts, expected_wait in ((2, 240), (3, None)):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(1))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("retry_webhooks")
        delivery.refresh_from_db()
        assert delivery.attempts == expected_attempts
        if expected_wait:
            wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
            assert expected_wait - 5 <= wait <= expected_wait

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error == "HTTP 500" and delivery.next_attempt_at is None
    # The same signed body every time.
    assert len({body for _headers, body in receiver.requests}) == 1


def test_a_delivery_succeeds_on_retry(
    receiver_factory, django_capture_on_commit_callbacks, one_language
):
    receiver = receiver_factory(502, 204)
    Webhook.objects.create(name="Borne du marché", url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        publish_page("Le marché")
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    call_command("retry_webhooks")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 2
    assert len(receiver.requests) == 2


def test_an_unreachable_address_is_logged_for_staff(
    client, chamber_editor, django_capture_on_commit_callbacks, one_language
):
    Webhook.objects.create(name="Serveur éteint", url="http://127.0.0.1:8149/nothing")
    with django_capture_on_commit_callbacks(execute=True):
        publish_page("Contact")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING and delivery.last_error

    assert client.login(username=chamber_editor.username, password=PASSWORD)
    html = client.get("/admin/snippets/headless/webhookdelivery/").content.decode()
    assert "Serveur éteint" in html
    assert client.get("/admin/snippets/headless/webhook/add/").status_code == 200
    # The secrets stay in the admin: not in the public API.
    assert client.get("/api/v3/snippets/headless.Webhook/").status_code != 200


# The worker takes its own transactions (SQLite: BEGIN IMMEDIATE), as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_backend_a_worker_delivers_and_the_retry_waits_its_turn(
    settings, receiver_factory, one_language
):
    """Production's backend: publishing only queues the delivery (beside Wagtail's own search
    and reference index tasks); `db_worker` sends it, and a failure queues the next attempt
    for its backoff time instead of sending it at once."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}
    receiver = receiver_factory(503, 200)
    Webhook.objects.create(name="Site statique", url=receiver.url)

    def work():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    publish_page("La ferme ouverte")
    assert receiver.requests == []  # the request did not wait for the front end
    deliveries = DBTaskResult.objects.filter(task_path=deliver_webhook.module_path)
    assert deliveries.get().status == TaskResultStatus.READY

    work()
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1 and delivery.status == WebhookDelivery.Status.RETRYING
    retry = deliveries.get(status=TaskResultStatus.READY)
    assert retry.run_after == delivery.next_attempt_at

    work()  # not due yet: the worker leaves it
    assert len(receiver.requests) == 1

    # The backoff has passed.
    past = timezone.now() - datetime.timedelta(seconds=1)
    WebhookDelivery.objects.update(next_attempt_at=past)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=past)
    work()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 2
    assert len(receiver.requests) == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
