"""Accessibility in a real browser: axe-core on the pages people use most, keyboard-only use of
the search form and the basket, a visible focus, and a result list that works without the map.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories_site import make_site_content

from .conftest import PHONE, TABLET, record, run_axe, serious
from .test_portal_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
D = Decimal


@pytest.fixture
def site_with_content():
    """Producers, a season, news, a spotlight article and a portal with offers."""
    cache.clear()  # the portal's login throttle counts in the cache
    yield make_site_content()
    cache.clear()


def axe_result(page, url):
    """axe-core's findings on one page, as the artefact records them."""
    page.goto(url)
    page.wait_for_load_state("load")
    violations = run_axe(page)
    found = serious(violations)
    return {
        "url": url,
        "rules_passed": run_axe.rules_passed,
        "serious_or_critical": found,
        "minor_or_moderate": [f"{v['id']} ({v['impact']})" for v in violations if v not in found],
    }


def test_axe_finds_no_serious_problem_on_the_main_pages(open_context, site_with_content):
    page = open_context().new_page()
    results = {}

    def check(name, url):
        results[name] = axe_result(page, url)

    check("home", "/")
    check("search results", "/producteurs/?q=fromage&place=Arras&radius_km=50")
    check("producer", site_with_content["arras"].url)
    check("seasonal calendar", "/de-saison/")
    check("home (English)", "/en/")
    check("search results (English)", "/en/producteurs/?q=fromage&place=Arras")
    log_in(page, "bistrot")
    check("portal catalogue", "/portail/catalogue/")
    page.get_by_role("button", name="Ajouter au panier").first.click()
    check("portal basket", "/portail/panier/")
    check("portal basket (English)", "/en/portail/panier/")

    record("axe-results", results)
    problems = {name: r["serious_or_critical"] for name, r in results.items()}
    assert problems == {name: [] for name in results}


def test_axe_does_report_what_it_should(open_context, live_server):
    """The check above can fail: a field without a label and an image without text are caught."""
    page = open_context().new_page()
    page.goto("/")
    page.set_content('<html lang="fr"><body><main><img src="/x.png"><input></main></body></html>')
    found = {v["id"] for v in serious(run_axe(page))}
    assert {"image-alt", "label"} <= found


def test_axe_finds_no_serious_problem_on_a_phone(open_context, site_with_content):
    """The same rules at 375 px, where the menu wraps, the map stacks over the list and the
    touch targets are what a thumb gets."""
    page = open_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    results = {}
    for name, url in [
        ("home (phone)", "/"),
        ("search results (phone)", "/producteurs/?q=fromage&place=Arras&radius_km=50"),
    ]:
        results[name] = {**axe_result(page, url), "viewport": PHONE}
    record("axe-results-phone", results)
    problems = {name: r["serious_or_critical"] for name, r in results.items()}
    assert problems == {name: [] for name in results}


# How the focused element is drawn: what a focus indicator changes.
FOCUS_LOOK = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle === "none" || parseFloat(style.outlineWidth) === 0
        ? null : {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  color: style.outlineColor};
    return {
        focus_visible: element.matches(":focus-visible"),
        outline: outline,
        box_shadow: style.boxShadow === "none" ? null : style.boxShadow,
        name: (element.tagName.toLowerCase()
               + (element.id ? "#" + element.id : "")
               + (element.className && typeof element.className === "string"
                  ? "." + element.className.trim().split(/\\s+/).join(".") : "")
               + " " + (element.getAttribute("aria-label") || element.getAttribute("title")
                        || element.textContent || element.getAttribute("alt") || "")
                       .trim().replace(/\\s+/g, " ").slice(0, 40)),
    };
}"""


def ring_area(page, element, margin=8):
    """The element's box and the margin around it where a focus ring is drawn, in the viewport."""
    box = element.bounding_box()
    viewport = page.viewport_size
    x, y = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    right = min(box["x"] + box["width"] + margin, viewport["width"])
    bottom = min(box["y"] + box["height"] + margin, viewport["height"])
    return {"x": x, "y": y, "width": max(right - x, 1), "height": max(bottom - y, 1)}


def tab_through(page, limit=150):
    """Press Tab from the top of the page to its end. For each element the keyboard reaches:
    how it is drawn focused and unfocused, and whether its pixels change."""
    reached = []
    page.keyboard.press("Tab")
    for _ in range(limit):
        element = page.evaluate_handle("document.activeElement").as_element()
        if element is None or element.evaluate(
            "e => e === document.body || e === document.documentElement"
        ):
            break  # past the last element: the focus left the page
        if any(element.evaluate("(e, other) => e === other", r["handle"]) for r in reached):
            break  # round again
        focused = element.evaluate(FOCUS_LOOK)
        area = ring_area(page, element)
        focused_pixels = page.screenshot(clip=area, animations="disabled")
        element.evaluate("e => e.blur()")
        unfocused = element.evaluate(FOCUS_LOOK)
        unfocused_pixels = page.screenshot(clip=area, animations="disabled")
        element.evaluate("e => e.focus()")  # Tab goes on from here
        reached.append(
            {
                "handle": element,
                "name": focused["name"],
                "focused": focused,
                "unfocused": unfocused,
                "pixels_change": focused_pixels != unfocused_pixels,
            }
        )
        page.keyboard.press("Tab")
    return reached


