from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from progress import queries as progress
from progress import review
from progress.activity import heatmap
from progress.queries import Tally
from topics.listing import BadFilter, annotate_progress, build_listing, build_path_views
from topics.models import Difficulty, Question, Section, StudyPath, Topic


@dataclass
class SectionView:
    section: Section
    questions: list[Question] = field(default_factory=list)
    tally: Tally = Tally(0, 0)


@dataclass
class TopicGroup:
    topic: Topic
    sections: list[SectionView] = field(default_factory=list)


def get_topic_or_404(slug: str) -> Topic:
    return get_object_or_404(Topic, slug=slug)


def get_question_or_404(slug: str) -> Question:
    """A live question, with its section and topic; archived questions are 404."""
    return get_object_or_404(Question.objects.live().select_related("section__topic"), slug=slug)


def get_path_or_404(slug: str) -> StudyPath:
    return get_object_or_404(StudyPath, slug=slug, archived=False)


def tally_sections(questions: list[Question]) -> tuple[Tally, dict[int, Tally]]:
    """Counters for a topic and its sections from its live questions (with `is_studied` set).

    Every topic and section counter comes from here, so the numbers always agree with the list.
    """
    totals: dict[int, int] = {}
    done: dict[int, int] = {}
    for question in questions:
        totals[question.section_id] = totals.get(question.section_id, 0) + 1
        done[question.section_id] = done.get(question.section_id, 0) + question.is_studied
    sections = {section_id: Tally(done[section_id], totals[section_id]) for section_id in totals}
    return Tally(sum(done.values()), sum(totals.values())), sections


def topic_questions(topic: Topic) -> list[Question]:
    return list(Question.objects.live().in_topic(topic).order_by("order", "id"))


def bad_filter(request: HttpRequest, error: BadFilter, template: str, context: dict) -> HttpResponse:
    return render(request, template, {**context, "filter_error": str(error)}, status=400)


def render_list_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when HTMX swaps them in after a filter change."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    return render(request, template, context)


def topic_context(request: HttpRequest, topic: Topic, data: QueryDict) -> dict:
    sections = list(topic.sections.order_by("order", "id"))
    listing = build_listing(request.user, data, topic_questions(topic))
    topic_tally, section_tallies = tally_sections(listing.questions)
    views = {section.id: SectionView(section, tally=section_tallies.get(section.id, Tally(0, 0))) for section in sections}
    for question in listing.shown:
        views[question.section_id].questions.append(question)
    if listing.active:
        visible = [view for view in views.values() if view.questions]
    else:
        visible = [view for view in views.values() if view.questions or view.section.intro_html]
    return {"topic": topic, "sections": visible, "topic_tally": topic_tally, "listing": listing}


@vary_on_headers("HX-Request")
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_topic_or_404(slug)
    try:
        context = topic_context(request, topic, request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/topic_detail.html", {"topic": topic})
    context["next_url"] = request.get_full_path()
    return render_list_page(request, "topics/topic_detail.html", context)


def question_list_context(request: HttpRequest, data: QueryDict) -> dict:
    questions = (
        Question.objects.live()
        .select_related("section__topic")
        .defer("section__intro", "section__intro_html", "section__topic__intro", "section__topic__intro_html")
        .in_reading_order()
    )
    listing = build_listing(request.user, data, questions)
    groups: dict[int, TopicGroup] = {}
    for question in listing.shown:
        section = question.section
        group = groups.setdefault(section.topic_id, TopicGroup(section.topic))
        if not group.sections or group.sections[-1].section.id != section.id:
            group.sections.append(SectionView(section))
        group.sections[-1].questions.append(question)
    return {"groups": list(groups.values()), "listing": listing}


@vary_on_headers("HX-Request")
def question_list(request: HttpRequest) -> HttpResponse:
    try:
        context = question_list_context(request, request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/question_list.html", {})
    context["next_url"] = request.get_full_path()
    return render_list_page(request, "topics/question_list.html", context)


def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_question_or_404(slug)
    topic = question.section.topic
    ordered = list(Question.objects.live().in_topic(topic).order_by("section__order", "section_id", "order", "id"))
    annotate_progress(request.user, ordered)
    position = next(index for index, item in enumerate(ordered) if item.id == question.id)
    topic_tally, section_tallies = tally_sections(ordered)
    _flags_from(question, ordered)
    note = progress.note_for(request.user, question) if question.has_note else None
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
            "previous_question": ordered[position - 1] if position > 0 else None,
            "next_question": ordered[position + 1] if position + 1 < len(ordered) else None,
            "position": position + 1,
            "count": len(ordered),
            "next_url": request.get_full_path(),
            "note": note,
            "card": progress.review_card_for(request.user, question),
        },
    )


