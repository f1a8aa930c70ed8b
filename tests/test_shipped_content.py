"""Every content file we ship: it parses, its counts are right, every answer meets the bar,
every key is unique, every link and path step resolves, and every formula renders."""

import re
from io import StringIO
from pathlib import Path

import html5lib
import pytest
from django.core.management import call_command

from topics.content import parse_paths_file, parse_topic_file
from topics.models import Answer, Question, StudyPath, Topic

CONTENT = Path(__file__).resolve().parent.parent / "fixtures" / "content"
TOPIC_FILES = sorted(p for p in CONTENT.glob("*.md") if p.name != "README.md")
LABELS = ["**What the interviewer is probing**", "**Common mistakes**", "**Follow-ups**"]


def parsed(path: Path):
    return parse_topic_file(path.read_text(encoding="utf-8"), path.name)


def prose_words(markdown: str) -> int:
    """Words outside code blocks and diagrams (a diagram's description is its title, not prose)."""
    markdown = re.sub(r"^!\[[^\]]*\]\(diagram:[a-z0-9-]+\)$", "", markdown, flags=re.M)
    return len(re.sub(r"```.*?```", "", markdown, flags=re.S).split())


def test_ml_breadth_has_the_67_questions_of_the_brief():
    topic = parsed(CONTENT / "ml-breadth.md")
    assert topic.slug == "ml-breadth"
    difficulties = [q.difficulty for q in topic.questions]
    assert len(difficulties) == 67
    assert (difficulties.count("easy"), difficulties.count("medium"), difficulties.count("hard")) == (1, 31, 35)
    assert [s.slug for s in topic.sections] == [
        "neural-network-foundations",
        "sequence-modeling",
        "advanced-architectures",
        "classical-ml",
        "optimization",
        "loss-functions",
        "feature-engineering",
        "data-integrity",
        "generalization-regularization",
        "evaluation-calibration",
        "production-ml",
    ]


@pytest.mark.parametrize("path", TOPIC_FILES, ids=[p.name for p in TOPIC_FILES])
def test_every_answer_meets_the_bar(path):
    topic = parsed(path)
    assert topic.questions, f"{path.name} has no questions"
    for question in topic.questions:
        where = f"{path.name}:{question.line} {question.key}"
        assert question.answer, f"{where}: empty answer"
        low, high = (700, 1200) if topic.slug == "ml-system-design" else (150, 450)  # design cases run long
        assert low <= prose_words(question.answer) <= high, f"{where}: {prose_words(question.answer)} words"
        positions = [question.answer.find(label) for label in LABELS]
        assert -1 not in positions and positions == sorted(positions), (
            f"{where}: labelled parts missing or out of order"
        )


def test_keys_are_unique_across_all_files():
    seen: dict[str, str] = {}
    for path in TOPIC_FILES:
        for question in parsed(path).questions:
            assert question.key not in seen, f"{question.key} in {path.name} and {seen[question.key]}"
            seen[question.key] = path.name


def test_the_shipped_content_loads_and_renders(db):
    call_command("load_content", str(CONTENT), stdout=StringIO())
    assert Topic.objects.count() == len(TOPIC_FILES)
    keys = set(Question.objects.values_list("slug", flat=True))
    for answer in Answer.objects.select_related("question"):
        where = answer.question.slug
        assert "math-error" not in answer.html, f"{where}: a formula did not render"
        prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", answer.body, flags=re.S))
        # Inline math may wrap onto the next line, as Markdown allows.
        formulas = len(re.findall(r"\$\$.+?\$\$|\$[^$]+?\$", prose, flags=re.S))
        assert answer.html.count("<math") == formulas, (
            f"{where}: {formulas} formulas, {answer.html.count('<math')} rendered"
        )
        assert "arithmatex" not in answer.html, f"{where}: a formula was not converted"
        for linked in re.findall(r'href="/questions/([^/"]+)/"', answer.html):
            assert linked in keys, f"{where} links to unknown question {linked}"
    paths = parse_paths_file((CONTENT / "paths.yaml").read_text(encoding="utf-8"), "paths.yaml")
    assert StudyPath.objects.filter(archived=False).count() == len(paths)
    for path in StudyPath.objects.all():
        assert path.steps.exists()


HTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
SVG = "{http://www.w3.org/2000/svg}"
SCRIPTED = {MATHML + tag for tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover")}
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def what_a_reader_would_notice(html: str) -> list[str]:
    """Leftovers of TeX or Markdown in rendered HTML, outside code: a literal `$`, a `\\command`,
    or a `*` that is not a superscript or subscript (θ^*, K_*)."""
    found: list[str] = []

    def check(text: str | None, in_math: bool, in_script: bool) -> None:
        if not text:
            return
        if "$" in text:
            found.append(f"a literal $ in {text.strip()!r}")
        if TEX_COMMAND.search(text):
            found.append(f"a TeX command in {text.strip()!r}")
        if "*" in text and not (in_math and in_script):
            found.append(f"a stray * in {text.strip()!r}")

    def walk(element, in_math: bool, in_script: bool) -> None:
        if element.tag in (HTML + "code", HTML + "pre"):
            return
        in_math = in_math or element.tag == MATHML + "math"
        check(element.text, in_math, in_script)
        for index, child in enumerate(element):
            walk(child, in_math, in_script or (element.tag in SCRIPTED and index > 0))
            check(child.tail, in_math, in_script)

    walk(html5lib.parse(html), False, False)
    return found


def test_no_shipped_answer_shows_tex_or_markdown_leftovers(db, client):
    call_command("load_content", str(CONTENT), stdout=StringIO())
    problems = []
    for answer in Answer.objects.select_related("question"):
        problems += [f"{answer.question.slug}: {problem}" for problem in what_a_reader_would_notice(answer.html)]
    assert problems == []
    # The stored HTML is what the page shows: one answer with an operator name and a formula right
    # under a line of text, read from its page.
    page = client.get("/questions/classical-gp-posterior/").content.decode()
    answer = page.split("<summary>Show the model answer</summary>", 1)[1].split("</details>", 1)[0]
    assert what_a_reader_would_notice(answer) == []
    assert '<mo movablelimits="true">cov</mo>' in answer


def test_the_leftover_check_catches_what_the_old_renderer_showed():
    assert what_a_reader_would_notice("<p>$<math><mi>x</mi></math>$</p>") == [
        "a literal $ in '$'",
        "a literal $ in '$'",
    ]
    assert what_a_reader_would_notice("<p><math><mo>*</mo><mi>a</mi></math></p>") == ["a stray * in '*'"]
    assert what_a_reader_would_notice(r"<p>\frac{a}{b}</p>") == ["a TeX command in '\\\\frac{a}{b}'"]
    ok = "<p><math><msup><mi>θ</mi><mo>*</mo></msup><msub><mi>K</mi><mrow><mo>*</mo><mo>*</mo></mrow></msub></math></p>"
    assert what_a_reader_would_notice(ok + "<pre><code>a * b $x$</code></pre>") == []


def test_every_study_path_of_the_brief_is_there():
    paths = parse_paths_file((CONTENT / "paths.yaml").read_text(encoding="utf-8"), "paths.yaml")
    assert [path.slug for path in paths] == [
        "ml-engineer",
        "research-scientist",
        "applied-rl",
        "systems-mlops",
        "responsible-ai",
        "theory-heavy",
        "generative-models",
        "complete-prep",
        "ml-system-design-week",
        "ml-breadth-sprint",
    ]
    sprint = paths[-1]
    assert [step.section for step in sprint.steps] == [s.slug for s in parsed(CONTENT / "ml-breadth.md").sections]


def test_the_library_has_every_topic_of_the_brief():
    topics = {path.stem: parsed(path) for path in TOPIC_FILES}
    assert len(topics) == 19
    assert sorted(topic.order for topic in topics.values()) == list(range(1, 20))
    library = [topic for topic in topics.values() if 2 <= topic.order <= 14]
    for topic in library:
        assert len(topic.questions) >= 8, f"{topic.slug}: {len(topic.questions)} questions"
    assert len(topics["ai-engineering"].questions) >= 60  # with the 2026 additions of the brief
    depth = topics["ml-depth-round"]
    assert len(depth.questions) >= 12
    assert depth.sections[-1].slug == "self-check" and not depth.sections[-1].questions and depth.sections[-1].intro
    questions = [question for topic in topics.values() for question in topic.questions if not question.exercise]
    assert len(questions) >= 450  # the coding round's exercises not counted
    assert sum(question.difficulty == "easy" for question in questions) >= 52  # warm-ups in every topic
    assert len(topics["behavioural"].questions) >= 8
    library = [question for topic in library for question in topic.questions]
    with_code = sum("```" in question.answer for question in library)
    assert with_code >= 0.4 * len(library), f"{with_code} of {len(library)} subject answers have code"


def test_the_coding_round_has_forty_exercises_each_a_question():
    topic = parsed(CONTENT / "ml-coding.md")
    assert topic.slug == "ml-coding"
    assert len(topic.questions) >= 40 and all(question.exercise for question in topic.questions)
    for question in topic.questions:
        assert question.key.startswith("code-"), question.key
        assert "def test_" in question.exercise.tests and "def test_" in question.exercise.hidden_tests
        assert "NotImplementedError" in question.exercise.starter


DIAGRAMS = CONTENT / "diagrams"
DESIGN_PARTS = [
    "**Clarifying questions and requirements**",
    "**Estimates (illustrative)**",
    "**Architecture**",
    "**Data and labels**",
    "**Model and features**",
    "**Offline and online evaluation**",
    "**Serving, latency and cost**",
    "**Monitoring and iteration**",
]


def test_every_design_case_has_its_parts_in_order_its_arithmetic_and_its_diagram():
    topic = parsed(CONTENT / "ml-system-design.md")
    assert len(topic.questions) >= 15
    for question in topic.questions:
        where = question.key
        positions = [question.answer.find(part) for part in DESIGN_PARTS + LABELS]
        assert -1 not in positions and positions == sorted(positions), f"{where}: parts missing or out of order"
        estimates = question.answer[positions[1] : positions[2]]
        assert "illustrative" in estimates.lower(), f"{where}: estimates not labelled illustrative"
        assert "```" in estimates or "$$" in estimates, f"{where}: the estimates' arithmetic is not shown"
        assert f"](diagram:{question.key})" in question.answer[positions[2] : positions[3]], f"{where}: no diagram"


def test_every_diagram_has_its_source_and_renders_as_sanitized_svg_with_a_title(db):
    sources = sorted(DIAGRAMS.glob("*.dot"))
    assert len(sources) >= 20
    for source in sources:
        assert source.with_suffix(".svg").exists(), f"{source.name} is not drawn: run make diagrams"
    call_command("load_content", str(CONTENT), stdout=StringIO())
    drawn = 0
    for answer in Answer.objects.filter(body__contains="](diagram:"):
        assert "diagram-missing" not in answer.html, answer.question.slug
        for figure in html5lib.parse(answer.html).iter(HTML + "figure"):
            svg = figure.find(SVG + "svg")
            title = svg.find(SVG + "title")
            assert title is not None and title.text.strip(), answer.question.slug
            assert svg.get("role") == "img" and not [a for a in svg.attrib if a.startswith("on")]
            drawn += 1
    assert drawn >= 20


def test_every_topic_but_the_flagship_has_warm_ups_and_hard_questions():
    """The brief: at least three easy warm-ups in every topic, and hard questions in every
    subject topic (ML Breadth keeps the counts of its own brief)."""
    for path in TOPIC_FILES:
        topic = parsed(path)
        if topic.slug in ("ml-breadth", "ml-system-design"):  # a design case is a whole round, never a warm-up
            continue
        difficulties = [question.difficulty for question in topic.questions]
        assert difficulties.count("easy") >= 3, f"{topic.slug}: {difficulties.count('easy')} easy"
        assert difficulties.count("hard") >= 2, f"{topic.slug}: {difficulties.count('hard')} hard"