def without_visible_focus(reached):
    """The elements whose focus a sighted keyboard user could not see."""
    problems = []
    for r in reached:
        focused, unfocused = r["focused"], r["unfocused"]
        ring = (focused["outline"] and focused["outline"]["width"] >= 2) or focused["box_shadow"]
        changed = (focused["outline"], focused["box_shadow"]) != (
            unfocused["outline"],
            unfocused["box_shadow"],
        )
        if not (focused["focus_visible"] and ring and changed and r["pixels_change"]):
            problems.append(
                f"{r['name']}: focus-visible {focused['focus_visible']}, outline "
                f"{focused['outline']} (unfocused {unfocused['outline']}), box-shadow "
                f"{focused['box_shadow']} (unfocused {unfocused['box_shadow']}), pixels change "
                f"{r['pixels_change']}"
            )
    return problems


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_every_element_the_keyboard_reaches_shows_its_focus(
    open_context, site_with_content, viewport
):
    page = open_context(viewport=viewport).new_page()
    reached = {}
    for name, url in [
        ("home", "/"),
        ("search results", "/producteurs/?q=fromage&place=Arras&radius_km=50"),
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        reached[name] = tab_through(page)

    names = {name: [r["name"] for r in elements] for name, elements in reached.items()}
    record(f"focus-walk-{viewport['width']}px", names)
    # The walk went through the whole page: the menu, the content, the results and the map.
    assert len(names["home"]) >= 12, names["home"]
    assert any("Fromagerie d'Arras" in n for n in names["search results"]), names
    assert any("leaflet-marker-icon" in n for n in names["search results"]), names
    assert any("Zoom" in n for n in names["search results"]), names
    problems = {name: without_visible_focus(elements) for name, elements in reached.items()}
    assert problems == {"home": [], "search results": []}


def test_the_focus_check_does_catch_an_invisible_focus(open_context):
    """The check above can fail: a link whose outline a stylesheet removed is reported."""
    page = open_context().new_page()
    page.set_content(
        '<html lang="fr"><body>'
        '<a href="#a">Visible</a> <a id="hidden" href="#b" style="outline: none">Sans</a>'
        "<button>Bouton</button></body></html>"
    )
    page.add_style_tag(content=":focus-visible { outline: 3px solid #ffbf47; }")
    reached = tab_through(page)
    assert [r["name"].split(" ", 1)[1] for r in reached] == ["Visible", "Sans", "Bouton"]
    problems = without_visible_focus(reached)
    assert len(problems) == 1 and problems[0].startswith("a#hidden Sans: focus-visible True")


def tab_to(page, selector, limit=80):
    """Press Tab until the element matching `selector` has the focus; return it."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return target
    raise AssertionError(f"Tab never reached {selector}")


def focused(page):
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_the_search_form_works_with_the_keyboard_alone(open_context, site_with_content):
    page = open_context(viewport=PHONE).new_page()
    page.goto("/producteurs/")

    # The first Tab reaches the skip link, drawn with a visible focus ring.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    outline = skip.evaluate(
        """element => { const style = getComputedStyle(element);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"""
    )
    assert outline["style"] != "none" and outline["width"] >= 2
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page) == "main-content"

    tab_to(page, "input[name=q]")
    page.keyboard.type("fromage")
    page.keyboard.press("Tab")
    assert focused(page) == "id_place"
    page.keyboard.type("Arras")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=fromage&place=Arras"))
    expect(page.locator("#results-heading")).to_contain_text("2 producteurs")

    link = tab_to(page, ".producer-card__title a >> nth=0")
    outline = link.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fromagerie d'Arras")


def test_the_basket_works_with_the_keyboard_alone(open_context, site_with_content):
    page = open_context().new_page()
    log_in(page, "bistrot")
    page.goto("/portail/catalogue/")
    offer = page.locator(".offer-card", has_text="Poireaux")
    quantity_id = offer.locator("input[name=quantity]").get_attribute("id")
    tab_to(page, f"#{quantity_id}")
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    assert focused(page) == "Ajouter au panier"
    page.keyboard.press("Enter")
    expect(page.locator(".portal-messages")).to_contain_text("Poireaux")

    page.goto("/portail/panier/")
    tab_to(page, "input[name^=quantity-]")
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    page.keyboard.press("Enter")  # the quantities form's submit
    expect(page.locator("input[name^=quantity-]")).to_have_value("6")
    expect(page.locator(".portal-supplier")).to_contain_text("12,60")  # 6 x 2.10

    tab_to(page, "input[name=slot]")
    submit = tab_to(page, "form.portal-form button[type=submit]")
    expect(submit).to_have_text("Envoyer la commande")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portail/commandes/\d+/$"))


def test_every_result_is_reachable_without_javascript_or_the_map(open_context, site_with_content):
    page = open_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/producteurs/?q=fromage&place=Arras&radius_km=50")
    expect(page.locator("#results-map .leaflet-container")).to_have_count(0)  # no map drawn
    links = page.locator(".producer-card__title a")
    expect(links).to_have_text(["Fromagerie d'Arras", "Fromages de Lens"])
    links.nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fromages de Lens")
