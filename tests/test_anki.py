"""Topics and study paths as Anki decks: the .apkg file is opened as Anki would open it (a zip
holding an SQLite collection) and its notes, deck and note type are read back."""

import io
import json
import sqlite3
import zipfile
from dataclasses import dataclass

import genanki
import pytest

from tests.conftest import make_topic
from tests.xss_payloads import FORBIDDEN, XSS_PAYLOADS, markup_of
from topics import anki
from topics.models import Answer, PathStep, Question, StudyPath
from topics.rendering import render_markdown

FORMULAS_AND_CODE = """\
Softmax turns scores into probabilities: $\\sigma(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$, and $a < b$.

$$
L = -\\sum_i y_i \\log p_i
$$

```python
def loss(x):
    return "<b>" if x else 0
```

<img src=x onerror=alert(1)> <script>alert(1)</script>
"""


@dataclass
class Note:
    guid: str
    fields: list[str]
    tags: list[str]
    due: int  # a new card's place in the queue


@dataclass
class Deck:
    names: list[str]
    deck_ids: list[int]
    notes: list[Note]  # in the order they were written
    css: str


def read_apkg(content: bytes) -> Deck:
    with zipfile.ZipFile(io.BytesIO(content)) as apkg:
        assert "collection.anki2" in apkg.namelist()
        assert json.loads(apkg.read("media")) == {}
        collection = apkg.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(collection)
        decks_json, models_json = database.execute("SELECT decks, models FROM col").fetchone()
        rows = database.execute(
            "SELECT n.guid, n.flds, n.tags, c.due FROM notes n JOIN cards c ON c.nid = n.id ORDER BY n.id"
        ).fetchall()
        (note_count,) = database.execute("SELECT count(*) FROM notes").fetchone()
    finally:
        database.close()
    assert note_count == len(rows)  # one card per note
    decks = [deck for deck in json.loads(decks_json).values() if deck["id"] != 1]  # 1: Anki's default deck
    (model,) = json.loads(models_json).values()
    return Deck(
        names=[deck["name"] for deck in decks],
        deck_ids=[deck["id"] for deck in decks],
        notes=[Note(guid, fields.split("\x1f"), tags.split(), due) for guid, fields, tags, due in rows],
        css=model["css"],
    )


def download(client, url: str) -> Deck:
    response = client.get(url)
    assert response.status_code == 200
    return read_apkg(response.content)


@pytest.fixture
def topic(db):
    topic = make_topic()
    question = Question.objects.get(slug="ml-breadth-q1-2")
    question.title = "Why is <softmax> & not max used?"
    question.save()
    answer = question.answers.get()
    answer.body = FORMULAS_AND_CODE
    answer.save()
    return topic


@pytest.fixture
def path(topic):
    """The second section of ml-breadth, then all of another topic, then all of ml-breadth again
    (its second section is not repeated)."""
    other = make_topic("other", sections=1, per_section=2, order=2)
    path = StudyPath.objects.create(slug="plan", title="The plan", description="Two weeks & a bit")
    PathStep.objects.create(path=path, topic=topic, section=topic.sections.get(slug="section-2"), order=0)
    PathStep.objects.create(path=path, topic=other, order=1)
    PathStep.objects.create(path=path, topic=topic, order=2)
    return path


def test_it_downloads_a_topic_as_an_apkg_attachment(anon_client, topic):
    response = anon_client.get("/topics/ml-breadth/anki.apkg")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="prepsite-ml-breadth.apkg"'
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_a_topic_deck_holds_one_note_per_live_question_in_reading_order(anon_client, topic):
    deck = download(anon_client, "/topics/ml-breadth/anki.apkg")
    assert deck.names == ["Ml Breadth"]
    expected = [
        "Question 1.1 of ml-breadth?",
        "Why is &lt;softmax&gt; &amp; not max used?",
        "Question 1.3 of ml-breadth?",
        "Question 2.1 of ml-breadth?",
        "Question 2.2 of ml-breadth?",
        "Question 2.3 of ml-breadth?",
    ]
    assert [note.fields[0] for note in deck.notes] == expected
    assert [note.fields[1] for note in deck.notes] == ["Ml Breadth › Section 1"] * 3 + ["Ml Breadth › Section 2"] * 3
    assert deck.notes[0].fields[2] == "<p>The answer to <strong>Question 1.1 of ml-breadth?</strong></p>"
    assert [note.due for note in deck.notes] == list(range(6))  # new cards come up in this order


