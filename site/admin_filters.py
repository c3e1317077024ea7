"""What the admin's page lists share (loaded with the admin, not with the models)."""

from django.conf import settings
from wagtail.admin.views.pages.listing import PageFilterSet


class FrenchFirstPageFilterSet(PageFilterSet):
    """The admin's page lists (producers, news, events) show the French pages unless the
    editor picks another language (or all) in Wagtail's locale filter: each page once."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "locale" not in data:
            data = data.copy()
            data["locale"] = settings.LANGUAGE_CODE
        super().__init__(data, *args, **kwargs)
