"""Every content file we ship: it parses, its counts are right, every answer meets the bar,
every key is unique, every link and path step resolves, and every formula renders."""

import re
from io import StringIO
from pathlib import Path

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
        assert 150 <= prose_words(question.answer) <= 450, f"{where}: {prose_words(question.answer)} words"
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
        formulas = len(re.findall(r"\$\$.+?\$\$|\$[^$\n]+?\$", prose, flags=re.S))
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
        "ml-breadth-sprint",
    ]
    sprint = paths[-1]
    assert [step.section for step in sprint.steps] == [s.slug for s in parsed(CONTENT / "ml-breadth.md").sections]


def test_the_library_has_all_sixteen_topics_of_the_brief():
    topics = {path.stem: parsed(path) for path in TOPIC_FILES}
    assert len(topics) == 16
    assert sorted(topic.order for topic in topics.values()) == list(range(1, 17))
    library = [topic for topic in topics.values() if 2 <= topic.order <= 14]
    for topic in library:
        assert 8 <= len(topic.questions) <= 14, f"{topic.slug}: {len(topic.questions)} questions"
    assert 40 <= len(topics["ai-engineering"].questions) <= 50
    depth = topics["ml-depth-round"]
    assert len(depth.questions) == 12
    assert depth.sections[-1].slug == "self-check" and not depth.sections[-1].questions and depth.sections[-1].intro
    assert 240 <= sum(len(topic.questions) for topic in topics.values()) <= 300
