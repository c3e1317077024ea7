"""Demo data of the supply portal: the Montreuillois trial territory.

Two delivery zones (the coast from Berck to Le Touquet and Étaples; Montreuil and its
hinterland), three rounds with their slots, the 20 demo producers nearest Montreuil as
suppliers with about 100 offers, 15 buyers (restaurants, hotels, bars) and orders in every
state. Idempotent: everything is found again by name, key or user name.

Demo users get unusable passwords, except one buyer and one supplier whose passwords are
printed in development (DEBUG), like `create_dev_admin` does for the admin.
"""

import datetime
import secrets
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from circuitcourt.directory.geo import haversine_km
from circuitcourt.directory.models import Commune, ProducerPage, ProductCategory
from circuitcourt.home import groups

from . import services
from .models import (
    Buyer,
    BuyerMembership,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Lot,
    Offer,
    OfferAvailability,
    Order,
    OrderLine,
    OrderSubmission,
    ProducerShowcase,
    StandingOrder,
    Statement,
    Supplier,
    SupplierMembership,
)

D = Decimal
SUPPLIERS = 20
OFFERS_PER_SUPPLIER = 5
DEMO_BUYER_USER = "demo.restaurant"
DEMO_SUPPLIER_USER = "demo.producteur"
ALL_YEAR = []

ZONES = [
    # name, communes, (hub commune, radius km) or None
    (
        "Côte d'Opale sud",
        [
            "Berck",
            "Berck-Plage",
            "Étaples",
            "Le Touquet-Paris-Plage",
            "Cucq",
            "Rang-du-Fliers",
            "Merlimont",
            "Camiers",
        ],
        None,
    ),
    ("Montreuil et arrière-pays", ["Montreuil"], ("Montreuil", D("15"))),
]
ROUNDS = [
    # name, zone, weekdays, days before, cut-off, departure, drops, kg
    (
        "Côte — mardi",
        "Côte d'Opale sud",
        [1],
        2,
        datetime.time(12),
        datetime.time(5, 30),
        12,
        D("600"),
    ),
    (
        "Côte — vendredi",
        "Côte d'Opale sud",
        [4],
        2,
        datetime.time(12),
        datetime.time(5, 30),
        15,
        D("800"),
    ),
    (
        "Arrière-pays — mercredi",
        "Montreuil et arrière-pays",
        [2],
        1,
        datetime.time(16),
        datetime.time(6),
        10,
        None,
    ),
]

