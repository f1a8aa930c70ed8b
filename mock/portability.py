"""Mock interviews in a user's export (progress.portability): each session with its questions'
times, checklist and rating. A session comes back once, however often a file is imported; its
questions this site does not have are left out."""

from mock.models import MAX_MINUTES, MAX_QUESTIONS, MIN_MINUTES, MIN_QUESTIONS, MockItem, MockSession, Source
from progress.models import Rating
from progress.portability import (
    MAX_KEY_LENGTH,
    MAX_STEP,
    ImportPlan,
    ImportRefused,
    Part,
    is_int,
    is_text,
    objects_in,
    small_int,
    time_at,
    when,
)
from topics.models import Question

KIND = "mock_sessions"
MAX_SOURCE_VALUE = MockSession._meta.get_field("source_value").max_length


def export(user) -> list[dict]:
    sessions = MockSession.objects.filter(user=user).order_by("created_at", "id").prefetch_related("items__question")
    return [_session(session) for session in sessions]


def _session(session: MockSession) -> dict:
    return {
        "source": session.source,
        "source_value": session.source_value,
        "question_count": session.question_count,
        "minutes_per_question": session.minutes_per_question,
        "created_at": when(session.created_at),
        "finished_at": when(session.finished_at),
        "items": [
            {
                "question": item.question.slug,
                "position": item.position,
                "started_at": when(item.started_at),
                "revealed_at": when(item.revealed_at),
                "graded_at": when(item.graded_at),
                "checked": item.checked,
                "checklist_size": item.checklist_size,
                "rating": item.rating,
            }
            for item in session.items.all()
        ],
    }


def question_keys(data: dict) -> set[str]:
    keys = set()
    for index, session in enumerate(objects_in(data, KIND)):
        for position, item in enumerate(objects_in(session, "items", f"{KIND}[{index}]")):
            key = item.get("question")
            if not is_text(key) or not key or len(key) > MAX_KEY_LENGTH:
                raise ImportRefused(f"{KIND}[{index}].items[{position}] has no question key")
            keys.add(key)
    return keys


def plan_import(user, data: dict, questions: dict[str, Question], plan: ImportPlan) -> None:
    """A session is added when the user has none started at the same moment. Its questions that
    this site does not have are left out; a session left with none is skipped."""
    started = set(MockSession.objects.filter(user=user).values_list("created_at", flat=True))
    counts = plan.counts[KIND]
    for index, session in enumerate(objects_in(data, KIND)):
        where = f"{KIND}[{index}]"
        if session.get("source") not in Source.values:
            raise ImportRefused(f"{where}.source must be one of {', '.join(Source.values)}")
        value = session.get("source_value", "")
        if not is_text(value) or len(value) > MAX_SOURCE_VALUE:
            raise ImportRefused(f"{where}.source_value must be text of at most {MAX_SOURCE_VALUE} characters")
        count, minutes = session.get("question_count"), session.get("minutes_per_question")
        if not small_int(count, MIN_QUESTIONS, MAX_QUESTIONS):
            raise ImportRefused(f"{where}.question_count must be from {MIN_QUESTIONS} to {MAX_QUESTIONS}")
        if not small_int(minutes, MIN_MINUTES, MAX_MINUTES):
            raise ImportRefused(f"{where}.minutes_per_question must be from {MIN_MINUTES} to {MAX_MINUTES}")
        created = time_at(session, "created_at", where)
        finished = time_at(session, "finished_at", where, required=False)
        items, positions, seen = [], set(), set()
        for number, item in enumerate(session.get("items", [])):
            at = f"{where}.items[{number}]"
            position, size, rating = item.get("position"), item.get("checklist_size", 0), item.get("rating")
            checked = item.get("checked", [])
            if not small_int(position, 1, MAX_QUESTIONS) or position in positions:
                raise ImportRefused(f"{at}.position must be a number from 1 to {MAX_QUESTIONS}, once per session")
            if not small_int(size, 0, MAX_STEP):
                raise ImportRefused(f"{at}.checklist_size must be a whole number from 0 to {MAX_STEP}")
            if not isinstance(checked, list) or not all(small_int(line, 0, size - 1) for line in checked):
                raise ImportRefused(f"{at}.checked must list checklist lines, from 0 to checklist_size - 1")
            if rating is not None and not (is_int(rating) and rating in Rating.values):
                raise ImportRefused(f"{at}.rating must be 1, 2, 3, 4 or null")
            times = {key: time_at(item, key, at, required=False) for key in ("started_at", "revealed_at", "graded_at")}
            positions.add(position)
            question = questions.get(item["question"])
            if question is None:
                counts.unknown += 1
                plan.unknown_questions.add(item["question"])
                continue
            if question.id in seen:
                raise ImportRefused(f"{at} asks a question the session has already asked")
            seen.add(question.id)
            fields = {"checked": sorted(set(checked)), "checklist_size": size, "rating": rating, **times}
            items.append(MockItem(question=question, position=position, **fields))
        if created in started:
            counts.unchanged += 1
            continue
        if not items:  # none of its questions is on this site: counted as unknown above
            continue
        started.add(created)
        counts.added += 1
        fields = {"source": session["source"], "source_value": value, "question_count": count}
        fields |= {"minutes_per_question": minutes, "created_at": created, "finished_at": finished}
        plan.writes.append((KIND, None, (fields, items)))


def apply(user, value) -> None:
    fields, items = value
    session = MockSession.objects.create(user=user, **fields)
    for item in items:
        item.session = session
    MockItem.objects.bulk_create(items)


PART = Part(KIND, "mock interviews", export, question_keys, plan_import, apply)
