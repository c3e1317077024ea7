"""The supply portal's URLs, mounted at /portail/ (and /en/portail/)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import lot_views, views

app_name = "supply"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.PortalLoginView.as_view(), name="login"),
    path("deconnexion/", LogoutView.as_view(next_page="supply:login"), name="logout"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("panier/", views.basket, name="basket"),
    path("panier/ajouter/", views.basket_add, name="basket_add"),
    path("commandes/", views.order_list, name="orders"),
    path("commandes/<int:pk>/", views.order_detail, name="order"),
    path("factures/", views.statement_list, name="statements"),
    path("factures/<int:pk>/", views.statement_detail, name="statement"),
    path("factures/mois/<str:month>/", views.statement_month, name="statement_month"),
    path("commande-type/", views.standing_order, name="standing_order"),
    path("producteur/commandes/", views.supplier_orders, name="supplier_orders"),
    path(
        "producteur/commandes/<int:pk>/",
        views.supplier_order_detail,
        name="supplier_order",
    ),
    path("producteur/offres/", views.supplier_offers, name="supplier_offers"),
    path("producteur/offres/<int:pk>/", views.supplier_offer_edit, name="supplier_offer"),
    # Lots and traceability, delivery documents
    path("producteur/lots/", lot_views.supplier_lots, name="supplier_lots"),
    path(
        "producteur/commandes/<int:pk>/lots/",
        lot_views.supplier_assign_lot,
        name="supplier_assign_lot",
    ),
    path(
        "producteur/livraisons/<int:slot_pk>/preparation/",
        lot_views.supplier_pick_list,
        name="supplier_pick_list",
    ),
    path(
        "commandes/<int:pk>/bon-de-livraison/",
        lot_views.buyer_delivery_note,
        name="delivery_note",
    ),
    path("producteurs-locaux/", lot_views.buyer_showcase, name="showcase"),
    path("dfc/catalogue.jsonld", lot_views.dfc_catalogue, name="dfc_catalogue"),
]
