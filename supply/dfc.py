"""The supply catalogue and its lots in the Data Food Consortium (DFC) vocabulary, JSON-LD.

So that platforms speaking DFC (Open Food Network and others) can read what the suppliers
offer. The mapping is documented in docs/dfc.md:

- each supplier is a `dfc-b:Enterprise` that `dfc-b:supplies` its SuppliedProducts and
  `dfc-b:manages` its CatalogItems;
- each offer is a `dfc-b:SuppliedProduct` (what it is: name, description, quantity and
  unit, certifications) and a `dfc-b:CatalogItem` (how it is sold: sku, stock limitation),
  offered through a `dfc-b:Offer` with its `dfc-b:Price` (value excl. VAT, VAT rate, euro);
- each lot is a `dfc-b:ProductBatch` (batch number, production date, best-before or expiry
  date). The ontology links a batch to physical products and stocks, not to a supplied
  product, so the batch's description names the product and its origin.
"""

from decimal import Decimal

from django.db.models import Prefetch

from .models import Lot, Offer, Supplier

DFC_CONTEXT = "https://www.datafoodconsortium.org"
# Units of the DFC measures taxonomy (dfc-m) for ours.
DFC_UNITS = {
    Offer.Unit.KG: "dfc-m:Kilogram",
    Offer.Unit.LITRE: "dfc-m:Litre",
    Offer.Unit.PIECE: "dfc-m:Piece",
    Offer.Unit.BUNCH: "dfc-m:Piece",
    Offer.Unit.CRATE: "dfc-m:Piece",
}


def _number(value):
    """A decimal as a JSON number, exact for prices (two decimals) and quantities."""
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral() else float(value)


def catalogue_graph(base_url):
    """The JSON-LD document: one @graph with every active supplier, offer and lot."""
    base = base_url.rstrip("/") + "/api/dfc"
    offers = (
        Offer.objects.filter(is_active=True, supplier__is_active=True)
        .select_related("supplier__producer", "category")
        .prefetch_related("quality_signs")
        .order_by("supplier_id", "pk")
    )
    suppliers = Supplier.objects.filter(is_active=True).select_related("producer")
    lot_list = (
        Lot.objects.filter(offer__is_active=True, supplier__is_active=True)
        .select_related("offer", "origin_commune")
        .prefetch_related(Prefetch("quality_signs"))
        .order_by("pk")
    )
    graph = []
    by_supplier = {}
    for offer in offers:
        by_supplier.setdefault(offer.supplier_id, []).append(offer)
    for supplier in suppliers:
        supplier_offers = by_supplier.get(supplier.pk, [])
        graph.append(
            {
                "@id": f"{base}/enterprises/{supplier.pk}",
                "@type": "dfc-b:Enterprise",
                "dfc-b:name": str(supplier),
                "dfc-b:supplies": [f"{base}/supplied_products/{o.pk}" for o in supplier_offers],
                "dfc-b:manages": [f"{base}/catalog_items/{o.pk}" for o in supplier_offers],
            }
        )
    for offer in offers:
        product_id = f"{base}/supplied_products/{offer.pk}"
        item_id = f"{base}/catalog_items/{offer.pk}"
        offer_id = f"{base}/offers/{offer.pk}"
        graph.append(
            {
                "@id": product_id,
                "@type": "dfc-b:SuppliedProduct",
                "dfc-b:name": str(offer),
                "dfc-b:description": offer.description or offer.category.name,
                # The price is per unit (per kg for variable-weight products).
                "dfc-b:hasQuantity": {
                    "@type": "dfc-b:QuantitativeValue",
                    "dfc-b:hasUnit": DFC_UNITS[offer.unit],
                    "dfc-b:value": 1,
                },
                "dfc-b:hasCertification": [sign.short_name for sign in offer.quality_signs.all()],
                "dfc-b:referencedBy": item_id,
            }
        )
        graph.append(
            {
                "@id": item_id,
                "@type": "dfc-b:CatalogItem",
                "dfc-b:sku": f"CC-{offer.pk}",
                "dfc-b:references": product_id,
                "dfc-b:offeredThrough": offer_id,
            }
        )
        graph.append(
            {
                "@id": offer_id,
                "@type": "dfc-b:Offer",
                "dfc-b:offeredItem": item_id,
                "dfc-b:hasPrice": {
                    "@type": "dfc-b:Price",
                    "dfc-b:value": _number(offer.price),
                    "dfc-b:VATrate": _number(offer.effective_vat_rate),
                    "dfc-b:hasUnit": "dfc-m:Euro",
                },
            }
        )
    for lot in lot_list:
        batch = {
            "@id": f"{base}/product_batches/{lot.public_token}",
            "@type": "dfc-b:ProductBatch",
            "dfc-b:batchNumber": lot.code,
            "dfc-b:productionDate": lot.produced_on.isoformat(),
            "dfc-b:description": f"{lot.offer} — {lot.origin_commune}",
        }
        if lot.keeps_until:
            key = (
                "dfc-b:expiryDate"
                if lot.date_kind == Lot.DateKind.USE_BY
                else "dfc-b:bestBeforeDate"
            )
            batch[key] = lot.keeps_until.isoformat()
        graph.append(batch)
    return {"@context": DFC_CONTEXT, "@graph": graph}
