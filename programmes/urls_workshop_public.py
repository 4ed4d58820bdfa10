"""A guest's personal workshop link: vote without an account, and download the calendar entry. Mounted at ``/w/``
by config/urls.py."""

from django.urls import path

import config.converters  # noqa: F401  (registers the "token" converter)

from . import views_workshops as views

app_name = "workshop_public"

urlpatterns = [
    path("<token:token>/", views.GuestVoteView.as_view(), name="guest"),
    path("<token:token>/results/", views.GuestResultsView.as_view(), name="guest_results"),
    path("<token:token>/invitation.ics", views.GuestIcsView.as_view(), name="guest_ics"),
]
