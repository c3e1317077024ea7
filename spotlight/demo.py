"""Demo content of "Producteurs à l'honneur": the archive page and six articles.

The articles portray demo producers of the directory, who are invented (`is_fictional`);
every article says so. Illustrations are drawn here with Pillow (no download). Idempotent:
pages are found again by slug and images by title, and an existing article is left as it is
(editors may have changed it).
"""

import io
import random
from datetime import timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Site

from circuitcourt.directory.models import ProducerPage, ProductCategory

from .models import SpotlightIndexPage, SpotlightPage, SpotlightProducer

INDEX = {
    "title": "Producteurs à l'honneur",
    "slug": "a-la-une",
    "introduction": (
        "Chaque mois, la Chambre d'agriculture fait le portrait de producteurs qui vendent en "
        "circuit court : leur métier, leurs produits, leurs points de vente."
    ),
}
FICTION_NOTICE = (
    "<p><em>Article de démonstration : les producteurs, leurs propos et les illustrations "
    "sont fictifs.</em></p>"
)

# slug, product category to find the producers by, how many producers, colour (RGB) of the
# illustration, days since publication (negative: scheduled), title, lead, paragraphs, quote.
ARTICLES = [
    {
        "slug": "maroilles-affine-a-la-ferme",
        "category": "maroilles",
        "colour": (222, 150, 60),
        "age_days": 3,
        "title": "Le maroilles, affiné à la ferme",
        "lead": (
            "En Thiérache, {title} transforme chaque matin le lait de son troupeau en maroilles "
            "AOP, brossé et retourné pendant cinq semaines en cave."
        ),
        "paragraphs": [
            "Le lait est emprésuré encore chaud, moulé, démoulé puis salé à la main. Le croûtage "
            "orange naît des lavages successifs à l'eau salée, sans colorant.",
            "On trouve les fromages à la ferme, à {commune}, et sur les marchés voisins.",
        ],
        "quote": "Un bon maroilles se mérite : il lui faut du temps et de l'attention.",
    },
    {
        "slug": "chicons-de-pleine-terre",
        "category": "endives",
        "colour": (235, 225, 170),
        "age_days": 35,
        "title": "Chicons de pleine terre : la patience de l'hiver",
        "lead": (
            "À {commune}, {title} force encore ses endives en pleine terre, sous une couche de "
            "paille, comme on le faisait dans le Nord avant les salles de forçage."
        ),
        "paragraphs": [
            "Les racines arrachées à l'automne sont replantées serrées dans des couches chauffées. "
            "Trois semaines plus tard, le chicon sort, blanc et croquant.",
            "La récolte dure d'octobre à avril ; les endives se vendent à la ferme et au marché.",
        ],
        "quote": "Le chicon de pleine terre a un goût que l'on n'oublie pas.",
    },
    {
        "slug": "vergers-et-varietes-anciennes",
        "category": "pommes",
        "colour": (170, 40, 40),
        "age_days": 70,
        "title": "Au verger, les variétés anciennes",
        "lead": (
            "{title} cultive à {commune} des pommes et des poires de variétés régionales, "
            "récoltées à maturité et vendues en direct."
        ),
        "paragraphs": [
            "Reinette des Capucins, Jacques Lebel, Belle fleur double : les vieilles variétés du "
            "Nord se gardent bien et se prêtent aux tartes comme au jus.",
            "Le verger accueille des ruches au printemps pour la pollinisation.",
        ],
        "quote": "Une pomme cueillie mûre n'a pas besoin d'être traitée pour se conserver.",
    },
    {
        "slug": "une-brasserie-a-la-ferme",
        "category": "bieres",
        "colour": (200, 140, 30),
        "age_days": 110,
        "title": "Une brasserie à la ferme",
        "lead": (
            "À {commune}, {title} brasse des bières de garde avec l'orge et le houblon des champs "
            "voisins."
        ),
        "paragraphs": [
            "La bière de garde, tradition du Nord, mûrit plusieurs semaines avant la mise en "
            "bouteille. Blonde, ambrée ou de saison, elle se marie avec les fromages de la région.",
            "La brasserie ouvre sa boutique le samedi et propose des visites.",
        ],
        "quote": "Ici, l'orge pousse à deux pas de la cuve.",
    },
    {
        "slug": "les-abeilles-du-bocage",
        "category": "miel",
        "producers": 2,
        "colour": (240, 190, 40),
        "age_days": 150,
        "title": "Les abeilles du bocage",
        "lead": (
            "Deux apiculteurs, {title} et {title2}, récoltent des miels de colza, de tilleul et "
            "toutes fleurs, qu'ils vendent ensemble sur les marchés."
        ),
        "paragraphs": [
            "Le miel de colza, récolté en mai, cristallise vite et reste crémeux ; celui de "
            "tilleul, en juillet, garde sa couleur ambrée.",
            "Les ruches se visitent lors des journées portes ouvertes de juin.",
        ],
        "quote": "Nos abeilles nous disent comment va la campagne autour.",
    },
    {
        "slug": "moules-de-bouchot-cote-d-opale",
        "category": "moules",
        "colour": (40, 60, 110),
        "age_days": -7,  # scheduled: goes live in a week (publish_scheduled)
        "title": "Moules de bouchot de la Côte d'Opale",
        "lead": (
            "{title} élève des moules sur bouchots, face à la mer, et les vend le jour même de la "
            "récolte."
        ),
        "paragraphs": [
            "Les moules grandissent accrochées aux pieux de bois plantés sur l'estran. La récolte "
            "se fait à marée basse, de juillet à janvier.",
            "Au retour, les moules sont lavées, triées et vendues en direct.",
        ],
        "quote": "La mer décide des horaires, pas nous.",
    },
]


