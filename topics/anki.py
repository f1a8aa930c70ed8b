"""Topics and study paths as Anki decks (.apkg files), built from the content snapshot.

Each live question becomes one note: its title and where it sits (topic › section) on the front,
its model answer on the back. Formulas stay TeX in \\( \\) and \\[ \\] for Anki's own MathJax,
code keeps Pygments' classes (the note type's CSS colours them, in light and night mode), and
diagrams stay inline SVG. The answer HTML comes from `render_markdown`, so it has been through
the one sanitizer like every other page.

Every id is derived from a stable key, never drawn at random: the note's GUID from the
question's key, the deck's id from the topic's or path's key, and one fixed note-type id. Anki
matches on them, so importing a fresh download updates the notes already there (and keeps their
review history) instead of adding copies.
"""

import functools
import hashlib
import html
import io
import itertools
import sqlite3
import threading
import time
import weakref
import zipfile
from collections.abc import Callable, Iterable

import genanki
from pygments.formatters import HtmlFormatter

from topics.catalog import Catalog
from topics.models import Answer, Question, StudyPath, Topic
from topics.rendering import render_markdown

# Chosen once, at random, and never to change: Anki knows our note type by it.
NOTE_TYPE_ID = 1_493_028_611
GUID_NAMESPACE = "prepsite"

FRONT = '<div class="where">{{Where}}</div>\n<div class="question">{{Question}}</div>'
BACK = '{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Answer}}</div>'

CARD_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5; text-align: left;
  max-width: 46rem; margin: 0 auto; padding: 0 1rem; color: #1d2127; background: #fff; }
.card.nightMode { color: #e6e8eb; background: #1e1f22; }
.where { font-size: 0.8em; color: #6b7280; }
.question { font-size: 1.15em; font-weight: 600; margin-top: 0.25rem; }
.math-display { margin: 0.75rem 0; overflow-x: auto; }
.answer table { border-collapse: collapse; margin: 0.75rem 0; }
.answer th, .answer td { border: 1px solid #d0d4da; padding: 0.25rem 0.5rem; }
.nightMode .answer th, .nightMode .answer td { border-color: #4a4f57; }
.align-center { text-align: center; } .align-right { text-align: right; } .align-left { text-align: left; }
.highlight pre { padding: 0.75rem; overflow-x: auto; font-size: 0.85em; border-radius: 6px; }
.diagram svg { max-width: 100%; height: auto; }
.diagram svg text { fill: currentColor; }
.diagram svg [stroke="black"] { stroke: currentColor; }
.diagram svg [fill="black"] { fill: currentColor; }
.diagram svg [fill="white"] { fill: transparent; }
"""


# Decks already built, per content snapshot. Building one renders every answer again (0.3 s for
# a topic of 67 questions, nearly 3 s for the longest path), and a snapshot's decks never change;
# they go when a newer content version replaces their snapshot. All of them take about 3 MB.
_built: "weakref.WeakKeyDictionary[Catalog, dict[str, bytes]]" = weakref.WeakKeyDictionary()
_built_lock = threading.Lock()


def deck_for_topic(catalog: Catalog, topic: Topic) -> bytes:
    """The topic's live questions, in reading order, as an .apkg file."""
    key = f"topic:{topic.slug}"
    return _once_per_snapshot(
        catalog, key, lambda: build_deck(key, topic.title, topic.summary, catalog.topic_questions(topic.id))
    )


def deck_for_path(catalog: Catalog, path: StudyPath) -> bytes:
    """The path's live questions, in the order of its steps, as an .apkg file."""
    key = f"path:{path.slug}"
    ids = [question_id for step in catalog.plan(path) for question_id in step.question_ids]
    return _once_per_snapshot(
        catalog, key, lambda: build_deck(key, path.title, path.description, map(catalog.question_by_id, ids))
    )


def _once_per_snapshot(catalog: Catalog, key: str, build: Callable[[], bytes]) -> bytes:
    with _built_lock:
        decks = _built.setdefault(catalog, {})
    found = decks.get(key)
    if found is None:  # two first requests at once may both build it: harmless
        found = decks[key] = build()
    return found


def build_deck(key: str, title: str, description: str, questions: Iterable[Question]) -> bytes:
    """An .apkg file holding one deck named `title`, whose id is derived from `key`, with one
    note per question (questions from the snapshot: their section and topic are loaded)."""
    questions = list(questions)
    answers = _answer_bodies([question.id for question in questions])
    note_type = _note_type()
    deck = genanki.Deck(deck_id(key), title, description=html.escape(description))
    for position, question in enumerate(questions):
        section = question.section
        back = "\n".join(render_markdown(body, trusted=True, tex_math=True) for body in answers.get(question.id, ()))
        deck.add_note(
            genanki.Note(
                model=note_type,
                fields=[html.escape(question.title), html.escape(f"{section.topic.title} › {section.title}"), back],
                tags=[section.topic.slug, section.slug, question.difficulty],
                guid=note_guid(question.slug),
                due=position,  # new cards come up in reading order
            )
        )
    return _apkg_bytes(genanki.Package(deck))


def note_guid(question_slug: str) -> str:
    """The Anki GUID of a question's note: the same for every download."""
    return genanki.guid_for(GUID_NAMESPACE, question_slug)


def deck_id(key: str) -> int:
    """A deck id from a stable key: the same in every process and release (Python's own hash()
    is salted per process), and in [2**30, 2**31), clear of Anki's default deck (1)."""
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:{key}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _answer_bodies(question_ids: list[int]) -> dict[int, list[str]]:
    """{question id: the Markdown of its answers, in order}, in one query."""
    bodies: dict[int, list[str]] = {}
    rows = Answer.objects.filter(question_id__in=question_ids).order_by("order", "id")
    for question_id, body in rows.values_list("question_id", "body"):
        bodies.setdefault(question_id, []).append(body)
    return bodies


def _note_type() -> genanki.Model:
    return genanki.Model(
        NOTE_TYPE_ID,
        "Prepsite question",
        fields=[{"name": "Question"}, {"name": "Where"}, {"name": "Answer"}],
        templates=[{"name": "Question and answer", "qfmt": FRONT, "afmt": BACK}],
        css=_css(),
    )


@functools.cache
def _css() -> str:
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="github-dark").get_style_defs(".nightMode .highlight")
    return f"{CARD_CSS}\n{light}\n{dark}\n"


def _apkg_bytes(package: genanki.Package) -> bytes:
    """The package as the bytes of an .apkg file (a zip of the collection's SQLite database and
    an empty media list). Built in memory: genanki's own write_to_file leaves its temporary
    database file behind on every call."""
    database = sqlite3.connect(":memory:")
    try:
        timestamp = time.time()  # Anki takes a note's newer modification time as an update
        package.write_to_db(database.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        database.commit()
        collection = database.serialize()
    finally:
        database.close()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as apkg:
        apkg.writestr("collection.anki2", collection)
        apkg.writestr("media", "{}")
    return archive.getvalue()
