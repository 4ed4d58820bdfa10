"""Browser pages of Evaluation inside a programme. Thin: they call services and selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from config.converters import clean_text_param, parse_id
from programmes.rules import EDIT, LEAD
from programmes.views import apply_validation_error
from programmes.views_base import ActionView, ProgrammeMixin

from . import cycles, exporters, gates, selectors, services
from .forms import (
    CollectionPointForm,
    EvaluationSettingsForm,
    FindingForm,
    ImportUploadForm,
    QuestionForm,
    ReadinessForm,
    ResponseFilterForm,
    ResultsFilterForm,
    SectionForm,
    SplitForm,
    SurveyCreateForm,
    SurveyForm,
    WaveForm,
)
from .models import Evidence, Finding, ImportBatch, Question, Survey
from .qr import absolute_url, qr_bytes
from .results import (
    chart_payload,
    crosstab_chart_payload,
    parse_result_filters,
    parse_split,
    question_result_filters,
)


class EvaluationOverviewView(ProgrammeMixin, TemplateView):
    """The E start page: surveys, findings and how far the gate criteria are met."""

    template_name = "evaluation/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        findings = list(selectors.programme_findings(programme)[:5])
        # an end date passed since the last beat run: close now rather than show "open"
        surveys = services.surveys_close_if_ended(list(selectors.programme_surveys(programme)))
        context.update(
            surveys=surveys,
            findings=findings,
            finding_count=selectors.programme_findings(programme).count(),
            criteria=[criterion(programme) for _key, criterion in gates.CRITERIA],
            surveys_to_repeat=cycles.surveys_to_repeat(programme),
            new_cycle_wave_label=_("Cycle %(cycle)d") % {"cycle": programme.cycle},
            evaluation_settings=selectors.evaluation_settings(programme),
        )
        latest = selectors.readiness_history(programme, limit=1)
        context["readiness"] = selectors.readiness_rows(latest[0]) if latest else None
        return context


class SurveyMixin(ProgrammeMixin):
    @cached_property
    def survey(self) -> Survey:
        surveys = selectors.with_thresholds(Survey.objects.filter(programme=self.programme))
        survey = get_object_or_404(surveys, pk=self.kwargs["survey"])
        # no query unless the end date has passed while the survey is still marked open
        return services.survey_close_if_ended(survey)

    def get_context_data(self, **kwargs):
        kwargs["survey"] = self.survey
        return super().get_context_data(**kwargs)

    def survey_redirect(self):
        return redirect(self.survey.get_absolute_url())


class SurveyCreateView(ProgrammeMixin, FormView):
    template_name = "evaluation/survey_form.html"
    form_class = SurveyCreateForm
    permission_required = EDIT

    def get_initial(self):
        # ?template=<key> preselects a template with its languages (links from the overview, a reload)
        return {**super().get_initial(), "template": self.request.GET.get("template", "")}

    def get_form_kwargs(self):
        threshold = selectors.evaluation_settings(self.programme).small_cell_threshold
        return {**super().get_form_kwargs(), "programme_threshold": threshold}

    def form_valid(self, form):
        template_key, data = form.service_fields()
        try:
            if template_key:
                survey = services.survey_create_from_template(
                    programme=self.programme,
                    template_key=template_key,
                    created_by=self.request.user,
                    title=data.get("title") or "",
                )
                services.survey_update(
                    survey=survey, **{k: v for k, v in data.items() if v not in ("", None)}
                )
            else:
                survey = services.survey_create(
                    programme=self.programme, created_by=self.request.user, **data
                )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Survey “%(title)s” created as a draft.") % {"title": survey.title})
        return redirect(survey.get_absolute_url())


class SurveyUpdateView(SurveyMixin, FormView):
    template_name = "evaluation/survey_form.html"
    form_class = SurveyForm
    permission_required = EDIT

    def get_form_kwargs(self):
        threshold = selectors.evaluation_settings(self.programme).small_cell_threshold
        return {**super().get_form_kwargs(), "instance": self.survey, "programme_threshold": threshold}

    def form_valid(self, form):
        try:
            services.survey_update(survey=self.survey, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return self.survey_redirect()


class SurveyDetailView(SurveyMixin, TemplateView):
    """The survey builder: questions in order, waves, collection points and the public link."""

    template_name = "evaluation/survey_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        context.update(
            questions=selectors.survey_questions(survey),
            waves=selectors.survey_waves(survey),
            points=selectors.survey_collection_points(survey),
            public_url=absolute_url(survey.public_path()),
            point_form=kwargs.get("point_form") or CollectionPointForm(),
            sections=list(survey.sections.all()),
            section_form=kwargs.get("section_form") or SectionForm(prefix="section"),
            wave_form=kwargs.get("wave_form") or WaveForm(survey=survey),
        )
        return context


class SurveyActionView(SurveyMixin, ActionView):
    """Publish, close or delete (POST only)."""

    permission_required = EDIT
    action = ""

    def success_url(self) -> str:
        return self.survey.get_absolute_url()

    def do_publish(self, request):
        services.survey_publish(survey=self.survey)
        return _("The survey is open for answers.")

    def do_close(self, request):
        services.survey_close(survey=self.survey)
        return _("The survey is closed.")

    def do_delete(self, request):
        services.survey_delete(survey=self.survey)
        messages.success(request, _("Survey deleted."))
        return redirect("programmes:evaluation", **self.programme.url_kwargs)


class WaveStartView(SurveyDetailView):
    """Starts a new wave; on a form error (e.g. the survey's end date has passed) the builder page shows again
    with the error at the field."""

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = WaveForm(request.POST, survey=self.survey)
        if form.is_valid():
            try:
                wave = services.wave_start(survey=self.survey, **form.service_fields())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("%(wave)s has started.") % {"wave": wave.display_name})
                return self.survey_redirect()
        return self.render_to_response(self.get_context_data(wave_form=form), status=400)


class QuestionFormView(SurveyMixin, FormView):
    template_name = "evaluation/question_form.html"
    form_class = QuestionForm
    permission_required = EDIT

    @cached_property
    def question(self):
        if "question" not in self.kwargs:
            return None
        return get_object_or_404(
            self.survey.questions.prefetch_related("choices"), pk=self.kwargs["question"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["survey"] = self.survey
        if self.question is not None:
            kwargs["instance"] = self.question
        return kwargs

    def get_context_data(self, **kwargs):
        has_answers = bool(self.question and self.question.answers.exists())
        kwargs.update(question=self.question, has_answers=has_answers)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        fields, choices = form.service_fields()
        try:
            if self.question is None:
                services.question_create(survey=self.survey, choices=choices, **fields)
            else:
                services.question_update(question=self.question, choices=choices, **fields)
        except ValidationError as error:
            apply_validation_error(form, error)
            if hasattr(error, "error_dict") and "choices" in error.error_dict:
                form.add_error("choices_text", error.error_dict["choices"])
            return self.form_invalid(form)
        messages.success(self.request, _("Question saved."))
        return self.survey_redirect()


class QuestionActionView(SurveyMixin, View):
    permission_required = EDIT
    action = ""

    def post(self, request, *args, **kwargs):
        question = get_object_or_404(self.survey.questions, pk=kwargs["question"])
        try:
            if self.action == "delete":
                services.question_delete(question=question)
                messages.success(request, _("Question deleted."))
            else:
                services.question_move(question=question, direction=request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.survey.get_absolute_url() + f"#question-{question.pk}")


class QuestionReorderView(SurveyMixin, View):
    """Save a new order of all questions (sent by drag and drop on the builder page; the arrow buttons remain)."""

    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        try:
            order = [int(value) for value in request.POST.getlist("order")]
        except ValueError:
            order = None
        try:
            services.questions_reorder(survey=self.survey, order=order)
        except ValidationError as error:
            message = " ".join(error.messages)
            if request.accepts("application/json") and not request.accepts("text/html"):
                return JsonResponse({"ok": False, "error": message}, status=400)
            messages.error(request, message)
            return redirect(self.survey.get_absolute_url() + "#questions-heading")
        if request.accepts("application/json") and not request.accepts("text/html"):
            return JsonResponse({"ok": True})
        messages.success(request, _("New order saved."))
        return redirect(self.survey.get_absolute_url() + "#questions-heading")


class CollectionPointCreateView(SurveyDetailView):
    """Adds a collection point; on a form error the builder page shows again with the error."""

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CollectionPointForm(request.POST)
        if form.is_valid():
            try:
                services.collection_point_create(survey=self.survey, name=form.cleaned_data["name"])
                messages.success(request, _("Collection point added."))
                return redirect(self.survey.get_absolute_url() + "#points")
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_to_response(self.get_context_data(point_form=form), status=400)


class CollectionPointDeleteView(SurveyMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        point = get_object_or_404(self.survey.collection_points, pk=kwargs["point"])
        services.collection_point_delete(point=point)
        messages.success(request, _("Collection point “%(name)s” deleted.") % {"name": point.name})
        return redirect(self.survey.get_absolute_url() + "#points")


class SectionCreateView(SurveyDetailView):
    """Adds a section; on a form error the builder page shows again with the error."""

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SectionForm(request.POST, prefix="section")
        if form.is_valid():
            try:
                services.section_create(survey=self.survey, **form.cleaned_data)
                messages.success(request, _("Section added. Assign questions to it when you edit them."))
                return redirect(self.survey.get_absolute_url() + "#sections")
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_to_response(self.get_context_data(section_form=form), status=400)


class SectionFormView(SurveyMixin, FormView):
    """Rename a section."""

    template_name = "evaluation/section_form.html"
    form_class = SectionForm
    permission_required = EDIT

    @cached_property
    def section(self):
        return get_object_or_404(self.survey.sections, pk=self.kwargs["section"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.section}

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def form_valid(self, form):
        try:
            services.section_update(section=self.section, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Section saved."))
        return redirect(self.survey.get_absolute_url() + "#sections")


class SectionDeleteView(SurveyMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        section = get_object_or_404(self.survey.sections, pk=kwargs["section"])
        services.section_delete(section=section)
        messages.success(
            request, _("Section “%(title)s” deleted; its questions stay.") % {"title": section.title}
        )
        return redirect(self.survey.get_absolute_url() + "#sections")


class PublicLinkMixin(SurveyMixin):
    @cached_property
    def point(self):
        if "point" not in self.kwargs:
            return None
        return get_object_or_404(self.survey.collection_points, pk=self.kwargs["point"])

    def public_url(self) -> str:
        target = self.point or self.survey
        return absolute_url(target.public_path())

    def file_stem(self) -> str:
        stem = slugify(self.survey.title)[:40] or "survey"
        return f"qr-{stem}-{slugify(self.point.name)[:30]}" if self.point else f"qr-{stem}"


class QRCodeView(PublicLinkMixin, View):
    kind = "svg"

    def get(self, request, *args, **kwargs):
        content_type = "image/svg+xml" if self.kind == "svg" else "image/png"
        response = HttpResponse(qr_bytes(self.public_url(), kind=self.kind), content_type=content_type)
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="{self.file_stem()}.{self.kind}"'
        return response


class PosterView(PublicLinkMixin, TemplateView):
    """A printable poster with the QR code and the link, A4 or (``?size=a6``) A6, e.g. for table stands."""

    template_name = "evaluation/poster.html"
    SIZES = ("a4", "a6")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        size = self.request.GET.get("size", "a4")
        context["size"] = size if size in self.SIZES else "a4"
        kwargs_ = {**self.programme.url_kwargs, "survey": self.survey.pk}
        if self.point:
            qr_url = reverse("programmes:evaluation:point_qr_svg", kwargs={**kwargs_, "point": self.point.pk})
        else:
            qr_url = reverse("programmes:evaluation:survey_qr_svg", kwargs=kwargs_)
        context.update(point=self.point, public_url=self.public_url(), qr_url=qr_url)
        return context


RESULT_FILTERS = ("wave", "collection_point", "segment_choice")


def filter_query(filters: selectors.ResultFilters) -> str:
    """The active result filters as a query string, to carry them on to the next page."""
    from urllib.parse import urlencode

    applied = filters.as_dict()
    return urlencode({name: applied[name] for name in RESULT_FILTERS if applied[name]})


class ResultFiltersMixin(SurveyMixin):
    """The result filters (wave, collection point, segment) of the results, split and text-answer pages."""

    def result_filters(self, *, questions, points) -> tuple[selectors.ResultFilters, dict]:
        """The filters in the query and their context: an invalid filter is ignored with its message
        (``filter_errors``), and the form shows the filters in force. Costs one query (the waves)."""
        waves = list(self.survey.waves.all())
        errors: list[str] = []
        try:
            filters = parse_result_filters(self.request.GET, waves=waves, points=points, questions=questions)
        except ValidationError as error:
            filters, errors = selectors.ResultFilters(), error.messages
        applied = filters.as_dict()
        form_data = {name: applied[name] for name in RESULT_FILTERS if applied[name]}
        return filters, {
            "filters": applied,
            "filter_form": ResultsFilterForm(form_data, waves=waves, points=points, questions=questions),
            "filter_errors": errors,
            "results_query": filter_query(filters),
        }


class ResultsView(ResultFiltersMixin, TemplateView):
    """Results with charts and tables; filter by wave, collection point and segment. Fixed query count."""

    template_name = "evaluation/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        questions = selectors.survey_questions(survey)
        filters, filter_context = self.result_filters(
            questions=questions, points=list(survey.collection_points.all())
        )
        results = selectors.survey_results(survey, filters, questions=questions)
        for item in results["questions"]:
            item["chart"] = chart_payload(item)
            item["chart_id"] = f"chart-data-{item['id']}"
        context.update(results=results, **filter_context)
        return context


class SplitResultsView(ResultFiltersMixin, TemplateView):
    """Results side by side: the answers of one or all choice and scale questions, split by the answer to a
    choice question or by collection point, under the usual filters. Fixed query count."""

    template_name = "evaluation/split.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        questions = selectors.survey_questions(survey)
        points = list(survey.collection_points.all())
        params = self.request.GET
        filters, filter_context = self.result_filters(questions=questions, points=points)
        split_form = SplitForm(params if "split_by" in params else None, questions=questions)
        crosstab = None
        if "split_by" in params:
            try:
                split_question, target = parse_split(params, questions=questions)
            except ValidationError as error:
                split_form.is_valid()
                for field, messages_ in error.message_dict.items():
                    # the reason in our words replaces the form's generic "not a valid choice"
                    split_form.errors[field] = split_form.error_class(messages_)
            else:
                crosstab = selectors.survey_crosstab(
                    survey,
                    split_question=split_question,
                    filters=filters,
                    questions=questions,
                    points=points,
                    targets=[target] if target is not None else None,
                )
                for item in crosstab["questions"]:
                    item["chart"] = crosstab_chart_payload(item, crosstab["segments"])
                    item["chart_id"] = f"split-chart-{item['id']}"
                    item["rows"] = [
                        {
                            **answer,
                            "cells": [
                                None if column["suppressed"] else column["stats"]["distribution"][index]
                                for column in item["columns"]
                            ],
                        }
                        for index, answer in enumerate(item["answers"])
                    ]
                    item["stats"] = [column["stats"] for column in item["columns"]]
        context.update(
            crosstab=crosstab,
            split_form=split_form,
            threshold=selectors.small_cell_threshold(survey),
            **filter_context,
        )
        return context


class TextAnswersView(ResultFiltersMixin, TemplateView):
    """Free-text answers of one question under the results page's filters (wave, collection point, segment),
    searchable and paginated; the texts of a segment below the minimum segment size stay hidden."""

    template_name = "evaluation/text_answers.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        from urllib.parse import urlencode

        context = super().get_context_data(**kwargs)
        survey = self.survey
        questions = selectors.survey_questions(survey)
        question = next((q for q in questions if q.pk == self.kwargs["question"]), None)
        if question is None or not question.is_text:
            raise Http404
        filters, filter_context = self.result_filters(
            questions=questions, points=list(survey.collection_points.all())
        )
        search = clean_text_param(self.request.GET.get("q"))
        suppressed = selectors.segment_suppressed(survey, filters)
        page = None
        if not suppressed:
            answers = selectors.text_answers(question, search=search, filters=filters)
            page = Paginator(answers, self.paginate_by).get_page(self.request.GET.get("page"))
        results_query = filter_context["results_query"]
        page_query = "&".join(
            part for part in (results_query, urlencode({"q": search}) if search else "") if part
        )
        context.update(
            question=question,
            page=page,
            search=search,
            suppressed=suppressed,
            threshold=selectors.small_cell_threshold(survey),
            page_query=page_query,
            **filter_context,
        )
        return context


class WaveComparisonView(SurveyMixin, TemplateView):
    template_name = "evaluation/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comparison"] = selectors.wave_comparison(self.survey)
        return context


class ExportView(SurveyMixin, View):
    """Responses as CSV or XLSX, one row per response, streamed."""

    permission_required = EDIT
    kind = "csv"

    def get(self, request, *args, **kwargs):
        return exporters.export_response(self.survey, kind=self.kind)


# --- Findings ----------------------------------------------------------------------------------------


class FindingListView(ProgrammeMixin, TemplateView):
    template_name = "evaluation/finding_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = list(selectors.programme_findings(self.programme))
        return context


class FindingFormView(ProgrammeMixin, FormView):
    """Create or edit a finding, with a web page, a document or a workshop as evidence.

    A finding from a results chart is made in one click by ``FindingFromQuestionView``."""

    template_name = "evaluation/finding_form.html"
    form_class = FindingForm
    permission_required = EDIT

    @cached_property
    def finding(self):
        if "finding" not in self.kwargs:
            return None
        return get_object_or_404(
            Finding.objects.filter(programme=self.programme).prefetch_related("evidence"),
            pk=self.kwargs["finding"],
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programme"] = self.programme
        if self.finding is not None:
            kwargs["instance"] = self.finding
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs["finding"] = self.finding
        return super().get_context_data(**kwargs)

    # a service's error on an evidence field belongs to the form's field of the same evidence
    EVIDENCE_FIELDS = {
        "url": "evidence_url",
        "label": "evidence_label",
        "document": "evidence_document",
        "workshop": "evidence_workshop",
    }

    def form_valid(self, form):
        from django.db import transaction

        data = form.cleaned_data
        try:
            with transaction.atomic():
                if self.finding is None:
                    finding = services.finding_create(
                        programme=self.programme, created_by=self.request.user, **form.finding_fields()
                    )
                else:
                    finding = services.finding_update(finding=self.finding, **form.finding_fields())
                self.add_evidence(finding, data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {self.EVIDENCE_FIELDS.get(key, key): value for key, value in error.error_dict.items()}
                )
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Finding saved."))
        return redirect("programmes:evaluation:finding_list", **self.programme.url_kwargs)

    def add_evidence(self, finding, data) -> None:
        """The evidence given in the form: a web page, a document, a workshop (any of them, or none)."""
        if data.get("evidence_url"):
            services.evidence_add(
                finding=finding,
                kind=Evidence.Kind.URL,
                label=data["evidence_label"],
                url=data["evidence_url"],
            )
        if data.get("evidence_document"):
            services.evidence_add(
                finding=finding,
                kind=Evidence.Kind.DOCUMENT,
                label=data["evidence_label"],
                document=data["evidence_document"],
            )
        if data.get("evidence_workshop"):
            services.evidence_add(
                finding=finding, kind=Evidence.Kind.WORKSHOP, workshop=data["evidence_workshop"]
            )


class FindingFromQuestionView(ProgrammeMixin, View):
    """One click on a results chart: a finding with a draft statement and the chart's figures as evidence.

    POST only (a form button, so it works without JavaScript); leads on to the new finding to edit it.
    """

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        question_id = parse_id(request.POST.get("question"))
        if question_id is None:
            raise Http404
        question = get_object_or_404(
            Question.objects.filter(survey__programme=self.programme).select_related("survey"), pk=question_id
        )
        try:
            filters = question_result_filters(question, request.POST)
            finding = services.finding_create_from_question(
                programme=self.programme, question=question, filters=filters, created_by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.results_url(question))
        messages.success(
            request,
            _("Finding created with the figures of “%(question)s” as evidence. Check the draft statement.")
            % {"question": question.text},
        )
        return redirect("programmes:evaluation:finding_edit", **self.programme.url_kwargs, finding=finding.pk)

    def results_url(self, question) -> str:
        from urllib.parse import urlencode

        url = reverse(
            "programmes:evaluation:results",
            kwargs={**self.programme.url_kwargs, "survey": question.survey_id},
        )
        params = {name: self.request.POST[name] for name in RESULT_FILTERS if self.request.POST.get(name)}
        return f"{url}?{urlencode(params)}#result-{question.pk}" if params else f"{url}#result-{question.pk}"


class FindingDeleteView(ProgrammeMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        finding = get_object_or_404(Finding.objects.filter(programme=self.programme), pk=kwargs["finding"])
        services.finding_delete(finding=finding)
        messages.success(request, _("Finding deleted."))
        return redirect("programmes:evaluation:finding_list", **self.programme.url_kwargs)


class EvidenceDocumentView(ProgrammeMixin, View):
    """An evidence document, for every role in the programme and nobody else; always as a download."""

    def get(self, request, *args, **kwargs):
        from .documents import download_response

        evidence = get_object_or_404(
            Evidence.objects.filter(finding__programme=self.programme).exclude(document=""),
            pk=kwargs["evidence"],
        )
        return download_response(evidence)


class EvidenceDeleteView(ProgrammeMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(
            Evidence.objects.filter(finding__programme=self.programme), pk=kwargs["evidence"]
        )
        services.evidence_delete(evidence=evidence)
        messages.success(request, _("Evidence removed."))
        return redirect(
            "programmes:evaluation:finding_edit", **self.programme.url_kwargs, finding=evidence.finding_id
        )


class ImportView(SurveyMixin, TemplateView):
    """Import responses in three steps: upload, match columns to questions (with a preview), import.

    The uploaded file is kept with its import record (``ImportBatch``), not in a cache, so whichever worker
    gets the next step can read it; uploads never imported are purged after a day.
    """

    template_name = "evaluation/import.html"
    permission_required = EDIT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("upload_form", ImportUploadForm(waves=selectors.survey_waves(self.survey)))
        return context

    def post(self, request, *args, **kwargs):
        from . import importers

        survey = self.survey
        questions = selectors.survey_questions(survey)
        batch_id = parse_id(request.POST.get("batch"))
        if batch_id is None:
            form = ImportUploadForm(request.POST, request.FILES, waves=selectors.survey_waves(survey))
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(upload_form=form), status=400)
            upload = form.cleaned_data["file"]
            try:
                table = importers.read_table(upload)
                batch = services.import_batch_create(
                    survey=survey,
                    wave=survey.waves.get(pk=form.cleaned_data["wave"]),
                    file_name=upload.name,
                    created_by=request.user,
                    upload=upload,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
                return self.render_to_response(self.get_context_data(upload_form=form), status=400)
            mapping = importers.auto_mapping(table.header, questions)
            return self.render_step(batch, table, mapping, questions, preview=False)
        batch = (
            ImportBatch.objects.filter(
                pk=batch_id, survey=survey, status=ImportBatch.Status.UPLOADED, created_by=request.user
            )
            .select_related("wave")
            .first()
        )
        table = None
        if batch is not None and batch.file:
            try:
                with batch.file.open("rb") as handle:
                    table = importers.read_table(handle)
            except (OSError, ValidationError):
                table = None
        if table is None:
            messages.error(
                request,
                _(
                    "This upload is no longer available: it has been imported already, or it is older than a "
                    "day. Please upload the file again."
                ),
            )
            return redirect("programmes:evaluation:import", **self.programme.url_kwargs, survey=survey.pk)
        targets = importers.mapping_choices(questions)
        mapping = {}
        for index in range(len(table.header)):
            target = request.POST.get(f"map_{index}", "")
            if target in targets:
                mapping[index] = target
        confirm = request.POST.get("confirm") == "1"
        return self.render_step(batch, table, mapping, questions, preview=True, confirm=confirm)

    def render_step(self, batch, table, mapping, questions, *, preview: bool, confirm: bool = False):
        from . import importers

        wave = batch.wave
        errors, count = [], None
        if preview:
            records = importers.records_from_rows(table, mapping, questions)
            columns = importers.column_names(table, mapping)
            try:
                count = services.responses_import(
                    survey=self.survey,
                    wave=wave,
                    records=records,
                    columns=columns,
                    row_numbers=table.line_numbers,
                    dry_run=not confirm,
                    batch=batch if confirm else None,
                )
            except services.ImportErrors as error:
                errors = error.rows
            except ValidationError as error:  # imported meanwhile (a second click)
                messages.error(self.request, " ".join(error.messages))
                return redirect(
                    "programmes:evaluation:import", **self.programme.url_kwargs, survey=self.survey.pk
                )
            else:
                if confirm:
                    messages.success(
                        self.request,
                        ngettext(
                            "%(count)d response imported into %(wave)s.",
                            "%(count)d responses imported into %(wave)s.",
                            count,
                        )
                        % {"count": count, "wave": wave},
                    )
                    return redirect(
                        "programmes:evaluation:results", **self.programme.url_kwargs, survey=self.survey.pk
                    )
        targets = importers.mapping_choices(questions)
        columns = [
            {
                "index": index,
                "name": name,
                "target": mapping.get(index, ""),
                "sample": [r[index] for r in table.rows[:3]],
            }
            for index, name in enumerate(table.header)
        ]
        context = self.get_context_data(
            step="preview" if preview else "mapping",
            batch=batch,
            columns=columns,
            targets=list(targets.items()),
            row_count=len(table.rows),
            wave=wave,
            errors=errors[:200],
            error_count=len(errors),
            valid_count=count,
        )
        return self.render_to_response(context, status=400 if errors else 200)


# --- Response management: leads only, as deleting responses and undoing imports loses data -----------

MAX_SELECTED_RESPONSES = 500


class ResponseListView(SurveyMixin, TemplateView):
    """The survey's responses with filters (wave, collection point, source, dates), 50 a page, to select and
    delete test or spam entries. Shows when and where, not what was answered."""

    template_name = "evaluation/response_list.html"
    permission_required = LEAD
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        waves = list(survey.waves.order_by("number"))
        points = list(survey.collection_points.order_by("name"))
        batches = list(selectors.survey_import_batches(survey, imported_only=True))
        form = ResponseFilterForm(self.request.GET or None, waves=waves, points=points, batches=batches)
        filters = {}
        if form.is_bound:
            form.is_valid()  # the valid filters apply; the form shows the errors of the others
            filters = form.cleaned_data
        responses = selectors.survey_responses(
            survey,
            wave_id=filters.get("wave"),
            point_id=filters.get("collection_point"),
            batch_id=filters.get("import_batch"),
            submitted_from=filters.get("submitted_from"),
            submitted_to=filters.get("submitted_to"),
        )
        page = Paginator(responses, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page,
            responses=list(page.object_list),
            query=query.urlencode(),
            filtered=bool(filters and any(value is not None for value in filters.values())),
        )
        return context


def _selected_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("response")[:MAX_SELECTED_RESPONSES]:
        pk = parse_id(value)
        if pk is not None:
            ids.append(pk)
    return ids


class ResponseDeleteView(SurveyMixin, TemplateView):
    """Delete the selected responses: the first POST shows what will go, the second (``confirm``) deletes."""

    template_name = "evaluation/response_delete.html"
    permission_required = LEAD
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        survey = self.survey
        back = reverse(
            "programmes:evaluation:responses", kwargs={**self.programme.url_kwargs, "survey": survey.pk}
        )
        # the list's filters, to return to the same view; re-encoded, so nothing else reaches the redirect
        next_query = QueryDict(
            clean_text_param(request.POST.get("next_query", ""), max_length=500)
        ).urlencode()
        if next_query:
            back = f"{back}?{next_query}"
        selected = selectors.survey_responses(survey).filter(pk__in=_selected_ids(request))
        if request.POST.get("confirm") != "1":
            responses = list(selected[:MAX_SELECTED_RESPONSES])
            if not responses:
                messages.error(request, _("Select at least one response to delete."))
                return redirect(back)
            return self.render_to_response(
                self.get_context_data(responses=responses, back=back, next_query=next_query)
            )
        count = services.responses_delete(survey=survey, responses=selected)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d response deleted; the results no longer count it.",
                    "%(count)d responses deleted; the results no longer count them.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.error(request, _("The selected responses had already been deleted."))
        return redirect(back)


class ImportBatchListView(SurveyMixin, TemplateView):
    """The survey's file imports: when, who, which file and wave, how many responses; each can be undone."""

    template_name = "evaluation/import_batches.html"
    permission_required = LEAD

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(selectors.survey_import_batches(self.survey)), **kwargs)


