"""A delivered slot with lots, shared by the lots and documents tests.

Ten days ago, the Ferme des Sept Vallées (leeks, organic) and the Cave du Boulonnais (wine,
20 % VAT) delivered the Bistrot du Marché and the Hôtel de la Plage. The farm declared lot
POI-0412 and covered both leek lines with it; the wine lines have no lot yet. The Café du
Port (Étaples) had leeks too, not yet covered by a lot.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from circuitcourt.supply import lots, services
from circuitcourt.supply.models import Order
from tests.factories import QualitySignFactory, commune
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier

D = Decimal


def delivered_scenario(days_ago=10):
    slot = make_slot(timezone.localdate() - datetime.timedelta(days=days_ago))
    slot.round.zone.hub_latitude, slot.round.zone.hub_longitude = 50.4647, 1.7636
    slot.round.zone.save()
    before_cutoff = slot.cutoff_at - datetime.timedelta(hours=2)
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    cellar = make_supplier("Cave du Boulonnais", "Berck", username="cave")
    bio = QualitySignFactory(name="Agriculture biologique", short_name="AB", slug="ab")
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2.10"))
    leeks.quality_signs.add(bio)
    wine = OfferFactory(supplier=cellar, name="Vin de la Côte d'Opale", price=D("7.25"))
    wine.vat_rate = D("20.00")
    wine.unit = "piece"
    wine.save()
    bistrot = make_buyer(
        "Le Bistrot du Marché",
        username="bistrot",
        phone="03 21 00 00 01",
        latitude=50.4650,
        longitude=1.7640,
        delivery_instructions="Porte de service, code 1234",
    )
    hotel = make_buyer(
        "Hôtel de la Plage", "Berck", username="hotel", latitude=50.4050, longitude=1.5640
    )
    cafe = make_buyer("Café du Port", "Étaples", latitude=50.5140, longitude=1.6390)
    orders = {}
    for buyer, items in [
        (bistrot, [(leeks.pk, 5), (wine.pk, 2)]),
        (hotel, [(leeks.pk, 8), (wine.pk, 6)]),
        (cafe, [(leeks.pk, 4)]),
    ]:
        orders[buyer.name] = services.submit_order(
            buyer, slot, items, now=before_cutoff, notify=False
        )
    for order in orders.values():
        for supplier_order in order.supplier_orders.all():
            services.confirm_supplier_order(supplier_order, now=before_cutoff, notify=False)
    services.start_delivery(slot)
    for order in orders.values():
        services.mark_delivered(order)
    lot = lots.declare_lot(
        farm,
        offer=leeks,
        code="POI-0412",
        produced_on=slot.date - datetime.timedelta(days=2),
        keeps_until=slot.date + datetime.timedelta(days=10),
        origin_commune=commune("Montreuil"),
        quantity=D("50"),
    )
    for order in (orders[bistrot.name], orders[hotel.name]):
        line = order.lines.get(offer=leeks)
        lots.allocate(line, lot, line.quantity)
    return {
        "slot": slot,
        "farm": farm,
        "cellar": cellar,
        "leeks": leeks,
        "wine": wine,
        "bistrot": bistrot,
        "hotel": hotel,
        "cafe": cafe,
        "orders": {name: Order.objects.get(pk=o.pk) for name, o in orders.items()},
        "lot": lot,
        "bio": bio,
    }
