"""Fifty buyers at once: the last units of an offer and the last drops of a slot are sold
exactly once. Real threads, each with its own PostgreSQL connection and transaction."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from circuitcourt.supply import services
from circuitcourt.supply.models import (
    DeliverySlot,
    OfferAvailability,
    Order,
    OrderLine,
    OrderSubmission,
    SupplierOrder,
)
from tests.factories_supply import OfferFactory, limit, make_buyer, make_slot, make_supplier

# The data must be committed for other connections to see it; the gazetteer loaded by a
# migration is restored after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BUYERS = 50
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks and concurrent transactions need PostgreSQL; SQLite serialises "
            "every write, so there is no race to test. Run with DATABASE_URL=postgres://..."
        )


def submit_all_at_once(buyers, slot, items):
    """Every buyer submits in its own thread, released together; returns (orders, refusals)."""
    start = threading.Barrier(len(buyers))
    orders, refusals, errors = [], [], []
    lock = threading.Lock()

    def submit(buyer):
        try:
            start.wait()
            order = services.submit_order(
                buyer, slot, items, idempotency_key=f"buyer-{buyer.pk}", now=NOW
            )
            with lock:
                orders.append(order)
        except services.OrderRefused as refused:
            with lock:
                refusals.append(refused.messages)
        except Exception as error:  # noqa: BLE001 - reported below, never hidden
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return orders, refusals


def assert_no_half_written_order(expected):
    assert Order.objects.count() == expected
    assert OrderSubmission.objects.count() == expected
    assert SupplierOrder.objects.count() == expected
    assert OrderLine.objects.count() == expected
    assert not Order.objects.filter(status=Order.Status.DRAFT).exists()


def test_fifty_buyers_for_the_last_ten_units_of_an_offer():
    slot = make_slot(datetime.date(2026, 6, 5))
    farm = make_supplier("Ferme des Sept Vallées")
    asparagus = OfferFactory(supplier=farm, name="Asperges blanches", unit="bunch")
    limit(asparagus, slot, Decimal("10"))
    buyers = [make_buyer(f"Restaurant {n}") for n in range(BUYERS)]

    orders, refusals = submit_all_at_once(buyers, slot, [(asparagus.pk, 1)])

    assert len(orders) == 10 and len(refusals) == 40
    for messages in refusals:
        assert "Asperges blanches" in messages[0] and "0" in messages[0], messages
    assert OfferAvailability.objects.get().quantity_sold == 10
    assert_no_half_written_order(10)
    slot.refresh_from_db()
    assert slot.drops_booked == 10


def test_fifty_buyers_for_the_last_three_drops_of_a_slot():
    slot = make_slot(datetime.date(2026, 6, 5), capacity_drops=3)
    farm = make_supplier("Ferme des Sept Vallées")
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    buyers = [make_buyer(f"Restaurant {n}") for n in range(BUYERS)]

    orders, refusals = submit_all_at_once(buyers, slot, [(leeks.pk, 2)])

    assert len(orders) == 3 and len(refusals) == 47
    assert all("complète" in messages[0] for messages in refusals), refusals[:3]
    assert_no_half_written_order(3)
    assert DeliverySlot.objects.get().drops_booked == 3
