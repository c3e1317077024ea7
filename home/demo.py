"""Demo content of the partners: their territories and contacts, their news and events.

Loaded by `load_demo_data` after the directory (the partners are its reference data). Safe
to run again: pages are found by their slug and updated, never duplicated; event dates are
relative to today, so the agenda always has upcoming events.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from circuitcourt.directory.models import Commune, Partner, ProducerPage

from .models import (
    EventIndexPage,
    EventPage,
    EventPageProducer,
    NewsIndexPage,
    NewsPage,
    NewsPageProducer,
)
from .services import ensure_editorial_pages, ensure_partner_section

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CHAMBER = None  # pages of the chamber itself, under /actualites/ and /agenda/

# Contacts are invented (example.org): the demo must never write to real people.
PARTNER_DETAILS = {
    "agence-attractivite-montreuillois": {
        "description": (
            "L'agence fait connaître le Montreuillois, de la Côte d'Opale à la vallée de la "
            "Canche : ses marchés, ses fermes et ses tables qui cuisinent local."
        ),
        "contact_name": "Service circuits courts",
        "email": "circuits-courts.montreuillois@example.org",
        "phone": "03 21 00 00 01",
        "territory": [
            "Montreuil",
            "Berck",
            "Étaples",
            "Le Touquet-Paris-Plage",
            "Hesdin",
            "Rang-du-Fliers",
            "Cucq",
            "Merlimont",
            "Campagne-lès-Hesdin",
        ],
    },
    "communaute-urbaine-arras": {
        "description": (
            "La Communauté urbaine accompagne les producteurs de l'Arrageois et les "
            "marchés de ses 46 communes."
        ),
        "contact_name": "Mission agriculture et alimentation",
        "email": "alimentation.arras@example.org",
        "phone": "03 21 00 00 02",
        "territory": [
            "Arras",
            "Saint-Laurent-Blangy",
            "Achicourt",
            "Dainville",
            "Beaurains",
            "Wailly",
            "Saint-Nicolas",
            "Anzin-Saint-Aubin",
            "Tilloy-lès-Mofflaines",
        ],
    },
    "parc-naturel-regional-avesnois": {
        "description": (
            "Bocage, vergers haute-tige et Maroilles : le Parc fait vivre les savoir-faire "
            "et les produits de l'Avesnois."
        ),
        "contact_name": "Pôle agriculture durable",
        "email": "agriculture.avesnois@example.org",
        "phone": "03 27 00 00 03",
        "territory": [
            "Maroilles",
            "Avesnes-sur-Helpe",
            "Fourmies",
            "Landrecies",
            "Le Quesnoy",
            "Trélon",
            "Sains-du-Nord",
        ],
    },
    "bienvenue-a-la-ferme-hauts-de-france": {
        "description": (
            "Le réseau des agriculteurs qui accueillent à la ferme : vente directe, "
            "goûters, visites et marchés de producteurs dans toute la région."
        ),
        "contact_name": "Animation du réseau",
        "email": "bienvenue-a-la-ferme.hdf@example.org",
        "phone": "03 22 00 00 04",
        "territory": [],
    },
}

MONTREUILLOIS = "agence-attractivite-montreuillois"
ARRAS = "communaute-urbaine-arras"
AVESNOIS = "parc-naturel-regional-avesnois"
NETWORK = "bienvenue-a-la-ferme-hauts-de-france"

# (partner slug, days ago, title, lead, tags)
NEWS = [
    (
        AVESNOIS,
        2,
        "La fête du Maroilles prépare sa prochaine édition",
        "Producteurs fermiers, affineurs et confréries se retrouveront sur la place de "
        "Maroilles : l'appel aux exposants est ouvert.",
        ["fromage", "Maroilles"],
    ),
    (
        MONTREUILLOIS,
        5,
        "Les marchés de producteurs du Montreuillois tout l'hiver",
        "De Montreuil à Berck, les marchés du samedi matin continuent pendant l'hiver avec "
        "les légumes de saison, le cidre et les fromages de la Côte d'Opale.",
        ["marchés", "hiver"],
    ),
    (
        ARRAS,
        8,
        "Une nouvelle halle de producteurs à Arras",
        "Douze fermes de l'Arrageois ouvrent ensemble un point de vente près de la place "
        "des Héros : légumes, volailles, produits laitiers et bière artisanale.",
        ["magasin de producteurs"],
    ),
    (
        NETWORK,
        12,
        "Goûters à la ferme : les inscriptions sont ouvertes",
        "Les fermes du réseau accueillent les familles pour un goûter fait maison et une "
        "visite de l'élevage pendant les vacances scolaires.",
        ["ferme", "familles"],
    ),
    (
        MONTREUILLOIS,
        20,
        "Restaurants du Montreuillois : cuisiner les produits du coin",
        "Une vingtaine de restaurateurs s'engagent à servir chaque semaine des produits de "
        "fermes situées à moins de 50 km.",
        ["restauration"],
    ),
    (
        AVESNOIS,
        26,
        "Vergers haute-tige : la récolte des pommes est lancée",
        "Les pommes et les poires des vergers du bocage sont pressées en jus et en cidre "
        "dans les fermes du Parc.",
        ["fruits", "vergers"],
    ),
    (
        CHAMBER,
        4,
        "Le chicon de pleine terre est de retour",
        "Cultivée en couche dans les Flandres et l'Arrageois, l'endive de pleine terre arrive "
        "chez les producteurs : où la trouver près de chez vous.",
        ["légumes", "saison"],
    ),
    (
        CHAMBER,
        15,
        "Circuit Court référence les producteurs de la région",
        "Producteurs, rejoignez l'annuaire : votre ferme, vos produits et vos points de vente "
        "visibles par le public et par les restaurateurs.",
        ["annuaire"],
    ),
]

# (partner slug, days from today, start "HH:MM", hours, kind, title, lead, place, commune,
#  is_free, price)
EVENTS = [
    (
        MONTREUILLOIS,
        3,
        "08:30",
        4.5,
        EventPage.Kind.MARKET,
        "Marché de producteurs de Montreuil",
        "Légumes, fromages, volailles et cidre : les fermes du Montreuillois sur la place.",
        "Place du Général de Gaulle",
        "Montreuil",
        True,
        None,
    ),
    (
        AVESNOIS,
        9,
        "10:00",
        8,
        EventPage.Kind.FAIR,
        "Fête du Maroilles",
        "Le grand rendez-vous des producteurs de Maroilles : dégustations, marché fermier et "
        "défilé des confréries.",
        "Place de l'Église",
        "Maroilles",
        True,
        None,
    ),
    (
        NETWORK,
        11,
        "14:00",
        4,
        EventPage.Kind.OPEN_FARM,
        "Ferme ouverte à Wailly",
        "Visite de l'élevage laitier, traite à 17 h et goûter à la ferme.",
        "Ferme du Bois",
        "Wailly",
        True,
        None,
    ),
    (
        ARRAS,
        16,
        "18:00",
        3,
        EventPage.Kind.TASTING,
        "Dégustation de bières de l'Arrageois",
        "Trois brasseries fermières présentent leurs bières au houblon des Flandres.",
        "Halle des producteurs",
        "Arras",
        False,
        "5.00",
    ),
    (
        MONTREUILLOIS,
        23,
        "10:00",
        7,
        EventPage.Kind.MARKET,
        "Marché de Noël des producteurs à Berck",
        "Foie gras, volailles festives, chocolats et bières de la Côte d'Opale pour les fêtes.",
        "Esplanade Parmentier",
        "Berck",
        True,
        None,
    ),
    (
        AVESNOIS,
        30,
        "14:00",
        3,
        EventPage.Kind.TASTING,
        "Atelier cidre et jus de pommes à Fourmies",
        "Du verger au pressoir : atelier de dégustation avec les arboriculteurs du bocage.",
        "Écomusée de l'Avesnois",
        "Fourmies",
        False,
        "3.00",
    ),
    (
        CHAMBER,
        37,
        "09:00",
        8,
        EventPage.Kind.FAIR,
        "Salon des circuits courts des Hauts-de-France",
        "Producteurs, restaurateurs et collectivités se rencontrent pour développer les "
        "circuits courts dans la région.",
        "Grand Palais",
        "Lille",
        False,
        "8.00",
    ),
    (
        NETWORK,
        44,
        "10:00",
        6,
        EventPage.Kind.OPEN_FARM,
        "Portes ouvertes à la ferme à Hazebrouck",
        "Découverte de la culture du chicon et vente directe à la ferme.",
        "Ferme des Monts",
        "Hazebrouck",
        True,
        None,
    ),
    (
        ARRAS,
        -12,
        "08:00",
        5,
        EventPage.Kind.MARKET,
        "Marché fermier de la place des Héros",
        "Le marché fermier d'automne sur la place des Héros.",
        "Place des Héros",
        "Arras",
        True,
        None,
    ),
    (
        MONTREUILLOIS,
        -30,
        "10:00",
        6,
        EventPage.Kind.FAIR,
        "Fête de la pomme à Hesdin",
        "Pressage, variétés anciennes et marché du terroir au bord de la Canche.",
        "Place d'Armes",
        "Hesdin",
        True,
        None,
    ),
]


def commune_named(name):
    return Commune.objects.filter(name=name).order_by("-population").first()


def load_partner_details(stdout=None):
    """Territories and contacts of the demo partners, and their sections."""
    for slug, details in PARTNER_DETAILS.items():
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None:
            continue
        fields = {key: value for key, value in details.items() if key != "territory"}
        changed = [name for name, value in fields.items() if getattr(partner, name) != value]
        for name in changed:
            setattr(partner, name, fields[name])
        if changed:
            partner.save(update_fields=changed)
        communes = [commune_named(name) for name in details["territory"]]
        partner.territory.set([commune for commune in communes if commune])
        ensure_partner_section(partner)


def _related_producers(partner):
    """Two live demo producers of the partner's territory (or of its network)."""
    producers = ProducerPage.objects.live().order_by("pk")
    if partner is not None:
        producers = producers.filter(
            Q(commune__in=partner.territory.all()) | Q(partners=partner)
        ).distinct()
    return list(producers[:2])


