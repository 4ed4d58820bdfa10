"""Konzeption pages inside a programme, mounted under p/<org>/<slug>/konzeption/ (registered in apps.py).

The start page keeps the hub's name ``programmes:konzeption``; every other page lives in the nested
namespace ``programmes:konzeption:<name>``.
"""

from django.urls import include, path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views

measure_patterns = [
    path("", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("edit/", views.MeasureFormView.as_view(), name="measure_edit"),
    path("select/", views.MeasureActionView.as_view(action="select"), name="measure_select"),
    path("shortlist/", views.MeasureActionView.as_view(action="shortlist"), name="measure_shortlist"),
    path("reject/", views.MeasureActionView.as_view(action="reject"), name="measure_reject"),
    path("implement/", views.MeasureActionView.as_view(action="implement"), name="measure_implement"),
    path("prioritise/", views.MeasureActionView.as_view(action="prioritise"), name="measure_prioritise"),
    path(
        "save-template/",
        views.MeasureActionView.as_view(action="save_template"),
        name="measure_save_template",
    ),
    path("delete/", views.MeasureActionView.as_view(action="delete"), name="measure_delete"),
    path("feasibility/", views.FeasibilityView.as_view(), name="feasibility"),
    path("feasibility/raci/", views.FeasibilityRowView.as_view(action="raci_add"), name="raci_add"),
    path(
        "feasibility/raci/<id:row>/delete/",
        views.FeasibilityRowView.as_view(action="raci_delete"),
        name="raci_delete",
    ),
    path("feasibility/funding/", views.FeasibilityRowView.as_view(action="funding_add"), name="funding_add"),
    path(
        "feasibility/funding/<id:row>/delete/",
        views.FeasibilityRowView.as_view(action="funding_delete"),
        name="funding_delete",
    ),
    path("providers/", views.ProvidersView.as_view(), name="providers"),
]

konzeption_patterns = [
    path("journey/", views.JourneyMapView.as_view(), name="journey"),
    path("journey/stages/", views.StageListView.as_view(), name="stages"),
    path("journey/stages/<id:pk>/edit/", views.StageEditView.as_view(), name="stage_edit"),
    path("journey/stages/<id:pk>/move/", views.StageActionView.as_view(action="move"), name="stage_move"),
    path(
        "journey/stages/<id:pk>/delete/", views.StageActionView.as_view(action="delete"), name="stage_delete"
    ),
    path("touchpoints/new/", views.TouchpointFormView.as_view(), name="touchpoint_create"),
    path("touchpoints/<id:pk>/edit/", views.TouchpointFormView.as_view(), name="touchpoint_edit"),
    path("touchpoints/<id:pk>/delete/", views.TouchpointDeleteView.as_view(), name="touchpoint_delete"),
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/new/", views.MeasureFormView.as_view(), name="measure_create"),
    path("measures/<id:pk>/", include(measure_patterns)),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("library/<id:pk>/use/", views.TemplateUseView.as_view(), name="template_use"),
]

urlpatterns = [
    path("", views.KonzeptionOverviewView.as_view(), name="konzeption"),
    path("", include((konzeption_patterns, "konzeption"))),
]
