from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .forms import (
    GateSettingsForm,
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
    ProgrammeForm,
    StakeholderForm,
    TransitionForm,
)
from .gates import gate_registry
from .models import PHASE_ORDER, Invitation, Phase, Role
from .navigation import programme_pages
from .portfolio import portfolio_registry
from .risks import risk_warnings
from .views_base import ProgrammeMixin


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where the service named the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def home(request):
    if request.user.is_authenticated:
        return redirect("programmes:portfolio")
    return render(request, "programmes/home.html")


class PortfolioView(LoginRequiredMixin, TemplateView):
    template_name = "programmes/portfolio.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organisations = list(selectors.organisations_visible_to(user))
        selected = None
        slug = self.request.GET.get("organisation")
        if slug:
            selected = next((org for org in organisations if org.slug == slug), None)
            if selected is None:
                raise Http404
        programmes = list(selectors.portfolio(user, organisation=selected))
        columns = portfolio_registry.evaluate(programmes)
        for programme in programmes:
            programme.portfolio_cells = columns[programme.pk]
        groups = []
        for organisation in organisations:
            if selected and organisation != selected:
                continue
            groups.append(
                {
                    "organisation": organisation,
                    "programmes": [p for p in programmes if p.organisation_id == organisation.pk],
                }
            )
        context.update(
            groups=groups,
            organisations=organisations,
            selected=selected,
            phases=Phase,
            can_create=any(org.user_is_admin for org in organisations),
        )
        return context


class OrganisationCreateView(LoginRequiredMixin, FormView):
    template_name = "programmes/organisation_form.html"
    form_class = OrganisationForm

    def form_valid(self, form):
        try:
            organisation = services.organisation_create(creator=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Organisation “%(name)s” created. You are its admin.") % {"name": organisation}
        )
        return redirect(reverse("programmes:programme_create") + f"?organisation={organisation.slug}")


