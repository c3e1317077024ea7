"""Load the demo content that `make run` shows. Safe to run again: it updates, never duplicates."""

import copy

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from circuitcourt.calendar import demo as calendar_demo
from circuitcourt.directory import demo as directory_demo
from circuitcourt.directory.guides_demo import load_guides_demo
from circuitcourt.home import demo as editorial_demo
from circuitcourt.home.models import HomePage, StandardPage
from circuitcourt.home.translations_demo import load_translations_demo
from circuitcourt.site.i18n import sync_page_tree
from circuitcourt.spotlight.demo import load_spotlight_demo
from circuitcourt.supply import demo as supply_demo

HOME_INTRODUCTION = (
    "Trouvez les producteurs qui vendent en circuit court près de chez vous, de votre travail "
    "ou de votre lieu de vacances : leurs produits, leurs points de vente, leurs labels."
)
HOME_BODY = [
    {"type": "heading", "value": {"text": "Manger local, c'est simple", "level": "h2"}},
    {
        "type": "paragraph",
        "value": (
            "<p>Circuit Court réunit les producteurs des Hauts-de-France qui vendent à la ferme, "
            "sur les marchés, en drive fermier ou en magasin de producteurs. Les données de "
            "démonstration sont fictives.</p>"
        ),
    },
]
ABOUT_BODY = [
    {
        "type": "paragraph",
        "value": (
            "<p>Un programme de la Chambre d'agriculture et de la Chambre de commerce et "
            "d'industrie des Hauts-de-France, avec les territoires partenaires.</p>"
        ),
    },
]


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo content: the home page, the 'about' page and the "
        "producers guide (reference data and invented producers)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise SystemExit(f"The default site's root is a {type(home).__name__}, not a HomePage.")

        self._publish(home, title="Circuit Court", introduction=HOME_INTRODUCTION, body=HOME_BODY)

        about = StandardPage.objects.child_of(home).filter(slug="a-propos").first()
        if about is None:
            about = home.add_child(
                instance=StandardPage(
                    title="À propos", slug="a-propos", live=False, show_in_menus=True
                )
            )
            self.stdout.write("  created the page « À propos »")
        self._publish(about, title="À propos", introduction="", body=ABOUT_BODY)

        directory_demo.load_directory_demo(self.stdout)
        calendar_demo.load_calendar_demo(self.stdout)
        editorial_demo.load_editorial_demo(self.stdout)
        load_spotlight_demo(self.stdout)
        load_guides_demo(self.stdout)
        supply_demo.load_supply_demo(self.stdout)
        load_translations_demo(self.stdout)
        # Pages of a database made before the English tree existed get their aliases.
        aliases = sync_page_tree()
        if aliases:
            self.stdout.write(f"  English aliases: {aliases} pages")

        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _publish(self, page, **fields):
        """Set the fields and publish a revision, only when something changed."""
        changed = not page.live or page.has_unpublished_changes
        for name, value in fields.items():
            if name == "body":
                # Compare blocks without their generated ids.
                current = [
                    {"type": block["type"], "value": block["value"]}
                    for block in page.body.get_prep_value()
                ]
            else:
                current = getattr(page, name)
            if current != value:
                # Wagtail adds block ids to the list it is given: keep our constants intact.
                setattr(page, name, copy.deepcopy(value))
                changed = True
        if changed:
            page.save_revision().publish()
            self.stdout.write(f"  published « {page.title} »")
