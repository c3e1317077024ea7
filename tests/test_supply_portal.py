"""Buyers order and suppliers answer through the portal, in French, each seeing only its own."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from circuitcourt.supply import services
from circuitcourt.supply.models import Order, OrderLine, SupplierOrder
from tests.conftest import PASSWORD
from tests.factories import QualitySignFactory
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def forget_login_attempts():
    """The login throttle counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def login(client, username):
    response = client.post("/portail/connexion/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def text(response):
    """The page's text without tags, spaces collapsed (non-breaking ones too)."""
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(without_tags).replace("\u00a0", " "))


@pytest.fixture
def setting():
    """Two suppliers with offers, two buyers, one open slot in five days."""
    slot = make_slot(timezone.localdate() + datetime.timedelta(days=5))
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v", minimum=D("20"))
    fishmonger = make_supplier("Pêcherie d'Étaples", "Étaples", username="pecherie")
    bio = QualitySignFactory(name="Agriculture biologique", short_name="AB", slug="ab")
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2.10"), min_quantity=D("5"))
    leeks.quality_signs.add(bio)
    OfferFactory(supplier=farm, name="Endives", price=D("3.40"))
    turbot = OfferFactory(
        supplier=fishmonger,
        name="Turbot",
        price=D("30"),
        variable_weight=True,
        estimated_weight_kg=D("1.5"),
    )
    bistrot = make_buyer("Le Bistrot du Marché", username="bistrot")
    hotel = make_buyer("Hôtel de la Plage", "Berck", username="hotel")
    return {
        "slot": slot,
        "farm": farm,
        "fishmonger": fishmonger,
        "leeks": leeks,
        "turbot": turbot,
        "bistrot": bistrot,
        "hotel": hotel,
    }


