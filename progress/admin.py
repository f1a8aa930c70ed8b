from django.contrib import admin
from django.utils import timezone

from progress.models import (
    ActivityDay,
    FollowedPath,
    Note,
    Report,
    ReviewCard,
    ReviewLog,
    ReviewSettings,
    Star,
    StudiedMark,
)


@admin.register(StudiedMark)
class StudiedMarkAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "created_at"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username", "question__slug"]
    raw_id_fields = ["user", "question"]


@admin.register(FollowedPath)
class FollowedPathAdmin(admin.ModelAdmin):
    list_display = ["user", "path", "started_at", "target_date"]
    list_select_related = ["user", "path"]
    raw_id_fields = ["user"]


@admin.register(Star)
class StarAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "created_at"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "updated_at"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "desired_retention", "new_cards_per_day"]
    raw_id_fields = ["user"]


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "state", "due", "last_review"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    """Read-only: the review log is append-only."""

    list_display = ["user", "question", "rating", "reviewed_at", "due_after"]
    list_select_related = ["user", "question"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ActivityDay)
class ActivityDayAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "ticks", "reviews"]
    raw_id_fields = ["user"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation list: open reports first, newest first; staff mark them resolved."""

    list_display = ["question", "problem", "user", "created_at", "is_resolved"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]
    search_fields = ["problem", "suggestion", "question__slug", "question__title"]
    actions = ["mark_resolved"]

    @admin.display(boolean=True, description="Resolved")
    def is_resolved(self, report: Report) -> bool:
        return report.resolved

    @admin.action(description="Mark the selected reports resolved")
    def mark_resolved(self, request, queryset) -> None:
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"{count} report{'s' if count != 1 else ''} marked resolved.")
