"""Code, math and the activity heatmap in Chromium: token colours that read in light and dark,
code at 14 px or more, a working Copy button, code and formulas a keyboard can reach, the
self-hosted math font; a heatmap that is readable on a phone and fills its card on a laptop."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser import log_in_as, screenshot, watched_page
from tests.conftest import PASSWORD
from tests.test_code_and_math import contrast

pytestmark = pytest.mark.browser

QUESTION = "/questions/adl-diffusion-basics/"  # a code block, a display formula and a table
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# The colour of an element and of the first opaque background behind it, as the browser computed them.
COLOURS = """(selector) => {
  const element = document.querySelector(selector);
  let behind = element;
  while (behind && getComputedStyle(behind).backgroundColor === "rgba(0, 0, 0, 0)") behind = behind.parentElement;
  return [getComputedStyle(element).color, behind ? getComputedStyle(behind).backgroundColor : "none"];
}"""


@pytest.fixture
def content(transactional_db):
    call_command("load_content", "fixtures/content/", stdout=StringIO())


def as_hex(css_colour: str) -> str:
    """#rrggbb for an opaque rgb() colour; anything translucent fails the test."""
    parts = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", css_colour)
    assert parts and (parts.group(4) is None or float(parts.group(4)) == 1), css_colour
    return "#" + "".join(f"{int(parts.group(i)):02x}" for i in (1, 2, 3))


