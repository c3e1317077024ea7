"""The delivery is recorded per line, by the buyer in the portal or by the driver (staff) in
the admin: quantities received, complaints, final weights; the totals follow."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from circuitcourt.supply.models import Order, OrderLine
from tests.conftest import PASSWORD
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier
from tests.supply_helpers import login, order_in_delivery, text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def forget_login_attempts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def order():
    slot = make_slot(timezone.localdate() + datetime.timedelta(days=5))
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples", username="pecherie")
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2.10"))
    turbot = OfferFactory(
        supplier=fishmonger,
        name="Turbot",
        price=D("30"),
        variable_weight=True,
        estimated_weight_kg=D("1.5"),
    )
    bistrot = make_buyer("Le Bistrot du Marché", username="bistrot")
    make_buyer("Hôtel de la Plage", "Berck", username="hotel")
    return order_in_delivery(bistrot, slot, [(leeks.pk, 10), (turbot.pk, 2)])


def lines_of(order):
    return {line.name: line for line in order.lines.all()}


def test_the_buyer_records_what_arrived_and_the_total_follows(client, order):
    leeks, turbot = lines_of(order)["Poireaux"], lines_of(order)["Turbot"]
    login(client, "bistrot")
    form = client.get(f"/portail/commandes/{order.pk}/")
    assert "Confirmer la réception" in text(form)
    # Each line offers what was delivered, ready to confirm or to lower.
    assert f'name="received-{leeks.pk}" value="10"' in form.content.decode()

    response = client.post(
        f"/portail/commandes/{order.pk}/",
        {
            "action": "receive",
            f"received-{leeks.pk}": "8",
            f"complaint-{leeks.pk}": "Deux bottes gelées",
            f"received-{turbot.pk}": "2",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    leeks.refresh_from_db()
    assert leeks.received_quantity == 8 and leeks.complaint == "Deux bottes gelées"
    # 8 kg x 2.10 = 16.80, plus 2 turbots at the estimated 2 x 1.5 kg x 30 = 90.00: 106.80.
    page = text(client.get(f"/portail/commandes/{order.pk}/"))
    assert "Livrée" in page and "reçu : 8" in page and "Deux bottes gelées" in page
    assert "106,80 €" in page


@pytest.mark.parametrize(
    "typed, complaint, error",
    [
        ("huit", "", "Indiquez un nombre, par exemple 2,5."),
        ("12", "", "Poireaux : la quantité reçue doit être comprise entre 0 et 10."),
        ("-1", "", "Indiquez un nombre, par exemple 2,5."),
        ("8", "", "Poireaux : dites ce qui manquait ou n’allait pas dans la réclamation."),
    ],
)
def test_bad_receipts_are_refused_with_a_reason_and_nothing_is_saved(
    client, order, typed, complaint, error
):
    leeks, turbot = lines_of(order)["Poireaux"], lines_of(order)["Turbot"]
    login(client, "bistrot")
    response = client.post(
        f"/portail/commandes/{order.pk}/",
        {
            "action": "receive",
            f"received-{leeks.pk}": typed,
            f"complaint-{leeks.pk}": complaint,
            f"received-{turbot.pk}": "1",
            f"complaint-{turbot.pk}": "Un turbot abîmé",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert error in page
    # What was typed is still there, to correct it.
    assert f'value="{typed}"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.IN_DELIVERY
    assert not OrderLine.objects.filter(order=order, received_quantity__isnull=False).exists()
    assert not OrderLine.objects.exclude(complaint="").exists()


def test_another_restaurant_cannot_record_on_my_order(client, order):
    leeks = lines_of(order)["Poireaux"]
    login(client, "hotel")
    response = client.post(
        f"/portail/commandes/{order.pk}/",
        {"action": "receive", f"received-{leeks.pk}": "0", f"complaint-{leeks.pk}": "Rien"},
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.IN_DELIVERY
    # A producer of the order is no buyer either.
    client.logout()
    login(client, "ferme7v")
    assert client.post(f"/portail/commandes/{order.pk}/", {"action": "receive"}).status_code == 403


def test_the_driver_records_the_delivery_and_final_weights_in_the_admin(
    client, order, chamber_editor
):
    leeks, turbot = lines_of(order)["Poireaux"], lines_of(order)["Turbot"]
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    listing = client.get("/admin/supply_orders/").content.decode()
    assert f"/admin/supply_orders/deliver/{order.pk}/" in listing
    form = client.get(f"/admin/supply_orders/deliver/{order.pk}/")
    assert form.status_code == 200 and "Poids final (kg)" in form.content.decode()

    refused = client.post(
        f"/admin/supply_orders/deliver/{order.pk}/",
        {f"received-{leeks.pk}": "10", f"received-{turbot.pk}": "2", f"weight-{turbot.pk}": "0"},
    )
    assert refused.status_code == 400
    assert "Turbot : indiquez un poids final supérieur à zéro." in text(refused)
    assert Order.objects.get(pk=order.pk).status == Order.Status.IN_DELIVERY

    saved = client.post(
        f"/admin/supply_orders/deliver/{order.pk}/",
        {
            f"received-{leeks.pk}": "10",
            f"received-{turbot.pk}": "2",
            f"weight-{turbot.pk}": "3,215",
        },
    )
    assert saved.status_code == 302
    turbot.refresh_from_db()
    assert turbot.final_weight_kg == D("3.215") and turbot.received_quantity == 2
    # The total now uses the final weight: 10 x 2.10 + 3.215 kg x 30 = 21.00 + 96.45.
    assert turbot.amount == D("96.45")
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def test_portal_users_cannot_use_the_admin_delivery_form(client, order):
    login(client, "bistrot")
    response = client.get(f"/admin/supply_orders/deliver/{order.pk}/")
    assert response.status_code in (302, 403)
    assert Order.objects.get(pk=order.pk).status == Order.Status.IN_DELIVERY