def path_list(request: HttpRequest) -> HttpResponse:
    paths = list(StudyPath.objects.filter(archived=False))
    return render(request, "topics/path_list.html", {"path_views": build_path_views(request.user, paths)})


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_path_or_404(slug)
    (view,) = build_path_views(request.user, [path])
    return render(
        request,
        "topics/path_detail.html",
        {"view": view, "today": timezone.localdate(), "next_url": request.get_full_path()},
    )


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for a logged-in user; topics and paths for everyone."""
    topics = Topic.objects.annotate(
        question_count=Count("sections__questions", filter=Q(sections__questions__archived=False))
    ).order_by("order", "title")  # Meta.ordering does not apply to aggregate queries
    studied_by_topic = progress.studied_count_by_topic(request.user)
    rows = [(topic, Tally(studied_by_topic.get(topic.id, 0), topic.question_count)) for topic in topics]
    context = {"rows": rows}
    if request.user.is_authenticated:
        follows = progress.followed_paths(request.user)
        followed = list(StudyPath.objects.filter(id__in=follows, archived=False))
        questions = list(Question.objects.live().values_list("id", "difficulty"))
        studied = progress.studied_question_ids(request.user)
        by_difficulty = [
            (label, Tally(sum(1 for id_, d in questions if d == value and id_ in studied), sum(1 for _, d in questions if d == value)))
            for value, label in Difficulty.choices
        ]
        context |= {
            "overall": Tally(sum(1 for id_, _ in questions if id_ in studied), len(questions)),
            "by_difficulty": by_difficulty,
            "followed": build_path_views(request.user, followed),
            "latest": progress.latest_studied_question(request.user),
            "today": timezone.localdate(),
            "due_today": len(review.due_queue(request.user)),
            "starred": progress.starred_questions(request.user),
            "heatmap": heatmap(progress.activity_by_day(request.user), timezone.localdate()),
        }
    else:
        context["paths"] = list(StudyPath.objects.filter(archived=False))
    return render(request, "topics/home.html", context)


def _flags_from(question: Question, annotated: list[Question]) -> None:
    """Copy is_studied, is_starred and has_note from the annotated copy of `question`."""
    twin = next(q for q in annotated if q.id == question.id)
    question.is_studied, question.is_starred, question.has_note = twin.is_studied, twin.is_starred, twin.has_note


def tick_response_context(request: HttpRequest, question: Question, next_url: str) -> dict:
    """What a tick's HTMX response must swap on the page it came from (named by `next`):
    the row or panel, and every counter on that page that the tick changes."""
    parts = urlsplit(next_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    name = match.url_name if match else ""
    context: dict = {"question": question, "q": question, "next_url": next_url, "page": name}
    topic = question.section.topic
    if name == "path_detail":
        path = StudyPath.objects.filter(slug=match.kwargs["slug"], archived=False).first()
        if path:
            (view,) = build_path_views(request.user, [path])
            step = next((s for s in view.steps if any(q.id == question.id for q in s.questions)), None)
            if step:
                _flags_from(question, step.questions)
                return context | {"path_view": view, "step_view": step}
    if name == "question_list":
        try:
            listing = question_list_context(request, QueryDict(parts.query))["listing"]
            _flags_from(question, listing.questions)
            return context | {"listing": listing}
        except BadFilter:
            pass
    data = QueryDict(parts.query) if name == "topic_detail" else QueryDict()
    try:
        listing = build_listing(request.user, data, topic_questions(topic))
    except BadFilter:
        listing = build_listing(request.user, QueryDict(), topic_questions(topic))
    _flags_from(question, listing.questions)
    topic_tally, section_tallies = tally_sections(listing.questions)
    return context | {
        "topic": topic,
        "section": question.section,
        "topic_tally": topic_tally,
        "section_tally": section_tallies[question.section_id],
        "listing": listing if name == "topic_detail" else None,
    }
