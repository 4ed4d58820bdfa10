"""The public survey: answered without an account through a link or QR code, on any phone.

No IP address or user agent is stored; abuse is kept down by a hidden honeypot field, a per-client rate
limit (the survey's own, else the platform's) and (by default) one response per browser and wave, remembered
in a signed cookie: a visitor who answered wave 1 can answer again in wave 2, so the comparison keeps them.

The form keeps Django's CSRF protection: without it, any web page could make its own visitors' browsers send
answers, each from another address, past the per-address limit. The survey pages always set the CSRF cookie,
and a failed check (a cookie lost in an in-app browser, a page left open for days) shows the same page again
with every answer kept and a short explanation, instead of an error page (``csrf_failure``).

A survey with sections is answered page by page, one section per page. The answers of the other pages travel
with every page as hidden fields, so nothing is stored before the last page is sent (nothing of a visitor who
gives up half-way) and paging works without JavaScript and without a session. Each page is checked on "Next";
the last page sends everything through the same service as a one-page survey, all answers or none.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from config.converters import parse_id

from . import selectors, services
from .abuse import HONEYPOT_FIELD, client_ip, rate_limit_exceeded
from .models import QuestionType, Survey

COOKIE_SALT = "evaluation.answered"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def answered_cookie_name(survey: Survey) -> str:
    return f"answered_{survey.pk}"


def answered_cookie_value(wave_id) -> str:
    return f"wave:{wave_id}"


def has_answered(request, survey: Survey) -> bool:
    """Whether this browser has answered the survey's open wave (a cookie of an earlier wave does not count)."""
    value = request.get_signed_cookie(answered_cookie_name(survey), default=None, salt=COOKIE_SALT)
    wave_id = getattr(survey, "open_wave_id", None)
    return value is not None and wave_id is not None and value == answered_cookie_value(wave_id)


def pick_language(request, survey: Survey) -> str:
    """The language asked for (?lang= or the form), else the browser's if offered, else the survey's first."""
    for candidate in (request.POST.get("language"), request.GET.get("lang"), translation.get_language()):
        if candidate and candidate[:2] in survey.languages:
            return candidate[:2]
    return survey.languages[0]


def field_name(question) -> str:
    return f"q_{question.code}"


def submitted_answers(post, questions) -> dict:
    """The raw answers of the form, keyed by question code, as the service expects them."""
    answers = {}
    for question in questions:
        name = field_name(question)
        if question.type == QuestionType.MULTIPLE_CHOICE:
            values = post.getlist(name)
            if values:
                answers[question.code] = values
        else:
            value = post.get(name, "")
            if value != "":
                answers[question.code] = value
    return answers


def _scale_label(question_type: str, value: int) -> str:
    if question_type == QuestionType.SCHOOL_GRADE:
        return {
            1: _("1 – very good"),
            2: _("2 – good"),
            3: _("3 – satisfactory"),
            4: _("4 – adequate"),
            5: _("5 – poor"),
            6: _("6 – insufficient"),
        }[value]
    if question_type == QuestionType.LIKERT:
        return {
            1: _("1 – do not agree at all"),
            2: "2",
            3: "3",
            4: "4",
            5: _("5 – fully agree"),
        }[value]
    return str(value)


def section_title(section, language: str) -> str:
    """The section's title in the language (English where asked for and given); "" without a section."""
    if section is None:
        return ""
    return section.title_en if language == "en" and section.title_en else section.title


def question_views(questions, language: str, values: dict, errors: dict) -> list[dict]:
    """Everything the template needs per question: texts, options with their checked state, value, error."""
    views = []
    previous_section = None
    for number, question in enumerate(questions, start=1):
        name = field_name(question)
        current = values.get(question.code)
        current_list = [
            str(v) for v in (current if isinstance(current, list) else [current] if current else [])
        ]
        options = []
        if question.has_choices:
            options = [
                {"value": c.code, "label": c.localized_label(language), "checked": c.code in current_list}
                for c in question.choices.all()
            ]
        elif question.scale():
            low, high = question.scale()
            options = [
                {"value": str(v), "label": _scale_label(question.type, v), "checked": str(v) in current_list}
                for v in range(low, high + 1)
            ]
        section = question.section
        views.append(
            {
                "question": question,
                "number": number,
                "name": name,
                "id": f"id_{name}",
                "text": question.localized_text(language),
                "help": question.localized_help(language),
                "required": question.required,
                "type": question.type,
                "input": "checkbox" if question.type == QuestionType.MULTIPLE_CHOICE else "radio",
                "options": options,
                "value": current_list[0] if current_list and not options else "",
                "error": " ".join(errors.get(question.code, [])),
                "section": section_title(section, language),
                "new_section": section is not None and section != previous_section,
                "horizontal": question.type == QuestionType.NPS,
            }
        )
        previous_section = section
    return views


