"""Browser pages of Konzeption inside a programme. Thin: they call services and selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from config.converters import parse_id
from evaluation.models import Finding
from programmes.rules import EDIT
from programmes.views import apply_validation_error
from programmes.views_base import ActionView, ProgrammeMixin

from . import gates, selectors, services
from .forms import (
    ChooseCriteriaSetForm,
    CriteriaSetForm,
    FeasibilityForm,
    FundingSourceForm,
    MeasureFilterForm,
    MeasureForm,
    PrioritiseForm,
    ProviderForm,
    RaciRowForm,
    RejectForm,
    SaveTemplateForm,
    ScoresForm,
    StageForm,
    TouchpointForm,
)
from .models import FundingSource, JourneyStage, Measure, ProviderOption, RaciRow, Touchpoint


class KMixin(ProgrammeMixin):
    def k_url(self, name: str, **kwargs) -> str:
        return reverse(f"programmes:konzeption:{name}", kwargs={**self.programme.url_kwargs, **kwargs})


class KonzeptionOverviewView(KMixin, TemplateView):
    """The K start page: how far the gate criteria are met, and where to go next."""

    template_name = "concept/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        counts = dict.fromkeys(Measure.Status.values, 0)
        counts.update(
            Measure.objects.filter(programme=programme)
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
            .order_by()
        )
        context.update(
            criteria=[criterion(programme) for _key, criterion in gates.CRITERIA],
            status_counts=[(label, counts[value]) for value, label in Measure.Status.choices],
        )
        return context


# --- Journey ---------------------------------------------------------------------------------------------


class JourneyMapView(KMixin, TemplateView):
    template_name = "concept/journey_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.journey_map(self.programme))
        return context


class StageListView(KMixin, FormView):
    """Edit the journey's stages: rename, add, delete and reorder (up/down buttons work without JS)."""

    template_name = "concept/stages.html"
    form_class = StageForm
    permission_required = EDIT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = list(selectors.programme_stages(self.programme))
        return context

    def form_valid(self, form):
        try:
            services.stage_create(programme=self.programme, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Journey stage added."))
        return redirect(self.k_url("stages"))


class StageMixin(KMixin):
    permission_required = EDIT

    @cached_property
    def stage(self) -> JourneyStage:
        return get_object_or_404(JourneyStage.objects.filter(programme=self.programme), pk=self.kwargs["pk"])


class StageEditView(StageMixin, FormView):
    template_name = "concept/form.html"
    form_class = StageForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.stage}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit journey stage"), cancel_url=self.k_url("stages"), **kwargs
        )

    def form_valid(self, form):
        try:
            services.stage_update(stage=self.stage, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.k_url("stages"))


class StageActionView(StageMixin, View):
    action = "move"

    def post(self, request, *args, **kwargs):
        if self.action == "delete":
            services.stage_delete(stage=self.stage)
            messages.success(request, _("Journey stage deleted."))
        else:
            try:
                services.stage_move(stage=self.stage, direction=request.POST.get("direction", ""))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect(self.k_url("stages"))


