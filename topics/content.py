"""Reading content files: topic Markdown files, loose Markdown question banks and paths.yaml.

Parsing is pure: it reads text and returns specs, or raises ContentError naming the file and
line. Writing specs to the database is `topics.importer`.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

from topics.models import Difficulty

DIFFICULTIES = set(Difficulty.values)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FENCE = re.compile(r"^\s*(```|~~~)")
SECTION_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*(?:\{#(?P<slug>[^}\s]*)\})?\s*$")
# An exercise's code parts: fenced blocks whose info string names the part.
EXERCISE_PART = re.compile(
    r"^```python (?P<part>starter|tests|hidden-tests|solution)[ \t]*\n(?P<code>.*?)^```[ \t]*$\n?", re.S | re.M
)
EXERCISE_PARTS = ("starter", "tests", "hidden-tests", "solution")
QUESTION_HEADING = re.compile(r"^###\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
FRONT_MATTER_KEYS = {"slug", "title", "summary", "order"}


class ContentError(Exception):
    """A content file is invalid; the message names the file and line."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class ExerciseSpec:
    """A coding exercise's parts: what to do, the code it starts from, the tests shown and the
    tests kept back, and our solution (fixtures/content/README.md, "Exercises")."""

    statement: str
    starter: str
    tests: str
    hidden_tests: str
    solution: str


@dataclass
class QuestionSpec:
    key: str
    title: str
    difficulty: str
    answer: str
    line: int
    exercise: ExerciseSpec | None = None


@dataclass
class SectionSpec:
    slug: str
    title: str
    line: int
    intro: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class TopicSpec:
    slug: str
    title: str
    summary: str
    order: int
    source: str
    intro: str = ""
    sections: list[SectionSpec] = field(default_factory=list)

    @property
    def questions(self) -> list[QuestionSpec]:
        return [question for section in self.sections for question in section.questions]


@dataclass
class StepSpec:
    topic: str
    section: str
    note: str
    line: int


@dataclass
class PathSpec:
    slug: str
    title: str
    description: str
    audience: str
    duration: str
    order: int
    line: int
    steps: list[StepSpec] = field(default_factory=list)


