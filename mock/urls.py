from django.urls import path

from mock import views

app_name = "mock"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:session_id>/", views.session_page, name="session"),
    path("<int:session_id>/reveal/", views.reveal, name="reveal"),
    path("<int:session_id>/grade/", views.grade, name="grade"),
    path("<int:session_id>/summary/", views.summary, name="summary"),
    path("<int:session_id>/star/", views.star, name="star"),
    path("<int:session_id>/review-today/", views.review_today, name="review_today"),
]