class TouchpointFormView(KMixin, FormView):
    template_name = "concept/form.html"
    form_class = TouchpointForm
    permission_required = EDIT

    @cached_property
    def touchpoint(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            Touchpoint.objects.filter(stage__programme=self.programme).select_related("stage"),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "programme": self.programme, "instance": self.touchpoint}
        return kwargs

    def get_initial(self):
        stage = parse_id(self.request.GET.get("stage"))
        return {"stage": stage} if stage is not None else {}

    def get_context_data(self, **kwargs):
        title = _("Edit touchpoint") if self.touchpoint else _("New touchpoint")
        context = super().get_context_data(**kwargs, title=title, cancel_url=self.k_url("journey"))
        if self.touchpoint:
            context["delete_url"] = self.k_url("touchpoint_delete", pk=self.touchpoint.pk)
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        stage = data.pop("stage")
        try:
            if self.touchpoint:
                services.touchpoint_update(touchpoint=self.touchpoint, stage=stage, **data)
            else:
                services.touchpoint_create(stage=stage, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Touchpoint saved."))
        return redirect(self.k_url("journey"))


class TouchpointDeleteView(KMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        touchpoint = get_object_or_404(
            Touchpoint.objects.filter(stage__programme=self.programme), pk=kwargs["pk"]
        )
        services.touchpoint_delete(touchpoint=touchpoint)
        messages.success(request, _("Touchpoint deleted."))
        return redirect(self.k_url("journey"))


# --- Measures --------------------------------------------------------------------------------------------


class MeasureListView(KMixin, TemplateView):
    template_name = "concept/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MeasureFilterForm(self.request.GET or None, programme=self.programme)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        context.update(
            filter_form=form,
            measures=list(
                selectors.programme_measures(
                    self.programme,
                    stage=filters.get("stage"),
                    status=filters.get("status") or "",
                    min_score=filters.get("min_score"),
                    sort=filters.get("sort") or "score",
                )
            ),
        )
        return context


class MeasureMixin(KMixin):
    @cached_property
    def measure(self) -> Measure:
        return get_object_or_404(selectors.measure_detail(self.programme), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        kwargs["measure"] = self.measure
        return super().get_context_data(**kwargs)


class MeasureFormView(KMixin, FormView):
    """Create or edit a measure; ``?finding=<id>`` prefills it from a finding (its stage and the link)."""

    template_name = "concept/measure_form.html"
    form_class = MeasureForm
    permission_required = EDIT

    @cached_property
    def measure(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Measure.objects.filter(programme=self.programme), pk=self.kwargs["pk"])

    @cached_property
    def source_finding(self):
        value = parse_id(self.request.GET.get("finding"))
        if self.measure or value is None:
            return None
        return Finding.objects.filter(programme=self.programme, pk=value).first()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.programme, "instance": self.measure}

    def get_initial(self):
        finding = self.source_finding
        if finding is None:
            return {}
        lookup = selectors._stage_lookup(list(selectors.programme_stages(self.programme)))
        stage = selectors.stage_for_finding(finding, lookup)
        return {
            "title": finding.statement[:200],
            "findings": [finding.pk],
            "stages": [stage.pk] if stage else [],
            "target_groups": [finding.target_group] if finding.target_group else [],
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, source_finding=self.source_finding)

    def form_valid(self, form):
        try:
            if self.measure:
                measure = services.measure_update(measure=self.measure, **form.measure_fields())
            else:
                measure = services.measure_create(programme=self.programme, **form.measure_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Measure saved."))
        return redirect(self.k_url("measure_detail", pk=measure.pk))


class MeasureDetailView(MeasureMixin, TemplateView):
    template_name = "concept/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feasibility = services.feasibility_for(self.measure)
        context.update(
            feasibility=feasibility,
            financing=selectors.financing_summary(self.measure, feasibility),
            prioritise_form=PrioritiseForm(
                initial={"impact": self.measure.impact, "effort": self.measure.effort}
            ),
            reject_form=RejectForm(),
            template_form=SaveTemplateForm(),
        )
        return context


class MeasureActionView(MeasureMixin, ActionView):
    """POST-only status changes and scoring of one measure."""

    permission_required = EDIT
    action = "select"

    def success_url(self) -> str:
        return self.k_url("measure_detail", pk=self.measure.pk)

    def do_select(self, request):
        services.measure_select(measure=self.measure)
        return _("Measure selected.")

    def do_shortlist(self, request):
        services.measure_shortlist(measure=self.measure)
        return _("Measure shortlisted.")

    def do_implement(self, request):
        services.measure_start_implementation(measure=self.measure)
        return _("Measure moved to implementation.")

    def do_reject(self, request):
        services.measure_reject(measure=self.measure, reason=request.POST.get("rejection_reason", ""))
        return _("Measure rejected.")

    def do_prioritise(self, request):
        form = PrioritiseForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.measure_prioritise(measure=self.measure, **form.cleaned_data)
        return _("Impact and effort saved.")

    def do_save_template(self, request):
        form = SaveTemplateForm(request.POST)
        form.is_valid()
        services.measure_save_as_template(measure=self.measure, **form.cleaned_data)
        return _("Saved to the measure library.")

    def do_delete(self, request):
        services.measure_delete(measure=self.measure)
        messages.success(request, _("Measure deleted."))
        return redirect(self.k_url("measure_list"))


class MatrixView(KMixin, TemplateView):
    template_name = "concept/matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = selectors.prioritisation_matrix(self.programme)
        return context


# --- Feasibility -----------------------------------------------------------------------------------------


class FeasibilityView(MeasureMixin, FormView):
    template_name = "concept/feasibility.html"
    form_class = FeasibilityForm
    post_permission_required = EDIT

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "measure": self.measure,
            "instance": services.feasibility_for(self.measure),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feasibility = services.feasibility_for(self.measure)
        context.update(
            financing=selectors.financing_summary(self.measure, feasibility),
            raci_form=RaciRowForm(prefix="raci"),
            funding_form=FundingSourceForm(prefix="funding"),
        )
        return context

    def form_valid(self, form):
        try:
            services.feasibility_update(measure=self.measure, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Feasibility saved."))
        return redirect(self.k_url("feasibility", pk=self.measure.pk))


class FeasibilityRowView(MeasureMixin, View):
    """Add or remove a RACI row or a funding source (POST only)."""

    permission_required = EDIT
    action = "raci_add"

    def post(self, request, *args, **kwargs):
        measure = self.measure
        if self.action in ("raci_add", "funding_add"):
            form_class, prefix = (
                (RaciRowForm, "raci") if self.action == "raci_add" else (FundingSourceForm, "funding")
            )
            form = form_class(request.POST, prefix=prefix)
            if form.is_valid():
                try:
                    if self.action == "raci_add":
                        services.raci_row_add(measure=measure, **form.cleaned_data)
                    else:
                        services.funding_source_add(measure=measure, **form.cleaned_data)
                    messages.success(request, _("Row added."))
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
            else:
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        elif self.action == "raci_delete":
            services.raci_row_delete(row=get_object_or_404(RaciRow, measure=measure, pk=kwargs["row"]))
        elif self.action == "funding_delete":
            services.funding_source_delete(
                source=get_object_or_404(FundingSource, measure=measure, pk=kwargs["row"])
            )
        return redirect(self.k_url("feasibility", pk=measure.pk))


class ProvidersView(MeasureMixin, TemplateView):
    """Provider comparison (Nutzwertanalyse): criteria set, providers, scores, weighted totals and ranking."""

    template_name = "concept/providers.html"
    post_permission_required = EDIT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feasibility = services.feasibility_for(self.measure)
        criteria_set = feasibility.criteria_set
        criteria = list(criteria_set.criteria.all()) if criteria_set else []
        providers = selectors.provider_ranking(self.measure, criteria_set)
        sets = selectors.criteria_sets_for(self.programme.organisation)
        context.update(
            feasibility=feasibility,
            criteria_set=criteria_set,
            criteria=criteria,
            providers=providers,
            scores_form=kwargs.get("scores_form") or ScoresForm(providers=providers, criteria=criteria),
            provider_form=kwargs.get("provider_form") or ProviderForm(prefix="provider"),
            criteria_set_form=kwargs.get("criteria_set_form") or CriteriaSetForm(prefix="cs"),
            choose_form=ChooseCriteriaSetForm(queryset=sets, initial={"criteria_set": criteria_set}),
            has_sets=sets.exists(),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        measure = self.measure
        try:
            if action == "provider_add":
                form = ProviderForm(request.POST, prefix="provider")
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(provider_form=form))
                services.provider_create(measure=measure, **form.cleaned_data)
            elif action == "provider_delete":
                provider = get_object_or_404(
                    ProviderOption, measure=measure, pk=parse_id(request.POST.get("provider")) or 0
                )
                services.provider_delete(provider=provider)
            elif action == "criteria_set_create":
                form = CriteriaSetForm(request.POST, prefix="cs")
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(criteria_set_form=form))
                try:
                    criteria_set = services.criteria_set_create(
                        organisation=self.programme.organisation, user=request.user, **form.cleaned_data
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
                    return self.render_to_response(self.get_context_data(criteria_set_form=form))
                services.feasibility_update(measure=measure, criteria_set=criteria_set)
            elif action == "criteria_set_choose":
                form = ChooseCriteriaSetForm(
                    request.POST, queryset=selectors.criteria_sets_for(self.programme.organisation)
                )
                if not form.is_valid():
                    messages.error(request, _("Please choose one of the criteria sets."))
                    return redirect(self.k_url("providers", pk=measure.pk))
                services.feasibility_update(measure=measure, criteria_set=form.cleaned_data["criteria_set"])
            elif action == "scores":
                feasibility = services.feasibility_for(measure)
                criteria = list(feasibility.criteria_set.criteria.all()) if feasibility.criteria_set else []
                providers = selectors.provider_ranking(measure, feasibility.criteria_set)
                form = ScoresForm(request.POST, providers=providers, criteria=criteria)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(scores_form=form))
                by_id = {p.pk: p for p in providers}
                for provider_id, scores in form.scores().items():
                    services.provider_scores_set(provider=by_id[provider_id], scores=scores)
            else:
                messages.error(request, _("Unknown action; nothing was changed."))
                return redirect(self.k_url("providers", pk=measure.pk))
            messages.success(request, _("Provider comparison saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.k_url("providers", pk=measure.pk))


# --- Library ---------------------------------------------------------------------------------------------


class LibraryView(KMixin, TemplateView):
    template_name = "concept/library.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["templates"] = list(selectors.templates_for(self.programme.organisation))
        return context


class TemplateUseView(KMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        template = get_object_or_404(selectors.templates_for(self.programme.organisation), pk=kwargs["pk"])
        measure = services.measure_create_from_template(programme=self.programme, template=template)
        messages.success(request, _("Measure created from the template. Link the findings it answers."))
        return redirect(self.k_url("measure_edit", pk=measure.pk))
