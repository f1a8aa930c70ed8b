"""The content as pages read it: one in-memory snapshot per content version, in each process.

Every write to the content (topics, sections, questions, answers, study paths), whether a save, a
delete or a bulk update, gives the one `ContentVersion` row a new token in the same
transaction (topics.models). `current()` reads that token (one query) and rebuilds the snapshot
only when it moved, so every process serves exactly the content the database holds without
reading it per request.

Snapshot objects are shared by every request a process serves and are never changed; a page
that sets per-user values on questions works on copies.
"""

import re
import threading
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.signals import post_delete, post_save

from topics.models import Answer, ContentVersion, PathStep, Question, Section, StudyPath, Topic


@dataclass(frozen=True)
class PlannedStep:
    """One step of a path and the live questions it holds, in reading order. A question that an
    earlier step of the same path already holds is not repeated."""

    step: PathStep
    question_ids: tuple[int, ...]


class Catalog:
    """Every live topic, section, question and study path, ordered as the pages show them."""

    def __init__(self, token: int) -> None:
        self.token = token
        self.topics: list[Topic] = list(Topic.objects.order_by("order", "title", "id"))
        topic_by_id = {topic.id: topic for topic in self.topics}
        sections = list(Section.objects.order_by("order", "id"))
        section_by_id = {}
        self._sections: dict[int, list[Section]] = {topic.id: [] for topic in self.topics}
        for section in sections:
            section.topic = topic_by_id[section.topic_id]
            section_by_id[section.id] = section
            self._sections[section.topic_id].append(section)
        topic_rank = {topic.id: rank for rank, topic in enumerate(self.topics)}
        section_rank = {section.id: rank for rank, section in enumerate(sections)}
        questions = list(Question.objects.live().order_by("order", "id"))
        for question in questions:
            question.section = section_by_id[question.section_id]
        questions.sort(key=lambda q: (topic_rank[q.section.topic_id], section_rank[q.section_id]))  # stable
        self.questions: list[Question] = questions
        self._by_slug = {question.slug: question for question in questions}
        self._by_id = {question.id: question for question in questions}
        self._topic_questions: dict[int, list[Question]] = {topic.id: [] for topic in self.topics}
        for question in questions:
            self._topic_questions[question.section.topic_id].append(question)
        self._topic_by_slug = {topic.slug: topic for topic in self.topics}

        self.paths: list[StudyPath] = list(StudyPath.objects.filter(archived=False).order_by("order", "title", "id"))
        self._path_by_slug = {path.slug: path for path in self.paths}
        self._path_by_id = {path.id: path for path in self.paths}
        self._plans: dict[int, list[PlannedStep]] = {path.id: [] for path in self.paths}
        placed: dict[int, set[int]] = {path.id: set() for path in self.paths}
        steps = PathStep.objects.filter(path__archived=False).order_by("path_id", "order", "id")
        for step in steps:
            step.topic = topic_by_id[step.topic_id]
            step.section = section_by_id.get(step.section_id) if step.section_id else None
            ids = tuple(
                q.id
                for q in self._topic_questions[step.topic_id]
                if (not step.section_id or q.section_id == step.section_id) and q.id not in placed[step.path_id]
            )
            placed[step.path_id].update(ids)
            self._plans[step.path_id].append(PlannedStep(step, ids))
        self._path_ids = {path_id: frozenset(ids) for path_id, ids in placed.items()}
        self._search_index: dict[int, SearchText] | None = None
        self._answers: dict[int, tuple[str, ...]] = {}

    def topic(self, slug: str) -> Topic | None:
        return self._topic_by_slug.get(slug)

    def sections(self, topic: Topic) -> list[Section]:
        return self._sections.get(topic.id, [])

    def topic_questions(self, topic_id: int) -> list[Question]:
        """The topic's live questions in reading order (section by section)."""
        return self._topic_questions.get(topic_id, [])

    def question(self, slug: str) -> Question | None:
        """A live question, with its section and topic; None for unknown or archived ones."""
        return self._by_slug.get(slug)

    def question_by_id(self, question_id: int) -> Question | None:
        return self._by_id.get(question_id)

    def path(self, slug: str) -> StudyPath | None:
        """A study path that is not archived."""
        return self._path_by_slug.get(slug)

    def path_by_id(self, path_id: int) -> StudyPath | None:
        return self._path_by_id.get(path_id)

    def plan(self, path: StudyPath) -> list[PlannedStep]:
        """The path's steps, each with the live questions it holds: which questions belong to a
        path is decided here, for every page, the review queue and the reset."""
        return self._plans.get(path.id, [])

    def path_question_ids(self, path: StudyPath) -> frozenset[int]:
        return self._path_ids.get(path.id, frozenset())

    def answers_html(self, question_id: int) -> tuple[str, ...]:
        """A question's answers as sanitized HTML, in order. Read once per content version and
        question (one query), then kept with the snapshot: the question page is the one most
        often seen, and its answers only change with the content."""
        found = self._answers.get(question_id)
        if found is None:
            rows = Answer.objects.filter(question_id=question_id).order_by("order", "id").values_list("html", flat=True)
            found = self._answers[question_id] = tuple(rows)
        return found

    def search_index(self) -> dict[int, "SearchText"]:
        """{question id: its words, for search}. Read on the first search of this content
        version (one query for the answers), then kept with the snapshot."""
        index = self._search_index
        if index is None:
            answers: dict[int, list[str]] = {}
            rows = Answer.objects.filter(question_id__in=self._by_id).values_list("question_id", "body")
            for question_id, body in rows:
                answers.setdefault(question_id, []).append(body)
            index = {}
            for q in self.questions:
                names = words(f"{q.section.title} {q.section.topic.title}")
                title = words(q.title)
                index[q.id] = SearchText(
                    title, f"{title}{names}", f"{title}{names}{words(' '.join(answers.get(q.id, ())))}"
                )
            self._search_index = index  # whole, for the threads that share this snapshot
        return index


_WORD = re.compile(r"\w+")


def words(text: str) -> str:
    """`text` as its words, case-folded, each after a space: " what is kl divergence". A word
    that starts with `w` is then found by searching for " w"."""
    return "".join(f" {word}" for word in _WORD.findall(text.casefold()))


@dataclass(frozen=True)
class SearchText:
    """A question's words for search: its title; with its section's and topic's titles; and with
    its answers too (their Markdown source)."""

    title: str
    names: str
    everything: str


_lock = threading.Lock()
_current: Catalog | None = None


def _catalog_for_version(token: int) -> Catalog:
    """The snapshot for content version `token`, built if this process does not hold it yet.

    The caller read `token` before this reads the content, so a snapshot is never older than
    its token says; if the content moved again meanwhile, the next request sees a newer token
    and rebuilds.
    """
    global _current
    catalog = _current
    if catalog is not None and catalog.token == token:
        return catalog
    with _lock:
        if _current is None or _current.token != token:
            _current = Catalog(token)
        return _current


def _current_token() -> int:
    # Written out rather than as a queryset: this runs on every page, and the ORM took longer to
    # build the query (0.6 ms of CPU) than the database takes to answer it.
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def current() -> Catalog:
    """The snapshot of the content as the database holds it now (one query when unchanged)."""
    return _catalog_for_version(_current_token())


def _content_changed(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    ContentVersion.changed(using)


def connect_signals() -> None:
    for model in (Topic, Section, Question, Answer, StudyPath, PathStep):
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(_content_changed, sender=model, dispatch_uid=f"catalog-{model.__name__}-{name}")
