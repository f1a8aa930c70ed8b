"""Export, import and reset of a user's own progress.

The export is one JSON document holding everything a user has: marks, stars, notes, review
state and the review log, followed paths, code drafts, mock interviews, and a record of code runs.
Importing it back merges by per-item timestamps, so an older file never replaces newer data, and
importing the same file twice changes nothing. Code runs are a record only: an import restores
the code (drafts), and running it again gives its results.
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from coding.models import Draft, Submission
from progress.models import FollowedPath, Note, ReviewCard, ReviewLog, ReviewSettings, Star, StudiedMark
from topics.models import Question, StudyPath
from topics.rendering import RenderRefused, RenderTooSlow, check_render_time

FORMAT = "prepsite-progress"
VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024
KINDS = ["marks", "stars", "notes", "review_cards", "review_log", "drafts"]  # one item per question
OTHER_KINDS = ["followed_paths", "review_settings"]
MAX_DRAFT = Draft._meta.get_field("code").max_length
MAX_KEY_LENGTH = Question._meta.get_field("slug").max_length
MAX_STEP = 32767  # the largest value every supported database stores in the column


class ReviewSettingsImport(forms.ModelForm):
    """The review settings in a file, checked by the same rules as the settings form."""

    class Meta:
        model = ReviewSettings
        fields = ["desired_retention", "new_cards_per_day"]


class ImportRefused(Exception):
    """The file is not a Prepsite export we can read; the message says why."""


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_progress(user) -> dict:
    """Everything the user has, keyed by question key (slug), which survives content edits."""
    slug = "question__slug"
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "username": user.get_username(),
        "marks": [
            {"question": q, "studied_at": when(at)}
            for q, at in StudiedMark.objects.filter(user=user)
            .order_by("created_at", "id")
            .values_list(slug, "created_at")
        ],
        "stars": [
            {"question": q, "starred_at": when(at)}
            for q, at in Star.objects.filter(user=user).order_by("created_at", "id").values_list(slug, "created_at")
        ],
        "notes": [
            {"question": q, "body": body, "updated_at": when(at)}
            for q, body, at in Note.objects.filter(user=user).order_by("id").values_list(slug, "body", "updated_at")
        ],
        "review_cards": [
            {
                "question": card.question.slug,
                "state": card.state,
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": when(card.due),
                "last_review": when(card.last_review),
                "created_at": when(card.created_at),
            }
            for card in ReviewCard.objects.filter(user=user).select_related("question").order_by("id")
        ],
        "review_log": [
            {"question": q, "rating": rating, "reviewed_at": when(at), "due_after": when(due)}
            for q, rating, at, due in ReviewLog.objects.filter(user=user)
            .order_by("reviewed_at", "id")
            .values_list(slug, "rating", "reviewed_at", "due_after")
        ],
        "drafts": [
            {"question": q, "code": code, "updated_at": when(at)}
            for q, code, at in Draft.objects.filter(user=user).order_by("id").values_list(slug, "code", "updated_at")
        ],
        "followed_paths": [
            {
                "path": path,
                "started_at": when(at),
                "target_date": target.isoformat() if target else None,
                "planned_from": when(planned),
            }
            for path, at, target, planned in FollowedPath.objects.filter(user=user)
            .order_by("started_at", "id")
            .values_list("path__slug", "started_at", "target_date", "planned_from")
        ],
        "review_settings": next(
            (
                {"desired_retention": str(retention), "new_cards_per_day": per_day}
                for retention, per_day in ReviewSettings.objects.filter(user=user).values_list(
                    "desired_retention", "new_cards_per_day"
                )
            ),
            None,
        ),
        "code_runs": [
            {
                "question": run.question.slug,
                "code": run.code,
                "status": run.status,
                "tests_passed": sum(1 for result in run.results if result.get("passed")),
                "tests": len(run.results),
                "created_at": when(run.created_at),
                "finished_at": when(run.finished_at),
            }
            for run in Submission.objects.filter(user=user).select_related("question").order_by("created_at", "id")
        ],
    } | {kind: part.export(user) for kind, part in PARTS.items()}


@dataclass(frozen=True)
class Part:
    """Another app's share of the file, for data this app cannot import (mock interviews: the
    mock app builds on this one). Registered from that app's AppConfig.ready()."""

    kind: str  # its key in the file, and its row in the preview
    label: str
    export: Callable  # (user) -> what the file holds under `kind`
    question_keys: Callable  # (data) -> the question keys it names; raises ImportRefused if malformed
    plan: Callable  # (user, data, {key: Question}, ImportPlan): count, and append writes (kind, None, value)
    apply: Callable  # (user, value): one write


PARTS: dict[str, Part] = {}


def register(part: Part) -> None:
    PARTS[part.kind] = part


