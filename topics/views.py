import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from progress import queries as progress
from progress import review
from progress.activity import heatmap
from progress.queries import Tally
from topics.catalog import snapshot, with_flags
from topics.listing import FILTER_FIELDS, BadFilter, build_listing, build_path_views
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


def get_topic_or_404(request: HttpRequest, slug: str) -> Topic:
    topic = snapshot(request).catalog.topic(slug)
    if topic is None:
        raise Http404("No such topic.")
    return topic


def get_question_or_404(request: HttpRequest, slug: str) -> Question:
    """A copy of a live question, with its section and topic and the user's flags; archived
    questions are 404."""
    snap = snapshot(request)
    question = snap.catalog.question(slug)
    if question is None:
        raise Http404("No such question.")
    return with_flags([question], snap.flags)[0]


def get_path_or_404(request: HttpRequest, slug: str) -> StudyPath:
    path = snapshot(request).catalog.path(slug)
    if path is None:
        raise Http404("No such study path.")
    return path


def tally_sections(questions: list[Question], studied: frozenset[int]) -> tuple[Tally, dict[int, Tally]]:
    """Counters for a topic and its sections from its live questions and the user's studied ids.

    Every topic and section counter comes from here, so the numbers always agree with the list.
    """
    totals: dict[int, int] = {}
    done: dict[int, int] = {}
    for question in questions:
        section_id = question.section_id
        totals[section_id] = totals.get(section_id, 0) + 1
        done[section_id] = done.get(section_id, 0) + (question.id in studied)
    sections = {section_id: Tally(done[section_id], totals[section_id]) for section_id in totals}
    return Tally(sum(done.values()), sum(totals.values())), sections


def bad_filter(request: HttpRequest, error: BadFilter, template: str, context: dict) -> HttpResponse:
    return render(request, template, {**context, "filter_error": str(error)}, status=400)


def render_list_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when HTMX swaps them in after a filter change."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    return render(request, template, context)


def topic_context(request: HttpRequest, topic: Topic, data: QueryDict) -> dict:
    snap = snapshot(request)
    listing = build_listing(snap, data, snap.catalog.topic_questions(topic.id))
    topic_tally, section_tallies = tally_sections(listing.scope, snap.flags.studied)
    views = {
        section.id: SectionView(section, tally=section_tallies.get(section.id, Tally(0, 0)))
        for section in snap.catalog.sections(topic)
    }
    for question in listing.shown:
        views[question.section_id].questions.append(question)
    if listing.active:  # the sections that hold a match, in the order of the matches (best first)
        visible = [views[section_id] for section_id in dict.fromkeys(q.section_id for q in listing.matched)]
    else:
        visible = [view for view in views.values() if view.questions or view.section.intro_html]
    return {
        "topic": topic,
        "sections": visible,
        "topic_tally": topic_tally,
        "listing": listing,
        "random_url": random_url(listing, topic),
    }


