"""Publication webhooks: sign, send, retry.

When a page is published or unpublished, every active webhook gets a `WebhookDelivery` with
its JSON body, sent by a background task after the transaction commits. A failed attempt
(network error or a non-2xx answer) is retried later with exponential backoff, at most
CIRCUITCOURT_WEBHOOK_MAX_ATTEMPTS times; then the delivery is marked failed for staff to see.
Retries run through the task backend's `run_after` when it can defer tasks, else through the
`retry_webhooks` command run by cron every minute.
"""

import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-CircuitCourt-Signature"
EVENT_HEADER = "X-CircuitCourt-Event"
DELIVERY_HEADER = "X-CircuitCourt-Delivery"
PUBLISHED, UNPUBLISHED = "page.published", "page.unpublished"


def signature(secret, body):
    """The signature header's value: HMAC-SHA256 of the exact body bytes, in hex."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts):
    """Seconds to wait after the given number of failed attempts: base, 4×base, 16×base..."""
    return settings.CIRCUITCOURT_WEBHOOK_BACKOFF_SECONDS * 4 ** (attempts - 1)


def page_payload(event, page):
    """What a front end needs to rebuild: which page, its type, where it lives."""
    api_path = reverse("wagtailapi_v3:detail_page", kwargs={"page_id": page.pk})
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return {
        "event": event,
        "occurred_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        "page": {
            "id": page.pk,
            "type": page.specific_class._meta.label if page.specific_class else "",
            "title": page.title,
            "slug": page.slug,
            "url": page.get_full_url() if event == PUBLISHED else None,
            "api_url": base + api_path,
        },
    }


def notify(event, page):
    """Create one delivery per active webhook, sent once the transaction commits."""
    body = json.dumps(page_payload(event, page), ensure_ascii=False, sort_keys=True)
    deliveries = [
        WebhookDelivery.objects.create(webhook=webhook, event=event, body=body)
        for webhook in Webhook.objects.filter(is_active=True)
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return deliveries


def enqueue(delivery_pk, run_after=None):
    from .tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(delivery_pk)


def on_page_published(sender, instance, **kwargs):
    notify(PUBLISHED, instance)


def on_page_unpublished(sender, instance, **kwargs):
    notify(UNPUBLISHED, instance)


def _post(delivery):
    """One HTTP attempt: (status code or None, error message)."""
    webhook = delivery.webhook
    request = urllib.request.Request(
        webhook.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CircuitCourt-Webhook/1",
            SIGNATURE_HEADER: signature(webhook.secret, delivery.body),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.pk),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CIRCUITCOURT_WEBHOOK_TIMEOUT) as r:
            return r.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def attempt(delivery_pk, now=None):
    """Try to send a delivery that is due; record the attempt; schedule a retry on failure.

    Returns the delivery, or None if it was not due (already delivered, given up, or a
    duplicate run before its time).
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_pk)
            .first()
        )
        if delivery is None or delivery.status not in (
            WebhookDelivery.Status.PENDING,
            WebhookDelivery.Status.RETRYING,
        ):
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        # Claim it before the network call, so a parallel run does not send it twice.
        delivery.next_attempt_at = now + datetime.timedelta(
            seconds=settings.CIRCUITCOURT_WEBHOOK_TIMEOUT * 2
        )
        delivery.save(update_fields=["next_attempt_at"])

    status_code, error = _post(delivery)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
    elif delivery.attempts >= settings.CIRCUITCOURT_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        delivery.last_error = error
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff(delivery.attempts))
        delivery.last_error = error
    delivery.save()
    if delivery.status == WebhookDelivery.Status.RETRYING:
        _schedule_retry(delivery)
    return delivery


def _schedule_retry(delivery):
    from django_tasks import default_task_backend

    if default_task_backend.supports_defer:
        transaction.on_commit(lambda: enqueue(delivery.pk, run_after=delivery.next_attempt_at))
    # Otherwise (the immediate backend) `retry_webhooks`, run by cron, sends it when due.


def retry_due(now=None):
    """Queue again every delivery whose retry time has come; returns how many."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.RETRYING, next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    pks = list(due)
    for pk in pks:
        enqueue(pk)
    return len(pks)