def all_kinds() -> list[str]:
    """Every kind an import counts, in the order the preview lists them."""
    return KINDS + OTHER_KINDS + list(PARTS)


def kind_label(kind: str) -> str:
    return PARTS[kind].label if kind in PARTS else {"drafts": "code drafts"}.get(kind, kind.replace("_", " "))


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: int = 0


@dataclass
class ImportPlan:
    """What an import would change, computed without writing anything."""

    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in all_kinds()})
    unknown_questions: set[str] = field(default_factory=set)
    unknown_paths: set[str] = field(default_factory=set)
    writes: list = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(c.added + c.updated for c in self.counts.values())


def _timestamp(item: dict, key: str, kind: str, index: int, required: bool = True) -> datetime | None:
    return time_at(item, key, f"{kind}[{index}]", required)


def time_at(item: dict, key: str, where: str, required: bool = True) -> datetime | None:
    value = item.get(key)
    if value is None and not required:
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        # In UTC, as it is stored: a time at the edge of the calendar may not fit once its offset is applied.
        parsed = parsed.astimezone(UTC) if parsed is not None and timezone.is_aware(parsed) else None
    except (ValueError, OverflowError):  # well formed but impossible: 30 February, 25:00, +99:00
        parsed = None
    if parsed is None:
        raise ImportRefused(f"{where}.{key} must be a date and time with a time zone, not {value!r}")
    return parsed


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value) -> bool:
    """Text a database can store: PostgreSQL refuses the NUL character."""
    return isinstance(value, str) and "\x00" not in value


def _items(data: dict, kind: str) -> list[dict]:
    items = objects_in(data, kind)
    for index, item in enumerate(items):
        key = item.get("question")
        if not is_text(key) or not key or len(key) > MAX_KEY_LENGTH:
            raise ImportRefused(f"{kind}[{index}] has no question key")
    return items


def objects_in(data: dict, kind: str, where: str = "") -> list[dict]:
    items = data.get(kind, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportRefused(
            f"{where}.{kind} must be a list of objects" if where else f"'{kind}' must be a list of objects"
        )
    return items


def small_int(value, low: int, high: int) -> bool:
    return is_int(value) and low <= value <= high


def _is_encodable(text: str) -> bool:
    """Whether `text` can be written as UTF-8: JSON's \\u escapes can spell half of a UTF-16
    surrogate pair alone, which no database stores (PostgreSQL refuses it) and no page can show."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


LONE_SURROGATE = "an invalid character (a lone UTF-16 surrogate)."


def _lone_surrogate(data) -> str | None:
    """What the first string or field name holding a lone surrogate is, in document order, named
    by its place (`notes[3].body contains …`), or None. A loop, not recursion: the parser accepts
    nesting nearly as deep as Python's recursion limit."""
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if not _is_encodable(value):
                return f"{path} contains {LONE_SURROGATE}"
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                if not _is_encodable(key):
                    return f"{path or 'The file'} has a field name that contains {LONE_SURROGATE}"
                name = key if len(key) <= 40 else key[:40] + "…"
                children.append((item, f"{path}.{name}" if path else name))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(item, f"{path}[{index}]") for index, item in enumerate(value)]))
    return None


