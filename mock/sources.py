"""Which questions a mock interview can ask: the live questions of its source (a topic, a study
path, a filtered list, the user's starred questions or weak spots), and a pick of them.

A session asks a random sample of its source, as an interviewer would, drawn with the system's
random source. Weak spots are the exception: a session asks the weakest of them (the point is to
work on those), in a random order.
"""

import random
from dataclasses import dataclass

from django.http import QueryDict

from mock.models import Source
from progress import queries as progress
from progress.pages import list_query
from progress.queries import Flags
from topics.catalog import Catalog
from topics.listing import BadFilter, build_listing
from topics.models import Difficulty, Question

_random = random.SystemRandom()


class EmptySource(Exception):
    """The source holds no question to ask; `field` is the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Chosen:
    """A source as the start form chose it: its kind and the topic or path slug, or the filters'
    query string, as stored on the session."""

    kind: str
    value: str = ""


def filters_query(query: str) -> str:
    """The filters of a list page's query string in the form stored: its topic (for a topic's
    list) and the filters that are set, without anything else."""
    data = QueryDict(query)
    return list_query(data, data.get("topic", ""))


def candidates(chosen: Chosen, user, catalog: Catalog, flags: Flags) -> list[Question]:
    """The source's live questions (the snapshot's own objects): in reading order, or weakest
    first for weak spots. Raises EmptySource when there are none and BadFilter for filters
    that cannot be used."""
    if chosen.kind == Source.TOPIC:
        topic = catalog.topic(chosen.value)
        if topic is None:
            raise EmptySource("topic", "Choose a topic.")
        found = catalog.topic_questions(topic.id)
        empty = ("topic", f"{topic.title} has no questions yet: choose another topic.")
    elif chosen.kind == Source.PATH:
        path = catalog.path(chosen.value)
        if path is None:
            raise EmptySource("path", "Choose a study path.")
        found = [catalog.question_by_id(id_) for planned in catalog.plan(path) for id_ in planned.question_ids]
        empty = ("path", f"{path.title} has no questions yet: choose another path.")
    elif chosen.kind == Source.FILTERS:
        data = QueryDict(chosen.value)
        scope = catalog.questions
        if data.get("topic"):
            topic = catalog.topic(data["topic"])
            if topic is None:
                raise BadFilter(f"A filter in this address cannot be used. topic={data['topic']}: no such topic.")
            scope = catalog.topic_questions(topic.id)
        found = build_listing(catalog, data, scope, flags.studied, flags.starred).matched
        empty = ("filters", "No question matches these filters: change them on the list page, or choose a topic.")
    elif chosen.kind == Source.STARRED:
        found = [q for q in catalog.questions if q.id in flags.starred]
        empty = ("source", "You have not starred any question yet. Star questions to revisit, or choose a topic.")
    elif chosen.kind == Source.WEAK:
        found = [q for q in map(catalog.question_by_id, progress.weak_question_ids(user)) if q is not None]
        empty = (
            "source",
            "You have no weak spots yet: questions you rate Again or Hard in review come here. Choose a topic.",
        )
    else:
        raise EmptySource("source", "Choose where the questions come from.")
    if not found:
        raise EmptySource(*empty)
    return found


def pick(found: list[Question], count: int, kind: str) -> list[Question]:
    """At most `count` of `found`, in the order they will be asked."""
    if kind == Source.WEAK:
        chosen = found[:count]
        _random.shuffle(chosen)
        return chosen
    return _random.sample(found, min(count, len(found)))


def describe(kind: str, value: str, catalog: Catalog) -> str:
    """A source in words, for the list of past sessions and the summary: "Topic: ML Breadth"."""
    if kind == Source.TOPIC:
        topic = catalog.topic(value)
        return f"Topic: {topic.title if topic else value}"
    if kind == Source.PATH:
        path = catalog.path(value)
        return f"Path: {path.title if path else value}"
    if kind == Source.FILTERS:
        return f"Filters: {describe_filters(value, catalog)}"
    return Source(kind).label if kind in Source.values else kind


def describe_filters(query: str, catalog: Catalog) -> str:
    """The filters of `query` in words: "ML Breadth · Hard · not studied · “attention”"."""
    data = QueryDict(query)
    words = []
    if data.get("topic"):
        topic = catalog.topic(data["topic"])
        words.append(topic.title if topic else data["topic"])
    if data.get("path"):
        path = catalog.path(data["path"])
        words.append(f"path {path.title if path else data['path']}")
    labels = dict(Difficulty.choices)
    words += [labels.get(value, value) for value in data.getlist("difficulty") if value]
    if data.get("status"):
        words.append(data["status"].replace("-", " "))
    if data.get("q"):
        words.append(f"“{data['q']}”")
    return " · ".join(words) or "all questions"