# category slug -> (name, varieties, unit, price excl. VAT, VAT, min, step, months,
#                   estimated kg per piece for variable weight, pack size)
OFFERS = {
    "pommes": (
        "Pommes",
        ["Reinette grise", "Jonagold", "Boskoop"],
        "kg",
        "2.20",
        "5.50",
        "5",
        "5",
        [1, 2, 3, 4, 9, 10, 11, 12],
        None,
        "cagette de 5 kg",
    ),
    "poires": (
        "Poires",
        ["Conférence", "Comice"],
        "kg",
        "2.60",
        "5.50",
        "5",
        "5",
        [8, 9, 10, 11, 12],
        None,
        "cagette de 5 kg",
    ),
    "fraises": (
        "Fraises",
        ["Gariguette", "Charlotte"],
        "crate",
        "9.50",
        "5.50",
        "1",
        "1",
        [5, 6, 7, 8, 9],
        None,
        "barquettes 2 × 500 g",
    ),
    "rhubarbe": ("Rhubarbe", [""], "kg", "3.20", "5.50", "2", "1", [4, 5, 6, 7], None, ""),
    "petits-fruits": (
        "Framboises",
        ["Tulameen"],
        "crate",
        "12.00",
        "5.50",
        "1",
        "1",
        [6, 7, 8, 9],
        None,
        "8 barquettes de 125 g",
    ),
    "endives": (
        "Chicons",
        ["de pleine terre"],
        "kg",
        "3.40",
        "5.50",
        "2",
        "1",
        [1, 2, 3, 4, 10, 11, 12],
        None,
        "",
    ),
    "poireaux": (
        "Poireaux",
        ["d'hiver", "primeur"],
        "kg",
        "2.10",
        "5.50",
        "5",
        "1",
        [1, 2, 3, 9, 10, 11, 12],
        None,
        "",
    ),
    "pommes-de-terre": (
        "Pommes de terre",
        ["Bintje", "Charlotte", "Ratte du Touquet"],
        "kg",
        "1.20",
        "5.50",
        "10",
        "5",
        ALL_YEAR,
        None,
        "sac de 10 kg",
    ),
    "choux": (
        "Chou",
        ["vert frisé", "rouge", "chou-fleur"],
        "piece",
        "1.90",
        "5.50",
        "5",
        "1",
        [1, 2, 3, 9, 10, 11, 12],
        None,
        "",
    ),
    "carottes": (
        "Carottes",
        ["des sables", "botte primeur"],
        "kg",
        "1.60",
        "5.50",
        "5",
        "1",
        ALL_YEAR,
        None,
        "",
    ),
    "ail": (
        "Ail",
        ["fumé d'Arleux"],
        "bunch",
        "6.50",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "tresse de 10 têtes",
    ),
    "oignons": ("Oignons", ["jaunes", "rosés"], "kg", "1.50", "5.50", "5", "5", ALL_YEAR, None, ""),
    "betteraves": (
        "Betteraves",
        ["rouges cuites", "chioggia"],
        "kg",
        "2.40",
        "5.50",
        "2",
        "1",
        ALL_YEAR,
        None,
        "",
    ),
    "salades": (
        "Salade",
        ["batavia", "feuille de chêne", "mâche"],
        "piece",
        "1.10",
        "5.50",
        "6",
        "6",
        [4, 5, 6, 7, 8, 9, 10],
        None,
        "colis de 6",
    ),
    "champignons": (
        "Champignons",
        ["de Paris", "pleurotes"],
        "kg",
        "6.80",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "",
    ),
    "cresson": (
        "Cresson",
        ["de fontaine"],
        "bunch",
        "1.80",
        "5.50",
        "5",
        "5",
        [1, 2, 3, 4, 5, 10, 11, 12],
        None,
        "",
    ),
    "legumes-secs": (
        "Lentilles",
        ["blondes"],
        "kg",
        "5.20",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "sachet de 1 kg",
    ),
    "maroilles": (
        "Maroilles AOP",
        ["entier", "sorbais"],
        "kg",
        "19.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        D("0.75"),
        "",
    ),
    "mimolette": (
        "Mimolette",
        ["vieille"],
        "kg",
        "22.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        D("2.5"),
        "boule",
    ),
    "vieux-lille": ("Vieux-Lille", [""], "kg", "21.00", "5.50", "1", "1", ALL_YEAR, D("0.7"), ""),
    "boulette-d-avesnes": (
        "Boulette d'Avesnes",
        [""],
        "piece",
        "4.60",
        "5.50",
        "2",
        "1",
        ALL_YEAR,
        None,
        "",
    ),
    "fromages-de-chevre": (
        "Fromage de chèvre",
        ["frais", "cendré"],
        "piece",
        "3.20",
        "5.50",
        "4",
        "2",
        [3, 4, 5, 6, 7, 8, 9, 10],
        None,
        "",
    ),
    "lait": (
        "Lait cru entier",
        [""],
        "litre",
        "1.30",
        "5.50",
        "10",
        "5",
        ALL_YEAR,
        None,
        "bidon de 5 l",
    ),
    "beurre": (
        "Beurre cru",
        ["demi-sel", "doux"],
        "kg",
        "14.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "motte de 1 kg",
    ),
    "creme": ("Crème crue", ["épaisse"], "litre", "6.50", "5.50", "1", "1", ALL_YEAR, None, ""),
    "yaourts": (
        "Yaourts fermiers",
        ["nature"],
        "crate",
        "7.20",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "12 pots",
    ),
    "boeuf": (
        "Bœuf",
        ["faux-filet", "paleron à braiser"],
        "kg",
        "24.00",
        "5.50",
        "2",
        "1",
        ALL_YEAR,
        None,
        "sous vide",
    ),
    "porc": (
        "Porc",
        ["échine", "poitrine"],
        "kg",
        "11.50",
        "5.50",
        "2",
        "1",
        ALL_YEAR,
        None,
        "sous vide",
    ),
    "agneau": (
        "Agneau de prés salés",
        ["gigot"],
        "kg",
        "26.00",
        "5.50",
        "1",
        "1",
        [6, 7, 8, 9, 10, 11],
        D("2.2"),
        "",
    ),
    "volailles": (
        "Poulet fermier",
        ["Label Rouge"],
        "kg",
        "9.80",
        "5.50",
        "2",
        "1",
        ALL_YEAR,
        D("1.8"),
        "",
    ),
    "gibier": ("Gibier", ["chevreuil"], "kg", "19.50", "5.50", "1", "1", [10, 11, 12, 1], None, ""),
    "moules": (
        "Moules de bouchot",
        ["de la baie"],
        "kg",
        "4.50",
        "5.50",
        "5",
        "5",
        [7, 8, 9, 10, 11, 12, 1],
        None,
        "sac de 5 kg",
    ),
    "poissons-cote-d-opale": (
        "Poisson de la Côte d'Opale",
        ["turbot", "bar de ligne", "sole"],
        "kg",
        "28.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        D("1.4"),
        "",
    ),
    "crevettes-grises": (
        "Crevettes grises",
        ["cuites"],
        "kg",
        "32.00",
        "5.50",
        "1",
        "0.5",
        [4, 5, 6, 7, 8, 9, 10],
        None,
        "",
    ),
    "bieres": (
        "Bière",
        ["blonde", "ambrée", "triple"],
        "crate",
        "28.00",
        "20.00",
        "1",
        "1",
        ALL_YEAR,
        None,
        "12 × 33 cl",
    ),
    "cidres": (
        "Cidre",
        ["brut", "doux"],
        "crate",
        "24.00",
        "20.00",
        "1",
        "1",
        ALL_YEAR,
        None,
        "6 × 75 cl",
    ),
    "jus-de-pommes": (
        "Jus de pommes",
        ["pur jus"],
        "crate",
        "14.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "6 × 1 l",
    ),
    "genievre": (
        "Genièvre",
        [""],
        "litre",
        "28.00",
        "20.00",
        "1",
        "1",
        ALL_YEAR,
        None,
        "bouteille de 70 cl",
    ),
    "miel": (
        "Miel",
        ["de fleurs", "de colza"],
        "kg",
        "14.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "pot de 1 kg",
    ),
    "confitures": (
        "Confiture",
        ["fraise", "rhubarbe"],
        "crate",
        "18.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "6 pots",
    ),
    "farines": (
        "Farine",
        ["T80", "de sarrasin"],
        "kg",
        "1.90",
        "5.50",
        "5",
        "5",
        ALL_YEAR,
        None,
        "sac de 5 kg",
    ),
    "oeufs": (
        "Œufs plein air",
        ["calibre moyen"],
        "crate",
        "9.00",
        "5.50",
        "1",
        "1",
        ALL_YEAR,
        None,
        "plateau de 30",
    ),
    "chicoree": ("Chicorée", ["liquide"], "piece", "4.20", "5.50", "3", "1", ALL_YEAR, None, ""),
}

