"""Markdown to safe HTML, for answers and every other text users read.

`render_markdown` is the only way content becomes HTML, and `sanitize_html` is the only place
the HTML sanitizer is called, so the sanitizer can be swapped in one spot.
"""

import contextlib
import functools
import html
import multiprocessing
import re
import secrets
import signal
import threading
from xml.etree import ElementTree

import bleach
import markdown
from latex2mathml.converter import convert as latex_to_mathml

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
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)

# What arithmatex emits in generic mode: the TeX, HTML-escaped, inside \( \) or \[ \].
_INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK_MATH = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
_MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S | re.I)
_UNKNOWN_COMMAND = re.compile(r">[^<]*\\[^<]*<")
# Table alignment as classes, not inline styles, so the Content-Security-Policy can forbid them.
_ALIGN_STYLE = re.compile(r'<(th|td) style="text-align: (left|right|center);">')
_LINK_START = re.compile(r"<a(?=[ >])")


def _to_mathml(tex: str, display: str) -> str:
    tex = html.unescape(tex).strip()
    # latex2mathml has no `aligned`; an array with alternating right/left columns looks the same.
    tex = tex.replace(r"\begin{aligned}", r"\begin{array}{rlrlrl}").replace(r"\end{aligned}", r"\end{array}")
    try:
        mathml = latex_to_mathml(tex, display=display)
        ElementTree.fromstring(mathml)
    except Exception:  # latex2mathml raises many types on malformed input
        return f'<code class="math-error">{html.escape(tex)}</code>'
    if _UNKNOWN_COMMAND.search(mathml):  # a command latex2mathml passed through as text
        return f'<code class="math-error">{html.escape(tex)}</code>'
    return mathml


def _render_math(rendered: str) -> str:
    rendered = _BLOCK_MATH.sub(
        lambda m: '<div class="math-display">' + _to_mathml(m.group(1), "block") + "</div>", rendered
    )
    return _INLINE_MATH.sub(lambda m: _to_mathml(m.group(1), "inline"), rendered)


def _clean_mathml(fragment: str) -> str:
    """Allowlist a <math> element, which bleach cannot handle, by walking it as XML."""
    try:
        root = ElementTree.fromstring(fragment)
    except ElementTree.ParseError:
        return html.escape(fragment)

    def clean(element: ElementTree.Element) -> str:
        tag = element.tag.rsplit("}", 1)[-1].lower()
        # Quotes escaped too: a formula must not be able to end an attribute, wherever it lands.
        text = html.escape(element.text or "")
        inner = text + "".join(clean(child) + html.escape(child.tail or "") for child in element)
        if tag not in MATHML_TAGS:
            return inner
        attrs = "".join(
            f' {name}="{html.escape(value)}"'
            for name, value in sorted(element.attrib.items())
            if name in MATHML_ATTRIBUTES
        )
        return f"<{tag}{attrs}>{inner}</{tag}>"

    return clean(root)


def sanitize_html(untrusted: str) -> str:
    """Reduce HTML to the allowlist: no script, no event handlers, no javascript: URLs, no
    hx-* attributes; MathML kept to its own allowlist; every link gets rel="nofollow noopener".
    """
    nonce = secrets.token_hex(8)
    formulas: list[str] = []

    def hold(match: re.Match) -> str:
        formulas.append(_clean_mathml(match.group(0)))
        return f"mathml{nonce}n{len(formulas) - 1}z"

    def restore(match: re.Match) -> str:
        if match.group("tag"):  # a <math> that sat inside an attribute value stays out
            return re.sub(rf"mathml{nonce}n\d+z", "", match.group("tag"))
        return formulas[int(match.group("formula"))]

    cleaned = _cleaner.clean(_MATH_ELEMENT.sub(hold, untrusted))
    cleaned = _LINK_START.sub('<a rel="nofollow noopener"', cleaned)
    # Formulas go back only where they are text. bleach writes every attribute value in double
    # quotes with any quote inside escaped, so a tag is "<", then quoted values or anything but
    # ">", then ">". One pass with a terminated token: "…n1" must not eat the start of "…n10".
    return re.sub(rf'(?P<tag><[^>"]*(?:"[^"]*"[^>"]*)*>)|mathml{nonce}n(?P<formula>\d+)z', restore, cleaned)


class RenderTooSlow(Exception):
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
    process = _child_processes().Process(target=_render_all, args=(texts,), daemon=True)
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        raise RenderTooSlow(f"formatting took longer than {seconds:g} s")


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


def _render_all(texts: list[str]) -> None:
    for text in texts:
        render_markdown(text)


# Remembered, so that a text checked under a time limit is not formatted again when it is saved.
@functools.lru_cache(maxsize=64)
def render_markdown(text: str) -> str:
    """Render Markdown (tables, highlighted code, $math$) to sanitized HTML."""
    rendered = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
    rendered = _ALIGN_STYLE.sub(r'<\1 class="align-\2">', rendered)
    return sanitize_html(_render_math(rendered))
