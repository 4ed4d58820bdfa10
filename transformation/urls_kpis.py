"""KPI pages: list, detail, forms, measurements.

``patterns`` are mounted by transformation/urls.py in the namespace ``programmes:transformation``.
"""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_kpis

patterns: list = [
    path("kpis/", views_kpis.KpiListView.as_view(), name="kpi_list"),
    path("kpis/new/", views_kpis.KpiFormView.as_view(), name="kpi_create"),
    path("kpis/<id:pk>/", views_kpis.KpiDetailView.as_view(), name="kpi_detail"),
    path("kpis/<id:pk>/edit/", views_kpis.KpiFormView.as_view(), name="kpi_edit"),
    path("kpis/<id:pk>/delete/", views_kpis.KpiDeleteView.as_view(), name="kpi_delete"),
    path(
        "kpis/<id:pk>/measurements/new/",
        views_kpis.MeasurementFormView.as_view(),
        name="kpi_measurement_create",
    ),
    path(
        "kpis/<id:pk>/measurements/<id:measurement>/",
        views_kpis.MeasurementFormView.as_view(),
        name="kpi_measurement_edit",
    ),
    path(
        "kpis/<id:pk>/measurements/<id:measurement>/evidence/",
        views_kpis.MeasurementEvidenceView.as_view(),
        name="kpi_measurement_evidence",
    ),
    path(
        "kpis/<id:pk>/measurements/<id:measurement>/delete/",
        views_kpis.MeasurementDeleteView.as_view(action="delete"),
        name="kpi_measurement_delete",
    ),
]
