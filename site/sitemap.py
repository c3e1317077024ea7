"""The sitemap: every live public page in French and in English, each with its versions as
hreflang alternates (what search engines read to show the visitor's language)."""

from functools import reduce
from operator import or_

from wagtail.contrib.sitemaps import Sitemap


class LocalizedSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        trees = [q.get_descendants(inclusive=True) for q in root.get_translations(inclusive=True)]
        return (
            reduce(or_, trees)
            .live()
            .public()
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        """Wagtail's, plus each page's versions (from the pages listed: no query per page)."""
        items = list(self.paginator.page(page).object_list)
        versions = {}
        for item in items:
            versions.setdefault(item.translation_key, []).append(
                {
                    "lang_code": item.locale.language_code,
                    "location": item.get_full_url(self.request),
                }
            )
        urls = []
        last_mods = set()
        for item in items:
            alternates = versions[item.translation_key]
            own = next(
                v["location"] for v in alternates if v["lang_code"] == item.locale.language_code
            )
            for url_info in item.get_sitemap_urls(self.request):
                if len(alternates) > 1 and url_info["location"] == own:
                    url_info = {**url_info, "alternates": alternates}
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        # last_mods might be empty if the whole site is private
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