BUYERS = [
    # name, kind, commune, address, opens, instructions
    (
        "Le Bistrot des Remparts",
        "restaurant",
        "Montreuil",
        "12 place du Général de Gaulle",
        "09:00",
        "Entrée cuisine par la ruelle, sonner.",
    ),
    ("Auberge de la Canche", "restaurant", "Montreuil", "3 rue de la Chaîne", "08:30", ""),
    (
        "Hôtel du Château",
        "hotel",
        "Montreuil",
        "4 chaussée des Capucins",
        "07:00",
        "Petits-déjeuners : livrer avant 7 h 30.",
    ),
    ("Le Café de la Place", "bar", "Montreuil", "1 place Darnétal", "08:00", ""),
    ("La Table du Marais", "restaurant", "Berck", "27 rue Carnot", "09:30", ""),
    (
        "Hôtel de la Baie",
        "hotel",
        "Berck",
        "2 esplanade Parmentier",
        "06:30",
        "Quai de livraison à l'arrière.",
    ),
    ("Le Comptoir de l'Entonnoir", "bar", "Berck", "15 place de l'Entonnoir", "10:00", ""),
    ("Les Terrasses d'Étaples", "restaurant", "Étaples", "5 quai de la Canche", "09:00", ""),
    (
        "La Marée d'Étaples",
        "restaurant",
        "Étaples",
        "9 boulevard de l'Impératrice",
        "08:00",
        "Chambre froide à gauche.",
    ),
    ("Hôtel des Dunes", "hotel", "Le Touquet-Paris-Plage", "48 rue de Metz", "06:45", ""),
    (
        "Le Bar de la Plage",
        "bar",
        "Le Touquet-Paris-Plage",
        "2 boulevard Docteur Jules Pouget",
        "10:00",
        "",
    ),
    (
        "Brasserie du Marché couvert",
        "restaurant",
        "Le Touquet-Paris-Plage",
        "22 rue Jean Monnet",
        "08:00",
        "",
    ),
    ("Le Relais de Cucq", "restaurant", "Cucq", "80 avenue de Trépied", "09:00", ""),
    (
        "Gîte et Table d'hôtes des Sept Vallées",
        "other",
        "Montreuil",
        "Route de Neuville",
        "08:00",
        "",
    ),
    ("Le Petit Merlimontois", "bar", "Merlimont", "6 rue de la Mer", "09:00", ""),
]


