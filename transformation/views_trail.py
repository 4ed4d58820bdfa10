"""The evidence trail of a measure and the retrospectives of a programme's cycles."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from concept.models import Measure
from programmes.views import apply_validation_error

from . import retrospectives
from .models import Retrospective
from .trail import measure_trail
from .views import EDIT, TMixin


class MeasureTrailView(TMixin, TemplateView):
    """One page that tells a measure's story from the visitors' findings to its KPI trend; all roles read it."""

    template_name = "transformation/trail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = get_object_or_404(
            Measure.objects.filter(programme=self.programme).select_related("owner"),
            pk=self.kwargs["measure"],
        )
        measure.programme = self.programme
        context.update(measure=measure, trail=measure_trail(measure))
        return context


class RetrospectiveForm(forms.ModelForm):
    class Meta:
        model = Retrospective
        fields = ["held_on", "went_well", "to_improve", "decision", "decision_reason"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "went_well": forms.Textarea(attrs={"rows": 4}),
            "to_improve": forms.Textarea(attrs={"rows": 4}),
            "decision_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        pass  # the service validates


class RetrospectiveListView(TMixin, TemplateView):
    template_name = "transformation/retrospectives.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(retrospectives.programme_retrospectives(self.programme))
        context.update(
            retrospectives=items,
            current_cycle_done=any(r.cycle == self.programme.cycle for r in items),
        )
        return context


class RetrospectiveFormView(TMixin, FormView):
    permission_required = EDIT
    template_name = "transformation/form.html"
    form_class = RetrospectiveForm

    @cached_property
    def retrospective(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Retrospective.objects.filter(programme=self.programme), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.retrospective is not None:
            kwargs["instance"] = self.retrospective
        return kwargs

    def get_context_data(self, **kwargs):
        cycle = self.retrospective.cycle if self.retrospective else self.programme.cycle
        return super().get_context_data(
            title=_("Retrospective of cycle %(cycle)d") % {"cycle": cycle},
            cancel_url=self.t_url("retrospective_list"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            if self.retrospective is None:
                retrospectives.retrospective_create(
                    programme=self.programme, created_by=self.request.user, **form.cleaned_data
                )
            else:
                retrospectives.retrospective_update(retrospective=self.retrospective, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Retrospective saved."))
        return redirect(self.t_url("retrospective_list"))
