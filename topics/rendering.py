"""Markdown to safe HTML, for answers and every other text users read.

`render_markdown` is the only way text becomes HTML, and `sanitize_html` is the only place the
HTML sanitizer is called, with one allowlist. The two policies are chosen here: our content files
(trusted) may hold raw HTML, which is sanitized; what users write (notes) may not, and shows as
text. Formulas become MathML on Python-Markdown's tree, before the sanitizer sees anything, and
nothing edits the sanitized HTML afterwards.
"""

import contextlib
import functools
import html
import multiprocessing
import re
import signal
import threading
from pathlib import Path
from xml.etree import ElementTree

import markdown
import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString

MARKDOWN_EXTENSIONS = [
    "tables",
    "sane_lists",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.arithmatex",
]
MARKDOWN_CONFIG = {
    "pymdownx.highlight": {"use_pygments": True, "guess_lang": False, "css_class": "highlight"},
    "pymdownx.arithmatex": {"generic": True},
}

MATHML_TAGS = {
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mover",
    "munder",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
}
MATHML_ATTRIBUTES = {
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "form",
    "movablelimits",
    "largeop",
    "symmetric",
    "accent",
    "accentunder",
    "lspace",
    "rspace",
    "width",
    "height",
    "depth",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "displaystyle",
    "scriptlevel",
    "minsize",
    "maxsize",
    "notation",
}
ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "del",
    "sup",
    "sub",
    "code",
    "pre",
    "span",
    "div",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "kbd",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "abbr": ["title"],
    "th": ["class"],
    "td": ["class"],
    "span": ["class"],
    "div": ["class"],
    "code": ["class"],
    "pre": ["class"],
    "ol": ["start"],
}
# Wide code, formulas and tables scroll sideways inside a wrapper the renderer adds; the wrapper
# is a named, focusable region so that keyboard users can scroll it too. Only these exact values
# pass the sanitizer, on `div` only: a user who writes them gets the same harmless wrapper.
SCROLL_REGION_LABELS = {"code-block": "Code", "math-display": "Formula", "table-scroll": "Table"}
SCROLL_REGION_VALUES = {
    "div": {"tabindex": {"0"}, "role": {"region"}, "aria-label": set(SCROLL_REGION_LABELS.values())},
}
# Diagrams (our content only: `![what it shows](diagram:key)`, drawn by Graphviz from a source
# beside the content) are inline SVG: shapes, text and their geometry, no scripts, links or styles.
SVG_TAGS = {
    "svg",
    "g",
    "title",
    "desc",
    "path",
    "polygon",
    "polyline",
    "ellipse",
    "circle",
    "rect",
    "line",
    "text",
    "tspan",
}
SVG_ATTRIBUTES = {
    "viewBox",
    "width",
    "height",
    "role",
    "aria-label",
    "class",
    "transform",
    "points",
    "d",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dx",
    "dy",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "text-anchor",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
}
DIAGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "diagrams"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
# Deeper TeX than this is refused as a formula, not rendered: the converter recurses once a level.
MAX_TEX_NESTING = 40
# Lists and quotes nested deeper than this are refused: Python-Markdown recurses once a level,
# and its time grows with the depth. Our deepest content nests 8 levels.
MAX_BLOCK_NESTING = 40
_LINE_START = re.compile(r"^[ >]*", re.M)

_OPERATOR_NAME = re.compile(r"\\operatorname(\*?)\{([^{}]*)\}")


def sanitize_html(untrusted: str, diagrams: bool = False) -> str:
    """Reduce HTML to the allowlist in one pass of an HTML5 sanitizer (Ammonia, through nh3) that
    knows MathML: no script, no event handlers, no style, no hx-* attributes, no javascript: or
    data: URLs; every link gets rel="nofollow noopener". `diagrams` also keeps the SVG of our
    content's diagrams (shapes and text only); what users write never gets it. This is the only
    place HTML is cleaned, and nothing edits its output afterwards.
    """
    tags = ALLOWED_TAGS | MATHML_TAGS | (SVG_TAGS | {"figure"} if diagrams else set())
    return nh3.clean(
        untrusted,
        tags=tags,
        attributes=_ALLOWED_ATTRIBUTES,
        tag_attribute_values=SCROLL_REGION_VALUES,
        url_schemes=ALLOWED_PROTOCOLS,
        link_rel=LINK_REL,
        strip_comments=True,
    )