def pixels(value: str) -> float:
    return float(value.removesuffix("px"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_and_math_read_well_copy_and_take_the_keyboard(live_server, content, browser, scheme):
    context, page = watched_page(browser, color_scheme=scheme, permissions=["clipboard-read", "clipboard-write"])
    fonts = []
    page.on("response", lambda r: r.url.endswith(".woff2") and fonts.append((r.url.rsplit("/", 1)[-1], r.status)))
    try:
        page.goto(f"{live_server.url}{QUESTION}")
        page.click("details.answer summary")
        answer = page.locator(".answer .prose")

        # Token colours against the code's own background, as computed.
        for token in (".k", ".c1"):
            colour, background = page.evaluate(COLOURS, f".answer .code-block {token}")
            ratio = contrast(as_hex(colour), as_hex(background))
            assert ratio >= 4.5, f"{scheme} {token}: {colour} on {background} is {ratio:.2f}:1"

        # Code at 14 px or more, in blocks and inline.
        assert (
            pixels(page.evaluate("getComputedStyle(document.querySelector('.answer .code-block code')).fontSize")) >= 14
        )
        inline = page.evaluate(
            """() => { const code = document.createElement("code"); code.textContent = "x";
            document.querySelector(".answer .prose p").append(code);
            const size = getComputedStyle(code).fontSize; code.remove(); return size; }"""
        )
        assert pixels(inline) >= 14

        # The Copy button copies the block's text and says so.
        copy = answer.get_by_role("button", name="Copy code")
        assert copy.count() == answer.locator(".code-block").count() == 1
        assert copy.get_attribute("type") == "button" and copy.inner_text() == "Copy"
        status = answer.locator(".code-copy-status")
        assert status.get_attribute("aria-live") == "polite"
        # "Copied" shows for 2.5 s only: keep every text the status shows, so that no wait can miss it.
        status.evaluate(
            "(status) => { window.statusTexts = [];"
            " new MutationObserver(() => window.statusTexts.push(status.textContent))"
            ".observe(status, {childList: true, characterData: true, subtree: true}); }"
        )
        copy.click()
        page.wait_for_function("() => window.statusTexts.includes('Copied')")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("def train_step(model, x0, alpha_bar):")
        assert copied == page.evaluate("document.querySelector('.answer .code-block pre').textContent").rstrip("\n")

        # Tab reaches the code block, the formula and the table, each a named region.
        reached = set()
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const a = document.activeElement; return a.closest('.answer') ? "
                "[a.className, a.getAttribute('tabindex'), a.getAttribute('role'), a.getAttribute('aria-label')] : null; }"
            )
            if focused and focused[2] == "region":
                reached.add(tuple(focused))
        assert {
            ("code-block", "0", "region", "Code"),
            ("math-display", "0", "region", "Formula"),
            ("table-scroll", "0", "region", "Table"),
        } <= reached

        # The formula is set in our own math font, loaded from our static files.
        page.wait_for_function(
            """() => [...document.fonts].some(
              (face) => face.family.replaceAll('"', "") === "Latin Modern Math" && face.status === "loaded")"""
        )
        family = page.evaluate("getComputedStyle(document.querySelector('.answer .math-display math')).fontFamily")
        assert family.startswith('"Latin Modern Math"')
        assert page.evaluate("""document.fonts.check('16px "Latin Modern Math"')""") is True
        assert any(name.startswith("latinmodern-math") and status == 200 for name, status in fonts), fonts
        page.locator(".answer .code-block").focus()
        screenshot(page, f"code-and-math-{scheme}")
    finally:
        context.close()
    assert page.problems == []


def test_wide_code_formulas_and_tables_scroll_inside_the_page_on_a_phone(live_server, content, browser):
    context, page = watched_page(browser)
    page.set_viewport_size(PHONE)
    try:
        page.goto(f"{live_server.url}{QUESTION}")
        page.click("details.answer summary")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        code = page.locator(".answer .code-block")
        assert code.evaluate("(block) => block.scrollWidth > block.clientWidth")  # it scrolls, the page does not
        code.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.answer .code-block').scrollLeft > 0")
        screenshot(page, "code-and-math-phone")
    finally:
        context.close()
    assert page.problems == []


@pytest.fixture
def active_user(transactional_db):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from progress.models import ActivityDay

    user = User.objects.create_user("hana", "hana@example.org", PASSWORD)
    today = timezone.localdate()
    for days_ago, ticks in ((0, 2), (1, 4), (2, 7), (9, 12), (40, 1), (200, 3)):
        ActivityDay.objects.create(user=user, day=today - timedelta(days=days_ago), ticks=ticks)
    return user


def heatmap_geometry(page) -> dict:
    return page.evaluate(
        """() => {
          const visible = [...document.querySelectorAll(".heatmap")].filter((svg) => svg.getBoundingClientRect().width > 0);
          const svg = visible[0];
          const card = svg.closest(".card");
          const style = getComputedStyle(card);
          const cells = [...svg.querySelectorAll("rect")].map((rect) => rect.getBoundingClientRect());
          return {
            visible: visible.map((s) => s.getAttribute("class")),
            svgWidth: svg.getBoundingClientRect().width,
            cardInner: card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
            smallestCell: Math.min(...cells.map((c) => Math.min(c.width, c.height))),
            pageWidth: document.documentElement.scrollWidth,
            legend: document.querySelector(".heatmap-legend").innerText,
          };
        }"""
    )


def test_the_heatmap_is_readable_on_a_phone_and_fills_its_card_on_a_laptop(live_server, active_user, browser):
    context, page = watched_page(browser)
    try:
        page.set_viewport_size(PHONE)
        log_in_as(page, live_server.url, "hana")
        phone = heatmap_geometry(page)
        assert phone["visible"] == ["heatmap heatmap-recent"]
        assert phone["smallestCell"] >= 10
        assert phone["pageWidth"] <= PHONE["width"]
        assert phone["legend"].startswith("Less") and phone["legend"].endswith("More")
        page.locator(".activity").scroll_into_view_if_needed()
        screenshot(page, "heatmap-phone")

        page.set_viewport_size(LAPTOP)
        laptop = heatmap_geometry(page)
        assert laptop["visible"] == ["heatmap heatmap-year"]
        assert laptop["svgWidth"] == pytest.approx(laptop["cardInner"], abs=1)
        assert laptop["smallestCell"] >= 10
        assert laptop["pageWidth"] <= LAPTOP["width"]
        screenshot(page, "heatmap-laptop")
    finally:
        context.close()
    assert page.problems == []
