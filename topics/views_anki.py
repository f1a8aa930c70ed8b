"""Downloads of a topic or a study path as an Anki deck: content only, the same for everyone."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from topics import anki
from topics import catalog as content


@require_GET
def topic_deck(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = content.current()
    topic = catalog.topic(slug)
    if topic is None:
        raise Http404("No such topic.")
    return deck_download(anki.deck_for_topic(catalog, topic), slug)


@require_GET
def path_deck(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = content.current()
    path = catalog.path(slug)
    if path is None:
        raise Http404("No such study path.")
    return deck_download(anki.deck_for_path(catalog, path), slug)


def deck_download(apkg: bytes, slug: str) -> HttpResponse:
    # `slug` passed the URL's slug converter: letters, digits, - and _, safe inside the quotes.
    return HttpResponse(
        apkg,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="prepsite-{slug}.apkg"'},
    )
