"""Factories for the supply portal: a Montreuillois zone, its round and slots, suppliers who
are directory producers, offers, buyers with member users."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from circuitcourt.home import groups
from circuitcourt.supply.models import (
    Buyer,
    BuyerMembership,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Offer,
    OfferAvailability,
    Supplier,
    SupplierMembership,
)
from tests.conftest import PASSWORD
from tests.factories import ProductCategoryFactory, commune, make_producer


class DeliveryZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryZone
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = "Montreuillois"

    @factory.post_generation
    def commune_names(self, create, extracted, **kwargs):
        for name in extracted or ["Montreuil", "Berck", "Étaples", "Le Touquet-Paris-Plage"]:
            self.communes.add(commune(name))


class DeliveryRoundFactory(factory.django.DjangoModelFactory):
    """Every day of the week by default, cut-off two days before at noon, departure 5:00."""

    class Meta:
        model = DeliveryRound

    name = factory.Sequence(lambda n: f"Tournée {n}")
    zone = factory.SubFactory(DeliveryZoneFactory)
    weekdays = [0, 1, 2, 3, 4, 5, 6]
    cutoff_days_before = 2
    cutoff_time = datetime.time(12, 0)
    departure_time = datetime.time(5, 0)


def make_slot(date, delivery_round=None, **fields):
    """A slot of the round on `date` with its cut-off and departure computed by the round."""
    delivery_round = delivery_round or DeliveryRoundFactory()
    fields.setdefault("capacity_drops", delivery_round.capacity_drops)
    fields.setdefault("capacity_kg", delivery_round.capacity_kg)
    return DeliverySlot.objects.create(
        round=delivery_round,
        date=date,
        cutoff_at=delivery_round.cutoff_at(date),
        departure_at=delivery_round.departure_at(date),
        **fields,
    )


def make_user(username, group_name):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_supplier(title, commune_name="Montreuil", minimum=Decimal("0"), username=None, **fields):
    """A directory producer who joined the platform, with a member user if `username`."""
    supplier = Supplier.objects.create(
        producer=make_producer(title, commune_name), minimum_order_amount=minimum, **fields
    )
    if username:
        SupplierMembership.objects.create(
            supplier=supplier, user=make_user(username, groups.PRODUCERS)
        )
    return supplier


def make_buyer(name, commune_name="Montreuil", username=None, **fields):
    fields.setdefault("kind", Buyer.Kind.RESTAURANT)
    buyer = Buyer.objects.create(
        name=name, address="1 place du Marché", commune=commune(commune_name), **fields
    )
    if username:
        BuyerMembership.objects.create(
            buyer=buyer, user=make_user(username, groups.RESTAURANT_BUYERS)
        )
    return buyer


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    supplier = None  # give one
    category = factory.LazyFunction(lambda: ProductCategoryFactory(name="Légumes"))
    name = factory.Sequence(lambda n: f"Produit {n}")
    unit = Offer.Unit.KG
    price = Decimal("2.50")
    vat_rate = Decimal("5.50")
    min_quantity = Decimal("1")
    quantity_step = Decimal("1")


def limit(offer, slot, quantity):
    return OfferAvailability.objects.create(offer=offer, slot=slot, quantity_available=quantity)
