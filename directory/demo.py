"""Demo content of the producers guide: reference data and invented producers.

- `load_reference_data()` keeps the product taxonomy, the quality signs and the partners up
  to date, by slug.
- `load_demo_producers()` publishes about 320 invented producers (`is_fictional`) with about
  600 points of sale on real communes of Hauts-de-France.
- `load_directory_demo()` does both, and creates the /producteurs/ page if it is missing.

Everything is deterministic (a seeded random.Random over the Commune table) and idempotent:
records are found again by slug or `import_ref` ("demo-0001", "demo-pos-0001"), so a second
run creates and publishes nothing. The `generate_producers` command reuses the `Planner`
below to bulk-create large fictional data sets for benchmarks.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from .geo import KM_PER_DEGREE_LAT, haversine_km
from .models import (
    Commune,
    DirectoryIndexPage,
    OpeningHours,
    Partner,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)

DEMO_SEED = 2024
DEMO_PRODUCERS = 320
DEMO_PREFIX = "demo-"
DEMO_POINT_PREFIX = "demo-pos-"

# Demo points of sale stay inside this box (the region reaches 48.84°N, but only ten small
# communes of the southern Aisne lie below 49.02°N).
REGION_BOUNDS = {"latitude": (49.0, 51.2), "longitude": (1.3, 4.4)}
MAX_JITTER_KM = 1.9


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

# (slug, French name, English name, icon, is_food, [(slug, French, English, icon), ...])
TAXONOMY = [
    ("fruits", "Fruits", "Fruit", "🍎", True, [
        ("pommes", "Pommes", "Apples", "🍎"),
        ("poires", "Poires", "Pears", "🍐"),
        ("fraises", "Fraises", "Strawberries", "🍓"),
        ("rhubarbe", "Rhubarbe", "Rhubarb", "🌿"),
        ("petits-fruits", "Petits fruits", "Berries", "🫐"),
    ]),
    ("legumes", "Légumes", "Vegetables", "🥕", True, [
        ("endives", "Endives / chicons", "Chicory (endives)", "🥬"),
        ("poireaux", "Poireaux", "Leeks", "🌱"),
        ("pommes-de-terre", "Pommes de terre", "Potatoes", "🥔"),
        ("choux", "Choux", "Cabbages", "🥦"),
        ("carottes", "Carottes", "Carrots", "🥕"),
        ("ail", "Ail", "Garlic", "🧄"),
        ("oignons", "Oignons", "Onions", "🧅"),
        ("betteraves", "Betteraves", "Beetroots", "🌱"),
        ("salades", "Salades", "Salads", "🥗"),
        ("champignons", "Champignons", "Mushrooms", "🍄"),
        ("cresson", "Cresson", "Watercress", "🌿"),
        ("legumes-secs", "Légumes secs", "Dried beans and pulses", "🫘"),
    ]),
    ("fromages", "Fromages", "Cheeses", "🧀", True, [
        ("maroilles", "Maroilles", "Maroilles", "🧀"),
        ("mimolette", "Mimolette", "Mimolette", "🧀"),
        ("vieux-lille", "Vieux-Lille", "Vieux-Lille", "🧀"),
        ("boulette-d-avesnes", "Boulette d'Avesnes", "Boulette d'Avesnes", "🧀"),
        ("fromages-de-chevre", "Fromages de chèvre", "Goat's cheeses", "🐐"),
    ]),
    ("produits-laitiers", "Produits laitiers", "Dairy products", "🥛", True, [
        ("lait", "Lait", "Milk", "🥛"),
        ("beurre", "Beurre", "Butter", "🧈"),
        ("creme", "Crème", "Cream", "🥛"),
        ("yaourts", "Yaourts", "Yoghurts", "🥣"),
    ]),
    ("viandes", "Viandes", "Meat", "🥩", True, [
        ("boeuf", "Bœuf", "Beef", "🐄"),
        ("porc", "Porc", "Pork", "🐖"),
        ("agneau", "Agneau", "Lamb", "🐑"),
        ("volailles", "Volailles", "Poultry", "🐔"),
        ("gibier", "Gibier", "Game", "🦌"),
    ]),
    ("poissons-et-fruits-de-mer", "Poissons et fruits de mer", "Fish and seafood", "🐟", True, [
        ("moules", "Moules", "Mussels", "🦪"),
        ("poissons-cote-d-opale", "Poissons de la Côte d'Opale", "Opal Coast fish", "🐟"),
        ("crevettes-grises", "Crevettes grises", "Brown shrimps", "🦐"),
    ]),
    ("boissons", "Boissons", "Drinks", "🍺", True, [
        ("bieres", "Bières", "Beers", "🍺"),
        ("cidres", "Cidres", "Ciders", "🍏"),
        ("jus-de-pommes", "Jus de pommes", "Apple juice", "🧃"),
        ("genievre", "Genièvre", "Genever", "🥃"),
    ]),
    ("epicerie", "Épicerie", "Pantry", "🫙", True, [
        ("miel", "Miel", "Honey", "🍯"),
        ("confitures", "Confitures", "Jams", "🫙"),
        ("farines", "Farines", "Flours", "🌾"),
        ("oeufs", "Œufs", "Eggs", "🥚"),
        ("chicoree", "Chicorée", "Chicory (drink)", "☕"),
    ]),
    ("non-alimentaire", "Non alimentaire", "Non-food", "🌻", False, [
        ("laine", "Laine", "Wool", "🧶"),
        ("plants", "Plants", "Plants and seedlings", "🌱"),
        ("fleurs", "Fleurs", "Flowers", "💐"),
        ("sapins-de-noel", "Sapins de Noël", "Christmas trees", "🎄"),
    ]),
]  # fmt: skip

INAO = "https://www.inao.gouv.fr"
EU, NATIONAL, NETWORK = QualitySign.Kind.EU, QualitySign.Kind.NATIONAL, QualitySign.Kind.NETWORK

QUALITY_SIGNS = [
    {
        "slug": "ab",
        "name": "Agriculture Biologique",
        "short_name": "AB",
        "kind": EU,
        "website": "https://www.agencebio.org",
        "explanation": (
            "Le logo AB et l'Eurofeuille européenne garantissent un produit issu de "
            "l'agriculture biologique : sans pesticides ni engrais chimiques de synthèse, sans "
            "OGM, avec des animaux nourris d'aliments biologiques et élevés dans le respect de "
            "leur bien-être. Chaque exploitation est contrôlée au moins une fois par an par un "
            "organisme certificateur agréé."
        ),
    },
    {
        "slug": "aop",
        "name": "Appellation d'origine protégée",
        "short_name": "AOP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "L'AOP protège dans toute l'Union européenne le nom d'un produit dont toutes les "
            "étapes, de la production à l'élaboration, ont lieu dans une même aire géographique, "
            "selon un savoir-faire reconnu et décrit dans un cahier des charges contrôlé. C'est "
            "l'équivalent européen de l'AOC française."
        ),
    },
    {
        "slug": "igp",
        "name": "Indication géographique protégée",
        "short_name": "IGP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "L'IGP distingue un produit dont la qualité, la réputation ou d'autres "
            "caractéristiques tiennent à son origine géographique. Au moins une étape, "
            "production, transformation ou élaboration, a lieu dans l'aire délimitée, selon un "
            "cahier des charges contrôlé."
        ),
    },
    {
        "slug": "label-rouge",
        "name": "Label Rouge",
        "short_name": "Label Rouge",
        "kind": NATIONAL,
        "website": INAO,
        "explanation": (
            "Signe officiel français, le Label Rouge atteste qu'un produit a une qualité "
            "supérieure à celle des produits courants de même nature, grâce à des conditions de "
            "production fixées par un cahier des charges et vérifiées par un organisme "
            "indépendant. Sa qualité gustative est évaluée régulièrement."
        ),
    },
    {
        "slug": "stg",
        "name": "Spécialité traditionnelle garantie",
        "short_name": "STG",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "La STG protège une composition ou un mode de production traditionnels, sans lien "
            "avec une origine géographique : le produit peut être élaboré partout, pourvu que "
            "le cahier des charges soit respecté. Les moules de bouchot ont été la première "
            "STG française, en 2013."
        ),
    },
    {
        "slug": "hve",
        "name": "Haute Valeur Environnementale",
        "short_name": "HVE",
        "kind": NATIONAL,
        "website": "https://agriculture.gouv.fr",
        "explanation": (
            "La certification Haute Valeur Environnementale, délivrée sous le contrôle de "
            "l'État, reconnaît les exploitations qui atteignent le niveau le plus exigeant de "
            "la certification environnementale des exploitations agricoles : biodiversité, "
            "stratégie phytosanitaire, gestion de la fertilisation et de l'irrigation. Elle "
            "porte sur toute l'exploitation."
        ),
    },
    {
        "slug": "bienvenue-a-la-ferme",
        "name": "Bienvenue à la ferme",
        "short_name": "Bienvenue à la ferme",
        "kind": NETWORK,
        "website": "https://www.bienvenue-a-la-ferme.com",
        "explanation": (
            "Bienvenue à la ferme est le réseau des agriculteurs des Chambres d'agriculture "
            "qui vendent leurs produits en direct ou accueillent le public sur leur "
            "exploitation. Ses membres s'engagent sur une charte : des produits de la ferme, un "
            "accueil personnalisé et de la transparence sur leurs pratiques."
        ),
    },
    {
        "slug": "maroilles-aop",
        "name": "Maroilles AOP",
        "short_name": "AOP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Fromage au lait de vache à pâte molle et croûte lavée rouge-orangé, le Maroilles "
            "(ou Marolles) est fabriqué et affiné en Thiérache, dans le Nord et l'Aisne, avec "
            "le lait de vaches qui pâturent au moins 170 jours par an. Appellation d'origine "
            "reconnue en 1955, AOP européenne depuis 1996, il existe en quatre formats : "
            "Maroilles, Sorbais, Mignon et Quart."
        ),
    },
    {
        "slug": "ail-fume-d-arleux-igp",
        "name": "Ail fumé d'Arleux IGP",
        "short_name": "IGP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Ail rose de printemps de type « ail du Nord », cultivé dans le bassin d'Arleux "
            "(Nord et Pas-de-Calais), tressé à la main puis fumé au moins sept jours à la "
            "tourbe, au lignite, à la courte paille ou à la sciure, ce qui lui assure une très "
            "longue conservation. Indication géographique protégée depuis 2013."
        ),
    },
    {
        "slug": "volailles-de-licques-label-rouge",
        "name": "Volailles de Licques Label Rouge",
        "short_name": "Label Rouge",
        "kind": NATIONAL,
        "website": INAO,
        "explanation": (
            "Poulets, pintades, chapons et dindes élevés en plein air autour de Licques, dans "
            "le Calaisis, le Boulonnais, l'Audomarois et le Montreuillois, nourris "
            "essentiellement de céréales et élevés longtemps. Les volailles de Licques portent "
            "le Label Rouge depuis 1979 et sont aussi protégées par une IGP."
        ),
    },
    {
        "slug": "lingot-du-nord-igp",
        "name": "Lingot du Nord IGP",
        "short_name": "IGP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Haricot blanc sec de la variété lingot, cultivé dans la vallée de la Lys (Nord et "
            "Pas-de-Calais), séché en plein champ sur des « perroquets » puis battu. Fin et "
            "fondant, il ne demande pas de trempage avant cuisson. Il porte une IGP et un "
            "Label Rouge."
        ),
    },
    {
        "slug": "genievre-flandre-artois-ig",
        "name": "Genièvre Flandre Artois IG",
        "short_name": "IG",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Eau-de-vie de céréales (orge, blé, avoine, seigle) distillée à l'alambic en "
            "présence de baies de genièvre dans le Nord et le Pas-de-Calais, parfois vieillie "
            "sous bois. Comme les autres boissons spiritueuses, elle est protégée par une "
            "indication géographique (IG) européenne, l'équivalent de l'IGP pour les "
            "spiritueux."
        ),
    },
    {
        "slug": "pres-sales-de-la-baie-de-somme-aop",
        "name": "Prés-salés de la baie de Somme AOP",
        "short_name": "AOP",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Agneaux nés, élevés et abattus autour des baies de Somme et d'Authie, qui "
            "pâturent au moins 75 jours sur les mollières, ces prés salés que recouvrent les "
            "grandes marées. Leur viande rosée, aux arômes intenses, est vendue de l'été à "
            "l'automne. Appellation d'origine depuis 2007, protégée dans toute l'Union "
            "européenne."
        ),
    },
    {
        "slug": "moules-de-bouchot-stg",
        "name": "Moules de bouchot STG",
        "short_name": "STG",
        "kind": EU,
        "website": INAO,
        "explanation": (
            "Moules élevées sur des bouchots, pieux de bois alignés sur l'estran qui les "
            "tiennent hors du sable : chair crème à jaune orangé, sans grain de sable ni crabe. "
            "Sur la Côte d'Opale et en baie de Somme, les mytiliculteurs les récoltent de "
            "l'été à l'hiver."
        ),
    },
]

PARTNERS = [
    {
        "slug": "agence-attractivite-montreuillois",
        "name": "Agence d'attractivité du Montreuillois",
        "kind": Partner.Kind.TOURISM,
        "website": "",
    },
    {
        "slug": "communaute-urbaine-arras",
        "name": "Communauté urbaine d'Arras",
        "kind": Partner.Kind.TERRITORY,
        "website": "",
    },
    {
        "slug": "parc-naturel-regional-avesnois",
        "name": "Parc naturel régional de l'Avesnois",
        "kind": Partner.Kind.TERRITORY,
        "website": "",
    },
    {
        "slug": "bienvenue-a-la-ferme-hauts-de-france",
        "name": "Bienvenue à la ferme Hauts-de-France",
        "kind": Partner.Kind.NETWORK,
        "website": "https://www.bienvenue-a-la-ferme.com",
    },
]


def _upsert(model, slug, fields):
    """Create or update the record with this slug; write only what differs."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        return model.objects.create(slug=slug, **fields), "created"
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, ""


