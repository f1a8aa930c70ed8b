"""Question lists with filters, and study-path plans: what the list pages show.

Everything is computed from the content snapshot (topics.catalog) and the user's flags, which
one query reads, so every page costs the same few queries however many questions match.
"""

import math
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.http import QueryDict
from django.utils import timezone

from progress import queries as progress
from progress.queries import Tally
from topics.catalog import Catalog, SearchText, Snapshot, with_flags, words
from topics.models import Difficulty, PathStep, Question, StudyPath

STATUS_CHOICES = [("", "All"), ("studied", "Studied"), ("not-studied", "Not studied"), ("starred", "Starred")]
FILTER_FIELDS = ("q", "difficulty", "status", "path")
SEARCH_MAX_LENGTH = 100


class BadFilter(Exception):
    """A filter value in the address is not one we know; the message says which."""


class QuestionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, label="Search")
    difficulty = forms.MultipleChoiceField(
        choices=Difficulty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    path = forms.ChoiceField(required=False)

    def __init__(self, data: QueryDict, paths: list[StudyPath]) -> None:
        super().__init__(data)
        self.paths = {path.slug: path for path in paths}
        self.fields["path"].choices = [("", "Any path")] + [(path.slug, path.title) for path in paths]

    def clean_path(self) -> StudyPath | None:
        return self.paths.get(self.cleaned_data["path"])

    def search_terms(self) -> list[str]:
        """The words searched for, each to be found (in any case) at the start of a word in the
        question's title, its section's or topic's title, or its answer: "rag" finds RAG, not
        "average"; "norm" finds normalization. In the form that topics.catalog.words writes."""
        return [f" {word}" for word in words(self.cleaned_data["q"]).split()]


@dataclass
class FilterChoices:
    difficulty: list
    status: list
    paths: list


@dataclass
class Listing:
    """A scope of questions (a topic, or the whole site) and the filtered view of it.

    `scope` and `matched` hold the catalog's own questions; `shown` gives copies of the
    matched ones with the user's flags set, made only when a page lists them."""

    form: QuestionFilterForm
    scope: list[Question]
    matched: list[Question]
    flags: object  # progress.queries.Flags
    paths: list[StudyPath]

    @property
    def total(self) -> int:
        return len(self.scope)

    @cached_property
    def shown(self) -> list[Question]:
        return with_flags(self.matched, self.flags)

    @property
    def filter_choices(self) -> FilterChoices:
        return FilterChoices(Difficulty.choices, STATUS_CHOICES, self.paths)

    @property
    def active(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in FILTER_FIELDS)

    @cached_property
    def shown_tally(self) -> Tally:
        studied = self.flags.studied
        return Tally(sum(q.id in studied for q in self.matched), len(self.matched))


_VALIDATED: dict[tuple, QuestionFilterForm | str] = {}


def validated_filters(catalog: Catalog, data: QueryDict) -> QuestionFilterForm:
    """The filter form for `data`, validated; raises BadFilter with a message for the user.

    Validating a form costs more than filtering a list page, and the answer depends only on
    the three parameters and the study paths, so it is remembered per content version and
    selection. A validated form is only read afterwards."""
    key = (catalog.token, *(tuple(data.getlist(name)) for name in FILTER_FIELDS))
    found = _VALIDATED.get(key)
    if found is None:
        form = QuestionFilterForm(data, catalog.paths)
        if form.is_valid():
            found = form
        else:
            problems = []
            for name, errors in form.errors.items():
                value = ", ".join(data.getlist(name))
                problems.append(f"{name}={value}: {' '.join(errors)}")
            found = "A filter in this address cannot be used. " + " ".join(problems)
        if len(_VALIDATED) >= 2048:  # bounded: odd addresses are unlimited
            _VALIDATED.clear()
        _VALIDATED[key] = found
    if isinstance(found, str):
        raise BadFilter(found)
    return found


def build_listing(snap: Snapshot, data: QueryDict, scope: list[Question]) -> Listing:
    """Filter `scope` (live questions of the snapshot, in reading order) by the GET parameters
    in `data`.

    Unknown parameters are ignored; a known parameter with a value we do not know raises
    BadFilter with a message for the user.
    """
    catalog, flags = snap.catalog, snap.flags
    form = validated_filters(catalog, data)
    difficulties = set(form.cleaned_data["difficulty"])
    status = form.cleaned_data["status"]
    path = form.cleaned_data["path"]
    in_path = catalog.path_question_ids(path) if path else None
    studied, starred = flags.studied, flags.starred
    terms = form.search_terms()
    index = catalog.search_index() if terms else {}
    matched = [
        q
        for q in scope
        if (not terms or all(term in index[q.id].everything for term in terms))
        and (not difficulties or q.difficulty in difficulties)
        and (in_path is None or q.id in in_path)
        and (status != "studied" or q.id in studied)
        and (status != "not-studied" or q.id not in studied)
        and (status != "starred" or q.id in starred)
    ]
    if terms:
        matched = best_matches_first(matched, terms, index)
    return Listing(form=form, scope=scope, matched=matched, flags=flags, paths=catalog.paths)


def best_matches_first(questions: list[Question], terms: list[str], index: dict[int, SearchText]) -> list[Question]:
    """Search results with the questions whose title holds every word first, then those whose
    title, section and topic together hold them, then the rest (found in an answer). Topics and
    sections stay whole: each goes where its best question goes, and reading order breaks ties."""

    def score(question: Question) -> int:
        text = index[question.id]
        if all(term in text.title for term in terms):
            return 2
        return 1 if all(term in text.names for term in terms) else 0

    scores: dict[int, int] = {}
    best_topic: dict[int, int] = {}
    best_section: dict[int, int] = {}
    topic_seen: dict[int, int] = {}
    section_seen: dict[int, int] = {}
    for position, q in enumerate(questions):
        topic_id, section_id = q.section.topic_id, q.section_id
        scores[q.id] = found = score(q)
        best_topic[topic_id] = max(best_topic.get(topic_id, 0), found)
        best_section[section_id] = max(best_section.get(section_id, 0), found)
        topic_seen.setdefault(topic_id, position)
        section_seen.setdefault(section_id, position)
    return sorted(
        questions,
        key=lambda q: (
            -best_topic[q.section.topic_id],
            topic_seen[q.section.topic_id],
            -best_section[q.section_id],
            section_seen[q.section_id],
            -scores[q.id],
        ),
    )


@dataclass
class StepView:
    step: PathStep
    questions: list[Question] = field(default_factory=list)

    @property
    def tally(self) -> Tally:
        return Tally(sum(q.is_studied for q in self.questions), len(self.questions))

    @property
    def progress_dom_id(self) -> str:
        return f"step-progress-{self.step.id}"


@dataclass
class PathView:
    path: StudyPath
    steps: list[StepView]
    follow: object = None  # progress.models.FollowedPath or None

    @property
    def questions(self) -> list[Question]:
        return [q for step in self.steps for q in step.questions]

    @property
    def tally(self) -> Tally:
        questions = self.questions
        return Tally(sum(q.is_studied for q in questions), len(questions))

    @property
    def next_up(self) -> Question | None:
        """The first unstudied question in path order."""
        return next((q for q in self.questions if not q.is_studied), None)

    @property
    def progress_dom_id(self) -> str:
        return f"path-progress-{self.path.id}"

    @property
    def per_day(self) -> int | None:
        """Questions a day, today included, that finish the path by the follower's target date."""
        if not self.follow or not self.follow.target_date:
            return None
        remaining = self.tally.total - self.tally.studied
        days = (self.follow.target_date - timezone.localdate()).days + 1
        if days <= 0:
            return None
        return math.ceil(remaining / days)


def build_path_views(snap: Snapshot, user, paths: list[StudyPath]) -> list[PathView]:
    """Plans for `paths` (from the snapshot), with each step's questions in reading order and
    the user's flags. A question that two steps of a path would both hold is listed under the
    first, so the path's counters count every question once."""
    if not paths:
        return []
    catalog: Catalog = snap.catalog
    follows = progress.followed_paths(user)
    views = []
    for path in paths:
        steps = [
            StepView(
                step=planned.step, questions=with_flags(map(catalog.question_by_id, planned.question_ids), snap.flags)
            )
            for planned in catalog.plan(path)
        ]
        views.append(PathView(path=path, steps=steps, follow=follows.get(path.id)))
    return views