def commune(name):
    return Commune.objects.filter(name=name).order_by("-population").first()


def load_supply_demo(stdout=None):
    """Create (or complete) the Montreuillois set-up; returns the demo users' passwords."""

    def say(text):
        if stdout is not None:
            stdout.write(f"  {text}")

    zones = _zones()
    _rounds(zones)
    slots = services.generate_slots(weeks=4)
    say(f"supply: {len(zones)} zones, {DeliveryRound.objects.count()} rounds, {slots} new slots")
    suppliers = _suppliers()
    offers = _offers(suppliers)
    say(f"supply: {len(suppliers)} suppliers, {offers} offers")
    buyers = _buyers()
    say(f"supply: {len(buyers)} buyers")
    created = _orders(buyers, suppliers)
    say(f"supply: {created} new demo orders")
    _standing_order_and_statements(buyers, suppliers, say)
    say(f"supply: {_lots(buyers)} new demo lots")
    return _demo_credentials(buyers[0], suppliers[0], say)


def _zones():
    zones = []
    for name, names, radius in ZONES:
        zone, _created = DeliveryZone.objects.get_or_create(name=name)
        if radius:
            hub = commune(radius[0])
            zone.hub_latitude, zone.hub_longitude, zone.radius_km = (
                hub.latitude,
                hub.longitude,
                radius[1],
            )
            zone.save()
        zone.communes.add(*[c for c in map(commune, names) if c is not None])
        zones.append(zone)
    return {zone.name: zone for zone in zones}


def _rounds(zones):
    for name, zone, weekdays, days, cutoff, departure, drops, kg in ROUNDS:
        DeliveryRound.objects.update_or_create(
            name=name,
            defaults={
                "zone": zones[zone],
                "weekdays": weekdays,
                "cutoff_days_before": days,
                "cutoff_time": cutoff,
                "departure_time": departure,
                "capacity_drops": drops,
                "capacity_kg": kg,
            },
        )


