"""The colour tokens of static/css/site.css meet WCAG contrast in the light and the dark scheme.

The pairs are the ones site.css documents in its opening comment ("text 4.5:" and "ui 3:");
the values are read from its two token blocks, so a changed colour is measured as shipped.
"""

import re
from pathlib import Path

import pytest

SITE_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"
# Other stylesheets and templates use these names; they must keep a value in both schemes.
LEGACY = ["--bg", "--fg", "--muted", "--line", "--card", "--accent", "--accent-fg", "--ok", "--ok-bg"]
LEGACY += ["--easy", "--medium", "--hard", "--radius"]


def css() -> str:
    return SITE_CSS.read_text()


def declarations(block: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"(--[a-z0-9-]+)\s*:\s*([^;]+);", block)}


def schemes() -> dict[str, dict[str, str]]:
    """The light tokens (the first `:root` rule) and the dark ones (the `:root` rule inside the
    prefers-color-scheme: dark query) laid over them."""
    text = css()
    light = declarations(re.search(r"^:root\s*\{(.*?)^\}", text, re.S | re.M).group(1))
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", text, re.S)
    return {"light": light, "dark": {**light, **declarations(dark_block.group(1))}}


def documented_pairs() -> list[tuple[str, str, float]]:
    comment = css()[: css().index("*/")]
    pairs = []
    for kind, minimum in (("text 4.5:", 4.5), ("ui 3:", 3.0)):
        start = comment.index(kind) + len(kind)
        end = comment.find("ui 3:", start) if kind.startswith("text") else len(comment)
        for fg, bg in re.findall(r"(--[a-z0-9-]+)/(--[a-z0-9-]+)", comment[start:end]):
            pairs.append((fg, bg, minimum))
    return pairs


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour(tokens: dict[str, str], name: str) -> str:
    value = tokens[name]
    while value.startswith("var("):
        value = tokens[value[4:-1].strip()]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value), f"{name} is {value}, not a hex colour"
    return value


def test_the_documented_pairs_are_many_and_cover_text_and_controls():
    pairs = documented_pairs()
    assert len(pairs) >= 40
    assert {minimum for _, _, minimum in pairs} == {4.5, 3.0}
    assert (
        ("--fg", "--bg", 4.5) in pairs and ("--control", "--card", 3.0) in pairs and ("--focus", "--bg", 3.0) in pairs
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_documented_pair_has_enough_contrast(scheme):
    tokens = schemes()[scheme]
    too_low = []
    for fg, bg, minimum in documented_pairs():
        ratio = contrast(colour(tokens, fg), colour(tokens, bg))
        if ratio < minimum:
            too_low.append(f"{fg} on {bg}: {ratio:.2f} < {minimum}")
    assert too_low == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_names_other_files_use_are_still_defined(scheme):
    tokens = schemes()[scheme]
    assert [name for name in LEGACY if name not in tokens] == []


def test_every_colour_token_is_set_again_for_dark():
    text = css()
    dark = declarations(
        re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", text, re.S).group(1)
    )
    light = schemes()["light"]
    colours = [name for name, value in light.items() if value.startswith("#")]
    assert [name for name in colours if name not in dark] == []


def test_the_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def contrast_table() -> str:
    """The measured ratios, one line a pair, for a report (python -m tests.test_design_tokens)."""
    lines = []
    for fg, bg, minimum in documented_pairs():
        light, dark = (contrast(colour(t, fg), colour(t, bg)) for t in (schemes()["light"], schemes()["dark"]))
        lines.append(f"{fg}/{bg} (min {minimum}): light {light:.2f}, dark {dark:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(contrast_table())
