"""The self-check list of a mock interview question, read from the Markdown source of its answer.

Answers end in bold-labelled parts (fixtures/content/README.md). Two of them make the list:
"What the interviewer is probing" gives the things to have covered, and "Common mistakes" the
mistakes to have avoided. Authors write a part in one of three shapes, and all three are read:

    **Common mistakes**          **Common mistakes**          **Common mistakes**: a; b; c.

    - A.                         A; b; c.
    - B.

A bullet list gives one line per bullet. A paragraph of several sentences gives one line per
sentence; a paragraph of one sentence, one line per clause between semicolons (how the content
lists mistakes in prose).

Lines are plain text: Markdown emphasis, links and code spans are taken out, and math is
written with its symbols (`$\\sqrt{d_k}$` reads √d_k). The template escapes the lines like any
other text; nothing here is HTML.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PROBING = "What the interviewer is probing"
MISTAKES = "Common mistakes"

_LABEL = re.compile(r"^\*\*(?P<label>[^*\n]+?):?\*\*:?\s*(?P<rest>.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_OR_MATH = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)|\$\$?(?P<math>[^$]+?)\$\$?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = [
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"__(.+?)__"),
    re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"),
]
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|$<>])")
_NEXT_SENTENCE = re.compile(r"\s+[\"“(]?[A-Z]")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "cf.")
_TEX_FRACTION = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_TEX_ROOT = re.compile(r"\\sqrt\{([^{}]*)\}")
_TEX_WRAPPER = re.compile(
    r"\\(?:operatorname|text|textbf|textit|mathrm|mathbf|mathcal|mathbb|hat|widehat|bar|tilde|vec)\{([^{}]*)\}"
)
_ONE_TERM = re.compile(r"^√?(?:[\w.]+|\([^()]*\))$")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau phi chi psi omega"
_TEX_SYMBOLS = {
    **dict(zip(_GREEK.split(), "αβγδεζηθικλμνξπρστφχψω")),
    **dict(zip("Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split(), "ΓΔΘΛΞΠΣΦΨΩ")),
    "varepsilon": "ε",
    "varphi": "φ",
    "ell": "ℓ",
    "nabla": "∇",
    "partial": "∂",
    "sum": "Σ",
    "prod": "Π",
    "int": "∫",
    "infty": "∞",
    "cdot": "·",
    "times": "×",
    "odot": "⊙",
    "oplus": "⊕",
    "pm": "±",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "sim": "~",
    "propto": "∝",
    "in": "∈",
    "notin": "∉",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "iff": "⇔",
    "mid": "|",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "langle": "⟨",
    "rangle": "⟩",
    "top": "⊤",
    "dots": "…",
    "ldots": "…",
    "cap": "∩",
    "cup": "∪",
    "{": "{",
    "}": "}",
    "|": "‖",
    "\\": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "quad": " ",
    "qquad": " ",
    # Sizes, styles and accents: how a formula looks, not what it says.
    **dict.fromkeys("left right big Big bigl bigr Bigl Bigr textstyle displaystyle".split(), ""),
    **dict.fromkeys("bar hat widehat tilde vec mathcal mathbb mathrm mathbf".split(), ""),
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Checklist:
    """What to tick after answering: `covered` (the interviewer's probes) then `avoided` (the
    common mistakes). A ticked line is named by its index in `lines`."""

    covered: tuple[str, ...] = ()
    avoided: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        return self.covered + self.avoided

    def __len__(self) -> int:
        return len(self.covered) + len(self.avoided)

    def numbered_covered(self) -> list[tuple[int, str]]:
        return list(enumerate(self.covered))

    def numbered_avoided(self) -> list[tuple[int, str]]:
        return list(enumerate(self.avoided, start=len(self.covered)))


def checklist_for(answer_sources: Iterable[str]) -> Checklist:
    """The checklist of a question from the Markdown of its answers, in order."""
    covered: list[str] = []
    avoided: list[str] = []
    for source in answer_sources:
        parts = labelled_parts(source, (PROBING, MISTAKES))
        covered += parts.get(PROBING, [])
        avoided += parts.get(MISTAKES, [])
    return Checklist(tuple(covered), tuple(avoided))


def labelled_parts(source: str, labels: Iterable[str]) -> dict[str, list[str]]:
    """{label: its lines} for the bold-labelled parts of `source` named in `labels`; the first
    part with a label counts, and a label without a part is left out."""
    wanted = {label.casefold(): label for label in labels}
    blocks = _blocks(source)
    found: dict[str, list[str]] = {}
    for index, block in enumerate(blocks):
        match = _LABEL.match(block[0])
        label = wanted.get(match["label"].strip().casefold()) if match and not _FENCE.match(block[0]) else None
        if label is None or label in found:
            continue
        lines = ([match["rest"]] if match["rest"].strip() else []) + block[1:]
        following = blocks[index + 1 :]
        if not lines and following and not _LABEL.match(following[0][0]):
            lines, following = following[0], following[1:]
        if lines and _LIST_ITEM.match(lines[0]):
            # A loose list (blank lines between its items) goes on over several blocks.
            for block_after in following:
                if not (_LIST_ITEM.match(block_after[0]) or block_after[0].startswith((" ", "\t"))):
                    break
                lines = lines + block_after
        items = _items(lines)
        if items:
            found[label] = items
    return found


def _blocks(source: str) -> list[list[str]]:
    """The source's blocks (paragraphs, lists, fenced code) as lists of lines, split at blank
    lines; a fenced block stays whole, blank lines and all."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = ""
    for line in source.replace("\r\n", "\n").split("\n"):
        opening = _FENCE.match(line)
        if fence:
            current.append(line)
            if line.strip().startswith(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            current.append(line)
            continue
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _items(lines: list[str]) -> list[str]:
    """Checklist lines from a part's Markdown lines: a list's items, else the paragraph's
    sentences, or the clauses of its one sentence."""
    if any(_LIST_ITEM.match(line) for line in lines):
        raw: list[str] = []
        for line in lines:
            item = _LIST_ITEM.match(line)
            if item:
                raw.append(item["text"])
            elif raw:  # a continuation line of the item above; text before the list is an intro
                raw[-1] += " " + line.strip()
    else:
        paragraph = " ".join(line.strip() for line in lines)
        raw = _split(paragraph, _sentence_ends(paragraph))
        if len(raw) == 1:
            raw = _split(paragraph, [at for at, char in _top_level(paragraph) if char == ";"])
    return [line for line in (_tidy(text) for text in raw) if line]


def _top_level(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of `text` outside brackets, code spans and math."""
    depth = 0
    in_code = in_math = False
    for at, char in enumerate(text):
        if char == "`" and not in_math:
            in_code = not in_code
        elif char == "$" and not in_code:
            in_math = not in_math
        elif in_code or in_math:
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield at, char


def _sentence_ends(text: str) -> list[int]:
    """Where sentences of `text` end: a full stop (or ! or ?) then a space and a capital letter,
    not after "e.g." and the like."""
    ends = []
    for at, char in _top_level(text):
        if char not in ".!?" or not _NEXT_SENTENCE.match(text, at + 1):
            continue
        if not text[: at + 1].casefold().endswith(_ABBREVIATIONS):
            ends.append(at + 1)
    return ends


def _split(text: str, cuts: list[int]) -> list[str]:
    """`text` cut at the indexes `cuts`, the character at each cut dropped when it is a semicolon."""
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut + 1 if text[cut : cut + 1] == ";" else cut
    pieces.append(text[start:])
    return pieces


def plain_text(markdown: str) -> str:
    """Inline Markdown as the words a reader sees: no emphasis, links as their text, code spans
    as their content, and math with its symbols."""
    pieces = []
    position = 0
    for match in _CODE_OR_MATH.finditer(markdown):
        pieces.append(_plain_prose(markdown[position : match.start()]))
        if match["code"] is not None:
            pieces.append(match["code"].strip())
        else:
            pieces.append(plain_math(match["math"]))
        position = match.end()
    pieces.append(_plain_prose(markdown[position:]))
    return _SPACE.sub(" ", "".join(pieces)).strip()


def _plain_prose(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)


def plain_math(tex: str) -> str:
    """A short TeX formula as text with its symbols: `\\sqrt{d_k}` reads √d_k and
    `\\lVert x \\rVert_2 \\le 1` reads ‖ x ‖_2 ≤ 1."""
    previous = None
    while previous != tex:  # innermost groups first, until nothing changes
        previous = tex
        tex = _TEX_FRACTION.sub(lambda m: f"{_grouped(m[1])}/{_grouped(m[2])}", tex)
        tex = _TEX_ROOT.sub(lambda m: f"√{_grouped(m[1])}", tex)
        tex = _TEX_WRAPPER.sub(r"\1", tex)

    def symbol(match: re.Match) -> str:
        name = match[1]
        text = _TEX_SYMBOLS.get(name, name)
        after = match.string[match.end() : match.end() + 1]
        # A word ("log", an unknown command) keeps apart from a letter or command right after it.
        if text[-1:].isalpha() and (after.isalpha() or after == "\\"):
            text += " "
        return text

    return _SPACE.sub(" ", _TEX_COMMAND.sub(symbol, tex)).strip()


def _grouped(tex: str) -> str:
    """A fraction's or root's part, in brackets unless it is one term already: `d_k`, `√2`, `(a+b)`."""
    return tex if _ONE_TERM.match(tex) else f"({tex})"


def _tidy(markdown: str) -> str:
    """One checklist line: plain text, with no closing semicolon or full stop, and a capital
    first letter unless it starts with code (`num_workers`)."""
    line = plain_text(markdown).rstrip(";").strip()
    if line.endswith(".") and not line.endswith(".."):
        line = line[:-1].rstrip()
    if markdown.lstrip()[:1].isalpha():
        line = line[:1].upper() + line[1:]
    return line
