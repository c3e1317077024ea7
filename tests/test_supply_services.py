"""The supply rules: cut-offs in Paris wall time, slots, quantities, totals, submission."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from circuitcourt.supply import services
from circuitcourt.supply.models import DeliverySlot, Offer, Order, OrderLine, SupplierOrder
from circuitcourt.supply.services import OrderRefused
from tests.factories import commune
from tests.factories_supply import (
    DeliveryRoundFactory,
    DeliveryZoneFactory,
    OfferFactory,
    limit,
    make_buyer,
    make_slot,
    make_supplier,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=PARIS)  # a Monday
D = Decimal


@pytest.fixture
def slot():
    return make_slot(datetime.date(2026, 6, 5))  # Friday; cut-off Wednesday 3 June 12:00


@pytest.fixture
def buyer():
    return make_buyer("Le Bistrot du Marché", username="bistrot")


@pytest.fixture
def farm():
    return make_supplier("Ferme des Sept Vallées", username="ferme7v")


def test_a_spring_cutoff_two_days_before_noon_is_noon_paris_time_before_the_clocks_change():
    delivery_round = DeliveryRoundFactory(cutoff_days_before=2, cutoff_time=datetime.time(12))
    slot = make_slot(datetime.date(2026, 3, 30), delivery_round)  # Monday, summer time
    # Saturday 28 March 12:00 CET (UTC+1), though the slot itself is in CEST (UTC+2).
    assert slot.cutoff_at == datetime.datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    assert slot.departure_at == datetime.datetime(2026, 3, 30, 3, 0, tzinfo=UTC)


def test_an_autumn_cutoff_across_the_october_change_stays_at_noon_wall_time():
    delivery_round = DeliveryRoundFactory(cutoff_days_before=2, cutoff_time=datetime.time(12))
    slot = make_slot(datetime.date(2026, 10, 26), delivery_round)  # Monday, winter time
    # Saturday 24 October 12:00 CEST (UTC+2); the clocks go back on Sunday 25.
    assert slot.cutoff_at == datetime.datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
    assert slot.departure_at == datetime.datetime(2026, 10, 26, 4, 0, tzinfo=UTC)


def test_slots_are_generated_for_the_round_weekdays_once_and_keep_a_cancelled_holiday():
    delivery_round = DeliveryRoundFactory(weekdays=[1, 4], capacity_drops=12)  # Tue, Fri
    assert services.generate_slots(weeks=2, today=datetime.date(2026, 6, 1)) == 4
    dates = list(DeliverySlot.objects.values_list("date", flat=True))
    assert dates == [datetime.date(2026, 6, d) for d in (2, 5, 9, 12)]
    assert {s.capacity_drops for s in DeliverySlot.objects.all()} == {12}
    services.cancel_slot(DeliverySlot.objects.get(date=datetime.date(2026, 6, 2)), "Férié")
    assert services.generate_slots(weeks=2, today=datetime.date(2026, 6, 1)) == 0
    assert DeliverySlot.objects.get(date=datetime.date(2026, 6, 2)).status == "cancelled"
    assert delivery_round.slots.count() == 4


def test_buyer_sees_only_open_slots_of_its_zone_before_cutoff_with_room(buyer):
    zone = DeliveryZoneFactory()
    other_zone = DeliveryZoneFactory(name="Audomarois", commune_names=["Saint-Omer"])
    ours = DeliveryRoundFactory(zone=zone)
    open_slot = make_slot(datetime.date(2026, 6, 5), ours)
    make_slot(datetime.date(2026, 6, 2), ours)  # cut-off 31 May: passed
    make_slot(datetime.date(2026, 6, 6), ours, capacity_drops=0)  # full
    make_slot(datetime.date(2026, 6, 7), ours, status=DeliverySlot.Status.CANCELLED)
    make_slot(datetime.date(2026, 6, 5), DeliveryRoundFactory(zone=other_zone))
    assert list(services.open_slots_for(buyer, NOW)) == [open_slot]


def test_a_zone_by_radius_serves_a_buyer_located_near_its_hub():
    montreuil = commune("Montreuil")
    zone = DeliveryZoneFactory(
        name="Autour de Montreuil",
        commune_names=["Lille"],
        hub_latitude=montreuil.latitude,
        hub_longitude=montreuil.longitude,
        radius_km=D("15"),
    )
    near = make_buyer("Auberge", "Hesdin", latitude=50.40, longitude=1.85)  # ~9 km
    far = make_buyer("Brasserie", "Hesdin", latitude=50.37, longitude=2.04)  # ~21 km
    assert services.zones_for(near) == [zone]
    assert services.zones_for(far) == []


@pytest.mark.parametrize(
    "quantity, error",
    [
        ("5", None),
        ("7.5", None),
        ("10", None),
        ("2.5", "le minimum est 5 kg"),
        ("6", "commander 5 kg puis par 2,5 kg"),
        ("0", "une quantité supérieure à zéro"),
    ],
)
def test_quantities_respect_the_minimum_and_the_step(farm, quantity, error):
    offer = OfferFactory(
        supplier=farm, name="Pommes de terre", min_quantity=D("5"), quantity_step=D("2.5")
    )
    message = services.quantity_error(offer, D(quantity))
    if error is None:
        assert message is None
    else:
        assert error in message.lower()


def test_basket_totals_per_supplier_per_vat_rate_and_estimated_for_variable_weight(farm):
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples", minimum=D("50"))
    carrots = OfferFactory(supplier=farm, name="Carottes", price=D("1.80"))
    cider = OfferFactory(supplier=farm, name="Cidre", unit="litre", price=D("4"), vat_rate=D("20"))
    turbot = OfferFactory(
        supplier=fishmonger,
        name="Turbot",
        unit="kg",
        price=D("32"),
        variable_weight=True,
        estimated_weight_kg=D("1.2"),
    )
    lines = services.basket_lines([(carrots.pk, "10"), (cider.pk, "6"), (turbot.pk, "1")])
    summary = services.totals([line.as_order_line() for line in lines])
    by_supplier = {str(part.supplier): part for part in summary.suppliers}
    assert by_supplier["Ferme des Sept Vallées"].excl_vat == D("42.00")  # 18 + 24
    assert by_supplier["Pêcherie d'Étaples"].excl_vat == D("38.40")  # 1.2 kg x 32
    assert by_supplier["Pêcherie d'Étaples"].missing == D("11.60")
    assert by_supplier["Ferme des Sept Vallées"].missing == D("0")
    assert summary.excl_vat == D("80.40")
    assert summary.vat_lines == [
        (D("5.50"), D("56.40"), D("3.10")),
        (D("20.00"), D("24.00"), D("4.80")),
    ]
    assert summary.incl_vat == D("88.30")
    assert summary.is_estimated


def test_submission_splits_the_order_per_supplier_and_freezes_prices(buyer, farm, slot):
    baker = make_supplier("Fournil de Berck", "Berck")
    bread = OfferFactory(supplier=baker, name="Pain de campagne", unit="piece", price=D("3.20"))
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2.10"))
    order = services.submit_order(
        buyer, slot, [(bread.pk, 4), (leeks.pk, 3)], idempotency_key="k1", now=NOW
    )
    assert order.status == Order.Status.SUBMITTED
    assert {str(so.supplier) for so in order.supplier_orders.all()} == {
        "Fournil de Berck",
        "Ferme des Sept Vallées",
    }
    Offer.objects.filter(pk=leeks.pk).update(price=D("9"))
    line = order.lines.get(offer=leeks)
    assert line.unit_price == D("2.10") and line.supplier_order.supplier == farm
    slot.refresh_from_db()
    assert slot.drops_booked == 1 and slot.kg_booked == D("3")


def test_same_idempotency_key_returns_the_same_order_and_adds_nothing(buyer, farm, slot):
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    first = services.submit_order(buyer, slot, [(leeks.pk, 3)], idempotency_key="abc", now=NOW)
    again = services.submit_order(buyer, slot, [(leeks.pk, 3)], idempotency_key="abc", now=NOW)
    assert again.pk == first.pk
    assert first.lines.get().quantity == D("3")


def test_a_second_submission_for_the_same_slot_amends_the_order(buyer, farm, slot):
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    eggs = OfferFactory(supplier=farm, name="Œufs", unit="piece")
    first = services.submit_order(buyer, slot, [(leeks.pk, 3)], idempotency_key="a", now=NOW)
    second = services.submit_order(
        buyer, slot, [(leeks.pk, 2), (eggs.pk, 30)], idempotency_key="b", now=NOW
    )
    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert dict(first.lines.values_list("name", "quantity")) == {"Poireaux": 5, "Œufs": 30}
    slot.refresh_from_db()
    assert slot.drops_booked == 1 and slot.kg_booked == D("5")


def test_after_cutoff_the_order_is_locked(buyer, farm, slot):
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    order = services.submit_order(buyer, slot, [(leeks.pk, 3)], now=NOW)
    after = slot.cutoff_at + datetime.timedelta(minutes=1)
    with pytest.raises(OrderRefused) as refused:
        services.submit_order(buyer, slot, [(leeks.pk, 1)], now=after)
    assert "fermées" in refused.value.messages[0] or "closed" in refused.value.messages[0]
    with pytest.raises(OrderRefused):
        services.cancel_order(order, now=after)
    before = slot.cutoff_at - datetime.timedelta(minutes=1)
    services.change_order(order, [(leeks.pk, 6)], now=before)
    assert order.lines.get().quantity == 6
    services.cancel_order(order, now=before)
    order.refresh_from_db()
    slot.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and slot.drops_booked == 0


def test_minimum_amount_refuses_with_what_is_missing(buyer, slot):
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples", minimum=D("50"))
    sole = OfferFactory(supplier=fishmonger, name="Sole", price=D("20"))
    with pytest.raises(OrderRefused) as refused:
        services.submit_order(buyer, slot, [(sole.pk, 2)], now=NOW)
    assert "10,00" in refused.value.messages[0]
    assert not Order.objects.exists()
    assert services.submit_order(buyer, slot, [(sole.pk, 3)], now=NOW)


def test_availability_is_never_oversold_and_the_refusal_says_what_is_left(buyer, farm, slot):
    other = make_buyer("Hôtel de la Plage", "Berck")
    asparagus = OfferFactory(supplier=farm, name="Asperges")
    limit(asparagus, slot, D("10"))
    services.submit_order(other, slot, [(asparagus.pk, 8)], now=NOW)
    with pytest.raises(OrderRefused) as refused:
        services.submit_order(buyer, slot, [(asparagus.pk, 3)], now=NOW)
    assert "2 kg" in refused.value.messages[0]
    assert Order.objects.count() == 1
    services.submit_order(buyer, slot, [(asparagus.pk, 2)], now=NOW)
    assert asparagus.availabilities.get().quantity_sold == 10


def test_a_supplier_cannot_set_or_lift_a_limit_below_what_is_already_sold(buyer, farm, slot):
    asparagus = OfferFactory(supplier=farm, name="Asperges")
    services.set_availability(asparagus, slot, D("10"))
    services.submit_order(buyer, slot, [(asparagus.pk, 6)], now=NOW)

    for too_low in (D("5"), None):  # a lower limit, or no limit at all
        with pytest.raises(OrderRefused) as refused:
            services.set_availability(asparagus, slot, too_low)
        assert refused.value.messages[0].startswith("6 ")  # "6 are already sold ..."
        assert asparagus.availabilities.get().quantity_available == 10

    services.set_availability(asparagus, slot, D("6"))  # down to what is sold: allowed
    assert asparagus.availabilities.get().quantity_available == 6
    spinach = OfferFactory(supplier=farm, name="Épinards")
    services.set_availability(spinach, slot, D("4"))
    services.set_availability(spinach, slot, None)  # nothing sold: the limit goes
    assert not spinach.availabilities.exists()


def test_slot_capacity_in_drops_is_never_exceeded(farm):
    slot = make_slot(datetime.date(2026, 6, 5), capacity_drops=1)
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    services.submit_order(make_buyer("A"), slot, [(leeks.pk, 1)], now=NOW)
    with pytest.raises(OrderRefused) as refused:
        services.submit_order(make_buyer("B"), slot, [(leeks.pk, 1)], now=NOW)
    assert "complète" in refused.value.messages[0] or "full" in refused.value.messages[0]


def test_supplier_adjusts_substitutes_refuses_and_buyer_gets_new_total(buyer, farm, slot):
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2"))
    carrots = OfferFactory(supplier=farm, name="Carottes", price=D("1"))
    kale = OfferFactory(supplier=farm, name="Chou kale", price=D("3"))
    beets = OfferFactory(supplier=farm, name="Betteraves", price=D("1.5"))
    order = services.submit_order(
        buyer, slot, [(leeks.pk, 10), (carrots.pk, 5), (kale.pk, 2)], now=NOW
    )
    lines = {line.name: line for line in order.lines.all()}
    services.adjust_line(lines["Poireaux"], action="reduce", quantity=D("6"), reason="Gel", now=NOW)
    services.adjust_line(
        lines["Carottes"],
        action="substitute",
        substitute=beets,
        quantity=D("5"),
        reason="Fin",
        now=NOW,
    )
    services.adjust_line(lines["Chou kale"], action="refuse", reason="Grêle", now=NOW)
    mail.outbox.clear()
    supplier_order = order.supplier_orders.get()
    services.confirm_supplier_order(supplier_order, note="Désolé", now=NOW)
    supplier_order.refresh_from_db()
    order.refresh_from_db()
    assert supplier_order.status == SupplierOrder.Status.ADJUSTED
    assert order.status == Order.Status.CONFIRMED
    statuses = dict(order.lines.values_list("name", "status"))
    assert statuses == {
        "Poireaux": "adjusted",
        "Carottes": "substituted",
        "Chou kale": "refused",
        "Betteraves": "confirmed",
    }
    summary = services.totals(order.lines.select_related("offer__supplier__producer"))
    assert summary.excl_vat == D("19.50")  # 6 x 2 + 5 x 1.5


def test_variable_weight_is_invoiced_at_the_final_weight(buyer, slot):
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples")
    turbot = OfferFactory(
        supplier=fishmonger,
        name="Turbot",
        price=D("30"),
        variable_weight=True,
        estimated_weight_kg=D("1.5"),
    )
    order = services.submit_order(buyer, slot, [(turbot.pk, 2)], now=NOW)
    line = order.lines.get()
    assert line.unit == "piece" and line.amount == D("90.00") and line.is_estimated
    services.record_final_weight(line, D("3.2"))
    summary = services.totals(order.lines.select_related("offer__supplier__producer"))
    assert summary.excl_vat == D("96.00") and summary.estimated_excl_vat == D("90.00")
    assert not summary.is_estimated


def test_submitting_20_lines_from_5_suppliers_runs_a_bounded_number_of_queries(
    buyer, slot, django_assert_max_num_queries
):
    def basket(count_suppliers, per_supplier, prefix):
        items = []
        for s in range(count_suppliers):
            supplier = make_supplier(f"{prefix} {s}", "Berck")
            for n in range(per_supplier):
                offer = OfferFactory(supplier=supplier, name=f"{prefix} {s}-{n}")
                limit(offer, slot, D("100"))
                items.append((offer.pk, 2))
        return items

    small, other = basket(1, 1, "Petit"), make_buyer("Petit")
    with django_assert_max_num_queries(30) as few:
        services.submit_order(other, slot, small, idempotency_key="s", now=NOW)
    big = basket(5, 4, "Grand")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        services.submit_order(buyer, slot, big, idempotency_key="b", now=NOW)
    assert OrderLine.objects.filter(order__buyer=buyer).count() == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_cancelling_a_slot_cancels_its_orders_and_tells_the_buyers(
    buyer, farm, slot, django_capture_on_commit_callbacks
):
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    order = services.submit_order(buyer, slot, [(leeks.pk, 3)], now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_slot(slot, "Jour férié")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert {tuple(m.to) for m in mail.outbox} == {
        ("bistrot@example.org",),
        ("ferme7v@example.org",),
    }
    assert "Jour férié" in mail.outbox[0].body


def test_cutoff_reminders_go_once_to_the_buyers_of_the_zone(buyer, slot):
    make_buyer("Loin", "Lille", username="loin")
    assert services.send_cutoff_reminders(now=slot.cutoff_at - datetime.timedelta(hours=3)) == 1
    assert [m.to for m in mail.outbox] == [["bistrot@example.org"]]
    assert services.send_cutoff_reminders(now=slot.cutoff_at - datetime.timedelta(hours=2)) == 0
