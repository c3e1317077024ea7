"""The supply portal's URLs, mounted at /portail/ (and /en/portail/)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

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
    path("producteur/commandes/", views.supplier_orders, name="supplier_orders"),
    path(
        "producteur/commandes/<int:pk>/",
        views.supplier_order_detail,
        name="supplier_order",
    ),
    path("producteur/offres/", views.supplier_offers, name="supplier_offers"),
    path("producteur/offres/<int:pk>/", views.supplier_offer_edit, name="supplier_offer"),
]
