import re

import pytest

from tests.xss_payloads import FORBIDDEN, XSS_PAYLOADS, markup_of
from topics.rendering import render_markdown, sanitize_html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_sanitizer_strips_every_payload(payload):
    markup = markup_of(render_markdown(payload)).lower()
    for forbidden in FORBIDDEN:
        assert forbidden not in markup, f"{forbidden!r} survived {payload!r}: {markup}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizing_twice_changes_nothing(payload):
    once = render_markdown(payload)
    assert sanitize_html(once) == once


def test_links_get_nofollow_noopener():
    html = render_markdown("[a link](https://example.com/page)")
    assert '<a href="https://example.com/page" rel="nofollow noopener">a link</a>' in html


def test_tables_render():
    html = render_markdown("| Loss | Robust |\n|---|:-:|\n| MSE | no |\n| MAE | yes |")
    assert "<table>" in html and "<th>Loss</th>" in html
    assert '<td class="align-center">yes</td>' in html
    assert "style=" not in html


def test_fenced_code_is_highlighted_and_escaped():
    html = render_markdown('```python\ndef loss(x):\n    return "<b>" if x else 0\n```')
    assert '<div class="highlight"><pre>' in html
    assert '<span class="k">def</span>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_inline_and_display_math_become_mathml():
    html = render_markdown(
        "Softmax: $\\sigma(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$\n\n$$\nL = -\\sum_i y_i \\log p_i\n$$"
    )
    assert '<math display="inline">' in html
    assert '<div aria-label="Formula" class="math-display" role="region" tabindex="0">\n<math display="block">' in html
    assert "<mfrac>" in html and "<msub>" in html
    assert "\\frac" not in html


def test_math_inside_code_is_left_alone():
    html = render_markdown("`$x$` and\n\n```\ncost = $5\n```")
    assert "<math" not in html
    assert "<code>$x$</code>" in html


def test_aligned_equations_render_as_a_table_of_rows():
    html = render_markdown("$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$")
    assert "<mtable>" in html and "math-error" not in html


def test_malformed_math_shows_the_source_instead_of_breaking():
    html = render_markdown("$\\frac{1}{$")
    assert "<script" not in html
    assert "math" in html


def test_many_formulas_each_render_in_their_place():
    text = " ".join(f"$x_{{{n}}}$" for n in range(1, 25))
    html = render_markdown(text)
    found = re.findall(r"<msub><mi>x</mi>(?:<mrow>)?<mn>(\d+)</mn>", html)
    assert found == [str(n) for n in range(1, 25)]
    assert "mathml" not in html.replace("<math", "")
