"""Pages of recurring KPI reports: schedules (leads and members), the archive (every role), preview, send now.

Stakeholders receive the reports and read the archive; schedules hold recipients' addresses and decide who
is mailed, so only leads and members see and manage them (403 for stakeholders).

A stored snapshot is shown inside a sandboxed iframe whose document comes from ``ReportSnapshotView`` with a
policy of its own (no script, no network, nothing but inline CSS and SVG).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from programmes.views import apply_validation_error
from programmes.views_base import ActionView

from . import reports
from .forms_reports import ReportScheduleForm
from .models import Report, ReportSchedule
from .views import EDIT, TMixin

SNAPSHOT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


class ScheduleMixin(TMixin):
    permission_required = EDIT

    @cached_property
    def schedule(self) -> ReportSchedule:
        return get_object_or_404(
            ReportSchedule.objects.filter(programme=self.programme), pk=self.kwargs["schedule"]
        )


class ReportMixin(TMixin):
    @cached_property
    def report(self) -> Report:
        return get_object_or_404(
            Report.objects.filter(programme=self.programme).select_related("schedule"),
            pk=self.kwargs["report"],
        )


class ReportArchiveView(TMixin, TemplateView):
    """Every report of the programme, newest period first (all roles)."""

    template_name = "transformation/reports/archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = list(reports.reports_for(self.programme)[:200])
        return context


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "transformation/reports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        context.update(
            report=report,
            deliveries=list(report.deliveries.all()) if context["can_edit"] else [],
            has_pdf=Report.objects.filter(pk=report.pk, pdf__isnull=False).exists(),
        )
        return context


def _snapshot_response(report: Report, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(report.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SNAPSHOT_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    if attachment:
        response["Content-Disposition"] = (
            f'attachment; filename="report-{report.pk}-{report.period_end}.html"'
        )
    return response


class ReportSnapshotView(ReportMixin, View):
    """The stored HTML, under a strict policy of its own, for the sandboxed frame of the detail page."""

    def get(self, request, *args, **kwargs):
        if not self.report.html:
            raise Http404
        return _snapshot_response(self.report, attachment=False)


class ReportDownloadView(ReportMixin, View):
    fmt = "html"

    def get(self, request, *args, **kwargs):
        report = self.report
        if self.fmt == "html":
            if not report.html:
                raise Http404
            return _snapshot_response(report, attachment=True)
        if not report.pdf:
            raise Http404
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="report-{report.pk}-{report.period_end}.pdf"'
        return response


class ReportRetryView(ReportMixin, ActionView):
    """POST only (leads and members): try a failed report again; reached addresses are not mailed twice."""

    permission_required = EDIT

    def success_url(self) -> str:
        return self.t_url("report_detail", report=self.report.pk)

    def do_retry(self, request):
        reports.report_retry(report=self.report)
        return _("The report is being built and sent again.")


class ScheduleListView(TMixin, TemplateView):
    permission_required = EDIT
    template_name = "transformation/reports/schedules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["schedules"] = list(reports.schedules_for(self.programme))
        return context


class ScheduleFormView(TMixin, FormView):
    """Create (no schedule id) or edit a schedule."""

    permission_required = EDIT
    template_name = "transformation/reports/schedule_form.html"
    form_class = ReportScheduleForm

    @cached_property
    def schedule(self):
        if "schedule" not in self.kwargs:
            return None
        return get_object_or_404(
            ReportSchedule.objects.filter(programme=self.programme), pk=self.kwargs["schedule"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.schedule is not None:
            kwargs["instance"] = self.schedule
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit report schedule") if self.schedule else _("New report schedule"),
            cancel_url=self.t_url("report_schedules"),
            schedule=self.schedule,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            if self.schedule is None:
                schedule = reports.report_schedule_create(
                    programme=self.programme, created_by=self.request.user, **form.service_fields()
                )
                messages.success(self.request, _("The report schedule is saved."))
            else:
                schedule = reports.report_schedule_update(schedule=self.schedule, **form.service_fields())
                messages.success(self.request, _("The report schedule is saved."))
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.t_url("report_schedules") + f"#schedule-{schedule.pk}")


class ScheduleActionView(ScheduleMixin, ActionView):
    """POST only: delete a schedule, or send its latest completed period now."""

    def success_url(self) -> str:
        return self.t_url("report_schedules")

    def do_delete(self, request):
        reports.report_schedule_delete(schedule=self.schedule)
        return _("The report schedule is deleted; its reports stay in the archive.")

    def do_send_now(self, request):
        report = reports.report_send_now(schedule=self.schedule)
        messages.success(
            request, _("The report “%(title)s” is being built and sent.") % {"title": report.title}
        )
        return redirect(self.t_url("report_archive"))


class SchedulePreviewView(ScheduleMixin, TemplateView):
    """The report of the current period up to today, built now and stored nowhere."""

    template_name = "transformation/reports/preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = reports.report_preview(schedule=self.schedule)
        context.update(schedule=self.schedule, **reports.report_context(data))
        return context
