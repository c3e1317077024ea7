"""A restaurant orders from three producers on a kitchen tablet; a producer adjusts a line."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
D = Decimal


@pytest.fixture
def montreuillois():
    """Three suppliers of the Montreuillois, a restaurant, two delivery slots."""
    cache.clear()  # the login throttle counts in the cache
    today = timezone.localdate()
    slots = [make_slot(today + datetime.timedelta(days=days)) for days in (5, 6)]
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples", username="pecherie")
    dairy = make_supplier("Laiterie de la Canche", username="laiterie")
    offers = {
        "Poireaux": OfferFactory(supplier=farm, name="Poireaux", price=D("2.10")),
        "Maquereaux": OfferFactory(supplier=fishmonger, name="Maquereaux", price=D("9.80")),
        "Beurre": OfferFactory(supplier=dairy, name="Beurre", price=D("12.00")),
    }
    make_buyer("Le Bistrot du Marché", username="bistrot")
    yield {"slots": slots, "offers": offers}
    cache.clear()


def log_in(page, username):
    page.goto("/portail/connexion/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name=re.compile("Se déconnecter"))).to_be_visible()


def add_to_basket(page, name, quantity):
    card = page.locator(".offer-card", has=page.get_by_role("heading", name=name))
    card.get_by_label(re.compile("Quantité")).fill(quantity)
    card.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator(".portal-messages")).to_contain_text(name)


def test_a_restaurant_orders_from_three_suppliers_and_sees_a_producers_change(
    open_context, montreuillois
):
    buyer = open_context().new_page()
    log_in(buyer, "bistrot")
    buyer.get_by_role("link", name="Catalogue").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Catalogue")
    add_to_basket(buyer, "Poireaux", "10")
    add_to_basket(buyer, "Maquereaux", "3")
    add_to_basket(buyer, "Beurre", "2")

    buyer.get_by_role("navigation", name="Portail d'approvisionnement").get_by_role(
        "link", name="Panier"
    ).click()
    suppliers = buyer.locator(".portal-supplier h2").all_inner_texts()
    assert suppliers == ["Ferme des Sept Vallées", "Laiterie de la Canche", "Pêcherie d'Étaples"]
    # 10 x 2.10 + 3 x 9.80 + 2 x 12.00 = 74.40 excl. VAT
    expect(buyer.locator("#total-heading + *")).to_contain_text("74,40")

    with translation.override("fr"):
        later = date_format(montreuillois["slots"][1].date, "l j F")
    buyer.get_by_label(re.compile(re.escape(later))).check()
    buyer.get_by_role("button", name="Envoyer la commande").click()
    expect(buyer).to_have_url(re.compile(r"/portail/commandes/\d+/$"))
    expect(buyer.locator(".lead")).to_contain_text(later)

    supplier = open_context().new_page()
    log_in(supplier, "ferme7v")
    supplier.get_by_role("link", name="Le Bistrot du Marché").click()
    supplier.get_by_text("Modifier cette ligne").click()
    supplier.get_by_label("Modification").select_option(label="Réduire la quantité")
    supplier.get_by_label("Nouvelle quantité").fill("8")
    supplier.get_by_label("Motif indiqué à l'acheteur").fill("Gelées cette semaine")
    supplier.get_by_role("button", name="Enregistrer la modification").click()
    expect(supplier.locator("tr.line--adjusted")).to_contain_text("→ 8")

    buyer.reload()
    leeks = buyer.locator("tr", has_text="Poireaux")
    expect(leeks).to_contain_text("Quantité réduite")
    expect(leeks).to_contain_text("Gelées cette semaine")
    expect(leeks).to_contain_text("→ 8")
    # 8 x 2.10 + 29.40 + 24.00 = 70.20 excl. VAT
    expect(buyer.locator("#total-heading + *")).to_contain_text("70,20")
