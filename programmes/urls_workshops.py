"""Workshop pages of a programme. Mounted by programmes/urls.py inside a programme (namespace ``programmes``)."""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_workshops as views

patterns: list = [
    path("workshops/", views.WorkshopListView.as_view(), name="workshop_list"),
    path("workshops/new/", views.WorkshopCreateView.as_view(), name="workshop_create"),
    path("workshops/<id:pk>/", views.WorkshopDetailView.as_view(), name="workshop_detail"),
    path("workshops/<id:pk>/edit/", views.WorkshopEditView.as_view(), name="workshop_edit"),
    path("workshops/<id:pk>/delete/", views.WorkshopDeleteView.as_view(), name="workshop_delete"),
    path("workshops/<id:pk>/voting/", views.VotingToggleView.as_view(), name="workshop_voting"),
    path("workshops/<id:pk>/vote/", views.VoteView.as_view(), name="workshop_vote"),
    path("workshops/<id:pk>/votes/reset/", views.VotesResetView.as_view(), name="workshop_votes_reset"),
    path("workshops/<id:pk>/results/", views.ResultsPartialView.as_view(), name="workshop_results"),
    path("workshops/<id:pk>/minutes/", views.MinutesView.as_view(), name="workshop_minutes"),
    path("workshops/<id:pk>/minutes.pdf", views.MinutesPdfView.as_view(), name="workshop_minutes_pdf"),
    path("workshops/<id:pk>/invitation.ics", views.IcsView.as_view(), name="workshop_ics"),
    path(
        "workshops/<id:pk>/participants/", views.ParticipantAddView.as_view(), name="workshop_participant_add"
    ),
    path(
        "workshops/<id:pk>/participants/<id:participant>/remove/",
        views.ParticipantRemoveView.as_view(),
        name="workshop_participant_remove",
    ),
    path(
        "workshops/<id:pk>/participants/<id:participant>/link/renew/",
        views.GuestLinkView.as_view(action="renew"),
        name="workshop_guest_link_renew",
    ),
    path(
        "workshops/<id:pk>/participants/<id:participant>/link/revoke/",
        views.GuestLinkView.as_view(action="revoke"),
        name="workshop_guest_link_revoke",
    ),
    path("workshops/<id:pk>/agenda/", views.AgendaAddView.as_view(), name="workshop_agenda_add"),
    path("workshops/<id:pk>/agenda/<id:item>/", views.AgendaEditView.as_view(), name="workshop_agenda_edit"),
    path(
        "workshops/<id:pk>/agenda/<id:item>/move/",
        views.AgendaMoveView.as_view(),
        name="workshop_agenda_move",
    ),
    path(
        "workshops/<id:pk>/agenda/<id:item>/delete/",
        views.AgendaDeleteView.as_view(),
        name="workshop_agenda_delete",
    ),
    path("workshops/<id:pk>/outputs/", views.OutputAddView.as_view(), name="workshop_output_add"),
    path("workshops/<id:pk>/subjects/", views.SubjectsAddView.as_view(), name="workshop_subjects_add"),
    path(
        "workshops/<id:pk>/outputs/<id:output>/", views.OutputEditView.as_view(), name="workshop_output_edit"
    ),
    path(
        "workshops/<id:pk>/outputs/<id:output>/delete/",
        views.OutputDeleteView.as_view(),
        name="workshop_output_delete",
    ),
    path(
        "workshops/<id:pk>/outputs/<id:output>/convert/<slug:kind>/",
        views.OutputConvertView.as_view(),
        name="workshop_output_convert",
    ),
    path(
        "workshops/<id:pk>/outputs/<id:output>/target/",
        views.OutputTargetView.as_view(),
        name="workshop_output_target",
    ),
]
