"""Data import pages: list, upload, detail with a progress bar that polls a partial, apply, cancel."""

from http import HTTPStatus

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from programmes.views import apply_validation_error
from programmes.views_base import ActionView

from . import import_services
from .forms_imports import DataImportForm
from .models import DataImport, FootfallDay
from .views import EDIT, TMixin

ACTIVE = {DataImport.Status.UPLOADED, DataImport.Status.CHECKING, DataImport.Status.IMPORTING}
STOP_POLLING = 286  # htmx stops polling on this status code
LIST_LIMIT = 100
PREVIEW_HEADERS = {
    "location": gettext_lazy("Location"),
    "date": gettext_lazy("Date"),
    "total": gettext_lazy("Pedestrians"),
    "direction_a": gettext_lazy("Direction 1"),
    "direction_b": gettext_lazy("Direction 2"),
    "adults": gettext_lazy("Adults"),
    "children": gettext_lazy("Children"),
    "temperature": gettext_lazy("Temperature (°C)"),
    "weather": gettext_lazy("Weather"),
    "hours": gettext_lazy("Hours"),
    "kpi": gettext_lazy("KPI"),
    "period_start": gettext_lazy("Period start"),
    "period_end": gettext_lazy("Period end"),
    "value": gettext_lazy("Value"),
    "note": gettext_lazy("Note"),
}


def kpi_detail_url(programme, kpi_id) -> str | None:
    """The KPI page, when the KPI pages are installed."""
    try:
        return reverse("programmes:transformation:kpi_detail", kwargs={**programme.url_kwargs, "pk": kpi_id})
    except NoReverseMatch:
        return None


class ImportListView(TMixin, TemplateView):
    permission_required = EDIT
    template_name = "transformation/imports/list.html"

    def get_context_data(self, **kwargs):
        imports = list(
            DataImport.objects.filter(programme=self.programme)
            .select_related("created_by", "kpi")
            .order_by("-created_at", "-pk")[:LIST_LIMIT]
        )
        return super().get_context_data(imports=imports, **kwargs)


class ImportCreateView(TMixin, FormView):
    permission_required = EDIT
    template_name = "transformation/imports/upload.html"
    form_class = DataImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.programme}

    def get_context_data(self, **kwargs):
        # Suggestions for the location field: the locations counted so far in this programme.
        known = (
            FootfallDay.objects.filter(programme=self.programme)
            .order_by("location")
            .values_list("location", flat=True)
            .distinct()[:LIST_LIMIT]
        )
        return super().get_context_data(known_locations=list(known), **kwargs)

    def form_valid(self, form):
        try:
            data_import = import_services.data_import_create(
                programme=self.programme,
                kind=form.cleaned_data["kind"],
                kpi=form.cleaned_data.get("kpi"),
                location=form.counter_location(),
                file=form.cleaned_data["file"],
                user=self.request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.t_url("import_detail", pk=data_import.pk))


class ImportMixin(TMixin):
    permission_required = EDIT

    @cached_property
    def data_import(self) -> DataImport:
        return get_object_or_404(
            DataImport.objects.filter(programme=self.programme).select_related("created_by", "kpi"),
            pk=self.kwargs["pk"],
        )

    def panel_context(self) -> dict:
        data_import = self.data_import
        summary = data_import.summary or {}
        kpi_links = []
        if data_import.status == DataImport.Status.DONE:
            kpis = [summary["kpi"]] if summary.get("kpi") else summary.get("kpis", [])
            kpi_links = [
                {"code": kpi.get("code", ""), "url": kpi_detail_url(self.programme, kpi["id"])}
                for kpi in kpis
            ]
        return {
            "data_import": data_import,
            "active": data_import.status in ACTIVE,
            "status_url": self.t_url("import_status", pk=data_import.pk),
            "apply_url": self.t_url("import_apply", pk=data_import.pk),
            "cancel_url": self.t_url("import_cancel", pk=data_import.pk),
            "preview": data_import.preview or {},
            "preview_headers": [
                PREVIEW_HEADERS.get(column, column)
                for column in (data_import.preview or {}).get("columns", [])
            ],
            "summary": summary,
            "kpi_links": kpi_links,
        }


class ImportDetailView(ImportMixin, TemplateView):
    template_name = "transformation/imports/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.panel_context(), **kwargs)


class ImportStatusView(ImportMixin, View):
    """The polled part of the detail page; answers 286 once the import has settled so htmx stops polling."""

    def get(self, request, *args, **kwargs):
        context = {**self.panel_context(), "programme": self.programme, "can_edit": True}
        status = HTTPStatus.OK if context["active"] or not request.htmx else STOP_POLLING
        return TemplateResponse(request, "transformation/imports/_panel.html", context, status=status)


class ImportActionView(ImportMixin, ActionView):
    """POST only: apply a checked import (in the background) or cancel it."""

    def success_url(self) -> str:
        return self.t_url("import_detail", pk=self.data_import.pk)

    def do_apply(self, request):
        import_services.data_import_enqueue_apply(data_import=self.data_import)

    def do_cancel(self, request):
        import_services.data_import_cancel(data_import=self.data_import)
        return _("The import was cancelled; nothing was imported.")
