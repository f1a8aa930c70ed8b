from django.contrib import admin

from topics.models import Answer, PathStep, Question, Section, StudyPath, Topic


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "title", "slug"]
    ordering = ["order", "id"]
    extra = 0
    show_change_link = True


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "title", "slug", "difficulty", "archived"]
    ordering = ["order", "id"]
    extra = 0
    show_change_link = True


class AnswerInline(admin.StackedInline):
    model = Answer
    fields = ["order", "body"]
    extra = 0


class PathStepInline(admin.TabularInline):
    model = PathStep
    fields = ["order", "topic", "section", "note"]
    ordering = ["order", "id"]
    extra = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "slug"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "slug", "order"]
    list_filter = ["topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "slug"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "section", "difficulty", "order", "archived"]
    list_filter = ["difficulty", "archived", "section__topic"]
    list_select_related = ["section__topic"]
    search_fields = ["title", "slug"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "order"]
    list_select_related = ["question"]
    search_fields = ["question__title", "body"]


@admin.register(StudyPath)
class StudyPathAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "duration", "order", "archived"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PathStepInline]
