from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import passwords
from accounts import views as account
from coding import views as coding_views
from core.views import healthz
from progress import account_views, report_views, review_views
from progress import pages as topic_views
from progress import views as progress_views
from topics import views_anki

# The admin's login refuses over-long usernames like the site's (accounts.passwords).
admin.site.login_form = passwords.AdminLoginForm
# A view that lets django-ratelimit raise Ratelimited answers 429, not 403.
handler403 = "accounts.throttle.permission_denied_or_ratelimited"

urlpatterns = [
    path("", topic_views.home, name="home"),
    path("topics/<slug:slug>/", topic_views.topic_detail, name="topic_detail"),
    path("topics/<slug:slug>/anki.apkg", views_anki.topic_deck, name="topic_deck"),
    path("questions/<slug:slug>/", topic_views.question_detail, name="question_detail"),
    path("questions/", topic_views.question_list, name="question_list"),
    path("questions/<slug:slug>/studied/", progress_views.set_studied, name="set_studied"),
    path("questions/<slug:slug>/star/", progress_views.set_starred, name="set_starred"),
    path("questions/<slug:slug>/note/", progress_views.edit_note, name="edit_note"),
    path("questions/<slug:slug>/recall/", progress_views.rate_recall, name="rate_recall"),
    path("questions/<slug:slug>/run/", coding_views.submit, name="submit_code"),
    path("questions/<slug:slug>/solution/", coding_views.solution, name="exercise_solution"),
    path("runs/<int:run_id>/", coding_views.run_detail, name="run_detail"),
    path("questions/<slug:slug>/report/", report_views.report_problem, name="report_problem"),
    path("random/", topic_views.random_question, name="random_question"),
    path("review/", review_views.review_page, name="review"),
    path("review/settings/", review_views.review_settings, name="review_settings"),
    path("review/undo/", review_views.undo_rating, name="review_undo"),
    path("mock/", include("mock.urls")),
    path("account/progress/", account_views.progress_page, name="account_progress"),
    path("account/progress/export.json", account_views.export_json, name="export_json"),
    path("account/progress/marks.csv", account_views.export_csv, name="export_csv"),
    path("account/progress/import/", account_views.import_preview, name="import_preview"),
    path("account/progress/import/apply/", account_views.import_apply, name="import_apply"),
    path("account/progress/reset/", account_views.reset_confirm, name="reset_progress"),
    path("account/time-zone/", account.time_zone, name="time_zone"),
    path("account/delete/", account_views.delete_account, name="delete_account"),
    path("paths/", topic_views.path_list, name="path_list"),
    path("paths/<slug:slug>/", topic_views.path_detail, name="path_detail"),
    path("paths/<slug:slug>/anki.apkg", views_anki.path_deck, name="path_deck"),
    path("paths/<slug:slug>/follow/", progress_views.follow_path, name="follow_path"),
    path("accounts/signup/", account.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=passwords.LoginForm), name="login"),
    path("accounts/password_change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", passwords.password_reset, name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