class OrganisationUpdateView(LoginRequiredMixin, FormView):
    template_name = "programmes/organisation_form.html"
    form_class = OrganisationForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(
            selectors.organisations_visible_to(request.user), slug=kwargs["org"]
        )
        if not request.user.has_perm("programmes.change_organisation", self.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def form_valid(self, form):
        try:
            services.organisation_update(organisation=self.organisation, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.organisation.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class ProgrammeCreateView(LoginRequiredMixin, FormView):
    template_name = "programmes/programme_form.html"
    form_class = ProgrammeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisations = list(selectors.organisations_administered_by(request.user))
            if not self.organisations:
                messages.info(
                    request, _("First create the organisation (your city) that hosts the programme.")
                )
                return redirect("programmes:organisation_create")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        slug = self.request.GET.get("organisation")
        chosen = next((org for org in self.organisations if org.slug == slug), None)
        if chosen:
            initial["organisation"] = chosen
        return initial

    def get_form_kwargs(self):
        from .models import Organisation

        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = Organisation.objects.filter(pk__in=[org.pk for org in self.organisations])
        return kwargs

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        try:
            programme = services.programme_create(
                organisation=organisation, creator=self.request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Programme “%(title)s” created. You lead it.") % {"title": programme}
        )
        return redirect(programme.get_absolute_url())


class ProgrammeDetailView(ProgrammeMixin, TemplateView):
    template_name = "programmes/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        context.update(
            transitions=list(selectors.programme_transitions(programme)[:20]),
            activity=selectors.programme_activity(programme),
            members=list(selectors.programme_members(programme)),
            phases=[
                {"value": value, "label": label, "current": value == programme.phase}
                for value, label in Phase.choices
            ],
            target_groups=_labels(programme.target_groups, "TARGET_GROUPS"),
            citizen_drivers=_labels(programme.citizen_drivers, "CITIZEN_DRIVERS"),
            action_fields=_labels(programme.action_fields, "ACTION_FIELDS"),
            phase_panels=programme_pages.panels(),
        )
        warnings = risk_warnings(programme)
        context.update(
            open_risks=[w for w in warnings if not w.acknowledged],
            acknowledged_risk_count=sum(1 for w in warnings if w.acknowledged),
        )
        return context


def _labels(values, list_name):
    from . import reference

    options = getattr(reference, list_name)
    return [reference.label_for(options, value) for value in values]


class ProgrammeUpdateView(ProgrammeMixin, FormView):
    template_name = "programmes/programme_form.html"
    form_class = ProgrammeForm
    permission_required = "programmes.change_programme"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme}

    def form_valid(self, form):
        try:
            programme = services.programme_update(programme=self.programme, **form.service_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(programme.get_absolute_url())


class TransitionView(ProgrammeMixin, FormView):
    """The gate page: every role of the programme reads the criteria; leads (and admins) move the phase.

    The rules of a move live in ``services.programme_transition``; the API calls the same service.
    """

    template_name = "programmes/transition.html"
    form_class = TransitionForm
    permission_required = "programmes.view_programme"
    post_permission_required = "programmes.transition_programme"

    @property
    def can_transition(self) -> bool:
        return self.request.user.has_perm(self.post_permission_required, self.programme)

    def get_initial(self):
        return {"expected_phase": self.programme.phase}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = services.gate_evaluate(programme=self.programme)
        to_phase, to_cycle = services.next_phase(self.programme)
        can_transition = self.can_transition
        if not can_transition:
            context.pop("form", None)
        context.update(
            criteria=results,
            unmet_count=sum(1 for result in results if not result.met),
            to_phase=Phase(to_phase).label,
            to_cycle=to_cycle,
            has_registered_criteria=bool(gate_registry.criteria_for(self.programme.phase)),
            can_transition=can_transition,
            can_edit_thresholds=self.request.user.has_perm("programmes.change_programme", self.programme),
            threshold_form=GateSettingsForm(programme=self.programme) if can_transition else None,
        )
        return context

    def form_valid(self, form):
        try:
            transition = services.programme_transition(
                programme=self.programme,
                user=self.request.user,
                rationale=form.cleaned_data["rationale"],
                override=form.cleaned_data["override"],
                expected_phase=form.cleaned_data.get("expected_phase") or None,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The programme is now in phase %(phase)s.") % {"phase": transition.get_to_phase_display()},
        )
        return redirect(self.programme.get_absolute_url())


class GateSettingsView(ProgrammeMixin, TemplateView):
    """Leads set the thresholds of the gate criteria of every phase, one form per phase (current phase first)."""

    template_name = "programmes/gate_settings.html"
    permission_required = "programmes.change_programme"

    def phase_forms(self, bound: GateSettingsForm | None = None) -> list[dict]:
        order = [self.programme.phase] + [p for p in PHASE_ORDER if p != self.programme.phase]
        forms = []
        for phase in order:
            form = bound if bound is not None and bound.phase == phase else None
            form = form or GateSettingsForm(programme=self.programme, phase=phase)
            if not form.has_thresholds:
                continue
            to_phase = services.phase_after(phase)
            forms.append(
                {
                    "phase": phase,
                    "heading": _("%(from)s → %(to)s") % {"from": Phase(phase).label, "to": to_phase.label},
                    "current": phase == self.programme.phase,
                    "form": form,
                }
            )
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phase_forms"] = self.phase_forms(kwargs.get("bound"))
        return context

    def post(self, request, *args, **kwargs):
        form = GateSettingsForm(request.POST, programme=self.programme, phase=request.POST.get("phase"))
        if form.is_valid():
            try:
                services.programme_gate_settings_update(
                    programme=self.programme, values=form.service_values()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Gate thresholds saved."))
                back = (
                    "programmes:transition"
                    if form.phase == self.programme.phase
                    else "programmes:gate_settings"
                )
                return redirect(back, **self.programme.url_kwargs)
        return self.render_to_response(self.get_context_data(bound=form))


class MembersView(ProgrammeMixin, TemplateView):
    template_name = "programmes/members.html"
    post_permission_required = "programmes.manage_members"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        context["members"] = list(selectors.programme_members(programme))
        context["role_choices"] = Role.choices
        if context["is_lead"]:
            context["invitations"] = list(selectors.programme_invitations(programme)[:50])
            context.setdefault("invite_form", InvitationForm())
        return context

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(
                    programme=self.programme,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("programmes:members", **self.programme.url_kwargs)
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class MembershipRoleView(ProgrammeMixin, View):
    permission_required = "programmes.manage_members"

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(self.programme.memberships.select_related("user"), pk=kwargs["pk"])
        form = MembershipRoleForm(request.POST)
        if form.is_valid():
            try:
                services.membership_change_role(
                    membership=membership, role=form.cleaned_data["role"], acting_user=request.user
                )
                messages.success(request, _("Role of %(user)s changed.") % {"user": membership.user})
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, _("Unknown role. Choose lead, member or stakeholder."))
        return redirect("programmes:members", **self.programme.url_kwargs)


class MembershipRemoveView(ProgrammeMixin, View):
    permission_required = "programmes.manage_members"

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(self.programme.memberships.select_related("user"), pk=kwargs["pk"])
        try:
            services.membership_remove(membership=membership, acting_user=request.user)
            messages.success(
                request, _("%(user)s was removed from the programme.") % {"user": membership.user}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("programmes:members", **self.programme.url_kwargs)


class InvitationRevokeView(ProgrammeMixin, View):
    permission_required = "programmes.manage_members"

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(self.programme.invitations, pk=kwargs["pk"])
        try:
            services.invitation_revoke(invitation=invitation)
            messages.success(request, _("Invitation revoked."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("programmes:members", **self.programme.url_kwargs)


def invitation_view(request, token: str):
    """Public: shows what the invitation is for; a signed-in person can accept it."""
    invitation = (
        Invitation.objects.by_token(token).select_related("programme__organisation", "invited_by").first()
    )
    if invitation is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("Welcome to “%(title)s”.") % {"title": invitation.programme})
        return HttpResponseRedirect(invitation.programme.get_absolute_url())
    return render(request, "programmes/invitation.html", {"invitation": invitation, "next": request.path})


class StakeholdersView(ProgrammeMixin, TemplateView):
    template_name = "programmes/stakeholders.html"
    permission_required = "programmes.view_stakeholders"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stakeholders = list(selectors.programme_stakeholders(self.programme))
        context.update(stakeholders=stakeholders, grid=selectors.stakeholder_grid(stakeholders))
        return context


class StakeholderFormView(ProgrammeMixin, FormView):
    template_name = "programmes/stakeholder_form.html"
    form_class = StakeholderForm
    permission_required = "programmes.change_stakeholders"

    def get_stakeholder(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.programme.stakeholders, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        stakeholder = self.get_stakeholder()
        if stakeholder is not None:
            kwargs["instance"] = stakeholder
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(stakeholder=self.get_stakeholder(), **kwargs)

    def form_valid(self, form):
        stakeholder = self.get_stakeholder()
        try:
            if stakeholder is None:
                services.stakeholder_create(programme=self.programme, **form.cleaned_data)
            else:
                services.stakeholder_update(stakeholder=stakeholder, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Stakeholder saved."))
        return redirect("programmes:stakeholders", **self.programme.url_kwargs)


class StakeholderDeleteView(ProgrammeMixin, View):
    permission_required = "programmes.change_stakeholders"

    def post(self, request, *args, **kwargs):
        stakeholder = get_object_or_404(self.programme.stakeholders, pk=kwargs["pk"])
        services.stakeholder_delete(stakeholder=stakeholder)
        messages.success(request, _("Stakeholder “%(name)s” deleted.") % {"name": stakeholder.name})
        return redirect("programmes:stakeholders", **self.programme.url_kwargs)
