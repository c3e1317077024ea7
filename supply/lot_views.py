"""Portal and public pages for lots, traceability and delivery documents.

Suppliers declare lots and assign them to the lines they deliver; each side of the portal
reaches its own documents only (a supplier its pick list, a buyer its delivery note: another
organisation's ids answer 404). The public sees a lot's page through its unguessable token
and a buyer's opt-in page of local producers; neither shows a price or a buyer's order.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import dfc, documents, lots, slot_documents
from .forms import AllocationForm, LotForm, ShowcaseForm
from .models import DeliverySlot, Lot, LotAllocation, Order, ProducerShowcase, SupplierOrder
from .services import OrderRefused
from .views import _refused, buyer_required, supplier_required

# --- Documents, shared with the admin -----------------------------------------------------


def lot_url_for(request):
    def lot_url(lot):
        return request.build_absolute_uri(reverse("lot_public", args=[lot.public_token]))

    return lot_url


def document_response(request, *, template, context, filename, pdf=None, csv=None):
    """The same document as a printable page, a PDF (`?format=pdf`) or a CSV (`?format=csv`)."""
    fmt = request.GET.get("format", "html")
    if fmt == "pdf" and pdf is not None:
        return documents.pdf_response(pdf(), filename)
    if fmt == "csv" and csv is not None:
        header, rows = csv()
        return documents.csv_response(filename, header, rows)
    if fmt != "html":
        raise Http404
    context = {
        **context,
        "pdf_url": "?format=pdf" if pdf else "",
        "csv_url": "?format=csv" if csv else "",
    }
    return HttpResponse(slot_documents.render_html(template, context, request))


def pick_list_response(request, slot, supplier, pick=None):
    pick = pick or slot_documents.pick_list(slot, supplier)
    return document_response(
        request,
        template="pick_list",
        context={"pick": pick},
        filename=f"preparation-{slot.date:%Y-%m-%d}-{slugify(str(supplier))}",
        pdf=lambda: slot_documents.pick_list_pdf(pick),
        csv=lambda: slot_documents.pick_list_csv_rows(pick),
    )


def loading_list_response(request, slot, loading=None):
    loading = loading or slot_documents.loading_list(slot)
    return document_response(
        request,
        template="loading_list",
        context={"loading": loading},
        filename=f"tournee-{slot.date:%Y-%m-%d}-{slugify(slot.round.name)}",
        pdf=lambda: slot_documents.loading_list_pdf(loading),
        csv=lambda: slot_documents.loading_list_csv_rows(loading),
    )


def delivery_notes_response(request, slot, notes, filename):
    lot_url = lot_url_for(request)
    for note in notes:
        note.attach_lot_urls(lot_url)

    def pdf():
        doc = None
        for note in notes:
            note_doc = slot_documents.delivery_note_pdf(note, lot_url)
            if doc is None:
                doc = note_doc
            else:
                doc.page_break()
                doc.story.extend(note_doc.story)
        return doc or documents.PdfDocument(_("Delivery notes"))

    return document_response(
        request,
        template="delivery_notes",
        context={"notes": notes, "slot": slot},
        filename=filename,
        pdf=pdf,
    )


# --- Suppliers: lots, assignment, pick list -----------------------------------------------


@supplier_required
def supplier_lots(request):
    form = LotForm(request.POST or None, supplier=request.supplier)
    if request.method == "POST" and form.is_valid():
        try:
            lot = lots.declare_lot(request.supplier, **form.cleaned_data)
        except OrderRefused as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Lot %(code)s declared.") % {"code": lot.code})
            return redirect("supply:supplier_lots")
    supplier_lot_list = (
        Lot.objects.filter(supplier=request.supplier)
        .select_related("offer", "origin_commune")
        .order_by("-produced_on", "code")[:200]
    )
    return render(
        request, "supply/lots/supplier_lots.html", {"form": form, "lots": supplier_lot_list}
    )


@supplier_required
def supplier_assign_lot(request, pk):
    """POST from the supplier's order page: assign a lot to a line, or remove one."""
    supplier_order = get_object_or_404(SupplierOrder, pk=pk, supplier=request.supplier)
    if request.method != "POST":
        return redirect("supply:supplier_order", pk=pk)
    assign_lot(request, supplier_order)
    return redirect("supply:supplier_order", pk=pk)


