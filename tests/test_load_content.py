from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from progress.models import StudiedMark
from topics.content import parse_loose_bank
from topics.models import Answer, PathStep, Question, Section, StudyPath, Topic

TOPIC = """---
slug: basics
title: Basics
summary: The basics.
order: 3
---

What this topic covers.

## First section {#first}

### What is a gradient? {#gradient easy}

The direction of steepest ascent.

### Why normalize inputs? {#normalize medium}

Conditioning. Code:

```python
## not a heading inside code
x = (x - mu) / sigma
```

## Second section {#second}

### What is overfitting? {#overfitting hard}

Fitting noise.
"""

PATHS = """- slug: quick
  title: Quick path
  duration: 2 days
  steps:
    - topic: basics
      section: second
      note: Start here.
    - topic: basics
"""


def load(*paths, **options) -> str:
    out = StringIO()
    call_command("load_content", *[str(p) for p in paths], stdout=out, **options)
    return out.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list:
    return [
        sorted(Topic.objects.values_list("slug", "title", "summary", "order", "intro")),
        sorted(Section.objects.values_list("topic__slug", "slug", "title", "order")),
        sorted(Question.objects.values_list("slug", "section__slug", "title", "difficulty", "order", "archived")),
        sorted(Answer.objects.values_list("question__slug", "body", "html")),
        sorted(StudyPath.objects.values_list("slug", "title", "archived")),
        sorted(PathStep.objects.values_list("path__slug", "topic__slug", "section__slug", "note", "order"), key=str),
        sorted(StudiedMark.objects.values_list("user__username", "question__slug")),
    ]


@pytest.fixture
def content(tmp_path, db) -> Path:
    write(tmp_path, "basics.md", TOPIC)
    write(tmp_path, "paths.yaml", PATHS)
    return tmp_path


def test_it_loads_topics_sections_questions_answers_and_paths(content):
    output = load(content)
    assert "basics.md: 3 created, 0 updated, 0 unchanged" in output
    assert "paths.yaml: 1 created, 0 updated, 0 unchanged" in output
    topic = Topic.objects.get(slug="basics")
    assert (topic.title, topic.summary, topic.order) == ("Basics", "The basics.", 3)
    assert "What this topic covers." in topic.intro_html
    assert list(topic.sections.values_list("slug", flat=True)) == ["first", "second"]
    normalize = Question.objects.get(slug="normalize")
    assert (normalize.title, normalize.difficulty, normalize.section.slug) == (
        "Why normalize inputs?",
        "medium",
        "first",
    )
    assert "not a heading inside code" in normalize.answers.get().body
    assert '<div class="highlight">' in normalize.answers.get().html
    path = StudyPath.objects.get(slug="quick")
    assert [(s.topic.slug, s.section and s.section.slug, s.note) for s in path.steps.all()] == [
        ("basics", "second", "Start here."),
        ("basics", None, ""),
    ]


def test_running_it_twice_changes_nothing_the_second_time(content):
    load(content)
    before = snapshot()
    output = load(content)
    assert "basics.md: 0 created, 0 updated, 3 unchanged" in output
    assert "paths.yaml: 0 created, 0 updated, 1 unchanged" in output
    assert snapshot() == before


def test_rewording_keeps_the_key_and_the_ticks(content, alice):
    load(content)
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="gradient"), True)
    write(
        content,
        "basics.md",
        TOPIC.replace("What is a gradient?", "What does a gradient tell you?").replace(
            "steepest ascent.", "steepest ascent of the loss."
        ),
    )
    output = load(content)
    assert "1 updated, 2 unchanged" in output
    question = Question.objects.get(slug="gradient")
    assert question.title == "What does a gradient tell you?"
    assert "of the loss" in question.answers.get().html
    assert StudiedMark.objects.filter(user=alice, question=question).exists()


def test_a_removed_question_is_archived_and_comes_back_with_its_ticks(content, alice):
    load(content)
    overfitting = Question.objects.get(slug="overfitting")
    StudiedMark.objects.set_studied(alice, overfitting, True)
    removed = TOPIC.split("### What is overfitting?")[0] + "### Another {#another easy}\n\nText.\n"
    write(content, "basics.md", removed)
    assert "1 archived" in load(content)
    overfitting.refresh_from_db()
    assert overfitting.archived
    assert StudiedMark.objects.filter(user=alice, question=overfitting).exists()
    write(content, "basics.md", TOPIC)
    output = load(content)
    assert "1 restored" in output
    overfitting.refresh_from_db()
    assert not overfitting.archived
    assert StudiedMark.objects.filter(user=alice, question=overfitting).exists()


def test_moving_a_question_to_another_section_keeps_its_ticks(content, alice):
    load(content)
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="gradient"), True)
    moved = TOPIC.replace("### What is a gradient? {#gradient easy}\n\nThe direction of steepest ascent.\n\n", "")
    moved += "\n### What is a gradient? {#gradient easy}\n\nThe direction of steepest ascent.\n"
    write(content, "basics.md", moved)
    load(content)
    question = Question.objects.get(slug="gradient")
    assert question.section.slug == "second"
    assert not question.archived
    assert StudiedMark.objects.filter(user=alice, question=question).count() == 1


