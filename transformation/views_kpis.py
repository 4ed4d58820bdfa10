"""KPI pages: list, create/edit/delete, detail with chart and footfall, measurements by hand. Thin views."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from programmes.views import apply_validation_error
from programmes.views_base import ActionView

from . import kpis, services_kpis
from .catalogue import catalogue_entry
from .forms_kpis import CatalogueChoiceForm, KPIForm, MeasurementForm
from .models import KPI, Measurement
from .views import EDIT, TMixin

MEASUREMENTS_PER_PAGE = 50


class KpiMixin(TMixin):
    @cached_property
    def kpi(self) -> KPI:
        return get_object_or_404(
            KPI.objects.filter(programme=self.programme).select_related("journey_stage", "source_question"),
            pk=self.kwargs["pk"],
        )

    def kpi_url(self) -> str:
        return self.t_url("kpi_detail", pk=self.kpi.pk)


class KpiListView(TMixin, TemplateView):
    template_name = "transformation/kpis/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summaries = kpis.kpi_summaries(self.programme)
        context.update(
            summaries=summaries,
            counts=kpis.status_counts(summaries),
            status_rule=kpis.STATUS_RULE,
            catalogue_form=CatalogueChoiceForm(),
        )
        return context


class KpiFormView(TMixin, FormView):
    """Create a KPI (optionally prefilled from a catalogue entry: ?catalogue=<key>) or edit one."""

    permission_required = EDIT
    template_name = "transformation/kpis/form.html"
    form_class = KPIForm

    @cached_property
    def kpi(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(KPI.objects.filter(programme=self.programme), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programme"] = self.programme
        if self.kpi is not None:
            kwargs["instance"] = self.kpi
        else:
            entry = catalogue_entry(self.request.GET.get("catalogue", ""))
            if entry is not None:
                kwargs["initial"] = {**kwargs.get("initial", {}), **entry.kpi_fields()}
        return kwargs

    def get_context_data(self, **kwargs):
        if self.kpi is None:
            title, cancel, delete_url = _("New KPI"), self.t_url("kpi_list"), None
        else:
            title = _("Edit KPI")
            cancel = self.t_url("kpi_detail", pk=self.kpi.pk)
            delete_url = self.t_url("kpi_delete", pk=self.kpi.pk)
        return super().get_context_data(title=title, cancel_url=cancel, delete_url=delete_url, **kwargs)

    def form_valid(self, form):
        try:
            if self.kpi is None:
                kpi = services_kpis.kpi_create(programme=self.programme, **form.service_fields())
            else:
                kpi = services_kpis.kpi_update(kpi=self.kpi, **form.service_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("KPI saved."))
        return redirect(self.t_url("kpi_detail", pk=kpi.pk))


class KpiDetailView(KpiMixin, TemplateView):
    template_name = "transformation/kpis/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kpi = self.kpi
        series = kpis.kpi_series(kpi)
        newest_first = list(reversed(series.measurements))
        page = Paginator(newest_first, MEASUREMENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        chart = series.chart()
        chart["names"] = {
            "measurements": _("Measurements"),
            "path": _("Target path"),
            "band_low": _("Band from"),
            "band_high": _("Band to"),
        }
        # The path starts with the baseline only when the baseline has a date (kpis.target_path); a baseline
        # without a date is no point of the path, and the path's first point is then the first target.
        baseline_on_path = kpi.baseline_value is not None and kpi.baseline_date is not None
        path_rows = [
            {
                "date": when,
                "value": value,
                "label": _("Baseline") if index == 0 and baseline_on_path else _("Target"),
            }
            for index, (when, value) in enumerate(series.path)
            if when != date.min
        ]
        context.update(
            kpi=kpi,
            series=series,
            summary=series.summary,
            chart=chart,
            path_rows=path_rows,
            page=page,
            targets=list(kpi.targets.all()),
            measures=list(kpi.measures.order_by("title")),
            footfall=kpis.kpi_footfall(kpi),
            status_rule=kpis.STATUS_RULE,
            measurement_form=MeasurementForm() if context["can_edit"] else None,
        )
        return context


class KpiDeleteView(KpiMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        services_kpis.kpi_delete(kpi=self.kpi)
        messages.success(request, _("KPI deleted."))
        return redirect(self.t_url("kpi_list"))


class MeasurementFormView(KpiMixin, FormView):
    """Add (no measurement id) or edit a measurement by hand."""

    permission_required = EDIT
    template_name = "transformation/kpis/form.html"
    form_class = MeasurementForm

    @cached_property
    def measurement(self):
        if "measurement" not in self.kwargs:
            return None
        return get_object_or_404(Measurement.objects.filter(kpi=self.kpi), pk=self.kwargs["measurement"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.measurement is not None:
            kwargs["instance"] = self.measurement
        return kwargs

    def get_context_data(self, **kwargs):
        delete_url = (
            self.t_url("kpi_measurement_delete", pk=self.kpi.pk, measurement=self.measurement.pk)
            if self.measurement
            else None
        )
        title = _("Measurement of %(kpi)s") % {"kpi": self.kpi.name}
        return super().get_context_data(
            title=title, cancel_url=self.kpi_url(), delete_url=delete_url, kpi=self.kpi, **kwargs
        )

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        if fields.get("evidence_file") is False:  # "clear" ticked
            fields["evidence_file"] = ""
        elif not fields.get("evidence_file"):
            fields.pop("evidence_file", None)  # keep an existing file when none is uploaded
        try:
            if self.measurement is None:
                services_kpis.measurement_create(kpi=self.kpi, user=self.request.user, **fields)
            else:
                services_kpis.measurement_update(measurement=self.measurement, **fields)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Measurement saved."))
        return redirect(self.kpi_url())


class MeasurementEvidenceView(KpiMixin, View):
    """The evidence file of a measurement, for everyone who may read the KPI; always as a download."""

    def get(self, request, *args, **kwargs):
        measurement = get_object_or_404(Measurement.objects.filter(kpi=self.kpi), pk=kwargs["measurement"])
        if not measurement.evidence_file:
            raise Http404
        try:
            handle = measurement.evidence_file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        name = measurement.evidence_file.name.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name)


class MeasurementDeleteView(KpiMixin, ActionView):
    permission_required = EDIT

    def success_url(self) -> str:
        return self.kpi_url()

    def do_delete(self, request):
        services_kpis.measurement_delete(
            measurement=get_object_or_404(
                Measurement.objects.filter(kpi=self.kpi), pk=self.kwargs["measurement"]
            )
        )
        return _("Measurement deleted.")
