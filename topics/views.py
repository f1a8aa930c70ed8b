from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from progress import queries as progress
from progress.queries import Tally
from topics.models import Question, Section, Topic


@dataclass
class SectionView:
    section: Section
    questions: list[Question] = field(default_factory=list)
    tally: Tally = Tally(0, 0)


def get_topic_or_404(slug: str) -> Topic:
    return get_object_or_404(Topic, slug=slug)


def get_question_or_404(slug: str) -> Question:
    """A live question, with its section and topic; archived questions are 404."""
    return get_object_or_404(Question.objects.live().select_related("section__topic"), slug=slug)


def tally_topic(question_sections: list[tuple[int, int]], studied_ids: set[int]) -> tuple[Tally, dict[int, Tally]]:
    """Counters for a topic from its live (question id, section id) pairs and the studied ids.

    Every counter on every page comes from here, so the numbers always agree with the list.
    """
    totals: dict[int, int] = {}
    done: dict[int, int] = {}
    for question_id, section_id in question_sections:
        totals[section_id] = totals.get(section_id, 0) + 1
        done[section_id] = done.get(section_id, 0) + (question_id in studied_ids)
    sections = {section_id: Tally(done[section_id], totals[section_id]) for section_id in totals}
    topic = Tally(sum(done.values()), sum(totals.values()))
    return topic, sections


def topic_tallies(user, topic: Topic) -> tuple[Tally, dict[int, Tally]]:
    """Counters for one topic, in two queries, for responses that do not list its questions."""
    pairs = list(Question.objects.live().in_topic(topic).values_list("id", "section_id"))
    studied = progress.studied_question_ids(user, [question_id for question_id, _ in pairs])
    return tally_topic(pairs, studied)


def home(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.annotate(
        question_count=Count("sections__questions", filter=Q(sections__questions__archived=False))
    )
    studied = progress.studied_count_by_topic(request.user)
    rows = [(topic, Tally(studied.get(topic.id, 0), topic.question_count)) for topic in topics]
    return render(request, "topics/home.html", {"rows": rows})


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_topic_or_404(slug)
    sections = {section.id: SectionView(section) for section in topic.sections.order_by("order", "id")}
    questions = list(Question.objects.live().in_topic(topic).order_by("order", "id"))
    studied = progress.studied_question_ids(request.user, [question.id for question in questions])
    for question in questions:
        question.is_studied = question.id in studied
        sections[question.section_id].questions.append(question)
    topic_tally, section_tallies = tally_topic([(q.id, q.section_id) for q in questions], studied)
    for section_view in sections.values():
        section_view.tally = section_tallies.get(section_view.section.id, Tally(0, 0))
    visible = [s for s in sections.values() if s.questions or s.section.intro_html]
    return render(
        request,
        "topics/topic_detail.html",
        {"topic": topic, "sections": visible, "topic_tally": topic_tally, "next_url": request.get_full_path()},
    )


def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_question_or_404(slug)
    topic = question.section.topic
    ordered = list(
        Question.objects.live()
        .in_topic(topic)
        .order_by("section__order", "section_id", "order", "id")
        .values_list("id", "section_id", "slug", "title")
    )
    position = next(index for index, row in enumerate(ordered) if row[0] == question.id)
    previous_question = ordered[position - 1] if position > 0 else None
    next_question = ordered[position + 1] if position + 1 < len(ordered) else None
    studied = progress.studied_question_ids(request.user, [row[0] for row in ordered])
    topic_tally, section_tallies = tally_topic([row[:2] for row in ordered], studied)
    question.is_studied = question.id in studied
    return render(
        request,
        "topics/question_detail.html",
        {
            "question": question,
            "section": question.section,
            "topic": topic,
            "answers": question.answers.all(),
            "topic_tally": topic_tally,
            "section_tally": section_tallies[question.section_id],
            "previous_question": previous_question and {"slug": previous_question[2], "title": previous_question[3]},
            "next_question": next_question and {"slug": next_question[2], "title": next_question[3]},
            "position": position + 1,
            "count": len(ordered),
            "next_url": request.get_full_path(),
        },
    )
