"""French by default, English complete: every string the code and the templates use is in its
catalogue and translated, and the pages a visitor or a buyer walks through show no English in
French nor French in English."""

import html
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.conftest import PASSWORD
from tests.factories import make_producer
from tests.factories_site import make_site_content

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = sorted(BASE_DIR.glob("*/locale/fr/LC_MESSAGES/django.po")) + [
    BASE_DIR / "locale/fr/LC_MESSAGES/django.po"
]
# What Django's makemessages runs: xgettext extracts, msguniq and msgmerge merge, msgattrib.
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


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


def gettext_required():
    """CI (.ci/run) sets CIRCUITCOURT_REQUIRE_GETTEXT=1: there a missing gettext fails."""
    return os.environ.get("CIRCUITCOURT_REQUIRE_GETTEXT", "").strip() in {"1", "true", "yes"}


def source_folders():
    """What the catalogues translate: each app's folder (pyproject.toml's package-dir), the
    project's templates, and the catalogues themselves."""
    with (BASE_DIR / "pyproject.toml").open("rb") as file:
        apps = tomllib.load(file)["tool"]["setuptools"]["package-dir"].values()
    return sorted(apps) + ["templates", "locale"]


@pytest.fixture(scope="module")
def gettext_tools():
    """GNU gettext's programs: skipped without them on a laptop, a failure in CI."""
    missing = [tool for tool in (*GETTEXT_TOOLS, "msgfmt") if shutil.which(tool) is None]
    if missing:
        reason = f"GNU gettext is missing ({', '.join(missing)}): apt-get install gettext"
        if gettext_required():
            pytest.fail(f"{reason} (CIRCUITCOURT_REQUIRE_GETTEXT=1)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def extracted(gettext_tools, tmp_path_factory):
    """`makemessages -l fr` run on a copy of the source: the catalogues as the code and
    templates of today would have them, next to the translations already made.

    Run without settings, makemessages knows only the copy's locale folders, and puts each
    file's strings in its app's catalogue (the project's for templates/ and site/), as it does
    from the project root (`make messages`): nothing it writes can reach the project's own
    catalogues.
    """
    root = tmp_path_factory.mktemp("source")
    for name in source_folders():
        shutil.copytree(
            BASE_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    before = {path: path.read_bytes() for path in CATALOGUES}
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [path for path in CATALOGUES if path.read_bytes() != before[path]] == []
    return root


@pytest.mark.slow
def test_every_string_the_code_and_templates_use_is_translated_in_its_catalogue(extracted):
    found = sorted(extracted.glob("**/locale/fr/LC_MESSAGES/django.po"))
    assert [path.relative_to(extracted) for path in found] == sorted(
        path.relative_to(BASE_DIR) for path in CATALOGUES
    )
    untranslated = {}
    for path in found:
        for flags, msgid, strs in po_entries(path):
            if "fuzzy" in flags or not all(strs):
                untranslated.setdefault(str(path.relative_to(extracted)), []).append(msgid)
    assert untranslated == {}


@pytest.mark.slow
def test_the_catalogues_keep_no_string_the_code_no_longer_uses(extracted):
    """A string translated in a catalogue its code does not use (moved to another app) is
    dead there: makemessages would mark it obsolete."""
    obsolete = {}
    for path in sorted(extracted.glob("**/locale/fr/LC_MESSAGES/django.po")):
        text = path.read_text(encoding="utf-8")
        if found := re.findall(r'^#~ msgid "(.*)"$', text, re.M):
            obsolete[str(path.relative_to(extracted))] = found
    assert obsolete == {}


@pytest.mark.slow
def test_each_compiled_catalogue_is_its_po_compiled(tmp_path, gettext_tools):
    """A .po edited but not compiled translates nothing: the committed .mo is what msgfmt
    (compilemessages) makes of the .po today."""
    stale = []
    mo = tmp_path / "django.mo"
    for po in CATALOGUES:
        subprocess.run(["msgfmt", "--check-format", "-o", mo, po], check=True, timeout=60)
        if mo.read_bytes() != po.with_suffix(".mo").read_bytes():
            stale.append(str(po.with_suffix(".mo").relative_to(BASE_DIR)))
    assert stale == []


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
