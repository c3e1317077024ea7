"""Demo content of the seasonal calendar: the /de-saison/ page and the seasons of the produce
of Hauts-de-France for the taxonomy of directory/demo.py (plus a few regional products).

Idempotent: categories and seasons are found again by slug, the page by its type; a second
run creates, updates and publishes nothing. Seasons are written as (first, last) month
periods and wrap across the new year: (10, 4) is October to April.
"""

from django.db import transaction
from django.db.models import Max
from wagtail.models import Site

from circuitcourt.directory.models import ProductCategory

from . import grid
from .models import SeasonalCalendarPage, Seasonality

PAGE_TITLE = "Calendrier des produits de saison"
PAGE_SLUG = "de-saison"
PAGE_INTRODUCTION = (
    "Ce qui pousse, se récolte, se pêche ou se chasse en ce moment dans les Hauts-de-France, "
    "mois par mois. Choisissez un produit pour trouver les producteurs qui le vendent, au plus "
    "près de chez vous."
)

# Regional products the directory's taxonomy lacks: (parent slug, slug, French, English, icon).
EXTRA_CATEGORIES = [
    ("legumes", "asperges", "Asperges", "Asparagus", "🌱"),
    ("legumes", "jets-de-houblon", "Jets de houblon", "Hop shoots", "🌱"),
    ("legumes", "courges", "Courges et potirons", "Squashes and pumpkins", "🎃"),
    (
        "poissons-et-fruits-de-mer",
        "coquilles-saint-jacques",
        "Coquilles Saint-Jacques",
        "Scallops",
        "🐚",
    ),
]

ALL_YEAR = [(1, 12)]

# slug -> (periods in season, peak periods, notes). A parent's season covers its
# sub-categories that have none of their own (cheeses, dairy, meat, drinks, pantry).
SEASONS = {
    # Fruits
    "pommes": ([(8, 3)], [(9, 11)], "Pommes de garde en chambre froide jusqu'au printemps."),
    "poires": ([(8, 12)], [(9, 10)], ""),
    "fraises": ([(5, 7)], [(6, 6)], ""),
    "rhubarbe": ([(4, 6)], [(5, 5)], ""),
    "petits-fruits": ([(6, 9)], [(7, 7)], "Groseilles, cassis, framboises, mûres."),
    # Vegetables
    "endives": ([(10, 4)], [(11, 3)], "Le chicon, forcé en salle de culture tout l'hiver."),
    "poireaux": ([(9, 4)], [(10, 2)], ""),
    "pommes-de-terre": (ALL_YEAR, [(8, 10)], "Primeurs en juin, puis pommes de terre de garde."),
    "choux": (ALL_YEAR, [(10, 2)], "Choux d'hiver ; choux-fleurs de la Côte d'Opale l'été."),
    "carottes": (ALL_YEAR, [(9, 11)], "Carottes de garde l'hiver, nouvelles en été."),
    "ail": ([(7, 3)], [(7, 9)], "L'ail fumé d'Arleux se conserve tout l'hiver."),
    "oignons": (ALL_YEAR, [(8, 10)], ""),
    "betteraves": (ALL_YEAR, [(9, 11)], ""),
    "salades": ([(4, 11)], [(6, 8)], ""),
    "champignons": (ALL_YEAR, [], "Cultivés en carrière ou en cave toute l'année."),
    "cresson": ([(9, 5)], [(11, 3)], ""),
    "legumes-secs": (ALL_YEAR, [], "Lingots du Nord et autres haricots secs."),
    "asperges": ([(4, 6)], [(5, 5)], ""),
    "jets-de-houblon": (
        [(3, 4)],
        [(3, 3)],
        "Cueillis à la main en Flandre, mi-mars à mi-avril.",
    ),
    "courges": ([(9, 2)], [(10, 11)], ""),
    # Cheeses and dairy: made all year; goats rest in winter.
    "fromages": (ALL_YEAR, [], ""),
    "fromages-de-chevre": ([(3, 11)], [(5, 9)], "Les chèvres se reposent l'hiver."),
    "produits-laitiers": (ALL_YEAR, [], ""),
    # Meat
    "viandes": (ALL_YEAR, [], ""),
    "volailles": (ALL_YEAR, [(12, 12)], "Chapons et volailles de fête en décembre."),
    "gibier": ([(9, 2)], [(10, 12)], "Pendant la saison de chasse."),
    # Fish and seafood of the Opal Coast
    "moules": (
        [(7, 12)],
        [(8, 10)],
        "Moules de bouchot de la Côte d'Opale, baie de Somme.",
    ),
    "poissons-cote-d-opale": (ALL_YEAR, [(10, 12)], "Hareng de Boulogne en fin d'année."),
    "crevettes-grises": ([(3, 11)], [(9, 10)], ""),
    "coquilles-saint-jacques": ([(10, 5)], [(11, 1)], "Pêche ouverte d'octobre à mi-mai."),
    # Drinks and pantry: all year
    "boissons": (ALL_YEAR, [], ""),
    "epicerie": (ALL_YEAR, [], ""),
    # Non-food with a season (wool, plants without: no row)
    "plants": ([(3, 6)], [(4, 5)], "Plants de légumes et de fleurs pour le jardin."),
    "fleurs": ([(4, 10)], [(6, 8)], "Fleurs coupées des champs."),
    "sapins-de-noel": ([(11, 12)], [(12, 12)], ""),
}


