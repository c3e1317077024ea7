"""French by default, English complete: every catalogue string is translated, and the pages a
visitor or a buyer walks through show no English in French nor French in English."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.conftest import PASSWORD
from tests.factories import make_producer
from tests.factories_site import make_site_content

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/locale/fr/LC_MESSAGES/django.po")) + [
    Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"
]


def po_entries(path):
    """(flags, msgid, [msgstr, ...]) of each live entry of a .po file, the header left out."""
    entries, entry, flags, current = [], None, "", None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            flags += line
            continue
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            key = match[1]
            # A msgctxt, or a msgid after the previous entry's msgstr, starts a new entry.
            if key == "msgctxt" or (key == "msgid" and (entry is None or "msgstr" in current)):
                entry = {"flags": flags}
                entries.append(entry)
                flags = ""
            entry[key] = match[2]
            current = key
        elif line.startswith('"') and entry is not None and current:
            entry[current] += line[1:-1]
    return [
        (e["flags"], e["msgid"], [v for k, v in e.items() if k.startswith("msgstr")])
        for e in entries
        if e.get("msgid")
    ]


def unescape(po_string):
    return po_string.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_string_of_the_catalogue_has_its_french_translation(path):
    entries = po_entries(path)
    assert entries
    assert [msgid for flags, msgid, _ in entries if "fuzzy" in flags] == []
    assert [msgid for _, msgid, strs in entries if not all(strs)] == []


def test_the_compiled_catalogues_are_up_to_date():
    for po in CATALOGUES:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run compilemessages"
        assert mo.stat().st_size > 0


def distinct_strings():
    """English source strings whose French differs, long enough to be unambiguous in a page."""
    pairs = set()
    for path in CATALOGUES:
        for _, msgid, strs in po_entries(path):
            english, french = unescape(msgid), unescape(strs[0])
            if re.search(r"%|\{|<|\n", english) or english.casefold() == french.casefold():
                continue
            if len(english) >= 12 and " " in english:
                pairs.add((english, french))
    return sorted(pairs)


def page_text(response):
    """What a visitor reads or hears: text and the labels of controls, scripts left out."""
    assert response.status_code == 200, response.status_code
    source = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    labels = re.findall(r'(?:aria-label|placeholder|alt|title)="([^"]*)"', source)
    text = re.sub(r"<[^>]+>", " ", source)
    return re.sub(r"\s+", " ", html.unescape(text + " " + " ".join(labels)))


@pytest.mark.django_db
def test_the_visited_pages_speak_one_language(client):
    cache.clear()
    content = make_site_content()
    urls = [
        "/",
        "/producteurs/?q=fromage&place=Arras&radius_km=50",
        content["arras"].url,
        "/de-saison/",
        "/actualites/",
        content["news"].url,
    ]
    pairs = distinct_strings()
    assert len(pairs) > 200

    portal = ["/portail/catalogue/", "/portail/panier/"]
    logged_in = False

    def check(prefix):
        mixed = {}
        for url in urls + (portal if logged_in else ["/portail/connexion/"]):
            text = page_text(client.get(prefix + url if prefix else url))
            for english, french in pairs:
                wrong = english if not prefix else french
                if wrong in text:
                    mixed.setdefault(prefix + url, []).append(wrong)
        return mixed

    assert check("") == {}
    logged_in = True
    assert client.login(username="bistrot", password=PASSWORD)
    client.post("/portail/panier/ajouter/", {"offer": content["offers"][0].pk, "quantity": "3"})
    assert check("") == {}
    assert check("/en") == {}
    cache.clear()


@pytest.mark.django_db
def test_the_language_switch_goes_back_to_french_on_the_same_page(client):
    make_producer("Fromagerie d'Arras", "Arras")
    english = client.get("/en/producteurs/", {"q": "fromage", "place": "Arras"}).content.decode()
    # Plain links (no form, no cookie: the page stays cacheable), each to this very page.
    french_link = re.search(r'<a href="([^"]*)" lang="fr"', english)
    assert html.unescape(french_link[1]) == "/producteurs/?q=fromage&place=Arras"
    assert re.search(r'<a href="[^"]*" lang="en" hreflang="en" aria-current="true"', english)

    back = client.get(html.unescape(french_link[1])).content.decode()
    assert back.startswith('<!DOCTYPE html>\n\n<html lang="fr">')
    assert "Fromagerie d&#x27;Arras" in back or "Fromagerie d'Arras" in back
