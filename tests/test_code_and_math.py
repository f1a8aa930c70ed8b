"""Code and math as a reader gets them: palettes that read in both schemes, scroll regions a
keyboard can reach, and the math font served from our own files."""

import re
from io import StringIO
from pathlib import Path

import html5lib
import pytest
from django.core.management import call_command

from topics.content import parse_topic_file, read_text
from topics.models import Answer, ContentVersion
from topics.rendering import render_markdown, sanitize_html

ROOT = Path(__file__).resolve().parent.parent
CODE_CSS = ROOT / "static" / "css" / "code.css"
FONTS = ROOT / "static" / "fonts"
CONTENT = ROOT / "fixtures" / "content"

CODE = "```python\ndef loss(x):  # squared\n    return x ** 2\n```"
TABLE = "| Loss | Robust |\n|---|:-:|\n| MSE | no |"
FORMULA = "$$\nL = -\\sum_i y_i \\log p_i\n$$"


# Contrast --------------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def palettes(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The --code-* custom properties of the light :root and of the dark scheme's :root."""
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", css, re.S)
    light_block = re.search(r"^:root \{(.*?)\}", css, re.S | re.M)
    assert dark_block and light_block

    def declarations(block: str) -> dict[str, str]:
        return dict(re.findall(r"(--code-[a-z]+):\s*(#[0-9a-fA-F]{6});", block))

    return declarations(light_block.group(1)), declarations(dark_block.group(1))


def token_rules(css: str) -> dict[str, str]:
    """Pygments class -> the custom property its colour comes from, for every `.highlight .x`
    rule that sets a colour."""
    colours = {}
    for selectors, body in re.findall(r"([^{}]*\.highlight \.[^{}]*)\{([^{}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*var\((--code-[a-z]+)\)", body)
        if colour:
            for name in re.findall(r"\.highlight \.([a-z0-9]+)", selectors):
                colours[name] = colour.group(1)
    return colours