def mask(periods):
    result = 0
    for first, last in periods:
        result |= grid.span(first, last)
    return result


def ensure_extra_categories():
    """Add the regional products the taxonomy lacks under their parent; returns how many."""
    created = 0
    for parent_slug, slug, name, name_en, icon in EXTRA_CATEGORIES:
        parent = ProductCategory.objects.filter(slug=parent_slug).first()
        if parent is None or ProductCategory.objects.filter(slug=slug).exists():
            continue
        last = parent.children.aggregate(last=Max("sort_order"))["last"]
        ProductCategory.objects.create(
            parent=parent,
            slug=slug,
            name=name,
            name_en=name_en,
            icon=icon,
            is_food=parent.is_food,
            sort_order=(last or 0) + 1,
        )
        created += 1
    return created


def load_seasons():
    """Create or update the seasonality of each known category; returns (created, updated)."""
    categories = ProductCategory.objects.in_bulk(list(SEASONS), field_name="slug")
    existing = {
        row.category_id: row for row in Seasonality.objects.filter(category__slug__in=list(SEASONS))
    }
    created = updated = 0
    for slug, (season, peak, notes) in SEASONS.items():
        category = categories.get(slug)
        if category is None:
            continue
        fields = {"season_months": mask(season) | mask(peak), "peak_months": mask(peak)}
        fields["notes"] = notes
        row = existing.get(category.pk)
        if row is None:
            Seasonality.objects.create(category=category, **fields)
            created += 1
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
            updated += 1
    return created, updated


def ensure_calendar_page():
    """The single calendar page under the home page, published; returns it and whether new."""
    page = SeasonalCalendarPage.objects.first()
    if page is not None:
        return page, False
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page
    page = SeasonalCalendarPage(
        title=PAGE_TITLE, slug=PAGE_SLUG, introduction=PAGE_INTRODUCTION, show_in_menus=True
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page, True


@transaction.atomic
def load_calendar_demo(stdout=None):
    """The regional products, their seasons and the calendar page."""
    categories = ensure_extra_categories()
    created, updated = load_seasons()
    page, new_page = ensure_calendar_page()
    if stdout is not None:
        stdout.write(
            f"  seasonal calendar: {categories} categories added, {created} seasons created, "
            f"{updated} updated"
        )
        if new_page:
            stdout.write(f"  published « {page.title} »")
    return {"categories": categories, "created": created, "updated": updated}