def read_export(raw: bytes) -> dict:
    """The export in an uploaded file, checked as a whole; plan_import checks each item.
    Raises ImportRefused, with a message for the user, on anything else."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deeply
        raise ImportRefused("The file is not JSON. Choose a file downloaded from this page.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not a Prepsite progress export.")
    if data.get("version") != VERSION:
        raise ImportRefused(f"This export has version {data.get('version')!r}; this site reads version {VERSION}.")
    if (problem := _lone_surrogate(data)) is not None:
        raise ImportRefused(problem)
    return data


def _valid_memory(state, stability, difficulty) -> bool:
    """What the scheduler can rate again: a known state (1 learning, 2 review, 3 relearning);
    stability a positive number of days and difficulty from 1 to 10, both finite, and both
    present once a card has left learning."""
    if not is_int(state) or state not in (1, 2, 3):
        return False
    for value in (stability, difficulty):
        if value is None:
            if state != 1:
                return False
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return False
    return (stability is None or stability > 0) and (difficulty is None or 1 <= difficulty <= 10)


def plan_import(user, data: dict) -> ImportPlan:
    """Compare an export with the user's data. Raises ImportRefused on a malformed file."""
    plan = ImportPlan()
    items = {kind: _items(data, kind) for kind in KINDS}
    slugs = {item["question"] for kind_items in items.values() for item in kind_items}
    for part in PARTS.values():
        slugs |= part.question_keys(data)
    # In batches: a query may carry only so many parameters (65,535 on PostgreSQL).
    ordered = sorted(slugs)
    questions = {
        q.slug: q
        for start in range(0, len(ordered), 1000)
        for q in Question.objects.filter(slug__in=ordered[start : start + 1000])
    }

    def known(kind: str, item: dict) -> Question | None:
        question = questions.get(item["question"])
        if question is None:
            plan.counts[kind].unknown += 1
            plan.unknown_questions.add(item["question"])
        return question

    # Marks and stars carry no content: one is added when missing, and never removed.
    for kind, model, stamp, write in [
        ("marks", StudiedMark, "studied_at", "mark"),
        ("stars", Star, "starred_at", "star"),
    ]:
        present = set(model.objects.filter(user=user).values_list("question_id", flat=True))
        for index, item in enumerate(items[kind]):
            at = _timestamp(item, stamp, kind, index)
            if (question := known(kind, item)) is None:
                continue
            if question.id in present:
                plan.counts[kind].unchanged += 1
            else:
                present.add(question.id)
                plan.counts[kind].added += 1
                plan.writes.append((write, question, at))

    # A note or a draft, one text per question: the file's copy is taken when it is newer and differs.
    for kind, model, text, limit, write in [
        ("notes", Note, "body", 20000, "note"),
        ("drafts", Draft, "code", MAX_DRAFT, "draft"),
    ]:
        present = {row.question_id: row for row in model.objects.filter(user=user)}
        for index, item in enumerate(items[kind]):
            at = _timestamp(item, "updated_at", kind, index)
            value = item.get(text)
            if not is_text(value) or len(value) > limit:
                raise ImportRefused(f"{kind}[{index}].{text} must be text of at most {limit:,} characters")
            if (question := known(kind, item)) is None:
                continue
            current = present.get(question.id)
            if current is None:
                plan.counts[kind].added += 1
            elif at > current.updated_at and value != getattr(current, text):
                plan.counts[kind].updated += 1
            else:
                plan.counts[kind].unchanged += 1
                continue
            present[question.id] = model(question=question, updated_at=at, **{text: value})
            plan.writes.append((write, question, (value, at)))

    cards = {card.question_id: card for card in ReviewCard.objects.filter(user=user)}
    for index, item in enumerate(items["review_cards"]):
        due = _timestamp(item, "due", "review_cards", index)
        last = _timestamp(item, "last_review", "review_cards", index, required=False)
        created = _timestamp(item, "created_at", "review_cards", index, required=False) or last or due
        state = item.get("state")
        numbers = [item.get("stability"), item.get("difficulty")]
        if not _valid_memory(state, *numbers):
            raise ImportRefused(f"review_cards[{index}] has an invalid state, stability or difficulty")
        step = item.get("step")
        if step is not None and (not is_int(step) or not 0 <= step <= MAX_STEP):
            raise ImportRefused(f"review_cards[{index}].step must be a whole number from 0 to {MAX_STEP}")
        if (question := known("review_cards", item)) is None:
            continue
        current = cards.get(question.id)
        fields = {
            "state": state,
            "step": step,
            "stability": numbers[0],
            "difficulty": numbers[1],
            "due": due,
            "last_review": last,
            "created_at": created,
        }
        if current is None:
            plan.counts["review_cards"].added += 1
        elif last and (current.last_review is None or last > current.last_review):
            plan.counts["review_cards"].updated += 1
        else:
            plan.counts["review_cards"].unchanged += 1
            continue
        cards[question.id] = ReviewCard(question=question, **fields)
        plan.writes.append(("card", question, fields))

    logged = set(ReviewLog.objects.filter(user=user).values_list("question_id", "reviewed_at"))
    for index, item in enumerate(items["review_log"]):
        at = _timestamp(item, "reviewed_at", "review_log", index)
        due_after = _timestamp(item, "due_after", "review_log", index)
        rating = item.get("rating")
        if not is_int(rating) or rating not in (1, 2, 3, 4):
            raise ImportRefused(f"review_log[{index}].rating must be 1, 2, 3 or 4")
        if (question := known("review_log", item)) is None:
            continue
        if (question.id, at) in logged:
            plan.counts["review_log"].unchanged += 1
            continue
        logged.add((question.id, at))
        plan.counts["review_log"].added += 1
        plan.writes.append(("log", question, (rating, at, due_after)))

    _plan_follows(user, data, plan)
    for part in PARTS.values():
        part.plan(user, data, questions, plan)
    _plan_review_settings(user, data, plan)

    try:
        notes = [value[0] for kind, _, value in plan.writes if kind == "note"]
        check_render_time(notes, settings.IMPORT_RENDER_SECONDS)
    except RenderTooSlow:
        raise ImportRefused(
            f"The notes in this file take too long to format (over {settings.IMPORT_RENDER_SECONDS:g} s together)."
        ) from None
    except RenderRefused as refused:
        raise ImportRefused(f"A note in this file cannot be formatted: {refused}") from None
    return plan


