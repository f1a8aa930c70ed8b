import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client

from progress import models as progress_models
from topics import models as topic_models

MODELS = [
    topic_models.Topic,
    topic_models.Section,
    topic_models.Question,
    topic_models.Answer,
    topic_models.StudyPath,
    progress_models.StudiedMark,
    progress_models.FollowedPath,
    progress_models.Star,
    progress_models.Note,
    progress_models.ReviewSettings,
    progress_models.ReviewCard,
    progress_models.ReviewLog,
    progress_models.ActivityDay,
]


def test_every_model_is_in_the_admin():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_admin_pages_open(model, topic):
    staff = User.objects.create_superuser("root", "root@example.org", "admin password 123")
    client = Client()
    client.force_login(staff)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(url).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        assert client.get(f"{url}{instance.pk}/change/").status_code == 200
