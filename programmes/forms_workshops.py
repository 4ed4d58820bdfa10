"""Forms of the workshop pages. Thin: the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AgendaItem, Phase, Workshop, WorkshopOutput
from .workshops import anonymity_is_locked, busiest_participant_dots, template_choices, votable_objects

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkshopForm(forms.ModelForm):
    """Create (optionally from a template) or edit a workshop."""

    template = forms.ChoiceField(
        label=_("template"),
        required=False,
        help_text=_("A template fills in the phase, title and an agenda with time boxes."),
    )

    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Workshop
        fields = [
            "template",
            "title",
            "phase",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "facilitator",
            "description",
            "dots_per_participant",
            "anonymous_voting",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_at": _("Left empty, the end follows from the agenda's time boxes."),
            "anonymous_voting": _("Results then show only the dots per output, not who voted what."),
        }

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("no template (empty agenda)")), *template_choices()]
        self.fields["phase"].choices = [("", _("from the template or the programme")), *Phase.choices]
        if creating:
            self.fields["title"].required = False
            self.fields["phase"].required = False
            self.fields["ends_at"].required = False
            self.fields["title"].help_text = _("Left empty, the template's title is used.")
        else:
            del self.fields["template"]
        self.fields["dots_per_participant"] = forms.IntegerField(
            label=self.fields["dots_per_participant"].label,
            min_value=1,
            max_value=20,
            initial=self.fields["dots_per_participant"].initial or 3,
        )
        if not creating:
            self._explain_voting_limits()
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def _explain_voting_limits(self) -> None:
        """Once dots are placed, the form says what can no longer change (the service enforces it)."""
        workshop = self.instance
        busiest = busiest_participant_dots(workshop)
        if busiest:
            self.fields["dots_per_participant"].help_text = ngettext(
                "A participant has already placed %(busiest)s dot: at least %(busiest)s, unless you reset the vote.",
                "A participant has already placed %(busiest)s dots: at least %(busiest)s, unless you reset the vote.",
                busiest,
            ) % {"busiest": busiest}
        if anonymity_is_locked(workshop):
            field = self.fields["anonymous_voting"]
            field.disabled = True
            field.help_text = _(
                "Dots have already been placed anonymously, so the voting stays anonymous: switching it off "
                "would reveal who voted what."
            )

    def clean(self):
        cleaned = super().clean()
        if "template" in self.fields and not cleaned.get("template") and not cleaned.get("title"):
            self.add_error("title", _("Give a title or choose a template."))
        return cleaned

    def _post_clean(self):
        # The service validates the model; ModelForm's own instance validation would miss the template rules.
        pass

    def service_fields(self) -> dict:
        """The cleaned data for the service; on creation, empty title/phase/end leave room for the template."""
        data = dict(self.cleaned_data)
        for name in ("title", "phase", "ends_at", "template"):
            if name in data and data[name] in (None, ""):
                data.pop(name)
        return data


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("member of the programme"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Or leave empty and name a guest below."),
    )
    name = forms.CharField(label=_("name of the guest"), max_length=200, required=False)
    email = forms.EmailField(label=_("e-mail address"), required=False)
    organisation = forms.CharField(label=_("organisation"), max_length=200, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["user"].queryset = candidates

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("name") or "").strip() and not self.errors:
            self.add_error("name", _("Choose a member or give the guest's name."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "minutes", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class OutputForm(forms.ModelForm):
    votable = forms.TypedChoiceField(
        label=_("open for dot voting"),
        choices=[("", _("ideas yes, others no")), ("1", _("yes")), ("0", _("no"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = WorkshopOutput
        fields = ["kind", "text", "agenda_item", "owner", "due", "votable"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due": DATE_WIDGET}
        help_texts = {"owner": _("For action items: who takes care of it.")}

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        # objects of the programme are put to the vote with SubjectsForm, not captured
        self.fields["kind"].choices = [
            choice for choice in self.fields["kind"].choices if choice[0] != WorkshopOutput.Kind.SUBJECT
        ]
        self.fields["agenda_item"].queryset = (
            AgendaItem.objects.filter(workshop=workshop) if workshop else AgendaItem.objects.none()
        )
        if self.instance.pk:
            self.initial["votable"] = "1" if self.instance.votable else "0"

    def _post_clean(self):
        pass


class ConversionForm(forms.Form):
    """The extra inputs a registered conversion asks for (e.g. the measure of a milestone)."""

    def __init__(self, *args, conversion, programme, output, **kwargs):
        super().__init__(*args, **kwargs)
        if conversion.fields is not None:
            self.fields.update(conversion.fields(programme, output))


class SubjectsForm(forms.Form):
    """Put objects of the programme (e.g. measures) to the vote: one group of checkboxes per registered kind,
    offering what is not on the vote yet. Only the programme's own objects are offered (and accepted)."""

    def __init__(self, *args, programme, taken: dict[str, set[int]], **kwargs):
        super().__init__(*args, **kwargs)
        for votable in votable_objects.all():
            choices = [
                (pk, label)
                for pk, label in votable.offered(programme)
                if pk not in taken.get(votable.kind, ())
            ]
            if not choices:
                continue
            self.fields[votable.kind] = forms.TypedMultipleChoiceField(
                label=capfirst(votable.label_plural),
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose at least one.")},
            )
        if len(self.fields) == 1:  # one group (the usual case): it must have a choice, and reads as required
            next(iter(self.fields.values())).required = True

    def clean(self):
        cleaned = super().clean()
        if not self.fields:
            raise forms.ValidationError(_("Everything of the programme is already on the vote."))
        if not self.errors and not any(cleaned.get(kind) for kind in self.fields):
            self.add_error(next(iter(self.fields)), _("Choose at least one."))
        return cleaned

    def chosen(self) -> list[tuple[str, list[int]]]:
        """(kind, ids) for every kind with something chosen."""
        return [(kind, self.cleaned_data[kind]) for kind in self.fields if self.cleaned_data.get(kind)]
