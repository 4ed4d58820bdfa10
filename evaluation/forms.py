import json

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Workshop
from programmes.reference import TARGET_GROUPS

from . import templates_data
from .models import (
    SURVEY_LANGUAGES,
    CollectionPoint,
    EvaluationSettings,
    Finding,
    Question,
    Section,
    Survey,
    Wave,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ServiceValidatedModelForm(forms.ModelForm):
    """The model is validated by the service (full_clean); the form only checks its own fields."""

    def _post_clean(self):
        pass


class SurveyForm(ServiceValidatedModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=SURVEY_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["de"],
        help_text=_("Visitors can switch between these languages. German texts are the primary texts."),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "title_en",
            "intro",
            "intro_en",
            "privacy_notice",
            "privacy_notice_en",
            "languages",
            "starts_at",
            "ends_at",
            "response_target",
            "one_response_per_browser",
            "rate_limit",
            "small_cell_threshold",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "intro_en": forms.Textarea(attrs={"rows": 3}),
            "privacy_notice": forms.Textarea(attrs={"rows": 3}),
            "privacy_notice_en": forms.Textarea(attrs={"rows": 3}),
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "response_target": forms.NumberInput(attrs={"min": 1}),
            "small_cell_threshold": forms.NumberInput(attrs={"min": 1}),
            "rate_limit": forms.NumberInput(attrs={"min": 0}),
        }
        help_texts = {
            "response_target": _("How many responses the wave needs (sample size); the gate counts on it."),
            "one_response_per_browser": _(
                "A browser that has answered in the running wave sees a thank-you page instead; it can answer "
                "again in the next wave."
            ),
        }

    def __init__(self, *args, programme_threshold: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        limit = int(getattr(settings, "SURVEY_RATE_LIMIT", 30))
        minutes = max(1, round(int(getattr(settings, "SURVEY_RATE_WINDOW", 600)) / 60))
        field = self.fields["rate_limit"]
        field.label = _("Answers per connection in %(minutes)d minutes") % {"minutes": minutes}
        field.help_text = _(
            "Many visitors can share one internet address (public Wi-Fi on the market square, mobile networks). "
            "Leave empty for the platform default (%(limit)d), raise it for busy places, or enter 0 to switch "
            "the limit off, e.g. for a supervised tablet."
        ) % {"limit": limit}
        if programme_threshold is not None:
            self.fields["small_cell_threshold"].help_text = _(
                "Segments with fewer responses are hidden in the results to protect anonymity. Leave empty to "
                "use the programme's setting (currently %(n)d)."
            ) % {"n": programme_threshold}
            self.fields["small_cell_threshold"].widget.attrs["placeholder"] = str(programme_threshold)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


def template_languages(key: str) -> list[str]:
    template = templates_data.TEMPLATES.get(key or "")
    return list(template["survey"].get("languages", ["de"])) if template else ["de"]


class SurveyCreateForm(SurveyForm):
    """A new survey, empty or from a template. The languages offered follow the template.

    ``languages_for`` names the template whose languages the checkboxes showed (set on ``?template=`` and by
    survey-create.js when another template is chosen). When it differs from the template sent, the visitor never
    saw that template's languages (no JavaScript), so they are added to the ticked ones rather than dropped.
    """

    template = forms.ChoiceField(
        label=_("Start from"),
        required=False,
        choices=[("", _("an empty survey")), *templates_data.template_choices()],
        help_text=_(
            "A template brings its questions in German and English; you can change everything later."
        ),
    )
    languages_for = forms.CharField(required=False, widget=forms.HiddenInput)
    field_order = ["template", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.order_fields(self.field_order)
        self.fields["template"].widget.attrs["data-template-languages"] = json.dumps(
            {key: template_languages(key) for key in ["", *templates_data.TEMPLATES]}
        )
        template = self.initial.get("template") or ""
        if not self.is_bound and template in templates_data.TEMPLATES:
            self.initial.setdefault("languages", template_languages(template))
            self.initial["languages_for"] = template

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        if not template and not cleaned.get("title"):
            self.add_error("title", _("Please enter a title."))
        if template and cleaned.get("languages_for") != template and "languages" in cleaned:
            offered = template_languages(template)
            cleaned["languages"] = [*offered, *[code for code in cleaned["languages"] if code not in offered]]
        return cleaned

    def service_fields(self) -> tuple[str, dict]:
        """The template key and the survey fields, without the form's own helpers."""
        data = dict(self.cleaned_data)
        data.pop("languages_for", None)
        return data.pop("template"), data


class QuestionForm(ServiceValidatedModelForm):
    choices_text = forms.CharField(
        label=_("Answer options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only for choice questions. One option per line: label | English label | code. "
            "English label and code are optional; keep the code of existing options so their answers stay linked."
        ),
    )

    class Meta:
        model = Question
        fields = [
            "type",
            "section",
            "text",
            "text_en",
            "help_text",
            "help_text_en",
            "required",
            "choices_text",
            "max_selections",
            "min_value",
            "max_value",
            "code",
            "journey_stage",
            "target_group",
        ]
        widgets = {
            "max_selections": forms.NumberInput(attrs={"min": 1}),
        }

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        section_field = self.fields["section"]
        section_field.queryset = (
            survey.sections.all() if survey is not None else section_field.queryset.none()
        )
        section_field.help_text = _("Questions of a section are shown under its heading in the public form.")
        if not section_field.queryset.exists():
            del self.fields["section"]
        self.fields["code"].required = False
        self.fields["code"].help_text = _(
            "Stable short name for exports and the API. Left empty, it is generated."
        )
        self.fields["target_group"].choices = [("", "–"), *TARGET_GROUPS]
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(
                " | ".join([c.label, c.label_en, c.code]) for c in self.instance.choices.all()
            )

    def clean_choices_text(self) -> list[dict]:
        choices = []
        for number, line in enumerate((self.cleaned_data.get("choices_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3:
                raise forms.ValidationError(_("Line %(line)d has more than three parts.") % {"line": number})
            parts += [""] * (3 - len(parts))
            choices.append({"label": parts[0], "label_en": parts[1], "code": parts[2]})
        return choices

    def service_fields(self) -> tuple[dict, list[dict] | None]:
        data = dict(self.cleaned_data)
        choices = data.pop("choices_text")
        return data, choices


class SectionForm(ServiceValidatedModelForm):
    class Meta:
        model = Section
        fields = ["title", "title_en"]


class CollectionPointForm(forms.ModelForm):
    class Meta:
        model = CollectionPoint
        fields = ["name"]
        help_texts = {
            "name": _("A place or touchpoint, e.g. “Market square poster” or “Tourist information”.")
        }

    def _post_clean(self):
        pass


class WaveForm(forms.ModelForm):
    ends_at = forms.DateTimeField(
        label=_("New end of the survey"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Needed when the survey's end date has passed; otherwise optional."),
    )
    clear_ends_at = forms.BooleanField(label=_("Remove the end date (open until closed)"), required=False)

    class Meta:
        model = Wave
        fields = ["label"]
        help_texts = {"label": _("Optional, e.g. “Spring 2026, after the new signage”.")}

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is not None and not survey.ends_at:
            del self.fields["clear_ends_at"]
            self.fields["ends_at"].help_text = _("Optional; the survey has no end date now.")

    def service_fields(self) -> dict:
        # services.wave_start checks the end date (also that it is not both given and removed)
        return {
            "label": self.cleaned_data.get("label", ""),
            "ends_at": self.cleaned_data.get("ends_at"),
            "clear_ends_at": bool(self.cleaned_data.get("clear_ends_at")),
        }

    def _post_clean(self):
        pass


class FindingForm(ServiceValidatedModelForm):
    evidence_label = forms.CharField(
        label=_("Evidence: title"),
        max_length=300,
        required=False,
        help_text=_("Names the web page or document below; left empty, its address or file name is used."),
    )
    evidence_url = forms.URLField(
        assume_scheme="https",
        label=_("Evidence: address (URL)"),
        required=False,
        help_text=_("A web page or an online document that supports the finding."),
    )
    evidence_document = forms.FileField(
        label=_("Evidence: document"),
        required=False,
        help_text=_(
            "A PDF, office document or image of at most 10 MB. Only members of the programme can download it."
        ),
    )
    evidence_workshop = forms.ModelChoiceField(
        label=_("Evidence: workshop"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label="–",
        help_text=_("A workshop of this programme in which the finding came up."),
    )

    class Meta:
        model = Finding
        fields = ["statement", "description", "journey_stage", "target_group", "priority", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "statement": _(
                "A visitor need or problem in one sentence, e.g. “Visitors arriving by car cannot find parking.”"
            ),
        }

    def __init__(self, *args, programme=None, **kwargs):
        from .documents import ACCEPT

        super().__init__(*args, **kwargs)
        self.fields["target_group"].choices = [("", "–"), *TARGET_GROUPS]
        self.fields["evidence_document"].widget.attrs["accept"] = ACCEPT
        workshops = self.fields["evidence_workshop"]
        if programme is not None:
            workshops.queryset = Workshop.objects.filter(programme=programme).order_by("-starts_at")
        workshops.label_from_instance = lambda workshop: (
            f"{workshop.title} ({formats.date_format(timezone.localtime(workshop.starts_at), 'SHORT_DATE_FORMAT')})"
        )

    def clean_evidence_document(self):
        from django.core.exceptions import ValidationError

        from .documents import check_document

        upload = self.cleaned_data.get("evidence_document")
        if upload:
            try:
                check_document(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["document"]) from error
        return upload

    def finding_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EvaluationSettingsForm(forms.ModelForm):
    class Meta:
        model = EvaluationSettings
        fields = ["small_cell_threshold"]
        widgets = {"small_cell_threshold": forms.NumberInput(attrs={"min": 1})}

    def _post_clean(self):
        pass


class ResultsFilterForm(forms.Form):
    wave = forms.TypedChoiceField(label=_("Wave"), required=False, coerce=int, empty_value=None)
    collection_point = forms.TypedChoiceField(
        label=_("Collection point"), required=False, coerce=int, empty_value=None
    )
    segment_choice = forms.TypedChoiceField(
        label=_("Only respondents who answered"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, waves, points, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", _("all waves")), *[(w.pk, w.display_name) for w in waves]]
        self.fields["collection_point"].choices = [("", _("all places")), *[(p.pk, p.name) for p in points]]
        groups = [
            (q.text[:80], [(c.pk, c.label) for c in q.choices.all()]) for q in questions if q.has_choices
        ]
        self.fields["segment_choice"].choices = [("", _("everyone")), *groups]


class ResponseFilterForm(forms.Form):
    """Filters of the responses list; every field is optional, and the view ignores (only) the invalid ones."""

    wave = forms.TypedChoiceField(label=_("Wave"), required=False, coerce=int, empty_value=None)
    collection_point = forms.TypedChoiceField(
        label=_("Collection point"), required=False, coerce=int, empty_value=None
    )
    import_batch = forms.TypedChoiceField(label=_("Source"), required=False, coerce=int, empty_value=None)
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, waves, points, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", _("all waves")), *[(w.pk, w.display_name) for w in waves]]
        self.fields["collection_point"].choices = [("", _("all places")), *[(p.pk, p.name) for p in points]]
        self.fields["import_batch"].choices = [
            ("", _("all sources")),
            (0, _("answered online")),
            *[(b.pk, _("Import “%(name)s”") % {"name": b.file_name}) for b in batches],
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and end < start:
            self.add_error("submitted_to", _("The end must not be before the start."))
        return cleaned


class SplitForm(forms.Form):
    """What to split by (a choice question or the collection point) and which question to show (default all)."""

    split_by = forms.ChoiceField(label=_("Split by"), required=False)
    question = forms.TypedChoiceField(label=_("Show"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, questions, **kwargs):
        from .selectors import SPLIT_BY_POINT, crosstab_targets

        super().__init__(*args, **kwargs)
        self.fields["split_by"].choices = [
            ("", _("– please choose –")),
            (SPLIT_BY_POINT, _("Collection point")),
            *[(q.code, q.text[:80]) for q in questions if q.has_choices],
        ]
        self.fields["question"].choices = [
            ("", _("all choice and scale questions")),
            *[(q.pk, q.text[:80]) for q in crosstab_targets(questions)],
        ]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "One row per response, one column per question. Columns named like the question codes (as in our "
            "export) are matched automatically; you can match the others in the next step."
        ),
    )
    wave = forms.TypedChoiceField(label=_("Wave"), coerce=int)

    def __init__(self, *args, waves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [(w.pk, w.display_name) for w in waves]
        if waves:
            self.fields["wave"].initial = waves[-1].pk


class ReadinessForm(forms.Form):
    """A level 0–4 per dimension (radio buttons with the guidance text) and an optional note each."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, latest=None, **kwargs):
        from .models import ReadinessDimension
        from .readiness import LEVELS, QUESTIONS

        super().__init__(*args, **kwargs)
        previous = {score.dimension: score for score in latest.scores.all()} if latest else {}
        fields = {}
        for value, label in ReadinessDimension.choices:
            fields[f"level_{value}"] = forms.TypedChoiceField(
                label=label,
                help_text=QUESTIONS[value],
                choices=list(LEVELS.items()),
                coerce=int,
                widget=forms.RadioSelect,
                initial=previous[value].level if value in previous else None,
            )
            fields[f"note_{value}"] = forms.CharField(
                label=_("Note on “%(dimension)s”") % {"dimension": label},
                required=False,
                max_length=500,
                initial=previous[value].note if value in previous else "",
            )
        self.fields = {**fields, "comment": self.fields["comment"]}

    def dimensions(self) -> list[dict]:
        """Per dimension: its level field, each level option with the dimension's guidance, its note field."""
        from .models import ReadinessDimension
        from .readiness import GUIDANCE

        rows = []
        for value, _label in ReadinessDimension.choices:
            level = self[f"level_{value}"]
            guidance = GUIDANCE[value]
            rows.append(
                {
                    "dimension": value,
                    "level": level,
                    "note": self[f"note_{value}"],
                    "options": [
                        {"widget": option, "guidance": guidance[int(option.data["value"])]}
                        for option in level.subwidgets
                    ],
                }
            )
        return rows

    def service_fields(self) -> dict:
        from .models import ReadinessDimension

        data = self.cleaned_data
        return {
            "levels": {value: data[f"level_{value}"] for value in ReadinessDimension.values},
            "notes": {value: data[f"note_{value}"] for value in ReadinessDimension.values},
            "comment": data["comment"],
        }
