from django.contrib import admin

from progress.models import ActivityDay, FollowedPath, Note, ReviewCard, ReviewLog, ReviewSettings, Star, StudiedMark


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
