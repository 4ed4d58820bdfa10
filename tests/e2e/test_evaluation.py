"""Evaluation in the browser: a member builds a survey from the template, opens it and prints the poster; a
visitor answers on a phone-sized screen; results, a segment, a finding from a chart and the wave comparison.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Finding, Response, Survey
from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory

from .conftest import check_a11y, goto

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def member():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    return programme, MembershipFactory(programme=programme, role=Role.MEMBER).user


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def answer_as_visitor(visitor, path: str, *, grade: str, parking: str) -> None:
    goto(visitor, path)
    # sending without the required overall grade shows the error at the question and keeps the rest
    visitor.locator("label[for=id_q_grade_parking_4]").click()
    visitor.locator("#survey-form button[type=submit]").click()
    visitor.wait_for_load_state()
    assert visitor.locator("#id_q_grade_overall_error").is_visible()
    assert visitor.locator("#id_q_grade_parking_4").is_checked()
    check_a11y(visitor)
    visitor.locator(f"label[for=id_q_grade_overall_{int(grade) - 1}]").click()
    visitor.locator(f"label[for=id_q_grade_parking_{int(parking) - 1}]").click()
    visitor.locator("label[for=id_q_transport_0]").click()
    visitor.fill("#id_q_wishes", "Mehr Parkplätze in der Nähe des Marktes")
    visitor.locator("#survey-form button[type=submit]").click()
    visitor.wait_for_url("**/thanks/")
    assert visitor.locator("#thanks").is_visible()
    check_a11y(visitor)


def test_survey_from_template_to_results_finding_and_wave_comparison(page, new_page, member):
    programme, user = member
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, user)
    overview = reverse("programmes:evaluation", kwargs=programme.url_kwargs)
    goto(page, overview)
    goto(page, reverse("programmes:evaluation:survey_create", kwargs=programme.url_kwargs))
    page.select_option("#id_template", "inner_city_visitors")
    # the template's languages are offered without ticking English by hand
    assert page.is_checked("#id_languages_0") and page.is_checked("#id_languages_1")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/surveys/*/")
    survey = Survey.objects.get()
    assert survey.languages == ["de", "en"]
    check_a11y(page)
    page.locator("#publish-survey").click()
    page.wait_for_load_state()
    assert page.locator("#close-survey").is_visible()
    public_path = urlsplit(page.locator("#public-url").inner_text().strip()).path
    kwargs = {**programme.url_kwargs, "survey": survey.pk}
    goto(page, reverse("programmes:evaluation:survey_poster", kwargs=kwargs))
    assert page.locator("img.poster__qr").evaluate("img => img.naturalWidth") > 0

    # a regular visitor on a phone: answers wave 1 now and, in the same browser, wave 2 later
    visitor = new_page()
    visitor.set_viewport_size(PHONE)
    answer_as_visitor(visitor, public_path, grade="3", parking="5")
    assert Response.objects.count() == 1

    results = reverse("programmes:evaluation:results", kwargs=kwargs)
    goto(page, results)
    assert page.locator("canvas.result-chart").count() == 3  # the answered questions
    assert "1" in page.locator("#response-count").inner_text()
    # a segment of one response is hidden
    page.select_option("#id_segment_choice", label="Auto / Motorrad")
    page.locator("form.results-filter button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#suppressed").is_visible()
    check_a11y(page)

    # one click beside the chart creates the finding with a draft statement and the figures as evidence
    goto(page, results)
    page.locator(
        f"#result-{survey.questions.get(code='grade_parking').pk} form.finding-from-question button"
    ).click()
    page.wait_for_url("**/findings/*/edit/")
    check_a11y(page)
    draft = page.locator("#id_statement").input_value()
    assert "Parken" in draft and "Mittelwert 5,0" in draft and "(n = 1)" in draft
    assert page.locator("details.snapshot").is_visible()
    page.fill("#id_statement", "Parken wird schlecht bewertet")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/findings/")
    check_a11y(page)
    finding = Finding.objects.get()
    assert finding.statement == "Parken wird schlecht bewertet" and finding.journey_stage == "Anreise"
    assert finding.evidence.get().snapshot["stats"]["respondents"] == 1

    goto(page, reverse("programmes:evaluation:survey_detail", kwargs=kwargs))
    page.locator("form[action$='/waves/new/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert survey.waves.count() == 2
    answer_as_visitor(visitor, public_path, grade="2", parking="3")
    assert sorted(Response.objects.values_list("wave__number", flat=True)) == [1, 2]
    readiness = reverse("programmes:evaluation:readiness", kwargs=programme.url_kwargs)
    goto(page, readiness)
    for index in range(6):
        page.locator(
            f"label[for=id_level_{['vision', 'people', 'infrastructure', 'data', 'participation', 'funding'][index]}_{index % 5}]"
        ).click()
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url(f"**{readiness}")
    assert page.locator("canvas.result-chart").is_visible()
    check_a11y(page)
    # a second check: the radar overlays it on the first, with a legend naming both
    page.locator("label[for=id_level_data_4]").click()
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url(f"**{readiness}")
    legend = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('canvas.result-chart'))"
        ".legend.legendItems.map((item) => item.text)"
    )
    assert [text.split(" (")[0] for text in legend] == ["Letzter Check", "Früherer Check"]
    assert "+" in page.locator("#readiness-latest").inner_text()  # the change in data
    check_a11y(page)

    goto(page, reverse("programmes:evaluation:compare", kwargs=kwargs))
    parking = page.locator(f"#compare-{survey.questions.get(code='grade_parking').pk}")
    assert "-2" in parking.inner_text().replace("−", "-")


def test_visitor_answers_a_survey_with_sections_page_by_page_on_a_phone(new_page, member):
    programme, _user = member
    survey = services.survey_create(programme=programme, title="Besuch in der Innenstadt", languages=["de"])
    arrival = services.section_create(survey=survey, title="Anreise")
    rating = services.section_create(survey=survey, title="Bewertung")
    wishes = services.section_create(survey=survey, title="Wünsche")
    services.question_create(
        survey=survey,
        section=arrival,
        code="transport",
        type="single_choice",
        text="Wie sind Sie angereist?",
        required=True,
        choices=[{"code": "car", "label": "Auto"}, {"code": "bus", "label": "Bus"}],
    )
    services.question_create(
        survey=survey, section=rating, code="grade", type="school_grade", text="Gesamtnote?", required=True
    )
    services.question_create(survey=survey, section=wishes, code="wish", type="long_text", text="Was fehlt?")
    services.survey_publish(survey=survey)

    visitor = new_page()
    visitor.set_viewport_size(PHONE)
    goto(visitor, survey.public_path())
    assert "Seite 1 von 3" in visitor.locator("#survey-progress").inner_text()
    assert visitor.locator("#survey-step-heading").inner_text() == "Anreise"
    # Next without the required answer: the error summary takes the focus, the page stays
    visitor.locator("#survey-form button[value=next]").click()
    visitor.wait_for_load_state()
    assert visitor.locator("#id_q_transport_error").is_visible()
    assert visitor.evaluate("document.activeElement.id") == "form-error"
    check_a11y(visitor)
    visitor.locator("label[for=id_q_transport_1]").click()
    visitor.locator("#survey-form button[value=next]").click()
    visitor.wait_for_load_state()
    assert "Seite 2 von 3" in visitor.locator("#survey-progress").inner_text()
    assert visitor.evaluate("document.activeElement.id") == "survey-step-heading"
    check_a11y(visitor)
    # back keeps the answer, forward again keeps the next page's
    visitor.locator("label[for=id_q_grade_1]").click()
    visitor.locator("#survey-form button[value=back]").click()
    visitor.wait_for_load_state()
    assert visitor.locator("#id_q_transport_1").is_checked()
    check_a11y(visitor)
    visitor.locator("#survey-form button[value=next]").click()
    visitor.wait_for_load_state()
    assert visitor.locator("#id_q_grade_1").is_checked()
    visitor.locator("#survey-form button[value=next]").click()
    visitor.wait_for_load_state()
    assert "Seite 3 von 3" in visitor.locator("#survey-progress").inner_text()
    check_a11y(visitor)
    visitor.fill("#id_q_wish", "Mehr Bänke am Markt")
    visitor.locator("#survey-form button[value=send]").click()
    visitor.wait_for_url("**/thanks/")
    check_a11y(visitor)
    response = Response.objects.get()
    answers = {a.question.code: a for a in response.answers.select_related("question", "choice")}
    assert answers["transport"].choice.code == "bus"
    assert answers["grade"].number == 2 and answers["wish"].text == "Mehr Bänke am Markt"


def test_lead_deletes_test_responses_and_undoes_an_import(page, member):
    from evaluation.models import ImportBatch
    from tests.evaluation.factories import VALID, add_responses, make_survey

    programme, _member = member
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    survey = make_survey(programme, title="Passantenbefragung")
    add_responses(survey, 3)
    batch = services.responses_import_recorded(
        survey=survey, wave=survey.waves.get(), records=[VALID, VALID], file_name="papierbogen.csv"
    )
    sign_in(page, lead)
    kwargs = {**programme.url_kwargs, "survey": survey.pk}
    goto(page, reverse("programmes:evaluation:survey_detail", kwargs=kwargs))
    page.get_by_role("link", name="Antworten verwalten (Testeinträge löschen)").click()
    page.wait_for_url("**/responses/")
    check_a11y(page)
    assert "5 Antworten" in page.locator("#response-count").inner_text()
    online = list(Response.objects.filter(import_batch=None).order_by("-submitted_at", "-pk")[:2])
    for response in online:
        page.locator(f"label[for=response-{response.pk}]").click()
    page.locator("#delete-selected").click()
    page.wait_for_selector("#delete-confirmation")
    check_a11y(page)
    assert Response.objects.count() == 5  # nothing deleted before the confirmation
    page.locator("#confirm-delete").click()
    page.wait_for_url("**/responses/*")
    assert "3 Antworten" in page.locator("#response-count").inner_text()
    assert not Response.objects.filter(pk__in=[r.pk for r in online]).exists()

    goto(page, reverse("programmes:evaluation:import_batches", kwargs=kwargs))
    page.locator(f"#import-batches a[href$='/imports/{batch.pk}/undo/']").click()
    page.wait_for_selector("#undo-confirmation")
    check_a11y(page)
    page.locator("#confirm-undo").click()
    page.wait_for_url("**/imports/")
    check_a11y(page)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and Response.objects.count() == 1


def test_visitor_whose_cookie_got_lost_keeps_the_answers_and_sends_again(new_page, member):
    """An in-app browser that drops cookies between loading and sending: nothing typed is lost."""
    programme, _user = member
    survey = services.survey_create(programme=programme, title="Kurzbefragung", languages=["de"])
    services.question_create(
        survey=survey, code="grade", type="school_grade", text="Gesamtnote?", required=True
    )
    services.question_create(survey=survey, code="wish", type="long_text", text="Was fehlt?")
    services.survey_publish(survey=survey)
    visitor = new_page()
    visitor.set_viewport_size(PHONE)
    goto(visitor, survey.public_path())
    visitor.locator("label[for=id_q_grade_1]").click()
    visitor.fill("#id_q_wish", "Mehr Schatten")
    visitor.context.clear_cookies()
    visitor.locator("#survey-form button[type=submit]").click()
    visitor.wait_for_selector("#form-error")
    assert "noch nicht gesendet" in visitor.locator("#form-error").inner_text()
    assert visitor.locator("#id_q_grade_1").is_checked()
    assert visitor.locator("#id_q_wish").input_value() == "Mehr Schatten"
    check_a11y(visitor)
    assert Response.objects.count() == 0
    visitor.locator("#survey-form button[type=submit]").click()
    visitor.wait_for_url("**/thanks/")
    assert Response.objects.count() == 1


def test_split_results_texts_evidence_files_settings_and_guidance(page, settings, tmp_path):
    """A lead splits the results by transport, reads the texts of one segment, attaches a document and a
    workshop to a finding, lowers the minimum segment size and reads the guidance of the self-check."""
    from evaluation.models import Evidence
    from tests.evaluation.factories import make_survey
    from tests.programmes.factories_workshops import WorkshopFactory

    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    survey = make_survey(programme)
    for transport, grade, wish, count in [("car", 2, "Mehr Parkplätze", 6), ("bus", 4, "Busse am Abend", 5)]:
        for _ in range(count):
            services.response_submit(
                survey=survey, answers={"transport": transport, "grade": grade, "wish": wish}
            )
    services.response_submit(survey=survey, answers={"transport": "foot", "grade": 1, "wish": "Bänke"})
    workshop = WorkshopFactory(programme=programme, title="Werkstatt Einzelhandel")
    sign_in(page, lead)
    kwargs = {**programme.url_kwargs, "survey": survey.pk}

    goto(page, reverse("programmes:evaluation:results", kwargs=kwargs))
    page.locator("#threshold-note a").click()
    page.wait_for_url("**/results/split/**")
    page.select_option("#id_split_by", "transport")
    page.locator("#split-form button[type=submit]").click()
    page.wait_for_load_state()
    grade = survey.questions.get(code="grade")
    table = page.locator(f"#split-{grade.pk} table")
    assert "2,00" in table.inner_text() and "4,00" in table.inner_text()  # mean grade by car and by bus
    assert "ausgeblendet" in page.locator("#split-segments").inner_text()  # one on foot: hidden
    legend = page.evaluate(
        f"() => window.Chart.getChart(document.querySelector('#split-{grade.pk} canvas'))"
        ".legend.legendItems.map((item) => item.text)"
    )
    assert legend == ["Auto", "Bus"]
    check_a11y(page)

    # the texts of the bus riders only; of the one walker: hidden
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    foot = survey.questions.get(code="transport").choices.get(code="foot")
    texts = reverse(
        "programmes:evaluation:text_answers",
        kwargs={**kwargs, "question": survey.questions.get(code="wish").pk},
    )
    goto(page, f"{texts}?segment_choice={bus.pk}")
    assert page.locator("#text-answers li").count() == 5
    assert "Busse am Abend" in page.locator("#text-answers").inner_text()
    goto(page, f"{texts}?segment_choice={foot.pk}")
    assert page.locator("#suppressed").is_visible() and "Bänke" not in page.content()

    # a finding with a document and a workshop as evidence; the document downloads
    goto(page, reverse("programmes:evaluation:finding_create", kwargs=programme.url_kwargs))
    page.fill("#id_statement", "Busfahrende wünschen sich Busse am Abend")
    page.set_input_files(
        "#id_evidence_document",
        files=[{"name": "Fahrplan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    page.select_option("#id_evidence_workshop", str(workshop.pk))
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/findings/")
    check_a11y(page)
    assert Evidence.objects.filter(kind="document").get().document_name == "Fahrplan.pdf"
    with page.expect_download() as download:
        page.locator("#findings a[download]").click()
    assert download.value.suggested_filename == "Fahrplan.pdf"
    assert "Werkstatt Einzelhandel" in page.locator("#findings").inner_text()

    # the lead lowers the minimum segment size: the walker's answer shows
    goto(page, reverse("programmes:evaluation:settings", kwargs=programme.url_kwargs))
    page.fill("#id_small_cell_threshold", "1")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url(f"**{reverse('programmes:evaluation', kwargs=programme.url_kwargs)}")
    assert "weniger als 1 Antwort" in page.locator("#programme-threshold").inner_text()
    goto(page, f"{texts}?segment_choice={foot.pk}")
    assert page.locator("#text-answers").inner_text().strip().startswith("Bänke")

    # each level of the self-check is explained for its dimension
    goto(page, reverse("programmes:evaluation:readiness", kwargs=programme.url_kwargs))
    assert (
        "Breitband und öffentliches WLAN" in page.locator("#id_level_infrastructure_3_guidance").inner_text()
    )
    assert (
        "Finanzierung ist über mehrere Jahre geplant"
        in page.locator("#id_level_funding_4_guidance").inner_text()
    )
