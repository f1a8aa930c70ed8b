from django import template

from progress import controls as progress
from progress.controls import Controls, safe

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
def tick_form(context, question, swap="row"):
    return safe(_controls(context).tick_form(question, swap))


@register.simple_tag(takes_context=True)
def star_form(context, question):
    return safe(_controls(context).star_form(question))


@register.simple_tag
def progress_bar(tally, dom_id, oob=False):
    return safe(progress.progress_bar(tally, dom_id, oob))
