"""Hostile HTML built from pieces, through every way text becomes HTML: whatever goes in, what
comes out, read by an HTML5 parser as a browser would, carries no attribute that runs code or
sends a request, and no URL that does."""

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topics.rendering import (
    ALLOWED_ATTRIBUTES,
    MATHML_ATTRIBUTES,
    SCROLL_REGION_VALUES,
    SVG_ATTRIBUTES,
    SVG_TAGS,
    render_markdown,
    sanitize_html,
)

FORBIDDEN_NAMES = ("style", "formaction", "srcdoc", "action", "xlink:href", "background", "poster")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "cite")

# Pieces an attacker would combine: quotes of both kinds, entities, formulas and SVG where a
# value should be, handlers and htmx attributes, scheme tricks.
VALUE_PIECES = [
    '"',
    "'",
    "&quot;",
    "&#39;",
    "&#34;",
    "&amp;",
    " ",
    ">",
    "<",
    "x",
    "/account/progress/reset/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://x/",
    "<math><mi mathvariant=' onmouseover=alert(1) x'>q</mi></math>",
    '<math><mtext>" hx-post="/account/progress/reset/" hx-trigger="load" x="</mtext></math>',
    "<svg onload=alert(1)>",
    "$x$",
    "$$\\text{</math><script>alert(1)</script>}$$",
    " onmouseover=alert(1) ",
    " hx-post=/x hx-trigger=load ",
]
ATTRIBUTE_NAMES = [
    "href",
    "src",
    "title",
    "class",
    "alt",
    "onclick",
    "onmouseover",
    "OnLoad",
    "hx-post",
    "hx-get",
    "hx-trigger",
    "hx-vals",
    "data-hx-post",
    "style",
    "formaction",
    "srcdoc",
    "mathvariant",
    "display",
    "xlink:href",
    "action",
    "tabindex",
    "role",
    "aria-label",
]
TAG_NAMES = [
    "a",
    "img",
    "div",
    "span",
    "p",
    "code",
    "td",
    "math",
    "mi",
    "mtext",
    "mrow",
    "maction",
    "svg",
    "script",
    "style",
    "iframe",
    "form",
    "button",
    "input",
    "details",
    "base",
    "meta",
    "template",
    "noscript",
    "textarea",
    "title",
]

values = st.lists(st.sampled_from(VALUE_PIECES), max_size=5).map("".join)


@st.composite
def attributes(draw) -> str:
    name = draw(st.sampled_from(ATTRIBUTE_NAMES))
    value = draw(values)
    quote = draw(st.sampled_from(['"', "'", ""]))
    return f" {name}={quote}{value}{quote}"


@st.composite
def elements(draw, children) -> str:
    tag = draw(st.sampled_from(TAG_NAMES))
    attrs = "".join(draw(st.lists(attributes(), max_size=3)))
    inner = "".join(draw(st.lists(children, max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag} x='>'>"]))
    return f"<{tag}{attrs}>{inner}{closing}"


@st.composite
def markdown_wrappers(draw, children) -> str:
    inner = draw(children)
    url = draw(values)
    shape = draw(st.sampled_from(["[{i}]({u})", "![{i}]({u})", '[{i}]({u} "{u}")', "<{u}>", "*{i}*", "> {i}", "- {i}"]))
    return shape.format(i=inner, u=url)


texts = st.recursive(
    st.one_of(values, st.sampled_from(["$a_i$", "$$\nx^2\n$$", "`<b>`", "\n\n", "**b**"])),
    lambda children: st.one_of(elements(children), markdown_wrappers(children)),
    max_leaves=12,
)


def dangerous(html: str) -> list[str]:
    """Every attribute of the parsed HTML that could run code, send a request or load a URL
    with a dangerous scheme."""
    found = []
    for element in html5lib.parse(html, namespaceHTMLElements=False).iter():
        for raw_name, value in element.attrib.items():
            name = str(raw_name).rsplit("}", 1)[-1].lower() if not isinstance(raw_name, tuple) else raw_name[1]
            if name.startswith(("on", "hx-", "data-hx-")) or name in FORBIDDEN_NAMES:
                found.append(f"{element.tag} {name}={value!r}")
            if name in URL_ATTRIBUTES:
                # As a browser reads a URL: C0 controls and spaces trimmed at both ends, tabs
                # and newlines dropped anywhere.
                scheme = value.strip("".join(map(chr, range(33)))).translate({9: None, 10: None, 13: None}).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"{element.tag} {name}={value!r}")
        # Our content's diagrams are SVG: its geometry is allowed on elements with SVG's names.
        name = str(element.tag).rsplit("}", 1)[-1]  # the allowlist names tags, whatever their namespace
        svg = SVG_ATTRIBUTES if name in SVG_TAGS else set()
        # The renderer's scroll regions: these attributes, with exactly these values, on a div.
        region = SCROLL_REGION_VALUES.get(name, {})
        for attribute, value in element.attrib.items():
            if attribute in region and value not in region[attribute]:
                found.append(f"{element.tag} {attribute}={value!r}")
        allowed = set(ALLOWED_ATTRIBUTES.get(name, [])) | MATHML_ATTRIBUTES | svg | set(region) | {"rel"}
        unexpected = {str(name) for name in element.attrib} - allowed
        if unexpected:
            found.append(f"{element.tag} has {sorted(unexpected)}")
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_no_hostile_piece_survives_any_renderer(text):
    for html in (render_markdown(text), render_markdown(text, trusted=True), sanitize_html(text)):
        assert dangerous(html) == [], f"{text!r} gave {html!r}"


@settings(max_examples=100, deadline=None)
@given(texts)
def test_what_users_write_is_stable_when_sanitized_again(text):
    html = render_markdown(text)
    assert sanitize_html(html) == html


def test_the_check_sees_what_it_looks_for():
    assert dangerous('<a href="java script:x">t</a>') == []  # not a scheme: a relative address
    assert dangerous('<a href=" JaVa\tscript:x" onclick="y">t</a>') == [
        "a href=' JaVa\\tscript:x'",
        "a onclick='y'",
        "a has ['onclick']",
    ]
    assert dangerous('<div hx-post="/x" style="a"></div>') == [
        "div hx-post='/x'",
        "div style='a'",
        "div has ['hx-post', 'style']",
    ]