def _suppliers():
    """The demo producers nearest Montreuil, as suppliers (their pick-up at their farm)."""
    montreuil = commune("Montreuil")
    producers = ProducerPage.objects.filter(
        is_fictional=True, commune__isnull=False
    ).select_related("commune")
    nearest = sorted(
        producers,
        key=lambda p: (
            haversine_km(
                montreuil.latitude, montreuil.longitude, p.commune.latitude, p.commune.longitude
            ),
            p.pk,
        ),
    )[:SUPPLIERS]
    suppliers = []
    for rank, producer in enumerate(nearest):
        supplier, _created = Supplier.objects.get_or_create(
            producer=producer,
            defaults={
                "pickup_address": f"Ferme, {producer.commune.name}",
                "pickup_commune": producer.commune,
                "lead_time_hours": 12 + 6 * (rank % 3),
                "minimum_order_amount": [D("0"), D("30"), D("50")][rank % 3],
            },
        )
        suppliers.append(supplier)
    return suppliers


def _offers(suppliers):
    categories = {c.pk: c for c in ProductCategory.objects.all()}
    by_slug = {c.slug: c for c in categories.values()}
    fallback = ["pommes-de-terre", "poireaux", "oeufs", "carottes", "pommes"]
    count = 0
    for rank, supplier in enumerate(suppliers):
        own = [
            categories[category_id].slug
            for category_id in supplier.producer.products.values_list("category_id", flat=True)
            if categories[category_id].slug in OFFERS
        ]
        # Its own products first, then their neighbours in the taxonomy (a cheese maker
        # sells other cheeses), then staples: five different offers.
        parents = {by_slug[slug].parent_id for slug in own}
        neighbours = sorted(
            c.slug for c in categories.values() if c.parent_id in parents and c.slug in OFFERS
        )
        slugs = list(dict.fromkeys(own + neighbours + fallback))
        choices = [(slug, variety) for slug in slugs for variety in OFFERS[slug][1]]
        for slug, variety in choices[:OFFERS_PER_SUPPLIER]:
            name, _v, unit, price, vat, minimum, step, months, weight, pack = OFFERS[slug]
            Offer.objects.get_or_create(
                supplier=supplier,
                name=name,
                variety=variety,
                defaults={
                    "category": by_slug[slug],
                    "unit": unit,
                    "price": D(price) + D(rank % 4) / 10,
                    "vat_rate": D(vat),
                    "min_quantity": D(minimum),
                    "quantity_step": D(step),
                    "months_available": months,
                    "variable_weight": weight is not None,
                    "estimated_weight_kg": weight,
                    "pack_size": pack,
                },
            )
        count += supplier.offers.count()
    return count


def _member(model, username, group_name, **organisation):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
    model.objects.get_or_create(user=user, defaults=organisation)
    return user


def _buyers():
    buyers = []
    for n, (name, kind, place, address, opens, instructions) in enumerate(BUYERS, 1):
        where = commune(place)
        buyer, _created = Buyer.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "commune": where,
                "address": address,
                "latitude": where.latitude,
                "longitude": where.longitude,
                "delivery_opens": datetime.time.fromisoformat(opens),
                "delivery_instructions": instructions,
                "vat_number": f"FR{n:02d}{123456789 + n}",
            },
        )
        username = DEMO_BUYER_USER if n == 1 else f"demo.acheteur{n:02d}"
        _member(BuyerMembership, username, groups.RESTAURANT_BUYERS, buyer=buyer)
        buyers.append(buyer)
    return buyers


