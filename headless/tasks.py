"""The webhook delivery task (django-tasks): arguments are ids, read when the task runs."""

from django_tasks import task

from . import webhooks


@task()
def deliver_webhook(delivery_pk):
    delivery = webhooks.attempt(delivery_pk)
    return None if delivery is None else delivery.status
