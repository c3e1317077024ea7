"""Partners write in their own section only and the chamber moderates: told from the outside,
through the real Wagtail admin (forms read from the pages, posted back as a browser would)."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission, Page, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from circuitcourt.directory.models import Partner
from circuitcourt.home import groups
from circuitcourt.home.models import NewsPage, PartnerIndexPage, PartnerSectionPage
from circuitcourt.home.services import WORKFLOW_NAME

from .conftest import PASSWORD
from .factories_editorial import make_news, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def montreuillois():
    return make_partner("Agence d'attractivité du Montreuillois", kind=Partner.Kind.TOURISM)


@pytest.fixture
def avesnois():
    return make_partner("Parc naturel régional de l'Avesnois")


def partner_editor(make_user, partner, username):
    return make_user(username, groups.PARTNER_EDITORS, partner.editors_group.name)


@pytest.fixture
def editor_a(make_user, montreuillois):
    return partner_editor(make_user, montreuillois, "office.montreuil")


@pytest.fixture
def editor_b(make_user, avesnois):
    return partner_editor(make_user, avesnois, "parc.avesnois")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post_page_form(client, url, action=None, **changes):
    """Read the admin's page form at `url`, change some fields and post it back."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript: post the (empty) body as the browser would.
    data.setdefault("body-count", "0")
    for name, value in changes.items():
        data[name] = value
    if action:
        data[action] = "1"
    return client.post(url, data)


def add_news_url(section):
    return f"/admin/pages/add/home/newspage/{section.pk}/"