def _orders(buyers, suppliers):
    """Orders in every state, for past and coming slots; each found again by its key."""
    today = timezone.localdate()
    coast = DeliveryRound.objects.get(name="Côte — vendredi")
    inland = DeliveryRound.objects.get(name="Arrière-pays — mercredi")
    offers = list(Offer.objects.filter(supplier__in=suppliers).order_by("pk"))
    created = 0
    plans = [
        # key, buyer index, round, days from today, final state
        ("demo-order-closed", 4, coast, -14, "closed"),
        ("demo-order-delivered", 5, coast, -7, "delivered"),
        ("demo-order-in-delivery", 0, inland, 0, "in_delivery"),
        ("demo-order-confirmed", 7, coast, 4, "confirmed"),
        ("demo-order-adjusted", 8, coast, 4, "adjusted"),
        ("demo-order-submitted", 9, coast, 4, "submitted"),
        ("demo-order-cancelled", 10, coast, 4, "cancelled"),
        ("demo-order-bistrot", 0, inland, 8, "submitted"),
    ]
    for key, index, delivery_round, days, state in plans:
        if OrderSubmission.objects.filter(idempotency_key=key).exists():
            continue
        slot = _slot(delivery_round, today + datetime.timedelta(days=days))
        before = slot.cutoff_at - datetime.timedelta(hours=6)
        in_season = [o for o in offers if services.offer_available_in(o, slot.date.month)]
        start = (index * 7) % len(in_season)
        items = [
            (offer.pk, offer.min_quantity) for offer in (in_season[start:] + in_season[:start])[:4]
        ]
        # Reach each supplier's minimum: take enough of the first offer of each.
        lines = services.basket_lines(items)
        summary = services.totals([line.as_order_line() for line in lines])
        quantities = dict(items)
        for part in summary.suppliers:
            if part.missing:
                line = part.lines[0]
                per_step = line.amount / line.quantity * line.offer.quantity_step
                steps = (part.missing / per_step).to_integral_value(rounding=ROUND_CEILING) + 1
                quantities[line.offer.pk] += steps * line.offer.quantity_step
        order = services.submit_order(
            buyers[index],
            slot,
            list(quantities.items()),
            idempotency_key=key,
            now=before,
            notify=False,
        )
        created += 1
        if state == "cancelled":
            services.cancel_order(order, now=before, notify=False)
            continue
        if state == "submitted":
            continue
        for n, supplier_order in enumerate(order.supplier_orders.all()):
            if state == "adjusted" and n == 0:
                line = supplier_order.lines.first()
                services.adjust_line(
                    line, action="refuse", reason="Récolte abîmée par la grêle", now=before
                )
            for line in supplier_order.lines.filter(variable_weight=True):
                services.record_final_weight(
                    line, line.quantity * line.estimated_weight_kg * D("1.05")
                )
            services.confirm_supplier_order(supplier_order, now=before, notify=False)
        if state in ("in_delivery", "delivered", "closed"):
            services.start_delivery(slot)
        if state in ("delivered", "closed"):
            services.mark_delivered(Order.objects.get(pk=order.pk))
            DeliverySlot.objects.filter(pk=slot.pk).update(status=DeliverySlot.Status.DONE)
        if state == "closed":
            services.close_order(Order.objects.get(pk=order.pk))
    # A limited catch for a coming coast delivery, to show availability per slot.
    # The last generated slot has no demo order yet, so its counter starts right.
    next_slot = DeliverySlot.objects.filter(round=coast, date__gt=today).order_by("-date").first()
    fish = Offer.objects.filter(supplier__in=suppliers, variable_weight=True).first()
    if next_slot and fish:
        OfferAvailability.objects.get_or_create(
            offer=fish, slot=next_slot, defaults={"quantity_available": D("12")}
        )
    return created


def _slot(delivery_round, date):
    """The round's slot nearest after `date` on one of its weekdays (past ones included)."""
    while date.weekday() not in delivery_round.weekdays:
        date += datetime.timedelta(days=1)
    slot, _created = DeliverySlot.objects.get_or_create(
        round=delivery_round,
        date=date,
        defaults={
            "cutoff_at": delivery_round.cutoff_at(date),
            "departure_at": delivery_round.departure_at(date),
            "capacity_drops": delivery_round.capacity_drops,
            "capacity_kg": delivery_round.capacity_kg,
        },
    )
    return slot


def _demo_credentials(buyer, supplier, say):
    """In development, give the demo buyer and supplier a fresh password and print them."""
    supplier_user = _member(
        SupplierMembership, DEMO_SUPPLIER_USER, groups.PRODUCERS, supplier=supplier
    )
    buyer_user = buyer.members.get(username=DEMO_BUYER_USER)
    if not settings.DEBUG:
        return {}
    credentials = {}
    for user, role in ((buyer_user, buyer), (supplier_user, supplier)):
        password = secrets.token_urlsafe(10)
        user.set_password(password)
        user.save(update_fields=["password"])
        credentials[user.username] = password
        say(f"supply portal /portail/ — {role}: user {user.username}  password {password}")
    return credentials


