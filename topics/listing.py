"""Question lists with filters: which questions of a scope a list page shows.

Everything is computed from the content snapshot (topics.catalog) and the ids of the questions
the user studied and starred (for the status filter), so a list costs no query of its own.
"""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from topics.catalog import Catalog, SearchText, words
from topics.models import Difficulty, Question, StudyPath

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
    """A scope of questions (a topic, or the whole site) and the filtered view of it; both hold
    the catalog's own questions."""

    form: QuestionFilterForm
    scope: list[Question]
    matched: list[Question]
    paths: list[StudyPath]

    @property
    def total(self) -> int:
        return len(self.scope)

    @property
    def filter_choices(self) -> FilterChoices:
        return FilterChoices(Difficulty.choices, STATUS_CHOICES, self.paths)

    @property
    def active(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in FILTER_FIELDS)

    @property
    def labels(self) -> list[str]:
        """The filters in use, in words ("“kv cache”", "Easy, Hard", "Not studied", a path's
        title): the line that stands for the filter form while it is folded."""
        data = self.form.cleaned_data
        labels = []
        if data.get("q"):
            labels.append(f"“{data['q']}”")
        if data.get("difficulty"):
            labels.append(", ".join(label for value, label in Difficulty.choices if value in data["difficulty"]))
        if data.get("status"):
            labels.append(dict(STATUS_CHOICES)[data["status"]])
        if data.get("path"):
            labels.append(data["path"].title)
        return labels


def validated_filters(catalog: Catalog, data: QueryDict) -> QuestionFilterForm:
    """The filter form for `data`, validated; raises BadFilter with a message for the user."""
    form = QuestionFilterForm(data, catalog.paths)
    if not form.is_valid():
        problems = []
        for name, errors in form.errors.items():
            value = ", ".join(data.getlist(name))
            problems.append(f"{name}={value}: {' '.join(errors)}")
        raise BadFilter("A filter in this address cannot be used. " + " ".join(problems))
    return form


def build_listing(
    catalog: Catalog, data: QueryDict, scope: list[Question], studied=frozenset(), starred=frozenset()
) -> Listing:
    """Filter `scope` (live questions of `catalog`, in reading order) by the GET parameters in
    `data`; `studied` and `starred` are the ids the status filter reads.

    Unknown parameters are ignored; a known parameter with a value we do not know raises
    BadFilter with a message for the user.
    """
    form = validated_filters(catalog, data)
    difficulties = set(form.cleaned_data["difficulty"])
    status = form.cleaned_data["status"]
    path = form.cleaned_data["path"]
    in_path = catalog.path_question_ids(path) if path else None
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
    return Listing(form=form, scope=scope, matched=matched, paths=catalog.paths)


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
