"""Risk radar and gate pages of a programme. Mounted by programmes/urls.py inside a programme (namespace ``programmes``)."""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_risks

patterns: list = [
    path("risks/", views_risks.RiskListView.as_view(), name="risks"),
    path("risks/acknowledge/", views_risks.RiskAcknowledgeView.as_view(), name="risk_acknowledge"),
    path("risks/unacknowledge/", views_risks.RiskUnacknowledgeView.as_view(), name="risk_unacknowledge"),
    path("risks/settings/", views_risks.RiskSettingsView.as_view(), name="risk_settings"),
]