def test_notes_are_tagged_with_topic_section_and_difficulty(anon_client, topic):
    deck = download(anon_client, "/topics/ml-breadth/anki.apkg")
    assert deck.notes[0].tags == ["ml-breadth", "section-1", "easy"]
    assert deck.notes[4].tags == ["ml-breadth", "section-2", "hard"]


def test_the_answer_keeps_formulas_as_tex_and_code_as_highlighted_code(anon_client, topic):
    back = download(anon_client, "/topics/ml-breadth/anki.apkg").notes[1].fields[2]
    assert "\\(\\sigma(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}\\)" in back
    assert "\\(a &lt; b\\)" in back
    assert '<div class="math-display"><span class="math-tex">\\[L = -\\sum_i y_i \\log p_i\\]</span></div>' in back
    assert "<math" not in back and "$" not in back
    assert '<div class="highlight"><pre>' in back and "<code>" in back
    assert '<span class="k">def</span>' in back
    assert "&lt;b&gt;" in back and "<b>" not in back


def test_the_answer_has_been_through_the_sanitizer(anon_client, topic):
    back = download(anon_client, "/topics/ml-breadth/anki.apkg").notes[1].fields[2]
    markup = markup_of(back).lower()
    assert "<img" in markup  # kept, without its handler
    for forbidden in ("<script", " on", "javascript:"):
        assert forbidden not in markup


def test_the_note_type_colours_code_in_light_and_night_mode(anon_client, topic):
    css = download(anon_client, "/topics/ml-breadth/anki.apkg").css
    assert ".highlight .k {" in css
    assert ".nightMode .highlight .k {" in css
    assert ".card.nightMode {" in css


def test_ids_are_derived_from_keys_and_survive_a_content_change(anon_client, topic):
    first = download(anon_client, "/topics/ml-breadth/anki.apkg")
    question = Question.objects.get(slug="ml-breadth-q2-1")
    question.title = "Reworded"
    question.save()  # a new content version: the deck is built again
    second = download(anon_client, "/topics/ml-breadth/anki.apkg")
    assert second.notes[3].fields[0] == "Reworded"
    slugs = list(Question.objects.live().in_topic(topic).in_reading_order().values_list("slug", flat=True))
    guids = [genanki.guid_for("prepsite", slug) for slug in slugs]
    assert [note.guid for note in first.notes] == guids
    assert [note.guid for note in second.notes] == guids
    assert len(set(guids)) == len(guids)
    # Literal values: a change to either derivation would make every user's next import a copy.
    assert first.notes[0].guid == "b,D3b>k[My"
    assert first.deck_ids == second.deck_ids == [anki.deck_id("topic:ml-breadth")] == [2_030_215_504]


def test_an_archived_question_is_not_in_the_deck(anon_client, topic):
    before = download(anon_client, "/topics/ml-breadth/anki.apkg")
    Question.objects.filter(slug="ml-breadth-q1-3").update(archived=True)
    after = download(anon_client, "/topics/ml-breadth/anki.apkg")
    archived = genanki.guid_for("prepsite", "ml-breadth-q1-3")
    assert archived in [note.guid for note in before.notes]
    assert archived not in [note.guid for note in after.notes]
    assert len(after.notes) == len(before.notes) - 1 == 5


def test_a_deck_is_built_once_per_content_version(anon_client, topic, monkeypatch):
    rendered = []

    def counting_render(text, **kwargs):
        rendered.append(text)
        return render_markdown(text, **kwargs)

    monkeypatch.setattr(anki, "render_markdown", counting_render)
    anon_client.get("/topics/ml-breadth/anki.apkg")
    assert len(rendered) == 6
    anon_client.get("/topics/ml-breadth/anki.apkg")
    assert len(rendered) == 6
    answer = Answer.objects.get(question__slug="ml-breadth-q1-1")
    answer.body = "A new answer."
    answer.save()
    deck = download(anon_client, "/topics/ml-breadth/anki.apkg")
    assert len(rendered) == 12
    assert deck.notes[0].fields[2] == "<p>A new answer.</p>"