class ImportBatchUndoView(SurveyMixin, TemplateView):
    """Undo a whole import: GET asks for confirmation, POST deletes every response the file created."""

    template_name = "evaluation/import_undo.html"
    permission_required = LEAD

    @cached_property
    def batch(self) -> ImportBatch:
        return get_object_or_404(
            self.survey.import_batches.select_related("wave", "created_by").exclude(
                status=ImportBatch.Status.UPLOADED
            ),
            pk=self.kwargs["batch"],
        )

    def get_context_data(self, **kwargs):
        kwargs.update(batch=self.batch, remaining=self.batch.responses.count())  # replaces the URL's id
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        try:
            count = services.import_batch_undo(batch=self.batch)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Import “%(name)s” undone: %(count)d response deleted.",
                    "Import “%(name)s” undone: %(count)d responses deleted.",
                    count,
                )
                % {"name": self.batch.file_name, "count": count},
            )
        return redirect(
            "programmes:evaluation:import_batches", **self.programme.url_kwargs, survey=self.survey.pk
        )


class EvaluationSettingsView(ProgrammeMixin, FormView):
    """Leads set the programme's minimum segment size, used by every survey that does not set its own."""

    template_name = "evaluation/settings.html"
    form_class = EvaluationSettingsForm
    permission_required = LEAD

    @cached_property
    def settings_object(self):
        return selectors.evaluation_settings(self.programme)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.settings_object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overrides"] = list(
            self.programme.surveys.filter(small_cell_threshold__isnull=False)
            .order_by("title")
            .values("pk", "title", "small_cell_threshold")
        )
        return context

    def form_valid(self, form):
        try:
            services.evaluation_settings_update(
                programme=self.programme, small_cell_threshold=form.cleaned_data["small_cell_threshold"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Settings saved."))
        return redirect("programmes:evaluation", **self.programme.url_kwargs)


class ReadinessView(ProgrammeMixin, FormView):
    """The readiness self-check: the latest levels against an earlier check as a radar chart and table, the
    history of every check, a new check. ``?compare=<id>`` picks the earlier check (default: the previous one).
    """

    template_name = "evaluation/readiness.html"
    form_class = ReadinessForm
    post_permission_required = EDIT

    @cached_property
    def history(self):
        return selectors.readiness_history(self.programme)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "latest": self.history[0] if self.history else None}

    def compared(self):
        """The earlier check shown beside the latest: the one asked for, else the previous one."""
        earlier = self.history[1:]
        wanted = parse_id(self.request.GET.get("compare"))
        return next((a for a in earlier if a.pk == wanted), earlier[0] if earlier else None)

    def get_context_data(self, **kwargs):
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        def when(assessment) -> str:
            return date_format(localtime(assessment.assessed_at), "SHORT_DATE_FORMAT")

        context = super().get_context_data(**kwargs)
        latest = self.history[0] if self.history else None
        compare = self.compared()
        rows = selectors.readiness_rows(latest)
        compare_rows = selectors.readiness_rows(compare) if compare else []
        for row, earlier in zip(rows, compare_rows, strict=False):
            row["earlier_level"] = earlier["level"]
            row["change"] = None
            if row["level"] is not None and earlier["level"] is not None:
                row["change"] = row["level"] - earlier["level"]
        datasets = []
        if latest:
            datasets.append(
                {
                    "label": _("Latest check (%(date)s)") % {"date": when(latest)},
                    "values": [row["level"] for row in rows],
                }
            )
        if compare:
            datasets.append(
                {
                    "label": _("Earlier check (%(date)s)") % {"date": when(compare)},
                    "values": [row["level"] for row in compare_rows],
                    "earlier": True,
                }
            )
        context.update(
            latest=latest,
            compare=compare,
            earlier=[{"assessment": a, "label": when(a)} for a in self.history[1:]],
            rows=rows,
            history=[{"assessment": a, "rows": selectors.readiness_rows(a)} for a in self.history],
            chart={
                "kind": "radar",
                "labels": [row["label"] for row in rows],
                "datasets": datasets,
                "label": _("Level (0–4)"),
            },
        )
        return context

    def form_valid(self, form):
        try:
            services.readiness_assess(
                programme=self.programme, assessed_by=self.request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Self-check saved."))
        return redirect("programmes:evaluation:readiness", **self.programme.url_kwargs)