def test_moving_a_question_to_another_topic_keeps_its_ticks(content, alice):
    load(content)
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="overfitting"), True)
    write(content, "basics.md", TOPIC.split("## Second section")[0])
    write(
        content,
        "more.md",
        "---\nslug: more\ntitle: More\nsummary: More.\n---\n\n## Only {#only}\n\n"
        "### What is overfitting? {#overfitting hard}\n\nFitting noise.\n",
    )
    load(content)
    question = Question.objects.get(slug="overfitting")
    assert (question.section.topic.slug, question.archived) == ("more", False)
    assert StudiedMark.objects.filter(user=alice, question=question).exists()


BAD_FILES = [
    (
        "unknown difficulty",
        TOPIC.replace("{#gradient easy}", "{#gradient trivial}"),
        "basics.md:12",
        "unknown difficulty",
    ),
    (
        "duplicate key",
        TOPIC.replace("{#overfitting hard}", "{#gradient hard}"),
        "basics.md:27",
        "duplicate question key",
    ),
    (
        "missing title",
        TOPIC.replace("### What is overfitting? {#overfitting hard}", "### {#overfitting hard}"),
        "basics.md:27",
        "no title",
    ),
    ("missing key", TOPIC.replace(" {#overfitting hard}", ""), "basics.md:27", "{#key difficulty}"),
    ("no front matter", TOPIC.replace("---\nslug", "slug", 1), "basics.md:1", "no front matter"),
    ("front matter not closed", TOPIC.replace("order: 3\n---", "order: 3"), "basics.md:1", "not closed"),
    ("front matter line", TOPIC.replace("order: 3", "order 3"), "basics.md:5", "key: value"),
    ("unknown front matter", TOPIC.replace("order: 3", "colour: blue"), "basics.md:5", "unknown front matter key"),
    ("bad order", TOPIC.replace("order: 3", "order: first"), "basics.md:5", "whole number"),
    ("missing summary", TOPIC.replace("summary: The basics.\n", ""), "basics.md:1", "'summary'"),
    (
        "question outside section",
        TOPIC.replace("## First section {#first}", "Intro."),
        "basics.md:12",
        "inside a section",
    ),
    ("unclosed code", TOPIC + "\n```\nnever closed\n", "basics.md", "not closed"),
]


@pytest.mark.parametrize("case, text, where, message", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_changes_nothing_and_names_file_and_line(content, alice, case, text, where, message):
    load(content)
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="gradient"), True)
    write(content, "basics.md", TOPIC.replace("The direction", "A changed direction"))  # a valid change...
    write(content, "zz-bad.md", text)  # ...in the same run as a bad file
    before_files = snapshot()
    with pytest.raises(CommandError) as error:
        load(content)
    assert where.replace("basics.md", "zz-bad.md") in str(error.value)
    assert message in str(error.value)
    assert "Nothing was changed." in str(error.value)
    assert snapshot() == before_files


def test_a_key_used_in_two_files_changes_nothing(content):
    load(content)
    before = snapshot()
    write(
        content,
        "other.md",
        "---\nslug: other\ntitle: Other\nsummary: O.\n---\n\n## S {#s}\n\n### Q {#gradient easy}\n\nA.\n",
    )
    with pytest.raises(CommandError, match=r"other.md:9: question key 'gradient' is also used at .*basics.md:12"):
        load(content)
    assert snapshot() == before


@pytest.mark.parametrize(
    "paths, where, message",
    [
        (PATHS.replace("section: second", "section: third"), "paths.yaml:5", "unknown section 'third'"),
        (PATHS.replace("- topic: basics\n", "- topic: nowhere\n", 1), "paths.yaml:5", "unknown topic 'nowhere'"),
        (PATHS.replace("  title: Quick path\n", ""), "paths.yaml:1", "missing 'title'"),
        (PATHS.replace("  steps:", "  stops:"), "paths.yaml:1", "unknown path field"),
        ("- slug: [unclosed\n", "paths.yaml:", "invalid YAML"),
        ("slug: not-a-list\n", "paths.yaml:1", "list of paths"),
    ],
)
def test_a_bad_paths_file_changes_nothing(content, paths, where, message):
    load(content)
    before = snapshot()
    write(content, "basics.md", TOPIC.replace("Fitting noise.", "Fitting noise, not signal."))
    write(content, "paths.yaml", paths)
    with pytest.raises(CommandError) as error:
        load(content)
    assert where in str(error.value) and message in str(error.value)
    assert snapshot() == before


def test_a_path_missing_from_the_file_is_archived(content):
    load(content)
    write(content, "paths.yaml", PATHS.replace("slug: quick", "slug: quicker"))
    load(content)
    assert StudyPath.objects.get(slug="quick").archived
    assert not StudyPath.objects.get(slug="quicker").archived


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no such file or folder"):
        load("does/not/exist.md")


