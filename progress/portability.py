"""Export, import and reset of a user's own progress.

The export is one JSON document holding everything a user has: marks, stars, notes, review
state and the review log. Importing it back merges by per-item timestamps, so an older file
never replaces newer data, and importing the same file twice changes nothing.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from progress.models import Note, ReviewCard, ReviewLog, Star, StudiedMark
from topics.models import Question

FORMAT = "prepsite-progress"
VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024
KINDS = ["marks", "stars", "notes", "review_cards", "review_log"]


class ImportRefused(Exception):
    """The file is not a Prepsite export we can read; the message says why."""


def _when(value: datetime | None) -> str | None:
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
            {"question": q, "studied_at": _when(at)}
            for q, at in StudiedMark.objects.filter(user=user)
            .order_by("created_at", "id")
            .values_list(slug, "created_at")
        ],
        "stars": [
            {"question": q, "starred_at": _when(at)}
            for q, at in Star.objects.filter(user=user).order_by("created_at", "id").values_list(slug, "created_at")
        ],
        "notes": [
            {"question": q, "body": body, "updated_at": _when(at)}
            for q, body, at in Note.objects.filter(user=user).order_by("id").values_list(slug, "body", "updated_at")
        ],
        "review_cards": [
            {
                "question": card.question.slug,
                "state": card.state,
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": _when(card.due),
                "last_review": _when(card.last_review),
                "created_at": _when(card.created_at),
            }
            for card in ReviewCard.objects.filter(user=user).select_related("question").order_by("id")
        ],
        "review_log": [
            {"question": q, "rating": rating, "reviewed_at": _when(at), "due_after": _when(due)}
            for q, rating, at, due in ReviewLog.objects.filter(user=user)
            .order_by("reviewed_at", "id")
            .values_list(slug, "rating", "reviewed_at", "due_after")
        ],
    }


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: int = 0


@dataclass
class ImportPlan:
    """What an import would change, computed without writing anything."""

    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    unknown_questions: set[str] = field(default_factory=set)
    writes: list = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(c.added + c.updated for c in self.counts.values())


def _timestamp(item: dict, key: str, kind: str, index: int, required: bool = True) -> datetime | None:
    value = item.get(key)
    if value is None and not required:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise ImportRefused(f"{kind}[{index}].{key} must be a date and time with a time zone, not {value!r}")
    return parsed


def _items(data: dict, kind: str) -> list[dict]:
    items = data.get(kind, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportRefused(f"'{kind}' must be a list of objects")
    for index, item in enumerate(items):
        if not isinstance(item.get("question"), str):
            raise ImportRefused(f"{kind}[{index}] has no question key")
    return items


def read_export(raw: bytes) -> dict:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefused("The file is not JSON. Choose a file downloaded from this page.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not a Prepsite progress export.")
    if data.get("version") != VERSION:
        raise ImportRefused(f"This export has version {data.get('version')!r}; this site reads version {VERSION}.")
    return data


def plan_import(user, data: dict) -> ImportPlan:
    """Compare an export with the user's data. Raises ImportRefused on a malformed file."""
    plan = ImportPlan()
    items = {kind: _items(data, kind) for kind in KINDS}
    slugs = {item["question"] for kind_items in items.values() for item in kind_items}
    questions = {q.slug: q for q in Question.objects.filter(slug__in=slugs)}

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

    notes = {note.question_id: note for note in Note.objects.filter(user=user)}
    for index, item in enumerate(items["notes"]):
        at = _timestamp(item, "updated_at", "notes", index)
        body = item.get("body")
        if not isinstance(body, str) or len(body) > 20000:
            raise ImportRefused(f"notes[{index}].body must be text of at most 20,000 characters")
        if (question := known("notes", item)) is None:
            continue
        current = notes.get(question.id)
        if current is None:
            plan.counts["notes"].added += 1
        elif at > current.updated_at and body != current.body:
            plan.counts["notes"].updated += 1
        else:
            plan.counts["notes"].unchanged += 1
            continue
        notes[question.id] = Note(question=question, body=body, updated_at=at)
        plan.writes.append(("note", question, (body, at)))

    cards = {card.question_id: card for card in ReviewCard.objects.filter(user=user)}
    for index, item in enumerate(items["review_cards"]):
        due = _timestamp(item, "due", "review_cards", index)
        last = _timestamp(item, "last_review", "review_cards", index, required=False)
        created = _timestamp(item, "created_at", "review_cards", index, required=False) or last or due
        state = item.get("state")
        numbers = [item.get("stability"), item.get("difficulty")]
        if state not in (1, 2, 3) or not all(n is None or isinstance(n, (int, float)) for n in numbers):
            raise ImportRefused(f"review_cards[{index}] has an invalid state, stability or difficulty")
        step = item.get("step")
        if step is not None and (not isinstance(step, int) or step < 0):
            raise ImportRefused(f"review_cards[{index}].step must be a whole number")
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
        if rating not in (1, 2, 3, 4):
            raise ImportRefused(f"review_log[{index}].rating must be 1, 2, 3 or 4")
        if (question := known("review_log", item)) is None:
            continue
        if (question.id, at) in logged:
            plan.counts["review_log"].unchanged += 1
            continue
        logged.add((question.id, at))
        plan.counts["review_log"].added += 1
        plan.writes.append(("log", question, (rating, at, due_after)))
    return plan


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
