from django.contrib import admin

from mock.models import MockItem, MockSession


class ReadOnlyAdmin(admin.ModelAdmin):
    """A user's own record of their practice: staff can look and delete, not write."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MockItemInline(admin.TabularInline):
    model = MockItem
    fields = ["position", "question", "started_at", "revealed_at", "graded_at", "checked", "checklist_size", "rating"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MockSession)
class MockSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "source",
        "source_value",
        "question_count",
        "minutes_per_question",
        "created_at",
        "finished_at",
    ]
    list_filter = ["source"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    inlines = [MockItemInline]


@admin.register(MockItem)
class MockItemAdmin(ReadOnlyAdmin):
    list_display = ["session", "position", "question", "rating", "checklist_size", "started_at", "graded_at"]
    list_select_related = ["session__user", "question"]
    raw_id_fields = ["session", "question"]
