from django.contrib import admin

from progress.models import StudiedMark


@admin.register(StudiedMark)
class StudiedMarkAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "created_at"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username", "question__slug"]
    raw_id_fields = ["user", "question"]
