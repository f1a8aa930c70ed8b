from django.http import HttpResponse
from django.urls import path, set_script_prefix

from topics.models import Question

# A URL configuration that moves the question pages, for the test below.
urlpatterns = [path("elsewhere/<slug:slug>/", lambda request, slug: HttpResponse(), name="question_detail")]


def test_an_address_follows_the_script_prefix_and_the_url_configuration(settings):
    question = Question(slug="attention")
    assert question.get_absolute_url() == "/questions/attention/"
    set_script_prefix("/prep/")
    try:
        assert question.get_absolute_url() == "/prep/questions/attention/"
    finally:
        set_script_prefix("/")
    settings.ROOT_URLCONF = __name__
    assert question.get_absolute_url() == "/elsewhere/attention/"
    settings.ROOT_URLCONF = "prepsite.urls"
    assert question.get_absolute_url() == "/questions/attention/"