def _upsert(parent, model, link_model, slug, fields, tags=()):
    """Create the page under parent, or update it; publish only what changed."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, live=False, **fields)
        if tags:
            page.tags.add(*tags)
        for producer in _related_producers(getattr(parent.specific, "partner", None)):
            page.related_producers.add(link_model(producer=producer))
        parent.add_child(instance=page)
        page.save_revision().publish()
        return "created"
    changed = [name for name, value in fields.items() if getattr(page, name) != value]
    if changed or not page.live or page.has_unpublished_changes:
        for name in changed:
            setattr(page, name, fields[name])
        page.save_revision().publish()
        return "updated"
    return ""


def _parent(partner_slug, index):
    if partner_slug is CHAMBER:
        return index
    return Partner.objects.get(slug=partner_slug).section


def load_editorial_demo(stdout=None):
    """Partners' details and sections, ~8 news items and ~10 events (most upcoming)."""
    ensure_editorial_pages()
    load_partner_details(stdout)
    news_index, event_index = NewsIndexPage.get_or_create(), EventIndexPage.get_or_create()
    today = timezone.localdate()
    counts = {"created": 0, "updated": 0, "": 0}
    for partner_slug, days_ago, title, lead, tags in NEWS:
        fields = {"title": title, "lead": lead, "date": today - datetime.timedelta(days_ago)}
        parent = _parent(partner_slug, news_index)
        result = _upsert(parent, NewsPage, NewsPageProducer, slugify(title), fields, tags)
        counts[result] += 1
    for (
        partner_slug,
        in_days,
        start_time,
        hours,
        kind,
        title,
        lead,
        place,
        commune_name,
        is_free,
        price,
    ) in EVENTS:
        commune = commune_named(commune_name)
        start = datetime.datetime.combine(
            today + datetime.timedelta(in_days),
            datetime.time.fromisoformat(start_time),
            tzinfo=PARIS,
        )
        fields = {
            "title": title,
            "lead": lead,
            "kind": kind,
            "start": start,
            "end": start + datetime.timedelta(hours=hours),
            "place_name": place,
            "commune": commune,
            # Rounded as the map widget's point is, so a rerun finds nothing changed.
            "latitude": round(commune.latitude, 6) if commune else None,
            "longitude": round(commune.longitude, 6) if commune else None,
            "is_free": is_free,
            "price": None if price is None else Decimal(price),
        }
        result = _upsert(
            _parent(partner_slug, event_index), EventPage, EventPageProducer, slugify(title), fields
        )
        counts[result] += 1
    if stdout is not None:
        stdout.write(
            f"  news and events: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['']} unchanged"
        )
    return counts