@transaction.atomic
def load_reference_data(stdout=None):
    """The product taxonomy, quality signs and partners; returns {"created": n, "updated": n}."""
    counts = defaultdict(int)
    for order, (slug, name, name_en, icon, is_food, children) in enumerate(TAXONOMY):
        fields = {"name": name, "name_en": name_en, "icon": icon, "is_food": is_food}
        parent, outcome = _upsert(
            ProductCategory, slug, {**fields, "sort_order": order, "parent_id": None}
        )
        counts[outcome] += 1
        for child_order, (child_slug, child_name, child_en, child_icon) in enumerate(children):
            child_fields = {
                "name": child_name,
                "name_en": child_en,
                "icon": child_icon,
                "is_food": is_food,
                "sort_order": child_order,
                "parent_id": parent.pk,
            }
            counts[_upsert(ProductCategory, child_slug, child_fields)[1]] += 1
    for sign in QUALITY_SIGNS:
        fields = {key: value for key, value in sign.items() if key != "slug"}
        counts[_upsert(QualitySign, sign["slug"], fields)[1]] += 1
    for partner in PARTNERS:
        fields = {key: value for key, value in partner.items() if key != "slug"}
        counts[_upsert(Partner, partner["slug"], fields)[1]] += 1
    if stdout is not None:
        stdout.write(
            f"  reference data: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['']} unchanged"
        )
    return {"created": counts["created"], "updated": counts["updated"]}


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    slug: str
    latitude: float
    longitude: float
    population: int