NAV_FIELD = "nav"
NAV_NEXT, NAV_BACK, NAV_SEND = "next", "back", "send"
PAGE_FIELD = "page"


def survey_pages(questions) -> list[list]:
    """The questions in pages, one section per page; a survey without sections is one page.

    A page starts where a question opens another section. Questions before the first section form the first
    page; a question without a section stays on the page of the section before it (where the one-page form
    shows it too).
    """
    pages: list[list] = []
    current = None
    for question in questions:
        if not pages or (question.section_id is not None and question.section_id != current):
            pages.append([])
            current = question.section_id
        pages[-1].append(question)
    return pages or [[]]


def page_errors(survey: Survey, page: list, values: dict, language: str) -> dict:
    """The errors of one page's answers, keyed by question code (the checks of the submission service)."""
    codes = {question.code for question in page}
    try:
        services.answers_validate(
            survey=survey,
            answers={code: value for code, value in values.items() if code in codes},
            language=language,
            questions=page,
        )
    except ValidationError as error:
        return error.message_dict
    return {}


def hidden_answers(questions, values: dict) -> list[tuple[str, str]]:
    """(field name, value) of the given questions' answers, to carry them through the other pages."""
    fields = []
    for question in questions:
        value = values.get(question.code)
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            fields.append((field_name(question), str(item)))
    return fields


def _render(request, template: str, language: str, context: dict, status: int = HTTPStatus.OK):
    with translation.override(language):
        return render(request, template, {"language": language, **context}, status=status)


def _not_open(request, survey: Survey, language: str):
    status = HTTPStatus.GONE if survey.status == Survey.Status.CLOSED else HTTPStatus.OK
    return _render(request, "evaluation/public/not_open.html", language, {"survey": survey}, status=status)


def _survey_and_point(token: str, point: str | None):
    survey = selectors.survey_by_token(token)
    if survey is None:
        raise Http404
    collection_point = None
    if point is not None:
        collection_point = survey.collection_points.filter(token=point).first()
        if collection_point is None:
            raise Http404
    return survey, collection_point


def _closed_or_answered(request, survey: Survey, language: str):
    """The page to show instead of the form: the survey takes no answers, or this browser answered the wave."""
    if not survey.is_accepting():
        services.survey_close_if_ended(survey)  # the end date passed: closed now, not at the next beat run
        return _not_open(request, survey, language)
    if survey.one_response_per_browser and has_answered(request, survey):
        return _render(request, "evaluation/public/thanks.html", language, {"survey": survey, "again": True})
    return None


def _posted_page(request, last: int) -> int:
    posted_page = parse_id(request.POST.get(PAGE_FIELD))
    return min(posted_page, last) if posted_page is not None else last


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def answer_view(request, token: str, point: str | None = None):
    survey, collection_point = _survey_and_point(token, point)
    language = pick_language(request, survey)
    other_page = _closed_or_answered(request, survey, language)
    if other_page is not None:
        return other_page
    questions = selectors.public_questions(survey)
    pages = survey_pages(questions)
    last = len(pages) - 1
    index = 0
    values: dict = {}
    errors: dict = {}
    form_error = ""
    status = HTTPStatus.OK
    if request.method == "POST":
        values = submitted_answers(request.POST, questions)
        if request.POST.get(HONEYPOT_FIELD):
            # A bot filled the hidden field: answer as if all went well, store nothing.
            return redirect(reverse("surveys:thanks", kwargs={"token": survey.public_token}))
        nav = request.POST.get(NAV_FIELD, NAV_SEND)
        index = _posted_page(request, last)
        if nav == NAV_BACK:
            index = max(index - 1, 0)
        elif nav == NAV_NEXT and index < last:
            errors = page_errors(survey, pages[index], values, language)
            if errors:
                form_error = _("Some answers need your attention. Please check the marked questions.")
            else:
                index += 1
        else:
            ip = client_ip(request)
            if rate_limit_exceeded(scope=f"survey:{survey.pk}", ip=ip, limit=survey.effective_rate_limit()):
                form_error = _("Too many answers from this connection. Please try again later.")
                status = HTTPStatus.TOO_MANY_REQUESTS
            else:
                try:
                    services.response_submit(
                        survey=survey,
                        answers=values,
                        collection_point=collection_point,
                        language=language,
                        client_ip=ip,
                        questions=questions,
                    )
                except services.SurveyNotOpen:
                    return _not_open(request, survey, language)
                except ValidationError as error:
                    errors = error.message_dict
                    form_error = _("Some answers need your attention. Please check the marked questions.")
                    # show the first page with a marked question (all pages were checked on "Next", so this
                    # is the last page unless the survey changed or the hidden answers were tampered with)
                    index = next(
                        (i for i, page in enumerate(pages) if any(q.code in errors for q in page)), index
                    )
                else:
                    response = redirect(reverse("surveys:thanks", kwargs={"token": survey.public_token}))
                    if survey.one_response_per_browser:
                        response.set_signed_cookie(
                            answered_cookie_name(survey),
                            answered_cookie_value(survey.open_wave_id),
                            salt=COOKIE_SALT,
                            max_age=COOKIE_MAX_AGE,
                            httponly=True,
                            samesite="Lax",
                            secure=request.is_secure(),
                        )
                    return response
    return _form_page(
        request,
        survey=survey,
        collection_point=collection_point,
        language=language,
        questions=questions,
        pages=pages,
        index=index,
        values=values,
        errors=errors,
        form_error=form_error,
        status=status,
    )


