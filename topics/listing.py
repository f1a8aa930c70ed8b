"""Question lists with filters, and study-path plans: what the list pages show.

Everything is computed from the content snapshot (topics.catalog) and the user's flags, which
one query reads, so every page costs the same few queries however many questions match.
"""

import math
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils import timezone

from progress import queries as progress
from progress.queries import Tally
from topics.catalog import Catalog, Snapshot, with_flags
from topics.models import Difficulty, PathStep, Question, StudyPath

STATUS_CHOICES = [("", "All"), ("studied", "Studied"), ("not-studied", "Not studied"), ("starred", "Starred")]


class BadFilter(Exception):
    """A filter value in the address is not one we know; the message says which."""


class QuestionFilterForm(forms.Form):
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


@dataclass
class FilterChoices:
    difficulty: list
    status: list
    paths: list


@dataclass
class Listing:
    """A scope of questions (a topic, or the whole site) and the filtered view of it.

    `scope` holds the catalog's questions; `shown` holds copies with the user's flags set."""

    form: QuestionFilterForm
    scope: list[Question]
    shown: list[Question]
    paths: list[StudyPath]

    @property
    def total(self) -> int:
        return len(self.scope)

    @property
    def filter_choices(self) -> FilterChoices:
        return FilterChoices(Difficulty.choices, STATUS_CHOICES, self.paths)

    @property
    def active(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in ("difficulty", "status", "path"))

    @property
    def shown_tally(self) -> Tally:
        return Tally(sum(q.is_studied for q in self.shown), len(self.shown))


def build_listing(snap: Snapshot, data: QueryDict, scope: list[Question]) -> Listing:
    """Filter `scope` (live questions of the snapshot, in reading order) by the GET parameters
    in `data`.

    Unknown parameters are ignored; a known parameter with a value we do not know raises
    BadFilter with a message for the user.
    """
    catalog, flags = snap.catalog, snap.flags
    form = QuestionFilterForm(data, catalog.paths)
    if not form.is_valid():
        problems = []
        for name, errors in form.errors.items():
            value = ", ".join(data.getlist(name))
            problems.append(f"{name}={value}: {' '.join(errors)}")
        raise BadFilter("Unknown filter value. " + " ".join(problems))
    difficulties = set(form.cleaned_data["difficulty"])
    status = form.cleaned_data["status"]
    path = form.cleaned_data["path"]
    in_path = catalog.path_question_ids(path) if path else None
    studied, starred = flags.studied, flags.starred
    shown = [
        q
        for q in scope
        if (not difficulties or q.difficulty in difficulties)
        and (in_path is None or q.id in in_path)
        and (status != "studied" or q.id in studied)
        and (status != "not-studied" or q.id not in studied)
        and (status != "starred" or q.id in starred)
    ]
    return Listing(form=form, scope=scope, shown=with_flags(shown, flags), paths=catalog.paths)


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
