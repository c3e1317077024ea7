"""The Montreuillois demo: a realistic set-up a visitor can log in to, loaded safely twice."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from circuitcourt.directory.geo import haversine_km
from circuitcourt.supply.demo import DEMO_BUYER_USER, DEMO_SUPPLIER_USER, commune, load_supply_demo
from circuitcourt.supply.models import (
    Buyer,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Lot,
    LotAllocation,
    Offer,
    Order,
    StandingOrder,
    Statement,
    Supplier,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo once for this module (rolled back after), with printed credentials."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        output = io.StringIO()
        call_command("load_demo_data", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def counts():
    return [
        model.objects.count()
        for model in (
            DeliveryZone,
            DeliveryRound,
            DeliverySlot,
            Supplier,
            Offer,
            Buyer,
            Order,
            StandingOrder,
            Statement,
            Lot,
            LotAllocation,
        )
    ]


@pytest.mark.slow
def test_the_demo_is_a_montreuillois_setup_with_orders_in_every_state(demo, db):
    assert {z.name for z in DeliveryZone.objects.all()} == {
        "Côte d'Opale sud",
        "Montreuil et arrière-pays",
    }
    assert DeliveryRound.objects.count() == 3
    assert Supplier.objects.count() == 20
    assert 90 <= Offer.objects.count() <= 110
    assert Buyer.objects.count() == 15
    assert {b.kind for b in Buyer.objects.all()} >= {"restaurant", "hotel", "bar"}
    assert set(Order.objects.values_list("status", flat=True)) == {
        "submitted",
        "confirmed",
        "in_delivery",
        "delivered",
        "closed",
        "cancelled",
    }
    # The 20 suppliers are the demo producers nearest Montreuil.
    montreuil = commune("Montreuil")
    farthest = max(
        haversine_km(
            montreuil.latitude,
            montreuil.longitude,
            s.producer.commune.latitude,
            s.producer.commune.longitude,
        )
        for s in Supplier.objects.select_related("producer__commune")
    )
    assert farthest < 40
    assert all(s.producer.is_fictional for s in Supplier.objects.select_related("producer"))
    # The demo restaurant has a standing order; the oldest deliveries are invoiced.
    standing = StandingOrder.objects.get()
    assert standing.buyer.members.filter(username=DEMO_BUYER_USER).exists()
    assert standing.lines.exists()
    invoice = Statement.objects.filter(kind="invoice").first()
    assert invoice is not None and invoice.total_incl_vat > 0 and invoice.issuer["siret"]


@pytest.mark.slow
def test_loading_the_supply_demo_again_creates_nothing(demo, db):
    before = counts()
    with override_settings(DEBUG=False):
        assert load_supply_demo(io.StringIO()) == {}
    assert counts() == before


@pytest.mark.slow
def test_the_printed_demo_accounts_log_in_to_the_portal(demo, db):
    passwords = dict(
        line.split("user ")[1].split("  password ")
        for line in demo.splitlines()
        if "password" in line and "/portail/" in line
    )
    assert set(passwords) == {DEMO_BUYER_USER, DEMO_SUPPLIER_USER}
    buyer = Client()
    response = buyer.post(
        "/portail/connexion/",
        {"username": DEMO_BUYER_USER, "password": passwords[DEMO_BUYER_USER]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/portail/catalogue/"
    assert "Le Bistrot des Remparts" in response.content.decode()
    orders = buyer.get("/portail/commandes/").content.decode()
    assert "En livraison" in orders
    supplier = Client()
    assert supplier.login(username=DEMO_SUPPLIER_USER, password=passwords[DEMO_SUPPLIER_USER])
    assert supplier.get("/portail/producteur/commandes/").status_code == 200
    # Other demo users cannot log in: their passwords are unusable.
    assert not Client().login(username="demo.acheteur02", password="")


@pytest.mark.slow
def test_the_demo_delivered_orders_carry_lots_and_one_line_is_flagged(demo, db):
    from circuitcourt.supply import lots

    delivered = Order.objects.filter(status__in=["delivered", "closed"])
    assert delivered.exists()
    for order in delivered:
        for line in lots.with_lots(order.lines.all()):
            assert not lots.lacks_lot(line), line
    on_its_way = Order.objects.get(status="in_delivery")
    flagged = [line for line in lots.with_lots(on_its_way.lines.all()) if lots.lacks_lot(line)]
    assert len(flagged) == 1
    lot = Lot.objects.filter(allocations__isnull=False).first()
    assert Client().get(f"/tracabilite/lot/{lot.public_token}/").status_code == 200
    from circuitcourt.supply.models import ProducerShowcase

    showcase = ProducerShowcase.objects.get(is_published=True)
    page = Client().get(f"/nos-producteurs-locaux/{showcase.slug}/")
    assert page.status_code == 200 and "Nos producteurs locaux" in page.content.decode()
