"""Question lists with filters, and study-path plans: what the list pages show.

Everything is computed from one load of the live questions in scope plus the user's studied
ids, so every page costs the same few queries however many questions match.
"""

import math
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils import timezone

from progress import queries as progress
from progress.queries import Tally
from topics.models import Difficulty, PathStep, Question, QuestionQuerySet, StudyPath

STATUS_CHOICES = [("", "All"), ("studied", "Studied"), ("not-studied", "Not studied"), ("starred", "Starred")]


class BadFilter(Exception):
    """A filter value in the address is not one we know; the message says which."""


class QuestionFilterForm(forms.Form):
    difficulty = forms.MultipleChoiceField(
        choices=Difficulty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    path = forms.ModelChoiceField(
        queryset=StudyPath.objects.filter(archived=False),
        to_field_name="slug",
        required=False,
        empty_label="Any path",
    )


@dataclass
class FilterChoices:
    difficulty: list
    status: list
    paths: list


@dataclass
class Listing:
    """A scope of questions (a topic, or the whole site) and the filtered view of it."""

    form: QuestionFilterForm
    questions: list[Question]
    shown: list[Question]
    studied_ids: set[int]
    total: int

    @property
    def filter_choices(self) -> FilterChoices:
        paths = list(self.form.fields["path"].queryset)
        return FilterChoices(Difficulty.choices, STATUS_CHOICES, paths)

    @property
    def active(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in ("difficulty", "status", "path"))

    @property
    def shown_tally(self) -> Tally:
        return Tally(sum(q.is_studied for q in self.shown), len(self.shown))


def annotate_progress(user, questions: list[Question]) -> set[int]:
    """Set is_studied, is_starred and has_note on each question (one query); return the
    studied ids."""
    studied, starred, noted = progress.question_flags(user, [q.id for q in questions])
    for question in questions:
        question.is_studied = question.id in studied
        question.is_starred = question.id in starred
        question.has_note = question.id in noted
    return studied


def build_listing(user, data: QueryDict, questions: list[Question] | QuestionQuerySet) -> Listing:
    """Filter live `questions` (in reading order) by the GET parameters in `data`.

    Given a list, everything is filtered in Python and `Listing.questions` is the whole list
    (the topic page needs it for its counters). Given a QuerySet, difficulty and path are
    applied in SQL, so only matching rows are loaded (the site-wide list), and the total is
    counted in the database.

    Unknown parameters are ignored; a known parameter with a value we do not know raises
    BadFilter with a message for the user.
    """
    form = QuestionFilterForm(data)
    if not form.is_valid():
        problems = []
        for name, errors in form.errors.items():
            value = ", ".join(data.getlist(name))
            problems.append(f"{name}={value}: {' '.join(errors)}")
        raise BadFilter("Unknown filter value. " + " ".join(problems))
    difficulties = set(form.cleaned_data["difficulty"])
    status = form.cleaned_data["status"]
    path = form.cleaned_data["path"]
    in_path = None
    if isinstance(questions, QuestionQuerySet):
        total = questions.count() if (difficulties or path or status) else None
        if difficulties:
            questions = questions.filter(difficulty__in=difficulties)
        if path:
            questions = questions.in_path(path)
        questions = list(questions)
        total = len(questions) if total is None else total
        difficulties = set()
    else:
        total = len(questions)
        if path:
            in_path = set(Question.objects.live().in_path(path).values_list("id", flat=True))
    studied = annotate_progress(user, questions)
    shown = [
        q
        for q in questions
        if (not difficulties or q.difficulty in difficulties)
        and (in_path is None or q.id in in_path)
        and (status != "studied" or q.is_studied)
        and (status != "not-studied" or not q.is_studied)
        and (status != "starred" or q.is_starred)
    ]
    return Listing(form=form, questions=questions, shown=shown, studied_ids=studied, total=total)


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


def build_path_views(user, paths: list[StudyPath]) -> list[PathView]:
    """Plans for `paths`, with each step's questions in reading order and the user's marks.

    A question that two steps of a path would both hold is listed under the first, so the
    path's counters count every question once.
    """
    if not paths:
        return []
    steps = list(
        PathStep.objects.filter(path__in=paths).select_related("topic", "section").order_by("path_id", "order", "id")
    )
    topic_ids = {step.topic_id for step in steps}
    questions = list(
        Question.objects.live()
        .filter(section__topic_id__in=topic_ids)
        .select_related("section")
        .order_by("section__order", "section_id", "order", "id")
    )
    annotate_progress(user, questions)
    by_topic: dict[int, list[Question]] = {}
    for question in questions:
        by_topic.setdefault(question.section.topic_id, []).append(question)
    follows = progress.followed_paths(user)
    views = {path.id: PathView(path=path, steps=[], follow=follows.get(path.id)) for path in paths}
    placed: dict[int, set[int]] = {path.id: set() for path in paths}
    for step in steps:
        candidates = by_topic.get(step.topic_id, [])
        if step.section_id:
            candidates = [q for q in candidates if q.section_id == step.section_id]
        mine = [q for q in candidates if q.id not in placed[step.path_id]]
        placed[step.path_id].update(q.id for q in mine)
        views[step.path_id].steps.append(StepView(step=step, questions=mine))
    return [views[path.id] for path in paths]
