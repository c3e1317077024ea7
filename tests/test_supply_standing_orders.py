"""A restaurant saves the products it wants every week; before each delivery a job drafts
the order from it, fitted to what is available, and sends it only by the buyer's rule."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from circuitcourt.supply import services
from circuitcourt.supply.models import (
    PARIS,
    OfferAvailability,
    Order,
    StandingOrder,
    StandingOrderLine,
    StandingOrderRun,
)
from tests.factories_supply import OfferFactory, limit, make_buyer, make_slot, make_supplier
from tests.supply_helpers import login, text

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
# Eight in the morning, Paris time: every slot below closes at noon one to six days later.
NOW = datetime.datetime.combine(TODAY, datetime.time(8, 0), tzinfo=PARIS)
EVERY_DAY = range(7)


@pytest.fixture(autouse=True)
def forget_login_attempts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s():
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    return {
        "slots": [make_slot(TODAY + datetime.timedelta(days=n)) for n in range(3, 7)],
        "farm": farm,
        "leeks": OfferFactory(supplier=farm, name="Poireaux", price=D("2.10")),
        "cabbage": OfferFactory(supplier=farm, name="Chou vert", price=D("1.80")),
        "bistrot": make_buyer("Le Bistrot du Marché", username="bistrot"),
        "hotel": make_buyer("Hôtel de la Plage", "Berck", username="hotel"),
    }


def standing(buyer, lines, submission=StandingOrder.Submission.MANUAL, hours=6):
    return services.save_standing_order(
        buyer,
        submission=submission,
        auto_submit_hours=hours,
        lines=[(day, offer, D(q)) for offer, q in lines for day in EVERY_DAY],
    )


def run_command():
    output = io.StringIO()
    call_command("draft_standing_orders", stdout=output)
    return output.getvalue()


def test_the_job_drafts_each_coming_delivery_once_and_skips_closed_days(
    s, django_capture_on_commit_callbacks
):
    standing(s["bistrot"], [(s["leeks"], "5")])
    closed = s["slots"][1].date
    services.add_closure(s["bistrot"], closed, closed, "Congés")

    with django_capture_on_commit_callbacks(execute=True):
        first = run_command()

    assert "drafted: 3" in first
    drafts = Order.objects.filter(buyer=s["bistrot"], status=Order.Status.DRAFT)
    assert sorted(order.slot.date for order in drafts) == [
        slot.date for slot in s["slots"] if slot.date != closed
    ]
    assert all(order.lines.get().quantity == 5 for order in drafts)
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject.startswith("Votre commande type est préparée pour")
    assert "5 kg Poireaux" in mail.outbox[0].body and "sans votre confirmation" in (
        mail.outbox[0].body
    )
    # A draft takes no drop of the round: nothing is sent to anyone yet.
    assert all(slot.drops_booked == 0 for slot in type(s["slots"][0]).objects.all())

    with django_capture_on_commit_callbacks(execute=True):
        second = run_command()

    assert "drafted: 0" in second
    assert Order.objects.count() == 3 and StandingOrderRun.objects.count() == 3
    assert len(mail.outbox) == 3


def test_a_shortage_is_drafted_down_to_what_is_left_and_told_clearly(
    client, s, django_capture_on_commit_callbacks
):
    slot = s["slots"][0]
    standing(s["bistrot"], [(s["leeks"], "5"), (s["cabbage"], "2")])
    limit(s["leeks"], slot, D("3"))
    limit(s["cabbage"], slot, D("0"))

    with django_capture_on_commit_callbacks(execute=True):
        services.draft_standing_orders(now=NOW)

    order = Order.objects.get(slot=slot)
    assert [(line.name, line.quantity) for line in order.lines.all()] == [("Poireaux", 3)]
    shortage = "Poireaux : plus que 3 kg disponibles, 3 dans le brouillon."
    sold_out = "Chou vert : épuisé pour cette livraison."
    email = next(m for m in mail.outbox if slot.round.name in m.subject)
    assert shortage in email.body and sold_out in email.body
    # The draft holds nothing: another restaurant could still buy the three kilos.
    assert OfferAvailability.objects.get(offer=s["leeks"]).quantity_sold == 0

    login(client, "bistrot")
    page = text(client.get(f"/portail/commandes/{order.pk}/"))
    assert "brouillon issu de votre commande type" in page
    assert shortage in page and sold_out in page

    line = order.lines.get()
    sent = client.post(
        f"/portail/commandes/{order.pk}/", {"action": "change", f"quantity-{line.pk}": "3"}
    )
    assert sent.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert OfferAvailability.objects.get(offer=s["leeks"]).quantity_sold == 3
    assert StandingOrderRun.objects.get(order=order).status == StandingOrderRun.Status.SUBMITTED


def test_automatic_sending_before_the_cut_off_versus_waiting_for_the_buyer(
    s, django_capture_on_commit_callbacks
):
    slot = s["slots"][0]
    standing(s["bistrot"], [(s["leeks"], "5")], StandingOrder.Submission.AUTO, hours=6)
    standing(s["hotel"], [(s["leeks"], "4")], StandingOrder.Submission.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_standing_orders(now=NOW)
    bistrot_order = Order.objects.get(slot=slot, buyer=s["bistrot"])
    hotel_order = Order.objects.get(slot=slot, buyer=s["hotel"])

    # Seven hours before the cut-off: too early for the automatic sending.
    services.draft_standing_orders(now=slot.cutoff_at - datetime.timedelta(hours=7))
    bistrot_order.refresh_from_db()
    assert bistrot_order.status == Order.Status.DRAFT

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.draft_standing_orders(now=slot.cutoff_at - datetime.timedelta(hours=5))
    assert report["submitted"] == 1
    bistrot_order.refresh_from_db()
    hotel_order.refresh_from_db()
    assert bistrot_order.status == Order.Status.SUBMITTED
    assert hotel_order.status == Order.Status.DRAFT  # waits for the hotel's confirmation
    slot.refresh_from_db()
    assert slot.drops_booked == 1
    # The producer is asked to confirm the order sent, and only that one.
    assert sorted(m.to[0] for m in mail.outbox) == ["bistrot@example.org", "ferme7v@example.org"]

    report = services.draft_standing_orders(now=slot.cutoff_at + datetime.timedelta(minutes=1))
    assert report["expired"] == 1
    hotel_order.refresh_from_db()
    assert hotel_order.status == Order.Status.CANCELLED
    assert hotel_order.cancellation_reason == "Brouillon non confirmé avant la clôture"
    bistrot_order.refresh_from_db()
    assert bistrot_order.status == Order.Status.SUBMITTED


def test_an_automatic_sending_refused_keeps_the_draft_and_tells_the_buyer_why(
    s, django_capture_on_commit_callbacks
):
    slot = s["slots"][0]
    limit(s["leeks"], slot, D("5"))
    standing(s["bistrot"], [(s["leeks"], "5")], StandingOrder.Submission.AUTO, hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_standing_orders(now=NOW)
    # Meanwhile the hotel buys three of the five kilos.
    services.submit_order(s["hotel"], slot, [(s["leeks"].pk, 3)], now=NOW, notify=False)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.draft_standing_orders(now=slot.cutoff_at - datetime.timedelta(hours=5))

    assert report["failed"] == 1
    order = Order.objects.get(slot=slot, buyer=s["bistrot"])
    assert order.status == Order.Status.DRAFT
    assert OfferAvailability.objects.get(offer=s["leeks"]).quantity_sold == 3  # never more
    (email,) = mail.outbox
    assert "n'a pas pu être envoyée" in email.subject
    assert "Poireaux : il ne reste que 2 kg pour cette livraison." in email.body
    run = StandingOrderRun.objects.get(order=order)
    assert run.status == StandingOrderRun.Status.FAILED


def test_the_buyer_saves_its_standing_order_and_adjusts_a_week(client, s):
    login(client, "bistrot")
    refused = client.post(
        "/portail/commande-type/",
        {
            "action": "save",
            "rule-submission": "auto",
            "rule-auto_submit_hours": "6",
            "new-weekday": "2",
            "new-offer": s["leeks"].pk,
            "new-quantity": "0,5",
        },
    )
    assert refused.status_code == 400
    assert "Poireaux : le minimum est 1 kg." in text(refused)
    assert not StandingOrder.objects.exists()

    saved = client.post(
        "/portail/commande-type/",
        {
            "action": "save",
            "rule-submission": "auto",
            "rule-auto_submit_hours": "6",
            "new-weekday": str(s["slots"][0].date.weekday()),
            "new-offer": s["leeks"].pk,
            "new-quantity": "4",
        },
    )
    assert saved.status_code == 302
    line = StandingOrderLine.objects.get()
    assert (line.offer, line.quantity) == (s["leeks"], 4)
    assert StandingOrder.objects.get().submission == StandingOrder.Submission.AUTO
    page = text(client.get("/portail/commande-type/"))
    assert "Poireaux" in page
    bad_closure = client.post(
        "/portail/commande-type/",
        {
            "action": "add_closure",
            "closure-starts_on": "2026-12-24",
            "closure-ends_on": "2026-12-20",
        },
    )
    assert bad_closure.status_code == 400 and "La fin précède le début." in text(bad_closure)
    closure = client.post(
        "/portail/commande-type/",
        {
            "action": "add_closure",
            "closure-starts_on": "2026-12-24",
            "closure-ends_on": "2027-01-02",
        },
    )
    assert closure.status_code == 302
    assert "24 décembre 2026 – 2 janvier 2027" in text(client.get("/portail/commande-type/"))

    services.draft_standing_orders(now=NOW)
    order = Order.objects.get(buyer=s["bistrot"])
    draft_line = order.lines.get()
    response = client.post(
        f"/portail/commandes/{order.pk}/",
        {"action": "save_draft", f"quantity-{draft_line.pk}": "7"},
    )
    assert response.status_code == 302
    draft_line.refresh_from_db()
    order.refresh_from_db()
    assert draft_line.quantity == 7 and order.status == Order.Status.DRAFT
    assert line.quantity == 4  # the standing order itself is unchanged

    # Nobody else sees the draft: not another restaurant, not the producer (yet).
    client.logout()
    login(client, "hotel")
    assert client.get(f"/portail/commandes/{order.pk}/").status_code == 404
    client.logout()
    login(client, "ferme7v")
    supplier_order = order.supplier_orders.get()
    assert client.get(f"/portail/producteur/commandes/{supplier_order.pk}/").status_code == 404
    assert "Bistrot" not in text(client.get("/portail/producteur/commandes/"))


def test_discarding_a_draft_gives_back_nothing_it_never_took(client, s):
    slot = s["slots"][0]
    limit(s["leeks"], slot, D("5"))
    services.submit_order(s["hotel"], slot, [(s["leeks"].pk, 2)], notify=False)
    standing(s["bistrot"], [(s["leeks"], "3")])
    services.draft_standing_orders(now=NOW)
    draft = Order.objects.get(slot=slot, buyer=s["bistrot"])

    login(client, "bistrot")
    response = client.post(f"/portail/commandes/{draft.pk}/", {"action": "cancel"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Order.Status.CANCELLED
    # The hotel's two kilos and its drop are still taken; the draft had taken nothing.
    assert OfferAvailability.objects.get(offer=s["leeks"]).quantity_sold == 2
    slot.refresh_from_db()
    assert slot.drops_booked == 1
    assert StandingOrderRun.objects.get(order=draft).status == StandingOrderRun.Status.SKIPPED
    # Running the job again does not draft it back.
    services.draft_standing_orders(now=NOW)
    assert Order.objects.filter(slot=slot, buyer=s["bistrot"]).count() == 1


def test_the_cut_off_reminder_tells_a_buyer_its_draft_goes_only_once_confirmed(client, s):
    """The day before the cut-off every buyer of the zone gets a reminder. The hotel waits to
    confirm its drafts: it is told that its draft will NOT be sent unless it confirms it, with
    the link; the bistrot's is sent automatically, and it is told when."""
    slot = s["slots"][0]  # its cut-off: tomorrow at noon
    standing(s["hotel"], [(s["leeks"], "4")], StandingOrder.Submission.MANUAL)
    standing(s["bistrot"], [(s["leeks"], "5")], StandingOrder.Submission.AUTO, hours=6)
    services.draft_standing_orders(now=NOW)
    draft = Order.objects.get(slot=slot, buyer=s["hotel"])
    mail.outbox.clear()

    assert services.send_cutoff_reminders(within_hours=30, now=NOW) == 2

    to_hotel = next(m for m in mail.outbox if m.to == ["hotel@example.org"])
    assert to_hotel.subject == (
        f"Votre brouillon pour « {slot} » n'est pas envoyé : confirmez-le avant la clôture"
    )
    body = " ".join(to_hotel.body.split())
    assert "Il ne sera PAS envoyé aux producteurs sans votre confirmation avant" in body
    assert f"Votre brouillon : http://testserver/portail/commandes/{draft.pk}/" in body
    assert "Vous pouvez encore modifier votre commande" not in body
    to_bistrot = next(m for m in mail.outbox if m.to == ["bistrot@example.org"])
    assert "sera envoyé automatiquement aux producteurs le" in " ".join(to_bistrot.body.split())
    assert "à 06:00" in to_bistrot.subject  # six hours before the noon cut-off

    # The link opens the draft, with the button that sends it.
    login(client, "hotel")
    page = text(client.get(f"/portail/commandes/{draft.pk}/"))
    assert "Brouillon" in page and "Envoyer la commande" in page
