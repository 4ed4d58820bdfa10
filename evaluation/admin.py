from django.contrib import admin

from .models import Choice, CollectionPoint, EvaluationSettings, Evidence, Finding, Question, Survey, Wave


class WaveInline(admin.TabularInline):
    model = Wave
    extra = 0


class CollectionPointInline(admin.TabularInline):
    model = CollectionPoint
    extra = 0
    readonly_fields = ["token"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "status", "response_target", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "programme__title"]
    readonly_fields = ["public_token", "status"]
    inlines = [WaveInline, CollectionPointInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "position", "type", "code", "required"]
    list_filter = ["type"]
    search_fields = ["text", "code", "survey__title"]
    inlines = [ChoiceInline]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    # documents are uploaded and handed out only through the programme pages, which check the role
    exclude = ["document"]
    readonly_fields = ["snapshot", "document_name"]
    raw_id_fields = ["question", "workshop"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["statement", "programme", "priority", "status", "created_at"]
    list_filter = ["priority", "status"]
    search_fields = ["statement", "programme__title"]
    inlines = [EvidenceInline]


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(admin.ModelAdmin):
    list_display = ["programme", "small_cell_threshold", "updated_at"]
    search_fields = ["programme__title"]