# "*" is empty: without it, Ammonia allows `lang` and `title` on every element.
_ALLOWED_ATTRIBUTES = (
    {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    | {tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS}
    | {tag: SVG_ATTRIBUTES for tag in SVG_TAGS}
    | {"figure": {"class"}}
    | {"*": set()}
)


class RenderRefused(Exception):
    """A text could not be formatted: the message says why, in words for its writer."""


class RenderTooSlow(RenderRefused):
    """Formatting a text took longer than the time it was given."""


def check_render_time(texts: list[str], seconds: float) -> None:
    """Raise RenderTooSlow unless formatting all of `texts` takes at most `seconds`.

    Python-Markdown's time grows with the square of a paragraph's length for some inputs (a
    paragraph of 20,000 "[" takes most of a minute), so what users write is checked first.
    In the main thread (gunicorn's sync workers, the deployed configuration, serve requests
    there) the texts are formatted here under the process's interval timer, and the results
    stay in render_markdown's cache for the save that follows. Only the main thread may set that
    timer, so in any other thread (gthread workers, runserver) they are formatted in a child
    process that is stopped when the time is up.
    """
    if threading.current_thread() is threading.main_thread():
        with _interval_timer(seconds):
            _render_all(texts)
        return
    context = _child_processes()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_in_child, args=(texts, sender), daemon=True)
    process.start()
    sender.close()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        raise RenderTooSlow(f"formatting took longer than {seconds:g} s")
    # A child that crashed, or was killed by the system, said nothing: that is a failure too.
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = "This text could not be formatted."
    finally:
        receiver.close()
    if outcome is not None:
        raise RenderRefused(outcome)