def load_places():
    """Communes of the gazetteer whose jittered points stay inside REGION_BOUNDS."""
    margin = MAX_JITTER_KM / KM_PER_DEGREE_LAT * 1.6  # also covers a longitude degree at 51°N
    (lat_min, lat_max), (lng_min, lng_max) = REGION_BOUNDS.values()
    rows = Commune.objects.filter(
        latitude__range=(lat_min + margin, lat_max - margin),
        longitude__range=(lng_min + margin, lng_max - margin),
    ).order_by("pk")
    return [
        Place(pk, name, slug, lat, lng, population)
        for pk, name, slug, lat, lng, population in rows.values_list(
            "pk", "name", "slug", "latitude", "longitude", "population"
        )
    ]


def place_weight(place):
    """Bigger communes get more producers, but villages still get farms (square root)."""
    return math.sqrt(max(place.population, 50))


def jitter(rng, place, min_km=0.0, max_km=MAX_JITTER_KM):
    """A point at a random distance (min_km to max_km) and bearing from the commune's centre."""
    distance = rng.uniform(min_km, max_km)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / KM_PER_DEGREE_LAT
    dlng = (
        distance * math.sin(bearing) / (KM_PER_DEGREE_LAT * math.cos(math.radians(place.latitude)))
    )
    return round(place.latitude + dlat, 6), round(place.longitude + dlng, 6)


