"""Browser pages of Transformation inside a programme. Thin: they call services and selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from concept.models import Feasibility, Measure
from config.converters import parse_id
from programmes.rules import EDIT, LEAD
from programmes.selectors import programme_transitions
from programmes.views import apply_validation_error
from programmes.views_base import ActionView, ProgrammeMixin

from . import exporters, selectors, services
from .forms import (
    LINE_FORMS,
    BusinessCaseForm,
    CriterionForm,
    MilestoneForm,
    RecommendationForm,
    RolloutStageForm,
)
from .models import AppraisalCriterion, BusinessCase, Milestone, RolloutStage
from .services import LINE_MODELS, ConflictError


class TMixin(ProgrammeMixin):
    def t_url(self, name: str, **kwargs) -> str:
        if name == "overview":
            return reverse("programmes:transformation", kwargs=self.programme.url_kwargs)
        return reverse(f"programmes:transformation:{name}", kwargs={**self.programme.url_kwargs, **kwargs})


class CaseMixin(TMixin):
    @cached_property
    def case(self) -> BusinessCase:
        return get_object_or_404(
            selectors.business_case_with_lines(BusinessCase.objects.filter(programme=self.programme)),
            pk=self.kwargs["pk"],
        )

    def case_url(self) -> str:
        return self.t_url("case_detail", pk=self.case.pk)

    def conflict(self, error: ConflictError):
        messages.error(self.request, error.message)
        return redirect(self.case_url())


class OverviewView(TMixin, TemplateView):
    """The T start page: business cases with the programme roll-up, and measures in implementation."""

    template_name = "transformation/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        context.update(
            cases=list(selectors.business_cases_for(programme)),
            rollup=selectors.programme_rollup(programme),
            measures=list(
                Measure.objects.filter(
                    programme=programme, status__in=[Measure.Status.SELECTED, Measure.Status.IMPLEMENTATION]
                ).order_by("title")
            ),
        )
        return context


class CaseCreateView(TMixin, FormView):
    permission_required = EDIT
    template_name = "transformation/form.html"
    form_class = BusinessCaseForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programme"] = self.programme
        kwargs.setdefault("initial", {})["price_basis_year"] = timezone.localdate().year
        measure_id = parse_id(self.request.GET.get("measure"))
        if measure_id is not None:
            kwargs["initial"]["measure"] = measure_id
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New business case"), cancel_url=self.t_url("overview"), **kwargs
        )

    def form_valid(self, form):
        fields = form.service_fields()
        try:
            case = services.business_case_create(
                programme=self.programme, measure=form.cleaned_data.get("measure"), **fields
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.t_url("case_detail", pk=case.pk))


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "transformation/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.case
        results = selectors.case_figures(case)
        costs, benefits, _funding = selectors.yearly_series(case)
        base = results["base"].figures
        years = [
            {
                "year": t,
                "calendar_year": case.price_basis_year + t,
                "costs": costs[t],
                "benefits": benefits[t],
                "net": benefits[t] - costs[t],
                "cumulative": base.cumulative[t],
            }
            for t in range(case.horizon_years + 1)
        ]
        context.update(
            case=case,
            scenarios=list(results.values()),
            years=years,
            chart={
                "labels": [str(row["calendar_year"]) for row in years],
                "series": [
                    {"label": result.label, "values": [float(v) for v in result.figures.cumulative]}
                    for result in results.values()
                ],
            },
            sensitivity=selectors.case_sensitivity(case)[:10],
            points=selectors.appraisal_points(case),
            catalogues=AppraisalCriterion.Catalogue.choices,
            versions=selectors.case_versions(case),
            criterion_form=CriterionForm(),
            editable=not case.is_approved and context["can_edit"],
            pdf_available=exporters.pdf_available(),
        )
        return context


class CaseEditView(CaseMixin, FormView):
    permission_required = EDIT
    template_name = "transformation/form.html"
    form_class = BusinessCaseForm

    def get(self, request, *args, **kwargs):
        if self.case.is_approved:
            return self.conflict(ConflictError(_("This version is approved and frozen.")))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.programme, "instance": self.case}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit business case"), cancel_url=self.case_url(), **kwargs)

    def form_valid(self, form):
        try:
            services.business_case_update(case=self.case, **form.service_fields())
        except ConflictError as error:
            return self.conflict(error)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.case_url())


class RecommendationView(CaseEditView):
    form_class = RecommendationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("programme")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Recommendation")
        return context

    def form_valid(self, form):
        try:
            services.business_case_update(case=self.case, **form.cleaned_data)
        except ConflictError as error:
            return self.conflict(error)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.case_url())


class LineFormView(CaseMixin, FormView):
    """Add (no line id) or edit a cost, benefit or funding line."""

    permission_required = EDIT
    template_name = "transformation/form.html"

    @cached_property
    def line(self):
        if "line" not in self.kwargs:
            return None
        return get_object_or_404(
            LINE_MODELS[self.side].objects.filter(case=self.case), pk=self.kwargs["line"]
        )

    @cached_property
    def side(self) -> str:
        if self.kwargs["side"] not in LINE_MODELS:
            raise Http404
        return self.kwargs["side"]

    def get_form_class(self):
        return LINE_FORMS[self.side]

    def get(self, request, *args, **kwargs):
        if self.case.is_approved:
            return self.conflict(ConflictError(_("This version is approved and frozen.")))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.line is not None:
            kwargs["instance"] = self.line
        return kwargs

    def get_context_data(self, **kwargs):
        titles = {"cost": _("Cost line"), "benefit": _("Benefit line"), "funding": _("Funding line")}
        delete_url = (
            self.t_url("line_delete", pk=self.case.pk, side=self.side, line=self.line.pk)
            if self.line
            else None
        )
        return super().get_context_data(
            title=titles[self.side], cancel_url=self.case_url(), delete_url=delete_url, **kwargs
        )

    def form_valid(self, form):
        try:
            if self.line is None:
                services.line_add(case=self.case, side=self.side, **form.cleaned_data)
            else:
                services.line_update(line=self.line, **form.cleaned_data)
        except ConflictError as error:
            return self.conflict(error)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.case_url())


class CaseActionView(CaseMixin, ActionView):
    """POST-only actions on a case: delete a line or criterion, add a criterion, take over, approve, new version."""

    permission_required = EDIT

    def dispatch(self, request, *args, **kwargs):
        if self.action == "approve":
            self.permission_required = LEAD
        return super().dispatch(request, *args, **kwargs)

    def success_url(self) -> str:
        return self.case_url()

    def do_line_delete(self, request):
        side = self.kwargs["side"]
        if side not in LINE_MODELS:
            raise Http404
        services.line_delete(
            line=get_object_or_404(LINE_MODELS[side].objects.filter(case=self.case), pk=self.kwargs["line"])
        )

    def do_criterion_add(self, request):
        form = CriterionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("The criterion was not saved: %(errors)s") % {"errors": _errors(form)})
        services.criterion_add(case=self.case, **form.cleaned_data)

    def do_criterion_delete(self, request):
        services.criterion_delete(
            criterion=get_object_or_404(
                AppraisalCriterion.objects.filter(case=self.case), pk=self.kwargs["criterion"]
            )
        )

    def do_take_over(self, request):
        created = services.business_case_take_over_feasibility(case=self.case)
        return ngettext(
            "%(n)s line taken over from Konzeption.",
            "%(n)s lines taken over from Konzeption.",
            len(created),
        ) % {"n": len(created)}

    def do_approve(self, request):
        services.business_case_approve(case=self.case, user=request.user)
        return _("The business case is approved and frozen.")

    def do_new_version(self, request):
        copy = services.business_case_new_version(case=self.case)
        messages.success(request, _("Draft version %(v)s created.") % {"v": copy.version})
        return redirect(self.t_url("case_detail", pk=copy.pk))

    def do_delete(self, request):
        services.business_case_delete(case=self.case)
        messages.success(request, _("Business case deleted."))
        return redirect(self.t_url("overview"))


def _errors(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


class CasePrintView(CaseDetailView):
    template_name = "transformation/case_print.html"


class CaseExportView(CaseMixin, View):
    fmt = "xlsx"

    def get(self, request, *args, **kwargs):
        case = self.case
        filename = f"business-case-{case.pk}-v{case.version}"
        if self.fmt == "xlsx":
            response = HttpResponse(
                exporters.business_case_xlsx(case),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        if not exporters.pdf_available():
            raise Http404
        view = CasePrintView()
        view.setup(request, *args, **kwargs)
        html = view.get(request, *args, **kwargs).rendered_content
        response = HttpResponse(exporters.html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response


# --- Implementation plan ---------------------------------------------------------------------------------


class MeasureMixin(TMixin):
    @cached_property
    def measure(self) -> Measure:
        return get_object_or_404(Measure.objects.filter(programme=self.programme), pk=self.kwargs["measure"])

    def plan_url(self) -> str:
        return self.t_url("plan", measure=self.measure.pk)


class PlanView(MeasureMixin, TemplateView):
    template_name = "transformation/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.measure
        milestones = selectors.milestones_for(measure)
        context.update(
            measure=measure,
            milestones=milestones,
            quick_wins=[m for m in milestones if m.quick_win],
            other_milestones=[m for m in milestones if not m.quick_win],
            quick_win_warning=selectors.quick_win_warning(milestones),
            rollout=list(measure.rollout_stages.all()),
            timeline=selectors.measure_timeline(measure, milestones),
            steps=range(selectors.TIMELINE_STEPS),
            feasibility=Feasibility.objects.filter(measure=measure).first(),
            raci_rows=list(measure.raci_rows.all()),
            in_implementation=measure.status == Measure.Status.IMPLEMENTATION,
            today=timezone.localdate(),
        )
        return context


class PlanActionView(MeasureMixin, ActionView):
    """POST-only: start the implementation, delete a milestone or a rollout stage."""

    permission_required = EDIT

    def success_url(self) -> str:
        return self.plan_url()

    def do_start(self, request):
        services.measure_start_implementation(measure=self.measure)

    def do_milestone_delete(self, request):
        services.milestone_delete(
            milestone=get_object_or_404(
                Milestone.objects.filter(measure=self.measure), pk=self.kwargs["item"]
            )
        )

    def do_rollout_delete(self, request):
        services.rollout_stage_delete(
            stage=get_object_or_404(RolloutStage.objects.filter(measure=self.measure), pk=self.kwargs["item"])
        )


class PlanItemFormView(MeasureMixin, FormView):
    """Add or edit a milestone, or add a rollout stage."""

    permission_required = EDIT
    template_name = "transformation/form.html"
    kind = "milestone"

    @cached_property
    def item(self):
        if "item" not in self.kwargs:
            return None
        return get_object_or_404(Milestone.objects.filter(measure=self.measure), pk=self.kwargs["item"])

    def get_form_class(self):
        return MilestoneForm if self.kind == "milestone" else RolloutStageForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.kind == "milestone":
            kwargs["measure"] = self.measure
            if self.item is not None:
                kwargs["instance"] = self.item
        return kwargs

    def get_context_data(self, **kwargs):
        title = _("Milestone") if self.kind == "milestone" else _("Rollout stage")
        delete_url = (
            self.t_url("milestone_delete", measure=self.measure.pk, item=self.item.pk) if self.item else None
        )
        return super().get_context_data(
            title=title, cancel_url=self.plan_url(), delete_url=delete_url, **kwargs
        )

    def form_valid(self, form):
        try:
            if self.kind == "rollout":
                services.rollout_stage_create(measure=self.measure, **form.cleaned_data)
            elif self.item is None:
                services.milestone_create(measure=self.measure, **form.cleaned_data)
            else:
                services.milestone_update(milestone=self.item, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.plan_url())


class TimelineView(TMixin, TemplateView):
    """The programme's timeline: every milestone of every measure."""

    template_name = "transformation/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            timeline=selectors.programme_timeline(self.programme),
            transitions=list(programme_transitions(self.programme).order_by("decided_at", "id")),
            steps=range(selectors.TIMELINE_STEPS),
            today=timezone.localdate(),
        )
        return context
