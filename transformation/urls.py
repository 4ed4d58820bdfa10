"""Transformation pages inside a programme, mounted under p/<org>/<slug>/transformation/ (registered in apps.py).

The start page keeps the hub's name ``programmes:transformation``; every other page lives in the nested
namespace ``programmes:transformation:<name>``.
"""

from django.urls import include, path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import urls_dashboards, urls_imports, urls_kpis, urls_reports, urls_trail, views

case_patterns = [
    path("", views.CaseDetailView.as_view(), name="case_detail"),
    path("edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("recommendation/", views.RecommendationView.as_view(), name="case_recommendation"),
    path("lines/<str:side>/new/", views.LineFormView.as_view(), name="line_create"),
    path("lines/<str:side>/<id:line>/", views.LineFormView.as_view(), name="line_edit"),
    path(
        "lines/<str:side>/<id:line>/delete/",
        views.CaseActionView.as_view(action="line_delete"),
        name="line_delete",
    ),
    path("criteria/", views.CaseActionView.as_view(action="criterion_add"), name="criterion_add"),
    path(
        "criteria/<id:criterion>/delete/",
        views.CaseActionView.as_view(action="criterion_delete"),
        name="criterion_delete",
    ),
    path("take-over/", views.CaseActionView.as_view(action="take_over"), name="case_take_over"),
    path("approve/", views.CaseActionView.as_view(action="approve"), name="case_approve"),
    path("new-version/", views.CaseActionView.as_view(action="new_version"), name="case_new_version"),
    path("delete/", views.CaseActionView.as_view(action="delete"), name="case_delete"),
    path("print/", views.CasePrintView.as_view(), name="case_print"),
    path("export.xlsx", views.CaseExportView.as_view(fmt="xlsx"), name="case_xlsx"),
    path("export.pdf", views.CaseExportView.as_view(fmt="pdf"), name="case_pdf"),
]

plan_patterns = [
    path("", views.PlanView.as_view(), name="plan"),
    path("start/", views.PlanActionView.as_view(action="start"), name="plan_start"),
    path("milestones/new/", views.PlanItemFormView.as_view(kind="milestone"), name="milestone_create"),
    path("milestones/<id:item>/", views.PlanItemFormView.as_view(kind="milestone"), name="milestone_edit"),
    path(
        "milestones/<id:item>/delete/",
        views.PlanActionView.as_view(action="milestone_delete"),
        name="milestone_delete",
    ),
    path("rollout/new/", views.PlanItemFormView.as_view(kind="rollout"), name="rollout_create"),
    path(
        "rollout/<id:item>/delete/",
        views.PlanActionView.as_view(action="rollout_delete"),
        name="rollout_delete",
    ),
]

transformation_patterns = [
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<id:pk>/", include(case_patterns)),
    path("plan/<id:measure>/", include(plan_patterns)),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    *urls_kpis.patterns,
    *urls_imports.patterns,
    *urls_reports.patterns,
    *urls_dashboards.patterns,
    *urls_trail.patterns,
]

urlpatterns = [
    path("", views.OverviewView.as_view(), name="transformation"),
    path("", include((transformation_patterns, "transformation"))),
]
