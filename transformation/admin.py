from django.contrib import admin

from .models import (
    AppraisalCriterion,
    BenefitLine,
    BusinessCase,
    CostLine,
    FundingLine,
    Milestone,
    RolloutStage,
)


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


class BenefitLineInline(admin.TabularInline):
    model = BenefitLine
    extra = 0


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0


class CriterionInline(admin.TabularInline):
    model = AppraisalCriterion
    extra = 0


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "measure", "version", "status", "approved_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["programme", "measure"]
    raw_id_fields = ["programme", "measure", "previous", "approved_by"]
    readonly_fields = ["snapshot", "approved_at", "approved_by"]
    inlines = [CostLineInline, BenefitLineInline, FundingLineInline, CriterionInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "measure", "start", "due", "status", "quick_win"]
    list_filter = ["status", "quick_win"]
    list_select_related = ["measure"]
    raw_id_fields = ["measure", "depends_on"]


@admin.register(RolloutStage)
class RolloutStageAdmin(admin.ModelAdmin):
    list_display = ["name", "measure", "date"]
    list_select_related = ["measure"]
    raw_id_fields = ["measure"]
