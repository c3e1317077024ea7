"""Webhooks: the addresses told when a page is published or unpublished, and the log of each
notification, so a static front end can rebuild and staff can see which deliveries failed."""

import secrets

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret():
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An address that receives a signed JSON notification for each publication change."""

    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Tourism app rebuild"))
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=new_secret,
        help_text=_(
            "Shared with the receiver, which checks the X-CircuitCourt-Signature header "
            "(HMAC-SHA256 of the body with this secret)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One notification to one webhook, with its attempts: pending, retrying, done or failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Waiting to retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    # The exact bytes sent (and signed), identical on every attempt.
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self):
        return f"{self.webhook} · {self.event} · {self.get_status_display()}"
