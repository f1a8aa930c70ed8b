from django.http import HttpResponse
from django.urls import path, set_script_prefix

from prepsite.addresses import cached_reverse

# A URL configuration that moves the question pages, for the test below.
urlpatterns = [path("elsewhere/<slug:slug>/", lambda request, slug: HttpResponse(), name="question_detail")]


def test_a_remembered_address_follows_the_script_prefix_and_the_url_configuration(settings):
    assert cached_reverse("question_detail", "attention") == "/questions/attention/"
    set_script_prefix("/prep/")
    try:
        assert cached_reverse("question_detail", "attention") == "/prep/questions/attention/"
    finally:
        set_script_prefix("/")
    settings.ROOT_URLCONF = __name__
    assert cached_reverse("question_detail", "attention") == "/elsewhere/attention/"
    settings.ROOT_URLCONF = "prepsite.urls"
    assert cached_reverse("question_detail", "attention") == "/questions/attention/"
