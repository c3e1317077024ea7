"""Page content in French and English: one page tree per language (Wagtail's localisation).

The French tree is the source. The English tree is kept in sync with it
(`WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE`): every French page has an English version, an
alias (French content, English chrome, updated whenever the French page is published) until
an editor converts it into an ordinary page and translates it.

Lists show the pages of the active language only, one version of each page:
- a query of pages filters on the language (`in_active_locale`): the synced tree has every
  page in both languages, so this costs no query;
- pages found otherwise (the producers search, which works on the French pages, and the
  producers a news item or a guide points at) are mapped to their versions in the active
  language with `localized`, in one query.
"""

import copy

from django.conf import settings
from django.db import transaction
from django.utils import translation
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page, Site

# What lists compute on a page and set on it; a page's version in another language keeps them.
CARRIED_ATTRIBUTES = ("distance_km", "matching_points")


def active_language():
    """The active language as a content language code ("fr", "en")."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return language if language in codes else language.split("-")[0]


def in_active_locale(pages):
    """A queryset of pages restricted to the active language (a join, no extra query)."""
    return pages.filter(locale__language_code=active_language())


def in_default_locale(pages):
    """A queryset of pages restricted to the source (French) tree."""
    return pages.filter(locale__language_code=settings.LANGUAGE_CODE)


def _language_of(page):
    """The page's language if its locale is already loaded (select_related), else None."""
    locale = page._state.fields_cache.get("locale")
    return locale.language_code if locale is not None else None


def localized(pages, queryset=None):
    """The pages' versions in the active language, in the same order, in one query.

    `queryset` says how to load them (e.g. with what a card prefetches); by default the
    pages' own model. A page with no live version in the active language stays as it is.
    Attributes the caller set on the pages (`distance_km`, `matching_points`) are carried
    over. Pages loaded with their locale (`select_related("locale")`) already in the active
    language cost nothing: no query at all if they all are.
    """
    pages = list(pages)
    language = active_language()
    wanted = [page for page in pages if _language_of(page) != language]
    if not wanted:
        return pages
    if queryset is None:
        queryset = type(wanted[0]).objects.all()
    found = {
        page.translation_key: page
        for page in queryset.live().filter(
            translation_key__in={page.translation_key for page in wanted},
            locale__language_code=language,
        )
    }
    result = []
    for page in pages:
        version = found.get(page.translation_key)
        if version is None or version.pk == page.pk:
            result.append(page)
            continue
        for name in CARRIED_ATTRIBUTES:
            if hasattr(page, name):
                setattr(version, name, getattr(page, name))
        result.append(version)
    return result


def version_urls(page, request=None):
    """{language: (URL, is the page's own version)}: the page's live version in each
    language, else that language's home page (no version there yet), in one query."""
    site = Site.find_for_request(request) if request is not None else page.get_site()
    home_key = site.root_page.translation_key if site else None
    found = {}
    for version in (
        Page.objects.live()
        .filter(translation_key__in={page.translation_key, home_key} - {None})
        .select_related("locale")
    ):
        found[(version.translation_key, version.locale.language_code)] = version
    urls = {}
    for language, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        own = found.get((page.translation_key, language))
        version = own or found.get((home_key, language))
        if version is not None:
            urls[language] = (version.get_url(request), own is not None)
    return urls


def sync_enabled():
    return settings.WAGTAIL_I18N_ENABLED and getattr(
        settings, "WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE", False
    )


def create_aliases(page):
    """Give a page its alias in every other language it has no version in yet.

    What `wagtail.contrib.simple_translation` does for pages created in the admin, for pages
    created by code too (imports, demo data, partner sections). Missing parents are aliased
    first.
    """
    page = page.specific
    for locale in Locale.objects.exclude(pk=page.locale_id):
        if not page.has_translation(locale):
            page.copy_for_translation(locale, copy_parents=True, alias=True)


@transaction.atomic
def sync_page_tree(max_depth=None):
    """Alias every page of the source tree (down to `max_depth`) that has no version in
    another language; returns how many aliases it made.

    Idempotent and safe to run again (`manage.py sync_page_tree`). Parents come before
    their children (ordered by path).
    """
    if not sync_enabled():
        return 0
    try:
        default = Locale.get_default()
    except Locale.DoesNotExist:  # an emptied database (a test's flush)
        return 0
    created = 0
    for locale in Locale.objects.exclude(pk=default.pk):
        missing = (
            Page.objects.filter(locale=default, depth__gt=1)
            .exclude(
                translation_key__in=Page.objects.filter(locale=locale).values("translation_key")
            )
            .order_by("path")
        )
        if max_depth is not None:
            missing = missing.filter(depth__lte=max_depth)
        for page in missing:
            if not page.has_translation(locale):  # aliased with a child in this loop
                page.specific.copy_for_translation(locale, copy_parents=True, alias=True)
                created += 1
    return created


# What migrations make: the home page and the sections under it (the partners' sections
# are aliased by ensure_partner_section below). Deeper pages get their aliases when they
# are created, or from `manage.py sync_page_tree` after a bulk load: aliasing 20,000
# producers is not a job for every `migrate`.
MIGRATE_SYNC_DEPTH = 3


def sync_after_migrate(**kwargs):
    """post_migrate: the English versions of the site's skeleton (home page, sections).

    Here rather than in a migration: copying a page runs today's page models, which a
    migration may only do once every migration has run. Costs one query when nothing is
    missing. The partners' rights and moderation then cover their new English sections.
    """
    if not sync_page_tree(max_depth=MIGRATE_SYNC_DEPTH):
        return
    from circuitcourt.directory.models import Partner
    from circuitcourt.home.models import PartnerIndexPage
    from circuitcourt.home.services import ensure_moderation_workflow, ensure_partner_section

    partner_index = in_default_locale(PartnerIndexPage.objects).first()
    if partner_index is not None:
        ensure_moderation_workflow(partner_index)
    for partner in Partner.objects.filter(section__isnull=False).distinct():
        ensure_partner_section(partner)


def on_page_created(sender, instance, created, raw=False, **kwargs):
    """post_save of any page: a new page gets its aliases in the other languages at once."""
    if not created or raw or not isinstance(instance, Page) or instance.depth <= 1:
        return
    if sync_enabled():
        create_aliases(instance)


def translate(page, language, **fields):
    """Publish the page's version in `language` as a translation with these fields.

    What an editor does in the admin (open the English page, convert the alias into an
    ordinary page, translate, publish), for the demo data. A version already translated
    is left as it is (an editor may have changed it): returns None then.
    """
    version = page.get_translation(Locale.objects.get(language_code=language)).specific
    if not version.alias_of_id:
        return None
    ConvertAliasPageAction(version).execute(skip_permission_checks=True)
    version.refresh_from_db()
    for name, value in fields.items():
        # Wagtail adds block ids to a StreamField's list: keep the caller's constants intact.
        setattr(version, name, copy.deepcopy(value))
    version.save_revision().publish()
    return version
