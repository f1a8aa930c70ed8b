from django.contrib import admin
from django.urls import include, path

from prepsite import views
from progress import views as progress_views
from topics import views as topic_views

urlpatterns = [
    path("", topic_views.home, name="home"),
    path("topics/<slug:slug>/", topic_views.topic_detail, name="topic_detail"),
    path("questions/<slug:slug>/", topic_views.question_detail, name="question_detail"),
    path("questions/", topic_views.question_list, name="question_list"),
    path("questions/<slug:slug>/studied/", progress_views.set_studied, name="set_studied"),
    path("paths/", topic_views.path_list, name="path_list"),
    path("paths/<slug:slug>/", topic_views.path_detail, name="path_detail"),
    path("paths/<slug:slug>/follow/", progress_views.follow_path, name="follow_path"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
