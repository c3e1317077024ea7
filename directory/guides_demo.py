"""Demo partner guides: two partners' producers guides, online and as a PDF.

The producers are the directory's demo producers of each partner (fictional, like them); the
PDF is drawn here with Pillow (no download). Idempotent: a guide is found again by slug in
its partner's section, a document by title; an existing guide is left as editors made it.
"""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.models import Site

from .guides import GuideIndexPage, GuidePage, GuideProducer
from .models import Partner, ProducerPage

GUIDES = [
    {
        "partner": "agence-attractivite-montreuillois",
        "slug": "guide-des-producteurs-du-montreuillois",
        "title": "Guide des producteurs du Montreuillois",
        "introduction": (
            "Les fermes, marchés et boutiques de producteurs de la Côte d'Opale et de la "
            "vallée de la Canche. Guide de démonstration : les producteurs sont fictifs."
        ),
        "producers": 12,
        "pdf": True,
    },
    {
        "partner": "parc-naturel-regional-avesnois",
        "slug": "producteurs-de-l-avesnois",
        "title": "Producteurs de l'Avesnois",
        "introduction": (
            "Maroilles, cidres et produits du bocage : les producteurs du Parc naturel "
            "régional de l'Avesnois. Guide de démonstration : les producteurs sont fictifs."
        ),
        "producers": 10,
        "pdf": False,
    },
]
INDEX = {
    "title": "Guides des producteurs",
    "slug": "guides",
    "introduction": (
        "Les guides des producteurs publiés par les territoires et les réseaux partenaires, à "
        "consulter en ligne, à télécharger ou à imprimer."
    ),
}


def guide_pdf(title, producers):
    """An A4 PDF (one page per 20 producers) listing the guide's producers, drawn by Pillow."""
    font = ImageFont.load_default(size=22)
    pages = []
    for start in range(0, max(len(producers), 1), 20):
        page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
        draw = ImageDraw.Draw(page)
        draw.text((100, 100), title, fill="black", font=ImageFont.load_default(size=40))
        draw.text(
            (100, 170), "Données de démonstration : producteurs fictifs.", fill="black", font=font
        )
        for row, producer in enumerate(producers[start : start + 20]):
            commune = producer.commune.name if producer.commune else ""
            draw.text(
                (100, 260 + row * 70), f"{producer.title} — {commune}", fill="black", font=font
            )
        pages.append(page)
    data = io.BytesIO()
    pages[0].save(data, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return data.getvalue()


def _index(stdout):
    index = GuideIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=GuideIndexPage(show_in_menus=True, **INDEX))
        index.save_revision().publish()
        if stdout is not None:
            stdout.write(f"  created the page « {index.title} »")
    return index


@transaction.atomic
def load_guides_demo(stdout=None):
    """/guides/ and the demo guides that are missing; returns how many guides were made."""
    from circuitcourt.home.models import PartnerSectionPage

    _index(stdout)
    Document = get_document_model()
    created = 0
    for spec in GUIDES:
        partner = Partner.objects.filter(slug=spec["partner"]).first()
        section = PartnerSectionPage.objects.filter(partner=partner).first() if partner else None
        if section is None or GuidePage.objects.child_of(section).filter(slug=spec["slug"]):
            continue
        producers = list(
            ProducerPage.objects.live()
            .filter(is_fictional=True, partners=partner)
            .select_related("commune")
            .order_by("commune__name", "title")[: spec["producers"]]
        )
        document = None
        if spec["pdf"]:
            document = Document.objects.filter(title=spec["title"]).first()
            if document is None:
                content = ContentFile(guide_pdf(spec["title"], producers), f"{spec['slug']}.pdf")
                document = Document.objects.create(title=spec["title"], file=content)
        guide = GuidePage(
            title=spec["title"],
            slug=spec["slug"],
            introduction=spec["introduction"],
            document=document,
        )
        guide.producer_links = [
            GuideProducer(producer=producer, sort_order=order)
            for order, producer in enumerate(producers)
        ]
        section.add_child(instance=guide)
        guide.save_revision().publish()
        created += 1
    if stdout is not None:
        stdout.write(f"  partner guides: {created} demo guides created")
    return created
