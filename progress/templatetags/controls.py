from functools import cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix
from django_htmx.jinja import htmx_script

from prepsite.addresses import cached_reverse
from progress import controls as progress
from progress.controls import Controls, safe
from topics.listing import SEARCH_MAX_LENGTH

register = template.Library()


def _controls(context) -> Controls:
    """One Controls per render: the context's CSRF token is lazy, and each evaluation masks
    the secret afresh, so it is read once."""
    cache = context.render_context
    if "controls" not in cache:
        cache["controls"] = Controls(context.get("next_url", ""), str(context.get("csrf_token", "")))
    return cache["controls"]


@register.simple_tag(takes_context=True)
def question_row(context, question):
    return safe(_controls(context).question_row(question))


@register.simple_tag(takes_context=True)
def question_rows(context, questions):
    return safe(_controls(context).question_rows(questions))


@register.simple_tag(takes_context=True)
def topic_sections(context, sections, listing):
    """The sections of a topic page; their intros only when no filter is active."""
    return safe(_controls(context).topic_sections(sections, show_intros=not listing.active))


@register.simple_tag(takes_context=True)
def topic_groups(context, groups):
    return safe(_controls(context).topic_groups(groups))


@register.simple_tag(takes_context=True)
def tick_form(context, question, swap="row"):
    return safe(_controls(context).tick_form(question, swap))


@register.simple_tag(takes_context=True)
def star_form(context, question):
    return safe(_controls(context).star_form(question))


@register.simple_tag
def progress_bar(tally, dom_id, oob=False):
    return safe(progress.progress_bar(tally, dom_id, oob))


_FILTER_FORMS: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def filter_form(context, listing):
    """The filter form of a list page. It shows no user data, only the page address, the
    choices and the current selection, so it is rendered once per such key and reused."""
    data = listing.form.cleaned_data
    path = data.get("path")
    key = (
        context["request"].path,
        data.get("q") or "",
        tuple(sorted(data.get("difficulty") or ())),
        data.get("status") or "",
        path.slug if path else "",
        tuple((p.slug, p.title) for p in listing.paths),
    )
    html = _FILTER_FORMS.get(key)
    if html is None:
        html = render_to_string("topics/filter_form.html", {"listing": listing, "request": context["request"]})
        if len(_FILTER_FORMS) >= 2048:  # bounded: addresses with odd selections are unlimited
            _FILTER_FORMS.clear()
        _FILTER_FORMS[key] = html
    return safe(html)


@register.simple_tag
def cached_url(name: str, *args: str) -> str:
    """{% url name args %}, each address reversed once (prepsite.addresses)."""
    return cached_reverse(name, *args)


@register.simple_tag
@cache
def cached_static(path: str) -> str:
    """{% static %}, looked up once per file: the address of a collected file cannot change
    while a process runs (collectstatic happens before it starts)."""
    return static(path)


@register.simple_tag
@cache
def cached_htmx_script() -> str:
    """django-htmx's {% htmx_script %} (no CSP nonce: the policy allows our own origin), built once."""
    return htmx_script()


@cache
def _header_frames(script_prefix: str) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """The site header for a member and for a visitor, cut around what differs per request
    (a member's name and CSRF token; a visitor's return address). `script_prefix` keys the
    cache: the addresses in it are reversed under that prefix."""

    def url(name: str) -> str:
        return escape(cached_reverse(name))

    def start(home_label: str) -> str:
        return (
            f'<header class="site-header"><a class="brand" href="{url("home")}">Prepsite</a>'
            f'<nav class="site-nav" aria-label="Main"><a href="{url("home")}">{home_label}</a>'
            f'<a href="{url("question_list")}">Questions</a><a href="{url("path_list")}">Study paths</a>'
        )

    search = (
        f'<form class="site-search" role="search" method="get" action="{url("question_list")}">'
        f'<input type="search" name="q" maxlength="{SEARCH_MAX_LENGTH}" placeholder="Search questions" '
        'aria-label="Search questions">'
        "</form>"
    )
    member = (
        start("Dashboard")
        + f'<a href="{url("review")}">Review</a></nav>{search}<div class="account"><span class="who">',
        f'</span><a href="{url("account_progress")}">Your data</a><a href="{url("password_change")}">Password</a>'
        f'<form method="post" action="{url("logout")}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="',
        '"><button type="submit" class="link-button">Log out</button></form></div></header>',
    )
    visitor = (
        start("Topics") + f'</nav>{search}<div class="account"><a href="{url("login")}',
        f'">Log in</a><a class="button" href="{url("signup")}',
        '">Sign up</a></div></header>',
    )
    return member, visitor


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """The header on every page: navigation, and the account links of the visitor. Formatted in
    Python like the rows: it is on every page, and as template nodes it cost a fifth of a list page."""
    request, user = context.get("request"), context.get("user")  # both absent on the CSRF failure page
    member, visitor = _header_frames(get_script_prefix())
    if user is not None and user.is_authenticated:
        name, token = escape(user.get_username()), escape(str(context.get("csrf_token", "")))
        return safe(f"{member[0]}{name}{member[1]}{token}{member[2]}")
    next_query = "?" + escape(urlencode({"next": request.get_full_path()})) if request else ""
    return safe(f"{visitor[0]}{next_query}{visitor[1]}{next_query}{visitor[2]}")