def _split_front_matter(text: str, source: str) -> tuple[dict, list[str], int]:
    """Return (front matter, body lines, line number of the first body line)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(source, 1, "a topic file starts with front matter between two '---' lines")
    closing = next((index for index, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        raise ContentError(source, 1, "front matter is not closed with a '---' line")
    meta: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(lines[1:closing], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or not key:
            raise ContentError(source, number, f"front matter lines are 'key: value', not {line.strip()!r}")
        if key not in FRONT_MATTER_KEYS:
            raise ContentError(
                source, number, f"unknown front matter key {key!r} (known: {', '.join(sorted(FRONT_MATTER_KEYS))})"
            )
        meta[key] = (value.strip().strip('"').strip("'"), number)
    for required in ("slug", "title", "summary"):
        if not meta.get(required, ("", 0))[0]:
            raise ContentError(source, 1, f"front matter needs {required!r}")
    slug, slug_line = meta["slug"]
    if not SLUG.match(slug):
        raise ContentError(source, slug_line, f"topic slug {slug!r} must be lowercase letters, digits and hyphens")
    order_text, order_line = meta.get("order", ("0", 1))
    if not order_text.isdigit():
        raise ContentError(source, order_line, f"order must be a whole number, not {order_text!r}")
    meta_values = {key: value for key, (value, _) in meta.items()}
    meta_values["order"] = int(order_text)
    return meta_values, lines[closing + 1 :], closing + 2


def _parse_question_attrs(attrs: str | None, source: str, line: int) -> tuple[str, str]:
    if attrs is None:
        raise ContentError(source, line, "a question heading ends with {#key difficulty}, e.g. {#kv-cache hard}")
    parts = attrs.split()
    keys = [part[1:] for part in parts if part.startswith("#")]
    others = [part for part in parts if not part.startswith("#")]
    if len(keys) != 1 or not keys[0]:
        raise ContentError(source, line, "a question needs exactly one key, written #key")
    key = keys[0]
    if not SLUG.match(key):
        raise ContentError(source, line, f"question key {key!r} must be lowercase letters, digits and hyphens")
    if len(others) != 1:
        raise ContentError(source, line, "a question needs one difficulty: easy, medium or hard")
    if others[0] not in DIFFICULTIES:
        raise ContentError(source, line, f"unknown difficulty {others[0]!r} (use easy, medium or hard)")
    return key, others[0]


def split_exercise(body: str, source: str, line: int) -> tuple[str, ExerciseSpec | None]:
    """An answer that holds the four code parts of an exercise is split: the text before them is
    the task, the text after them the explanation, returned as the answer. Anything else is
    returned as it is."""
    parts = list(EXERCISE_PART.finditer(body))
    if not parts:
        return body, None
    found = [match.group("part") for match in parts]
    if sorted(found) != sorted(EXERCISE_PARTS):
        raise ContentError(source, line, f"an exercise needs each of {', '.join(EXERCISE_PARTS)} once, found {found}")
    for before, after in zip(parts, parts[1:]):
        if body[before.end() : after.start()].strip():
            raise ContentError(source, line, "an exercise's code parts must follow each other with no text between")
    code = {match.group("part"): match.group("code").strip("\n") + "\n" for match in parts}
    statement = body[: parts[0].start()].strip()
    if not statement:
        raise ContentError(source, line, "an exercise needs its task written before its code parts")
    exercise = ExerciseSpec(
        statement=statement,
        starter=code["starter"],
        tests=code["tests"],
        hidden_tests=code["hidden-tests"],
        solution=code["solution"],
    )
    return body[parts[-1].end() :].strip(), exercise


def parse_topic_file(text: str, source: str) -> TopicSpec:
    """Parse a topic file in the documented format (see fixtures/content/README.md)."""
    meta, lines, first_line = _split_front_matter(text, source)
    topic = TopicSpec(
        slug=meta["slug"], title=meta["title"], summary=meta["summary"], order=meta["order"], source=source
    )
    buffer: list[str] = []
    target: object = topic
    section_slugs: dict[str, int] = {}
    question_keys: dict[str, int] = {}
    in_code = False

    def flush() -> None:
        body = "\n".join(buffer).strip()
        if isinstance(target, QuestionSpec):
            target.answer, target.exercise = split_exercise(body, source, target.line)
        elif isinstance(target, (SectionSpec, TopicSpec)):
            target.intro = body
        buffer.clear()

    for number, line in enumerate(lines, start=first_line):
        if FENCE.match(line):
            in_code = not in_code
        if in_code or not line.startswith("##"):
            buffer.append(line)
            continue
        if line.startswith("### ") or line == "###":
            flush()
            match = QUESTION_HEADING.match(line)
            title = match.group("title") if match else ""
            if not title:
                raise ContentError(source, number, "question heading has no title")
            key, difficulty = _parse_question_attrs(match.group("attrs"), source, number)
            if not topic.sections:
                raise ContentError(source, number, "a question must be inside a section (a '##' heading)")
            if key in question_keys:
                raise ContentError(
                    source, number, f"duplicate question key {key!r} (first used on line {question_keys[key]})"
                )
            question_keys[key] = number
            target = QuestionSpec(key=key, title=title, difficulty=difficulty, answer="", line=number)
            topic.sections[-1].questions.append(target)
        elif line.startswith("## ") or line == "##":
            flush()
            match = SECTION_HEADING.match(line)
            title = match.group("title") if match else ""
            if not title:
                raise ContentError(source, number, "section heading has no title")
            slug = match.group("slug") if match.group("slug") is not None else slugify(title)
            if not SLUG.match(slug or ""):
                raise ContentError(
                    source, number, f"section slug {slug!r} must be lowercase letters, digits and hyphens"
                )
            if slug in section_slugs:
                raise ContentError(
                    source, number, f"duplicate section slug {slug!r} (first used on line {section_slugs[slug]})"
                )
            section_slugs[slug] = number
            target = SectionSpec(slug=slug, title=title, line=number)
            topic.sections.append(target)
        else:
            raise ContentError(
                source, number, "headings deeper than '###' are not allowed outside code; use bold labels"
            )
    if in_code:
        raise ContentError(source, None, "a code block is not closed")
    flush()
    for section in topic.sections:
        if not section.questions and not section.intro:
            raise ContentError(source, section.line, f"section {section.title!r} has no questions and no text")
    return topic


# Loose question banks: headings are sections, and a question is a bold line or a numbered heading.
LOOSE_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
NUMBERED = re.compile(r"^(?:Q(?:uestion)?\s*\d+\s*[:.)]|\d+\s*[.):])\s*(?P<text>.+)$", re.I)
BOLD_LINE = re.compile(r"^\s*(?:[-*]\s+|\d+[.)]\s+)?\*\*(?P<text>.+?)\*\*\s*$")
TRAILING_DIFFICULTY = re.compile(r"\s*[\[(](?P<difficulty>easy|medium|hard)[\])]\s*$", re.I)
ANSWER_LABEL = re.compile(r"^\s*(?:\*\*\s*(?:answer|a)\s*:?\s*\*\*\s*:?|(?:answer|a)\s*:)\s*", re.I)


def _loose_question(text: str) -> tuple[str, str]:
    """Split a question line into (title, difficulty), dropping a 'Q3:' or '3.' number."""
    numbered = NUMBERED.match(text)
    title = numbered.group("text") if numbered else text
    difficulty = "medium"
    tagged = TRAILING_DIFFICULTY.search(title)
    if tagged:
        difficulty = tagged.group("difficulty").lower()
        title = title[: tagged.start()]
    return title.strip().rstrip(":").strip(), difficulty


def parse_loose_bank(text: str, source: str, topic_slug: str, topic_title: str) -> TopicSpec:
    """Parse a Markdown question bank as people keep them.

    `#`/`##`/`###` headings are sections. A question is a numbered heading (`### Q3: …`,
    `## 3. …`) or a line in bold that is numbered or ends with '?'. The text after it, which
    may open with `**Answer**:`, is its answer. Difficulty is medium unless the question ends
    with (easy), (medium) or (hard). Keys are made from the topic and the question's wording.
    """
    if not SLUG.match(topic_slug):
        raise ContentError(source, None, f"topic slug {topic_slug!r} must be lowercase letters, digits and hyphens")
    topic = TopicSpec(slug=topic_slug, title=topic_title, summary="", order=1000, source=source)
    buffer: list[str] = []
    current: QuestionSpec | None = None
    keys: set[str] = set()
    slugs: set[str] = set()
    in_code = False

    def flush() -> None:
        if current is not None:
            body = "\n".join(buffer).strip()
            current.answer = ANSWER_LABEL.sub("", body, count=1).strip()
        buffer.clear()

    def add_question(text: str, number: int) -> QuestionSpec:
        title, difficulty = _loose_question(text)
        if not title:
            raise ContentError(source, number, "question has no text")
        if not topic.sections:
            topic.sections.append(SectionSpec(slug="questions", title="Questions", line=number))
            slugs.add("questions")
        base = f"{topic_slug}-{slugify(title)[:80].strip('-')}" or topic_slug
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.add(key)
        question = QuestionSpec(key=key, title=title, difficulty=difficulty, answer="", line=number)
        topic.sections[-1].questions.append(question)
        return question

    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_code = not in_code
        if in_code:
            buffer.append(line)
            continue
        heading = LOOSE_HEADING.match(line)
        bold = BOLD_LINE.match(line)
        if heading:
            heading_text = heading.group("text").strip("* ")
            flush()
            if NUMBERED.match(heading_text) or (len(heading.group(1)) >= 3 and heading_text.endswith("?")):
                current = add_question(heading_text, number)
            else:
                current = None
                slug = slugify(heading_text) or f"section-{number}"
                base, n = slug, 2
                while slug in slugs:
                    slug, n = f"{base}-{n}", n + 1
                slugs.add(slug)
                topic.sections.append(SectionSpec(slug=slug, title=heading_text, line=number))
        elif (
            bold
            and not ANSWER_LABEL.match(line)
            and (NUMBERED.match(bold.group("text")) or bold.group("text").rstrip().endswith("?"))
        ):
            flush()
            current = add_question(bold.group("text"), number)
        else:
            buffer.append(line)
    flush()
    topic.sections = [section for section in topic.sections if section.questions]
    if not topic.sections:
        raise ContentError(source, None, "no questions found (a question is a bold line or a numbered heading)")
    return topic


def _yaml_error(source: str, node: yaml.Node, message: str) -> ContentError:
    return ContentError(source, node.start_mark.line + 1, message)


def _mapping(node: yaml.Node, source: str, what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise _yaml_error(source, node, f"{what} must be a mapping of 'key: value'")
    return {key.value: value for key, value in node.value}


def _scalar(mapping: dict[str, yaml.Node], key: str, source: str, node: yaml.Node, required: bool = False) -> str:
    value = mapping.get(key)
    if value is None:
        if required:
            raise _yaml_error(source, node, f"missing {key!r}")
        return ""
    if not isinstance(value, yaml.ScalarNode):
        raise _yaml_error(source, value, f"{key!r} must be text")
    return str(value.value).strip()


def parse_paths_file(text: str, source: str) -> list[PathSpec]:
    """Parse paths.yaml, keeping line numbers for every error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(source, mark.line + 1 if mark else None, f"invalid YAML: {getattr(error, 'problem', error)}")
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise _yaml_error(source, root, "the paths file is a list of paths")
    paths: list[PathSpec] = []
    seen: dict[str, int] = {}
    for order, path_node in enumerate(root.value):
        fields = _mapping(path_node, source, "a path")
        line = path_node.start_mark.line + 1
        unknown = set(fields) - {"slug", "title", "description", "audience", "duration", "steps"}
        if unknown:
            raise _yaml_error(source, path_node, f"unknown path field(s): {', '.join(sorted(unknown))}")
        slug = _scalar(fields, "slug", source, path_node, required=True)
        if not SLUG.match(slug):
            raise _yaml_error(
                source, fields["slug"], f"path slug {slug!r} must be lowercase letters, digits and hyphens"
            )
        if slug in seen:
            raise _yaml_error(source, path_node, f"duplicate path slug {slug!r} (first used on line {seen[slug]})")
        seen[slug] = line
        title = _scalar(fields, "title", source, path_node, required=True)
        if not title:
            raise _yaml_error(source, path_node, "a path needs a title")
        path = PathSpec(
            slug=slug,
            title=title,
            description=_scalar(fields, "description", source, path_node),
            audience=_scalar(fields, "audience", source, path_node),
            duration=_scalar(fields, "duration", source, path_node),
            order=order,
            line=line,
        )
        steps_node = fields.get("steps")
        if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
            raise _yaml_error(source, steps_node or path_node, f"path {slug!r} needs a non-empty list of steps")
        for step_node in steps_node.value:
            step = _mapping(step_node, source, "a step")
            unknown = set(step) - {"topic", "section", "note"}
            if unknown:
                raise _yaml_error(source, step_node, f"unknown step field(s): {', '.join(sorted(unknown))}")
            path.steps.append(
                StepSpec(
                    topic=_scalar(step, "topic", source, step_node, required=True),
                    section=_scalar(step, "section", source, step_node),
                    note=_scalar(step, "note", source, step_node),
                    line=step_node.start_mark.line + 1,
                )
            )
        paths.append(path)
    return paths


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(str(path), None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ContentError(str(path), None, f"cannot read: {error.strerror}") from None
