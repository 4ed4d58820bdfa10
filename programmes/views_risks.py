"""The risk radar of a programme: computed warnings with explanations; leads and members acknowledge them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from . import services
from .forms import RiskSettingsForm
from .risks import risk_acknowledge, risk_registry, risk_unacknowledge, risk_warnings
from .views import apply_validation_error
from .views_base import ProgrammeMixin


class AcknowledgeForm(forms.Form):
    rule = forms.CharField(max_length=80, widget=forms.HiddenInput)
    subject = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Why is the risk acceptable, or what is being done about it?"),
    )


class RiskListView(ProgrammeMixin, TemplateView):
    """Every warning of the radar, open ones first; all roles read it."""

    template_name = "programmes/risks/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        warnings = risk_warnings(self.programme)
        open_warnings = [w for w in warnings if not w.acknowledged]
        programme = self.programme
        can_change = self.request.user.has_perm("programmes.change_programme", programme)
        context.update(
            open_warnings=open_warnings,
            acknowledged_warnings=[w for w in warnings if w.acknowledged],
            failed=kwargs.get("failed"),
            failed_form=kwargs.get("failed_form"),
            rule_settings=[
                {"threshold": t, "value": risk_registry.threshold(programme, key, t.name)}
                for key, t in risk_registry.all_thresholds()
            ],
            settings_form=(kwargs.get("settings_form") or RiskSettingsForm(programme=programme))
            if can_change
            else None,
        )
        return context


class RiskSettingsView(ProgrammeMixin, View):
    """Leads (and organisation admins) set the thresholds of the risk rules for their programme."""

    permission_required = "programmes.change_programme"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RiskSettingsForm(request.POST, programme=self.programme)
        if form.is_valid():
            try:
                services.programme_risk_settings_update(
                    programme=self.programme, values=form.service_values()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Risk rule settings saved."))
                return redirect("programmes:risks", **self.programme.url_kwargs)
        view = RiskListView()
        view.setup(request, *args, **kwargs)
        return view.render_to_response(view.get_context_data(settings_form=form), status=400)


class RiskAcknowledgeView(ProgrammeMixin, View):
    permission_required = "programmes.edit_content"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                risk_acknowledge(
                    programme=self.programme,
                    rule=form.cleaned_data["rule"],
                    subject=form.cleaned_data["subject"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The warning is acknowledged with your note."))
                # The programme page offers the same form; send the user back where they came from.
                back = (
                    "programmes:detail" if request.POST.get("return_to") == "detail" else "programmes:risks"
                )
                return redirect(back, **self.programme.url_kwargs)
        view = RiskListView()
        view.setup(request, *args, **kwargs)
        context = view.get_context_data(
            failed=(form.data.get("rule", ""), form.data.get("subject", "")), failed_form=form
        )
        return view.render_to_response(context, status=400)


class RiskUnacknowledgeView(ProgrammeMixin, View):
    permission_required = "programmes.edit_content"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if risk_unacknowledge(
            programme=self.programme,
            rule=request.POST.get("rule", "")[:80],
            subject=request.POST.get("subject", "")[:80],
        ):
            messages.success(request, _("The acknowledgement is withdrawn; the warning is open again."))
        return redirect("programmes:risks", **self.programme.url_kwargs)