def assign_lot(request, supplier_order):
    """Shared by the portal and the admin: read the form, call the service, say what
    happened."""
    if request.POST.get("remove"):
        allocation = get_object_or_404(
            LotAllocation, pk=request.POST["remove"], line__supplier_order=supplier_order
        )
        lots.remove_allocation(allocation)
        messages.success(request, _("Lot removed from the line."))
        return
    form = AllocationForm(request.POST, lots=lots.supplier_lots_for(supplier_order))
    if not form.is_valid():
        messages.error(request, _("Choose one of your lots for this product."))
        return
    line = get_object_or_404(supplier_order.lines.all(), pk=form.cleaned_data["line"])
    try:
        if form.cleaned_data["quantity"] is None:
            lots.allocate_remaining(line, form.cleaned_data["lot"])
        else:
            lots.allocate(line, form.cleaned_data["lot"], form.cleaned_data["quantity"])
    except OrderRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Lot assigned."))


@supplier_required
def supplier_pick_list(request, slot_pk):
    slot = get_object_or_404(DeliverySlot.objects.select_related("round"), pk=slot_pk)
    if not SupplierOrder.objects.filter(supplier=request.supplier, order__slot=slot).exists():
        raise Http404
    return pick_list_response(request, slot, request.supplier)


# --- Buyers: delivery note, local producers page ------------------------------------------


@buyer_required
def buyer_delivery_note(request, pk):
    order = get_object_or_404(
        Order.objects.select_related("slot__round", "buyer__commune"),
        pk=pk,
        buyer=request.buyer,
    )
    return delivery_notes_response(
        request,
        order.slot,
        [slot_documents.delivery_note(order)],
        f"bon-de-livraison-{order.pk}",
    )


@buyer_required
def buyer_showcase(request):
    showcase = ProducerShowcase.objects.filter(buyer=request.buyer).first()
    if showcase is None:
        showcase = ProducerShowcase(buyer=request.buyer, slug=unique_showcase_slug(request.buyer))
    form = ShowcaseForm(request.POST or None, instance=showcase)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your local producers page is saved."))
        return redirect("supply:showcase")
    return render(
        request,
        "supply/lots/buyer_showcase.html",
        {
            "form": form,
            "showcase": showcase,
            "producers": lots.showcase_producers(showcase),
        },
    )


def unique_showcase_slug(buyer):
    base = slugify(buyer.name)[:70] or "acheteur"
    slug, number = base, 1
    while ProducerShowcase.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- Public pages -------------------------------------------------------------------------


def public_lot(request, token):
    """A lot's public page: producer, product, dates, origin, signs. Nothing about prices
    or buyers."""
    lot = lots.public_lot(token)
    if lot is None:
        raise Http404
    return render(request, "supply/lots/public_lot.html", {"lot": lot})


def public_showcase(request, slug):
    showcase = lots.published_showcase(slug)
    if showcase is None:
        raise Http404
    return render(
        request,
        "supply/lots/public_showcase.html",
        {"showcase": showcase, "producers": lots.showcase_producers(showcase)},
    )


# --- Data Food Consortium export ----------------------------------------------------------


def dfc_catalogue(request):
    """The catalogue and lots as DFC JSON-LD, for buyers, suppliers and staff (prices are
    trade information, not public)."""
    user = request.user
    allowed = user.is_authenticated and (
        user.has_perm("supply.view_offer")
        or hasattr(user, "buyer_membership")
        or hasattr(user, "supplier_membership")
    )
    if not allowed:
        return JsonResponse(
            {"status": 403, "title": "Forbidden", "detail": _("Log in to the supply portal.")},
            status=403,
        )
    graph = dfc.catalogue_graph(request.build_absolute_uri("/"))
    return JsonResponse(graph, content_type="application/ld+json", json_dumps_params={"indent": 1})
