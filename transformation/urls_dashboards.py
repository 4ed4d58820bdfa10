"""Programme dashboard, stakeholder view and share links.

``patterns`` are mounted by transformation/urls.py in the namespace ``programmes:transformation``.
"""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_dashboards as views

patterns: list = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/stakeholders/", views.StakeholderView.as_view(), name="stakeholder_view"),
    path("dashboard/share-links/", views.ShareLinksView.as_view(), name="share_links"),
    path(
        "dashboard/share-links/<id:link>/revoke/",
        views.ShareLinkRevokeView.as_view(),
        name="share_link_revoke",
    ),
]
