"""The catalogue and lots exported in the Data Food Consortium vocabulary (JSON-LD)."""

import json

import pytest

from tests.conftest import PASSWORD
from tests.scenario_supply_lots import delivered_scenario

pytestmark = pytest.mark.django_db

# The DFC business ontology terms this export may use, and what each class must carry.
# Source: the DFC ontology as served by its connectors (datafoodconsortium/connector-*,
# context https://www.datafoodconsortium.org, prefix dfc-b = DFC_BusinessOntology.owl#,
# dfc-m = measures.rdf#): classes Enterprise, SuppliedProduct, CatalogItem, Offer, Price,
# QuantitativeValue, ProductBatch and their properties below.
DFC_CONTEXT = "https://www.datafoodconsortium.org"
DFC_TERMS = {
    "dfc-b:Enterprise": {"dfc-b:name", "dfc-b:supplies", "dfc-b:manages"},
    "dfc-b:SuppliedProduct": {
        "dfc-b:name",
        "dfc-b:description",
        "dfc-b:hasQuantity",
        "dfc-b:hasCertification",
        "dfc-b:referencedBy",
    },
    "dfc-b:CatalogItem": {"dfc-b:sku", "dfc-b:references", "dfc-b:offeredThrough"},
    "dfc-b:Offer": {"dfc-b:offeredItem", "dfc-b:hasPrice"},
    "dfc-b:Price": {"dfc-b:value", "dfc-b:VATrate", "dfc-b:hasUnit"},
    "dfc-b:QuantitativeValue": {"dfc-b:value", "dfc-b:hasUnit"},
    "dfc-b:ProductBatch": {
        "dfc-b:batchNumber",
        "dfc-b:productionDate",
        "dfc-b:bestBeforeDate",
        "dfc-b:expiryDate",
        "dfc-b:description",
    },
}
REQUIRED = {
    "dfc-b:Enterprise": {"dfc-b:name"},
    "dfc-b:SuppliedProduct": {"dfc-b:name", "dfc-b:hasQuantity"},
    "dfc-b:CatalogItem": {"dfc-b:references", "dfc-b:offeredThrough"},
    "dfc-b:Offer": {"dfc-b:offeredItem", "dfc-b:hasPrice"},
    "dfc-b:Price": {"dfc-b:value", "dfc-b:VATrate", "dfc-b:hasUnit"},
    "dfc-b:QuantitativeValue": {"dfc-b:value", "dfc-b:hasUnit"},
    "dfc-b:ProductBatch": {"dfc-b:batchNumber", "dfc-b:productionDate"},
}
DFC_UNITS = {"dfc-m:Kilogram", "dfc-m:Litre", "dfc-m:Piece", "dfc-m:Euro"}


def check_node(node):
    kind = node["@type"]
    assert kind in DFC_TERMS, kind
    keys = set(node) - {"@id", "@type"}
    assert keys <= DFC_TERMS[kind], (kind, keys - DFC_TERMS[kind])
    assert REQUIRED[kind] <= keys, (kind, REQUIRED[kind] - keys)
    for value in node.values():
        if isinstance(value, dict):
            check_node(value)
    if "dfc-b:hasUnit" in node:
        assert node["dfc-b:hasUnit"] in DFC_UNITS


def test_the_catalogue_and_lots_in_dfc_json_ld(client):
    s = delivered_scenario()
    assert client.login(username="bistrot", password=PASSWORD)
    response = client.get("/portail/dfc/catalogue.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(response.content)
    assert document["@context"] == DFC_CONTEXT
    for node in document["@graph"]:
        check_node(node)
    by_id = {node["@id"]: node for node in document["@graph"]}
    offers = [n for n in document["@graph"] if n["@type"] == "dfc-b:Offer"]
    wine_offer = next(
        o
        for o in offers
        if by_id[by_id[o["dfc-b:offeredItem"]]["dfc-b:references"]]["dfc-b:name"]
        == "Vin de la Côte d'Opale"
    )
    assert wine_offer["dfc-b:hasPrice"] == {
        "@type": "dfc-b:Price",
        "dfc-b:value": 7.25,
        "dfc-b:VATrate": 20,
        "dfc-b:hasUnit": "dfc-m:Euro",
    }
    leeks = next(n for n in by_id.values() if n.get("dfc-b:name") == "Poireaux")
    assert leeks["dfc-b:hasCertification"] == ["AB"]
    farm = next(n for n in by_id.values() if n.get("dfc-b:name") == "Ferme des Sept Vallées")
    assert farm["dfc-b:supplies"] == [leeks["@id"]]
    batch = next(n for n in by_id.values() if n["@type"] == "dfc-b:ProductBatch")
    assert batch["dfc-b:batchNumber"] == "POI-0412"
    assert batch["dfc-b:bestBeforeDate"] == s["lot"].keeps_until.isoformat()
    assert "Bistrot" not in response.content.decode()  # no buyer data
    assert batch["@id"].endswith(f"/product_batches/{s['lot'].public_token}")  # not the pk


def test_the_dfc_export_needs_a_portal_account(client):
    response = client.get("/portail/dfc/catalogue.jsonld")
    assert response.status_code == 403
    assert json.loads(response.content)["status"] == 403
