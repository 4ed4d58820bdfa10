from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import reference
from .models import Organisation, Programme, Role, Stakeholder


class ReferenceListMixin:
    """Turns JSON list fields into checkboxes of the default list plus a box for the programme's own entries."""

    reference_lists = {
        "target_groups": reference.TARGET_GROUPS,
        "citizen_drivers": reference.CITIZEN_DRIVERS,
        "action_fields": reference.ACTION_FIELDS,
    }

    def setup_reference_lists(self) -> None:
        for name, defaults in self.reference_lists.items():
            current = list(self.initial.get(name) or (getattr(self.instance, name, None) or []))
            custom = [value for value in current if value not in dict(defaults)]
            model_field = self.instance._meta.get_field(name)
            self.fields[name] = forms.MultipleChoiceField(
                label=model_field.verbose_name,
                choices=[*defaults, *[(value, value) for value in custom]],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=current,
            )
            self.fields[f"{name}_extra"] = forms.CharField(
                label=_("Further entries (one per line)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def clean_reference_lists(self, cleaned: dict) -> None:
        for name in self.reference_lists:
            values = list(cleaned.get(name) or [])
            for line in (cleaned.pop(f"{name}_extra", "") or "").splitlines():
                entry = line.strip()
                if len(entry) > 80:
                    self.add_error(f"{name}_extra", _("An entry may have at most 80 characters."))
                elif entry and entry not in values:
                    values.append(entry)
            cleaned[name] = values


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "region", "size_class"]
        help_texts = {"slug": _("Lower-case letters, digits and hyphens; appears in addresses.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))
        if not slug:
            raise forms.ValidationError(_("Please enter a short name."))
        if Organisation.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This short name is already taken. Please choose another one."))
        return slug


class ProgrammeForm(ReferenceListMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))

    class Meta:
        model = Programme
        fields = [
            "organisation",
            "title",
            "slug",
            "summary",
            "vision",
            "strategy",
            "start_date",
            "end_date",
            "budget",
            "status",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "vision": forms.Textarea(attrs={"rows": 4}),
            "strategy": forms.Textarea(attrs={"rows": 4}),
            "budget": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }
        help_texts = {
            "slug": _(
                "Lower-case letters, digits and hyphens; appears in addresses. Left empty, it follows the title."
            ),
            "vision": _(
                "Where should the city stand digitally in a few years, seen from its visitors and citizens?"
            ),
        }

    field_order = [
        "organisation",
        "title",
        "slug",
        "summary",
        "vision",
        "strategy",
        "target_groups",
        "target_groups_extra",
        "citizen_drivers",
        "citizen_drivers_extra",
        "action_fields",
        "action_fields_extra",
        "start_date",
        "end_date",
        "budget",
        "status",
    ]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = (
                organisations if organisations is not None else Organisation.objects.none()
            )
            if organisations is not None and len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0]
        self.setup_reference_lists()
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        self.clean_reference_lists(cleaned)
        # The short name (empty: it follows the title) and the dates are checked by the service.
        budget = cleaned.get("budget")
        if budget is not None and budget < 0:
            self.add_error("budget", _("The budget must not be negative."))
        return cleaned

    def _post_clean(self):
        # Validation of the model happens in the service (full_clean); here only the form's own checks run.
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class TransitionForm(forms.Form):
    rationale = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stays on record on the programme's timeline."),
    )
    override = forms.BooleanField(
        label=_("Override unmet criteria (the reason above must explain why)"), required=False
    )
    expected_phase = forms.CharField(widget=forms.HiddenInput, required=False)


class ThresholdsForm(forms.Form):
    """One number field per threshold a registry (gates or risk rules) declares, named ``<key>__<name>``."""

    thresholds: list = []

    def add_threshold_fields(self, registry, programme, thresholds) -> None:
        self.thresholds = list(thresholds)
        for key, threshold in self.thresholds:
            self.fields[f"{key}__{threshold.name}"] = forms.IntegerField(
                label=threshold.label,
                min_value=threshold.min_value,
                max_value=threshold.max_value,
                initial=registry.threshold(programme, key, threshold.name),
                help_text=_("Default: %(default)d") % {"default": threshold.default},
            )

    @property
    def has_thresholds(self) -> bool:
        return bool(self.thresholds)

    def service_values(self) -> dict[str, dict[str, int]]:
        values: dict[str, dict[str, int]] = {}
        for key, threshold in self.thresholds:
            values.setdefault(key, {})[threshold.name] = self.cleaned_data[f"{key}__{threshold.name}"]
        return values


class GateSettingsForm(ThresholdsForm):
    """The thresholds of one phase's gate criteria (by default the current phase), one number field each.

    A hidden ``phase`` field says which phase's gate the form edits, so one page can hold a form per phase.
    """

    def __init__(self, *args, programme, phase: str | None = None, **kwargs):
        from .gates import gate_registry
        from .models import Phase

        phase = phase if phase in Phase.values else programme.phase
        kwargs.setdefault("auto_id", f"id_{phase}_%s")  # unique ids when a page holds one form per phase
        super().__init__(*args, **kwargs)
        self.phase = phase
        self.fields["phase"] = forms.CharField(widget=forms.HiddenInput, initial=self.phase, required=False)
        self.add_threshold_fields(gate_registry, programme, gate_registry.thresholds_for(self.phase))


class RiskSettingsForm(ThresholdsForm):
    """The thresholds of the risk rules for this programme (e.g. after how many days content is stale)."""

    def __init__(self, *args, programme, **kwargs):
        from .risks import risk_registry

        kwargs.setdefault("auto_id", "id_risk_%s")
        super().__init__(*args, **kwargs)
        self.add_threshold_fields(risk_registry, programme, risk_registry.all_thresholds())


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "group",
            "organisation_name",
            "contact",
            "influence",
            "interest",
            "last_engaged_on",
            "engagement_notes",
        ]
        widgets = {
            "influence": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "interest": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "last_engaged_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "engagement_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "influence": _("1 = hardly any influence on the programme, 5 = can decide on it."),
            "interest": _("1 = hardly affected or interested, 5 = strongly affected or interested."),
        }
