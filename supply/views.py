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
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circuitcourt.calendar.services import in_season_category_ids

from . import lots, services
from . import statements as statements_service
from .documents import PdfDocument, csv_response, pdf_response
from .filters import CatalogueFilterSet, add_sign_names, catalogue_listing, catalogue_offers
from .forms import (
    AdjustLineForm,
    AvailabilityForm,
    ClosureForm,
    DeliveryForm,
    FinalWeightForm,
    StandingLineForm,
    StandingOrderForm,
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
    StandingOrder,
    Statement,
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
    page = Paginator(catalogue_listing(offers), PER_PAGE).get_page(request.GET.get("page"))
    add_sign_names(page.object_list)
    month = timezone.localdate().month
    season_ids = in_season_category_ids(month)
    # Translated once a page: get_unit_display() hashes every lazy label of the choices at
    # each call, twice a card.
    unit_labels = {value: str(label) for value, label in Offer.Unit.choices}
    for offer in page:
        offer.in_season = services.offer_in_season(offer, month, season_ids)
        offer.unit_label = unit_labels.get(offer.unit, offer.unit)
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
    delivery_form = None
    if order.status == Order.Status.IN_DELIVERY:
        is_receipt = request.method == "POST" and request.POST.get("action") == "receive"
        delivery_form = DeliveryForm(request.POST if is_receipt else None, lines=order.lines.all())
        if is_receipt:
            if record_delivery(request, order, delivery_form):
                return redirect("supply:order", pk=order.pk)
            # Errors: the page again, with what was typed and why it was refused.
            return _order_page(request, order, changeable, delivery_form, status=400)
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
            elif action == "save_draft" and changeable and order.status == Order.Status.DRAFT:
                items = []
                for line in order.lines.all():
                    quantity = parse_quantity(request.POST.get(f"quantity-{line.pk}", ""))
                    if quantity is None or quantity < 0:
                        raise OrderRefused([_("Give a number, e.g. 2,5.")])
                    items.append((line.offer_id, quantity))
                services.update_draft(order, items)
                messages.success(request, _("Draft saved. It is not sent yet."))
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
            else:
                raise OrderRefused([_("This order can no longer be changed.")])
        except OrderRefused as error:
            _refused(request, error)
        return redirect("supply:order", pk=order.pk)
    return _order_page(request, order, changeable, delivery_form)


def record_delivery(request, order, form):
    """Save a delivery form (portal or admin) through the service; True when saved. A
    refusal is shown on the form, and nothing is saved."""
    if not form.is_valid():
        return False
    try:
        services.mark_delivered(order, form.received(), form.weights())
    except OrderRefused as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    messages.success(request, _("Delivery recorded. Thank you!"))
    return True


def _order_page(request, order, changeable, delivery_form, status=200):
    lines = list(order.lines.all())
    summary = services.totals(lines)
    statuses = {so.supplier_id: so for so in order.supplier_orders.all()}
    for part in summary.suppliers:
        part.supplier_order = statuses.get(part.supplier.pk)
    fields = {row[0].pk: row for row in delivery_form.rows()} if delivery_form else {}
    for part in summary.suppliers:
        for line in part.lines:
            line.delivery_fields = fields.get(line.pk)
    return render(
        request,
        "supply/order_detail.html",
        {
            "order": order,
            "totals": summary,
            "changeable": changeable,
            "delivery_form": delivery_form,
            "standing_run": order.standing_runs.first(),
        },
        status=status,
    )


# --- Suppliers ----------------------------------------------------------------------------


@supplier_required
def supplier_orders(request):
    supplier_orders = (
        SupplierOrder.objects.filter(supplier=request.supplier)
        .exclude(order__status=Order.Status.DRAFT)
        .select_related("order__buyer", "order__slot__round")
        .order_by("-order__slot__date", "order__buyer__name")
    )
    page = Paginator(supplier_orders, 50).get_page(request.GET.get("page"))
    return render(request, "supply/supplier_orders.html", {"page": page})


@supplier_required
def supplier_order_detail(request, pk):
    supplier_order = get_object_or_404(
        SupplierOrder.objects.select_related("order__buyer", "order__slot__round", "supplier"),
        ~Q(order__status=Order.Status.DRAFT),
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
    lines = lots.lines_with_lot_choices(supplier_order)
    return render(
        request,
        "supply/supplier_order_detail.html",
        {
            "supplier_order": supplier_order,
            "order": supplier_order.order,
            "part": services.totals(lines),
            "adjust_form": adjust_form,
            "assign_url": reverse("supply:supplier_assign_lot", args=[supplier_order.pk]),
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


# --- Standing orders ----------------------------------------------------------------------


@buyer_required
def standing_order(request):
    """The buyer's standing order: products per weekday, the sending rule, closures."""
    buyer = request.buyer
    standing = StandingOrder.objects.filter(buyer=buyer).first()
    lines = list(standing.lines.select_related("offer__supplier__producer") if standing else [])
    offers = catalogue_offers()
    rule_form = StandingOrderForm(instance=standing or StandingOrder(buyer=buyer), prefix="rule")
    new_line_form = StandingLineForm(offers=offers, prefix="new")
    closure_form = ClosureForm(prefix="closure")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                rule_form = StandingOrderForm(
                    request.POST, instance=standing or StandingOrder(buyer=buyer), prefix="rule"
                )
                new_line_form = StandingLineForm(request.POST, offers=offers, prefix="new")
                if not rule_form.is_valid() or not new_line_form.is_valid():
                    raise OrderRefused([_("Please correct the errors below.")])
                wanted = []
                for line in lines:
                    quantity = parse_quantity(request.POST.get(f"quantity-{line.pk}", ""))
                    if quantity is None:
                        raise OrderRefused([_("Give a number, e.g. 2,5.")])
                    if quantity:
                        wanted.append((line.weekday, line.offer, quantity))
                new = new_line_form.cleaned_data
                if new.get("offer"):
                    wanted.append((int(new["weekday"]), new["offer"], new["quantity"]))
                services.save_standing_order(
                    buyer,
                    submission=rule_form.cleaned_data["submission"],
                    auto_submit_hours=rule_form.cleaned_data["auto_submit_hours"],
                    lines=wanted,
                )
                messages.success(request, _("Standing order saved."))
            elif action == "add_closure":
                closure_form = ClosureForm(request.POST, prefix="closure")
                if not closure_form.is_valid():
                    raise OrderRefused([_("Please correct the errors below.")])
                data = closure_form.cleaned_data
                services.add_closure(buyer, data["starts_on"], data["ends_on"], data["reason"])
                messages.success(request, _("Closure saved: no order is drafted on those days."))
            elif action == "delete_closure":
                get_object_or_404(buyer.closures.all(), pk=request.POST.get("closure")).delete()
                messages.success(request, _("Closure removed."))
            else:
                raise OrderRefused([_("Unknown change.")])
        except OrderRefused as error:
            _refused(request, error)
            status = 400
        else:
            return redirect("supply:standing_order")
    runs = standing.runs.select_related("slot__round", "order")[:10] if standing else []
    return render(
        request,
        "supply/standing_order.html",
        {
            "standing": standing,
            "lines": lines,
            "rule_form": rule_form,
            "new_line_form": new_line_form,
            "closure_form": closure_form,
            "closures": buyer.closures.all(),
            "runs": runs,
        },
        status=status,
    )


# --- Statements ---------------------------------------------------------------------------


def statements_of(request):
    """The statements the logged-in organisation may see: a buyer those it receives, a
    supplier those it issues. Anyone else: 403."""
    buyer = Buyer.objects.filter(memberships__user=request.user, is_active=True).first()
    if buyer is not None:
        request.buyer = buyer
        return Statement.objects.filter(buyer=buyer)
    supplier = Supplier.objects.filter(memberships__user=request.user, is_active=True).first()
    if supplier is not None:
        request.supplier = supplier
        return Statement.objects.filter(supplier=supplier)
    raise PermissionDenied


def _statement_file(statements, filename, fmt, title):
    """The statements as a CSV or a PDF download (None for HTML)."""
    if fmt == "csv":
        return csv_response(
            filename, statements_service.csv_header(), statements_service.csv_rows(statements)
        )
    if fmt == "pdf":
        document = PdfDocument(title, footer=title)
        for n, statement in enumerate(statements):
            if n:
                document.page_break()
            statements_service.add_to_pdf(document, statement)
        return pdf_response(document, filename)
    return None


@login_required
def statement_list(request):
    statements = statements_of(request).order_by("-month", "issue_date", "number")
    months = {}
    for statement in statements:
        months.setdefault(statement.month, []).append(statement)
    return render(
        request,
        "supply/statement_list.html",
        {
            "months": [
                (month, items, statements_service.statements_total(items))
                for month, items in months.items()
            ]
        },
    )


@login_required
def statement_detail(request, pk):
    statement = get_object_or_404(statements_of(request).prefetch_related("lines"), pk=pk)
    title = f"{statement.get_kind_display()} {statement.reference}"
    response = _statement_file([statement], statement.reference, request.GET.get("format"), title)
    if response:
        return response
    statement.mentions = statements_service.legal_mentions(statement)
    return render(request, "supply/statement_detail.html", {"statement": statement})


@login_required
def statement_month(request, month):
    """The month's statement of a buyer (every supplier's invoices) or of a supplier (every
    buyer): HTML to print, CSV, PDF."""
    try:
        first_day = statements_service.parse_month(month)
    except ValueError:
        raise Http404 from None
    statements = list(
        statements_of(request).filter(month=first_day).prefetch_related("lines").order_by("number")
    )
    who = request.buyer if getattr(request, "buyer", None) else request.supplier
    title = _("Statement of %(month)s — %(who)s") % {
        "month": date_format(first_day, "F Y"),
        "who": who,
    }
    response = _statement_file(
        statements, f"releve-{first_day:%Y-%m}", request.GET.get("format"), title
    )
    if response:
        return response
    for statement in statements:
        statement.mentions = statements_service.legal_mentions(statement)
    return render(
        request,
        "supply/statement_month.html",
        {
            "title": title,
            "month": first_day,
            "statements": statements,
            "total": statements_service.statements_total(statements),
        },
    )
