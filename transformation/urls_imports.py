"""Data imports: upload, preview, progress, apply.

``patterns`` are mounted by transformation/urls.py in the namespace ``programmes:transformation``.
"""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_imports

patterns: list = [
    path("imports/", views_imports.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views_imports.ImportCreateView.as_view(), name="import_create"),
    path("imports/<id:pk>/", views_imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<id:pk>/status/", views_imports.ImportStatusView.as_view(), name="import_status"),
    path(
        "imports/<id:pk>/apply/",
        views_imports.ImportActionView.as_view(action="apply"),
        name="import_apply",
    ),
    path(
        "imports/<id:pk>/cancel/",
        views_imports.ImportActionView.as_view(action="cancel"),
        name="import_cancel",
    ),
]