def _plan_follows(user, data: dict, plan: ImportPlan) -> None:
    """A path is followed when the file follows it and the user does not yet; a path the user
    already follows keeps its own start and target date."""
    follows = []
    for index, item in enumerate(objects_in(data, "followed_paths")):
        slug = item.get("path")
        if not is_text(slug) or not slug or len(slug) > StudyPath._meta.get_field("slug").max_length:
            raise ImportRefused(f"followed_paths[{index}] has no path key")
        started = _timestamp(item, "started_at", "followed_paths", index)
        planned = _timestamp(item, "planned_from", "followed_paths", index, required=False)
        target = item.get("target_date")
        if target is not None:
            try:
                target = parse_date(target) if isinstance(target, str) else None
            except ValueError:  # well formed but impossible: 30 February
                target = None
            if target is None:
                raise ImportRefused(f"followed_paths[{index}].target_date must be a date (YYYY-MM-DD) or null")
        follows.append((slug, started, target, planned))
    paths = {path.slug: path for path in StudyPath.objects.filter(slug__in={slug for slug, *_ in follows})}
    followed = set(FollowedPath.objects.filter(user=user).values_list("path_id", flat=True))
    counts = plan.counts["followed_paths"]
    for slug, started, target, planned in follows:
        path = paths.get(slug)
        if path is None:
            counts.unknown += 1
            plan.unknown_paths.add(slug)
        elif path.id in followed:
            counts.unchanged += 1
        else:
            followed.add(path.id)
            counts.added += 1
            plan.writes.append(("follow", path, (started, target, planned)))


def _plan_review_settings(user, data: dict, plan: ImportPlan) -> None:
    """Settings from the file are taken when the user has not chosen any here."""
    found = data.get("review_settings")
    if found is None:
        return
    if not isinstance(found, dict):
        raise ImportRefused("review_settings must be an object or null")
    form = ReviewSettingsImport(found)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ImportRefused(f"review_settings.{field}: {' '.join(errors)}")
    if ReviewSettings.objects.filter(user=user).exists():
        plan.counts["review_settings"].unchanged += 1
        return
    plan.counts["review_settings"].added += 1
    plan.writes.append(("settings", None, form.cleaned_data))


def apply_import(user, data: dict) -> ImportPlan:
    """Plan again against the current data, then write it all in one transaction."""
    with transaction.atomic():
        plan = plan_import(user, data)
        for kind, question, value in plan.writes:
            if kind == "mark":
                StudiedMark.objects.get_or_create(user=user, question=question, defaults={"created_at": value})
            elif kind == "star":
                Star.objects.get_or_create(user=user, question=question, defaults={"created_at": value})
            elif kind == "note":
                body, at = value
                Note.objects.update_or_create(user=user, question=question, defaults={"body": body, "updated_at": at})
            elif kind == "card":
                ReviewCard.objects.update_or_create(user=user, question=question, defaults=value)
            elif kind == "log":
                rating, at, due_after = value
                ReviewLog.objects.create(
                    user=user, question=question, rating=rating, reviewed_at=at, due_after=due_after
                )
            elif kind == "draft":
                code, at = value
                Draft.objects.update_or_create(user=user, question=question, defaults={"code": code, "updated_at": at})
            elif kind == "follow":
                started, target, planned = value
                follow, _ = FollowedPath.objects.get_or_create(user=user, path=question)
                # started_at is set on creation: the file's dates are written after it.
                FollowedPath.objects.filter(pk=follow.pk).update(
                    started_at=started, target_date=target, planned_from=planned
                )
            elif kind == "settings":
                ReviewSettings.objects.get_or_create(user=user, defaults=value)
            elif kind in PARTS:
                PARTS[kind].apply(user, value)
    return plan


@dataclass
class ResetScope:
    marks: int
    stars: int
    review_cards: int
    review_log: int

    @property
    def total(self) -> int:
        return self.marks + self.stars + self.review_cards + self.review_log


def _scoped(user, question_ids: list[int]) -> dict:
    return {
        "marks": StudiedMark.objects.filter(user=user, question_id__in=question_ids),
        "stars": Star.objects.filter(user=user, question_id__in=question_ids),
        "review_cards": ReviewCard.objects.filter(user=user, question_id__in=question_ids),
        "review_log": ReviewLog.objects.filter(user=user, question_id__in=question_ids),
    }


def reset_preview(user, question_ids: list[int]) -> ResetScope:
    return ResetScope(**{kind: queryset.count() for kind, queryset in _scoped(user, question_ids).items()})


def reset_progress(user, question_ids: list[int]) -> ResetScope:
    """Clear marks, stars and review history of these questions. Notes are kept."""
    with transaction.atomic():
        scope = reset_preview(user, question_ids)
        for queryset in _scoped(user, question_ids).values():
            queryset.delete()
    return scope