def _standing_order_and_statements(buyers, suppliers, say):
    """Invoicing identities (fictional), the demo restaurant's standing order for its
    Wednesday round, and the statements of the month of the oldest demo delivery."""
    from . import statements

    for n, supplier in enumerate(suppliers, 1):
        if not supplier.siret:
            supplier.siret = f"{900000000 + n:09d}{n:05d}"
            supplier.vat_number = f"FR{n % 97:02d}{900000000 + n:09d}"
            supplier.billing_postcode = "62170"
            supplier.save(update_fields=["siret", "vat_number", "billing_postcode"])
    for n, buyer in enumerate(buyers, 1):
        if not buyer.siret:
            buyer.siret = f"{800000000 + n:09d}{n:05d}"
            buyer.save(update_fields=["siret"])
    buyer = buyers[0]
    if not StandingOrder.objects.filter(buyer=buyer).exists():
        inland = DeliveryRound.objects.get(name="Arrière-pays — mercredi")
        month = timezone.localdate().month
        offers = [
            offer
            for offer in Offer.objects.filter(supplier=suppliers[0], is_active=True)
            if services.offer_available_in(offer, month) and not offer.variable_weight
        ][:2]
        services.save_standing_order(
            buyer,
            submission=StandingOrder.Submission.MANUAL,
            auto_submit_hours=6,
            lines=[
                (day, offer, offer.min_quantity * 2) for offer in offers for day in inland.weekdays
            ],
        )
        say(f"supply: a standing order for {buyer}")
    if not Statement.objects.exists():
        month = timezone.localdate() - datetime.timedelta(days=14)
        issued = statements.issue_statements(month)
        say(f"supply: {len(issued)} statements issued for {month:%m/%Y}")


# Lots and traceability


def _lots(buyers):
    """Lots on the delivered demo orders (one line of the order on its way left without, to
    show the flag), and the first buyer's public page of local producers."""
    from . import lots

    created = 0
    lines = (
        OrderLine.objects.filter(
            order__status__in=[
                Order.Status.IN_DELIVERY,
                Order.Status.DELIVERED,
                Order.Status.CLOSED,
            ],
            lots__isnull=True,
        )
        .exclude(status__in=[OrderLine.Status.REFUSED, OrderLine.Status.SUBSTITUTED])
        .select_related("order__slot", "offer__supplier__producer__commune", "supplier_order")
        .order_by("pk")
    )
    skipped_one = False
    for line in lines:
        if line.order.status == Order.Status.IN_DELIVERY and not skipped_one:
            skipped_one = True
            continue
        date = line.order.slot.date
        supplier = line.offer.supplier
        code = f"{date:%y%m%d}-{line.offer_id:03d}"
        lot = Lot.objects.filter(supplier=supplier, code=code).first()
        if lot is None:
            lot = lots.declare_lot(
                supplier,
                offer=line.offer,
                code=code,
                produced_on=date - datetime.timedelta(days=1),
                keeps_until=date + datetime.timedelta(days=5 if line.variable_weight else 12),
                date_kind=Lot.DateKind.USE_BY if line.variable_weight else Lot.DateKind.BEST_BEFORE,
                origin_commune=supplier.producer.commune,
                quantity=line.delivered_quantity * 10,
            )
            created += 1
        lots.allocate(line, lot, line.delivered_quantity)
    buyer = buyers[5]
    if not ProducerShowcase.objects.filter(buyer=buyer).exists():
        ProducerShowcase.objects.create(
            buyer=buyer,
            slug=slugify(buyer.name),
            is_published=True,
            months=6,
            introduction="Nos légumes, poissons et fromages viennent de ces fermes.",
        )
    return created
