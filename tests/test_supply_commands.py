"""The supply portal's scheduled commands: slots for the coming weeks, cut-off reminders."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from circuitcourt.supply import services
from circuitcourt.supply.models import DeliverySlot
from tests.factories_supply import (
    DeliveryRoundFactory,
    OfferFactory,
    make_buyer,
    make_slot,
    make_supplier,
)

pytestmark = pytest.mark.django_db


def run(name, **options):
    output = io.StringIO()
    call_command(name, stdout=output, **options)
    return output.getvalue()


def test_generate_delivery_slots_creates_the_coming_weeks_once():
    DeliveryRoundFactory(weekdays=[1, 4])
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=n) for n in range(15)]
    expected = [day for day in days if day.weekday() in (1, 4)]
    assert run("generate_delivery_slots", weeks=2).startswith(f"{len(expected)} ")
    assert sorted(DeliverySlot.objects.values_list("date", flat=True)) == expected
    created = DeliverySlot.objects.count()
    assert run("generate_delivery_slots", weeks=2).startswith("0 ")
    assert DeliverySlot.objects.count() == created
    assert all(slot.date.weekday() in (1, 4) for slot in DeliverySlot.objects.all())


def test_send_cutoff_reminders_tells_the_buyers_of_the_zone_once():
    slot = make_slot(timezone.localdate() + datetime.timedelta(days=3))  # cut-off tomorrow noon
    make_buyer("Le Bistrot du Marché", username="bistrot")
    farm = make_supplier("Ferme des Sept Vallées")
    hotel = make_buyer("Hôtel de la Plage", "Berck", username="hotel")
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    services.submit_order(hotel, slot, [(leeks.pk, 3)])
    make_buyer("Estaminet lillois", "Lille", username="lille")  # another zone
    mail.outbox.clear()
    output = run("send_cutoff_reminders", hours=48)
    assert output.startswith("2 reminder")
    assert sorted(m.to[0] for m in mail.outbox) == ["bistrot@example.org", "hotel@example.org"]
    to_hotel = next(m for m in mail.outbox if m.to == ["hotel@example.org"])
    assert "Vous pouvez encore modifier votre commande" in to_hotel.body
    assert run("send_cutoff_reminders", hours=48).startswith("0 reminder")
