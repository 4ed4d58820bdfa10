from django.contrib import admin

from .models import (
    CriteriaSet,
    Criterion,
    Feasibility,
    FundingSource,
    JourneyStage,
    Measure,
    MeasureTemplate,
    ProviderOption,
    RaciRow,
    Touchpoint,
)


class TouchpointInline(admin.TabularInline):
    model = Touchpoint
    extra = 0


@admin.register(JourneyStage)
class JourneyStageAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "programme", "position"]
    search_fields = ["name", "programme__title"]
    inlines = [TouchpointInline]


class RaciRowInline(admin.TabularInline):
    model = RaciRow
    extra = 0


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0


class ProviderOptionInline(admin.TabularInline):
    model = ProviderOption
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """Status changes go through the services (select needs evidence), so the status is read-only here."""

    list_display = ["title", "programme", "status", "impact", "effort", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "programme__title"]
    readonly_fields = ["status", "rejection_reason"]
    filter_horizontal = ["stages", "touchpoints", "findings"]
    inlines = [RaciRowInline, FundingSourceInline, ProviderOptionInline]


@admin.register(Feasibility)
class FeasibilityAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "organisation_verdict",
        "provider_verdict",
        "operating_verdict",
        "financing_verdict",
    ]
    list_filter = ["organisation_verdict", "provider_verdict", "operating_verdict", "financing_verdict"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    inlines = [CriterionInline]


@admin.register(MeasureTemplate)
class MeasureTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "action_field", "typical_effort", "shared_with_network"]
    list_filter = ["shared_with_network", "action_field"]
    search_fields = ["title"]