class Neighbours:
    """Places within a radius of a place, found through a coarse grid (fast for 1,500)."""

    CELL = 0.25  # degrees, about 28 km of latitude

    def __init__(self, places):
        self.grid = defaultdict(list)
        for place in places:
            self.grid[self._cell(place)].append(place)
        self.cache = {}

    def _cell(self, place):
        return (int(place.latitude // self.CELL), int(place.longitude // self.CELL))

    def near(self, place, radius_km=25, min_population=0):
        """Places within radius_km (the place itself included), nearest first."""
        key = (place.id, radius_km, min_population)
        if key not in self.cache:
            row, col = self._cell(place)
            found = []
            for drow in (-1, 0, 1):
                for dcol in (-1, 0, 1):
                    for other in self.grid.get((row + drow, col + dcol), ()):
                        if other.population < min_population:
                            continue
                        km = haversine_km(
                            place.latitude, place.longitude, other.latitude, other.longitude
                        )
                        if km <= radius_km:
                            found.append((km, other.id, other))
            self.cache[key] = [other for _, _, other in sorted(found)]
        return self.cache[key]


# Terroirs as circles (latitude, longitude, radius in km).
ZONES = {
    # Avesnois and Thiérache (Nord and Aisne): Maroilles country.
    "thierache": [(50.12, 3.85, 17), (49.93, 3.95, 17)],
    "avesnois": [(50.12, 3.85, 22)],
    "flandre": [(50.77, 2.52, 18)],  # Flandre intérieure: Hazebrouck, Cassel, Bailleul
    "lys": [(50.64, 2.70, 9)],  # vallée de la Lys: Merville, Estaires, Laventie
    "arleux": [(50.28, 3.10, 9)],
    "licques": [(50.78, 1.94, 14)],
    # Around the distilleries of Houlle (Audomarois), Wambrechies and Loos (Lille).
    "distilleries": [(50.80, 2.17, 7), (50.66, 3.03, 7)],
    # Fishing ports: Calais, Boulogne-sur-Mer, Le Portel, Étaples, Le Crotoy, Saint-Valery.
    "ports": [
        (50.95, 1.86, 3),
        (50.725, 1.61, 3),
        (50.706, 1.576, 2),
        (50.522, 1.633, 3),
        (50.216, 1.625, 3),
        (50.183, 1.633, 3),
    ],
    "bouchots": [(50.38, 1.60, 7), (50.21, 1.60, 8)],  # baies d'Authie et de Somme
    "baie-de-somme": [(50.20, 1.62, 12), (50.36, 1.62, 8)],
    "montreuillois": [(50.46, 1.76, 18)],
    "arras": [(50.29, 2.78, 12)],
}


def in_zone(place, zone):
    return any(
        haversine_km(place.latitude, place.longitude, lat, lng) <= radius
        for lat, lng, radius in ZONES[zone]
    )


# Partners (by slug) whose territory covers a zone.
PARTNER_ZONES = {
    "agence-attractivite-montreuillois": "montreuillois",
    "communaute-urbaine-arras": "arras",
    "parc-naturel-regional-avesnois": "avesnois",
}
NETWORK_PARTNER = "bienvenue-a-la-ferme-hauts-de-france"
NETWORK_SIGN = "bienvenue-a-la-ferme"

# --------------------------------------------------------------------------------------------
# Farm types
# --------------------------------------------------------------------------------------------

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
TUE_SAT, MON_SAT, EVERY_DAY = (TUE, WED, THU, FRI, SAT), (MON, TUE, WED, THU, FRI, SAT), range(7)

# Weekly patterns of a producer's own shop: lists of (weekdays, opens, closes).
SHOP_PATTERNS = {
    "farm": [
        [((FRI,), "14:00", "19:00"), ((SAT,), "09:00", "12:30")],
        [((WED, FRI), "16:00", "19:00"), ((SAT,), "09:00", "12:00")],
        [(TUE_SAT, "09:00", "12:00"), ((TUE, WED, THU, FRI), "14:00", "19:00")],
        [((SAT,), "09:00", "18:00")],
        [(MON_SAT, "17:00", "19:30")],
    ],
    "daily": [[(EVERY_DAY, "09:00", "19:00")]],
    "weekend": [[((FRI,), "16:00", "19:00"), ((SAT,), "10:00", "18:00")]],
    "workshop": [[(TUE_SAT, "09:00", "12:00"), ((TUE, WED, THU, FRI), "14:00", "18:00")]],
    "garden": [[(MON_SAT, "09:00", "12:00"), (MON_SAT, "14:00", "18:30")]],
    "trees": [[((WED, SAT, SUN), "09:00", "18:00")]],
}


@dataclass(frozen=True)
class FarmType:
    """A kind of producer: what it is called, sells and how it sells."""

    key: str
    weight: int  # share among ordinary producers; 0 for terroir producers (see DEMO_QUOTAS)
    names: tuple  # title patterns with {of_place}, {of_commune}, {surname}
    summaries: tuple  # one sentence with {commune}
    products: tuple  # ((category slug, notes), ...): the first `core` always, others sometimes
    core: int = 1
    zone: str = ""  # only in this terroir
    organic: float = 0.0  # chance of Agriculture Biologique
    hve: float = 0.0  # chance of HVE when not organic
    product_signs: tuple = ()  # ((category slug, (sign slugs)), ...)
    shop: str = "farm"  # opening pattern of its own shop ("" for no shop)
    season: tuple | None = None  # months the shop opens, e.g. (5, 7)
    shop_name: str = "{title}, vente à la ferme"
    channels: dict = field(default_factory=dict)  # extra kinds of points of sale -> chance
    network: float = 0.2  # chance of belonging to Bienvenue à la ferme


GREEN = {"market": 0.45, "amap": 0.4, "shop": 0.25, "vending": 0.12, "delivery": 0.05}
FARM = {"market": 0.35, "amap": 0.15, "shop": 0.3, "vending": 0.2, "delivery": 0.1}
MEAT = {"market": 0.35, "shop": 0.3, "vending": 0.15, "delivery": 0.4}
CRAFT = {"market": 0.5, "shop": 0.45, "delivery": 0.1}

FARM_TYPES = [
    FarmType(
        "maraicher",
        30,
        ("Les Jardins {of_place}", "Ferme maraîchère {of_place}", "Le Potager {of_place}",
         "Les Légumes {of_commune}"),
        ("Légumes de saison cultivés en plein champ et sous abri à {commune}.",
         "Des légumes récoltés le matin même, vendus à la ferme et en paniers à {commune}."),
        (("salades", "Laitues, batavias et mâche selon la saison"),
         ("poireaux", "Poireaux d'hiver"),
         ("carottes", "Carottes de sable et carottes nouvelles"),
         ("choux", "Choux-fleurs, choux rouges et choux de Bruxelles"),
         ("pommes-de-terre", "Bintje et Charlotte"),
         ("oignons", ""),
         ("betteraves", "Betteraves rouges cuites au four"),
         ("rhubarbe", "D'avril à juin"),
         ("oeufs", "Œufs de nos poules")),
        core=3, organic=0.35, hve=0.15, channels=GREEN,
    ),
    FarmType(
        "endivier",
        10,
        ("Les Chicons {of_place}", "Ferme {of_place}", "Endives {surname}"),
        ("Endives de pleine terre et chicons forcés en salle à {commune}, d'octobre à avril.",
         "Producteurs d'endives à {commune} : le chicon du Nord, cru ou braisé."),
        (("endives", "Endives de pleine terre, d'octobre à avril"),
         ("pommes-de-terre", "Bintje pour les frites"),
         ("poireaux", ""),
         ("chicoree", "Racines de chicorée torréfiées")),
        hve=0.25, season=(10, 4), channels={"market": 0.5, "shop": 0.35, "vending": 0.2},
    ),
    FarmType(
        "polyculture",
        40,
        ("Ferme {of_place}", "La Cense {of_place}", "Ferme {surname}", "EARL {of_place}"),
        ("Une ferme familiale de polyculture et d'élevage à {commune}, avec son magasin.",
         "Œufs, pommes de terre et produits de la ferme, en vente directe à {commune}."),
        (("oeufs", "Œufs de poules élevées en plein air"),
         ("pommes-de-terre", "Bintje, Charlotte et Agata"),
         ("volailles", "Poulets fermiers sur commande"),
         ("lait", "Lait cru en bouteille"),
         ("beurre", "Beurre baratté à la ferme"),
         ("carottes", ""),
         ("oignons", ""),
         ("farines", "Farine de blé moulue à la ferme"),
         ("boeuf", "Colis de bœuf de race Rouge flamande"),
         ("confitures", "Confitures de fruits de la ferme")),
        core=2, organic=0.15, hve=0.1, channels=FARM, network=0.3,
    ),
    FarmType(
        "verger",
        20,
        ("Les Vergers {of_place}", "Le Verger {of_place}", "Vergers {surname}"),
        ("Pommes et poires de variétés anciennes et modernes, cueillies à {commune}.",
         "Un verger familial à {commune} : pommes et poires cueillies à maturité."),
        (("pommes", "Reinette des Capucins, Jacques Lebel, Belle de Boskoop, Gala"),
         ("poires", "Conférence et Doyenné du Comice"),
         ("jus-de-pommes", "Pur jus pressé à la ferme"),
         ("cidres", "Cidre brut et doux"),
         ("confitures", ""),
         ("petits-fruits", "Groseilles et cassis")),
        core=2, organic=0.2, hve=0.25, season=(8, 5), channels=FARM,
    ),
    FarmType(
        "cueillette",
        12,
        ("La Cueillette {of_place}", "Les Fraises {of_commune}", "Cueillette {surname}"),
        ("Cueillette en libre-service et fruits rouges à {commune}, de mai à juillet.",
         "Fraises et petits fruits à cueillir soi-même à {commune}."),
        (("fraises", "Gariguette et Charlotte, à cueillir ou déjà cueillies"),
         ("petits-fruits", "Framboises, groseilles et cassis"),
         ("rhubarbe", ""),
         ("confitures", "Confitures de fraises et de rhubarbe"),
         ("salades", "")),
        core=2, organic=0.1, hve=0.2, shop="daily", season=(5, 7),
        shop_name="{title}, cueillette libre-service",
        channels={"market": 0.3, "shop": 0.3, "vending": 0.15},
    ),
    FarmType(
        "laitier",
        16,
        ("Ferme laitière {of_place}", "La Ferme {of_place}", "Les Prés {of_place}"),
        ("Lait, beurre, crème et yaourts de nos vaches, transformés à la ferme à {commune}.",
         "Produits laitiers fermiers de {commune}, du pré au pot."),
        (("lait", "Lait cru entier"),
         ("beurre", "Beurre doux et demi-sel"),
         ("creme", "Crème crue épaisse"),
         ("yaourts", "Nature, aux fruits et à la vanille")),
        core=4, organic=0.15, channels={"market": 0.3, "amap": 0.3, "shop": 0.35, "vending": 0.35},
    ),
    FarmType(
        "chevre",
        8,
        ("La Chèvrerie {of_place}", "Les Chèvres {of_place}"),
        ("Fromages de chèvre au lait cru, moulés à la louche à {commune}.",
         "Un troupeau de chèvres et sa fromagerie à la ferme, à {commune}."),
        (("fromages-de-chevre", "Frais, demi-secs, cendrés et tommes"),
         ("yaourts", "Yaourts au lait de chèvre"),
         ("lait", "")),
        organic=0.3, channels=GREEN,
    ),
    FarmType(
        "eleveur",
        15,
        ("Élevage {of_place}", "La Ferme {of_place}", "Élevage {surname}"),
        ("Viande de nos bêtes élevées à l'herbe à {commune}, vendue en colis.",
         "Un élevage familial à {commune} : viande en colis, en vente directe."),
        (("boeuf", "Colis de 5 ou 10 kg, races Rouge flamande et Blanc-Bleu"),
         ("porc", "Porc élevé sur paille, charcuterie maison"),
         ("volailles", "")),
        organic=0.1, shop="weekend", channels=MEAT,
    ),
    FarmType(
        "porc",
        6,
        ("Les Cochons {of_place}", "La Ferme porcine {of_place}"),
        ("Porcs élevés sur paille à {commune}, viande et charcuterie de la ferme.",),
        (("porc", "Viande fraîche, saucisses, pâtés et jambon cuit"),
         ("boeuf", "")),
        organic=0.1, shop="weekend", channels=MEAT,
    ),
    FarmType(
        "volailler",
        10,
        ("Les Volailles {of_place}", "La Ferme avicole {of_place}", "Les Poules {of_place}"),
        ("Volailles fermières et œufs frais de {commune}.",
         "Poulets, pintades et œufs de poules élevées en plein air à {commune}."),
        (("volailles", "Poulets, pintades et canards ; chapons pour les fêtes"),
         ("oeufs", "Œufs extra-frais")),
        core=2, organic=0.2, channels=FARM,
    ),
    FarmType(
        "bergerie",
        5,
        ("La Bergerie {of_place}", "Les Moutons {of_place}"),
        ("Agneaux élevés à l'herbe et laine de nos brebis, à {commune}.",),
        (("agneau", "Agneau en colis, au printemps et à l'automne"),
         ("laine", "Laine filée et écheveaux de nos brebis")),
        core=2, organic=0.15, shop="weekend", channels=MEAT,
    ),
    FarmType(
        "apiculteur",
        10,
        ("Le Rucher {of_place}", "Les Ruchers {of_place}", "Miellerie {of_place}"),
        ("Miels récoltés dans nos ruches autour de {commune}.",
         "Un apiculteur à {commune} : miels de printemps, d'été et de tilleul."),
        (("miel", "Miel de colza, toutes fleurs, tilleul et pain d'épices"),
         ("confitures", "")),
        organic=0.15, shop="weekend", shop_name="{title}, miellerie", channels=CRAFT,
    ),
    FarmType(
        "brasserie",
        14,
        ("Brasserie {of_place}", "Brasserie {surname}", "Brasserie {of_commune}"),
        ("Bières artisanales brassées à {commune}, de la blonde à la bière de garde.",
         "Une petite brasserie à {commune} : bières de saison, orge et houblon de la région."),
        (("bieres", "Blonde, ambrée, blanche et bière de garde"),),
        organic=0.1, shop="weekend", shop_name="Boutique de la {title}", channels=CRAFT,
        network=0.0,
    ),
    FarmType(
        "cidrerie",
        6,
        ("Cidrerie {of_place}", "La Cidrerie {surname}"),
        ("Cidre et jus de pommes de nos vergers hautes tiges à {commune}.",),
        (("cidres", "Cidre brut, demi-sec et poiré"),
         ("jus-de-pommes", "Jus de pommes pétillant et plat"),
         ("pommes", "")),
        core=2, organic=0.2, shop="weekend", channels=CRAFT,
    ),
    FarmType(
        "meunier",
        6,
        ("Le Moulin {of_place}", "La Ferme des Blés {of_commune}"),
        ("Farines de nos blés, moulues sur meule de pierre à {commune}.",),
        (("farines", "Farines de blé T65, T80 et T110, farine de seigle"),
         ("oeufs", "")),
        organic=0.4, channels=CRAFT,
    ),
    FarmType(
        "champignonniere",
        4,
        ("La Champignonnière {of_place}", "Les Champignons {of_commune}"),
        ("Champignons de Paris et pleurotes cultivés en cave à {commune}.",),
        (("champignons", "Champignons de Paris blonds et pleurotes"),),
        channels=CRAFT,
    ),
    FarmType(
        "cressonniere",
        3,
        ("La Cressonnière {of_commune}", "La Cressonnière {of_place}"),
        ("Cresson de fontaine cultivé dans l'eau de source à {commune}.",),
        (("cresson", "Cresson de fontaine, de septembre à mai"),
         ("salades", "")),
        season=(9, 5), channels=GREEN,
    ),
    FarmType(
        "horticulteur",
        8,
        ("Les Serres {of_place}", "Pépinière {of_place}", "Horticulture {surname}"),
        ("Plants de légumes, fleurs et vivaces produits sous nos serres à {commune}.",),
        (("plants", "Plants potagers, aromatiques et vivaces"),
         ("fleurs", "Fleurs coupées de saison")),
        core=2, shop="garden", season=(3, 6), shop_name="{title}, vente aux serres",
        channels={"market": 0.5},
    ),
    FarmType(
        "sapins",
        4,
        ("Les Sapins {of_place}", "Sapinière {of_place}"),
        ("Sapins de Noël coupés à la demande à {commune}, en novembre et décembre.",),
        (("sapins-de-noel", "Nordmann et épicéas, coupés devant vous"),),
        shop="trees", season=(11, 12), channels={}, network=0.3,
    ),
    FarmType(
        "chicoree",
        3,
        ("La Chicorée {of_place}", "Ferme {of_place}"),
        ("Chicorée cultivée et torréfiée à la ferme à {commune}.",),
        (("chicoree", "Chicorée en grains et moulue"),
         ("endives", "")),
        channels=CRAFT,
    ),
    FarmType(
        "gibier",
        2,
        ("Élevage de cervidés {of_place}", "Le Parc {of_place}"),
        ("Cerfs et daims élevés en plein air à {commune}, viande sur commande.",),
        (("gibier", "Cerf et daim en colis, terrines"),),
        shop="weekend", channels={"market": 0.3, "delivery": 0.5},
    ),
    FarmType(
        "confiturier",
        4,
        ("Les Confitures {of_place}", "Atelier fermier {of_place}"),
        ("Confitures préparées avec les fruits de la ferme à {commune}.",),
        (("confitures", "Fraise, rhubarbe, groseille, poire"),
         ("jus-de-pommes", ""),
         ("miel", "")),
        channels=CRAFT,
    ),
    # Terroir producers (by quota in the demo, by zone in generated data).
    FarmType(
        "maroilles",
        0,
        ("Ferme fromagère {of_place}", "La Fromagerie {of_place}", "Ferme du Bocage {of_commune}"),
        ("Maroilles au lait cru de nos vaches, fabriqué et affiné à la ferme à {commune}.",
         "Fromages de Thiérache moulés et affinés à {commune}."),
        (("maroilles", "Maroilles, Sorbais, Mignon et Quart, affinés en cave"),
         ("boulette-d-avesnes", "Au poivre, à l'estragon et au paprika"),
         ("beurre", "Beurre cru"),
         ("creme", ""),
         ("lait", "")),
        core=2, zone="thierache", product_signs=(("maroilles", ("maroilles-aop", "aop")),),
        shop_name="{title}, vente de fromages", channels=GREEN, network=0.35,
    ),
    FarmType(
        "fromagerie-flamande",
        0,
        ("Ferme fromagère {of_place}", "La Fromagerie {of_commune}"),
        ("Fromages flamands affinés à {commune}, du Vieux-Lille à la mimolette.",),
        (("vieux-lille", "Vieux-Lille, le « puant macéré »"),
         ("mimolette", "Jeune, demi-vieille et vieille"),
         ("beurre", ""),
         ("lait", "")),
        core=2, zone="flandre", channels=GREEN,
    ),
    FarmType(
        "ail-arleux",
        0,
        ("Ferme {of_place}", "Les Tresses {of_commune}", "Ail fumé {surname}"),
        ("Ail fumé d'Arleux tressé à la main et fumé à la ferme à {commune}.",),
        (("ail", "Tresses d'ail fumé de 3 à 90 têtes"),
         ("oignons", "Oignons et échalotes"),
         ("pommes-de-terre", "")),
        core=2, zone="arleux", product_signs=(("ail", ("ail-fume-d-arleux-igp", "igp")),),
        season=(8, 3), channels={"market": 0.7, "shop": 0.4},
    ),
    FarmType(
        "licques",
        0,
        ("Les Volailles {of_place}", "Élevage {of_place}", "Ferme avicole {surname}"),
        ("Volailles de Licques élevées en plein air à {commune}, nourries aux céréales.",),
        (("volailles", "Poulets, pintades et chapons ; dindes de Noël"),
         ("oeufs", "")),
        zone="licques",
        product_signs=(("volailles", ("volailles-de-licques-label-rouge", "label-rouge")),),
        shop="weekend", channels=FARM, network=0.3,
    ),
    FarmType(
        "lingot",
        0,
        ("Ferme {of_place}", "Les Lingots {of_commune}"),
        ("Lingots du Nord séchés sur perroquets à {commune}, dans la vallée de la Lys.",),
        (("legumes-secs", "Lingots du Nord et flageolets verts"),
         ("pommes-de-terre", ""),
         ("endives", "")),
        zone="lys", product_signs=(("legumes-secs", ("lingot-du-nord-igp", "label-rouge")),),
        channels={"market": 0.5, "shop": 0.5},
    ),
    FarmType(
        "distillerie",
        0,
        ("Distillerie {of_place}", "Distillerie {surname}"),
        ("Genièvre de grain distillé à l'alambic à {commune}, selon la tradition du Nord.",),
        (("genievre", "Genièvre blanc et genièvre vieilli en fût"),),
        zone="distilleries",
        product_signs=(("genievre", ("genievre-flandre-artois-ig",)),),
        shop="workshop", shop_name="Boutique de la {title}", channels={"shop": 0.5},
        network=0.0,
    ),
    FarmType(
        "pecheur",
        0,
        ("Pêche artisanale {surname}", "La Marée {of_commune}", "Les Filets {of_commune}"),
        ("Poissons de la Côte d'Opale pêchés et vendus au port de {commune}.",
         "Pêche côtière du jour, vendue sur le quai à {commune}."),
        (("poissons-cote-d-opale", "Sole, limande, plie, maquereau et hareng selon la saison"),
         ("crevettes-grises", "Crevettes grises cuites à bord")),
        zone="ports", shop="", channels={"delivery": 0.2}, network=0.0,
    ),
    FarmType(
        "mytiliculteur",
        0,
        ("Les Bouchots {of_commune}", "Moules {surname}"),
        ("Moules de bouchot élevées en baie et vendues à {commune}, de juillet à janvier.",),
        (("moules", "Moules de bouchot, de juillet à janvier"),),
        zone="bouchots", product_signs=(("moules", ("moules-de-bouchot-stg", "stg")),),
        shop="daily", season=(7, 1), shop_name="{title}, vente à l'exploitation",
        channels={"market": 0.6, "shop": 0.3}, network=0.0,
    ),
    FarmType(
        "pres-sales",
        0,
        ("La Bergerie {of_place}", "Les Prés-salés {of_commune}"),
        ("Agneaux de prés-salés élevés sur les mollières, vendus de juillet à novembre.",),
        (("agneau", "Agneau de prés-salés en colis, de juillet à novembre"),
         ("laine", "")),
        zone="baie-de-somme",
        product_signs=(("agneau", ("pres-sales-de-la-baie-de-somme-aop", "aop")),),
        shop="weekend", season=(7, 11), channels={"delivery": 0.6, "market": 0.3},
    ),
]  # fmt: skip
FARM_TYPE = {farm_type.key: farm_type for farm_type in FARM_TYPES}
ORDINARY_TYPES = [t for t in FARM_TYPES if t.weight]

# How many terroir producers the demo shows, so every regional sign has its producers.
DEMO_QUOTAS = {
    "maroilles": 10,
    "fromagerie-flamande": 3,
    "ail-arleux": 4,
    "licques": 5,
    "lingot": 3,
    "distillerie": 2,
    "pecheur": 9,
    "mytiliculteur": 4,
    "pres-sales": 3,
}

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anne", "Paul", "Marie", "Julien", "Sophie", "Thomas", "Claire", "Nicolas", "Élodie",
    "Mathieu", "Camille", "Antoine", "Aurélie", "Benoît", "Céline", "Damien", "Émilie",
    "François", "Hélène", "Jérôme", "Laure", "Maxime", "Nathalie", "Olivier", "Pauline",
    "Quentin", "Sandrine", "Vincent", "Virginie", "Xavier", "Bertrand", "Justine", "Arnaud",
    "Delphine", "Grégory", "Isabelle", "Ludovic", "Manon", "Romain", "Valérie",
)  # fmt: skip
SURNAMES = (
    "Lefebvre", "Dupont", "Lemaire", "Leroy", "Dubois", "Delattre", "Vandamme", "Declercq",
    "Caron", "Carpentier", "Deschamps", "Lecomte", "Delmotte", "Poulain", "Lenglet", "Deruelle",
    "Vasseur", "Duquesne", "Coquelle", "Hennebelle", "Lamotte", "Bécourt", "Ducrocq", "Pruvost",
    "Lheureux", "Vanhove", "Wallart", "Desmarets", "Dufour", "Lemoine", "Boulanger", "Fontaine",
    "Delannoy", "Lagache", "Vermeersch", "Dhalluin", "Bouquet", "Cordonnier", "Flament",
    "Leclercq", "Delval", "Hochart", "Lesage", "Merlin", "Patte", "Roussel", "Tison", "Verdier",
)  # fmt: skip
PLACE_NAMES = (
    "du Moulin", "des Tilleuls", "du Marais", "de la Motte", "des Prés", "du Bois Joli",
    "de la Vallée", "des Saules", "du Mont", "de l'Abbaye", "du Château", "de la Source",
    "des Hirondelles", "du Calvaire", "de la Haie", "des Peupliers", "du Riez", "du Bosquet",
    "de la Chapelle", "des Quatre Vents", "du Bocage", "de la Cense", "du Vivier", "des Aulnes",
    "du Pré Vert", "de l'Épinette", "du Colombier", "des Marronniers", "de la Croix",
    "des Ormes", "du Beau Site", "de la Fontaine", "du Halage", "des Champs", "de la Plaine",
    "des Coquelicots", "des Bleuets", "du Vert Galant", "de la Rivière", "du Petit Bois",
)  # fmt: skip
STREETS = (
    "rue Principale", "rue de l'Église", "chemin des Prés", "rue du Moulin", "route de la Mer",
    "chemin de la Cense", "rue des Écoles", "rue du Marais", "chemin vert", "rue de la Gare",
    "route départementale", "rue du Calvaire", "chemin du Halage", "rue des Champs",
)  # fmt: skip
SQUARES = (
    "place de la Mairie", "Grand-Place", "place du Marché", "place de l'Église",
    "place du Général-de-Gaulle", "parvis de la salle des fêtes",
)  # fmt: skip
SHOP_NAMES = (
    "Le Panier fermier", "Saveurs paysannes", "Le Comptoir des producteurs", "Esprit fermier",
    "Les Halles paysannes", "Au goût du terroir", "La Ferme en ville", "Le Carreau des champs",
)  # fmt: skip
CLICK_AND_COLLECT_INFO = (
    "Commande par téléphone ou par e-mail avant jeudi midi, retrait le vendredi.",
    "Commande en ligne jusqu'au mercredi soir, retrait au drive fermier.",
    "Réservez votre colis la veille, retrait à la ferme le samedi matin.",
    "Commande sur le site avant mardi, retrait le vendredi de 16 h à 19 h.",
)


def of(name):
    """French "de" before a place name: de Wimille, d'Arras, du Crotoy, de la Capelle."""
    for article, contracted in (("Le ", "du "), ("Les ", "des "), ("La ", "de la ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name.startswith("L'"):
        return "de l'" + name[2:]
    if name[:1] in "AEIOUYÉÈÊÂÎÔ":
        return "d'" + name
    return "de " + name


# --------------------------------------------------------------------------------------------
# Planning: plain data first, so the plan is the same whatever the database already holds
# --------------------------------------------------------------------------------------------


@dataclass
class PointPlan:
    ref: str
    kind: str
    name: str
    address: str
    place: Place
    latitude: float
    longitude: float
    notes: str = ""
    hours: list = field(default_factory=list)  # (weekday, opens, closes, start, end)


@dataclass
class ProducerPlan:
    ref: str
    title: str
    slug: str
    producer_names: str
    summary: str
    story: str
    place: Place
    farm_type: FarmType
    products: list  # (category slug, notes, [sign slugs])
    signs: list  # farm sign slugs
    partners: list  # partner slugs
    click_and_collect: bool = False
    click_and_collect_info: str = ""
    click_and_collect_url: str = ""
    email: str = ""
    website: str = ""
    points: list = field(default_factory=list)  # PointPlan

    def profile_fields(self):
        """The ProducerPage fields taken as they are, for the demo and the generator."""
        return {
            "producer_names": self.producer_names,
            "summary": self.summary,
            "email": self.email,
            "website": self.website,
            "click_and_collect": self.click_and_collect,
            "click_and_collect_info": self.click_and_collect_info,
            "click_and_collect_url": self.click_and_collect_url,
            "is_fictional": True,
            "import_ref": self.ref,
        }


def _hours(pattern, season=None):
    start, end = season or (None, None)
    return [(day, opens, closes, start, end) for days, opens, closes in pattern for day in days]


class Planner:
    """Invents producers and their points of sale from a seeded random generator.

    With `shared=True` (the demo), markets, AMAP, producers' shops, drives and port stalls
    are shared by the producers nearby; otherwise every producer gets its own points.
    """

    def __init__(self, rng, places, point_prefix, shared=True, point_digits=4, first_point=1):
        self.rng = rng
        self.neighbours = Neighbours(places)
        self.point_prefix = point_prefix
        self.point_digits = point_digits
        self.next_point = first_point
        self.shared = shared
        self.shared_points = {}
        self.points = []  # every PointPlan, in creation order
        self.slugs = set()
        self.zone_cache = {}

    # Places ------------------------------------------------------------------------------

    def in_zone(self, place, zone):
        key = (place.id, zone)
        if key not in self.zone_cache:
            self.zone_cache[key] = in_zone(place, zone)
        return self.zone_cache[key]

    def pick_place(self, candidates):
        return self.rng.choices(candidates, weights=[place_weight(p) for p in candidates])[0]

    def town_near(self, place, min_population, radius_km=20):
        """A town near the place (nearer ones more likely), or the place itself."""
        towns = self.neighbours.near(place, radius_km, min_population)[:4]
        if not towns:
            return place
        return self.rng.choices(towns, weights=[4, 3, 2, 1][: len(towns)])[0]

    # Points of sale ------------------------------------------------------------------------

    def new_point(self, kind, name, address, place, hours, notes="", near_centre=False):
        ref = f"{self.point_prefix}{self.next_point:0{self.point_digits}d}"
        self.next_point += 1
        if near_centre:  # markets and shops are in town, farms out in the fields
            latitude, longitude = jitter(self.rng, place, 0.0, 0.4)
        else:
            latitude, longitude = jitter(self.rng, place, 0.3, MAX_JITTER_KM)
        point = PointPlan(ref, kind, name, address, place, latitude, longitude, notes, hours)
        if self.shared:  # generated data does not keep them: 100,000 would only cost memory
            self.points.append(point)
        return point

    def shared_point(self, kind, place, make):
        key = (kind, place.id)
        if not self.shared or key not in self.shared_points:
            self.shared_points[key] = make(place)
        return self.shared_points[key]

    def market(self, place):
        rng = self.rng
        days = sorted(rng.sample([TUE, WED, THU, FRI, SAT, SUN], rng.choice([1, 1, 2])))
        hours = [(day, "08:00", "12:30", None, None) for day in days]
        if rng.random() < 0.2:  # a summer evening market
            hours.append((rng.choice([TUE, THU, FRI]), "17:00", "21:00", 6, 8))
        return self.new_point(
            PointOfSale.Kind.MARKET,
            f"Marché {of(place.name)}",
            rng.choice(SQUARES),
            place,
            hours,
            near_centre=True,
        )

    def port_stalls(self, place):
        return self.new_point(
            PointOfSale.Kind.MARKET,
            f"Étals des pêcheurs du port {of(place.name)}",
            "quai du port",
            place,
            _hours([((TUE, WED, THU, FRI, SAT, SUN), "08:00", "12:30")]),
            notes="Vente directe au retour des bateaux, selon la météo et la pêche.",
            near_centre=True,
        )

    def amap(self, place):
        day = self.rng.choice([TUE, WED, THU, FRI])
        return self.new_point(
            PointOfSale.Kind.AMAP,
            f"AMAP {of(place.name)}",
            self.rng.choice(("salle des fêtes", "préau de l'école", "maison des associations")),
            place,
            [(day, "18:00", "19:30", None, None)],
            notes="Paniers sur abonnement, distribués chaque semaine aux adhérents.",
            near_centre=True,
        )

    def producers_shop(self, place):
        name = self.rng.choice(SHOP_NAMES)
        pattern = [(TUE_SAT, "09:30", "12:30"), (TUE_SAT, "14:30", "19:00")]
        return self.new_point(
            PointOfSale.Kind.SHOP,
            f"{name} ({place.name})",
            f"{self.rng.randint(1, 80)} {self.rng.choice(STREETS)}",
            place,
            _hours(pattern),
            notes="Magasin tenu par un collectif de producteurs des environs.",
            near_centre=True,
        )

    def drive(self, place):
        hours = [(FRI, "16:30", "19:00", None, None)]
        if self.rng.random() < 0.5:
            hours.append((SAT, "10:00", "12:00", None, None))
        return self.new_point(
            PointOfSale.Kind.DRIVE,
            f"Drive fermier {of(place.name)}",
            "parking de la salle des sports",
            place,
            hours,
            notes="Commandes en ligne jusqu'au mercredi soir.",
            near_centre=True,
        )

    def farm_shop(self, producer, farm_type):
        pattern = self.rng.choice(SHOP_PATTERNS[farm_type.shop])
        address = f"{self.rng.randint(1, 120)} {self.rng.choice(STREETS)}"
        return self.new_point(
            PointOfSale.Kind.FARM_SHOP,
            farm_type.shop_name.format(title=producer.title),
            address,
            producer.place,
            _hours(pattern, farm_type.season),
        )

    def vending(self, producer):
        place = producer.place
        if self.rng.random() < 0.4:
            place = self.town_near(place, 3000)
        return self.new_point(
            PointOfSale.Kind.VENDING,
            f"Distributeur automatique, {producer.title}",
            f"{self.rng.randint(1, 60)} {self.rng.choice(STREETS)}",
            place,
            _hours([(EVERY_DAY, "07:00", "21:00")]),
            notes="Casiers réapprovisionnés chaque jour, paiement par carte.",
        )

    def delivery(self, producer):
        day = self.rng.choice([THU, FRI, SAT])
        return self.new_point(
            PointOfSale.Kind.DELIVERY,
            f"Livraison à domicile, {producer.title}",
            "",
            producer.place,
            [(day, "14:00", "19:00", None, None)],
            notes=(
                f"Livraison dans un rayon de 20 km autour {of(producer.place.name)}, "
                "commande la veille avant midi."
            ),
            near_centre=True,
        )

    def channel_point(self, kind, producer):
        """One point of sale of the given kind for the producer (shared when it can be)."""
        place = producer.place
        if kind == "market":
            return self.shared_point("market", self.town_near(place, 4000), self.market)
        if kind == "amap":
            return self.shared_point("amap", self.town_near(place, 2000), self.amap)
        if kind == "shop":
            return self.shared_point("shop", self.town_near(place, 8000), self.producers_shop)
        if kind == "drive":
            return self.shared_point("drive", self.town_near(place, 5000), self.drive)
        if kind == "vending":
            return self.vending(producer)
        return self.delivery(producer)

    def home_point(self, producer, farm_type):
        """Where the producer sells at home: the port's stalls for fishers, else its shop."""
        if farm_type.key == "pecheur":
            return self.shared_point("port", producer.place, self.port_stalls)
        return self.farm_shop(producer, farm_type) if farm_type.shop else None

    def demo_points(self, producer, farm_type):
        """The demo's channels: the farm's own shop plus shared and own outlets."""
        points = []
        # Seasonal produce and the day's catch are always sold at home; most others too.
        if farm_type.season or farm_type.key == "pecheur" or self.rng.random() < 0.88:
            points.append(self.home_point(producer, farm_type))
        points = [point for point in points if point]
        for kind, chance in farm_type.channels.items():
            if self.rng.random() < chance:
                points.append(self.channel_point(kind, producer))
        if producer.click_and_collect and self.rng.random() < 0.5:
            points.append(self.channel_point("drive", producer))
        if not points:  # everyone sells somewhere
            points.append(self.channel_point("market", producer))
        return _unique(points)

    def generated_points(self, producer, farm_type, count):
        """`count` points of sale of the producer's own, for generated data."""
        home = self.home_point(producer, farm_type)
        points = [home] if home else []
        kinds = [*farm_type.channels, "market"]
        while len(points) < count:
            points.append(self.channel_point(self.rng.choice(kinds), producer))
        return points[:count]

    # Producers -----------------------------------------------------------------------------

    def producer(self, ref, place, farm_type):
        rng = self.rng
        surname = rng.choice(SURNAMES)
        title = rng.choice(farm_type.names).format(
            of_place=rng.choice(PLACE_NAMES), of_commune=of(place.name), surname=surname
        )
        slug = self._unique_slug(title, place)
        first, second = rng.sample(FIRST_NAMES, 2)
        producer_names = rng.choice(
            (
                f"{first} et {second} {surname}",
                f"{first} {surname}",
                f"Famille {surname}",
                f"{first} {surname} et ses enfants",
                f"{first} {surname} et {second} {rng.choice(SURNAMES)}",
            )
        )
        product_signs = dict(farm_type.product_signs)
        products = [
            (category, notes, list(product_signs.get(category, ())))
            for index, (category, notes) in enumerate(farm_type.products)
            if index < farm_type.core or rng.random() < 0.45
        ]
        signs = []
        if rng.random() < farm_type.organic:
            signs.append("ab")
        elif rng.random() < farm_type.hve:
            signs.append("hve")
        partners = [slug_ for slug_, zone in PARTNER_ZONES.items() if self.in_zone(place, zone)]
        if rng.random() < farm_type.network:
            signs.append(NETWORK_SIGN)
            partners.append(NETWORK_PARTNER)
        web_name = slugify(title)[:50].strip("-")  # a DNS label has at most 63 characters
        producer = ProducerPlan(
            ref=ref,
            title=title,
            slug=slug,
            producer_names=producer_names,
            summary=rng.choice(farm_type.summaries).format(commune=place.name),
            story="",
            place=place,
            farm_type=farm_type,
            products=products,
            signs=signs,
            partners=partners,
            email=f"contact@{web_name}.example" if rng.random() < 0.6 else "",
            website=f"https://www.{web_name}.example" if rng.random() < 0.35 else "",
        )
        if rng.random() < 0.25:
            producer.click_and_collect = True
            producer.click_and_collect_info = rng.choice(CLICK_AND_COLLECT_INFO)
            if producer.website:
                producer.click_and_collect_url = f"{producer.website}/commande"
        return producer

    def _unique_slug(self, title, place):
        base = slugify(title)
        if place.slug not in base:
            base = f"{base}-{place.slug}"
        slug, suffix = base, 1
        while slug in self.slugs:
            suffix += 1
            slug = f"{base}-{suffix}"
        self.slugs.add(slug)
        return slug


def _unique(items):
    seen, result = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def story_html(producer):
    """A short story: the summary, then where to buy."""
    where = []
    for point in producer.points:
        if point.kind == PointOfSale.Kind.FARM_SHOP:
            where.append("sur place")
        elif point.name.startswith("Étals"):
            where.append(f"aux étals{point.name[len('Étals') :]}")
        elif point.kind in (PointOfSale.Kind.MARKET, PointOfSale.Kind.DRIVE):
            where.append(f"au {point.name[0].lower()}{point.name[1:]}")
        elif point.kind == PointOfSale.Kind.AMAP:
            where.append(f"à l'{point.name}")
        elif point.kind == PointOfSale.Kind.SHOP:
            where.append(f"au magasin de producteurs {point.name}")
        elif point.kind == PointOfSale.Kind.VENDING:
            where.append(f"au distributeur automatique de {point.place.name}")
        else:
            where.append("en livraison à domicile")
    where = list(dict.fromkeys(where))
    channels = where[0] if len(where) == 1 else ", ".join(where[:-1]) + " et " + where[-1]
    return f"<p>{producer.summary}</p><p>Où acheter : {channels}.</p>"


def plan_demo_producers(places=None, count=DEMO_PRODUCERS, seed=DEMO_SEED):
    """The demo producers and every point of sale they use, as plain data."""
    places = places if places is not None else load_places()
    rng = random.Random(seed)
    planner = Planner(rng, places, DEMO_POINT_PREFIX, shared=True)

    chosen = []  # (place, farm type)
    for key, quota in DEMO_QUOTAS.items():
        farm_type = FARM_TYPE[key]
        candidates = [p for p in places if planner.in_zone(p, farm_type.zone)]
        chosen += [(planner.pick_place(candidates), farm_type) for _ in range(quota)]
    # One ordinary producer in every ~25 km cell, so the whole region is covered ...
    cells = defaultdict(list)
    for place in places:
        cells[(int(place.latitude // 0.22), int(place.longitude // 0.33))].append(place)
    ordinary_weights = [t.weight for t in ORDINARY_TYPES]
    for cell in sorted(cells):
        if len(chosen) < count:
            farm_type = rng.choices(ORDINARY_TYPES, weights=ordinary_weights)[0]
            chosen.append((planner.pick_place(cells[cell]), farm_type))
    # ... then communes weighted by population.
    weights = [place_weight(p) for p in places]
    while len(chosen) < count:
        place = rng.choices(places, weights=weights)[0]
        chosen.append((place, rng.choices(ORDINARY_TYPES, weights=ordinary_weights)[0]))
    rng.shuffle(chosen)

    producers = []
    for number, (place, farm_type) in enumerate(chosen, 1):
        producer = planner.producer(f"{DEMO_PREFIX}{number:04d}", place, farm_type)
        producer.points = planner.demo_points(producer, farm_type)
        producer.story = story_html(producer)
        producers.append(producer)
    return producers, planner.points


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _time(text):
    return time.fromisoformat(text)


def _create_point(plan, communes):
    point = PointOfSale(
        kind=plan.kind,
        name=plan.name,
        address=plan.address,
        commune=communes[plan.place.id],
        latitude=plan.latitude,
        longitude=plan.longitude,
        notes=plan.notes,
        import_ref=plan.ref,
    )
    point.opening_hours = [
        OpeningHours(
            weekday=day,
            opens=_time(opens),
            closes=_time(closes),
            season_start=start,
            season_end=end,
            sort_order=order,
        )
        for order, (day, opens, closes, start, end) in enumerate(plan.hours)
    ]
    point.save()
    return point


def _index_references(obj):
    if ReferenceIndex.is_indexed(type(obj)):
        ReferenceIndex.create_or_update_for_object(obj)


def _producer_page(plan, communes, categories, signs, partners, point_ids):
    """An unsaved ProducerPage with its products, points of sale, signs and partners."""
    page = ProducerPage(
        title=plan.title,
        slug=plan.slug,
        story=[{"type": "paragraph", "value": plan.story}],
        commune=communes[plan.place.id],
        **plan.profile_fields(),
    )
    for order, (category_slug, notes, sign_slugs) in enumerate(plan.products):
        product = ProducerProduct(category=categories[category_slug], notes=notes, sort_order=order)
        product.quality_signs = [signs[slug] for slug in sign_slugs]
        page.products.add(product)
    page.points_of_sale = [
        ProducerPointOfSale(point_of_sale_id=point_ids[point.ref], sort_order=order)
        for order, point in enumerate(plan.points)
    ]
    page.quality_signs = [signs[slug] for slug in plan.signs]
    page.partners = [partners[slug] for slug in plan.partners]
    return page


@transaction.atomic
def load_demo_producers(stdout=None, count=DEMO_PRODUCERS, seed=DEMO_SEED):
    """Publish the demo producers that are missing; returns (producers, points) created.

    A producer that already exists (same import_ref) is left as it is: editors may have
    changed it in the admin.
    """
    index = DirectoryIndexPage.get_or_create()
    producers, points = plan_demo_producers(count=count, seed=seed)
    existing = set(
        ProducerPage.objects.filter(import_ref__startswith=DEMO_PREFIX).values_list(
            "import_ref", flat=True
        )
    )
    point_ids = dict(
        PointOfSale.objects.filter(import_ref__startswith=DEMO_POINT_PREFIX).values_list(
            "import_ref", "pk"
        )
    )
    missing = [p for p in producers if p.ref not in existing]
    if not missing:
        if stdout is not None:
            stdout.write(f"  demo producers: all {len(producers)} already there")
        return 0, 0

    categories = {c.slug: c for c in ProductCategory.objects.select_related("parent")}
    signs = {s.slug: s for s in QualitySign.objects.all()}
    partners = {p.slug: p for p in Partner.objects.all()}
    used_places = {p.place.id for p in missing} | {pt.place.id for p in missing for pt in p.points}
    communes = Commune.objects.in_bulk(used_places)

    created_points = 0
    # Wagtail re-indexes references on every save of every child row; index each object once.
    with disable_reference_index_auto_update():
        for done, plan in enumerate(missing, 1):
            for point in plan.points:
                if point.ref not in point_ids:
                    created = _create_point(point, communes)
                    _index_references(created)
                    point_ids[point.ref] = created.pk
                    created_points += 1
            page = _producer_page(plan, communes, categories, signs, partners, point_ids)
            index.add_child(instance=page)
            page.save_revision().publish()
            _index_references(page)
            if stdout is not None and (done % 50 == 0 or done == len(missing)):
                stdout.write(f"  demo producers: {done}/{len(missing)}")
    if stdout is not None:
        stdout.write(
            f"  published {len(missing)} demo producers and created {created_points} points of sale"
        )
    return len(missing), created_points


def load_directory_demo(stdout=None):
    """Reference data, the /producteurs/ page and the demo producers."""
    load_reference_data(stdout)
    return load_demo_producers(stdout)