def _form_page(
    request,
    *,
    survey,
    collection_point,
    language,
    questions,
    pages,
    index,
    values,
    errors,
    form_error,
    status,
):
    """One page of the survey form with the given answers, errors and message."""
    last = len(pages) - 1
    page = pages[index]
    on_page = {question.code for question in page}
    views = question_views(questions, language, values, errors)
    page_views = [view for view in views if view["question"].code in on_page]
    paged = len(pages) > 1
    page_section = next((question.section for question in page if question.section), None)
    focus = ""
    if request.method == "POST":
        focus = "form-error" if form_error else "survey-step-heading" if paged else ""
    context = {
        "survey": survey,
        "collection_point": collection_point,
        "title": survey.localized("title", language),
        "intro": survey.localized("intro", language) if index == 0 else "",
        "privacy_notice": survey.localized("privacy_notice", language) if index in (0, last) else "",
        "questions": page_views,
        "error_count": sum(1 for view in page_views if view["error"]),
        "form_error": form_error,
        "honeypot": HONEYPOT_FIELD,
        "other_languages": [code for code in survey.languages if code != language] if index == 0 else [],
        "paged": paged,
        "page_index": index,
        "page_number": index + 1,
        "page_count": len(pages),
        "is_last_page": index == last,
        "page_title": section_title(page_section, language),
        "hidden_answers": hidden_answers([q for q in questions if q.code not in on_page], values)
        if paged
        else [],
        "focus": focus,
    }
    return _render(request, "evaluation/public/answer.html", language, context, status=status)


@never_cache
def answer_csrf_failure(request, token: str, point: str | None = None):
    """The survey page again after a failed CSRF check, with every answer kept and nothing stored.

    Called by ``config.csrf.csrf_failure`` for the survey pages. The page carries a fresh token (and sets the
    cookie again), so sending once more normally works.
    """
    survey, collection_point = _survey_and_point(token, point)
    language = pick_language(request, survey)
    other_page = _closed_or_answered(request, survey, language)
    if other_page is not None:
        return other_page
    questions = selectors.public_questions(survey)
    pages = survey_pages(questions)
    with translation.override(language):
        message = _(
            "Your answers have not been sent yet: your browser did not pass our security check, perhaps "
            "because the page was open for a long time or cookies are blocked. Your answers are kept below. "
            "Please send them again."
        )
    return _form_page(
        request,
        survey=survey,
        collection_point=collection_point,
        language=language,
        questions=questions,
        pages=pages,
        index=_posted_page(request, len(pages) - 1) if request.method == "POST" else 0,
        values=submitted_answers(request.POST, questions) if request.method == "POST" else {},
        errors={},
        form_error=message,
        status=HTTPStatus.FORBIDDEN,
    )


@never_cache
def thanks_view(request, token: str):
    survey = selectors.survey_by_token(token)
    if survey is None:
        raise Http404
    language = pick_language(request, survey)
    return _render(request, "evaluation/public/thanks.html", language, {"survey": survey, "again": False})
