"""Public, token-protected pages (no login): the shared stakeholder dashboard. Mounted at /share/."""

from django.urls import path

import config.converters  # noqa: F401  (registers the "token" converter)

from . import views_dashboards

app_name = "share"
urlpatterns: list = [
    path("<token:token>/", views_dashboards.shared_dashboard, name="dashboard"),
]