@vary_on_headers("HX-Request")
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_topic_or_404(request, slug)
    try:
        context = topic_context(request, topic, request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/topic_detail.html", {"topic": topic})
    context["next_url"] = request.get_full_path()
    return render_list_page(request, "topics/topic_detail.html", context)


def question_list_context(request: HttpRequest, data: QueryDict) -> dict:
    snap = snapshot(request)
    listing = build_listing(snap, data, snap.catalog.questions)
    groups: dict[int, TopicGroup] = {}
    for question in listing.shown:
        section = question.section
        group = groups.setdefault(section.topic_id, TopicGroup(section.topic))
        if not group.sections or group.sections[-1].section.id != section.id:
            group.sections.append(SectionView(section))
        group.sections[-1].questions.append(question)
    return {"groups": list(groups.values()), "listing": listing, "random_url": random_url(listing)}


@vary_on_headers("HX-Request")
def question_list(request: HttpRequest) -> HttpResponse:
    try:
        context = question_list_context(request, request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/question_list.html", {})
    context["next_url"] = request.get_full_path()
    return render_list_page(request, "topics/question_list.html", context)


def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_question_or_404(request, slug)
    snap = snapshot(request)
    topic = question.section.topic
    ordered = snap.catalog.topic_questions(topic.id)
    position = next(index for index, item in enumerate(ordered) if item.id == question.id)
    topic_tally, section_tallies = tally_sections(ordered, snap.flags.studied)
    note = progress.note_for(request.user, question) if question.has_note else None
    return render(
        request,
        "topics/question_detail.html",
        {
            "question": question,
            "section": question.section,
            "topic": topic,
            "answers": snap.catalog.answers_html(question.id),
            "topic_tally": topic_tally,
            "section_tally": section_tallies[question.section_id],
            "previous_question": ordered[position - 1] if position > 0 else None,
            "next_question": ordered[position + 1] if position + 1 < len(ordered) else None,
            "position": position + 1,
            "count": len(ordered),
            "next_url": request.get_full_path(),
            "note": note,
            "card": progress.review_card_for(request.user, question),
            **practice_context(request, question),
        },
    )


def path_list(request: HttpRequest) -> HttpResponse:
    snap = snapshot(request)
    views = build_path_views(snap, request.user, snap.catalog.paths)
    return render(request, "topics/path_list.html", {"path_views": views})


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_path_or_404(request, slug)
    (view,) = build_path_views(snapshot(request), request.user, [path])
    return render(
        request,
        "topics/path_detail.html",
        {"view": view, "today": timezone.localdate(), "next_url": request.get_full_path()},
    )


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for a logged-in user; topics and paths for everyone."""
    snap = snapshot(request)
    catalog, studied = snap.catalog, snap.flags.studied
    rows = []
    for topic in catalog.topics:
        questions = catalog.topic_questions(topic.id)
        rows.append((topic, Tally(sum(q.id in studied for q in questions), len(questions))))
    context = {"rows": rows}
    if request.user.is_authenticated:
        follows = progress.followed_paths(request.user)
        followed = [path for path in catalog.paths if path.id in follows]
        by_difficulty = []
        for value, label in Difficulty.choices:
            ids = [q.id for q in catalog.questions if q.difficulty == value]
            by_difficulty.append((label, Tally(sum(id_ in studied for id_ in ids), len(ids))))
        context |= {
            "overall": Tally(sum(q.id in studied for q in catalog.questions), len(catalog.questions)),
            "by_difficulty": by_difficulty,
            "followed": build_path_views(snap, request.user, followed),
            "latest": progress.latest_studied_question(request.user),
            "today": timezone.localdate(),
            "due_today": len(review.due_queue(request.user)),
            "starred": progress.starred_questions(request.user),
            "heatmap": heatmap(progress.activity_by_day(request.user), timezone.localdate()),
        }
    else:
        context["paths"] = catalog.paths
    return render(request, "topics/home.html", context)


def page_of(next_url: str):
    """(url name, resolver match or None, query) of the page a control was used on."""
    parts = urlsplit(next_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return "", None, QueryDict(parts.query)
    return match.url_name, match, QueryDict(parts.query)


def page_listing(snap, next_url: str, question: Question, page=None):
    """The filtered list on the page a control was used on (a topic page or /questions/), with
    the flags as they are now; None on any other page or when that page showed a filter error.
    `page` is page_of(next_url) when the caller has it already."""
    name, _, query = page or page_of(next_url)
    if name == "question_list":
        scope = snap.catalog.questions
    elif name == "topic_detail":
        scope = snap.catalog.topic_questions(question.section.topic_id)
    else:
        return None
    try:
        return build_listing(snap, query, scope)
    except BadFilter:
        return None


def leaves_listing(listing, question: Question) -> bool:
    """Whether a change made the question stop matching the page's filter: it then leaves the
    list, as it would on a reload, so the list and its "Showing N" agree."""
    return bool(listing and listing.active and all(q.id != question.id for q in listing.matched))


def tick_response_context(request: HttpRequest, question: Question, next_url: str) -> dict:
    """What a tick's HTMX response must swap on the page it came from (named by `next`):
    the row or panel, and every counter on that page that the tick changes.

    `question` carries the flags after the tick, as does the request's snapshot."""
    page = page_of(next_url)
    name, match, _ = page
    context: dict = {"question": question, "q": question, "next_url": next_url, "page": name}
    if name == "question_detail":  # its panel shows the next review beside the tick
        context["card"] = progress.review_card_for(request.user, question)
    snap = snapshot(request)
    topic = question.section.topic
    if name == "path_detail":
        path = snap.catalog.path(match.kwargs["slug"])
        if path:
            (view,) = build_path_views(snap, request.user, [path])
            step = next((s for s in view.steps if any(q.id == question.id for q in s.questions)), None)
            if step:
                return context | {"path_view": view, "step_view": step}
    listing = page_listing(snap, next_url, question, page)  # only list pages show a filter summary to update
    context |= {"listing": listing, "row_removed": leaves_listing(listing, question)}
    if name == "question_list":
        return context
    topic_tally, section_tallies = tally_sections(snap.catalog.topic_questions(topic.id), snap.flags.studied)
    return context | {
        "topic": topic,
        "section": question.section,
        "topic_tally": topic_tally,
        "section_tally": section_tallies[question.section_id],
    }


def list_query(data: QueryDict, topic_slug: str = "", after: str = "") -> str:
    """The address query that names a list: its topic (for the random pick) and its filters,
    without the empty ones; then `after`, the question a random pick is not to repeat."""
    kept = QueryDict(mutable=True)
    if topic_slug:
        kept["topic"] = topic_slug
    for name in FILTER_FIELDS:
        values = [value for value in data.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    if after:
        kept["after"] = after
    return kept.urlencode()


def random_address(query: str) -> str:
    return f"{reverse('random_question')}?{query}" if query else reverse("random_question")


def random_url(listing, topic: Topic | None = None) -> str:
    """Where "a random question from this list" points; "" when the list is empty."""
    if not listing.matched:
        return ""
    return random_address(list_query(listing.form.data, topic.slug if topic else ""))


@require_GET
def random_question(request: HttpRequest) -> HttpResponse:
    """A question picked at random from a list (a topic's with `topic`, else the site's) and its
    filters: interviews do not ask in reading order. `after` names the question just shown, which
    is not picked again while there is another. The question page links to the next pick."""
    snap = snapshot(request)
    topic = None
    if request.GET.get("topic"):
        topic = get_topic_or_404(request, request.GET["topic"])
    scope = snap.catalog.topic_questions(topic.id) if topic else snap.catalog.questions
    list_url = topic.get_absolute_url() if topic else reverse("question_list")
    try:
        listing = build_listing(snap, request.GET, scope)
    except BadFilter as error:
        template = "topics/topic_detail.html" if topic else "topics/question_list.html"
        return bad_filter(request, error, template, {"topic": topic, "clear_url": list_url})
    if not listing.matched:
        messages.info(request, "No question matches these filters, so there is none to pick.")
        query = list_query(request.GET)
        return redirect(f"{list_url}?{query}" if query else list_url)
    after = request.GET.get("after", "")
    candidates = [q for q in listing.matched if q.slug != after] or listing.matched
    question = secrets.choice(candidates)
    return redirect(
        f"{question.get_absolute_url()}?{urlencode({'practice': list_query(request.GET, topic.slug if topic else '')})}"
    )


def practice_context(request: HttpRequest, question: Question) -> dict:
    """On a question reached by a random pick (`practice` names its list): the link to the next."""
    practice = request.GET.get("practice")
    if practice is None:
        return {}
    data = QueryDict(practice)
    return {"practice_url": random_address(list_query(data, data.get("topic", ""), after=question.slug))}
