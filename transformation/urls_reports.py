"""Report schedules, archive, preview and send now.

``patterns`` are mounted by transformation/urls.py in the namespace ``programmes:transformation``.
"""

from django.urls import path

import config.converters  # noqa: F401  (registers the "id" converter)

from . import views_reports as views

patterns: list = [
    path("reports/", views.ReportArchiveView.as_view(), name="report_archive"),
    path("reports/<id:report>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<id:report>/snapshot/", views.ReportSnapshotView.as_view(), name="report_snapshot"),
    path(
        "reports/<id:report>/download.html",
        views.ReportDownloadView.as_view(fmt="html"),
        name="report_download_html",
    ),
    path(
        "reports/<id:report>/download.pdf",
        views.ReportDownloadView.as_view(fmt="pdf"),
        name="report_download_pdf",
    ),
    path("reports/<id:report>/retry/", views.ReportRetryView.as_view(action="retry"), name="report_retry"),
    path("reports/schedules/", views.ScheduleListView.as_view(), name="report_schedules"),
    path("reports/schedules/new/", views.ScheduleFormView.as_view(), name="report_schedule_create"),
    path("reports/schedules/<id:schedule>/", views.ScheduleFormView.as_view(), name="report_schedule_edit"),
    path(
        "reports/schedules/<id:schedule>/delete/",
        views.ScheduleActionView.as_view(action="delete"),
        name="report_schedule_delete",
    ),
    path(
        "reports/schedules/<id:schedule>/send-now/",
        views.ScheduleActionView.as_view(action="send_now"),
        name="report_send_now",
    ),
    path(
        "reports/schedules/<id:schedule>/preview/",
        views.SchedulePreviewView.as_view(),
        name="report_preview",
    ),
]