@contextlib.contextmanager
def _interval_timer(seconds: float):
    """RenderTooSlow when the block runs longer than `seconds`; main thread only. It interrupts
    whatever is running, so only rendering belongs inside."""

    def expired(signum, frame):
        raise RenderTooSlow(f"formatting took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@functools.cache
def _child_processes():
    """Children forked from a server process that has loaded this module and nothing else: a
    fork of a process with other threads running could inherit a lock one of them held."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _render_all(texts: list[str], trusted: bool = False) -> None:
    for text in texts:
        render_markdown(text, trusted=trusted)


def _render_in_child(texts: list[str], sender) -> None:
    """Format the texts and send None, or why they cannot be formatted."""
    try:
        _render_all(texts)
    except RenderRefused as refused:
        sender.send(str(refused))
    else:
        sender.send(None)


def render_markdown(text: str, *, trusted: bool = False, tex_math: bool = False) -> str:
    """Render Markdown (tables, highlighted code, $math$) to sanitized HTML.

    `trusted` is for our own content files: their raw HTML is kept (and still sanitized). What
    users write (notes, imported notes) is untrusted: raw HTML in it shows as the text it is.
    `tex_math` leaves formulas as TeX text between \\( \\) or \\[ \\] instead of MathML, for a
    reader that typesets TeX itself (Anki's MathJax, topics.anki).
    Raises RenderRefused when the text nests too deeply to be formatted.
    """
    if tex_math:
        # Not cached: a deck renders hundreds of answers, which would push out of the cache the
        # notes that check_render_time has just formatted for the save that follows.
        return _render(text, trusted, tex_math=True)
    return _render_cached(text, trusted)


# Remembered, so that a text checked under a time limit is not formatted again when it is saved.
@functools.lru_cache(maxsize=64)
def _render_cached(text: str, trusted: bool) -> str:
    return _render(text, trusted, tex_math=False)


def _render(text: str, trusted: bool, tex_math: bool) -> str:
    if _block_nesting(text) > MAX_BLOCK_NESTING:
        raise RenderRefused("This text nests lists or quotes too deeply to be formatted.")
    md = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, _PrepsiteMarkdown(diagrams=trusted, tex_math=tex_math)],
        extension_configs=MARKDOWN_CONFIG,
    )
    if not trusted:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    try:
        rendered = md.convert(text)
    except RecursionError:
        raise RenderRefused("This text nests lists or quotes too deeply to be formatted.") from None
    return sanitize_html(rendered, diagrams=trusted)


class _PrepsiteMarkdown(Extension):
    """Our changes to Python-Markdown's output, made on its tree before it becomes HTML."""

    def __init__(self, diagrams: bool = False, tex_math: bool = False) -> None:
        super().__init__()
        self.diagrams = diagrams
        self.tex_math = tex_math

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if self.diagrams:
            md.treeprocessors.register(_Diagrams(md), "prepsite_diagrams", 14)
        # After the list processors (30, 40), before blockquotes (20) and paragraphs (10).
        md.parser.blockprocessors.register(_DisplayMathBlocks(md.parser), "prepsite_display_math", 25)
        # After the inline patterns (20) have run, so nothing reads Markdown inside a formula.
        md.treeprocessors.register(_MathAndTables(md, self.tex_math), "prepsite_math_tables", 15)


class _DisplayMathBlocks(BlockProcessor):
    """A `$$` formula on lines of its own is display math even when the line above or below it is
    text: the block is split so the formula stands alone for arithmatex's block processor. It
    runs after the list processors, so inside a list item the formula stays in the item."""

    def test(self, parent: ElementTree.Element, block: str) -> bool:
        return self._split(block) is not None

    def run(self, parent: ElementTree.Element, blocks: list[str]) -> bool:
        before, formula, after = self._split(blocks.pop(0))
        blocks[0:0] = [part for part in (before, formula, after) if part]
        return True  # each part goes through every block processor from the first on

    @staticmethod
    def _split(block: str) -> tuple[str, str, str] | None:
        lines = block.split("\n")
        for start, line in enumerate(lines):
            if not line.lstrip().startswith("$$"):
                continue
            if line.count("$$") >= 2:
                end = start
            else:
                end = next((i for i in range(start + 1, len(lines)) if "$$" in lines[i]), None)
            if end is None or not lines[end].rstrip().endswith("$$"):
                return None
            if start == 0 and end == len(lines) - 1:
                return None  # the whole block is the formula already
            formula = "\n".join(part.strip() for part in lines[start : end + 1])
            return "\n".join(lines[:start]), formula, "\n".join(lines[end + 1 :])
        return None


class _MathAndTables(Treeprocessor):
    """Formulas become MathML (or stay TeX, with `tex_math`), table alignment becomes a class
    (the Content-Security-Policy forbids inline styles), and code blocks, display formulas and
    tables each sit in a scroll region (SCROLL_REGION_LABELS)."""

    def __init__(self, md: markdown.Markdown, tex_math: bool = False) -> None:
        super().__init__(md)
        self.tex_math = tex_math

    def run(self, root: ElementTree.Element) -> None:
        for parent in list(root.iter()):
            index = 0
            for child in list(parent):
                if child.tag in ("th", "td") and child.get("style", "").startswith("text-align: "):
                    align = child.attrib.pop("style")[len("text-align: ") :].rstrip(";")
                    child.set("class", f"align-{align}")
                replacements = [child]
                if child.tag in ("span", "div") and child.get("class") == "arithmatex":
                    display = child.tag == "div"
                    replacements = [_formula_element(child.text or "", display=display, as_tex=self.tex_math)]
                elif child.tag == "table":
                    replacements = [_scroll_region("table-scroll", child)]
                elif child.tag == "p":
                    replacements = self._code_blocks_apart(child) or replacements
                if replacements != [child]:
                    replacements[-1].tail = child.tail
                    parent.remove(child)
                    parent[index:index] = replacements
                index += len(replacements)

    def _code_blocks_apart(self, paragraph: ElementTree.Element) -> list[ElementTree.Element] | None:
        """A highlighted code block is HTML kept aside until the end (Python-Markdown's stash),
        and stands in the tree as a placeholder in a paragraph: each such placeholder moves into a
        scroll region of its own, and any text around it stays in paragraphs. None when the
        paragraph holds no code block (or holds inline markup, which code never shares)."""
        pieces = HTML_PLACEHOLDER_RE.split(paragraph.text or "")
        if len(paragraph) or not any(self._is_code(number) for number in pieces[1::2]):
            return None
        elements: list[ElementTree.Element] = []
        text = pieces[0]
        for number, after in zip(pieces[1::2], pieces[2::2], strict=True):
            placeholder = self.md.htmlStash.get_placeholder(int(number))
            if not self._is_code(number):
                text += placeholder + after
                continue
            if text.strip():
                elements.append(_paragraph(text.strip()))
            region = _scroll_region("code-block")
            region.text = placeholder
            elements.append(region)
            text = after
        if text.strip():
            elements.append(_paragraph(text.strip()))
        return elements

    def _is_code(self, number: str) -> bool:
        stashed = self.md.htmlStash.rawHtmlBlocks[int(number)]
        return isinstance(stashed, str) and stashed.startswith('<div class="highlight">')


def _paragraph(text: str) -> ElementTree.Element:
    paragraph = ElementTree.Element("p")
    paragraph.text = text
    paragraph.tail = "\n"
    return paragraph


def _scroll_region(kind: str, content: ElementTree.Element | None = None) -> ElementTree.Element:
    """A wrapper that scrolls its content sideways: focusable, and named for screen readers."""
    region = ElementTree.Element(
        "div", {"class": kind, "tabindex": "0", "role": "region", "aria-label": SCROLL_REGION_LABELS[kind]}
    )
    region.tail = "\n"
    if content is not None:
        region.text = "\n"
        content.tail = "\n"
        region.append(content)
    return region


class _Diagrams(Treeprocessor):
    """`![what it shows](diagram:key)` in our content becomes the SVG drawn from
    fixtures/content/diagrams/key.dot (`make diagrams`), inline, with the text as its title."""

    def run(self, root: ElementTree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                image = child
                if child.tag == "p" and len(child) == 1 and not (child.text or "").strip():
                    image = child[0]  # a diagram on a line of its own replaces its paragraph
                if image.tag == "img" and image.get("src", "").startswith("diagram:"):
                    figure = _diagram(image.get("src").removeprefix("diagram:"), image.get("alt", ""))
                    figure.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, figure)


def _diagram(key: str, title: str) -> ElementTree.Element:
    figure = ElementTree.Element("figure", {"class": "diagram"})
    path = DIAGRAMS / f"{key}.svg"
    try:
        svg = ElementTree.fromstring(path.read_bytes()) if re.fullmatch(r"[a-z0-9-]+", key) else None
    except (OSError, ElementTree.ParseError):
        svg = None
    if svg is None:
        missing = ElementTree.SubElement(figure, "p", {"class": "diagram-missing"})
        missing.text = f"[diagram {key} is missing]"
        return figure
    for element in svg.iter():
        element.tag = element.tag.removeprefix("{" + SVG_NAMESPACE + "}")
        for name in [name for name in element.attrib if name.startswith("{") or name == "id"]:
            del element.attrib[name]
        if element.text:
            element.text = AtomicString(element.text)
    for group in svg.iter():  # Graphviz titles every node with its id: keep only ours
        for old_title in group.findall("title"):
            group.remove(old_title)
    named = ElementTree.Element("title")
    named.text = AtomicString(title)
    svg.insert(0, named)
    svg.set("role", "img")
    svg.set("aria-label", title)
    figure.append(svg)
    return figure


def _formula_element(wrapped: str, display: bool, as_tex: bool = False) -> ElementTree.Element:
    """The element for one formula as arithmatex leaves it: HTML-escaped TeX in \\( \\) or \\[ \\].
    With `as_tex` the formula stays TeX, as text in those delimiters, for a TeX typesetter."""
    tex = html.unescape(wrapped)[2:-2].strip()
    mathml = None if as_tex else _to_mathml(tex, display)
    if as_tex:
        element = ElementTree.Element("span", {"class": "math-tex"})
        element.text = AtomicString(f"\\[{tex}\\]" if display else f"\\({tex}\\)")
    elif mathml is None:
        element = ElementTree.Element("code", {"class": "math-error"})
        element.text = AtomicString(tex)
    else:
        element = mathml
    if not display:
        return element
    if as_tex:  # a TeX typesetter (Anki) lays the formula out itself: no region to scroll
        wrapper = ElementTree.Element("div", {"class": "math-display"})
        wrapper.append(element)
        return wrapper
    return _scroll_region("math-display", element)


def _to_mathml(tex: str, display: bool) -> ElementTree.Element | None:
    """MathML for a formula, or None when it cannot be shown as one (malformed, too deep, or
    using a command the converter does not know)."""
    if _nesting(tex) > MAX_TEX_NESTING:
        return None
    # latex2mathml has no `aligned`; an array with alternating right/left columns looks the same.
    tex = tex.replace(r"\begin{aligned}", r"\begin{array}{rlrlrl}").replace(r"\end{aligned}", r"\end{array}")
    # An operator name is one upright operator; the starred form takes its limits under it.
    tex = _OPERATOR_NAME.sub(
        lambda m: r"\mathop{\mathrm{" + m.group(2) + "}}" + (r"\limits" if m.group(1) else ""), tex
    )
    try:
        root = ElementTree.fromstring(latex_to_mathml(tex, display="block" if display else "inline"))
    except Exception:  # latex2mathml raises many types on malformed input, RecursionError among them
        return None
    for element in root.iter():
        element.tag = element.tag.removeprefix("{" + MATHML_NAMESPACE + "}")
        if element.tag == "mo" and len(element):
            # \mathop{\mathrm{arg\,max}} arrives as letters inside the operator: make them its name.
            element.text = "".join(" " if part.tag.endswith("mspace") else (part.text or "") for part in element.iter())
            for part in list(element):
                element.remove(part)
            element.set("movablelimits", "true")
        if "\\" in (element.text or ""):  # a command the converter passed through as text
            return None
        element.text = AtomicString(element.text) if element.text else element.text
    return root


def _block_nesting(text: str) -> int:
    """How deep the text's lists and quotes could nest: per line, its quote markers and its
    indentation in steps of two spaces (the least a list item indents)."""
    deepest = 0
    for start in _LINE_START.findall(text.expandtabs(4)):
        quotes = start.count(">")
        deepest = max(deepest, quotes + (len(start) - quotes) // 2)
    return deepest


def _nesting(tex: str) -> int:
    depth = deepest = 0
    for char in tex:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest
