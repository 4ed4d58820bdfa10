"""Evaluation in the browser: a member builds a survey from the template, opens it and prints the poster; a
visitor answers on a phone-sized screen; results, a segment, a finding from a chart and the wave comparison.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

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


def answer_as_visitor(new_page, path: str, *, grade: str, parking: str) -> None:
    visitor = new_page()
    visitor.set_viewport_size(PHONE)
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
    page.check("#id_languages_1")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/surveys/*/")
    survey = Survey.objects.get()
    check_a11y(page)
    page.locator("#publish-survey").click()
    page.wait_for_load_state()
    assert page.locator("#close-survey").is_visible()
    public_path = urlsplit(page.locator("#public-url").inner_text().strip()).path
    kwargs = {**programme.url_kwargs, "survey": survey.pk}
    goto(page, reverse("programmes:evaluation:survey_poster", kwargs=kwargs))
    assert page.locator("img.poster__qr").evaluate("img => img.naturalWidth") > 0

    answer_as_visitor(new_page, public_path, grade="3", parking="5")
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

    goto(page, results)
    page.locator(f"#result-{survey.questions.get(code='grade_parking').pk} a.kern-btn").click()
    page.wait_for_url("**/findings/new/**")
    page.fill("#id_statement", "Parken wird schlecht bewertet")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/findings/")
    check_a11y(page)
    assert Finding.objects.get().evidence.get().snapshot["stats"]["respondents"] == 1

    goto(page, reverse("programmes:evaluation:survey_detail", kwargs=kwargs))
    page.locator("form[action$='/waves/new/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert survey.waves.count() == 2
    answer_as_visitor(new_page, public_path, grade="2", parking="3")
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

    goto(page, reverse("programmes:evaluation:compare", kwargs=kwargs))
    parking = page.locator(f"#compare-{survey.questions.get(code='grade_parking').pk}")
    assert "-2" in parking.inner_text().replace("−", "-")