def test_the_whole_journey_from_catalogue_to_delivery(
    client, setting, django_capture_on_commit_callbacks
):
    s = setting
    login(client, "bistrot")
    catalogue = client.get("/portail/catalogue/", {"sign": s["leeks"].quality_signs.get().pk})
    assert catalogue.status_code == 200
    page = text(catalogue)
    assert "Poireaux" in page and "Endives" not in page
    assert "2,10 € HT" in page and "2,22 €" in page  # incl. 5.5 % VAT
    assert "Poireaux Ferme des Sept Vallées · " in page and " AB " in page  # supplier, sign

    # Basket across two suppliers; the farm's minimum (20 €) is not reached yet.
    client.post("/portail/panier/ajouter/", {"offer": s["leeks"].pk, "quantity": "5"})
    client.post("/portail/panier/ajouter/", {"offer": s["turbot"].pk, "quantity": "2"})
    basket = text(client.get("/portail/panier/"))
    assert "Ferme des Sept Vallées" in basket and "Pêcherie d'Étaples" in basket
    assert "ajoutez 9,50 €" in basket  # 20 - 5 x 2.10
    assert "90,00 €" in basket  # 2 turbots x 1.5 kg x 30 €, estimated

    refused = client.post(
        "/portail/panier/", {"slot": s["slot"].pk, "idempotency_key": "k-1"}, follow=True
    )
    assert "9,50" in text(refused) and not Order.objects.exists()

    client.post(
        "/portail/panier/",
        {"action": "update", f"quantity-{s['leeks'].pk}": "10", f"quantity-{s['turbot'].pk}": "2"},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            "/portail/panier/", {"slot": s["slot"].pk, "idempotency_key": "k-2"}
        )
    order = Order.objects.get()
    assert submitted.url == f"/portail/commandes/{order.pk}/"
    assert order.supplier_orders.count() == 2
    assert {tuple(m.to) for m in mail.outbox} == {
        ("bistrot@example.org",),
        ("ferme7v@example.org",),
        ("pecherie@example.org",),
    }

    # The fishmonger weighs the turbots; the farm reduces the leeks with a reason.
    supplier = login(client.__class__(), "pecherie")
    fish_order = order.supplier_orders.get(supplier=s["fishmonger"])
    turbot_line = fish_order.lines.get()
    supplier.post(
        f"/portail/producteur/commandes/{fish_order.pk}/",
        {"action": "weight", "line": turbot_line.pk, "weight": "3,2"},
    )
    supplier.post(f"/portail/producteur/commandes/{fish_order.pk}/", {"action": "confirm"})
    farmer = login(client.__class__(), "ferme7v")
    farm_order = order.supplier_orders.get(supplier=s["farm"])
    leeks_line = farm_order.lines.get()
    page = text(farmer.get(f"/portail/producteur/commandes/{farm_order.pk}/"))
    assert "Le Bistrot du Marché" in page and "Poireaux" in page
    farmer.post(
        f"/portail/producteur/commandes/{farm_order.pk}/",
        {
            "action": "adjust",
            "line": leeks_line.pk,
            "line-action": "reduce",
            "line-quantity": "8",
            "line-reason": "Gelées",
        },
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        farmer.post(
            f"/portail/producteur/commandes/{farm_order.pk}/",
            {"action": "confirm", "note": "Les gelées de la semaine"},
        )
    leeks_line.refresh_from_db()
    assert leeks_line.status == OrderLine.Status.ADJUSTED
    assert "Gelées" in mail.outbox[0].body and "112,80" in mail.outbox[0].body
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED

    # The buyer sees the change and the new total: 8 x 2.10 + 3.2 kg x 30 = 112.80 HT.
    detail = text(client.get(f"/portail/commandes/{order.pk}/"))
    assert "Quantité réduite" in detail and "Gelées" in detail and "→ 8" in detail
    assert "112,80 €" in detail and "poids final 3,2 kg" in detail

    services.start_delivery(order.slot)
    client.post(
        f"/portail/commandes/{order.pk}/",
        {
            "action": "receive",
            f"received-{leeks_line.pk}": "8",
            f"complaint-{turbot_line.pk}": "Un turbot abîmé",
        },
    )
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert OrderLine.objects.get(pk=turbot_line.pk).complaint == "Un turbot abîmé"
    history = text(client.get("/portail/commandes/"))
    assert "Livrée" in history


def test_double_post_of_the_basket_makes_one_order(client, setting):
    login(client, "bistrot")
    client.post("/portail/panier/ajouter/", {"offer": setting["leeks"].pk, "quantity": "10"})
    form = {"slot": setting["slot"].pk, "idempotency_key": "same-click"}
    first = client.post("/portail/panier/", form)
    # The second click arrives with the same form (the basket was emptied by the first).
    session = client.session
    session["supply_basket"] = {str(setting["leeks"].pk): "10"}
    session.save()
    second = client.post("/portail/panier/", form)
    assert first.url == second.url
    assert Order.objects.count() == 1 and OrderLine.objects.get().quantity == 10


def test_adding_products_later_amends_the_order_and_reorder_fills_the_basket(client, setting):
    login(client, "bistrot")
    client.post("/portail/panier/ajouter/", {"offer": setting["leeks"].pk, "quantity": "10"})
    client.post("/portail/panier/", {"slot": setting["slot"].pk, "idempotency_key": "a"})
    client.post("/portail/panier/ajouter/", {"offer": setting["turbot"].pk, "quantity": "1"})
    assert "s'ajoute à votre commande" in text(client.get("/portail/panier/"))
    client.post("/portail/panier/", {"slot": setting["slot"].pk, "idempotency_key": "b"})
    order = Order.objects.get()
    assert order.lines.count() == 2
    client.post(f"/portail/commandes/{order.pk}/", {"action": "reorder"})
    basket = text(client.get("/portail/panier/"))
    assert "Poireaux" in basket and "Turbot" in basket


def test_bad_quantities_get_a_clear_message(client, setting):
    login(client, "bistrot")
    response = client.post(
        "/portail/panier/ajouter/", {"offer": setting["leeks"].pk, "quantity": "2"}, follow=True
    )
    assert "le minimum est 5 kg" in text(response)
    response = client.post(
        "/portail/panier/ajouter/", {"offer": setting["leeks"].pk, "quantity": "abc"}, follow=True
    )
    assert response.status_code == 200 and "quantité supérieure à zéro" in text(response)
    assert client.session.get("supply_basket", {}) == {}


def test_a_buyer_sees_only_its_own_orders(client, setting):
    other = services.submit_order(setting["hotel"], setting["slot"], [(setting["leeks"].pk, 10)])
    login(client, "bistrot")
    assert client.get(f"/portail/commandes/{other.pk}/").status_code == 404
    assert client.post(f"/portail/commandes/{other.pk}/", {"action": "cancel"}).status_code == 404
    assert "Hôtel de la Plage" not in text(client.get("/portail/commandes/"))
    other.refresh_from_db()
    assert other.status == Order.Status.SUBMITTED


def test_a_supplier_sees_only_its_own_supplier_orders_and_offers(client, setting):
    order = services.submit_order(
        setting["hotel"], setting["slot"], [(setting["leeks"].pk, 10), (setting["turbot"].pk, 1)]
    )
    farm_order = order.supplier_orders.get(supplier=setting["farm"])
    fish_order = order.supplier_orders.get(supplier=setting["fishmonger"])
    login(client, "pecherie")
    assert client.get(f"/portail/producteur/commandes/{farm_order.pk}/").status_code == 404
    assert (
        client.post(
            f"/portail/producteur/commandes/{farm_order.pk}/", {"action": "confirm"}
        ).status_code
        == 404
    )
    assert client.get(f"/portail/producteur/commandes/{fish_order.pk}/").status_code == 200
    assert client.get(f"/portail/producteur/offres/{setting['leeks'].pk}/").status_code == 404
    farm_order.refresh_from_db()
    assert farm_order.status == SupplierOrder.Status.PENDING
    # A supplier is not a buyer, and a buyer is not a supplier.
    assert client.get("/portail/catalogue/").status_code == 403
    buyer = login(client.__class__(), "bistrot")
    assert buyer.get("/portail/producteur/commandes/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/portail/catalogue/")
    assert response.status_code == 302 and response.url.startswith("/portail/connexion/")
    assert client.get("/en/portail/connexion/").status_code == 200


def test_login_is_throttled_after_five_failures(client, setting):
    for _attempt in range(5):
        response = client.post("/portail/connexion/", {"username": "bistrot", "password": "x"})
        assert response.status_code == 200
    response = client.post("/portail/connexion/", {"username": "bistrot", "password": PASSWORD})
    assert response.status_code == 200 and "Trop de tentatives" in text(response)


def test_forms_require_csrf(setting):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(setting["bistrot"].members.get())
    response = client.post(
        "/portail/panier/ajouter/", {"offer": setting["leeks"].pk, "quantity": "5"}
    )
    assert response.status_code == 403


def test_supplier_limits_an_offer_for_a_slot_and_edits_its_offer(client, setting):
    login(client, "ferme7v")
    response = client.post(
        "/portail/producteur/offres/",
        {"offer": setting["leeks"].pk, "slot": setting["slot"].pk, "quantity": "12"},
    )
    assert response.status_code == 302
    assert setting["leeks"].availabilities.get().quantity_available == 12
    data = {
        "name": "Poireaux d'hiver",
        "price": "2.30",
        "vat_rate": "5.50",
        "min_quantity": "5",
        "quantity_step": "1",
        "is_active": "on",
    }
    assert (
        client.post(f"/portail/producteur/offres/{setting['leeks'].pk}/", data).status_code == 302
    )
    setting["leeks"].refresh_from_db()
    assert setting["leeks"].price == D("2.30")


def test_catalogue_runs_a_bounded_number_of_queries(client, setting, django_assert_max_num_queries):
    login(client, "bistrot")
    client.get("/portail/catalogue/")
    with django_assert_max_num_queries(14) as few:
        client.get("/portail/catalogue/")
    from tests.factories import ProductCategoryFactory

    parent = ProductCategoryFactory(name="Légumes anciens")
    for n in range(25):
        # The category menu names each sub-category with its parent's name.
        category = ProductCategoryFactory(name=f"Variété {n}", parent=parent)
        offer = OfferFactory(supplier=setting["farm"], name=f"Légume {n}", category=category)
        offer.quality_signs.add(setting["leeks"].quality_signs.get())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Légumes anciens › Variété 24" in client.get("/portail/catalogue/").content.decode()


def test_the_catalogue_menus_read_as_rows_say_what_django_would(setting):
    """The catalogue's menus, read as (pk, label) rows and written out in Python, are the
    options and the markup Django's own select would give, the chosen one selected."""
    from django import forms
    from django_filters.fields import ModelChoiceIterator

    from circuitcourt.supply.filters import CatalogueFilterSet
    from tests.factories import ProductCategoryFactory

    ProductCategoryFactory(name="Pommes", parent=setting["leeks"].category)
    form = CatalogueFilterSet({"supplier": setting["farm"].pk}).form
    for name in ("category", "supplier", "sign"):
        field = form.fields[name]
        expected = [(str(value), str(label)) for value, label in ModelChoiceIterator(field)]
        assert [(str(value), str(label)) for value, label in field.choices] == expected
        value = form[name].value()
        assert field.widget.render(name, value, {"id": f"id_{name}"}) == forms.Select.render(
            field.widget, name, value, {"id": f"id_{name}"}
        )
    assert f'<option value="{setting["farm"].pk}" selected>' in str(form["supplier"])


def test_the_catalogue_lists_its_suppliers_by_name(client, setting):
    make_supplier("Brasserie Artésienne", "Arras", username="brasserie")  # the newest
    login(client, "bistrot")
    html = client.get("/portail/catalogue/").content.decode()
    menu = re.search(r'<select name="supplier".*?</select>', html, re.S)[0]
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", menu)
    assert names == ["Brasserie Artésienne", "Ferme des Sept Vallées", "Pêcherie d&#x27;Étaples"]


def test_order_history_runs_a_bounded_number_of_queries(
    client, setting, django_assert_max_num_queries
):
    login(client, "bistrot")
    services.submit_order(setting["bistrot"], setting["slot"], [(setting["leeks"].pk, 10)])
    with django_assert_max_num_queries(20) as few:
        client.get("/portail/commandes/")
    for days in range(6, 12):
        slot = make_slot(timezone.localdate() + datetime.timedelta(days=days))
        services.submit_order(
            setting["bistrot"], slot, [(setting["leeks"].pk, 10), (setting["turbot"].pk, 1)]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/portail/commandes/").status_code == 200


def test_in_season_filter_follows_the_seasonal_calendar_and_the_offer_months(client, setting):
    from tests.factories import ProductCategoryFactory
    from tests.factories_calendar import season

    month = timezone.localdate().month
    next_month = month % 12 + 1
    asparagus = ProductCategoryFactory(name="Asperges")
    season(asparagus, available=[(month, month)])
    chestnuts = ProductCategoryFactory(name="Châtaignes")
    season(chestnuts, available=[(next_month, next_month)])
    farm = setting["farm"]
    OfferFactory(supplier=farm, name="Asperges blanches", category=asparagus)
    OfferFactory(
        supplier=farm, name="Asperges vertes", category=asparagus, months_available=[next_month]
    )
    OfferFactory(supplier=farm, name="Châtaignes grillées", category=chestnuts)
    login(client, "bistrot")
    page = text(client.get("/portail/catalogue/", {"in_season": "true"}))
    assert "Asperges blanches" in page and "De saison" in page
    assert "1 offre " in page
    assert "Asperges vertes" not in page and "Châtaignes grillées" not in page
    everything = text(client.get("/portail/catalogue/"))
    assert "Asperges vertes" in everything and "Châtaignes grillées" in everything
