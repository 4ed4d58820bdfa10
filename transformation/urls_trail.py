"""The evidence trail of a measure and the retrospectives of the cycles.

``patterns`` are mounted by transformation/urls.py in the namespace ``programmes:transformation``.
"""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_trail

patterns: list = [
    path("measures/<id:measure>/trail/", views_trail.MeasureTrailView.as_view(), name="measure_trail"),
    path("retrospectives/", views_trail.RetrospectiveListView.as_view(), name="retrospective_list"),
    path("retrospectives/new/", views_trail.RetrospectiveFormView.as_view(), name="retrospective_create"),
    path(
        "retrospectives/<id:pk>/edit/", views_trail.RetrospectiveFormView.as_view(), name="retrospective_edit"
    ),
]