def submit_news(client, section, title="Marché de Noël à Montreuil"):
    response = post_page_form(
        client,
        add_news_url(section),
        action="action-submit",
        title=title,
        slug="marche-de-noel",
        lead="Le marché de producteurs s'installe sur la place du Général de Gaulle.",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return NewsPage.objects.get(locale__language_code="fr", title=title)


def current_task_state(page):
    return WorkflowState.objects.get(
        base_content_type__isnull=False,
        object_id=str(page.pk),
        status=WorkflowState.STATUS_IN_PROGRESS,
    ).current_task_state


# --- the partner's own section --------------------------------------------------------------


def test_a_new_partner_gets_its_section_and_editors_group(montreuillois):
    section = montreuillois.section
    assert section.live
    assert section.get_parent().specific_class is PartnerIndexPage
    assert section.url == "/partenaires/agence-dattractivite-du-montreuillois/"
    group = Group.objects.get(name="Partenaire : Agence d'attractivité du Montreuillois")
    assert montreuillois.editors_group == group
    rights = set(
        GroupPagePermission.objects.filter(group=group, page=section).values_list(
            "permission__codename", flat=True
        )
    )
    assert rights == {"add_page", "change_page"}  # never publish
    assert section.get_workflow().name == WORKFLOW_NAME


def test_saving_a_partner_again_changes_nothing(montreuillois):
    pages, groups_count = Page.objects.count(), Group.objects.count()
    montreuillois.phone = "03 21 06 04 27"
    montreuillois.save()
    assert (Page.objects.count(), Group.objects.count()) == (pages, groups_count)


def test_partner_editor_writes_news_in_its_section_and_submits_it(client, editor_a, montreuillois):
    login(client, editor_a)
    news = submit_news(client, montreuillois.section)

    assert not news.live  # waiting for the chamber
    assert news.partner == montreuillois
    assert news.get_parent().pk == montreuillois.section.pk
    state = WorkflowState.objects.get(object_id=str(news.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert client.get(news.url or "/partenaires/x/marche-de-noel/").status_code == 404


def test_partner_editor_has_no_publish_button_and_cannot_publish_by_posting(
    client, editor_a, montreuillois
):
    login(client, editor_a)
    form = client.get(add_news_url(montreuillois.section)).content.decode()
    assert 'name="action-submit"' in form
    assert 'name="action-publish"' not in form

    post_page_form(
        client,
        add_news_url(montreuillois.section),
        action="action-publish",
        title="Publié sans relecture",
        slug="publie-sans-relecture",
        lead="Ceci ne doit pas être en ligne.",
    )
    news = NewsPage.objects.get(locale__language_code="fr", slug="publie-sans-relecture")
    assert not news.live
    assert client.get("/actualites/").content.decode().count("Publié sans relecture") == 0

    # Editing an existing draft and asking to publish does not publish either.
    post_page_form(client, f"/admin/pages/{news.pk}/edit/", action="action-publish")
    news.refresh_from_db()
    assert not news.live


def test_partner_editor_cannot_see_edit_or_add_in_another_partners_section(
    client, editor_a, avesnois
):
    other_news = make_news("Fête du Maroilles", partner=avesnois)
    login(client, editor_a)

    explorer = client.get(f"/admin/pages/{avesnois.section.pk}/")
    # The partner's rights are on its section in French and in English: Wagtail's explorer
    # starts at their common ancestor (the root), so it opens another section's page, but
    # lists none of its pages.
    assert explorer.status_code in (200, 302, 403)
    assert "Fête du Maroilles" not in explorer.content.decode()
    edit = client.get(f"/admin/pages/{other_news.pk}/edit/")
    assert edit.status_code in (302, 403)
    add = client.get(add_news_url(avesnois.section))
    assert add.status_code in (302, 403)

    # Posting anyway changes nothing.
    response = client.post(
        f"/admin/pages/{other_news.pk}/edit/", {"title": "Piraté", "action-publish": "1"}
    )
    assert response.status_code in (302, 403)
    other_news.refresh_from_db()
    assert other_news.title == "Fête du Maroilles"
    response = client.post(add_news_url(avesnois.section), {"title": "Intrus", "slug": "intrus"})
    assert response.status_code in (302, 403)
    assert not NewsPage.objects.filter(slug="intrus").exists()

    # The admin's search does not list the other section's pages either.
    search = client.get("/admin/pages/search/", {"q": "Maroilles"})
    assert "Fête du Maroilles" not in search.content.decode()


def test_partner_editor_explorer_starts_at_its_own_section(client, editor_a, montreuillois):
    make_news("Les fraises de Samer", partner=montreuillois)
    login(client, editor_a)
    response = client.get(f"/admin/pages/{montreuillois.section.pk}/")
    assert response.status_code == 200
    assert "Les fraises de Samer" in response.content.decode()
    # The home page and the other sections are outside the editor's part of the tree.
    home = Page.objects.get(depth=2, locale__language_code="fr")
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code in (302, 403)


# --- moderation by the chamber --------------------------------------------------------------


def test_chamber_editor_approves_and_the_news_goes_live(
    client, editor_a, chamber_editor, montreuillois
):
    login(client, editor_a)
    news = submit_news(client, montreuillois.section)
    client.logout()

    login(client, chamber_editor)
    dashboard = client.get("/admin/").content.decode()
    assert "Marché de Noël à Montreuil" in dashboard  # in the chamber's moderation queue
    task_state = current_task_state(news)
    response = client.post(
        f"/admin/pages/workflow/action/{news.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert response.status_code in (200, 302)
    client.logout()

    news.refresh_from_db()
    assert news.live
    public = client.get("/partenaires/agence-dattractivite-du-montreuillois/marche-de-noel/")
    assert public.status_code == 200
    assert "Le marché de producteurs s&#x27;installe" in public.content.decode()
    assert "Marché de Noël à Montreuil" in client.get("/actualites/").content.decode()


def test_chamber_editor_rejects_with_a_comment_the_partner_sees(
    client, editor_a, chamber_editor, montreuillois
):
    login(client, editor_a)
    news = submit_news(client, montreuillois.section)
    client.logout()

    login(client, chamber_editor)
    task_state = current_task_state(news)
    comment = "Merci d'ajouter l'horaire d'ouverture du marché."
    client.post(
        f"/admin/pages/workflow/action/{news.pk}/reject/{task_state.pk}/", {"comment": comment}
    )
    client.logout()

    news.refresh_from_db()
    assert not news.live
    assert WorkflowState.objects.get(object_id=str(news.pk)).status == "needs_changes"

    login(client, editor_a)
    edit = client.get(f"/admin/pages/{news.pk}/edit/").content.decode()
    history = client.get(f"/admin/pages/{news.pk}/workflow_history/").content.decode()
    assert "horaire d&#x27;ouverture" in edit + history
    # The partner corrects and resubmits.
    response = post_page_form(
        client,
        f"/admin/pages/{news.pk}/edit/",
        action="action-submit",
        lead="Le marché ouvre de 9 h à 13 h, place du Général de Gaulle.",
    )
    assert response.status_code == 302
    assert WorkflowState.objects.filter(object_id=str(news.pk), status="in_progress").count() == 1


def test_chamber_editor_publishes_directly_in_a_partner_section(
    client, chamber_editor, montreuillois
):
    login(client, chamber_editor)
    post_page_form(
        client,
        add_news_url(montreuillois.section),
        action="action-publish",
        title="Communiqué de la Chambre",
        slug="communique",
        lead="La Chambre soutient les marchés du Montreuillois.",
    )
    assert NewsPage.objects.get(locale__language_code="fr", slug="communique").live


# --- partners created in the admin ----------------------------------------------------------


def test_partner_created_in_the_admin_gets_its_section_and_group(client, chamber_editor):
    login(client, chamber_editor)
    url = "/admin/snippets/directory/partner/add/"
    form = client.get(url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="w-editor-form")
    data.update(
        {
            "name": "Communauté de communes du Pays de Mormal",
            "slug": "pays-de-mormal",
            "kind": "territory",
            "contact_name": "Lucie Leroy",
            "email": "contact@example.org",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    partner = Partner.objects.get(slug="pays-de-mormal")
    section = PartnerSectionPage.objects.get(locale__language_code="fr", partner=partner)
    assert section.live and section.url == "/partenaires/pays-de-mormal/"
    assert partner.editors_group.name == "Partenaire : Communauté de communes du Pays de Mormal"
    assert client.get(section.url).status_code == 200


def test_after_migrate_the_partners_index_is_moderated_by_the_chamber():
    partner_index = PartnerIndexPage.objects.get(locale__language_code="fr")
    workflow = partner_index.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    (task,) = workflow.tasks.specific()
    assert [group.name for group in task.groups.all()] == [groups.CHAMBER_EDITORS]


def test_a_renamed_partner_keeps_its_group_renamed(montreuillois):
    group_pk = montreuillois.editors_group_id
    montreuillois.name = "Office de tourisme du Montreuillois"
    montreuillois.save()
    montreuillois.refresh_from_db()
    assert montreuillois.editors_group_id == group_pk
    assert montreuillois.editors_group.name == "Partenaire : Office de tourisme du Montreuillois"


def test_a_news_item_moved_to_another_section_takes_its_partner(montreuillois, avesnois):
    news = make_news("Fête du Maroilles", partner=montreuillois)
    assert news.partner == montreuillois
    news.move(avesnois.section, pos="last-child")
    news = NewsPage.objects.get(locale__language_code="fr", pk=news.pk)
    assert news.partner == avesnois
    news.save_revision().publish()
    assert NewsPage.objects.get(locale__language_code="fr", pk=news.pk).partner == avesnois


def test_partner_editor_uploads_images_to_its_own_collection(client, editor_a, montreuillois):
    login(client, editor_a)
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Marché de Montreuil",
            "file": SimpleUploadedFile("marche.png", get_test_image_file().file.getvalue()),
            "collection": montreuillois.collection_id,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get(title="Marché de Montreuil")
    assert image.collection == montreuillois.collection
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == 200
