"""Evaluation pages inside a programme, mounted under p/<org>/<slug>/evaluation/ (registered in apps.py).

The start page keeps the hub's name ``programmes:evaluation``; every other page lives in the nested
namespace ``programmes:evaluation:<name>``.
"""

from django.urls import include, path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views

survey_patterns = [
    path("", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("edit/", views.SurveyUpdateView.as_view(), name="survey_edit"),
    path("publish/", views.SurveyActionView.as_view(action="publish"), name="survey_publish"),
    path("close/", views.SurveyActionView.as_view(action="close"), name="survey_close"),
    path("waves/new/", views.WaveStartView.as_view(), name="wave_start"),
    path("delete/", views.SurveyActionView.as_view(action="delete"), name="survey_delete"),
    path("questions/new/", views.QuestionFormView.as_view(), name="question_create"),
    path("questions/<id:question>/edit/", views.QuestionFormView.as_view(), name="question_edit"),
    path(
        "questions/<id:question>/delete/",
        views.QuestionActionView.as_view(action="delete"),
        name="question_delete",
    ),
    path(
        "questions/<id:question>/move/", views.QuestionActionView.as_view(action="move"), name="question_move"
    ),
    path("questions/reorder/", views.QuestionReorderView.as_view(), name="questions_reorder"),
    path("sections/new/", views.SectionCreateView.as_view(), name="section_create"),
    path("sections/<id:section>/edit/", views.SectionFormView.as_view(), name="section_edit"),
    path("sections/<id:section>/delete/", views.SectionDeleteView.as_view(), name="section_delete"),
    path("points/new/", views.CollectionPointCreateView.as_view(), name="point_create"),
    path("points/<id:point>/delete/", views.CollectionPointDeleteView.as_view(), name="point_delete"),
    path("qr.svg", views.QRCodeView.as_view(kind="svg"), name="survey_qr_svg"),
    path("qr.png", views.QRCodeView.as_view(kind="png"), name="survey_qr_png"),
    path("poster/", views.PosterView.as_view(), name="survey_poster"),
    path("points/<id:point>/qr.svg", views.QRCodeView.as_view(kind="svg"), name="point_qr_svg"),
    path("points/<id:point>/qr.png", views.QRCodeView.as_view(kind="png"), name="point_qr_png"),
    path("points/<id:point>/poster/", views.PosterView.as_view(), name="point_poster"),
    path("results/", views.ResultsView.as_view(), name="results"),
    path("results/split/", views.SplitResultsView.as_view(), name="split"),
    path("results/questions/<id:question>/texts/", views.TextAnswersView.as_view(), name="text_answers"),
    path("compare/", views.WaveComparisonView.as_view(), name="compare"),
    path("export.csv", views.ExportView.as_view(kind="csv"), name="export_csv"),
    path("export.xlsx", views.ExportView.as_view(kind="xlsx"), name="export_xlsx"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("imports/", views.ImportBatchListView.as_view(), name="import_batches"),
    path("imports/<id:batch>/undo/", views.ImportBatchUndoView.as_view(), name="import_undo"),
    path("responses/", views.ResponseListView.as_view(), name="responses"),
    path("responses/delete/", views.ResponseDeleteView.as_view(), name="responses_delete"),
]

evaluation_patterns = [
    path("surveys/new/", views.SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/<id:survey>/", include(survey_patterns)),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("settings/", views.EvaluationSettingsView.as_view(), name="settings"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/new/", views.FindingFormView.as_view(), name="finding_create"),
    path("findings/from-question/", views.FindingFromQuestionView.as_view(), name="finding_from_question"),
    path("findings/<id:finding>/edit/", views.FindingFormView.as_view(), name="finding_edit"),
    path("findings/<id:finding>/delete/", views.FindingDeleteView.as_view(), name="finding_delete"),
    path("evidence/<id:evidence>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("evidence/<id:evidence>/document/", views.EvidenceDocumentView.as_view(), name="evidence_document"),
]

urlpatterns = [
    path("", views.EvaluationOverviewView.as_view(), name="evaluation"),
    path("", include((evaluation_patterns, "evaluation"))),
]