def classes_in_shipped_code() -> set[str]:
    """Every Pygments class in the highlighted code of our content."""
    found = set()
    for path in sorted(CONTENT.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        topic = parse_topic_file(read_text(path).lstrip("\ufeff"), str(path))
        for question in topic.questions:
            if "```" not in question.answer:
                continue
            document = html5lib.parse(render_markdown(question.answer, trusted=True), namespaceHTMLElements=False)
            for block in document.iter("div"):
                if block.get("class") == "highlight":
                    found |= {span.get("class") for span in block.iter("span") if span.get("class")}
    return found


def test_every_code_colour_reads_at_4_5_to_1_on_the_code_background_in_both_schemes():
    light, dark = palettes(CODE_CSS.read_text())
    assert set(light) == set(dark) and len(light) >= 8
    for scheme, palette in (("light", light), ("dark", dark)):
        for name, colour in palette.items():
            if name != "--code-bg":
                ratio = contrast(colour, palette["--code-bg"])
                assert ratio >= 4.5, f"{scheme} {name} {colour} on {palette['--code-bg']} is {ratio:.2f}:1"


def test_every_token_class_our_content_uses_has_a_colour_from_the_palettes():
    css = CODE_CSS.read_text()
    light, _ = palettes(css)
    rules = token_rules(css)
    used = classes_in_shipped_code()
    assert {"k", "c1", "s2", "mi", "nf"} <= used  # the check sees real code
    # site.css's older token colours (light and dark) are among them: each is overridden here.
    for name in used | {"k", "kn", "kd", "s", "s1", "s2", "c", "c1", "nf", "nc", "mi", "mf", "o"}:
        assert name in rules, f".highlight .{name} has no colour in code.css"
        assert rules[name] in light, f".highlight .{name} uses {rules[name]}, which no palette defines"


def test_the_contrast_arithmetic_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == 1


def test_code_is_14_px_or_more():
    css = CODE_CSS.read_text()
    assert re.search(r"div\.highlight pre \{[^}]*font-size: \.9375rem", css)
    assert re.search(r"code, \.prose code \{[^}]*font-size: max\(\.875rem, \.9em\)", css)


# Scroll regions ----------------------------------------------------------------------------


def regions(html: str) -> list[dict]:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [dict(div.attrib) for div in document.iter("div") if div.get("role") == "region"]


@pytest.mark.parametrize("trusted", [True, False])
def test_code_formulas_and_tables_are_focusable_named_regions(trusted):
    html = render_markdown(f"Some text.\n\n{CODE}\n\n{TABLE}\n\n{FORMULA}", trusted=trusted)
    assert regions(html) == [
        {"aria-label": "Code", "class": "code-block", "role": "region", "tabindex": "0"},
        {"aria-label": "Table", "class": "table-scroll", "role": "region", "tabindex": "0"},
        {"aria-label": "Formula", "class": "math-display", "role": "region", "tabindex": "0"},
    ]
    assert '<div class="highlight"><pre>' in html and "<table>" in html and '<math display="block">' in html
    assert sanitize_html(html) == html


def test_each_code_block_gets_its_own_region_and_the_text_around_it_stays():
    html = render_markdown(
        f"> A quote\n> {CODE.replace(chr(10), chr(10) + '> ')}\n\n- a list\n\n    {CODE.replace(chr(10), chr(10) + '    ')}"
    )
    document = html5lib.parse(html, namespaceHTMLElements=False)
    blocks = [div for div in document.iter("div") if div.get("class") == "code-block"]
    assert len(blocks) == 2
    assert all(block[0].get("class") == "highlight" for block in blocks)
    assert "<p>A quote</p>" in html and "<p>a list</p>" in html


def test_inline_math_and_inline_code_are_not_regions():
    assert regions(render_markdown("Inline $x^2$ and `code`.")) == []


def test_anki_keeps_its_plain_formula_wrapper():
    assert regions(render_markdown(FORMULA, tex_math=True)) == []


@pytest.mark.parametrize(
    "hostile",
    [
        '<div tabindex="5" role="button" aria-label="Delete everything">x</div>',
        '<div tabindex="-1" role="dialog" aria-label="Code ">x</div>',
        '<pre tabindex="0" role="region" aria-label="Code">x</pre>',
        '<table tabindex="0" role="region" aria-label="Table"><tr><td>x</td></tr></table>',
        '<span tabindex="0" role="region" aria-label="Formula">x</span>',
    ],
)
def test_written_html_keeps_no_focus_role_or_label_but_the_regions_own(hostile):
    for html in (sanitize_html(hostile), render_markdown(hostile, trusted=True), render_markdown(hostile)):
        document = html5lib.parse(html, namespaceHTMLElements=False)
        kept = [(element.tag, dict(element.attrib)) for element in document.iter() if element.attrib]
        assert all({"tabindex", "role", "aria-label"}.isdisjoint(attributes) for _, attributes in kept), html


def test_the_regions_exact_values_are_all_that_pass_and_they_are_harmless():
    # A writer who copies a region gets the same inert wrapper: focusable, named, nothing more.
    html = sanitize_html('<div class="code-block" tabindex="0" role="region" aria-label="Code">x</div>')
    assert html == '<div class="code-block" tabindex="0" role="region" aria-label="Code">x</div>'


def test_loading_content_again_renders_stored_code_in_its_region(tmp_path, db):
    (tmp_path / "t.md").write_text(
        f"---\nslug: t\ntitle: T\nsummary: S.\n---\n\n## S {{#s}}\n\n### Q {{#q easy}}\n\n{CODE}\n"
    )
    call_command("load_content", str(tmp_path), stdout=StringIO())
    old = render_markdown(CODE, trusted=True).replace(
        '<div aria-label="Code" class="code-block" role="region" tabindex="0">', ""
    )
    Answer.objects.update(html=old)  # as the renderer before regions stored it
    token = ContentVersion.objects.get().token
    call_command("load_content", str(tmp_path), stdout=StringIO())
    assert 'class="code-block" role="region" tabindex="0"' in Answer.objects.get().html
    assert ContentVersion.objects.get().token != token  # every process serves the new HTML


# The math font ----------------------------------------------------------------------------


def test_the_math_font_is_served_from_our_static_files_with_its_licence():
    css = CODE_CSS.read_text()
    face = re.search(r"@font-face \{(.*?)\}", css, re.S).group(1)
    assert 'font-family: "Latin Modern Math"' in face and "font-display: swap" in face
    source = re.search(r'url\("\.\./fonts/([^"]+)"\) format\("woff2"\)', face).group(1)
    font = FONTS / source
    assert font.read_bytes()[:4] == b"wOF2"
    assert font.stat().st_size < 450_000
    assert "GUST Font License" in (FONTS / "README-Latin-Modern-Math.txt").read_text()
    assert (FONTS / "GUST-FONT-LICENSE.txt").is_file()
    assert re.search(r'^math \{ font-family: "Latin Modern Math", "STIX Two Math", math; \}', css, re.M)


def test_the_copy_script_keeps_to_the_content_security_policy():
    script = (ROOT / "static" / "js" / "code.js").read_text()
    assert ".style" not in script and "innerHTML" not in script and "eval(" not in script
    base = (ROOT / "templates" / "base.html").read_text()
    assert "<script src=\"{% static 'js/code.js' %}\" defer></script>" in base
