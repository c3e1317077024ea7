"""The supply portal: buyers order, suppliers answer. Server-rendered, French first.

Views only read forms and call `services`; every object is looked up through the
organisation of the logged-in user, so another organisation's ids answer 404.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circuitcourt.calendar.services import in_season_category_ids

from . import services
from .filters import CatalogueFilterSet, catalogue_offers
from .forms import (
    AdjustLineForm,
    AvailabilityForm,
    FinalWeightForm,
    SubmitBasketForm,
    SupplierOfferForm,
    ThrottledAuthenticationForm,
)
from .models import (
    Buyer,
    DeliverySlot,
    Offer,
    OfferAvailability,
    Order,
    OrderLine,
    Supplier,
    SupplierOrder,
)
from .services import OrderRefused, parse_quantity

BASKET = "supply_basket"
PER_PAGE = 30


class PortalLoginView(LoginView):
    template_name = "supply/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("supply:home")


def _organisation_required(model, attribute):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            organisation = model.objects.filter(
                memberships__user=request.user, is_active=True
            ).first()
            if organisation is None:
                raise PermissionDenied
            setattr(request, attribute, organisation)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


buyer_required = _organisation_required(Buyer, "buyer")
supplier_required = _organisation_required(Supplier, "supplier")


@login_required
def home(request):
    if Buyer.objects.filter(memberships__user=request.user).exists():
        return redirect("supply:catalogue")
    if Supplier.objects.filter(memberships__user=request.user).exists():
        return redirect("supply:supplier_orders")
    raise PermissionDenied


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


# --- Buyers -------------------------------------------------------------------------------


def _basket(request):
    return request.session.get(BASKET, {})


def _basket_items(request):
    return [(int(pk), parse_quantity(quantity)) for pk, quantity in _basket(request).items()]


def _set_basket(request, basket):
    request.session[BASKET] = {pk: str(quantity) for pk, quantity in basket.items() if quantity}


@buyer_required
def catalogue(request):
    filterset = CatalogueFilterSet(request.GET or None, queryset=catalogue_offers())
    offers = filterset.qs if filterset.is_bound and filterset.is_valid() else catalogue_offers()
    page = Paginator(offers, PER_PAGE).get_page(request.GET.get("page"))
    month = timezone.localdate().month
    season_ids = in_season_category_ids(month)
    for offer in page:
        offer.in_season = services.offer_in_season(offer, month, season_ids)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supply/catalogue.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "basket": _basket(request),
        },
    )


@require_POST
@buyer_required
def basket_add(request):
    offer = get_object_or_404(catalogue_offers(), pk=request.POST.get("offer"))
    quantity = parse_quantity(request.POST.get("quantity", ""))
    basket = _basket(request)
    total = (quantity or 0) + (parse_quantity(basket.get(str(offer.pk), "0")) or 0)
    error = services.quantity_error(offer, quantity if quantity is None else total)
    if error:
        messages.error(request, error)
    else:
        basket[str(offer.pk)] = total
        _set_basket(request, basket)
        messages.success(
            request,
            _("%(offer)s added to your basket.") % {"offer": offer},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("supply:catalogue")
    return redirect(next_url)


@buyer_required
def basket(request):
    now = timezone.now()
    slots = services.open_slots_for(request.buyer, now)
    form = SubmitBasketForm(slots=slots, initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and request.POST.get("action") == "update":
        updated = {}
        for pk in _basket(request):
            quantity = parse_quantity(request.POST.get(f"quantity-{pk}", ""))
            if quantity is None:
                messages.error(request, _("Give a number, e.g. 2,5."))
                quantity = parse_quantity(_basket(request)[pk])
            updated[pk] = quantity
        _set_basket(request, updated)
        return redirect("supply:basket")
    if request.method == "POST":
        form = SubmitBasketForm(request.POST, slots=slots)
        if form.is_valid():
            try:
                order = services.submit_order(
                    request.buyer,
                    form.cleaned_data["slot"],
                    _basket_items(request),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    user=request.user,
                    now=now,
                )
            except OrderRefused as error:
                _refused(request, error)
                form = SubmitBasketForm(
                    slots=slots,
                    initial={
                        "slot": form.cleaned_data["slot"],
                        "idempotency_key": uuid.uuid4().hex,
                    },
                )
            else:
                request.session.pop(BASKET, None)
                messages.success(request, _("Your order is sent to the producers."))
                return redirect("supply:order", pk=order.pk)
    lines = services.basket_lines(_basket_items(request))
    amended = set(
        Order.objects.filter(buyer=request.buyer, slot__in=slots)
        .exclude(status=Order.Status.CANCELLED)
        .values_list("slot_id", flat=True)
    )
    summary = services.totals([line.as_order_line() for line in lines])
    for part in summary.suppliers:
        for line in part.lines:
            line.error = services.quantity_error(line.offer, line.quantity)
    return render(
        request,
        "supply/basket.html",
        {"totals": summary, "form": form, "slots": slots, "amended": amended},
    )


def _buyer_orders(buyer):
    return (
        Order.objects.filter(buyer=buyer)
        .select_related("slot__round")
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("offer__supplier__producer")
            )
        )
    )


@buyer_required
def order_list(request):
    page = Paginator(_buyer_orders(request.buyer), 20).get_page(request.GET.get("page"))
    for order in page:
        order.totals = services.totals(order.lines.all())
    return render(request, "supply/order_list.html", {"page": page})


@buyer_required
def order_detail(request, pk):
    order = get_object_or_404(_buyer_orders(request.buyer), pk=pk)
    now = timezone.now()
    changeable = order.status in services.CHANGEABLE_ORDER_STATUSES and now < order.slot.cutoff_at
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "change" and changeable:
                items = []
                for line in order.lines.all():
                    if line.is_active and not line.replaces_id:
                        value = request.POST.get(f"quantity-{line.pk}", "")
                        quantity = parse_quantity(value)
                        if quantity is None:
                            raise OrderRefused([_("Give a number, e.g. 2,5.")])
                        items.append((line.offer_id, quantity))
                services.change_order(order, items, user=request.user, now=now)
                messages.success(request, _("Your order is changed."))
            elif action == "cancel" and changeable:
                services.cancel_order(order, user=request.user, now=now)
                messages.success(request, _("Your order is cancelled."))
            elif action == "reorder":
                basket = {}
                for offer_id, quantity in services.reorder_items(order):
                    basket[str(offer_id)] = quantity
                _set_basket(request, basket)
                messages.success(request, _("The products of this order are in your basket."))
                return redirect("supply:basket")
            elif action == "receive" and order.status == Order.Status.IN_DELIVERY:
                received = {}
                for line in order.lines.all():
                    quantity = parse_quantity(request.POST.get(f"received-{line.pk}", ""))
                    complaint = request.POST.get(f"complaint-{line.pk}", "")[:250]
                    received[line.pk] = (quantity, complaint)
                services.mark_delivered(order, received)
                messages.success(request, _("Delivery recorded. Thank you!"))
            else:
                raise OrderRefused([_("This order can no longer be changed.")])
        except OrderRefused as error:
            _refused(request, error)
        return redirect("supply:order", pk=order.pk)
    lines = list(order.lines.all())
    summary = services.totals(lines)
    statuses = {so.supplier_id: so for so in order.supplier_orders.all()}
    for part in summary.suppliers:
        part.supplier_order = statuses.get(part.supplier.pk)
    return render(
        request,
        "supply/order_detail.html",
        {"order": order, "totals": summary, "changeable": changeable},
    )


# --- Suppliers ----------------------------------------------------------------------------


@supplier_required
def supplier_orders(request):
    supplier_orders = (
        SupplierOrder.objects.filter(supplier=request.supplier)
        .select_related("order__buyer", "order__slot__round")
        .order_by("-order__slot__date", "order__buyer__name")
    )
    page = Paginator(supplier_orders, 50).get_page(request.GET.get("page"))
    return render(request, "supply/supplier_orders.html", {"page": page})


@supplier_required
def supplier_order_detail(request, pk):
    supplier_order = get_object_or_404(
        SupplierOrder.objects.select_related("order__buyer", "order__slot__round", "supplier"),
        pk=pk,
        supplier=request.supplier,
    )
    adjust_form = AdjustLineForm(supplier=request.supplier, prefix="line")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.confirm_supplier_order(
                    supplier_order, note=request.POST.get("note", "")[:250]
                )
                messages.success(request, _("Your answer is sent to the buyer."))
            elif action in ("adjust", "weight"):
                line = get_object_or_404(supplier_order.lines.all(), pk=request.POST.get("line"))
                if action == "weight":
                    form = FinalWeightForm(request.POST)
                    if not form.is_valid():
                        raise OrderRefused(form.errors["weight"])
                    services.record_final_weight(line, form.cleaned_data["weight"])
                    messages.success(request, _("Final weight recorded."))
                else:
                    form = AdjustLineForm(request.POST, supplier=request.supplier, prefix="line")
                    if not form.is_valid():
                        raise OrderRefused(
                            [f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items()]
                        )
                    data = form.cleaned_data
                    services.adjust_line(
                        line,
                        action=data["action"],
                        reason=data["reason"],
                        quantity=data["quantity"],
                        substitute=data["substitute"],
                    )
                    messages.success(
                        request,
                        _("Line changed. Confirm the order when every line is answered."),
                    )
            else:
                raise OrderRefused([_("Unknown change.")])
        except OrderRefused as error:
            _refused(request, error)
        return redirect("supply:supplier_order", pk=supplier_order.pk)
    lines = list(supplier_order.lines.select_related("offer__supplier__producer"))
    return render(
        request,
        "supply/supplier_order_detail.html",
        {
            "supplier_order": supplier_order,
            "order": supplier_order.order,
            "part": services.totals(lines),
            "adjust_form": adjust_form,
        },
    )


@supplier_required
def supplier_offers(request):
    offers = request.supplier.offers.select_related("category").order_by("name", "variety")
    slots = DeliverySlot.objects.filter(
        status=DeliverySlot.Status.OPEN, cutoff_at__gt=timezone.now()
    ).select_related("round")
    availabilities = OfferAvailability.objects.filter(
        offer__supplier=request.supplier, slot__in=slots
    ).select_related("slot__round", "offer")
    if request.method == "POST":
        offer = get_object_or_404(offers, pk=request.POST.get("offer"))
        form = AvailabilityForm(request.POST, slots=slots)
        if form.is_valid():
            slot, quantity = form.cleaned_data["slot"], form.cleaned_data["quantity"]
            try:
                services.set_availability(offer, slot, quantity)
            except services.OrderRefused as refused:
                for message in refused.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("No limit for this delivery.")
                    if quantity is None
                    else _("Availability saved."),
                )
        else:
            messages.error(request, _("Choose a delivery and a quantity."))
        return redirect("supply:supplier_offers")
    return render(
        request,
        "supply/supplier_offers.html",
        {
            "offers": offers,
            "availabilities": availabilities,
            "form": AvailabilityForm(slots=slots),
        },
    )


@supplier_required
def supplier_offer_edit(request, pk):
    offer = get_object_or_404(Offer, pk=pk, supplier=request.supplier)
    form = SupplierOfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Offer saved."))
        return redirect("supply:supplier_offers")
    return render(request, "supply/supplier_offer_form.html", {"offer": offer, "form": form})