def _illustration(spec):
    """A small abstract picture (circles on a coloured ground), drawn once per article."""
    Image = get_image_model()
    title = f"Illustration : {spec['title']}"
    found = Image.objects.filter(title=title).first()
    if found:
        return found
    rng = random.Random(spec["slug"])
    red, green, blue = spec["colour"]
    picture = PILImage.new("RGB", (960, 640), spec["colour"])
    draw = ImageDraw.Draw(picture)
    for _ in range(14):
        x, y, r = rng.randint(0, 960), rng.randint(0, 640), rng.randint(30, 160)
        shade = rng.randint(-50, 50)
        colour = tuple(max(0, min(255, c + shade)) for c in (red, green, blue))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=70)
    return Image.objects.create(
        title=title, file=ImageFile(data, name=f"spotlight-{spec['slug']}.jpg")
    )


def _index(stdout):
    index = SpotlightIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=SpotlightIndexPage(show_in_menus=True, **INDEX))
        index.save_revision().publish()
        if stdout is not None:
            stdout.write(f"  created the page « {index.title} »")
    return index


@transaction.atomic
def load_spotlight_demo(stdout=None):
    """The archive page and the demo articles that are missing; returns how many were made."""
    index = _index(stdout)
    existing = set(SpotlightPage.objects.child_of(index).values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for spec in ARTICLES:
        if spec["slug"] in existing:
            continue
        category = ProductCategory.objects.filter(slug=spec["category"]).first()
        producers = list(
            ProducerPage.objects.live()
            .filter(is_fictional=True, products__category=category)
            .select_related("commune")
            .order_by("import_ref")[: spec.get("producers", 1)]
        )
        if not producers:  # the directory demo was not loaded
            continue
        first = producers[0]
        names = {
            "title": first.title,
            "title2": producers[-1].title,
            "commune": first.commune.name if first.commune else "",
        }
        article = SpotlightPage(
            title=spec["title"],
            slug=spec["slug"],
            lead=spec["lead"].format(**names),
            portrait=_illustration(spec),
            quote_text=spec["quote"],
            quote_author=f"{first.producer_names or first.title} (propos imaginés)",
            body=[
                *(
                    {"type": "paragraph", "value": f"<p>{p.format(**names)}</p>"}
                    for p in spec["paragraphs"]
                ),
                {"type": "paragraph", "value": FICTION_NOTICE},
            ],
        )
        article.producer_links = [
            SpotlightProducer(producer=producer, sort_order=order)
            for order, producer in enumerate(producers)
        ]
        article.featured_products = [category]
        if spec["age_days"] < 0:
            article.go_live_at = now + timedelta(days=-spec["age_days"])
            article.live = False
        index.add_child(instance=article)
        article.save_revision().publish()
        if spec["age_days"] >= 0:
            # Spread the demo over past months so the archive reads as one.
            SpotlightPage.objects.filter(pk=article.pk).update(
                first_published_at=now - timedelta(days=spec["age_days"])
            )
        created += 1
    if stdout is not None:
        stdout.write(f"  spotlight: {created} demo articles created")
    return created