def test_a_path_deck_follows_the_paths_steps(anon_client, path):
    response = anon_client.get("/paths/plan/anki.apkg")
    assert response["Content-Disposition"] == 'attachment; filename="prepsite-plan.apkg"'
    deck = read_apkg(response.content)
    assert deck.names == ["The plan"]
    assert deck.deck_ids == [anki.deck_id("path:plan")] != [anki.deck_id("topic:plan")]
    slugs = [
        "ml-breadth-q2-1",
        "ml-breadth-q2-2",
        "ml-breadth-q2-3",
        "other-q1-1",
        "other-q1-2",
        "ml-breadth-q1-1",
        "ml-breadth-q1-2",
        "ml-breadth-q1-3",
    ]
    assert [note.guid for note in deck.notes] == [genanki.guid_for("prepsite", slug) for slug in slugs]
    assert deck.notes[3].fields[:2] == ["Question 1.1 of other?", "Other › Section 1"]
    assert "\\(a &lt; b\\)" in deck.notes[6].fields[2]


def test_a_path_deck_leaves_out_archived_questions(anon_client, path):
    Question.objects.filter(slug="other-q1-1").update(archived=True)
    deck = download(anon_client, "/paths/plan/anki.apkg")
    assert len(deck.notes) == 7
    assert genanki.guid_for("prepsite", "other-q1-1") not in [note.guid for note in deck.notes]


@pytest.mark.parametrize("url", ["/topics/nope/anki.apkg", "/paths/nope/anki.apkg", "/paths/plan/anki.apkg"])
def test_unknown_or_archived_slugs_are_not_found(anon_client, path, url):
    StudyPath.objects.filter(slug="plan").update(archived=True)
    assert anon_client.get(url).status_code == 404


def test_it_rejects_post(anon_client, topic):
    assert anon_client.post("/topics/ml-breadth/anki.apkg").status_code in (403, 405)


def test_a_download_costs_a_constant_number_of_queries(anon_client, path, django_assert_max_num_queries):
    anon_client.get("/topics/other/anki.apkg")  # builds this content version's snapshot
    with django_assert_max_num_queries(3):
        anon_client.get("/topics/ml-breadth/anki.apkg")
    with django_assert_max_num_queries(3):
        anon_client.get("/paths/plan/anki.apkg")


def test_topic_and_path_pages_link_to_their_decks(anon_client, path):
    assert 'href="/topics/ml-breadth/anki.apkg"' in anon_client.get("/topics/ml-breadth/").content.decode()
    assert 'href="/paths/plan/anki.apkg"' in anon_client.get("/paths/plan/").content.decode()


# The rendering mode the decks use (topics.rendering, tex_math=True).


def test_tex_mode_writes_formulas_in_mathjax_delimiters():
    html = render_markdown("Inline $x^2 < y$ here.\n\n$$\n\\frac{a}{b}\n$$", tex_math=True)
    assert '<p>Inline <span class="math-tex">\\(x^2 &lt; y\\)</span> here.</p>' in html
    assert '<div class="math-display"><span class="math-tex">\\[\\frac{a}{b}\\]</span></div>' in html
    assert "<math" not in html


def test_tex_mode_leaves_code_and_the_default_mode_alone():
    text = "`$x$` and $y$\n\n```python\nx = 1\n```"
    tex = render_markdown(text, tex_math=True)
    assert "<code>$x$</code>" in tex and "\\(y\\)" in tex
    assert '<span class="n">x</span>' in tex
    mathml = render_markdown(text)
    assert '<math display="inline">' in mathml and "\\(" not in mathml


def test_tex_mode_keeps_markup_out_of_a_formula():
    html = render_markdown("$$\n\\text{</math><script>alert(1)</script>}\n$$", tex_math=True)
    assert "&lt;/math&gt;&lt;script&gt;" in html
    assert "<script" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_tex_mode_output_is_sanitized(payload):
    markup = markup_of(render_markdown(payload, tex_math=True)).lower()
    for forbidden in FORBIDDEN:
        assert forbidden not in markup, f"{forbidden!r} survived {payload!r}: {markup}"