def test_an_empty_question_ends_up_with_no_answer(content):
    write(content, "basics.md", TOPIC.replace("Fitting noise.\n", ""))
    load(content)
    assert not Question.objects.get(slug="overfitting").answers.exists()


LOOSE_BOLD = """# LLM interview questions

## Fine-tuning

**Q1: How does LoRA work?**

**Answer**: It learns a low-rank update $BA$ to a frozen weight matrix.

**Q2: When would you pick QLoRA over LoRA? (hard)**

When memory is the constraint: the base model is stored in 4 bits.

## Retrieval

**What is a reranker?**

A model that scores (query, document) pairs jointly.

- **Not a question, just bold**
"""

LOOSE_NUMBERED = """## Classical ML

### 1. What is the bias of k-NN with k=1?

Low bias, high variance.

### Q2: Why scale features for k-NN? [easy]

Distances are dominated by large-scale features.

```python
### a comment in code, not a question
```

## Deep learning

### 3) What is dropout?

Answer: random masking of units during training.
"""


def test_a_loose_bank_with_bold_questions(tmp_path, db):
    path = write(tmp_path, "bank.md", LOOSE_BOLD)
    output = load(path, topic="llm-bank", title="LLM bank")
    assert "3 created" in output
    topic = Topic.objects.get(slug="llm-bank")
    assert topic.title == "LLM bank"
    assert [s.title for s in topic.sections.all()] == ["Fine-tuning", "Retrieval"]
    lora, qlora, reranker = Question.objects.in_reading_order()
    assert (lora.title, lora.difficulty, lora.section.title) == ("How does LoRA work?", "medium", "Fine-tuning")
    assert lora.answers.get().body == "It learns a low-rank update $BA$ to a frozen weight matrix."
    assert "<math" in lora.answers.get().html
    assert (qlora.title, qlora.difficulty) == ("When would you pick QLoRA over LoRA?", "hard")
    assert (reranker.title, reranker.section.title) == ("What is a reranker?", "Retrieval")
    assert "Not a question" in reranker.answers.get().body
    assert load(path, topic="llm-bank", title="LLM bank").startswith(f"{path}: 0 created, 0 updated, 3 unchanged")


def test_a_loose_bank_with_numbered_headings(tmp_path, db):
    path = write(tmp_path, "numbered.md", LOOSE_NUMBERED)
    load(path, topic="classic", title="Classic")
    questions = list(Question.objects.in_reading_order())
    assert [q.title for q in questions] == [
        "What is the bias of k-NN with k=1?",
        "Why scale features for k-NN?",
        "What is dropout?",
    ]
    assert [q.difficulty for q in questions] == ["medium", "easy", "medium"]
    assert "a comment in code" in questions[1].answers.get().body
    assert questions[2].answers.get().body == "random masking of units during training."


def test_a_loose_bank_without_headings_gets_one_section(tmp_path, db):
    path = write(tmp_path, "flat.md", "**Q1: What is a tensor?**\n\nAn n-dimensional array.\n")
    load(path, topic="flat", title="Flat")
    assert Section.objects.get().title == "Questions"


def test_a_loose_bank_needs_a_topic(tmp_path, db):
    path = write(tmp_path, "bank.md", LOOSE_BOLD)
    with pytest.raises(CommandError, match="--topic SLUG --title TITLE"):
        load(path)


def test_a_loose_bank_with_no_questions_is_refused(tmp_path, db):
    path = write(tmp_path, "notes.md", "# Notes\n\nJust prose.\n")
    with pytest.raises(CommandError, match="no questions found"):
        load(path, topic="notes", title="Notes")
    assert not Topic.objects.exists()


def test_loose_keys_are_unique_within_a_file():
    spec = parse_loose_bank("**Q1: Why?**\n\nA.\n\n**Q2: Why?**\n\nB.\n", "x.md", "t", "T")
    assert [q.key for q in spec.questions] == ["t-why", "t-why-2"]


def test_a_large_file_shows_a_progress_bar(tmp_path, db):
    questions = "\n".join(f"### Question {n}? {{#q-{n} medium}}\n\nAnswer {n}.\n" for n in range(60))
    path = write(
        tmp_path, "big.md", f"---\nslug: big\ntitle: Big\nsummary: Many.\n---\n\n## All {{#all}}\n\n{questions}"
    )
    output = load(path, progress="always")
    assert "[##############################] 60/60" in output
    assert output.rstrip().endswith("big.md: 60 created, 0 updated, 0 unchanged")
    assert "[" not in load(path, progress="never")


def test_stale_rendered_html_is_rendered_again(content):
    load(content)
    Answer.objects.filter(question__slug="gradient").update(html="<p>rendered by an older renderer</p>")
    output = load(content)
    assert "0 created, 0 updated, 3 unchanged" in output  # the content did not change...
    assert "older renderer" not in Answer.objects.get(question__slug="gradient").html  # ...its HTML did
