from django.urls import include, path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import urls_risks, urls_workshops, views
from .navigation import programme_pages

app_name = "programmes"

programme_patterns = [
    path("", views.ProgrammeDetailView.as_view(), name="detail"),
    path("edit/", views.ProgrammeUpdateView.as_view(), name="edit"),
    path("transition/", views.TransitionView.as_view(), name="transition"),
    path("transition/thresholds/", views.GateSettingsView.as_view(), name="gate_settings"),
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/<id:pk>/role/", views.MembershipRoleView.as_view(), name="member_role"),
    path("members/<id:pk>/remove/", views.MembershipRemoveView.as_view(), name="member_remove"),
    path("invitations/<id:pk>/revoke/", views.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("stakeholders/", views.StakeholdersView.as_view(), name="stakeholders"),
    path("stakeholders/new/", views.StakeholderFormView.as_view(), name="stakeholder_create"),
    path("stakeholders/<id:pk>/edit/", views.StakeholderFormView.as_view(), name="stakeholder_edit"),
    path("stakeholders/<id:pk>/delete/", views.StakeholderDeleteView.as_view(), name="stakeholder_delete"),
    *urls_workshops.patterns,
    *urls_risks.patterns,
    # The phase apps' pages, registered in their AppConfig.ready() (programmes/navigation.py).
    *(path(prefix, include(urlconf)) for prefix, urlconf in programme_pages.includes()),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.PortfolioView.as_view(), name="portfolio"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisations/<slug:org>/edit/", views.OrganisationUpdateView.as_view(), name="organisation_edit"),
    path("invitations/<token:token>/", views.invitation_view, name="invitation"),
    path("p/<slug:org>/<slug:slug>/", include(programme_patterns)),
]
